#include "base/email.h"

#include <gtest/gtest.h>

#include "base/strings.h"

namespace coupongen {
namespace {

TEST(EmailTest, Valid) {
  for (const char* e : {"ann@example.com", "a.b+tag@sub.example.co.uk", "x_y@example.io", "o'brien@example.ie",
                        "user@xn--bcher-kva.example"})
    EXPECT_TRUE(IsValidEmail(e)) << e;
}

TEST(EmailTest, InvalidWithReasons) {
  struct Case {
    const char* email;
    const char* why;
  } cases[] = {
      {"", "empty email address"},
      {"ann", "not an email address (no '@')"},
      {"@example.com", "not an email address (nothing before '@')"},
      {"ann@", "not an email address (no domain after '@')"},
      {"ann@localhost", "domain has no top-level part (e.g. example.com)"},
      {"ann@example.c", "invalid top-level domain"},
      {"ann@exa mple.com", "invalid character in the domain"},
      {"an n@example.com", "invalid character in the local part"},
      {".ann@example.com", "misplaced '.' in the local part"},
      {"ann@-example.com", "invalid domain"},
      {"ann@example..com", "invalid domain"},
  };
  for (const auto& c : cases) {
    std::string why;
    EXPECT_FALSE(IsValidEmail(c.email, &why)) << c.email;
    EXPECT_EQ(why, c.why) << c.email;
  }
}

TEST(StringsTest, Helpers) {
  EXPECT_EQ(WithThousands(1234567), "1,234,567");
  EXPECT_EQ(WithThousands(999), "999");
  EXPECT_EQ(HumanBytes(512), "512 B");
  EXPECT_EQ(HumanBytes(1536), "1.5 KiB");
  EXPECT_EQ(ClosestMatch("genrate", {"generate", "validate"}), "generate");
  EXPECT_EQ(ClosestMatch("zzz", {"generate", "validate"}), "");
  EXPECT_EQ(ClosestMatch("cvs", {"csv", "json", "jsonapi", "imports"}), "csv");  // a transposition is one typo
  EXPECT_EQ(EditDistance("cvs", "csv"), 1u);
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9"));
  EXPECT_FALSE(IsValidUtf8("caf\xc3"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));        // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));    // surrogate
  EXPECT_EQ(Trim("  a b \r\n"), "a b");
}

}  // namespace
}  // namespace coupongen
