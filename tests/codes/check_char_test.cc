#include "codes/check_char.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "codes/alphabet.h"
#include "codes/folded.h"

namespace coupongen {
namespace {

CheckCharacter Make(unsigned radix) {
  auto c = CheckCharacter::ForRadix(radix);
  EXPECT_TRUE(c.ok()) << radix << ": " << c.status().message();
  return std::move(c).value();
}

// Exhaustive proof obligations of the header's argument, through the public incremental API
// (Step at position 0 is the plain group product, since s^0 is the identity):
//  1. the product is a group: identity, associativity, inverses (so outer factors cancel);
//  2. each position weight s^i is a permutation (substitutions are caught);
//  3. s^i(a)·s^(i+1)(b) != s^i(b)·s^(i+1)(a) for a != b at every position (transpositions are caught).
void ExpectSchemeProperties(const CheckCharacter& c) {
  const unsigned n = c.radix();
  auto mul = [&](uint8_t x, uint8_t y) { return c.Step(x, 0, y); };
  const uint8_t e = c.Start();
  for (unsigned x = 0; x < n; ++x) {
    ASSERT_EQ(mul(e, x), x);
    ASSERT_EQ(mul(x, e), x);
    bool has_inverse = false;
    for (unsigned y = 0; y < n; ++y) has_inverse |= mul(x, y) == e && mul(y, x) == e;
    ASSERT_TRUE(has_inverse) << "radix " << n << " element " << x;
    for (unsigned y = 0; y < n; ++y)
      for (unsigned z = 0; z < n; ++z) ASSERT_EQ(mul(mul(x, y), z), mul(x, mul(y, z))) << "radix " << n;
  }
  for (size_t i = 0; i < c.period(); ++i) {
    std::vector<bool> seen(n);
    for (unsigned d = 0; d < n; ++d) {
      uint8_t w = c.Step(e, i, d);
      ASSERT_FALSE(seen[w]) << "radix " << n << ": weight at position " << i << " is not a permutation";
      seen[w] = true;
    }
    const size_t next = i + 1;  // may equal period(): Step reduces positions modulo the period
    for (unsigned a = 0; a < n; ++a)
      for (unsigned b = a + 1; b < n; ++b)
        ASSERT_NE(c.Step(c.Step(e, i, a), next, b), c.Step(c.Step(e, i, b), next, a))
            << "radix " << n << " position " << i << " digits " << a << "," << b;
  }
}

TEST(CheckCharacterTest, SchemePropertiesHoldForEveryRadix) {
  for (unsigned radix = 3; radix <= 96; ++radix) {
    SCOPED_TRACE(radix);
    ExpectSchemeProperties(Make(radix));
    if (HasFatalFailure()) return;
  }
}

TEST(CheckCharacterTest, LargeRadixesWork) {
  for (unsigned radix : {128u, 254u, 255u, 256u}) {
    CheckCharacter c = Make(radix);
    std::vector<uint8_t> digits = {1, static_cast<uint8_t>(200 % radix), 77, 0, static_cast<uint8_t>(radix - 1)};
    digits.push_back(c.Compute(digits));
    EXPECT_TRUE(c.Verify(digits));
  }
}

TEST(CheckCharacterTest, RefusesImpossibleRadixes) {
  auto two = CheckCharacter::ForRadix(2);
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.status().code(), Status::Code::kInvalid);
  EXPECT_EQ(two.status().message(),
            "a check character needs an alphabet of at least 3 symbols: with 2, no single check symbol "
            "catches both substitutions and transpositions");
  EXPECT_FALSE(CheckCharacter::ForRadix(0).ok());
  EXPECT_FALSE(CheckCharacter::ForRadix(1).ok());
  auto big = CheckCharacter::ForRadix(257);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().message(), "a check character needs an alphabet of 3 to 256 symbols (ignoring case), not 257");
}

TEST(CheckCharacterTest, NamesItsGroup) {
  EXPECT_EQ(Make(30).group_name(), "dihedral group D15");
  EXPECT_EQ(Make(36).group_name(), "GF(4)+ x Z_9");
  EXPECT_EQ(Make(26).group_name(), "dihedral group D13");
  EXPECT_EQ(Make(10).group_name(), "dihedral group D5");
  EXPECT_EQ(Make(16).group_name(), "GF(16)+");
  EXPECT_EQ(Make(31).group_name(), "Z_31");
  EXPECT_EQ(Make(6).group_name(), "dihedral group D3");
}

