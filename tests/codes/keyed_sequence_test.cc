#include "codes/keyed_sequence.h"

#include <gtest/gtest.h>

#include <ctime>
#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace coupongen {
namespace {

const std::vector<uint8_t> kKey = {0x2B, 0x7E, 0x15, 0x16, 0x28, 0xAE, 0xD2, 0xA6, 0xAB, 0xF7, 0x15,
                                   0x88, 0x09, 0xCF, 0x4F, 0x3C, 0xEF, 0x43, 0x59, 0xD8, 0xD5, 0x80,
                                   0xAA, 0x4F, 0x7F, 0x03, 0x6D, 0x6F, 0x04, 0xFC, 0x6A, 0x94};

std::vector<uint8_t> Bytes(std::string_view s) { return {s.begin(), s.end()}; }

TEST(KeyedSequenceTest, IsFf1OfTheBaseRadixNumber) {
  // ff1_test.cc's reference vectors: AES-256, radix 30, length 12.
  auto seq = KeyedSequence::Create(kKey, 30, 12, {});
  ASSERT_TRUE(seq.ok()) << seq.status().message();
  std::vector<uint16_t> code(12);
  ASSERT_TRUE(seq->Digits(0, code).ok());
  EXPECT_EQ(code, (std::vector<uint16_t>{23, 24, 1, 22, 10, 17, 7, 1, 3, 7, 0, 11}));

  auto tweaked = KeyedSequence::Create(kKey, 30, 12, Bytes("spring-sale-2027"));
  ASSERT_TRUE(tweaked.ok());
  uint64_t n = 0;  // the numerals 0, 1, ..., 11 read in base 30
  for (uint64_t d = 0; d < 12; ++d) n = n * 30 + d;
  ASSERT_TRUE(tweaked->Digits(n, code).ok());
  EXPECT_EQ(code, (std::vector<uint16_t>{18, 9, 19, 10, 28, 7, 19, 3, 1, 18, 16, 28}));
  EXPECT_EQ(*tweaked->Sequence(code), n);
}

TEST(KeyedSequenceTest, ConsecutiveNumbersGiveDistinctCodesThatRoundTrip) {
  auto seq = KeyedSequence::Create(kKey, 30, 8, Bytes("spring"));
  ASSERT_TRUE(seq.ok());
  std::set<std::vector<uint16_t>> codes;
  std::vector<uint16_t> code(8);
  for (uint64_t n = 0; n < 20000; ++n) {
    ASSERT_TRUE(seq->Digits(n, code).ok());
    EXPECT_TRUE(codes.insert(code).second) << n;
    EXPECT_EQ(*seq->Sequence(code), n);
  }
}

TEST(KeyedSequenceTest, TweakAndKeyChangeThePermutation) {
  auto a = KeyedSequence::Create(kKey, 30, 12, Bytes("spring"));
  auto b = KeyedSequence::Create(kKey, 30, 12, Bytes("autumn"));
  std::vector<uint8_t> other_key = kKey;
  other_key[0] ^= 1;
  auto c = KeyedSequence::Create(other_key, 30, 12, Bytes("spring"));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  std::vector<uint16_t> x(12), y(12), z(12);
  ASSERT_TRUE(a->Digits(7, x).ok());
  ASSERT_TRUE(b->Digits(7, y).ok());
  ASSERT_TRUE(c->Digits(7, z).ok());
  EXPECT_NE(x, y);
  EXPECT_NE(x, z);
}

TEST(KeyedSequenceTest, EdgesOfTheKeyspace) {
  // 30^5 = 24,300,000 codes: numbers 0..24,299,999.
  auto small = KeyedSequence::Create(kKey, 30, 5, {});
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->max_sequence(), 24299999u);
  std::vector<uint16_t> code(5);
  ASSERT_TRUE(small->Digits(24299999, code).ok());
  EXPECT_EQ(*small->Sequence(code), 24299999u);
  Status past = small->Digits(24300000, code);
  EXPECT_EQ(past.code(), Status::Code::kInfeasible);
  EXPECT_EQ(past.message(), "keyed mode: sequence number 24,300,000 is past the last code (24,299,999)");

