#include "codes/generator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "base/strings.h"
#include "testing/scripted_random.h"

namespace coupongen {
namespace {

Alphabet A(const char* spec) {
  std::string err;
  auto a = Alphabet::Parse(spec, &err);
  EXPECT_TRUE(a) << err;
  return *a;
}

TEST(SymbolDrawerTest, RejectsBytesAboveTheLargestMultiple) {
  // k = 30: bytes 240..255 would favour symbols 0..15 under plain '%': they are skipped.
  testing::ScriptedRandom src({250, 5, 239, 240, 31, 255, 59});
  SymbolDrawer d(src, 30);
  uint8_t out[4];
  ASSERT_TRUE(d.Draw(out, 4).ok());
  EXPECT_EQ(out[0], 5);
  EXPECT_EQ(out[1], 29);
  EXPECT_EQ(out[2], 1);
  EXPECT_EQ(out[3], 29);
}

TEST(SymbolDrawerTest, EveryByteValueMapsUniformly) {
  // Feeding each byte value once must give every symbol exactly the same number of times.
  for (unsigned k : {2u, 10u, 16u, 26u, 30u, 36u, 62u, 94u}) {
    std::vector<uint8_t> all(256);
    for (int i = 0; i < 256; ++i) all[i] = static_cast<uint8_t>(i);
    testing::ScriptedRandom src(all);
    SymbolDrawer d(src, k);
    unsigned accepted = 256 - 256 % k;
    std::vector<uint8_t> out(accepted);
    ASSERT_TRUE(d.Draw(out.data(), out.size()).ok());
    std::vector<int> counts(k);
    for (auto s : out) counts[s]++;
    for (unsigned s = 0; s < k; ++s) EXPECT_EQ(counts[s], static_cast<int>(accepted / k)) << "k=" << k << " s=" << s;
  }
}

TEST(SymbolDrawerTest, PropagatesSourceFailure) {
  testing::FailingRandom src;
  SymbolDrawer d(src, 30);
  uint8_t out[1];
  Status s = d.Draw(out, 1);
  EXPECT_EQ(s.code(), Status::Code::kIoError);
  EXPECT_EQ(s.message(), "no randomness: test source failed");
}

// Chi-square test of uniformity: every symbol at every position, seeded so it cannot flake.
void ExpectUniformPerPosition(const char* alphabet, int length, int codes) {
  Alphabet a = A(alphabet);
  CodeShape shape = CodeShape::FromParts("", length, 0, "-", "");
  PredictableSeededRandom src(std::string("chi-square ") + alphabet);
  CodeSet seen(codes);
  CodeGenerator gen(shape, a, src, seen);
  const size_t k = a.size();
  std::vector<std::vector<int>> counts(length, std::vector<int>(k));
  std::string code;
  for (int i = 0; i < codes; ++i) {
    ASSERT_TRUE(gen.Next(&code).ok());
    for (int p = 0; p < length; ++p) counts[p][a.symbols().find(code[p])]++;
  }
  // Critical value of chi-square at p = 0.0001 with k-1 degrees of freedom (Wilson-Hilferty).
  double df = static_cast<double>(k - 1);
  double z = 3.719;
  double critical = df * std::pow(1 - 2 / (9 * df) + z * std::sqrt(2 / (9 * df)), 3);
  double expected = static_cast<double>(codes) / static_cast<double>(k);
  for (int p = 0; p < length; ++p) {
    double chi = 0;
    for (size_t s = 0; s < k; ++s) chi += (counts[p][s] - expected) * (counts[p][s] - expected) / expected;
    EXPECT_LT(chi, critical) << alphabet << " position " << p;
    // And the statistic is not suspiciously perfect either (a stuck or cycling source).
    EXPECT_GT(chi, df * 0.3) << alphabet << " position " << p;
  }
}

TEST(CodeGeneratorTest, SymbolsAreUniformAtEveryPosition) {
  ExpectUniformPerPosition("unambiguous", 12, 60000);
  ExpectUniformPerPosition("uppercase", 8, 72000);
  ExpectUniformPerPosition("alphanumeric", 6, 124000);
}

TEST(CodeGeneratorTest, CodesHaveTheShape) {
  Alphabet a = A("unambiguous");
  CodeShape shape = CodeShape::FromPattern("SPR-####-####");
  PredictableSeededRandom src("shape");
  CodeSet seen(100);
  CodeGenerator gen(shape, a, src, seen);
  std::string code;
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(gen.Next(&code).ok());
    ASSERT_EQ(code.size(), 13u);
    EXPECT_EQ(code.substr(0, 4), "SPR-");
    EXPECT_EQ(code[8], '-');
    for (size_t slot : shape.slots()) EXPECT_GE(a.FoldedIndex(code[slot]), 0);
  }
}

TEST(CodeGeneratorTest, UniqueIgnoringCaseUntilExhausted) {
  // "aAbBcC" folds to 3 symbols; 2 characters give 9 distinct codes ignoring case.
  Alphabet a = A("aAbBcC");
  CodeShape shape = CodeShape::FromParts("", 2, 0, "-", "");
  PredictableSeededRandom src("fold");
  CodeSet seen(9);
  CodeGenerator gen(shape, a, src, seen);
  std::set<std::string> folded;
  std::string code;
  for (int i = 0; i < 9; ++i) {
    ASSERT_TRUE(gen.Next(&code).ok()) << i;
    EXPECT_TRUE(folded.insert(ToUpperAscii(code)).second) << code;
  }
  EXPECT_EQ(folded.size(), 9u);
  Status s = gen.Next(&code);
  EXPECT_EQ(s.code(), Status::Code::kInfeasible);
  EXPECT_GT(gen.redraws(), 0u);
}

TEST(CodeGeneratorTest, NeverProducesATakenCode) {
  Alphabet a = A("digits");
  CodeShape shape = CodeShape::FromParts("X", 2, 0, "-", "");
  CodeKeyer keyer(shape, a);
  CodeSet seen(100);
  for (int i = 0; i < 100; ++i)
    if (i % 2 == 0) seen.Insert(*keyer.Key("x" + std::string(1, '0' + i / 10) + std::string(1, '0' + i % 10)));
  PredictableSeededRandom src("taken");
  CodeGenerator gen(shape, a, src, seen);
  std::string code;
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(gen.Next(&code).ok());
    EXPECT_EQ((code[2] - '0') % 2, 1) << code;  // only the odd numbers were free
  }
}

TEST(CodeGeneratorTest, SeededStreamIsReproducibleAndSeedSensitive) {
  Alphabet a = A("unambiguous");
  CodeShape shape = CodeShape::FromParts("", 12, 0, "-", "");
  auto run = [&](const char* seed) {
    PredictableSeededRandom src(seed);
    CodeSet seen(10);
    CodeGenerator gen(shape, a, src, seen);
    std::string all, code;
    for (int i = 0; i < 10; ++i) {
      EXPECT_TRUE(gen.Next(&code).ok());
      all += code;
    }
    return all;
  };
  EXPECT_EQ(run("demo"), run("demo"));
  EXPECT_NE(run("demo"), run("demo2"));
}

TEST(OpenSslRandomTest, FillsAndDiffers) {
  OpenSslRandom r;
  std::vector<uint8_t> a(64), b(64);
  ASSERT_TRUE(r.Fill(a).ok());
  ASSERT_TRUE(r.Fill(b).ok());
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace coupongen
