// completion/coupongen.bash, driven as bash drives it: set COMP_WORDS and COMP_CWORD, call
// _coupongen, read COMPREPLY. It must offer every command and option of the command table, so it
// cannot drift from the code.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "cli/command.h"
#include "coupon/format.h"
#include "testing/subprocess.h"

namespace coupongen {
namespace {

namespace fs = std::filesystem;

const std::string kScript = std::string(COUPONGEN_SOURCE_DIR) + "/completion/coupongen.bash";
const std::string kTemplates = std::string(COUPONGEN_SOURCE_DIR) + "/templates";
constexpr const char* kBashCompletion = "/usr/share/bash-completion/bash_completion";  // Debian's bash-completion

using Words = std::set<std::string>;

bool Includes(const Words& all, const Words& some) { return std::includes(all.begin(), all.end(), some.begin(), some.end()); }

class CompletionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The script runs `coupongen init --list` for template names: the built one, on the PATH.
    std::string bin_dir = fs::path(COUPONGEN_BINARY).parent_path().string();
    const char* path = std::getenv("PATH");
    old_path_ = path ? path : "";
    setenv("PATH", (bin_dir + ":" + old_path_).c_str(), 1);
    setenv("COUPONGEN_TEMPLATES", kTemplates.c_str(), 1);
  }
  void TearDown() override {
    setenv("PATH", old_path_.c_str(), 1);
    unsetenv("COUPONGEN_TEMPLATES");
  }

  // What completing the last of `words` offers.
  // With `with_bash_completion`, bash-completion is loaded first, as in an interactive shell (the
  // script then completes file names with its _filedir).
  static Words Complete(const std::vector<std::string>& words, const std::string& cwd = "",
                        bool with_bash_completion = false) {
    std::string preamble = with_bash_completion ? "source " + std::string(kBashCompletion) + " || exit 97\n" : "";
    std::vector<std::string> argv{"bash", "--norc", "--noprofile", "-c",
                                  preamble +
                                  "source \"$0\" || exit 99\n"
                                  "COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1))\n"
                                  "_coupongen || exit 98\n"
                                  "printf '%s\\n' \"${COMPREPLY[@]}\"",
                                  kScript};
    argv.insert(argv.end(), words.begin(), words.end());
    auto r = testing::Run(argv, "", cwd);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    Words out;
    std::istringstream lines(r.out);
    for (std::string l; std::getline(lines, l);)
      if (!l.empty()) out.insert(l);
    return out;
  }

  static Words CommandNames() {
    Words w{"help"};
    for (const auto& c : Subcommands()) w.insert(c.name);
    return w;
  }

  std::string old_path_;
};

TEST_F(CompletionTest, ACommandFromItsStart) {
  EXPECT_EQ(Complete({"coupongen", "gen"}), Words{"generate"});
  EXPECT_EQ(Complete({"coupongen", "v"}), Words{"validate"});
}

// The script also knows the contract's commands that other branches add to the table.
TEST_F(CompletionTest, EveryCommandOfTheTable) {
  Words offered = Complete({"coupongen", ""});
  EXPECT_TRUE(Includes(offered, CommandNames())) << ::testing::PrintToString(offered);
}

TEST_F(CompletionTest, ToolOptions) {
  EXPECT_EQ(Complete({"coupongen", "-"}), (Words{"-h", "--help", "--version"}));
}

TEST_F(CompletionTest, HelpTakesACommand) {
  Words commands = CommandNames();
  commands.erase("help");
  Words offered = Complete({"coupongen", "help", ""});
  EXPECT_TRUE(Includes(offered, commands)) << ::testing::PrintToString(offered);
  EXPECT_EQ(offered.count("help"), 0u);
}

// After "-" each command offers exactly its options in the table (long and short) and -h/--help.
TEST_F(CompletionTest, EveryOptionOfEveryCommand) {
  for (const auto& cmd : Subcommands()) {
    Words expected{"-h", "--help"};
    const auto options = cmd.options();
    for (const auto& opt : options.options()) {
      if (std::find(cmd.positional.begin(), cmd.positional.end(), opt->long_name()) != cmd.positional.end()) continue;
      expected.insert("--" + opt->long_name());
      std::string shown = opt->format_name();  // "-o [ --output ]"
      if (shown.size() > 1 && shown[0] == '-' && shown[1] != '-') expected.insert(shown.substr(0, 2));
    }
    EXPECT_EQ(Complete({"coupongen", cmd.name, "spec.yaml", "-"}), expected) << cmd.name;
  }
}

TEST_F(CompletionTest, FormatsAfterFormatOptions) {
  Words formats(FormatNames().begin(), FormatNames().end());
  EXPECT_EQ(Complete({"coupongen", "generate", "spec.yaml", "-f", ""}), formats);
  EXPECT_EQ(Complete({"coupongen", "generate", "spec.yaml", "--format", ""}), formats);
  EXPECT_EQ(Complete({"coupongen", "convert", "old.csv", "-f", "j"}), (Words{"json", "jsonapi"}));
  EXPECT_EQ(Complete({"coupongen", "generate", "spec.yaml", "--format", "=", "im"}), Words{"imports"});
}

