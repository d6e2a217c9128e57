#include "spec/plan.h"

#include <gtest/gtest.h>

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

Built Build(const std::string& yaml, PlanOptions o = {}, const std::string& file = "s.yaml") {
  if (!o.now) o.now = kNow;
  Problems problems;
  Campaign c = ParseCampaign(yaml, file, &problems);
  Built b;
  b.plan = BuildPlan(c, o, &problems);
  for (const auto& p : problems) (p.is_error() ? b.errors : b.warnings).push_back(p.ToString());
  return b;
}

const std::string kHead = "version: 1\ncampaign: c\npromotion_rule_id: RULE1\n";

TEST(PlanTest, DefaultsAndResolution) {
  auto b = Build(kHead + "codes:\n  count: 7\ncoupon:\n  expires_in: 7d\n  usage_limit: 2\n");
  ASSERT_TRUE(b.errors.empty()) << b.errors[0];
  EXPECT_EQ(b.plan.count, 7u);
  EXPECT_EQ(b.plan.shape.Display(), "############");
  EXPECT_EQ(b.plan.alphabet.symbols(), "2345679ACDEFGHJKLMNPQRSTUVWXYZ");
  EXPECT_EQ(*b.plan.base.expires_at, "2027-02-08T00:00:00.000Z");
  EXPECT_EQ(b.plan.expiry_source, "expires_in 7d from 2027-02-01T00:00:00.000Z");
  EXPECT_EQ(b.plan.format, OutputFormat::kCsv);
  EXPECT_EQ(b.plan.output_path, "-");
  EXPECT_TRUE(b.plan.fields.Has(Field::kUsageLimit));
  EXPECT_TRUE(b.plan.fields.Has(Field::kPromotionRuleId));
  EXPECT_FALSE(b.plan.fields.Has(Field::kReference));
}

TEST(PlanTest, CommandLineOverridesTheSpec) {
  PlanOptions o;
  o.count = 3;
  o.format = OutputFormat::kJson;
  o.output = "x.json";
  auto b = Build(kHead + "codes:\n  count: 7\noutput:\n  format: csv\n  path: y.csv\n", o);
  ASSERT_TRUE(b.errors.empty());
  EXPECT_EQ(b.plan.count, 3u);
  EXPECT_EQ(b.plan.format, OutputFormat::kJson);
  EXPECT_EQ(b.plan.output_path, "x.json");
}

TEST(PlanTest, CrossFieldRules) {
  struct Case {
    std::string yaml;
    std::vector<std::string> errors;
  } cases[] = {
      {kHead + "codes:\n  count: 1\n  length: 4\n",
       {"s.yaml:6:11: codes.length: the whole code is 4 characters (prefix 0 + random 4 + separators 0 + suffix 0), below min_length 8"}},
      {kHead + "codes:\n  count: 1\n  length: 38\n  prefix: AB-\n",
       {"s.yaml:6:11: codes.length: the whole code is 41 characters (prefix 3 + random 38 + separators 0 + suffix 0), above max_length 40"}},
      {kHead + "codes:\n  count: 1\n  pattern: \"AB-####\"\n",
       {"s.yaml:6:12: codes.pattern: 'AB-####' is 7 characters, below min_length 8"}},
      {kHead + "codes:\n  count: 1\n  pattern: \"AB-########\"\n  length: 8\n",
       {"s.yaml:6:12: codes.pattern: replaces length, prefix, suffix, group and separator: remove codes.length or the pattern"}},
      {kHead + "codes:\n  count: 1\n  min_length: 20\n  max_length: 10\n",
       {"s.yaml:6:15: codes.min_length: is 20, above max_length 10"}},
      {kHead + "codes:\n  count: 1\n  alphabet: AAB\n", {"s.yaml:6:13: codes.alphabet: repeats 'A' (each character may appear once)"}},
      {kHead, {"s.yaml:1:1: codes.count: is required when there are no recipients"}},
      {kHead + "codes:\n  count: 1\ncoupon:\n  expires_at: 2027-01-01T00:00:00Z\n",
       {"s.yaml:7:15: coupon.expires_at: 2027-01-01T00:00:00.000Z is not in the future (now is 2027-02-01T00:00:00.000Z)"}},
      {kHead + "codes:\n  count: 1\ncoupon:\n  expires_at: 2027-03-01T00:00:00Z\n  expires_in: 7d\n",
       {"s.yaml:8:15: coupon.expires_in: give coupon.expires_at or coupon.expires_in, not both"}},
      {kHead + "promotion:\n  starts_at: 2027-03-01T00:00:00Z\n  expires_at: 2027-04-01T00:00:00Z\ncodes:\n  count: 1\ncoupon:\n  expires_at: 2027-04-02T00:00:00Z\n",
       {"s.yaml:10:15: coupon.expires_at: 2027-04-02T00:00:00.000Z is after promotion.expires_at 2027-04-01T00:00:00.000Z (coupons must expire inside the promotion's window)"}},
      {kHead + "promotion:\n  starts_at: 2027-03-01T00:00:00Z\n  expires_at: 2027-04-01T00:00:00Z\ncodes:\n  count: 1\ncoupon:\n  expires_in: 7d\n",
       {"s.yaml:10:15: coupon.expires_in: 2027-02-08T00:00:00.000Z is not after promotion.starts_at 2027-03-01T00:00:00.000Z (coupons must expire inside the promotion's window)"}},
      {kHead + "promotion:\n  starts_at: 2027-03-01T00:00:00Z\n  expires_at: 2027-03-01T00:00:00Z\ncodes:\n  count: 1\n",
       {"s.yaml:6:15: promotion.expires_at: must be after promotion.starts_at (2027-03-01T00:00:00.000Z)"}},
      {kHead + "codes:\n  count: 1\ncoupon:\n  metadata: {a: 1}\n",
       {"s.yaml:7:13: coupon.metadata: cannot be written as csv: use format json, jsonapi or imports"}},
      {kHead + "codes:\n  count: 1\ncoupon:\n  tags: [a]\noutput:\n  format: jsonapi\n",
       {"s.yaml:7:9: coupon.tags: cannot be sent in jsonapi (POST /api/coupons does not accept _add_tags): use csv, json or imports, or remove tags"}},
      {"version: 1\ncampaign: c\ncodes:\n  count: 1\noutput:\n  format: imports\n",
       {"s.yaml:6:11: promotion_rule_id: is required for imports output"}},
      {kHead + "codes:\n  count: 3\nrecipients:\n  emails: [a@example.com, bad, A@Example.com]\n",
       {"s.yaml:7:27: recipients.emails[1]: not an email address (no '@'): \"bad\"",
        "s.yaml:7:32: recipients.emails[2]: duplicate of recipients.emails[0] on line 7 ('A@Example.com', ignoring case)"}},
      {kHead + "codes:\n  count: 2\nrecipients:\n  emails: [a@example.com]\n",
       {"s.yaml:5:10: codes.count: is 2 but there is 1 recipient (leave count out, or make them equal)"}},
  };
  for (const auto& c : cases) EXPECT_EQ(Build(c.yaml).errors, c.errors) << c.yaml;
}

