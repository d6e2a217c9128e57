#include "spec/campaign_parser.h"

#include <gtest/gtest.h>

namespace coupongen {
namespace {

std::vector<std::string> Errors(const std::string& yaml) {
  Problems problems;
  ParseCampaign(yaml, "s.yaml", &problems);
  std::vector<std::string> out;
  for (const auto& p : problems) out.push_back(p.ToString());
  return out;
}

const char* kMinimal = "version: 1\ncampaign: c\ncodes:\n  count: 5\n";

TEST(CampaignParserTest, ParsesEveryKey) {
  Problems problems;
  Campaign c = ParseCampaign(R"(version: 1
campaign: spring-sale-2027
promotion_rule_id: ABCRtyUpBa
ledger: issued.db
promotion:
  name: Spring sale 2027
  starts_at: 2027-03-01T00:00:00Z
  expires_at: 2027-04-01T00:00:00+02:00
  total_usage_limit: 5000
codes:
  count: 10_000
  length: 12
  alphabet: uppercase
  prefix: SPRING-
  suffix: "-X"
  group: 4
  separator: "."
  min_length: 10
  max_length: 30
  exclude: [old.csv, older.json]
coupon:
  usage_limit: 1
  customer_single_use: true
  expires_in: 14d
  reference: spring-2027
  reference_origin: crm
  metadata: {channel: email, n: 3, ok: true, ratio: 0.5, id: "007", none: ~, list: [1, a]}
  tags: [spring, vip]
recipients:
  emails: [ann@example.com]
output:
  format: imports
  path: out.ndjson
  chunk_size: 500
)",
                             "dir/s.yaml", &problems);
  ASSERT_TRUE(problems.empty()) << problems[0].ToString();
  EXPECT_EQ(c.dir, "dir");
  EXPECT_EQ(c.name, "spring-sale-2027");
  EXPECT_EQ(*c.promotion_rule_id, "ABCRtyUpBa");
  EXPECT_EQ(*c.ledger, "issued.db");
  EXPECT_EQ(*c.promotion.name, "Spring sale 2027");
  EXPECT_EQ(FormatTimestamp(*c.promotion.expires_at), "2027-03-31T22:00:00.000Z");
  EXPECT_EQ(*c.promotion.total_usage_limit, 5000);
  EXPECT_EQ(*c.codes.count, 10000);
  EXPECT_EQ(c.codes.alphabet, "uppercase");
  EXPECT_EQ(c.codes.suffix, "-X");
  EXPECT_EQ(*c.codes.separator, ".");
  EXPECT_EQ(c.codes.min_length, 10);
  EXPECT_EQ(c.codes.exclude, (std::vector<std::string>{"old.csv", "older.json"}));
  EXPECT_EQ(*c.coupon.expires_in, 14 * 86400000LL);
  EXPECT_EQ(*c.coupon.metadata, R"({"channel":"email","id":"007","list":[1,"a"],"n":3,"none":null,"ok":true,"ratio":0.5})");
  EXPECT_EQ(c.coupon.tags, (std::vector<std::string>{"spring", "vip"}));
  EXPECT_EQ(c.recipients.emails, (std::vector<std::string>{"ann@example.com"}));
  EXPECT_EQ(*c.output.format, OutputFormat::kImports);
  EXPECT_EQ(c.output.chunk_size, 500);
  EXPECT_EQ(c.MarkOf("codes.length").line, 12);
  EXPECT_EQ(c.MarkOf("codes.length").column, 11);
}

TEST(CampaignParserTest, ExactErrors) {
  struct Case {
    std::string yaml;
    std::vector<std::string> errors;
  } cases[] = {
      {"campaign: c\ncodes:\n  count: 5\n", {"s.yaml:1:1: version: is required (add 'version: 1')"}},
      {"version: 2\ncampaign: c\n", {"s.yaml:1:10: version: unsupported spec version 2 (this coupongen reads version 1)"}},
      {"version: 1\ncodes:\n  count: 5\n", {"s.yaml:1:1: campaign: is required (a name of letters, digits, '.', '_', '-')"}},
      {std::string(kMinimal) + "  length: 0\n", {"s.yaml:5:11: codes.length: must be at least 1"}},
      {std::string(kMinimal) + "  lenght: 12\n", {"s.yaml:5:3: codes.lenght: unknown key (did you mean 'length'?)"}},
      {std::string(kMinimal) + "  zzz: 1\n", {"s.yaml:5:3: codes.zzz: unknown key"}},
      {std::string(kMinimal) + "  count: 6\n", {"s.yaml:5:3: codes.count: duplicate key (first given on line 4)"}},
      {"version: 1\ncampaign: c\ncodes:\n  count: ten\n", {"s.yaml:4:10: codes.count: must be a whole number, not 'ten'"}},
      {"version: 1\ncampaign: c\ncodes:\n  count: -5\n", {"s.yaml:4:10: codes.count: must be at least 1"}},
      {"version: 1\ncampaign: c\ncodes:\n  count: 99999999999999999999\n",
       {"s.yaml:4:10: codes.count: must be at most 10,000,000,000"}},
      {"version: 1\ncampaign: c\ncodes:\n  count: [1]\n", {"s.yaml:4:10: codes.count: must be a single value, not a list"}},
      {"version: 1\ncampaign: c\ncodes: 5\n", {"s.yaml:3:8: codes: must be a mapping (indented keys below it)"}},
      {std::string(kMinimal) + "  prefix: \"A B\"\n",
       {"s.yaml:5:11: codes.prefix: contains a space (use printable ASCII without whitespace, comma, quote or backslash)"}},
      {std::string(kMinimal) + "  pattern: ABC\n",
       {"s.yaml:5:12: codes.pattern: has no '#' placeholder (each '#' is one random character)"}},
      {std::string(kMinimal) + "coupon:\n  customer_single_use: maybe\n",
       {"s.yaml:6:24: coupon.customer_single_use: must be true or false, not 'maybe'"}},
      {std::string(kMinimal) + "coupon:\n  expires_at: 2027-02-30T00:00:00Z\n",
       {"s.yaml:6:15: coupon.expires_at: not a valid calendar date: '2027-02-30T00:00:00Z'"}},
      {std::string(kMinimal) + "coupon:\n  expires_at: 2027-03-01T10:00:00+25:00\n",
       {"s.yaml:6:15: coupon.expires_at: UTC offset out of range (-14:00..+14:00): '2027-03-01T10:00:00+25:00'"}},
      {std::string(kMinimal) + "coupon:\n  expires_in: 7y\n",
       {"s.yaml:6:15: coupon.expires_in: not a duration (expected a positive whole number and a unit: s, m, h, d, w or mo (months), e.g. 14d)"}},
      {std::string(kMinimal) + "coupon:\n  reference: \"a\\nb\"\n",
       {"s.yaml:6:14: coupon.reference: must be on one line (no line breaks)"}},
      {std::string(kMinimal) + "coupon:\n  tags: [a, \"b,c\"]\n",
       {"s.yaml:6:13: coupon.tags[1]: must not contain ',' (tags are sent comma-separated)"}},
      {std::string(kMinimal) + "coupon:\n  metadata: [1]\n", {"s.yaml:6:13: coupon.metadata: must be a mapping of keys to values"}},
      {std::string(kMinimal) + "output:\n  format: jsn\n",
       {"s.yaml:6:11: output.format: unknown format 'jsn' (use csv, json, jsonapi, imports or xlsx); did you mean 'json'?"}},
      {std::string(kMinimal) + "output:\n  chunk_size: 20000\n", {"s.yaml:6:15: output.chunk_size: must be at most 10,000"}},
      {"version: 1\ncampaign: spring sale\n", {"s.yaml:2:11: campaign: may hold only letters, digits, '.', '_' and '-'"}},
      {"version: 1\ncampaign: [c\n", {"s.yaml:3:1: yaml: end of sequence flow not found"}},
      {"", {"s.yaml:1:1: the spec is empty (expected a mapping with version, campaign and codes)"}},
      {"- a\n- b\n", {"s.yaml:1:1: the spec must be a mapping of keys (version, campaign, codes, ...)"}},
      {"version: 1\ncampaign: c\n\xff: x\n", {"s.yaml:3:1: the spec is not valid UTF-8 text"}},
  };
  for (const auto& c : cases) EXPECT_EQ(Errors(c.yaml), c.errors) << c.yaml;
}

TEST(CampaignParserTest, AllProblemsInOneRun) {
  auto errors = Errors("version: 1\ncampaign: c\ncodes:\n  count: ten\n  length: 0\n  alfabet: hex\n");
  EXPECT_EQ(errors, (std::vector<std::string>{"s.yaml:4:10: codes.count: must be a whole number, not 'ten'",
                                               "s.yaml:5:11: codes.length: must be at least 1",
                                               "s.yaml:6:3: codes.alfabet: unknown key (did you mean 'alphabet'?)"}));
}

TEST(CampaignParserTest, AliasBombIsBounded) {
  std::string yaml = "version: 1\ncampaign: c\ncodes:\n  count: 1\ncoupon:\n  metadata:\n    a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  std::string prev = "a";
  for (char n = 'b'; n <= 'j'; ++n) {
    yaml += std::string("    ") + n + ": &" + n + " [";
    for (int i = 0; i < 10; ++i) yaml += std::string(i ? ", *" : "*") + prev;
    yaml += "]\n";
    prev = std::string(1, n);
  }
  auto errors = Errors(yaml);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("coupon.metadata"), std::string::npos);
  EXPECT_NE(errors[0].find("too large or too deeply nested"), std::string::npos);
}

}  // namespace
}  // namespace coupongen
