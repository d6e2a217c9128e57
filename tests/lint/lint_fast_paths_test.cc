// The word-at-a-time checks of lint against their byte-at-a-time definitions: the code check
// (IsSafeCodeChar, characters counted), case folding in the duplicate index (ToLowerAscii), the
// control-character search (IsControlByte), and the duplicate index sized up front.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/strings.h"
#include "base/utf8.h"
#include "codes/alphabet.h"
#include "lint/coupon_checks.h"
#include "lint/duplicate_index.h"

namespace coupongen {
namespace {

// What CheckCoupon says about a code, by the definitions.
std::vector<std::string> ExpectedCodeProblems(const std::string& code, const CheckOptions& options) {
  std::vector<std::string> out;
  size_t length = 0;
  for (char c : code)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++length;
  auto chars = [](size_t n) { return std::to_string(n) + (n == 1 ? " character" : " characters"); };
  if (length < static_cast<size_t>(options.min_length))
    out.push_back("w: code: too short: " + chars(length) + " (at least " + std::to_string(options.min_length) + ")");
  else if (length > static_cast<size_t>(options.max_length))
    out.push_back("w: code: too long: " + chars(length) + " (at most " + std::to_string(options.max_length) + ")");
  for (size_t i = 0; i < code.size(); ++i)
    if (!IsSafeCodeChar(code[i])) {
      out.push_back("w: code: contains " + DescribeCharAt(code, i) +
                    " (codes hold printable ASCII without whitespace, commas, quotes or backslashes)");
      break;
    }
  return out;
}

// What CheckCoupon says about a coupon at "w".
std::vector<std::string> ProblemTexts(const Coupon& c, const CheckOptions& options) {
  Problems problems;
  CheckCoupon(c, options, "w", &problems);
  std::vector<std::string> out;
  for (const auto& p : problems) out.push_back(p.ToString());
  return out;
}

std::vector<std::string> CodeProblems(const std::string& code, const CheckOptions& options) {
  Coupon c;
  c.code = code;
  return ProblemTexts(c, options);
}

// Every byte at every position of codes 1..20 bytes long (the 8-byte words and their tails).
TEST(LintFastPathsTest, CodeCheckEveryByteAtEveryPosition) {
  CheckOptions options;
  options.min_length = 4;
  options.max_length = 12;
  for (size_t len = 1; len <= 20; ++len) {
    for (size_t at = 0; at < len; ++at) {
      for (int b = 1; b < 256; ++b) {
        std::string code(len, 'K');
        code[at] = static_cast<char>(b);
        ASSERT_EQ(CodeProblems(code, options), ExpectedCodeProblems(code, options)) << len << " " << at << " " << b;
      }
    }
  }
  for (const char* code : {"\xC3\xA9t\xC3\xA9", "ABCD\xE2\x82\xAC", "\xF0\x9F\x98\x80\xF0\x9F\x98\x80XY", "AB CD"})
    EXPECT_EQ(CodeProblems(code, options), ExpectedCodeProblems(code, options)) << code;
}

size_t NaiveFindControlChar(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i)
    if (IsControlByte(s[i])) return i;
  return std::string_view::npos;
}

TEST(LintFastPathsTest, FindControlCharEveryByteAtEveryPosition) {
  for (size_t len = 0; len <= 20; ++len) {
    std::string plain(len, 'a');
    EXPECT_EQ(FindControlChar(plain), std::string_view::npos);
    for (size_t at = 0; at < len; ++at) {
      for (int b = 0; b < 256; ++b) {
        std::string s = plain;
        s[at] = static_cast<char>(b);
        ASSERT_EQ(FindControlChar(s), NaiveFindControlChar(s)) << len << " " << at << " " << b;
        // A second control character later does not hide the first.
        if (at + 3 < len) {
          s[at + 3] = '\x7f';
          ASSERT_EQ(FindControlChar(s), NaiveFindControlChar(s)) << len << " " << at << " " << b;
        }
      }
    }
  }
}

// Two codes are the same code when ToLowerAscii makes them equal, whatever the byte and where.
TEST(LintFastPathsTest, DuplicateIndexFoldsExactlyAsciiLetters) {
  for (size_t len : {1, 7, 8, 9, 16, 19}) {
    for (size_t at = 0; at < len; ++at) {
      DuplicateIndex index;
      uint32_t f = index.AddFile("f");
      uint32_t row = 1;
      for (int b = 1; b < 256; ++b) {
        std::string code(len, 'q');
        code[at] = static_cast<char>(b);
        std::string other = code;
        other[at] = static_cast<char>(b ^ 0x20);  // the other case of a letter; another byte otherwise
        bool same = ToLowerAscii(code) == ToLowerAscii(other);
        auto first = index.Insert(code, {f, {row, 0}});
        // An earlier byte's variant may have been this code already (b ^ 0x20 < b).
        if (first) continue;
        auto again = index.Insert(other, {f, {row + 1, 0}});
        ASSERT_EQ(again.has_value(), same) << len << " " << at << " " << b;
        if (same) EXPECT_EQ(again->row.number, row);
        row += 2;
      }
    }
  }
}

TEST(LintFastPathsTest, DuplicateIndexReserved) {
  DuplicateIndex index(0);
  size_t before = index.memory_bytes();
  index.Reserve(100000);
  EXPECT_GE(index.memory_bytes(), before + 100000 * 8);  // slots for 100,000 codes at once
  uint32_t f = index.AddFile("f");
  for (uint32_t i = 0; i < 1000; ++i) ASSERT_FALSE(index.Insert("CODE-" + std::to_string(i), {f, {i + 2, 0}}));
  index.Reserve(1u << 20);  // with codes in it: they are moved to the larger table
  for (uint32_t i = 0; i < 1000; ++i) {
    auto first = index.Insert("code-" + std::to_string(i), {f, {1, 0}});
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->row.number, i + 2);
  }
  EXPECT_EQ(index.size(), 1000u);
}

