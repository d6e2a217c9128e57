#include "codes/blocklist.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "codes/alphabet.h"
#include "codes/check_char.h"
#include "codes/folded.h"

namespace coupongen {
namespace {

Alphabet MakeAlphabet(std::string_view spec) {
  std::string err;
  auto a = Alphabet::Parse(spec, &err);
  EXPECT_TRUE(a.has_value()) << spec << ": " << err;
  return *a;
}

Blocklist MakeBlocklist(const std::vector<std::string>& words, const Alphabet& a) {
  auto b = Blocklist::Compile(words, a);
  EXPECT_TRUE(b.ok()) << b.status().message();
  return std::move(b).value();
}

// Reference matcher written from the rules, independently of the automaton: a text character
// reads as a set of letters (0->O, 1->I or L, 3->E, 4->A, 5->S, 7->T, other digits as themselves,
// anything else as nothing); a word character likewise; a word occurs where every character's
// readings meet the text's.
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

bool Meet(const std::string& a, const std::string& b) { return a.find_first_of(b) != std::string::npos; }

struct ReferenceMatcher {
  explicit ReferenceMatcher(const std::vector<std::string>& words) {
    for (const auto& w : words) {
      std::vector<std::string> r;
      for (char c : w) r.push_back(Readings(c));
      words_.push_back(r);
    }
  }
  bool Contains(std::string_view text) const {
    std::vector<std::string> t;
    for (char c : text) t.push_back(Readings(c));
    for (const auto& w : words_)
      for (size_t j = 0; j + w.size() <= t.size(); ++j) {
        size_t k = 0;
        while (k < w.size() && Meet(w[k], t[j + k])) ++k;
        if (k == w.size()) return true;
      }
    return false;
  }
  std::vector<std::vector<std::string>> words_;
};

std::vector<uint8_t> Fold(const Alphabet& a, std::string_view s) {
  std::vector<uint8_t> out;
  for (char c : s) out.push_back(static_cast<uint8_t>(a.FoldedIndex(c)));
  return out;
}

// Chi-square critical value for `df` degrees of freedom at p ~ 1e-6 (Wilson–Hilferty): far in the
// tail, so a seeded test cannot fail by bad luck, yet a real bias of a few percent shows.
double ChiSquareCritical(double df) {
  const double z = 4.75;
  double h = 2.0 / (9.0 * df);
  return df * std::pow(1.0 - h + z * std::sqrt(h), 3.0);
}

TEST(BlocklistTest, BuiltinListIsSortedUniqueUpperCaseAndLongEnough) {
  const auto& words = BuiltinBlockedWords();
  EXPECT_GE(words.size(), 300u);
  for (size_t i = 0; i < words.size(); ++i) {
    EXPECT_GE(words[i].size(), 3u) << words[i];
    for (char c : words[i]) EXPECT_TRUE(c >= 'A' && c <= 'Z') << words[i];
    if (i) EXPECT_LT(words[i - 1], words[i]);
  }
  EXPECT_EQ(BuiltinBlocklistLanguages(),
            (std::vector<std::string>{"English", "Spanish", "Portuguese", "French", "German", "Italian", "Dutch"}));
}

TEST(BlocklistTest, MatchesIgnoringCaseAndReadingLookAlikeDigits) {
  Alphabet upper = MakeAlphabet("uppercase");
  Blocklist b = MakeBlocklist(BuiltinBlockedWords(), upper);
  struct Case {
    const char* text;
    bool blocked;
  } cases[] = {
      {"QQSEXQQQ", true},  {"QQS3XQQQ", true},  {"qqs3xqqq", true}, {"ZZ455ZZZ", true},
      {"ZZA5SZZZ", true},  {"K1LLZZZZ", true},  {"KILLZZZZ", true}, {"SH1TZZZZ", true},
      {"ZZB00BZZ", true},  {"ZZPUTAZZ", true},  {"ZZPU7AZZ", true}, {"XXXFUCK", true},
      {"FUCKQ", true},     {"QQQQFCK", true},   {"M3RD3QQQ", true}, {"2222ARSCH", true},
      {"QQQQQQQQ", false}, {"H2W9K8P3", false}, {"SAXQQQQQ", false}, {"S4XQQQQQ", false},
      {"FU2CK", false},    {"KI2LL", false},     {"ZZZZZZZZ", false}, {"", false},
  };
  ReferenceMatcher ref(BuiltinBlockedWords());
  for (const auto& c : cases) {
    EXPECT_EQ(b.Contains(c.text), c.blocked) << c.text;
    EXPECT_EQ(ref.Contains(c.text), c.blocked) << "reference: " << c.text;
    std::vector<uint8_t> f = Fold(upper, c.text);
    EXPECT_EQ(b.ContainsFolded(f.data(), f.size()), c.blocked) << c.text;
  }
  // Characters outside the alphabet break words.
  EXPECT_FALSE(b.Contains("FU-CK"));
  EXPECT_TRUE(b.Contains("FU-FUCK"));
}

TEST(BlocklistTest, PrunesWordsTheAlphabetCannotSpell) {
  Alphabet unambiguous = MakeAlphabet("unambiguous");  // no 0 O 1 I 8 B (L is there)
  Blocklist b = MakeBlocklist({"SHIT", "BOOB", "KILL", "FUCK", "SEX", "LSD"}, unambiguous);
  EXPECT_EQ(b.word_count(), 3u);  // FUCK, SEX, LSD
  EXPECT_EQ(b.pruned_words(), 3u);
  EXPECT_TRUE(b.Contains("22FUCK"));
  EXPECT_TRUE(b.Contains("S3X"));
  EXPECT_TRUE(b.Contains("LSD"));
  Alphabet digits = MakeAlphabet("digits");
  Blocklist d = MakeBlocklist(BuiltinBlockedWords(), digits);
  EXPECT_TRUE(d.Contains("9455"));   // ASS
  EXPECT_TRUE(d.Contains("87175"));  // TIT(S)
  EXPECT_FALSE(d.Contains("2468"));
  EXPECT_LT(d.word_count(), 40u);
  EXPECT_EQ(d.word_count() + d.pruned_words(), BuiltinBlockedWords().size());
  Blocklist none = MakeBlocklist({"QQQ"}, digits);
  EXPECT_TRUE(none.empty());
  EXPECT_FALSE(none.Contains("000"));
  EXPECT_EQ(none.CountAllowed(3).allowed, 1000.0L);
}

TEST(BlocklistTest, UserWordsMayUseDigitsAndOneReadsAsIOrL) {
  Alphabet upper = MakeAlphabet("uppercase");
  Blocklist b = MakeBlocklist({"1488", "lol"}, upper);
  EXPECT_TRUE(b.Contains("Q1488"));
  EXPECT_TRUE(b.Contains("QI4B8") == false);  // 8 reads only as 8
  EXPECT_TRUE(b.Contains("QL488"));
  EXPECT_TRUE(b.Contains("QIA88"));
  EXPECT_TRUE(b.Contains("L0L"));
  EXPECT_TRUE(b.Contains("101"));  // 1 reads as L
  EXPECT_FALSE(b.Contains("1O2"));
}

TEST(BlocklistTest, EmptyBlocklistBlocksNothing) {
  Blocklist b;
  EXPECT_TRUE(b.empty());
  uint8_t f[3] = {0, 1, 2};
  EXPECT_FALSE(b.ContainsFolded(f, 3));
  EXPECT_EQ(b.state_count(), 0u);
}

TEST(BlocklistTest, ParsesWordFiles) {
  auto words = ParseBlockedWords("# our own words\nfoo\n  Bar  # trailing comment\n\r\n\nk1ll\r\n", "w.txt");
  ASSERT_TRUE(words.ok()) << words.status().message();
  EXPECT_EQ(*words, (std::vector<std::string>{"foo", "Bar", "k1ll"}));
  struct Case {
    const char* text;
    const char* error;
  } cases[] = {
      {"ok\nf*ck\n", "w.txt:2: 'f*ck': a word holds only letters and digits"},
      {"two words\n", "w.txt:1: 'two words': a word holds only letters and digits"},
      {"x\n", "w.txt:1: 'x': a word needs at least 2 characters"},
      {"\n\nabcdefghijklmnopqrstuvwxyzabcdefg", "w.txt:3: 'abcdefghijklmnopqrstuvwxyzabcdefg': a word holds at most 32 characters"},
      {"caf\xc3\xa9\n", "w.txt:1: 'caf\xc3\xa9': a word holds only letters and digits"},
  };
  for (const auto& c : cases) {
    auto r = ParseBlockedWords(c.text, "w.txt");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), Status::Code::kInvalid);
    EXPECT_EQ(r.status().message(), c.error);
  }
  auto bad = Blocklist::Compile({"ok", "a-b"}, MakeAlphabet("letters"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "blocklist word 'a-b': a word holds only letters and digits");
  auto many = Blocklist::Compile({"ILILILILILILIL"}, MakeAlphabet("uppercase"));
  ASSERT_FALSE(many.ok());
  EXPECT_EQ(many.status().message(),
            "blocklist word 'ILILILILILILIL': too many ways to spell it (over 4096 with I, L and 1)");
}

// The automaton agrees with the reference matcher on many random codes of every preset alphabet,
// about half of them with a word planted in a random spelling (case and look-alike digits).
TEST(BlocklistTest, AgreesWithReferenceMatcherOnRandomCodes) {
  std::mt19937 rng(1488);  // test inputs only
  const auto& words = BuiltinBlockedWords();
  ReferenceMatcher ref(words);
  const std::map<char, std::string> spell = {{'O', "Oo0"}, {'I', "Ii1"}, {'L', "Ll1"}, {'E', "Ee3"},
                                             {'A', "Aa4"}, {'S', "Ss5"}, {'T', "Tt7"}};
  for (const std::string& preset : Alphabet::PresetNames()) {
    Alphabet a = MakeAlphabet(preset);
    Blocklist b = MakeBlocklist(words, a);
    std::uniform_int_distribution<size_t> sym(0, a.size() - 1), len(3, 14), word(0, words.size() - 1);
    size_t blocked = 0;
    for (int i = 0; i < 10000; ++i) {
      std::string code(len(rng), ' ');
      for (char& c : code) c = a.symbol(sym(rng));
      if (i % 2) {
        // Plant a word, each letter in a random look-alike spelling, keeping only symbols of the alphabet.
        const std::string& w = words[word(rng)];
        std::string planted;
        for (char c : w) {
          std::string options = spell.count(c) ? spell.at(c) : std::string{c, static_cast<char>(c - 'A' + 'a')};
          char pick = options[rng() % options.size()];
          planted.push_back(a.FoldedIndex(pick) >= 0 ? pick : code[0]);
        }
        size_t at = rng() % (code.size() + 1);
        code.insert(at, planted);
      }
      const bool expected = ref.Contains(code);
      ASSERT_EQ(b.Contains(code), expected) << preset << ": " << code;
      std::vector<uint8_t> f = Fold(a, code);
      ASSERT_EQ(b.ContainsFolded(f.data(), f.size()), expected) << preset << ": " << code;
      blocked += expected;
    }
    EXPECT_GT(blocked, 150u) << preset;  // planted words are often spellable (rarely in hex)
  }
}

// Exact counting by DP equals brute force over every code, with and without a check character.
TEST(BlocklistTest, CountAllowedMatchesBruteForce) {
  const std::vector<std::string> words = {"ASS", "TEA", "SEAT", "TIT", "LOL", "1T"};
  ReferenceMatcher ref(words);
  for (const char* spec : {"ASTE01L", "AST0", "digits"}) {
    Alphabet a = MakeAlphabet(spec);
    Blocklist b = MakeBlocklist(words, a);
    CheckCharacter check = *CheckCharacter::ForAlphabet(a);
    const std::string canon = CanonicalFoldedSymbols(a);
    const size_t n = canon.size();
    for (size_t len = 0; len <= (n > 7 ? 5u : 6u); ++len) {
      size_t total = 1;
      for (size_t i = 0; i < len; ++i) total *= n;
      size_t allowed = 0, allowed_with_check = 0;
      std::string code(len, ' ');
      std::vector<uint8_t> d(len);
      for (size_t v = 0; v < total; ++v) {
        size_t x = v;
        for (size_t i = 0; i < len; ++i, x /= n) {
          d[i] = static_cast<uint8_t>(x % n);
          code[i] = canon[d[i]];
        }
        allowed += !ref.Contains(code);
        allowed_with_check += !ref.Contains(code + canon[check.Compute(d)]);
      }
      BlockedShare plain = b.CountAllowed(len);
      EXPECT_TRUE(plain.exact);
      EXPECT_EQ(plain.total, static_cast<long double>(total)) << spec << " " << len;
      EXPECT_EQ(plain.allowed, static_cast<long double>(allowed)) << spec << " " << len;
      BlockedShare with_check = b.CountAllowed(len, &check);
      EXPECT_TRUE(with_check.exact);
      EXPECT_EQ(with_check.total, static_cast<long double>(total));
      EXPECT_EQ(with_check.allowed, static_cast<long double>(allowed_with_check)) << spec << " " << len;
    }
  }
}

TEST(BlocklistTest, RemovedShareOfPresetKeyspaces) {
  // Figures `validate` will show; also pins that the built-in list costs little keyspace.
  for (const char* preset : {"unambiguous", "uppercase", "alphanumeric", "letters", "digits", "hex"}) {
    Alphabet a = MakeAlphabet(preset);
    Blocklist b = MakeBlocklist(BuiltinBlockedWords(), a);
    CheckCharacter check = *CheckCharacter::ForAlphabet(a);
    BlockedShare s = b.CountAllowed(12);
    BlockedShare c = b.CountAllowed(12, &check);
    std::printf("  %-12s words %3zu states %5zu removed %.4Lf%% (with check %.4Lf%%%s)\n", preset, b.word_count(),
                b.state_count(), 100 * s.removed_fraction(), 100 * c.removed_fraction(), c.exact ? "" : ", estimated");
    EXPECT_LT(s.removed_fraction(), 0.25L) << preset;
    EXPECT_GE(c.removed_fraction(), s.removed_fraction()) << preset;  // one more character to spell with
  }
}

TEST(BlocklistTest, LargeAlphabetWithCheckFallsBackToEstimate) {
  // 64 symbols that differ ignoring case: the exact (state x check state) DP would be too slow.
  std::string symbols;
  for (char c = 'A'; c <= 'Z'; ++c) symbols += c;
  for (char c = '0'; c <= '9'; ++c) symbols += c;
  symbols += "!#$%&()*+-./:;<=>?@[]^_`{|}~";
  Alphabet a = MakeAlphabet(symbols);
  ASSERT_EQ(a.folded_size(), 64u);
  Blocklist b = MakeBlocklist(BuiltinBlockedWords(), a);
  std::printf("  64 symbols: %zu words, %zu states\n", b.word_count(), b.state_count());
  CheckCharacter check = *CheckCharacter::ForAlphabet(a);
  BlockedShare exact_small = b.CountAllowed(6, &check);
  EXPECT_TRUE(exact_small.exact);
  BlockedShare est = b.CountAllowed(40, &check);
  EXPECT_FALSE(est.exact);
  BlockedShare plain = b.CountAllowed(40);
  EXPECT_GT(est.removed_fraction(), plain.removed_fraction());
  EXPECT_LT(est.removed_fraction(), plain.removed_fraction() * 1.1L);
  // The estimate (check read as a free symbol) is close to the exact count where both are known.
  BlockedShare approx = b.CountAllowed(7);
  long double approx_removed = 1.0L - approx.allowed / 64.0L / exact_small.total;
  EXPECT_NEAR(static_cast<double>(approx_removed), static_cast<double>(exact_small.removed_fraction()),
              0.02 * static_cast<double>(exact_small.removed_fraction()));
}

// A generation-like loop over a small keyspace: rejection sampling is uniform over every allowed
// code (chi-square over all of them), and never returns a blocked one.
TEST(BlocklistTest, RedrawingIsUniformOverAllowedCodes) {
  Alphabet a = MakeAlphabet("ASTE01L");
  const std::vector<std::string> words = {"ASS", "TEA", "SEAT", "TIT", "LOL"};
  Blocklist b = MakeBlocklist(words, a);
  const size_t n = a.folded_size(), len = 4;
  const size_t total = n * n * n * n;
  const size_t allowed = static_cast<size_t>(b.CountAllowed(len).allowed);
  ASSERT_LT(allowed, total);
  std::mt19937 rng(7);
  std::uniform_int_distribution<unsigned> sym(0, static_cast<unsigned>(n - 1));
  std::vector<size_t> hits(total);
  const size_t draws = allowed * 100;
  uint8_t d[len];
  for (size_t i = 0; i < draws; ++i) {
    do {
      for (auto& x : d) x = static_cast<uint8_t>(sym(rng));
    } while (b.ContainsFolded(d, len));
    size_t v = 0;
    for (auto x : d) v = v * n + x;
    ++hits[v];
  }
  size_t cells = 0;
  double chi = 0, expect = static_cast<double>(draws) / static_cast<double>(allowed);
  for (size_t v = 0; v < total; ++v) {
    size_t x = v;
    for (size_t i = len; i-- > 0; x /= n) d[i] = static_cast<uint8_t>(x % n);
    if (b.ContainsFolded(d, len)) {
      ASSERT_EQ(hits[v], 0u);
      continue;
    }
    ++cells;
    chi += (hits[v] - expect) * (hits[v] - expect) / expect;
  }
  EXPECT_EQ(cells, allowed);
  EXPECT_LT(chi, ChiSquareCritical(static_cast<double>(cells - 1)));
}

// The same loop at real size: 12-character codes of the presets with the built-in list. No output
// spells a word (by the reference matcher), and each position's symbol frequencies stay uniform.
TEST(BlocklistTest, GeneratedCodesSpellNoWordAndStayUniform) {
  std::mt19937 rng(20270401);
  ReferenceMatcher ref(BuiltinBlockedWords());
  for (const char* preset : {"unambiguous", "uppercase", "alphanumeric"}) {
    Alphabet a = MakeAlphabet(preset);
    Blocklist b = MakeBlocklist(BuiltinBlockedWords(), a);
    const size_t len = 12, want = 40000;
    std::uniform_int_distribution<size_t> sym(0, a.size() - 1);
    // Frequencies of the symbols drawn (not folded: in `alphanumeric` a folded letter is twice as
    // likely as a digit, by design of the drawer, blocklist or not).
    const size_t k = a.size();
    std::vector<std::vector<size_t>> freq(len, std::vector<size_t>(k));
    std::string code(len, ' ');
    std::vector<uint8_t> f(len), drawn(len);
    size_t redrawn = 0;
    for (size_t got = 0; got < want;) {
      for (size_t i = 0; i < len; ++i) {
        drawn[i] = static_cast<uint8_t>(sym(rng));
        code[i] = a.symbol(drawn[i]);
        f[i] = static_cast<uint8_t>(a.FoldedIndex(code[i]));
      }
      if (b.ContainsFolded(f.data(), len)) {
        ASSERT_TRUE(ref.Contains(code)) << code;
        ++redrawn;
        continue;
      }
      ASSERT_FALSE(ref.Contains(code)) << preset << ": " << code;
      for (size_t i = 0; i < len; ++i) ++freq[i][drawn[i]];
      ++got;
    }
    const double expect = static_cast<double>(want) / static_cast<double>(k);
    for (size_t i = 0; i < len; ++i) {
      double chi = 0;
      for (size_t s = 0; s < k; ++s) chi += (freq[i][s] - expect) * (freq[i][s] - expect) / expect;
      EXPECT_LT(chi, ChiSquareCritical(static_cast<double>(k - 1))) << preset << " position " << i;
    }
    EXPECT_GT(redrawn, 0u) << preset;
  }
}

TEST(BlocklistTest, ChecksAreFast) {
  // Target: >= 20 million 12-character checks per second on one core (release build). The bound
  // asserted here is loose so sanitizer and debug builds pass; the rate is printed.
  for (const char* preset : {"unambiguous", "uppercase"}) {
    Alphabet a = MakeAlphabet(preset);
    Blocklist b = MakeBlocklist(BuiltinBlockedWords(), a);
    std::mt19937 rng(3);
    std::uniform_int_distribution<unsigned> sym(0, static_cast<unsigned>(a.folded_size() - 1));
    const size_t codes = 1 << 16, len = 12;
    std::vector<uint8_t> buf(codes * len);
    for (auto& x : buf) x = static_cast<uint8_t>(sym(rng));
    const size_t rounds = 200;
    size_t blocked = 0;
    auto start = std::chrono::steady_clock::now();
    for (size_t r = 0; r < rounds; ++r)
      for (size_t c = 0; c < codes; ++c) blocked += b.ContainsFolded(&buf[c * len], len);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double rate = static_cast<double>(rounds * codes) / secs;
    std::printf("  %-12s %.1f million 12-character checks/s (%zu states, %.2f%% blocked)\n", preset, rate / 1e6,
                b.state_count(), 100.0 * static_cast<double>(blocked) / static_cast<double>(rounds * codes));
    EXPECT_GT(rate, 1e6);
  }
}

}  // namespace
}  // namespace coupongen
