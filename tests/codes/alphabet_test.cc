#include "codes/alphabet.h"

#include <gtest/gtest.h>

namespace coupongen {
namespace {

TEST(AlphabetTest, Presets) {
  struct Case {
    const char* name;
    const char* symbols;
    size_t folded;
  } cases[] = {
      {"unambiguous", "2345679ACDEFGHJKLMNPQRSTUVWXYZ", 30},
      {"uppercase", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 36},
      {"alphanumeric", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 36},
      {"letters", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 26},
      {"digits", "0123456789", 10},
      {"hex", "0123456789ABCDEF", 16},
  };
  for (const auto& c : cases) {
    std::string err;
    auto a = Alphabet::Parse(c.name, &err);
    ASSERT_TRUE(a) << c.name << ": " << err;
    EXPECT_EQ(a->symbols(), c.symbols);
    EXPECT_EQ(a->folded_size(), c.folded) << c.name;
  }
  EXPECT_EQ(Alphabet::PresetNames().size(), 6u);
}

TEST(AlphabetTest, UnambiguousHasNoLookAlikes) {
  std::string err;
  auto a = Alphabet::Parse("unambiguous", &err);
  // The contract's list keeps upper-case L (only lower-case l looks like 1, and codes are upper case).
  for (char c : std::string("0O1I8B")) EXPECT_EQ(a->FoldedIndex(c), -1) << c;
}

TEST(AlphabetTest, CaseFolding) {
  std::string err;
  auto a = Alphabet::Parse("alphanumeric", &err);
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->mixed_case());
  EXPECT_EQ(a->FoldedIndex('a'), a->FoldedIndex('A'));
  EXPECT_NE(a->FoldedIndex('a'), a->FoldedIndex('b'));
  auto u = Alphabet::Parse("uppercase", &err);
  EXPECT_FALSE(u->mixed_case());
  EXPECT_EQ(u->FoldedIndex('q'), u->FoldedIndex('Q'));  // lookups ignore case too
}

TEST(AlphabetTest, LiteralErrors) {
  struct Case {
    const char* spec;
    const char* error;
  } cases[] = {
      {"A", "must hold at least 2 distinct characters, or be a preset: unambiguous, uppercase, alphanumeric, letters, digits, hex"},
      {"", "must hold at least 2 distinct characters, or be a preset: unambiguous, uppercase, alphanumeric, letters, digits, hex"},
      {"ABCA", "repeats 'A' (each character may appear once)"},
      {"AB C", "contains a space (use printable ASCII without whitespace, comma, quote or backslash)"},
      {"AB,C", "contains ',' (use printable ASCII without whitespace, comma, quote or backslash)"},
      {"AB\"C", "contains '\"' (use printable ASCII without whitespace, comma, quote or backslash)"},
      {"AB\\C", "contains '\\' (use printable ASCII without whitespace, comma, quote or backslash)"},
      {"AB\xc3\xa9", "contains '\xc3\xa9' (U+00E9) (use printable ASCII without whitespace, comma, quote or backslash)"},
      {"aA", "must hold at least 2 characters that differ ignoring case"},
  };
  for (const auto& c : cases) {
    std::string err;
    EXPECT_FALSE(Alphabet::Parse(c.spec, &err)) << c.spec;
    EXPECT_EQ(err, c.error) << c.spec;
  }
  std::string err;
  auto ok = Alphabet::Parse("XYZ#", &err);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->size(), 4u);
}

}  // namespace
}  // namespace coupongen
