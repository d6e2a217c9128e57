// The spec rules of keyed mode (codes.mode, codes.key_file), with the exact messages.
#include <gtest/gtest.h>

#include "codes/keyed_generator.h"
#include "spec/campaign_parser.h"
#include "spec/plan.h"

namespace coupongen {
namespace {

std::vector<std::string> Errors(const std::string& yaml, Plan* plan = nullptr, const std::string& file = "s.yaml") {
  Problems problems;
  Campaign c = ParseCampaign(yaml, file, &problems);
  PlanOptions o;
  o.now = 0;
  Plan p = BuildPlan(c, o, &problems);
  if (plan) *plan = p;
  std::vector<std::string> out;
  for (const auto& pr : problems)
    if (pr.is_error()) out.push_back(pr.ToString());
  return out;
}

const std::string kHead = "version: 1\ncampaign: c\ncodes:\n  count: 10\n";

TEST(KeyedPlanTest, KeyedModeWithAKeyFileResolvesItAgainstTheSpec) {
  Plan plan;
  EXPECT_EQ(Errors(kHead + "  mode: keyed\n  key_file: keys/c.key\n", &plan, "specs/s.yaml"), std::vector<std::string>{});
  EXPECT_EQ(plan.mode, CodeMode::kKeyed);
  EXPECT_EQ(plan.key_file, "specs/keys/c.key");
  EXPECT_EQ(Errors(kHead + "  mode: random\n", &plan), std::vector<std::string>{});
  EXPECT_EQ(plan.mode, CodeMode::kRandom);
  EXPECT_EQ(Errors(kHead, &plan), std::vector<std::string>{});
  EXPECT_EQ(plan.mode, CodeMode::kRandom);
  EXPECT_EQ(plan.key_file, std::nullopt);
}

TEST(KeyedPlanTest, ExactMessages) {
  struct Case {
    std::string codes;  // lines under codes:, after count
    std::vector<std::string> errors;
  } cases[] = {
      {"  mode: bogus\n", {"s.yaml:5:9: codes.mode: unknown mode 'bogus' (use random or keyed)"}},
      {"  mode: keyd\n  key_file: k\n", {"s.yaml:5:9: codes.mode: unknown mode 'keyd' (use random or keyed); did you mean 'keyed'?"}},
      {"  mode: keyed\n",
       {"s.yaml:5:9: codes.key_file: is required in keyed mode (make a key with: coupongen keygen FILE)"}},
      {"  key_file: k.key\n",
       {"s.yaml:5:13: codes.key_file: is used only in keyed mode (add 'mode: keyed' under codes, or remove key_file)"}},
      {"  mode: random\n  key_file: k.key\n",
       {"s.yaml:6:13: codes.key_file: is used only in keyed mode (add 'mode: keyed' under codes, or remove key_file)"}},
      {"  mode: keyed\n  key_file: k.key\n  alphabet: alphanumeric\n",
       {"s.yaml:7:13: codes.alphabet: keyed mode cannot use an alphabet with a letter in both cases: codes that differ "
        "only in case count as the same code, and keyed codes are distinct only as exact strings"}},
      {"  mode: keyed\n  key_file: k.key\n  length: 4\n  prefix: SHORT\n",
       {"s.yaml:7:11: codes.length: keyed mode needs at least 1,000,000 possible codes (radix^length); 30^4 = 810,000 is "
        "too small"}},
      {"  mode: keyed\n  key_file: k.key\n  pattern: AB-####-#\n  alphabet: digits\n",
       {"s.yaml:7:12: codes.pattern: keyed mode needs at least 1,000,000 possible codes (radix^length); 10^5 = "
        "100,000 is too small"}},
      {"  mode: [keyed]\n", {"s.yaml:5:9: codes.mode: must be a single value, not a list"}},
      {"  mode: keyed\n  key_file: \"\"\n", {"s.yaml:6:13: codes.key_file: must not be empty"}},
  };
  for (const auto& c : cases) EXPECT_EQ(Errors(kHead + c.codes), c.errors) << c.codes;
  // 10^6 is exactly the floor: allowed.
  EXPECT_EQ(Errors(kHead + "  mode: keyed\n  key_file: k.key\n  pattern: AB-####-##\n  alphabet: digits\n"),
            std::vector<std::string>{});
}

TEST(KeyedPlanTest, KeyspaceFloorMatchesTheGenerators) {
  EXPECT_TRUE(CheckKeyedKeyspace(10, 6).ok());
  EXPECT_TRUE(CheckKeyedKeyspace(94, 40).ok());
  EXPECT_EQ(CheckKeyedKeyspace(30, 4).message(),
            "keyed mode needs at least 1,000,000 possible codes (radix^length); 30^4 = 810,000 is too small");
}

}  // namespace
}  // namespace coupongen
