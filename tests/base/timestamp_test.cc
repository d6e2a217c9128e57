#include "base/timestamp.h"

#include <gtest/gtest.h>

namespace coupongen {
namespace {

TEST(TimestampTest, ParsesUtcAndOffsets) {
  std::string err;
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("2027-03-31T23:59:59Z", &err)), "2027-03-31T23:59:59.000Z");
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("2027-04-01T01:59:59+02:00", &err)), "2027-03-31T23:59:59.000Z");
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("2027-03-31T18:59:59.250-0500", &err)), "2027-03-31T23:59:59.250Z");
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("2027-03-01", &err)), "2027-03-01T00:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("2027-03-01 10:00:00z", &err)), "2027-03-01T10:00:00.000Z");
  EXPECT_EQ(*ParseTimestamp("1970-01-01T00:00:00Z", &err), 0);
}

TEST(TimestampTest, RejectsBadTimestamps) {
  struct Case {
    const char* text;
    const char* error;
  } cases[] = {
      {"2027-02-30T00:00:00Z", "not a valid calendar date"},
      {"2027-13-01T00:00:00Z", "not a valid calendar date"},
      {"2027-03-01T24:00:00Z", "time of day out of range"},
      {"2027-03-01T10:00:00+25:00", "UTC offset out of range (-14:00..+14:00)"},
      {"2027-03-01T10:00:00", "missing UTC offset (add Z for UTC, or e.g. +02:00)"},
      {"next tuesday", "not an ISO 8601 timestamp (expected YYYY-MM-DDTHH:MM:SSZ or with an offset such as +02:00)"},
      {"2027-03-01T10:00:00Zjunk", "not an ISO 8601 timestamp (expected YYYY-MM-DDTHH:MM:SSZ or with an offset such as +02:00)"},
  };
  for (const auto& c : cases) {
    std::string err;
    EXPECT_FALSE(ParseTimestamp(c.text, &err).has_value()) << c.text;
    EXPECT_EQ(err, c.error) << c.text;
  }
}

TEST(TimestampTest, NothingAfterTheYear9999) {
  std::string why;
  EXPECT_EQ(ParseTimestamp("9999-12-31T23:59:59Z", &why), kMaxTimeMs);
  EXPECT_EQ(FormatTimestamp(kMaxTimeMs), "9999-12-31T23:59:59.000Z");
  for (const char* late : {"9999-12-31T23:59:59.001Z", "9999-12-31T23:00:00-02:00", "9999-12-31T22:00:00-14:00"}) {
    SCOPED_TRACE(late);
    EXPECT_FALSE(ParseTimestamp(late, &why).has_value());
    EXPECT_EQ(why, "after 9999-12-31T23:59:59Z, the latest time coupongen handles");
  }
  EXPECT_FALSE(ParseTimestamp("10000-01-01T00:00:00Z", &why).has_value());
}

TEST(TimestampTest, Durations) {
  std::string err;
  EXPECT_EQ(*ParseDuration("14d", &err), 14 * 86400000LL);
  EXPECT_EQ(*ParseDuration("90m", &err), 90 * 60000LL);
  EXPECT_EQ(*ParseDuration("2w", &err), 14 * 86400000LL);
  EXPECT_EQ(*ParseDuration("30s", &err), 30000);
  EXPECT_EQ(*ParseDuration("1h", &err), 3600000);
  EXPECT_FALSE(ParseDuration("0d", &err));
  EXPECT_EQ(err, "must be positive");
  EXPECT_FALSE(ParseDuration("7", &err));
  EXPECT_FALSE(ParseDuration("7y", &err));
  EXPECT_FALSE(ParseDuration("-7d", &err));
}

TEST(TimestampTest, NowIsWholeSeconds) { EXPECT_EQ(NowMs() % 1000, 0); }

}  // namespace
}  // namespace coupongen
