#include "cli/ranges.h"

#include <gtest/gtest.h>

namespace coupongen {
namespace {

TEST(RangesTest, ParseRange) {
  std::string why;
  EXPECT_EQ(ParseRange("0:10000", &why), (SequenceRange{0, 10000}));
  EXPECT_EQ(ParseRange("18446744073709551615:1", &why), (SequenceRange{UINT64_MAX, 1}));
  for (const char* bad : {"", "5", "5:", ":5", "-1:5", "1:-5", "+1:5", " 1:5", "1:5 ", "1e3:5", "a:b", "1:2:3"}) {
    EXPECT_EQ(ParseRange(bad, &why), std::nullopt) << bad;
    EXPECT_EQ(why, "must be START:COUNT in decimal, e.g. 0:10000 (sequence numbers START to START+COUNT-1)") << bad;
  }
  EXPECT_EQ(ParseRange("5:0", &why), std::nullopt);
  EXPECT_EQ(why, "COUNT must be between 1 and 9,223,372,036,854,775,807");
  EXPECT_EQ(ParseRange("18446744073709551615:2", &why), std::nullopt);
  EXPECT_EQ(why, "START + COUNT goes past 2^64");
  EXPECT_EQ(ParseRange("18446744073709551616:1", &why), std::nullopt);
}

TEST(RangesTest, ParseShard) {
  std::string why;
  auto s = ParseShard("3/4", &why);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 3u);
  EXPECT_EQ(s->count, 4u);
  EXPECT_EQ(ParseShard("4/4", &why), std::nullopt);
  EXPECT_EQ(why, "I must be below N (shards are numbered 0 to 3)");
  EXPECT_EQ(ParseShard("0/0", &why), std::nullopt);
  EXPECT_EQ(why, "N must be between 1 and 1,000,000");
  for (const char* bad : {"1", "1/", "/4", "1-4", "-1/4", "1/4/5"}) {
    EXPECT_EQ(ParseShard(bad, &why), std::nullopt) << bad;
    EXPECT_EQ(why, "must be I/N, e.g. 0/4 for the first of 4 shards (I counts from 0), or auto (from the cluster scheduler)");
  }
}

TEST(RangesTest, ShardsAreContiguousDisjointAndCoverTheRun) {
  for (uint64_t count : {uint64_t{7}, uint64_t{40000}, uint64_t{1000003}}) {
    for (uint64_t n : {uint64_t{1}, uint64_t{3}, uint64_t{4}, uint64_t{7}}) {
      SequenceRange run{500, count};
      uint64_t next = run.start;
      for (uint64_t i = 0; i < n; ++i) {
        SequenceRange part = ShardOf(run, {i, n});
        EXPECT_EQ(part.start, next) << count << " " << i << "/" << n;
        EXPECT_GE(part.count, count / n);
        EXPECT_LE(part.count, count / n + 1);
        next = part.start + part.count;
      }
      EXPECT_EQ(next, run.start + count);
    }
  }
  EXPECT_EQ(ShardOf({0, 40000}, {1, 4}), (SequenceRange{10000, 10000}));
  // No overflow near 2^64.
  SequenceRange huge{0, UINT64_MAX};
  EXPECT_EQ(ShardOf(huge, {2, 3}).last(), UINT64_MAX - 1);
}

}  // namespace
}  // namespace coupongen
