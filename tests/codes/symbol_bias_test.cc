// No modulo bias, over the full byte range: for alphabet sizes that do not divide 256, every
// symbol must have exactly the same number of byte values mapping to it, and exactly 256 mod k
// byte values must be thrown away. (Plain `byte % 30` would give symbols 0..15 a 9/256 chance
// and 16..29 8/256: 12.5% more likely.) Probed byte by byte, so it holds whatever the mapping.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "codes/alphabet.h"
#include "codes/keyspace.h"
#include "codes/shape.h"
#include "codes/symbol_drawer.h"
#include "testing/scripted_random.h"

namespace coupongen {
namespace {

TEST(SymbolBiasTest, EveryByteValueIsOneSymbolsOrRejected) {
  for (unsigned k : {3u, 7u, 10u, 26u, 30u, 36u, 62u, 94u, 255u}) {
    std::vector<int> preimages(k);
    int rejected = 0;
    for (int b = 0; b < 256; ++b) {
      // The byte under test, then 0 (always accepted). One symbol drawn: if it took one byte, it
      // is b's symbol; if it took two, b was thrown away.
      testing::ScriptedRandom src({static_cast<uint8_t>(b), 0});
      SymbolDrawer d(src, k);
      uint8_t s = 0xff;
      ASSERT_TRUE(d.Draw(&s, 1).ok());
      ASSERT_LT(s, k);
      if (d.bytes_consumed() == 1) preimages[s]++;
      else {
        ++rejected;
        ASSERT_EQ(d.bytes_consumed(), 2u) << "k=" << k << " b=" << b;
      }
    }
    EXPECT_EQ(rejected, static_cast<int>(256 % k)) << "k=" << k;
    for (unsigned s = 0; s < k; ++s) EXPECT_EQ(preimages[s], static_cast<int>(256 / k)) << "k=" << k << " symbol " << s;
  }
}

TEST(SymbolBiasTest, ExpectedBytesPerSymbol) {
  // The cost of rejection: 256 / (256 - 256 mod k) bytes per symbol (README, Security notes).
  for (auto [k, per_symbol] : std::vector<std::pair<unsigned, double>>{{30, 256.0 / 240}, {36, 256.0 / 252}, {62, 256.0 / 248}}) {
    std::vector<uint8_t> all(256);
    for (int i = 0; i < 256; ++i) all[i] = static_cast<uint8_t>(255 - i);  // rejected values first
    testing::ScriptedRandom src(all);
    SymbolDrawer d(src, k);
    const size_t n = (256 - 256 % k) * 256;  // every byte value 256 times over
    std::vector<uint8_t> out(n);
    ASSERT_TRUE(d.Draw(out.data(), n).ok());
    EXPECT_EQ(d.bytes_consumed(), 65536u) << "k=" << k;  // every rejected byte skipped, none mapped
    EXPECT_NEAR(static_cast<double>(d.bytes_consumed()) / n, per_symbol, 1e-3) << "k=" << k;
    std::vector<int> counts(k);
    for (auto s : out) counts[s]++;
    for (unsigned s = 0; s < k; ++s) EXPECT_EQ(counts[s], static_cast<int>(256 / k) * 256) << "k=" << k;
  }
}

TEST(SymbolBiasTest, EntropyPerCodeAsDocumented) {
  // README, Security notes: bits per code = random characters x log2(symbols ignoring case), with
  // mixed case counted by its case-folded classes.
  struct Case {
    const char* alphabet;
    int length;
    double bits;
  } cases[] = {
      {"unambiguous", 12, 58.88},   // 12 x log2 30 = 12 x 4.907
      {"uppercase", 12, 62.04},     // 12 x log2 36 = 12 x 5.170
      {"alphanumeric", 12, 61.38},  // 12 x 5.115: 36 classes, letters twice as likely as digits
      {"digits", 8, 26.58},         // 8 x log2 10
      {"hex", 16, 64.00},           // 16 x 4
  };
  for (const auto& c : cases) {
    std::string err;
    auto a = Alphabet::Parse(c.alphabet, &err);
    ASSERT_TRUE(a) << err;
    Keyspace k = ComputeKeyspace(CodeShape::FromParts("", c.length, 0, "-", ""), *a);
    EXPECT_NEAR(k.entropy_bits, c.bits, 0.01) << c.alphabet;
    EXPECT_NEAR(std::log2(static_cast<double>(k.size)), c.length * std::log2(static_cast<double>(a->folded_size())), 1e-6);
  }
}

}  // namespace
}  // namespace coupongen
