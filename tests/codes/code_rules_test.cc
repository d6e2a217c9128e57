// CodeRules through the generator: the check character every code ends in catches every single
// typo and swap; no code spells a blocked word; redrawing keeps codes uniform over the allowed ones.
#include "codes/code_rules.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <set>

#include "codes/folded.h"
#include "codes/generator.h"

namespace coupongen {
namespace {

Alphabet MakeAlphabet(std::string_view spec) {
  std::string err;
  auto a = Alphabet::Parse(spec, &err);
  EXPECT_TRUE(a.has_value()) << spec << ": " << err;
  return *a;
}

CodeRules MakeRules(const Alphabet& a, size_t random_length, bool check, BlocklistSpec blocklist = {}) {
  auto r = CodeRules::Make(a, random_length, check, std::move(blocklist));
  EXPECT_TRUE(r.ok()) << r.status().message();
  return std::move(r).value();
}

BlocklistSpec Builtin(std::vector<std::string> extra = {}) {
  BlocklistSpec s;
  s.builtin = true;
  s.extra = std::move(extra);
  return s;
}

// Chi-square critical value for `df` degrees of freedom at p ~ 1e-6 (Wilson-Hilferty): the tests
// are seeded, so they cannot flake; a bias of a few percent still shows.
double ChiSquareCritical(double df) {
  const double z = 4.75;
  double h = 2.0 / (9.0 * df);
  return df * std::pow(1.0 - h + z * std::sqrt(h), 3.0);
}

// Reference matcher, written from the blocklist's documented rules independently of its automaton:
// a character reads as a set of letters (0->O, 1->I or L, 3->E, 4->A, 5->S, 7->T, other digits as
// themselves, other symbols as nothing); a word occurs where every character's readings meet.
std::string Readings(char c) {
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  if (c >= 'A' && c <= 'Z') return std::string(1, c);
  switch (c) {
    case '0': return "O";
    case '1': return "IL";
    case '3': return "E";
    case '4': return "A";
    case '5': return "S";
    case '7': return "T";
    case '2': case '6': case '8': case '9': return std::string(1, c);
    default: return "";
  }
}

class ReferenceMatcher {
 public:
  explicit ReferenceMatcher(const std::vector<std::string>& words) {
    for (const auto& w : words) {
      words_.emplace_back();
      for (char c : w) words_.back().push_back(Readings(c));
    }
  }
  bool Contains(std::string_view text) const {
    std::vector<std::string> t;
    for (char c : text) t.push_back(Readings(c));
    for (const auto& w : words_)
      for (size_t j = 0; j + w.size() <= t.size(); ++j) {
        size_t k = 0;
        while (k < w.size() && t[j + k].find_first_of(w[k]) != std::string::npos) ++k;
        if (k == w.size()) return true;
      }
    return false;
  }

