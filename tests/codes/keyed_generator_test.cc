#include "codes/keyed_generator.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "base/strings.h"
#include "codes/code_rules.h"

namespace coupongen {
namespace {

std::vector<uint8_t> Key(uint8_t fill) { return std::vector<uint8_t>(32, fill); }

Alphabet Parse(const std::string& a) {
  std::string err;
  return *Alphabet::Parse(a, &err);
}

std::vector<std::string> Codes(KeyedGenerator& gen, size_t n) {
  std::vector<std::string> out;
  std::string code;
  for (size_t i = 0; i < n; ++i) {
    EXPECT_TRUE(gen.Next(&code).ok());
    out.push_back(code);
  }
  return out;
}

struct Fixture {
  CodeShape shape = CodeShape::FromParts("SPR-", 8, 4, "-", "");
  Alphabet alphabet = Parse("unambiguous");
  KeyedGenerator Make(SequenceRange range, std::string campaign = "spring", uint8_t key = 7) {
    auto gen = KeyedGenerator::Create(shape, alphabet, Key(key), campaign, range);
    EXPECT_TRUE(gen.ok()) << gen.status().message();
    return std::move(gen).value();
  }
};

TEST(KeyedGeneratorTest, CodesHaveTheShapeAndAreDistinctIgnoringCase) {
  Fixture f;
  auto gen = f.Make({0, 100000});
  std::set<std::string> folded;
  std::string code;
  for (int i = 0; i < 100000; ++i) {
    ASSERT_TRUE(gen.Next(&code).ok());
    ASSERT_EQ(code.size(), 13u);
    ASSERT_EQ(code.substr(0, 4), "SPR-");
    ASSERT_EQ(code[8], '-');
    for (size_t slot : f.shape.slots()) ASSERT_NE(f.alphabet.symbols().find(code[slot]), std::string::npos) << code;
    ASSERT_TRUE(folded.insert(ToLowerAscii(code)).second) << code;
    ASSERT_EQ(gen.last_sequence(), static_cast<uint64_t>(i));
  }
  EXPECT_EQ(gen.remaining(), 0u);
  Status done = gen.Next(&code);
  EXPECT_EQ(done.code(), Status::Code::kInfeasible);
  EXPECT_EQ(done.message(), "keyed mode: every sequence number of 0..99,999 has been used");
}

TEST(KeyedGeneratorTest, SameKeyCampaignShapeAndRangeGiveTheSameCodes) {
  Fixture f;
  auto a = f.Make({1000, 50});
  auto b = f.Make({1000, 50});
  EXPECT_EQ(Codes(a, 50), Codes(b, 50));
}

TEST(KeyedGeneratorTest, SlicesOfARangeAreSlicesOfItsCodes) {
  Fixture f;
  auto whole = f.Make({0, 300});
  auto first = f.Make({0, 100}), second = f.Make({100, 100}), third = f.Make({200, 100});
  std::vector<std::string> joined = Codes(first, 100);
  for (auto* part : {&second, &third}) {
    auto codes = Codes(*part, 100);
    joined.insert(joined.end(), codes.begin(), codes.end());
  }
  EXPECT_EQ(Codes(whole, 300), joined);
}

TEST(KeyedGeneratorTest, KeyCampaignAndShapeEachChangeEveryCode) {
  Fixture f;
  auto base = f.Make({0, 1000});
  auto other_key = f.Make({0, 1000}, "spring", 8);
  auto other_campaign = f.Make({0, 1000}, "autumn");
  CodeShape suffixed = CodeShape::FromParts("SPR-", 8, 4, "-", "X");
  auto other_shape = KeyedGenerator::Create(suffixed, f.alphabet, Key(7), "spring", {0, 1000});
  ASSERT_TRUE(other_shape.ok());
  auto codes = Codes(base, 1000);
  std::set<std::string> mine(codes.begin(), codes.end());
  for (auto* other : {&other_key, &other_campaign, &*other_shape}) {
    int same = 0;
    for (auto& c : Codes(*other, 1000)) same += mine.count(c.substr(0, 13)) > 0 ? 1 : 0;
    EXPECT_LE(same, 1);  // unrelated permutations: 1000 x 1000 / 30^8 ~ 1.5e-6 expected collisions
  }
}

TEST(KeyedGeneratorTest, TweakNamesTheCampaignShapeAndAlphabet) {
  Fixture f;
  std::vector<uint8_t> t = KeyedTweak("spring", f.shape, f.alphabet);
  EXPECT_EQ(std::string(t.begin(), t.end()),
            std::string("coupongen-keyed-1\0spring\0SPR-####-####\0", 39) + "2345679ACDEFGHJKLMNPQRSTUVWXYZ");
}

TEST(KeyedGeneratorTest, SequenceOfDecodesCodesIgnoringCase) {
  Fixture f;
  auto gen = f.Make({5000, 20});
  auto codes = Codes(gen, 20);
  for (size_t i = 0; i < codes.size(); ++i) {
    EXPECT_EQ(gen.SequenceOf(codes[i]), 5000 + i);
    EXPECT_EQ(gen.SequenceOf(ToLowerAscii(codes[i])), 5000 + i);
  }
  EXPECT_EQ(gen.SequenceOf("SPR-2345-679"), std::nullopt);    // too short
  EXPECT_EQ(gen.SequenceOf("ABC-2345-6799"), std::nullopt);   // other prefix
  EXPECT_EQ(gen.SequenceOf("SPR-2345-6790"), std::nullopt);   // '0' is not in the alphabet
  EXPECT_TRUE(gen.SequenceOf("SPR-2345-6799").has_value());   // every string of the shape is some number's code
}

TEST(KeyedGeneratorTest, SkippedSequenceNumbersMakeNoCode) {
  Fixture f;
  auto all = f.Make({100, 10});
  auto codes = Codes(all, 10);
  auto gen = f.Make({100, 10});
  gen.SkipSequences({103, 100, 109, 103, 99, 110, 5});  // duplicates and numbers outside the range ignored
  EXPECT_EQ(gen.remaining(), 7u);
  auto kept = Codes(gen, 7);
  EXPECT_EQ(kept, (std::vector<std::string>{codes[1], codes[2], codes[4], codes[5], codes[6], codes[7], codes[8]}));
  EXPECT_EQ(gen.skipped(), 2u);  // 100 and 103; 109 is passed over by the next call
  std::string code;
  EXPECT_EQ(gen.Next(&code).code(), Status::Code::kInfeasible);
  EXPECT_EQ(gen.skipped(), 3u);
}

TEST(KeyedGeneratorTest, RangesMustFitTheSequenceSpace) {
  Fixture f;
  CodeShape five = CodeShape::FromParts("", 5, 0, "-", "");  // 30^5 = 24,300,000 codes
  auto last = KeyedGenerator::Create(five, f.alphabet, Key(1), "c", {24299990, 10});
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->max_sequence(), 24299999u);
  EXPECT_EQ(Codes(*last, 10).size(), 10u);