// Every single-symbol substitution (in data and check positions) and every adjacent transposition
// of many random codes of every preset alphabet, at several lengths, is caught.
TEST(CheckCharacterTest, CatchesEverySubstitutionAndTranspositionOfPresetCodes) {
  std::mt19937 rng(20270301);  // test inputs only
  for (const std::string& preset : Alphabet::PresetNames()) {
    std::string err;
    Alphabet alphabet = *Alphabet::Parse(preset, &err);
    CheckCharacter c = *CheckCharacter::ForAlphabet(alphabet);
    const unsigned n = c.radix();
    ASSERT_EQ(n, alphabet.folded_size());
    std::uniform_int_distribution<unsigned> digit(0, n - 1);
    size_t caught = 0;
    for (int code = 0; code < 1000; ++code) {
      const size_t k = 1 + static_cast<size_t>(code % 24);  // data lengths 1..24
      std::vector<uint8_t> d(k);
      for (auto& x : d) x = static_cast<uint8_t>(digit(rng));
      d.push_back(c.Compute(d));
      ASSERT_TRUE(c.Verify(d)) << preset;
      for (size_t i = 0; i < d.size(); ++i) {
        const uint8_t orig = d[i];
        for (unsigned v = 0; v < n; ++v) {
          if (v == orig) continue;
          d[i] = static_cast<uint8_t>(v);
          ASSERT_FALSE(c.Verify(d)) << preset << ": substitution at " << i << " not caught";
          ++caught;
        }
        d[i] = orig;
        if (i + 1 < d.size() && d[i] != d[i + 1]) {
          std::swap(d[i], d[i + 1]);
          ASSERT_FALSE(c.Verify(d)) << preset << ": transposition at " << i << " not caught";
          std::swap(d[i], d[i + 1]);
          ++caught;
        }
      }
    }
    EXPECT_GT(caught, 1000u * n);
  }
}

// All codes of a few short lengths over small radixes: nothing but the error-free code verifies
// within one substitution or one adjacent transposition, i.e. valid codes are never neighbours.
TEST(CheckCharacterTest, ExhaustiveOverAllShortCodes) {
  for (unsigned n : {3u, 4u, 5u, 6u, 7u, 8u, 10u}) {
    CheckCharacter c = Make(n);
    const size_t k = n <= 6 ? 5 : 4;
    size_t total = 1;
    for (size_t i = 0; i < k; ++i) total *= n;
    std::vector<uint8_t> d(k + 1);
    for (size_t code = 0; code < total; ++code) {
      size_t v = code;
      for (size_t i = 0; i < k; ++i, v /= n) d[i] = static_cast<uint8_t>(v % n);
      d[k] = c.Compute(std::span<const uint8_t>(d).first(k));
      for (size_t i = 0; i <= k; ++i) {
        const uint8_t orig = d[i];
        for (unsigned s = 0; s < n; ++s) {
          if (s == orig) continue;
          d[i] = static_cast<uint8_t>(s);
          ASSERT_FALSE(c.Verify(d)) << "radix " << n;
        }
        d[i] = orig;
        if (i < k && d[i] != d[i + 1]) {
          std::swap(d[i], d[i + 1]);
          ASSERT_FALSE(c.Verify(d)) << "radix " << n;
          std::swap(d[i], d[i + 1]);
        }
      }
    }
  }
}

TEST(CheckCharacterTest, CheckDigitsAreUniform) {
  // With uniform data, every check digit is equally likely (the first digit alone permutes them),
  // so a check character never makes some codes likelier than others.
  CheckCharacter c = Make(30);
  std::vector<int> count(30);
  std::vector<uint8_t> d(2);
  for (unsigned a = 0; a < 30; ++a)
    for (unsigned b = 0; b < 30; ++b) {
      d = {static_cast<uint8_t>(a), static_cast<uint8_t>(b)};
      ++count[c.Compute(d)];
    }
  for (int x : count) EXPECT_EQ(x, 30);
}

TEST(CheckCharacterTest, VerifyRejectsEmptyAndOutOfRange) {
  CheckCharacter c = Make(10);
  EXPECT_FALSE(c.Verify({}));
  std::vector<uint8_t> d = {3, 10};
  EXPECT_FALSE(c.Verify(d));
  std::vector<uint8_t> only_check = {c.Compute({})};
  EXPECT_TRUE(c.Verify(only_check));
}

TEST(CheckCharacterTest, MixedCaseAlphabetIsComputedOverFoldedSymbolsAndEmitsUpperCase) {
  std::string err;
  Alphabet alnum = *Alphabet::Parse("alphanumeric", &err);
  CheckCharacter c = *CheckCharacter::ForAlphabet(alnum);
  EXPECT_EQ(c.radix(), 36u);
  const std::string symbols = CanonicalFoldedSymbols(alnum);
  EXPECT_EQ(symbols, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
  // "aB3x" and "Ab3X" are the same code: the same folded digits, the same check.
  auto digits = [&](std::string_view s) {
    std::vector<uint8_t> d;
    for (char ch : s) d.push_back(static_cast<uint8_t>(alnum.FoldedIndex(ch)));
    return d;
  };
  EXPECT_EQ(c.Compute(digits("aB3x")), c.Compute(digits("Ab3X")));
  Alphabet lower = *Alphabet::Parse("abcdefgh", &err);
  EXPECT_EQ(CanonicalFoldedSymbols(lower), "abcdefgh");
}

}  // namespace
}  // namespace coupongen