  // 94^40 is far beyond 2^64: every uint64 is a sequence number, and most codes are nobody's.
  auto big = KeyedSequence::Create(kKey, 94, 40, Bytes("x"));
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->max_sequence(), UINT64_MAX);
  std::vector<uint16_t> long_code(40);
  for (uint64_t n : {uint64_t{0}, uint64_t{1}, UINT64_MAX - 1, UINT64_MAX}) {
    ASSERT_TRUE(big->Digits(n, long_code).ok());
    EXPECT_EQ(*big->Sequence(long_code), n);
  }
  std::vector<uint16_t> forged(40, 5);
  auto n = big->Sequence(forged);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().message(), "keyed mode: not a code of this key and campaign (no sequence number gives it)");
}

TEST(KeyedSequenceTest, RefusesSmallKeyspacesAndBadArguments) {
  auto tiny = KeyedSequence::Create(kKey, 30, 4, {});
  ASSERT_FALSE(tiny.ok());
  EXPECT_EQ(tiny.status().code(), Status::Code::kInvalid);
  EXPECT_EQ(tiny.status().message(),
            "keyed mode needs at least 1,000,000 possible codes (radix^length); 30^4 = 810,000 is too small");
  EXPECT_EQ(KeyedSequence::Create(kKey, 94, 1, {}).status().message(),
            "keyed mode needs at least 1,000,000 possible codes (radix^length); 94^1 = 94 is too small");
  EXPECT_TRUE(KeyedSequence::Create(kKey, 10, 6, {}).ok());
  EXPECT_EQ(KeyedSequence::Create(std::vector<uint8_t>(31), 30, 12, {}).status().message(),
            "FF1 key must be 16, 24 or 32 bytes (AES-128, -192 or -256); got 31");

  auto seq = KeyedSequence::Create(kKey, 30, 6, {});
  ASSERT_TRUE(seq.ok());
  std::vector<uint16_t> wrong(5);
  EXPECT_EQ(seq->Digits(1, wrong).message(), "keyed mode: 5 digits asked for, codes have 6");
  EXPECT_EQ(seq->Sequence(wrong).status().message(), "keyed mode: a code has 6 random characters, not 5");
  std::vector<uint16_t> bad = {0, 0, 30, 0, 0, 0};
  EXPECT_EQ(seq->Sequence(bad).status().message(), "FF1: numeral 30 at 2 is not below the radix 30");
}

TEST(KeyedSequenceTest, RefusesAlphabetsWithBothCasesOfALetter) {
  std::string err;
  for (const char* ok : {"unambiguous", "uppercase", "digits", "hex", "letters", "abcXYZ123"})
    EXPECT_TRUE(CheckKeyedAlphabet(*Alphabet::Parse(ok, &err)).ok()) << ok;
  for (const char* mixed : {"alphanumeric", "aA1234"}) {
    Status s = CheckKeyedAlphabet(*Alphabet::Parse(mixed, &err));
    EXPECT_EQ(s.code(), Status::Code::kInvalid) << mixed;
    EXPECT_EQ(s.message(),
              "keyed mode cannot use an alphabet with a letter in both cases: codes that differ only in case "
              "count as the same code, and keyed codes are distinct only as exact strings");
  }
}

// ./coupongen_tests --gtest_also_run_disabled_tests --gtest_filter='*Benchmark*'
TEST(KeyedSequenceTest, DISABLED_Benchmark) {
  for (auto [radix, length] : {std::pair<uint32_t, uint32_t>{30, 12}, {94, 40}}) {
    auto seq = KeyedSequence::Create(kKey, radix, length, Bytes("spring-sale-2027"));
    ASSERT_TRUE(seq.ok());
    std::vector<uint16_t> code(length);
    const uint64_t kCount = 1000000;
    double best = 1e9;
    for (int run = 0; run < 3; ++run) {
      timespec t0, t1;
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
      for (uint64_t n = 0; n < kCount; ++n) ASSERT_TRUE(seq->Digits(n, code).ok());
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
      best = std::min(best, static_cast<double>(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9);
    }
    std::printf("keyed radix %u length %u: %.0f codes/s\n", radix, length, kCount / best);
  }
}

}  // namespace
}  // namespace coupongen