TEST(PlanTest, FormatFromCommandLineIsNamed) {
  PlanOptions o;
  o.format = OutputFormat::kCsv;
  auto b = Build(kHead + "codes:\n  count: 1\ncoupon:\n  metadata: {a: 1}\noutput:\n  format: json\n", o);
  EXPECT_EQ(b.errors, (std::vector<std::string>{
                          "s.yaml:7:13: coupon.metadata: cannot be written as csv (-f csv): use format json, jsonapi or imports"}));
}

TEST(PlanTest, Warnings) {
  auto b = Build(kHead + "promotion:\n  total_usage_limit: 10\ncodes:\n  count: 200\n  alphabet: digits\n  length: 8\ncoupon:\n  usage_limit: 1\n");
  EXPECT_TRUE(b.errors.empty());
  EXPECT_EQ(b.warnings,
            (std::vector<std::string>{
                "s.yaml:5:22: promotion.total_usage_limit: is 10 but 200 codes x usage_limit 1 allow 200 uses: the promotion will run out first",
                "s.yaml:9:11: codes.length: one random guess hits a valid code with odds 1 in 493,252 (above 1 in 1,000,000): use longer codes or a larger alphabet"}));
}

TEST(PlanTest, Feasibility) {
  // Without the blocklist (its share is tested in plan_code_rules_test.cc), the keyspace is 10^4.
  auto b = Build(kHead + "codes:\n  count: 5001\n  alphabet: digits\n  length: 4\n  min_length: 4\n  blocklist: none\n");
  ASSERT_TRUE(b.errors.empty());
  Status s = CheckFeasibility(b.plan, 0);
  EXPECT_EQ(s.code(), Status::Code::kInfeasible);
  EXPECT_EQ(s.message(),
            "cannot make 5,001 unique codes: shape #### has 10,000 possible codes (ignoring case), and at most half the "
            "keyspace may be used: make codes longer or the alphabet larger");
  auto ok = Build(kHead + "codes:\n  count: 4000\n  alphabet: digits\n  length: 4\n  min_length: 4\n  blocklist: none\n");
  EXPECT_TRUE(CheckFeasibility(ok.plan, 1000).ok());
  EXPECT_FALSE(CheckFeasibility(ok.plan, 1001).ok());
}

TEST(PlanTest, RecipientsFromCsv) {
  std::string dir = testing::MakeTempDir();
  testing::WriteFile(dir + "/r.csv", "Name,EMAIL\nAnn,ann@example.com\n\"Lee, Bob\",bob@example.org\nX,not-an-email\nY,ANN@example.com\n");
  auto b = Build(kHead + "recipients:\n  file: r.csv\n", {}, dir + "/s.yaml");
  EXPECT_EQ(b.errors, (std::vector<std::string>{dir + "/r.csv:4: email: not an email address (no '@') (got \"not-an-email\")",
                                                 dir + "/r.csv:5: email: duplicate of row 2 (\"ANN@example.com\", ignoring case)"}));
  testing::WriteFile(dir + "/r.csv", "email\nann@example.com\nbob@example.org\n");
  auto ok = Build(kHead + "recipients:\n  file: r.csv\n", {}, dir + "/s.yaml");
  ASSERT_TRUE(ok.errors.empty()) << ok.errors[0];
  EXPECT_EQ(ok.plan.count, 2u);
  EXPECT_EQ(ok.plan.recipients, (std::vector<std::string>{"ann@example.com", "bob@example.org"}));
  EXPECT_TRUE(ok.plan.fields.Has(Field::kRecipientEmail));
  testing::WriteFile(dir + "/r.csv", "name\nAnn\n");
  auto nocol = Build(kHead + "recipients:\n  file: r.csv\n", {}, dir + "/s.yaml");
  EXPECT_EQ(nocol.errors, (std::vector<std::string>{dir + "/r.csv:1: no email column in the header (name one 'email', 'e-mail', 'email address' or 'mail'; columns: \"name\")"}));
}

}  // namespace
}  // namespace coupongen