// A value found clean is remembered (a repeat is compared, not scanned): the problems of values
// that follow are still found, and a warning repeats with its value.
TEST(LintFastPathsTest, RepeatedValuesAreCheckedAlike) {
  CheckOptions options;
  auto problems = [&](const char* reference, const char* rule) {
    Coupon c;
    c.code = "SPRING-AAAA";
    c.reference = reference;
    c.promotion_rule_id = rule;
    return ProblemTexts(c, options);
  };
  const std::vector<std::string> none;
  const std::string control = "w: reference: contains control character U+0001 (control characters are not allowed in any field)";
  const std::string formula = "w: reference: starts with '=': a spreadsheet opening the file would run it as a formula";
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(problems("spring-2027", "RULE"), none);
    EXPECT_EQ(problems("spring-2027", "RULE"), none);
    EXPECT_EQ(problems("spring-2027\x01", "RULE"), std::vector<std::string>{control});
    EXPECT_EQ(problems("spring-2027\x01", "RULE"), std::vector<std::string>{control});
    EXPECT_EQ(problems("spring-2027", "RULE"), none);
    EXPECT_EQ(problems("=spring", "RULE"), std::vector<std::string>{formula});
    EXPECT_EQ(problems("=spring", "RULE"), std::vector<std::string>{formula});
    EXPECT_EQ(problems("spring-2027", "RU\x7fLE"),
              std::vector<std::string>{"w: promotion_rule_id: contains control character U+007F (control characters are not "
                                       "allowed in any field)"});
    EXPECT_EQ(problems("spring-2027", "RULE"), none);
  }
}

// The checker sized from the reader's estimate finds the same duplicates.
TEST(LintFastPathsTest, CheckerWithExpectedRows) {
  CouponChecker checker(CheckOptions{}, 0);
  checker.BeginFile("a.csv", 50000);
  Problems problems;
  CouponRow row;
  row.number = {2, 0};
  row.coupon.code = "SPRING-AAAA";
  checker.Check(row, &problems);
  row.number = {3, 0};
  row.coupon.code = "spring-aaaa";
  checker.Check(row, &problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].ToString(), "a.csv:3: code: duplicate of a.csv:2");
}

}  // namespace
}  // namespace coupongen
