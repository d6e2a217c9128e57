// --help, help COMMAND, COMMAND --help, --version and the "did you mean" hints, run against the
// built binary: help goes to stdout with exit 0, usage errors to stderr with exit 2.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "cli/command.h"
#include "testing/subprocess.h"

namespace coupongen {
namespace {

using testing::RunCoupongen;

TEST(HelpTest, ToolHelpListsEveryCommandOnStdout) {
  for (const char* flag : {"--help", "-h", "help"}) {
    auto r = RunCoupongen({flag});
    EXPECT_EQ(r.exit_code, 0) << flag;
    EXPECT_EQ(r.err, "") << flag;
    EXPECT_NE(r.out.find("Usage: coupongen COMMAND"), std::string::npos) << flag;
    for (const auto& cmd : Subcommands()) {
      EXPECT_NE(r.out.find(std::string("  ") + cmd.name + " "), std::string::npos) << flag << ": " << cmd.name;
      EXPECT_NE(r.out.find(cmd.summary), std::string::npos) << flag << ": " << cmd.name;
    }
  }
}

TEST(HelpTest, NoArgumentsIsAUsageError) {
  auto r = RunCoupongen({});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("Usage: coupongen COMMAND"), std::string::npos);
}

// Every way to ask for a command's help prints the same text: the usage line and every option
// of the command's table row (long names; the positional arguments are in the usage line).
TEST(HelpTest, CommandHelpThreeWays) {
  for (const auto& cmd : Subcommands()) {
    auto by_help = RunCoupongen({"help", cmd.name});
    auto by_flag = RunCoupongen({cmd.name, "--help"});
    auto by_short = RunCoupongen({cmd.name, "-h"});
    for (const auto* r : {&by_help, &by_flag, &by_short}) {
      EXPECT_EQ(r->exit_code, 0) << cmd.name;
      EXPECT_EQ(r->err, "") << cmd.name;
    }
    EXPECT_EQ(by_help.out, by_flag.out) << cmd.name;
    EXPECT_EQ(by_help.out, by_short.out) << cmd.name;
    EXPECT_EQ(by_help.out.rfind(std::string("Usage: coupongen ") + cmd.usage + "\n", 0), 0u) << by_help.out;
    const auto options = cmd.options();
    for (const auto& opt : options.options()) {
      const std::string& name = opt->long_name();
      bool positional = std::find(cmd.positional.begin(), cmd.positional.end(), name) != cmd.positional.end();
      EXPECT_EQ(by_help.out.find("--" + name + " ") != std::string::npos, !positional) << cmd.name << " --" << name;
    }
  }
}

TEST(HelpTest, HelpForAnUnknownCommand) {
  auto r = RunCoupongen({"help", "generat"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("coupongen: error: unknown command 'generat', did you mean 'generate'?"), std::string::npos) << r.err;
}

TEST(HelpTest, UnknownCommandSuggestsTheClosest) {
  struct Case {
    const char* typed;
    const char* suggested;
  } cases[] = {{"genrate", "generate"}, {"valdiate", "validate"}, {"gen", "generate"}, {"helpp", "help"}};
  for (const auto& c : cases) {
    auto r = RunCoupongen({c.typed, "spec.yaml"});
    EXPECT_EQ(r.exit_code, 2) << c.typed;
    EXPECT_EQ(r.out, "") << c.typed;
    EXPECT_EQ(r.err, std::string("coupongen: error: unknown command '") + c.typed + "', did you mean '" + c.suggested +
                         "'? (run 'coupongen --help' for the list)\n");
  }
}

TEST(HelpTest, UnknownCommandWithNothingClose) {
  auto r = RunCoupongen({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "coupongen: error: unknown command 'frobnicate' (run 'coupongen --help' for the list)\n");
}

TEST(HelpTest, UnknownOptionOfACommandSuggestsTheClosest) {
  auto r = RunCoupongen({"generate", "spec.yaml", "--forse"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "coupongen: error: generate: unknown option '--forse', did you mean '--force'?\n");

  r = RunCoupongen({"validate", "spec.yaml", "--jsno"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "coupongen: error: validate: unknown option '--jsno', did you mean '--json'?\n");
}

TEST(HelpTest, UnknownToolOptionSuggestsTheClosest) {
  auto r = RunCoupongen({"--vesion"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "coupongen: error: unknown option '--vesion', did you mean '--version'? "
                   "(a command comes first: run 'coupongen --help')\n");
}

TEST(HelpTest, MissingArgumentIsAUsageError) {
  auto r = RunCoupongen({"validate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("coupongen: error: validate: missing SPEC"), std::string::npos) << r.err;
}

// The version comes from project(... VERSION x.y.z) in CMakeLists.txt: read it from there rather
// than trusting the macro the binary was built with.
TEST(HelpTest, VersionIsTheCMakeProjectVersion) {
  std::ifstream in(std::string(COUPONGEN_SOURCE_DIR) + "/CMakeLists.txt");
  std::stringstream text;
  text << in.rdbuf();
  std::smatch m;
  std::string s = text.str();
  ASSERT_TRUE(std::regex_search(s, m, std::regex(R"(project\(coupongen\s+VERSION\s+([0-9.]+))")));
  auto r = RunCoupongen({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "coupongen " + m[1].str() + "\n");
  EXPECT_EQ(m[1].str(), COUPONGEN_VERSION);
}

}  // namespace
}  // namespace coupongen
