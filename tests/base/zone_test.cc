#include "base/zone.h"

#include <gtest/gtest.h>

#include "base/spreadsheet.h"
#include "base/utf8.h"

namespace coupongen {
namespace {

TimeMs At(const char* text) {
  std::string why;
  auto t = ParseTimestamp(text, &why);
  EXPECT_TRUE(t) << text << ": " << why;
  return t.value_or(0);
}

TEST(ZoneTest, FindsIanaNamesAndSuggestsTheClosest) {
  EXPECT_TRUE(Zone::Find("UTC").ok());
  EXPECT_TRUE(Zone::Find("Europe/Rome").ok());
  auto bad = Zone::Find("Europe/Rom");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "unknown time zone 'Europe/Rom' (did you mean 'Europe/Rome'?)");
  EXPECT_NE(Zone::Find("Nowhere/Atall").status().message().find("use an IANA name"), std::string::npos);
}

TEST(ZoneTest, LocalTimesAndBareDates) {
  Zone rome = *Zone::Find("Europe/Rome");
  std::string why;
  EXPECT_EQ(ParseZonedTimestamp("2027-03-31", rome, DayPart::kEnd, &why), At("2027-03-31T21:59:59Z"));
  EXPECT_EQ(ParseZonedTimestamp("2027-01-31", rome, DayPart::kStart, &why), At("2027-01-30T23:00:00Z"));
  EXPECT_EQ(ParseZonedTimestamp("2027-01-31T10:00", rome, DayPart::kEnd, &why), At("2027-01-31T09:00:00Z"));
  EXPECT_EQ(ParseZonedTimestamp("2027-01-31T10:00+05:00", rome, DayPart::kEnd, &why), At("2027-01-31T05:00:00Z"));
  EXPECT_EQ(ParseZonedTimestamp("2027-03-28T02:30:00", rome, DayPart::kEnd, &why), At("2027-03-28T01:30:00Z"));  // gap
  EXPECT_EQ(ParseZonedTimestamp("2027-10-31T02:30:00", rome, DayPart::kEnd, &why), At("2027-10-31T00:30:00Z"));  // overlap
  EXPECT_FALSE(ParseZonedTimestamp("2027-02-30", rome, DayPart::kEnd, &why));
  EXPECT_EQ(why, "not a valid calendar date");
}

TEST(ZoneTest, CalendarMonths) {
  Zone utc;
  std::string why;
  auto d = ParseExpiryDuration("1mo", &why);
  ASSERT_TRUE(d);
  EXPECT_EQ(AddExpiryDuration(At("2027-01-31T10:00:00Z"), *d, utc), At("2027-02-28T10:00:00Z"));
  EXPECT_EQ(AddExpiryDuration(At("2028-01-31T10:00:00Z"), *d, utc), At("2028-02-29T10:00:00Z"));
  EXPECT_EQ(AddExpiryDuration(At("2027-12-15T10:00:00Z"), *ParseExpiryDuration("3mo", &why), utc), At("2028-03-15T10:00:00Z"));
  Zone ny = *Zone::Find("America/New_York");
  // 09:00 EST + 6 months = 09:00 EDT.
  EXPECT_EQ(AddExpiryDuration(At("2027-01-10T14:00:00Z"), *ParseExpiryDuration("6mo", &why), ny), At("2027-07-10T13:00:00Z"));
  EXPECT_EQ(ParseExpiryDuration("14d", &why)->ms, 14 * 86400000LL);
  EXPECT_FALSE(ParseExpiryDuration("3y", &why));
  EXPECT_NE(why.find("s, m, h, d, w or mo (months)"), std::string::npos) << why;
  EXPECT_FALSE(ParseExpiryDuration("0mo", &why));
}

TEST(Utf8Test, NamesCharactersNotBytes) {
  EXPECT_EQ(DescribeCharAt("FRÜHLING", 2), "'Ü' (U+00DC)");
  EXPECT_EQ(DescribeCharAt("a b", 1), "a space");
  EXPECT_EQ(DescribeCharAt("\t", 0), "a tab");
  EXPECT_EQ(DescribeCharAt("\x01", 0), "control character U+0001");
  EXPECT_EQ(DescribeCharAt("\xc3", 0), "byte 0xc3");
  EXPECT_EQ(DescribeCharAt("x\x7f", 1), "control character U+007F");
  EXPECT_EQ(FindControlChar("abc\x1f"), 3u);
}

TEST(SpreadsheetTest, FormulasAndNumbers) {
  for (const char* f : {"=1+1", "+x", "-x", "@x", "\tx", "\rx"}) EXPECT_TRUE(LooksLikeFormula(f)) << f;
  EXPECT_FALSE(LooksLikeFormula("a=1"));
  for (const char* n : {"0123", "052E4928", "1e5", "12E+3", "7", "12e-07"}) EXPECT_TRUE(SpreadsheetWouldChange(n)) << n;
  for (const char* n : {"ABC123", "E123", "12E", "12-34", "SPR-0001", "", "12E+", "12E5E3", "1.5", "12E3A"}) EXPECT_FALSE(SpreadsheetWouldChange(n)) << n;
}

}  // namespace
}  // namespace coupongen
