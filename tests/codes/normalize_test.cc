#include "codes/normalize.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "codes/check_char.h"
#include "codes/folded.h"

namespace coupongen {
namespace {

Alphabet MakeAlphabet(std::string_view spec) {
  std::string err;
  auto a = Alphabet::Parse(spec, &err);
  EXPECT_TRUE(a.has_value()) << err;
  return *a;
}

struct Case {
  const char* typed;
  const char* code;  // expected code, or "" when not ok
  const char* problem;
};

void ExpectReads(const CodeReader& reader, const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    ReadCode r = reader.ReadTyped(c.typed);
    EXPECT_EQ(r.ok, *c.code != '\0') << c.typed << ": " << r.problem;
    if (r.ok) EXPECT_EQ(r.code, c.code) << c.typed;
    EXPECT_EQ(r.problem, c.problem) << c.typed;
  }
}

TEST(CodeReaderTest, TypedCodesOfTheUnambiguousAlphabet) {
  CodeReader reader(CodeShape::FromParts("SPR-", 8, 4, "-", ""), MakeAlphabet("unambiguous"));
  ExpectReads(reader, {
      {"SPR-4567-9ACD", "SPR-4567-9ACD", ""},
      {"  spr-4567-9acd \n", "SPR-4567-9ACD", ""},
      {"spr 4567 9acd", "SPR-4567-9ACD", ""},
      {"SPR45679ACD", "SPR-4567-9ACD", ""},
      {"SPR.4567.9ACD", "SPR-4567-9ACD", ""},
      {"S P R - 4 5 6 7 - 9 A C D", "SPR-4567-9ACD", ""},
      {"SPR-4567-9ACI", "SPR-4567-9ACL", ""},   // I is not a symbol, L is
      {"SPR-4567-9AC1", "SPR-4567-9ACL", ""},
      {"SPR-4567-9ACO", "", "character 13 is 'O', which this campaign's codes never use"},
      {"SPR-4567-9AC8", "", "character 13 is '8', which this campaign's codes never use"},
      {"SPQ-4567-9ACD", "", "character 3 is 'Q' where the campaign's codes have 'R'"},
      {"SPR-4567-9AC", "", "has 10 characters without spaces and separators, expected 11"},
      {"SPR-4567-9ACDD", "", "has 12 characters without spaces and separators, expected 11"},
      {"", "", "is empty"},
      {"   ", "", "is empty"},
      {"SPR-4567-9AC\xc3\x90", "", "contains a character that is not ASCII"},
      {"SPR-4567-9AC,", "", "character 13 is ',', which this campaign's codes never use"},
  });
}

TEST(CodeReaderTest, LookAlikesGoOnlyTowardsTheAlphabet) {
  CodeReader digits(CodeShape::FromParts("", 6, 0, "", ""), MakeAlphabet("digits"));
  ReadCode r = digits.ReadTyped("O1lIZS");
  ASSERT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.code, "011125");
  ASSERT_EQ(r.look_alikes.size(), 5u);  // '1' is a digit: read as itself
  EXPECT_EQ(r.look_alikes[0].position, 0u);
  EXPECT_EQ(r.look_alikes[0].typed, 'O');
  EXPECT_EQ(r.look_alikes[0].read_as, '0');
  EXPECT_EQ(r.look_alikes[1].position, 2u);
  EXPECT_EQ(r.look_alikes[1].typed, 'l');
  EXPECT_EQ(r.look_alikes[1].read_as, '1');
  EXPECT_EQ(digits.ReadTyped("b6g8b6").code, "866886");
  EXPECT_EQ(digits.ReadTyped("12345X").problem, "character 6 is 'X', which this campaign's codes never use");

  CodeReader letters(CodeShape::FromParts("", 6, 0, "", ""), MakeAlphabet("letters"));
  ReadCode l = letters.ReadTyped("0125 8g");
  ASSERT_TRUE(l.ok) << l.problem;
  EXPECT_EQ(l.code, "OIZSBG");

  // Both O and 0 are symbols of `uppercase`: nothing is a look-alike there.
  CodeReader upper(CodeShape::FromParts("", 4, 0, "", ""), MakeAlphabet("uppercase"));
  ReadCode u = upper.ReadTyped("o0i1");
  ASSERT_TRUE(u.ok);
  EXPECT_EQ(u.code, "O0I1");
  EXPECT_TRUE(u.look_alikes.empty());
}