 private:
  std::vector<std::vector<std::string>> words_;
};

TEST(CodeRulesTest, NoRulesByDefault) {
  CodeRules none;
  EXPECT_EQ(none.check(), nullptr);
  EXPECT_EQ(none.check_length(), 0u);
  EXPECT_TRUE(none.blocklist().empty());
  EXPECT_TRUE(none.blocklist_spec().empty());
}

TEST(CodeRulesTest, CheckNeedsThreeSymbols) {
  auto r = CodeRules::Make(MakeAlphabet("aAbB"), 8, true, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalid);
  EXPECT_EQ(r.status().message(),
            "a check character needs an alphabet of at least 3 symbols: with 2, no single check symbol catches both "
            "substitutions and transpositions");
  EXPECT_TRUE(CodeRules::Make(MakeAlphabet("aAbB"), 8, false, Builtin()).ok());
}

TEST(CodeRulesTest, CheckSymbolsAreUpperCaseWhenTheAlphabetHasThem) {
  CodeRules r = MakeRules(MakeAlphabet("alphanumeric"), 8, true);
  ASSERT_NE(r.check(), nullptr);
  EXPECT_EQ(r.check()->radix(), 36u);
  EXPECT_EQ(r.check_symbols(), CanonicalFoldedSymbols(MakeAlphabet("alphanumeric")));
  EXPECT_EQ(r.check_symbols().find_first_of("abcdefghijklmnopqrstuvwxyz"), std::string::npos);
}

TEST(CodeRulesTest, PatternWithCheckSlot) {
  EXPECT_EQ(PatternWithCheckSlot("SPR-####-###"), "SPR-####-####");
  EXPECT_EQ(PatternWithCheckSlot("##-X"), "###-X");
  EXPECT_EQ(PatternWithCheckSlot("A#B#C"), "A#B##C");
}

TEST(CodeRulesTest, KeyspaceCountsRandomCharactersOnlyLessBlockedCodes) {
  Alphabet a = MakeAlphabet("unambiguous");
  CodeShape shape = CodeShape::FromParts("", 13, 4, "-", "");  // 12 random + 1 check
  Keyspace plain = ComputeKeyspace(shape, a, MakeRules(a, 12, true));
  EXPECT_EQ(plain.size, std::pow(30.0L, 12.0L));
  EXPECT_NEAR(plain.entropy_bits, 12 * std::log2(30.0), 1e-9);
  CodeRules rules = MakeRules(a, 12, true, Builtin());
  Keyspace blocked = ComputeKeyspace(shape, a, rules);
  EXPECT_TRUE(rules.share().exact);
  EXPECT_EQ(rules.share().total, std::pow(30.0L, 12.0L));
  EXPECT_EQ(blocked.size, rules.share().allowed);
  EXPECT_GT(rules.share().removed_fraction(), 0.005L);
  EXPECT_LT(rules.share().removed_fraction(), 0.05L);
  // Single-case alphabet: codes are uniform over the allowed ones, so the entropy is log2(allowed).
  EXPECT_NEAR(blocked.entropy_bits, static_cast<double>(std::log2(rules.share().allowed)), 1e-9);
}

// Every code the generator makes ends in a valid check character, and every single-symbol
// substitution (at any random position or the check) and every adjacent transposition (in slot
// order, across separators too) of it is reported, for every preset, with groups and patterns.
TEST(CodeRulesTest, EveryTypoOfGeneratedCodesIsCaught) {
  struct Case {
    const char* alphabet;
    CodeShape shape;  // with its check slot
    size_t random;
  } cases[] = {
      {"unambiguous", CodeShape::FromParts("SPR-", 12, 4, "-", ""), 11},
      {"uppercase", CodeShape::FromPattern(PatternWithCheckSlot("X#-####-###")), 8},
      {"alphanumeric", CodeShape::FromParts("", 9, 0, "-", "-EU"), 8},
      {"letters", CodeShape::FromParts("", 16, 4, ".", ""), 15},
      {"digits", CodeShape::FromParts("", 11, 3, "/", ""), 10},
      {"hex", CodeShape::FromPattern(PatternWithCheckSlot("########")), 8},
  };
  for (const auto& c : cases) {
    Alphabet a = MakeAlphabet(c.alphabet);
    CodeRules rules = MakeRules(a, c.random, true, Builtin());
    ASSERT_EQ(c.shape.random_length(), c.random + 1);
    PredictableSeededRandom src(std::string("typos ") + c.alphabet);
    CodeSet seen(1000);
    CodeGenerator gen(c.shape, a, src, seen);
    gen.UseRules(rules);
    CodeVerifier verifier(c.shape, a, rules);
    const std::string symbols = CanonicalFoldedSymbols(a);
    const auto& slots = c.shape.slots();
    size_t substitutions = 0, transpositions = 0;
    std::string code;
    for (int i = 0; i < 400; ++i) {
      ASSERT_TRUE(gen.Next(&code).ok());
      ASSERT_EQ(verifier.Exact(code), std::nullopt) << c.alphabet << ": " << code;
      for (size_t s = 0; s < slots.size(); ++s) {
        std::string typo = code;
        for (char sym : symbols) {
          if (a.FoldedIndex(sym) == a.FoldedIndex(code[slots[s]])) continue;
          typo[slots[s]] = sym;
          ASSERT_EQ(verifier.Exact(typo), std::string(kCheckMismatch)) << c.alphabet << ": " << code << " -> " << typo;
          ++substitutions;
        }
        if (s + 1 == slots.size() || a.FoldedIndex(code[slots[s]]) == a.FoldedIndex(code[slots[s + 1]])) continue;
        typo = code;
        std::swap(typo[slots[s]], typo[slots[s + 1]]);
        ASSERT_EQ(verifier.Exact(typo), std::string(kCheckMismatch)) << c.alphabet << ": " << code << " -> " << typo;
        ++transpositions;
      }
    }
    EXPECT_GE(substitutions, 400 * slots.size() * (a.folded_size() - 1)) << c.alphabet;
    EXPECT_GT(transpositions, 400 * (slots.size() - 1) / 2) << c.alphabet;
  }
}

// The key of a generated code, as an exclusion file's code is keyed (CodeKeyer::Key on the text),
// is the key the generator stored: exclusions and the ledger keep working with a check character.
TEST(CodeRulesTest, KeysOfGeneratedCodesMatchTheirText) {
  Alphabet a = MakeAlphabet("alphanumeric");
  CodeShape shape = CodeShape::FromParts("K-", 9, 3, "-", "");
  CodeRules rules = MakeRules(a, 8, true, Builtin());
  PredictableSeededRandom src("keys");
  CodeSet seen(2000);
  CodeGenerator gen(shape, a, src, seen);
  gen.UseRules(rules);
  CodeKeyer keyer(shape, a);
  std::string code;
  for (int i = 0; i < 2000; ++i) {
    ASSERT_TRUE(gen.Next(&code).ok());
    auto key = keyer.Key(code);
    ASSERT_TRUE(key.has_value()) << code;
    EXPECT_TRUE(seen.Contains(*key)) << code;
  }
  EXPECT_EQ(seen.size(), 2000u);
}

TEST(CodeRulesTest, SeededCodesAreReproducibleWithRules) {
  Alphabet a = MakeAlphabet("unambiguous");
  CodeShape shape = CodeShape::FromParts("", 9, 0, "-", "");
  CodeRules rules = MakeRules(a, 8, true, Builtin({"AA", "7K"}));
  auto run = [&] {
    PredictableSeededRandom src("again");
    CodeSet seen(500);
    CodeGenerator gen(shape, a, src, seen);
    gen.UseRules(rules);
    std::string all, code;
    for (int i = 0; i < 500; ++i) {
      EXPECT_TRUE(gen.Next(&code).ok());
      all += code + "\n";
    }
    return all;
  };
  EXPECT_EQ(run(), run());
}

// Common test words (2 letters) block about a quarter of 4-letter codes, so the generator redraws
// often. No code it makes spells a word (by the reference matcher), and each position's symbol
// frequencies match the exact frequencies over the allowed codes (counted by enumerating all
// 26^4): redrawing a whole code keeps the choice uniform over the allowed ones. With and without a
// check character (which the blocklist reads too).
TEST(CodeRulesTest, BlockedCodesAreRedrawnAndTheRestStayUniform) {
  std::vector<std::string> test_words;  // AB, AC, ..., UR: 60 words, a vowel then a consonant
  for (char v : std::string("AEIOU"))
    for (char c : std::string("BCDFGHKLMNPR")) test_words.push_back(std::string{v, c});
  std::vector<std::string> all_words = BuiltinBlockedWords();
  all_words.insert(all_words.end(), test_words.begin(), test_words.end());
  const ReferenceMatcher ref(all_words);
  Alphabet a = MakeAlphabet("letters");
  const size_t k = a.folded_size(), random = 4;
  for (bool check : {false, true}) {
    CodeRules rules = MakeRules(a, random, check, Builtin(test_words));
    const size_t len = random + (check ? 1 : 0);
    CodeShape shape = CodeShape::FromParts("", static_cast<int>(len), 0, "-", "");
    // Exact symbol counts per position over the allowed codes.
    std::vector<std::vector<double>> expected(len, std::vector<double>(k));
    double allowed = 0;
    std::vector<uint8_t> d(len);
    for (size_t v = 0; v < k * k * k * k; ++v) {
      size_t x = v;
      for (size_t i = random; i-- > 0; x /= k) d[i] = static_cast<uint8_t>(x % k);
      if (check) d[random] = rules.check()->Compute({d.data(), random});
      if (rules.blocklist().ContainsFolded(d.data(), len)) continue;
      ++allowed;
      for (size_t i = 0; i < len; ++i) ++expected[i][d[i]];
    }
    EXPECT_EQ(allowed, static_cast<double>(rules.share().allowed));
    ASSERT_LT(allowed, 0.8 * std::pow(26.0, 4.0)) << "the test words should block many codes";

    const int want = 60000;
    PredictableSeededRandom src(check ? "uniform with check" : "uniform");
    CodeSet seen(want);
    CodeGenerator gen(shape, a, src, seen);
    gen.UseRules(rules);
    std::vector<std::vector<double>> counts(len, std::vector<double>(k));
    std::string code;
    for (int i = 0; i < want; ++i) {
      ASSERT_TRUE(gen.Next(&code).ok());
      ASSERT_FALSE(ref.Contains(code)) << code;
      for (size_t p = 0; p < len; ++p) ++counts[p][a.FoldedIndex(code[p])];
    }
    EXPECT_GT(gen.blocked(), static_cast<uint64_t>(want / 5)) << "many draws were redrawn";
    // Codes are drawn without replacement (unique), which only narrows the spread.
    for (size_t p = 0; p < len; ++p) {
      double chi = 0;
      for (size_t s = 0; s < k; ++s) {
        double e = want * expected[p][s] / allowed;
        chi += (counts[p][s] - e) * (counts[p][s] - e) / e;
      }
      EXPECT_LT(chi, ChiSquareCritical(static_cast<double>(k - 1))) << "check " << check << " position " << p;
    }
  }
}

// At real size with the built-in list only, symbol frequencies per position stay uniform (the
// list removes about 1% of 12-character codes, spread thin over every symbol).
TEST(CodeRulesTest, BuiltinBlocklistKeepsSymbolsUniform) {
  const ReferenceMatcher ref(BuiltinBlockedWords());
  for (const char* preset : {"unambiguous", "uppercase"}) {
    Alphabet a = MakeAlphabet(preset);
    CodeShape shape = CodeShape::FromParts("", 12, 0, "-", "");
    CodeRules rules = MakeRules(a, 12, false, Builtin());
    PredictableSeededRandom src(std::string("builtin uniform ") + preset);
    const int want = 40000;
    CodeSet seen(want);
    CodeGenerator gen(shape, a, src, seen);
    gen.UseRules(rules);
    const size_t k = a.size();
    std::vector<std::vector<double>> counts(12, std::vector<double>(k));
    std::string code;
    for (int i = 0; i < want; ++i) {
      ASSERT_TRUE(gen.Next(&code).ok());
      ASSERT_FALSE(ref.Contains(code)) << preset << ": " << code;
      for (size_t p = 0; p < 12; ++p) ++counts[p][a.symbols().find(code[p])];
    }
    EXPECT_GT(gen.blocked(), 0u) << preset;
    const double e = static_cast<double>(want) / static_cast<double>(k);
    for (size_t p = 0; p < 12; ++p) {
      double chi = 0;
      for (size_t s = 0; s < k; ++s) chi += (counts[p][s] - e) * (counts[p][s] - e) / e;
      EXPECT_LT(chi, ChiSquareCritical(static_cast<double>(k - 1))) << preset << " position " << p;
    }
  }
}

TEST(CodeVerifierTest, TypedCodesAreReadTolerantly) {
  // No O, I, L, S, Z, G, B in the alphabet: their look-alike digits are read instead.
  Alphabet a = MakeAlphabet("0123456789ACDEFHJKMNPRTUVWXY");
  CodeShape shape = CodeShape::FromPattern(PatternWithCheckSlot("SPR-####-###"));
  CodeRules rules = MakeRules(a, 7, true);
  CodeVerifier v(shape, a, rules);
  // A code with a valid check character: compute it.
  std::vector<uint8_t> d;
  for (char c : std::string("0715A2C")) d.push_back(static_cast<uint8_t>(a.FoldedIndex(c)));
  char check = rules.check_symbols()[rules.check()->Compute(d)];
  const std::string code = std::string("SPR-0715-A2C") + check;
  EXPECT_TRUE(v.Typed(code).valid);
  CodeVerdict r = v.Typed(std::string("spr o7is a zc") + static_cast<char>(std::tolower(check)));
  ASSERT_TRUE(r.valid) << r.problem;
  EXPECT_EQ(r.code, code);
  ASSERT_EQ(r.look_alikes.size(), 4u);
  std::string typed, read_as;
  for (const auto& l : r.look_alikes) typed += l.typed, read_as += l.read_as;
  EXPECT_EQ(typed, "oisz");
  EXPECT_EQ(read_as, "0152");
  EXPECT_EQ(r.look_alikes[0].position, 4u);  // in the code as generated
  // Swapped neighbours: read, but the check does not match.
  CodeVerdict t = v.Typed("SPR-7015-A2C" + std::string(1, check));
  EXPECT_FALSE(t.valid);
  EXPECT_EQ(t.problem, kCheckMismatch);
  EXPECT_EQ(t.code, "SPR-7015-A2C" + std::string(1, check));
  // The wrong shape.
  CodeVerdict s = v.Typed("SPR-0715-A2");
  EXPECT_FALSE(s.valid);
  EXPECT_EQ(s.problem, "has 9 characters without spaces and separators, expected 11");
  EXPECT_EQ(s.code, "");
  // Files hold codes exactly: no look-alikes there.
  EXPECT_EQ(v.Exact(code), std::nullopt);
  EXPECT_EQ(v.Exact("SPR-O715-A2C" + std::string(1, check)), "character 5 is 'O', which this campaign's codes never use");
}

TEST(CodeVerifierTest, WithoutCheckOnlyTheShapeIsVerified) {
  Alphabet a = MakeAlphabet("unambiguous");
  CodeShape shape = CodeShape::FromPattern("SPR-####");
  CodeVerifier v(shape, a, CodeRules());
  EXPECT_FALSE(v.has_check());
  EXPECT_EQ(v.Exact("SPR-7KQ9"), std::nullopt);
  EXPECT_EQ(v.Exact("SPR-7KQ"), "has 7 characters, expected 8");
}

}  // namespace
}  // namespace coupongen
