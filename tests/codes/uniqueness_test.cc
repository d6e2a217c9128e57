#include <gtest/gtest.h>

#include <random>
#include <unordered_set>

#include "codes/code_set.h"

namespace coupongen {
namespace {

TEST(CodeSetTest, InsertContainsAndGrow) {
  CodeSet set(4);  // sized for 4, grows as needed
  std::mt19937_64 rng(7);  // test inputs only
  std::unordered_set<uint64_t> reference;
  for (int i = 0; i < 100000; ++i) {
    uint64_t k = (rng() % 50000) + 1;
    EXPECT_EQ(set.Insert(k), reference.insert(k).second);
  }
  EXPECT_EQ(set.size(), reference.size());
  for (uint64_t k = 1; k <= 50000; ++k) EXPECT_EQ(set.Contains(k), reference.count(k) > 0);
}

TEST(CodeSetTest, SizedFromTheCount) {
  // Load stays at most 3/4, and the table is the next power of two: 8-16 bytes per key.
  EXPECT_EQ(CodeSet::BytesFor(10'000'000), (size_t{1} << 24) * 8);
  CodeSet set(1000);
  EXPECT_EQ(set.memory_bytes(), CodeSet::BytesFor(1000));
}

TEST(CodeKeyerTest, ExactKeysIgnoreCase) {
  std::string err;
  auto a = *Alphabet::Parse("alphanumeric", &err);
  auto shape = CodeShape::FromParts("SPR-", 8, 4, "-", "");
  CodeKeyer keyer(shape, a);
  EXPECT_TRUE(keyer.exact());  // 36^8 fits in 64 bits
  auto k1 = keyer.Key("SPR-abCD-12ef");
  auto k2 = keyer.Key("spr-ABcd-12EF");
  ASSERT_TRUE(k1 && k2);
  EXPECT_EQ(*k1, *k2);
  EXPECT_NE(*k1, *keyer.Key("SPR-abCD-12eg"));
  EXPECT_NE(*k1, 0u);
  EXPECT_FALSE(keyer.Key("XPR-abCD-12ef"));   // other literal text
  EXPECT_FALSE(keyer.Key("SPR-abCD-12e"));    // other length
  EXPECT_FALSE(keyer.Key("SPR-ab_D-12ef"));   // not in the alphabet
}

TEST(CodeKeyerTest, LongCodesAreHashedConsistently) {
  std::string err;
  auto a = *Alphabet::Parse("unambiguous", &err);
  auto shape = CodeShape::FromParts("", 30, 0, "-", "");
  CodeKeyer keyer(shape, a);
  EXPECT_FALSE(keyer.exact());  // 30^30 > 2^64
  std::string code(30, 'A');
  auto k1 = keyer.Key(code);
  code[29] = 'C';
  auto k2 = keyer.Key(code);
  code[29] = 'c';
  auto k3 = keyer.Key(code);
  ASSERT_TRUE(k1 && k2 && k3);
  EXPECT_NE(*k1, *k2);
  EXPECT_EQ(*k2, *k3);
}

TEST(CodeKeyerTest, ExactBoundary) {
  std::string err;
  auto digits = *Alphabet::Parse("digits", &err);
  // 10^19 < 2^64 - 1 < 10^20.
  auto s19 = CodeShape::FromParts("", 19, 0, "-", "");
  auto s20 = CodeShape::FromParts("", 20, 0, "-", "");
  EXPECT_TRUE(CodeKeyer(s19, digits).exact());
  EXPECT_FALSE(CodeKeyer(s20, digits).exact());
  CodeKeyer k19(s19, digits);
  EXPECT_EQ(*k19.Key("0000000000000000000"), 1u);
  EXPECT_EQ(*k19.Key("9999999999999999999"), 10000000000000000000ull);
}

}  // namespace
}  // namespace coupongen
