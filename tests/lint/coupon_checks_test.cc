#include "lint/coupon_checks.h"

#include <gtest/gtest.h>

#include "lint/duplicate_index.h"

namespace coupongen {
namespace {

TimeMs At(const char* text) {
  std::string error;
  return *ParseTimestamp(text, &error);
}

std::vector<std::string> Texts(const Problems& problems) {
  std::vector<std::string> out;
  for (const auto& p : problems) out.push_back(p.ToString());
  return out;
}

Coupon Valid() {
  Coupon c;
  c.code = "SPRING-7KQ9-M3XA";
  c.usage_limit = 1;
  c.recipient_email = "ann@example.com";
  c.expires_at = "2027-03-31T23:59:59.000Z";
  return c;
}

TEST(CouponChecksTest, OneCoupon) {
  CheckOptions options;
  options.now = At("2027-03-01T00:00:00Z");
  CheckOptions window = options;
  window.promotion_starts_at = At("2027-03-01T00:00:00Z");
  window.promotion_expires_at = At("2027-03-31T00:00:00Z");
  const CheckOptions no_now;
  CheckOptions short_codes = options;
  short_codes.min_length = 4;
  short_codes.max_length = 6;
  struct Case {
    const char* name;
    void (*change)(Coupon&);
    const CheckOptions* options;
    std::vector<std::string> problems;
  } cases[] = {
      {"valid", [](Coupon&) {}, &options, {}},
      {"no code", [](Coupon& c) { c.code.clear(); }, &options, {"a.csv:2: code: missing"}},
      {"short", [](Coupon& c) { c.code = "SPR-7KQ"; }, &options, {"a.csv:2: code: too short: 7 characters (at least 8)"}},
      {"long", [](Coupon& c) { c.code = std::string(41, 'A'); }, &options,
       {"a.csv:2: code: too long: 41 characters (at most 40)"}},
      {"40 is fine", [](Coupon& c) { c.code = std::string(40, 'A'); }, &options, {}},
      {"8 is fine", [](Coupon& c) { c.code = "SPR-7KQ9"; }, &options, {}},
      {"bounds given", [](Coupon& c) { c.code = "SPR-7KQ9"; }, &short_codes,
       {"a.csv:2: code: too long: 8 characters (at most 6)"}},
      {"characters not bytes", [](Coupon& c) { c.code = "\xC3\xA9t\xC3\xA9"; }, &short_codes,
       {"a.csv:2: code: too short: 3 characters (at least 4)",
        "a.csv:2: code: contains '\xC3\xA9' (U+00E9) (codes hold printable ASCII without whitespace, commas, quotes or "
        "backslashes)"}},
      {"space", [](Coupon& c) { c.code = "SPRING 7KQ9"; }, &options,
       {"a.csv:2: code: contains a space (codes hold printable ASCII without whitespace, commas, quotes or "
        "backslashes)"}},
      {"comma", [](Coupon& c) { c.code = "SPRING,7KQ9"; }, &options,
       {"a.csv:2: code: contains ',' (codes hold printable ASCII without whitespace, commas, quotes or "
        "backslashes)"}},
      {"zero limit", [](Coupon& c) { c.usage_limit = 0; }, &options,
       {"a.csv:2: usage_limit: must be a positive integer (got 0)"}},
      {"negative limit", [](Coupon& c) { c.usage_limit = -3; }, &options,
       {"a.csv:2: usage_limit: must be a positive integer (got -3)"}},
      {"email", [](Coupon& c) { c.recipient_email = "ann.example.com"; }, &options,
       {"a.csv:2: recipient_email: not an email address (no '@') (got \"ann.example.com\")"}},
      {"past", [](Coupon& c) { c.expires_at = "2027-02-28T00:00:00.000Z"; }, &options,
       {"a.csv:2: expires_at: 2027-02-28T00:00:00.000Z is in the past (now: 2027-03-01T00:00:00.000Z)"}},
      {"now is past", [](Coupon& c) { c.expires_at = "2027-03-01T00:00:00.000Z"; }, &options,
       {"a.csv:2: expires_at: 2027-03-01T00:00:00.000Z is in the past (now: 2027-03-01T00:00:00.000Z)"}},
      {"no now", [](Coupon& c) { c.expires_at = "2020-01-01T00:00:00.000Z"; }, &no_now, {}},
      {"after window", [](Coupon&) {}, &window,
       {"a.csv:2: expires_at: 2027-03-31T23:59:59.000Z is after the promotion ends (2027-03-31T00:00:00.000Z)"}},
      {"window end is inside", [](Coupon& c) { c.expires_at = "2027-03-31T00:00:00.000Z"; }, &window, {}},
      {"before window", [](Coupon& c) { c.expires_at = "2027-03-01T00:00:00.000Z"; }, &window,
       {"a.csv:2: expires_at: 2027-03-01T00:00:00.000Z is in the past (now: 2027-03-01T00:00:00.000Z)",
        "a.csv:2: expires_at: 2027-03-01T00:00:00.000Z is not after the promotion starts (2027-03-01T00:00:00.000Z)"}},
      {"unset fields are fine",
       [](Coupon& c) {
         c.usage_limit.reset();
         c.recipient_email.reset();
         c.expires_at.reset();
       },
       &window, {}},
      {"several", [](Coupon& c) { c.code = "A B"; c.usage_limit = 0; }, &options,
       {"a.csv:2: code: too short: 3 characters (at least 8)",
        "a.csv:2: code: contains a space (codes hold printable ASCII without whitespace, commas, quotes or "
        "backslashes)",
        "a.csv:2: usage_limit: must be a positive integer (got 0)"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Coupon coupon = Valid();
    c.change(coupon);
    Problems problems;
    CheckCoupon(coupon, *c.options, "a.csv:2", &problems);
    EXPECT_EQ(Texts(problems), c.problems);
  }
}

// Reads a file's rows through the checker.
std::vector<std::string> Lint(CouponChecker& checker, const std::string& name, const std::string& content) {
  auto reader = CouponReader::FromString(name, content);
  EXPECT_TRUE(reader.ok()) << reader.status().message();
  if (!reader.ok()) return {};
  checker.BeginFile((*reader)->name());
  Problems problems;
  CouponRow row;
  while ((*reader)->Next(&row)) checker.Check(row, &problems);
  EXPECT_TRUE((*reader)->status().ok()) << (*reader)->status().message();
  return Texts(problems);
}

TEST(CouponCheckerTest, DuplicatesIgnoreCaseWithinAndAcrossFiles) {
  CouponChecker checker(CheckOptions{});
  EXPECT_EQ(Lint(checker, "a.csv",
                 "code,usage_limit\n"
                 "SPRING-AAAA-BBBB,1\n"
                 "SPRING-CCCC-DDDD,1\n"
                 "spring-aaaa-bbbb,1\n"),
            std::vector<std::string>{"a.csv:4: code: duplicate of a.csv:2"});
  EXPECT_EQ(Lint(checker, "b.json", R"([{"code":"SPRING-EEEE-FFFF"},{"code":"Spring-Cccc-Dddd"}])"),
            std::vector<std::string>{"b.json:2: code: duplicate of a.csv:3"});
  EXPECT_EQ(Lint(checker, "c.ndjson",
                 R"({"data":{"type":"imports","attributes":{"resource_type":"coupons","inputs":[{"code":"X-SPRING-1"},{"code":"SPRING-EEEE-FFFF"}]}}})"),
            std::vector<std::string>{"c.ndjson:1:2: code: duplicate of b.json:1"});
  EXPECT_EQ(checker.duplicates().size(), 4u);
}

TEST(CouponCheckerTest, ReaderProblemsComeFirstAndSuppressCodeChecks) {
  CheckOptions options;
  options.now = At("2027-03-01T00:00:00Z");
  CouponChecker checker(options);
  EXPECT_EQ(Lint(checker, "a.json",
                 R"([{"code":12,"usage_limit":0,"customer_single_use":"yes","expires_at":"2027-02-30T00:00:00Z"},)"
                 R"({"code":"","recipient_email":"x@"},)"
                 R"({"usage_limit":2,"expires_at":"2026-01-01T00:00:00+01:00"}])"),
            (std::vector<std::string>{
                "a.json:1: code: must be a string (got 12)",
                "a.json:1: customer_single_use: must be true or false (got \"yes\")",
                "a.json:1: expires_at: not a valid calendar date (got \"2027-02-30T00:00:00Z\")",
                "a.json:1: usage_limit: must be a positive integer (got 0)",
                "a.json:2: code: missing",
                "a.json:2: recipient_email: not an email address (no domain after '@') (got \"x@\")",
                "a.json:3: code: missing",
                "a.json:3: expires_at: 2025-12-31T23:00:00.000Z is in the past (now: 2027-03-01T00:00:00.000Z)",
            }));
}

TEST(CouponCheckerTest, DuplicatesCanBeTurnedOff) {
  CheckOptions options;
  options.duplicates = false;
  CouponChecker checker(options);
  EXPECT_TRUE(Lint(checker, "a.txt", "SPRING-AAAA-BBBB\nSPRING-AAAA-BBBB\n").empty());
}

TEST(CouponCheckerTest, SamplesLintClean) {
  const std::string dir = std::string(COUPONGEN_SOURCE_DIR) + "/samples/existing/";
  CheckOptions options;
  options.now = At("2027-03-01T00:00:00Z");
  options.promotion_starts_at = At("2027-03-01T00:00:00Z");
  options.promotion_expires_at = At("2027-04-01T00:00:00Z");
  for (const char* file : {"existing.txt", "existing.csv", "existing.json", "existing.jsonapi.ndjson",
                           "existing.imports.ndjson", "existing-list.json", "cl-export.csv.gz", "cl-export.json.gz"}) {
    SCOPED_TRACE(file);
    CouponChecker checker(options);
    auto reader = CouponReader::Open(dir + file);
    ASSERT_TRUE(reader.ok()) << reader.status().message();
    checker.BeginFile((*reader)->name());
    Problems problems;
    CouponRow row;
    while ((*reader)->Next(&row)) checker.Check(row, &problems);
    EXPECT_TRUE((*reader)->status().ok());
    EXPECT_EQ(Texts(problems), std::vector<std::string>{});
    EXPECT_EQ(checker.duplicates().size(), 20u);
  }
}

TEST(DuplicateIndexTest, ExactComparisonAndGrowth) {
  DuplicateIndex index;
  uint32_t a = index.AddFile("a.csv");
  uint32_t b = index.AddFile("b.csv");
  constexpr int kCodes = 200000;  // several rehashes
  for (int i = 0; i < kCodes; ++i)
    ASSERT_FALSE(index.Insert("SPRING-" + std::to_string(i), {a, {static_cast<uint32_t>(i + 2), 0}}));
  EXPECT_EQ(index.size(), static_cast<size_t>(kCodes));
  for (int i = 0; i < kCodes; i += 997) {
    auto first = index.Insert("spring-" + std::to_string(i), {b, {7, 0}});
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(*first, (CodeLocation{a, {static_cast<uint32_t>(i + 2), 0}}));
  }
  // Same length, same letters in another order, a prefix: all distinct.
  EXPECT_FALSE(index.Insert("SPRING-01", {b, {1, 0}}));
  EXPECT_FALSE(index.Insert("SPRING-", {b, {3, 0}}));
  EXPECT_EQ(index.Format({a, {3, 2}}), "a.csv:3:2");
  // About 60 bytes a code (see the header), well under 100.
  EXPECT_LT(index.memory_bytes() / index.size(), 100u);
}

}  // namespace
}  // namespace coupongen
