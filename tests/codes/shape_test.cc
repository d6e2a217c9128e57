#include "codes/shape.h"

#include <gtest/gtest.h>

#include "codes/keyspace.h"

namespace coupongen {
namespace {

TEST(ShapeTest, FromParts) {
  auto s = CodeShape::FromParts("SPRING-", 12, 4, "-", "-X");
  EXPECT_EQ(s.Display(), "SPRING-####-####-####-X");
  EXPECT_EQ(s.random_length(), 12u);
  EXPECT_EQ(s.length(), 23u);
  EXPECT_EQ(s.slots().front(), 7);
  auto plain = CodeShape::FromParts("", 8, 0, "-", "");
  EXPECT_EQ(plain.Display(), "########");
  auto uneven = CodeShape::FromParts("", 10, 4, "::", "");
  EXPECT_EQ(uneven.Display(), "####::####::##");
}

TEST(ShapeTest, FromPattern) {
  auto s = CodeShape::FromPattern("SPR-####-##X#");
  EXPECT_EQ(s.random_length(), 7u);
  EXPECT_EQ(s.length(), 13u);
  EXPECT_EQ(s.slots(), (std::vector<uint16_t>{4, 5, 6, 7, 9, 10, 12}));
}

TEST(ShapeTest, MaskedNeverShowsTheWholeCode) {
  auto s = CodeShape::FromPattern("SPR-####-####");
  EXPECT_EQ(s.Masked("SPR-7KQ9-M3XA"), "SPR-7K\u2022\u2022-\u2022\u2022\u2022\u2022");
  EXPECT_EQ(s.Masked("SPR-7KQ9-M3XA", 0), "SPR-\u2022\u2022\u2022\u2022-\u2022\u2022\u2022\u2022");
}

TEST(ShapeTest, MaskedShowsAtMostHalfTheRandomCharactersAndNoneOfFourOrFewer) {
  const std::string dot = "\u2022";
  struct Case {
    const char* pattern;
    const char* code;
    std::string masked;
  };
  const std::vector<Case> cases = {
      {"PROMO-2027-##", "PROMO-2027-26", "PROMO-2027-" + dot + dot},  // printed whole before
      {"#", "7", dot},
      {"A###", "A7K9", "A" + dot + dot + dot},
      {"####", "7K9Q", dot + dot + dot + dot},
      {"#####", "7K9QM", "7K" + dot + dot + dot},
      {"X-######", "X-7K9QM3", "X-7K" + dot + dot + dot + dot},
      {"SPR-####-####", "SPR-7KQ9-M3XA", "SPR-7K" + dot + dot + "-" + dot + dot + dot + dot},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.pattern);
    auto s = CodeShape::FromPattern(c.pattern);
    EXPECT_EQ(s.Masked(c.code), c.masked);
    // Asking for more shows no more than half.
    std::string many = s.Masked(c.code, 100);
    size_t dots = 0;
    for (size_t i = many.find(dot); i != std::string::npos; i = many.find(dot, i + 1)) ++dots;
    const size_t shown = s.random_length() - dots;
    EXPECT_LE(shown * 2, s.random_length());
    if (s.random_length() <= 4) EXPECT_EQ(shown, 0u);
  }
  // A code of parts: length 2 with a prefix.
  EXPECT_EQ(CodeShape::FromParts("SUMMER-", 2, 0, "-", "").Masked("SUMMER-AB"), "SUMMER-" + dot + dot);
}

TEST(ShapeTest, LiteralsMatchIgnoringCase) {
  auto s = CodeShape::FromParts("SPR-", 4, 0, "-", "");
  EXPECT_TRUE(s.LiteralsMatch("SPR-ABCD"));
  EXPECT_TRUE(s.LiteralsMatch("spr-abcd"));
  EXPECT_FALSE(s.LiteralsMatch("SPX-ABCD"));
  EXPECT_FALSE(s.LiteralsMatch("SPR-ABCDE"));
}

TEST(KeyspaceTest, Figures) {
  std::string err;
  auto a = *Alphabet::Parse("unambiguous", &err);
  auto k = ComputeKeyspace(CodeShape::FromParts("", 12, 0, "-", ""), a);
  EXPECT_NEAR(static_cast<double>(k.size), 5.31441e17, 1e12);
  EXPECT_NEAR(k.entropy_bits, 58.88, 0.01);
  auto d = ComputeKeyspace(CodeShape::FromParts("", 4, 0, "-", ""), *Alphabet::Parse("digits", &err));
  EXPECT_EQ(d.SizeText(), "10,000");
  EXPECT_EQ(OddsText(d.GuessOdds(10)), "1 in 1,000");
  auto mixed = ComputeKeyspace(CodeShape::FromParts("", 2, 0, "-", ""), *Alphabet::Parse("alphanumeric", &err));
  EXPECT_EQ(mixed.SizeText(), "1,296");  // 36^2: case is ignored
  // 26 letter classes drawn with p = 2/62, 10 digits with p = 1/62: 5.115 bits, not log2(62) = 5.954.
  EXPECT_NEAR(mixed.entropy_bits, 2 * 5.1150, 0.001);
}

}  // namespace
}  // namespace coupongen
