// The helpers that exist once in base/: ASCII case folding of one character, percent-encoding
// (the Commerce Layer client's query values and the test PostgreSQL server's URIs), and a
// spec problem at a position.
#include <gtest/gtest.h>

#include "base/problem.h"
#include "base/strings.h"

namespace coupongen {
namespace {

TEST(AsciiCaseTest, FoldsOnlyAsciiLetters) {
  EXPECT_EQ(ToLowerAscii('A'), 'a');
  EXPECT_EQ(ToLowerAscii('Z'), 'z');
  EXPECT_EQ(ToLowerAscii('a'), 'a');
  EXPECT_EQ(ToLowerAscii('@'), '@');
  EXPECT_EQ(ToLowerAscii('['), '[');
  EXPECT_EQ(ToUpperAscii('a'), 'A');
  EXPECT_EQ(ToUpperAscii('z'), 'Z');
  EXPECT_EQ(ToUpperAscii('`'), '`');
  EXPECT_EQ(ToUpperAscii('{'), '{');
  EXPECT_EQ(ToUpperAscii('\xc3'), '\xc3');  // a UTF-8 lead byte stays
  EXPECT_EQ(ToLowerAscii("ÉCOLE-Ab1"), "École-ab1");
  EXPECT_TRUE(EqualsIgnoreCase("Spring-2025", "sPRING-2025"));
  EXPECT_FALSE(EqualsIgnoreCase("a@", "A`"));
}

TEST(UrlEncodeTest, KeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(UrlEncode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(UrlEncode("a b&c=d/e?f#g%"), "a%20b%26c%3Dd%2Fe%3Ff%23g%25");
  EXPECT_EQ(UrlEncode("/tmp/pg sock"), "%2Ftmp%2Fpg%20sock");
  EXPECT_EQ(UrlEncode("é"), "%C3%A9");
  EXPECT_EQ(UrlEncode(std::string("\0\xff", 2)), "%00%FF");
  EXPECT_EQ(UrlEncode(""), "");
}

TEST(ProblemAtTest, LocatesInTheSpecOrNamesJustTheFile) {
  Problem p = ProblemAt("spec.yaml", 7, 11, "codes.length", "must be at least 1");
  EXPECT_EQ(p.ToString(), "spec.yaml:7:11: codes.length: must be at least 1");
  EXPECT_TRUE(p.is_error());
  EXPECT_EQ(p.line, 7);
  EXPECT_EQ(p.column, 11);
  Problem w = ProblemAt("spec.yaml", 0, 0, "codes.count", "defaulted", Problem::Severity::kWarning);
  EXPECT_EQ(w.ToString(), "spec.yaml: codes.count: defaulted");
  EXPECT_FALSE(w.is_error());
}

}  // namespace
}  // namespace coupongen