TEST(CodeReaderTest, KeepsTypedCaseOnlyInMixedCaseAlphabets) {
  CodeReader mixed(CodeShape::FromParts("", 4, 0, "", ""), MakeAlphabet("alphanumeric"));
  EXPECT_EQ(mixed.ReadTyped("aBcD").code, "aBcD");
  CodeReader upper(CodeShape::FromParts("", 4, 0, "", ""), MakeAlphabet("uppercase"));
  EXPECT_EQ(upper.ReadTyped("aBcD").code, "ABCD");
  CodeReader lower(CodeShape::FromParts("", 4, 0, "", ""), MakeAlphabet("abcdefgh"));
  EXPECT_EQ(lower.ReadTyped("ABCD").code, "abcd");
}

TEST(CodeReaderTest, LiteralTextAcceptsLookAlikesAndKeepsItsOwnSpelling) {
  CodeReader reader(CodeShape::FromPattern("BOX-##-#S#"), MakeAlphabet("unambiguous"));
  ReadCode r = reader.ReadTyped("b0x 23 4s5");
  ASSERT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.code, "BOX-23-4S5");
  ASSERT_EQ(r.look_alikes.size(), 1u);
  EXPECT_EQ(r.look_alikes[0].position, 1u);
  EXPECT_EQ(r.folded.size(), 4u);
  EXPECT_EQ(reader.ReadTyped("BOX-23-455").problem, "");  // literal S typed as 5
  EXPECT_EQ(reader.ReadTyped("BOX-23-4X5").problem, "character 9 is 'X' where the campaign's codes have 'S'");
}

TEST(CodeReaderTest, SeparatorsThatAreSymbolsAreKept) {
  // '.' is a symbol here, so it is never dropped as a separator; '-' is.
  CodeReader reader(CodeShape::FromParts("", 4, 2, "-", ""), MakeAlphabet("ABCD."));
  EXPECT_EQ(reader.ReadTyped("AB.C").code, "AB-.C");
  EXPECT_EQ(reader.ReadTyped("AB-.C").code, "AB-.C");
  EXPECT_EQ(reader.ReadTyped("A.B-C").code, "A.-BC");
  EXPECT_EQ(reader.ReadTyped("ABC").problem, "has 3 characters without spaces and separators, expected 4");
}

TEST(CodeReaderTest, ExactReadingForFiles) {
  CodeReader reader(CodeShape::FromParts("SPR-", 8, 4, "-", ""), MakeAlphabet("unambiguous"));
  ReadCode r = reader.ReadExact("spr-4567-9acd");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.code, "SPR-4567-9ACD");
  EXPECT_EQ(r.folded.size(), 8u);
  EXPECT_EQ(reader.ReadExact("SPR-4567-9AC1").problem, "character 13 is '1', which this campaign's codes never use");
  EXPECT_EQ(reader.ReadExact("SPR45679ACD").problem, "has 11 characters, expected 13");
  EXPECT_EQ(reader.ReadExact("SPR 4567-9ACD").problem, "character 4 is a space where the campaign's codes have '-'");
  EXPECT_EQ(reader.ReadExact("SPR_4567-9ACD").problem, "character 4 is '_' where the campaign's codes have '-'");
}

// The `check` command's flow: a typed code with a check character verifies after tolerant reading,
// and any single mistyped symbol or swapped pair is reported.
TEST(CodeReaderTest, TypedCodesWithCheckCharacter) {
  Alphabet a = MakeAlphabet("unambiguous");
  CheckCharacter check = *CheckCharacter::ForAlphabet(a);
  const std::string canon = CanonicalFoldedSymbols(a);
  CodeShape shape = CodeShape::FromParts("SPR-", 9, 3, "-", "");  // 8 random + 1 check
  CodeReader reader(shape, a);
  std::vector<uint8_t> d = {3, 14, 15, 9, 26, 5, 3, 5};
  d.push_back(check.Compute(d));
  std::string code = shape.skeleton();
  for (size_t i = 0; i < d.size(); ++i) code[shape.slots()[i]] = canon[d[i]];
  ReadCode r = reader.ReadTyped(" " + std::string("spr") + " " + code.substr(4, 3) + code.substr(8, 3) + " " + code.substr(12));
  ASSERT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.code, code);
  EXPECT_TRUE(check.Verify(r.folded));
  std::string typo = code;
  std::swap(typo[5], typo[6]);
  ReadCode t = reader.ReadTyped(typo);
  ASSERT_TRUE(t.ok);
  EXPECT_EQ(typo[5] == typo[6], check.Verify(t.folded));
  typo = code;
  typo[13] = typo[13] == 'X' ? 'Y' : 'X';
  EXPECT_FALSE(check.Verify(reader.ReadTyped(typo).folded));
}

}  // namespace
}  // namespace coupongen
