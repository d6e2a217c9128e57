// codes.check and codes.blocklist in a spec: where the check character goes, what the length
// bounds and keyspace count, the blocklist's sources, and every error with its exact text.
#include "spec/plan_code_rules.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cmath>

#include "spec/campaign_parser.h"
#include "testing/subprocess.h"

namespace coupongen {
namespace {

const TimeMs kNow = *ParseTimestamp("2027-02-01T00:00:00Z", nullptr);

struct Built {
  Plan plan;
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
};

// A spec whose codes section is `codes_yaml` (after "count: 1" unless it sets the count).
Built Build(const std::string& codes_yaml, const std::string& file = "s.yaml") {
  Problems problems;
  const std::string count = codes_yaml.find("count:") == std::string::npos ? "  count: 1\n" : "";
  Campaign c = ParseCampaign("version: 1\ncampaign: c\ncodes:\n" + count + codes_yaml, file, &problems);
  PlanOptions o;
  o.now = kNow;
  Built b;
  b.plan = BuildPlan(c, o, &problems);
  for (const auto& p : problems) (p.is_error() ? b.errors : b.warnings).push_back(p.ToString());
  return b;
}

using Strings = std::vector<std::string>;

TEST(PlanCodeRulesTest, CheckCharacterIsTheLastCharacterOfTheRandomPart) {
  struct Case {
    std::string yaml;
    std::string shape;
  } cases[] = {
      {"  check: true\n", "#############"},                                       // 12 + 1
      {"  length: 11\n  group: 4\n  check: true\n", "####-####-####"},          // even groups
      {"  length: 12\n  group: 4\n  check: true\n", "####-####-####-#"},        // grouped like the others
      {"  pattern: SPR-####-###\n  check: true\n", "SPR-####-####"},            // after the last '#'
      {"  pattern: \"##-##/EU\"\n  check: true\n", "##-###/EU"},
      {"  prefix: \"A#-\"\n  length: 8\n  check: true\n", "A#-#########"},      // a '#' in the prefix is literal
      {"  length: 11\n  group: 4\n  check: false\n", "####-####-###"},
  };
  for (const auto& c : cases) {
    auto b = Build(c.yaml);
    ASSERT_EQ(b.errors, Strings{}) << c.yaml;
    EXPECT_EQ(b.plan.shape.Display(), c.shape) << c.yaml;
    const bool check = c.yaml.find("true") != std::string::npos;
    EXPECT_EQ(b.plan.rules.check() != nullptr, check) << c.yaml;
    if (check) EXPECT_EQ(b.plan.shape.skeleton()[b.plan.shape.slots().back()], '#');
  }
}

TEST(PlanCodeRulesTest, KeyspaceAndEntropyCountRandomCharactersOnly) {
  auto b = Build("  length: 12\n  check: true\n  blocklist: none\n");
  ASSERT_EQ(b.errors, Strings{});
  EXPECT_EQ(b.plan.keyspace.size, std::pow(30.0L, 12.0L));
  EXPECT_NEAR(b.plan.keyspace.entropy_bits, 12 * std::log2(30.0), 1e-9);
  // The blocklist (on by default) removes some: the keyspace is what it allows.
  auto d = Build("  length: 12\n  check: true\n");
  EXPECT_EQ(d.plan.keyspace.size, d.plan.rules.share().allowed);
  EXPECT_LT(d.plan.keyspace.size, b.plan.keyspace.size);
  EXPECT_TRUE(d.plan.rules.share().exact);
  EXPECT_LT(d.plan.keyspace.entropy_bits, b.plan.keyspace.entropy_bits);
}

TEST(PlanCodeRulesTest, LengthBoundsCountTheCheckCharacter) {
  EXPECT_EQ(Build("  length: 7\n  check: true\n").errors, Strings{});
  EXPECT_EQ(Build("  length: 6\n  check: true\n").errors,
            Strings{"s.yaml:5:11: codes.length: the whole code is 7 characters (prefix 0 + random 6 + check 1 + "
                    "separators 0 + suffix 0), below min_length 8"});
  EXPECT_EQ(Build("  length: 39\n  check: true\n").errors, Strings{});
  EXPECT_EQ(Build("  length: 36\n  group: 4\n  prefix: X\n  check: true\n").errors,
            Strings{"s.yaml:5:11: codes.length: the whole code is 47 characters (prefix 1 + random 36 + check 1 + "
                    "separators 9 + suffix 0), above max_length 40"});
  EXPECT_EQ(Build("  pattern: AB-####\n  check: true\n").errors, Strings{});
  EXPECT_EQ(Build("  pattern: AB-###\n  check: true\n").errors,
            Strings{"s.yaml:5:12: codes.pattern: 'AB-###' with its check character is 7 characters, below min_length 8"});
}

TEST(PlanCodeRulesTest, CheckErrors) {
  EXPECT_EQ(Build("  check: maybe\n").errors, Strings{"s.yaml:5:10: codes.check: must be true or false, not 'maybe'"});
  EXPECT_EQ(Build("  check: [true]\n").errors, Strings{"s.yaml:5:10: codes.check: must be a single value, not a list"});
  EXPECT_EQ(Build("  alphabet: aAbB\n  check: true\n").errors,
            Strings{"s.yaml:6:10: codes.check: a check character needs an alphabet of at least 3 symbols: with 2, no "
                    "single check symbol catches both substitutions and transpositions"});
  // Nothing more is said about a check when the alphabet itself is wrong.
  EXPECT_EQ(Build("  alphabet: A\n  check: true\n").errors.size(), 1u);
}

TEST(PlanCodeRulesTest, BlocklistIsBuiltinByDefaultOrNone) {
  auto d = Build("");
  ASSERT_EQ(d.errors, Strings{});
  EXPECT_TRUE(d.plan.rules.blocklist_spec().builtin);
  EXPECT_TRUE(d.plan.rules.blocklist_spec().file.empty());
  EXPECT_FALSE(d.plan.rules.blocklist().empty());
  EXPECT_GT(d.plan.rules.share().removed_fraction(), 0);
  for (const char* none : {"none", "None", "NONE"}) {
    auto n = Build(std::string("  blocklist: ") + none + "\n");
    ASSERT_EQ(n.errors, Strings{});
    EXPECT_TRUE(n.plan.rules.blocklist_spec().empty()) << none;
    EXPECT_TRUE(n.plan.rules.blocklist().empty()) << none;
    EXPECT_EQ(n.plan.rules.share().removed_fraction(), 0) << none;
    EXPECT_EQ(n.plan.keyspace.size, std::pow(30.0L, 12.0L)) << none;
  }
}

TEST(PlanCodeRulesTest, BlocklistFileAddsWordsRelativeToTheSpec) {
  std::string dir = testing::MakeTempDir();
  testing::WriteFile(dir + "/words.txt", "# campaign words\nqx\n  zz  # no sleeping on the job\n\nW7F\n");
  auto b = Build("  alphabet: uppercase\n  blocklist: words.txt\n", dir + "/s.yaml");
  ASSERT_EQ(b.errors, Strings{});
  const BlocklistSpec& spec = b.plan.rules.blocklist_spec();
  EXPECT_TRUE(spec.builtin);
  EXPECT_EQ(spec.file, dir + "/words.txt");
  EXPECT_EQ(spec.extra, (Strings{"qx", "zz", "W7F"}));
  EXPECT_TRUE(b.plan.rules.blocklist().Contains("AAQXAA"));
  EXPECT_TRUE(b.plan.rules.blocklist().Contains("AAW7FA"));
  EXPECT_TRUE(b.plan.rules.blocklist().Contains("AAWTFA"));  // 7 reads as T
  EXPECT_TRUE(b.plan.rules.blocklist().Contains("S3XAAA"));  // still the built-in words
  auto builtin_only = Build("  alphabet: uppercase\n");
  EXPECT_GT(b.plan.rules.share().removed_fraction(), builtin_only.plan.rules.share().removed_fraction());
}

TEST(PlanCodeRulesTest, BlocklistErrors) {
  std::string dir = testing::MakeTempDir();
  testing::WriteFile(dir + "/bad.txt", "ok\nf*ck\n");
  testing::WriteFile(dir + "/long.txt", "ILILILILILILIL\n");
  testing::WriteFile(dir + "/huge.txt", std::string(2 << 20, 'a'));
  const std::string s = dir + "/s.yaml";
  EXPECT_EQ(Build("  blocklist: nope.txt\n", s).errors,
            Strings{s + ":5:14: codes.blocklist: cannot read " + dir + "/nope.txt: No such file or directory"});
  EXPECT_EQ(Build("  blocklist: bad.txt\n", s).errors,
            Strings{s + ":5:14: codes.blocklist: " + dir + "/bad.txt:2: 'f*ck': a word holds only letters and digits"});
  EXPECT_EQ(Build("  alphabet: uppercase\n  blocklist: long.txt\n", s).errors,
            Strings{s + ":6:14: codes.blocklist: blocklist word 'ILILILILILILIL': too many ways to spell it (over "
                        "4096 with I, L and 1)"});
  EXPECT_EQ(Build("  blocklist: huge.txt\n", s).errors,
            Strings{s + ":5:14: codes.blocklist: " + dir + "/huge.txt is larger than 1 MiB (a blocklist holds one word per line)"});
  EXPECT_EQ(Build("  blocklist: false\n").errors,
            Strings{"s.yaml:5:14: codes.blocklist: is 'false': write 'none' to turn the built-in list off, or give a "
                    "file of words to add to it"});
  EXPECT_EQ(Build("  blocklist: [a.txt, b.txt]\n").errors,
            Strings{"s.yaml:5:14: codes.blocklist: must be a single value, not a list"});
  EXPECT_EQ(Build("  blocklist: \"\"\n").errors, Strings{"s.yaml:5:14: codes.blocklist: must not be empty"});
  EXPECT_EQ(Build("  blocklst: none\n").errors,
            Strings{"s.yaml:5:3: codes.blocklst: unknown key (did you mean 'blocklist'?)"});
}

TEST(PlanCodeRulesTest, FeasibilityCountsAllowedCodesAndNamesTheCheck) {
  auto b = Build("  count: 5001\n  alphabet: digits\n  length: 4\n  min_length: 4\n");
  ASSERT_EQ(b.errors.size(), 0u);
  EXPECT_EQ(CheckFeasibility(b.plan, 0).message(),
            "cannot make 5,001 unique codes: shape #### has 10,000 possible codes (ignoring case), 9,957 of them "
            "without a blocked word, and at most half the keyspace may be used: make codes longer or the alphabet larger");
  EXPECT_TRUE(CheckFeasibility(Build("  count: 4978\n  alphabet: digits\n  length: 4\n  min_length: 4\n").plan, 0).ok());
  EXPECT_FALSE(CheckFeasibility(Build("  count: 4979\n  alphabet: digits\n  length: 4\n  min_length: 4\n").plan, 0).ok());
  auto c = Build("  count: 600\n  alphabet: digits\n  pattern: \"T-###\"\n  min_length: 4\n  check: true\n  blocklist: none\n");
  EXPECT_EQ(CheckFeasibility(c.plan, 0).message(),
            "cannot make 600 unique codes: shape T-#### (the last '#' a check character) has 1,000 possible codes "
            "(ignoring case), and at most half the keyspace may be used: make codes longer or the alphabet larger");
}

TEST(PlanCodeRulesTest, VerifyCheckCharacterForLint) {
  auto b = Build("  pattern: SPR-####-###\n  check: true\n");
  ASSERT_EQ(b.errors, Strings{});
  // A valid code: the check character over the random part 7KQ9M3X.
  const Plan& plan = b.plan;
  std::vector<uint8_t> d;
  for (char c : std::string("7KQ9M3X")) d.push_back(static_cast<uint8_t>(plan.alphabet.FoldedIndex(c)));
  const std::string code = std::string("SPR-7KQ9-M3X") + plan.rules.check_symbols()[plan.rules.check()->Compute(d)];
  EXPECT_EQ(VerifyCheckCharacter(plan, code), std::nullopt);
  std::string lower = code;
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  EXPECT_EQ(VerifyCheckCharacter(plan, lower), std::nullopt) << "case is ignored";
  std::string typo = code;
  typo[5] = typo[5] == 'A' ? 'C' : 'A';
  EXPECT_EQ(VerifyCheckCharacter(plan, typo), "check character does not match (a typo?)");
  std::string swapped = code;
  std::swap(swapped[7], swapped[9]);  // '9' and 'M': neighbours across the separator
  EXPECT_EQ(VerifyCheckCharacter(plan, swapped), "check character does not match (a typo?)");
  swapped = code;
  std::swap(swapped[7], swapped[8]);  // '9' and the separator
  EXPECT_EQ(VerifyCheckCharacter(plan, swapped), "character 8 is '-', which this campaign's codes never use");
  EXPECT_EQ(VerifyCheckCharacter(plan, "SPR-7KQ9-M3X"), "has 12 characters, expected 13");
  // Without codes.check, only the shape is verified.
  auto n = Build("  pattern: SPR-####-###\n");
  EXPECT_EQ(VerifyCheckCharacter(n.plan, "SPR-7KQ9-M3X"), std::nullopt);
}

}  // namespace
}  // namespace coupongen