TEST_F(CompletionTest, AutoAfterShard) {
  EXPECT_EQ(Complete({"coupongen", "generate", "spec.yaml", "--shard", ""}), Words{"auto"});
  EXPECT_EQ(Complete({"coupongen", "generate", "spec.yaml", "--shard", "a"}), Words{"auto"});
  EXPECT_EQ(Complete({"coupongen", "generate", "spec.yaml", "--shards", ""}), Words{});
}

TEST_F(CompletionTest, TemplateNamesAfterTemplate) {
  Words names;
  for (const auto& e : fs::directory_iterator(kTemplates))
    if (e.path().extension() == ".yaml") names.insert(e.path().stem().string());
  EXPECT_EQ(Complete({"coupongen", "init", "--template", ""}), names);
  EXPECT_EQ(Complete({"coupongen", "init", "--template", "weekly"}), Words{"weekly-cron"});
}

TEST_F(CompletionTest, LedgerActions) {
  EXPECT_EQ(Complete({"coupongen", "ledger", ""}), (Words{"find", "stats", "export"}));
  EXPECT_EQ(Complete({"coupongen", "ledger", "find", ""}), Words{});
}

TEST_F(CompletionTest, FilesOtherwise) {
  char tmpl[] = "/tmp/coupongen-completion-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  fs::path dir = tmpl;
  std::ofstream(dir / "spring.yaml") << "version: 1\n";
  std::ofstream(dir / "spring codes.csv") << "code\n";
  Words spec = Complete({"coupongen", "validate", "spr"}, dir);
  Words out = Complete({"coupongen", "generate", "spring.yaml", "-o", "spring\\ c"}, dir);
  Words excl = Complete({"coupongen", "generate", "spring.yaml", "--exclude", "spring"}, dir);
  Words count = Complete({"coupongen", "generate", "spring.yaml", "-n", ""}, dir);
  fs::remove_all(dir);
  EXPECT_EQ(spec, (Words{"spring.yaml", "spring codes.csv"}));
  EXPECT_EQ(excl, (Words{"spring.yaml", "spring codes.csv"}));
  EXPECT_EQ(out, Words{"spring codes.csv"});
  EXPECT_EQ(count, Words{});  // a number: nothing to offer
}

TEST_F(CompletionTest, FilesWithBashCompletionLoaded) {
  if (!fs::exists(kBashCompletion)) GTEST_SKIP() << "bash-completion is not installed";
  char tmpl[] = "/tmp/coupongen-completion-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  fs::path dir = tmpl;
  std::ofstream(dir / "spring.yaml") << "version: 1\n";
  std::ofstream(dir / "spring codes.csv") << "code\n";
  Words spec = Complete({"coupongen", "validate", "spr"}, dir, true);
  Words formats = Complete({"coupongen", "generate", "spring.yaml", "-f", "c"}, dir, true);
  Words options = Complete({"coupongen", "init", "--t"}, dir, true);
  fs::remove_all(dir);
  EXPECT_EQ(spec, (Words{"spring.yaml", "spring codes.csv"}));
  EXPECT_EQ(formats, Words{"csv"});
  EXPECT_EQ(options, Words{"--template"});
}

// Every option that takes a value has a case of its own in the script (formats, templates, files
// or free text), and no flag has one: otherwise the word after it would be completed wrongly.
TEST_F(CompletionTest, EveryOptionValueIsKnownToTheScript) {
  std::ifstream in(kScript);
  std::stringstream text;
  text << in.rdbuf();
  std::string script = text.str();
  size_t begin = script.find("case $prev in");
  ASSERT_NE(begin, std::string::npos);
  size_t end = script.find("esac", begin);
  std::string block = script.substr(begin, end - begin);
  Words handled;
  std::regex word(R"((-{1,2}[a-z][a-z-]*))");
  std::istringstream lines(block);
  for (std::string l; std::getline(lines, l);) {
    size_t paren = l.find(')');
    if (paren == std::string::npos) continue;
    std::string pattern = l.substr(0, paren);
    for (auto it = std::sregex_iterator(pattern.begin(), pattern.end(), word); it != std::sregex_iterator(); ++it)
      handled.insert((*it)[1]);
  }
  for (const auto& cmd : Subcommands()) {
    const auto options = cmd.options();
    for (const auto& opt : options.options()) {
      if (std::find(cmd.positional.begin(), cmd.positional.end(), opt->long_name()) != cmd.positional.end()) continue;
      bool takes_value = opt->semantic()->max_tokens() > 0;
      std::string name = "--" + opt->long_name();
      EXPECT_EQ(handled.count(name) > 0, takes_value) << cmd.name << " " << name << (takes_value ? " takes a value" : " is a flag");
      std::string shown = opt->format_name();
      if (shown.size() > 1 && shown[0] == '-' && shown[1] != '-') {
        EXPECT_EQ(handled.count(shown.substr(0, 2)) > 0, takes_value) << cmd.name << " " << shown.substr(0, 2);
      }
    }
  }
}

}  // namespace
}  // namespace coupongen