  auto past = KeyedGenerator::Create(five, f.alphabet, Key(1), "c", {24299990, 11});
  EXPECT_EQ(past.status().code(), Status::Code::kInfeasible);
  EXPECT_EQ(past.status().message(),
            "keyed mode: sequence numbers 24,299,990..24,300,000 go past the last code of shape #####: its sequence "
            "numbers are 0..24,299,999");
  EXPECT_EQ(KeyedGenerator::Create(five, f.alphabet, Key(1), "c", {UINT64_MAX, 2}).status().message(),
            "keyed mode: sequence numbers 18,446,744,073,709,551,615..past 2^64 go past the last code of shape "
            "#####: its sequence numbers are 0..24,299,999");
  EXPECT_EQ(KeyedGenerator::Create(five, f.alphabet, Key(1), "c", {0, 0}).status().message(),
            "keyed mode: the range of sequence numbers is empty");

  // Beyond 2^64 codes every uint64 is a sequence number, up to the very last.
  CodeShape long_shape = CodeShape::FromParts("", 20, 0, "-", "");
  auto edge = KeyedGenerator::Create(long_shape, f.alphabet, Key(1), "c", {UINT64_MAX - 2, 3});
  ASSERT_TRUE(edge.ok());
  auto codes = Codes(*edge, 3);
  EXPECT_EQ(edge->last_sequence(), UINT64_MAX);
  EXPECT_EQ(edge->SequenceOf(codes[2]), UINT64_MAX);
  EXPECT_EQ(edge->remaining(), 0u);
}

TEST(KeyedGeneratorTest, RefusesMixedCaseAlphabetsAndSmallKeyspaces) {
  Fixture f;
  Alphabet mixed = Parse("alphanumeric");
  auto m = KeyedGenerator::Create(f.shape, mixed, Key(1), "c", {0, 1});
  EXPECT_EQ(m.status().code(), Status::Code::kInvalid);
  CodeShape four = CodeShape::FromParts("ABCD", 4, 0, "-", "");
  auto small = KeyedGenerator::Create(four, f.alphabet, Key(1), "c", {0, 1});
  EXPECT_EQ(small.status().message(),
            "keyed mode needs at least 1,000,000 possible codes (radix^length); 30^4 = 810,000 is too small");
}

TEST(KeyedGeneratorTest, WithoutRulesItIsKeyedSequence) {
  // The colleague's verified mapping: code numerals of n = KeyedSequence::Digits(n).
  Fixture f;
  auto gen = f.Make({123456, 50});
  std::vector<uint8_t> tweak = KeyedTweak("spring", f.shape, f.alphabet);
  auto seq = KeyedSequence::Create(Key(7), 30, 8, tweak);
  ASSERT_TRUE(seq.ok());
  std::vector<uint16_t> digits(8);
  std::string code;
  for (uint64_t n = 123456; n < 123456 + 50; ++n) {
    ASSERT_TRUE(gen.Next(&code).ok());
    ASSERT_TRUE(seq->Digits(n, digits).ok());
    std::string expected = "SPR-####-####";
    const auto& slots = f.shape.slots();
    for (size_t i = 0; i < 8; ++i) expected[slots[i]] = f.alphabet.symbol(digits[i]);
    EXPECT_EQ(code, expected);
  }
}

// The whole sequence space of a small shape, exhaustively: with a check character and a
// blocklist, sequence numbers 0..allowed-1 give exactly the allowed codes, each once, each with a
// valid check character; the next number is past the end.
TEST(KeyedGeneratorTest, WithCheckAndBlocklistEveryAllowedCodeExactlyOnce) {
  Alphabet digits = Parse("digits");
  BlocklistSpec words;
  words.extra = {"69", "666", "2580"};
  auto rules = CodeRules::Make(digits, 6, /*check=*/true, words);
  ASSERT_TRUE(rules.ok()) << rules.status().message();
  ASSERT_TRUE(rules->share().exact);
  const auto allowed = static_cast<uint64_t>(rules->share().allowed);
  ASSERT_LT(allowed, 1000000u);
  ASSERT_GT(allowed, 900000u);
  CodeShape shape = CodeShape::FromParts("T", 7, 0, "-", "");  // 6 random + the check slot
  auto gen = KeyedGenerator::Create(shape, digits, Key(3), "small", {0, allowed}, &*rules);
  ASSERT_TRUE(gen.ok()) << gen.status().message();
  EXPECT_EQ(gen->max_sequence(), allowed - 1);

  std::vector<bool> seen(10000000);
  std::string code;
  std::vector<uint8_t> folded(7);
  for (uint64_t n = 0; n < allowed; ++n) {
    ASSERT_TRUE(gen->Next(&code).ok()) << n;
    uint32_t value = 0;
    for (size_t i = 0; i < 7; ++i) {
      folded[i] = static_cast<uint8_t>(code[1 + i] - '0');
      value = value * 10 + folded[i];
    }
    ASSERT_FALSE(seen[value]) << "duplicate " << code;
    seen[value] = true;
    ASSERT_TRUE(rules->check()->Verify(folded)) << code;
    ASSERT_FALSE(rules->blocklist().ContainsFolded(folded.data(), 7)) << code;
    if (n % 9973 == 0) ASSERT_EQ(gen->SequenceOf(code), n) << code;
  }
  EXPECT_EQ(gen->remaining(), 0u);
  // A code with a wrong check character or a blocked word is nobody's.
  std::string wrong = code;
  wrong[7] = wrong[7] == '0' ? '1' : '0';
  EXPECT_EQ(gen->SequenceOf(wrong), std::nullopt);
  EXPECT_EQ(gen->SequenceOf("T6690000"), std::nullopt);

  auto past = KeyedGenerator::Create(shape, digits, Key(3), "small", {allowed, 1}, &*rules);
  EXPECT_EQ(past.status().code(), Status::Code::kInfeasible);
}

}  // namespace
}  // namespace coupongen
