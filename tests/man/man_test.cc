// The man pages render without a groff warning, and cannot drift from the code: every command of
// the command table has a section in coupongen(1) with an entry for each of its options, every
// template has an entry under init, and every key of the spec parser has an entry in
// coupongen-spec(5) (and every key documented there exists).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "base/strings.h"
#include "cli/command.h"
#include "spec/campaign_parser.h"
#include "testing/subprocess.h"

namespace coupongen {
namespace {

namespace fs = std::filesystem;
using testing::Run;

const std::string kManDir = std::string(COUPONGEN_SOURCE_DIR) + "/man";

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// roff source -> plain text lines, macros kept: "\fB\-\-output\fR" -> "--output".
std::vector<std::string> PlainLines(const std::string& roff) {
  static const std::vector<std::pair<std::regex, std::string>> kEscapes = {
      {std::regex(R"(\\f[BIRP])"), ""}, {std::regex(R"(\\-)"), "-"},  {std::regex(R"(\\&)"), ""},
      {std::regex(R"(\\\(dq)"), "\""},  {std::regex(R"(\\\(aq)"), "'"}, {std::regex(R"(\\e)"), "\\"},
  };
  std::vector<std::string> lines;
  std::istringstream in(roff);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(".\\\"", 0) == 0) continue;  // a comment
    for (const auto& [re, with] : kEscapes) line = std::regex_replace(line, re, with);
    lines.push_back(line);
  }
  return lines;
}

// The words of a macro line, without the macro and quotes: `.BR "a b" c` -> "a b c".
std::string MacroText(const std::string& line) {
  if (line.empty() || line[0] != '.') return line;
  size_t space = line.find(' ');
  if (space == std::string::npos) return "";
  std::string rest = line.substr(space + 1);
  rest.erase(std::remove(rest.begin(), rest.end(), '"'), rest.end());
  return rest;
}

struct Page {
  // .SH or .SS heading -> the tag lines (the line after each .TP) below it, as plain text.
  std::map<std::string, std::vector<std::string>> tags;
};

Page ReadPage(const std::string& path) {
  Page page;
  auto lines = PlainLines(Slurp(path));
  std::string heading;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l.rfind(".SH ", 0) == 0 || l.rfind(".SS ", 0) == 0) {
      heading = MacroText(l);
      page.tags[heading];
    } else if (l == ".TP" && i + 1 < lines.size()) {
      page.tags[heading].push_back(MacroText(lines[i + 1]));
    }
  }
  return page;
}

