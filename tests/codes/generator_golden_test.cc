// Pins the codes a seed gives, so a faster generator can prove it draws exactly the same codes
// from the same bytes (`--seed` output must not change between versions without a reason).
#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <cstdio>

#include "codes/generator.h"

namespace coupongen {
namespace {

std::string Hex(const uint8_t* p, size_t n) {
  std::string s;
  char b[3];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(b, sizeof b, "%02x", p[i]);
    s += b;
  }
  return s;
}

struct Golden {
  const char* alphabet;
  const char* pattern;  // '#' = random character
  int count;
  const char* first3;   // the first three codes, space-separated
  const char* sha256;   // of all codes, one per line
};

// Taken from the generator before batching; CodeSet sized for the count.
constexpr Golden kGolden[] = {
    {"unambiguous", "############", 100000, "UMYSAC2ST9VN LFGWM4FSRXYU HMYY39AJNHSE",
     "065b2f3535882123c52e29e6f8b2ca970770d555fa7c78917a6f44912a9c1da5"},
    {"alphanumeric", "SPR-####-####", 50000, "SPR-yLcu-Hkc0 SPR-1AVs-MLI2 SPR-p8JQ-v1cS",
     "085e60e05fe43fd5bb5d4443b76cde234fa88295e16f5e800bd8139c13d3f186"},
    // the whole keyspace: many redraws
    {"aAbBcC", "###", 27, "aCc cAb aAa",
     "a3c627f85e2283b86476802a4ab4c70b527d53faae2d0fc14cbfbd806b4901b4"},
    // half the keyspace
    {"digits", "#####", 50000, "47827 80236 58612",
     "f6b4686dedda3dc8667079b45c74c31e93c58f350a29c7679d30b6e588ae95df"},
};

TEST(GeneratorGoldenTest, SeededCodesAreStable) {
  for (const auto& g : kGolden) {
    std::string err;
    auto a = *Alphabet::Parse(g.alphabet, &err);
    auto shape = CodeShape::FromPattern(g.pattern);
    PredictableSeededRandom src("golden");
    CodeSet seen(static_cast<size_t>(g.count));
    CodeGenerator gen(shape, a, src, seen);
    std::string all, first3, code;
    for (int i = 0; i < g.count; ++i) {
      ASSERT_TRUE(gen.Next(&code).ok()) << g.pattern << " " << i;
      all += code + "\n";
      if (i < 3) first3 += (i ? " " : "") + code;
    }
    uint8_t md[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const uint8_t*>(all.data()), all.size(), md);
    EXPECT_EQ(first3, g.first3) << g.alphabet << " " << g.pattern;
    EXPECT_EQ(Hex(md, sizeof md), g.sha256) << g.alphabet << " " << g.pattern;
  }
}

}  // namespace
}  // namespace coupongen