bool HasWord(const std::string& text, const std::string& word) {
  for (size_t pos = text.find(word); pos != std::string::npos; pos = text.find(word, pos + 1)) {
    auto edge = [](char c) { return !(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'); };
    bool before = pos == 0 || edge(text[pos - 1]);
    bool after = pos + word.size() == text.size() || edge(text[pos + word.size()]);
    if (before && after) return true;
  }
  return false;
}

bool AnyTagHas(const std::vector<std::string>& tags, const std::string& word) {
  return std::any_of(tags.begin(), tags.end(), [&](const std::string& t) { return HasWord(t, word); });
}

void ExpectRendersCleanly(const std::string& page) {
  auto probe = Run({"groff", "--version"});
  ASSERT_EQ(probe.exit_code, 0) << "groff is missing: install groff-base (Debian) to run the man page tests";
  std::string path = kManDir + "/" + page;
  ASSERT_TRUE(fs::exists(path)) << path;
  // The default device, and a terminal of 80 columns as man(1) renders it.
  for (const auto& extra : std::vector<std::vector<std::string>>{{}, {"-Tutf8", "-rLL=78n"}}) {
    std::vector<std::string> argv{"groff", "-man", "-ww", "-z"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(path);
    auto r = Run(argv);
    EXPECT_EQ(r.exit_code, 0) << page;
    EXPECT_EQ(r.out, "") << page;
    EXPECT_EQ(r.err, "") << page << (extra.empty() ? "" : " (" + extra[0] + ")");
  }
}

TEST(ManTest, CoupongenPageRendersWithoutWarnings) { ExpectRendersCleanly("coupongen.1"); }
TEST(ManTest, SpecPageRendersWithoutWarnings) { ExpectRendersCleanly("coupongen-spec.5"); }

// Each command has a ".SS NAME" section in which each option has a .TP entry: "--long", "-s" for
// a short name, the upper-case name of a positional argument ("FILE..." for "files").
TEST(ManTest, EveryCommandAndOptionIsInCoupongen1) {
  Page page = ReadPage(kManDir + "/coupongen.1");
  for (const auto& cmd : Subcommands()) {
    auto section = page.tags.find(cmd.name);
    ASSERT_NE(section, page.tags.end()) << "no '.SS " << cmd.name << "' in man/coupongen.1";
    const auto& tags = section->second;
    const auto options = cmd.options();
    for (const auto& opt : options.options()) {
      const std::string& name = opt->long_name();
      if (std::find(cmd.positional.begin(), cmd.positional.end(), name) != cmd.positional.end()) {
        std::string upper = ToUpperAscii(name);
        bool found = AnyTagHas(tags, upper) ||
                     (upper.back() == 'S' && AnyTagHas(tags, upper.substr(0, upper.size() - 1) + "..."));
        EXPECT_TRUE(found) << cmd.name << ": argument " << upper << " has no .TP entry in man/coupongen.1";
        continue;
      }
      EXPECT_TRUE(AnyTagHas(tags, "--" + name)) << cmd.name << ": --" << name << " has no .TP entry in man/coupongen.1";
      std::string shown = opt->format_name();  // "-o [ --output ]" or "--now"
      if (shown.size() > 1 && shown[0] == '-' && shown[1] != '-')
        EXPECT_TRUE(AnyTagHas(tags, shown.substr(0, 2))) << cmd.name << ": " << shown.substr(0, 2) << " (--" << name
                                                         << ") is not in its .TP entry in man/coupongen.1";
    }
  }
  ASSERT_TRUE(page.tags.count("help"));
  EXPECT_TRUE(AnyTagHas(page.tags["OPTIONS"], "--help"));
  EXPECT_TRUE(AnyTagHas(page.tags["OPTIONS"], "-h"));
  EXPECT_TRUE(AnyTagHas(page.tags["OPTIONS"], "--version"));
}

TEST(ManTest, EveryExitCodeIsInCoupongen1) {
  Page page = ReadPage(kManDir + "/coupongen.1");
  for (const char* code : {"0", "1", "2", "3", "4"}) EXPECT_TRUE(AnyTagHas(page.tags["EXIT STATUS"], code)) << code;
}

TEST(ManTest, EveryTemplateIsUnderInit) {
  Page page = ReadPage(kManDir + "/coupongen.1");
  for (const auto& e : fs::directory_iterator(std::string(COUPONGEN_SOURCE_DIR) + "/templates")) {
    if (e.path().extension() != ".yaml") continue;
    EXPECT_TRUE(AnyTagHas(page.tags["init"], e.path().stem().string()))
        << "template " << e.path().stem() << " has no .TP entry under init in man/coupongen.1";
  }
}

// The sections of coupongen-spec(5) that document keys, by the spec section they hold.
const std::map<std::string, std::string>& KeySections() {
  static const std::map<std::string, std::string> m = {
      {"TOP-LEVEL KEYS", ""}, {"PROMOTION", "promotion"}, {"CODES", "codes"},
      {"COUPON", "coupon"},   {"RECIPIENTS", "recipients"}, {"OUTPUT", "output"},
  };
  return m;
}

TEST(ManTest, EverySpecKeyIsInCoupongenSpec5AndNoOther) {
  Page page = ReadPage(kManDir + "/coupongen-spec.5");
  for (const auto& [heading, section] : KeySections()) {
    ASSERT_TRUE(page.tags.count(heading)) << "no '.SH " << heading << "' in man/coupongen-spec.5";
    std::set<std::string> documented;
    for (const auto& tag : page.tags[heading]) documented.insert(tag.substr(0, tag.find(' ')));
    std::set<std::string> known;
    for (const auto& key : SpecKeys(section)) known.insert(section.empty() ? key : section + "." + key);
    for (const auto& key : known)
      EXPECT_TRUE(documented.count(key)) << key << " has no .TP entry under " << heading << " in man/coupongen-spec.5";
    for (const auto& key : documented)
      EXPECT_TRUE(known.count(key)) << key << " is documented under " << heading
                                    << " in man/coupongen-spec.5 but the parser does not know it";
  }
  // Every spec section has its man section.
  for (const auto& top : SpecKeys("")) {
    if (SpecKeys(top).empty()) continue;
    bool covered = std::any_of(KeySections().begin(), KeySections().end(), [&](const auto& kv) { return kv.second == top; });
    EXPECT_TRUE(covered) << "spec section '" << top << "' has no section in man/coupongen-spec.5";
  }
}

}  // namespace
}  // namespace coupongen
