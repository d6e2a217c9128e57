// The escapers skip, with a byte table, what needs no escaping and copy it in runs. Check them
// against the byte-by-byte definition for every byte value at every position of short strings
// (runs that end at the start, the middle and the end).
#include <gtest/gtest.h>

#include <cstdio>

#include "io/escape.h"

namespace coupongen {
namespace {

// The definition, one byte at a time (RFC 8259 plus the U+2028/U+2029 rule; RFC 4180).
std::string ReferenceJson(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    char buf[8];
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c == '\b') out += "\\b";
    else if (c == '\f') out += "\\f";
    else if (c < 0x20 || c == 0x7f) {
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
      out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

bool ReferenceCsvNeedsQuotes(std::string_view s) {
  for (char c : s)
    if (c == ',' || c == '"' || c == '\r' || c == '\n') return true;
  return false;
}

TEST(EscapeEveryByteTest, EveryByteAtEveryPosition) {
  for (size_t len = 1; len <= 19; ++len) {
    for (size_t pos = 0; pos < len; ++pos) {
      for (int b = 0; b < 256; ++b) {
        std::string s(len, 'K');
        s[pos] = static_cast<char>(b);
        std::string json;
        AppendJsonString(json, s);
        ASSERT_EQ(json, ReferenceJson(s)) << "len " << len << " pos " << pos << " byte " << b;
        ASSERT_EQ(CsvNeedsQuotes(s), ReferenceCsvNeedsQuotes(s)) << "len " << len << " pos " << pos << " byte " << b;
      }
    }
  }
}

TEST(EscapeEveryByteTest, SeparatorsAndEmpty) {
  std::string json;
  AppendJsonString(json, "");
  EXPECT_EQ(json, "\"\"");
  EXPECT_FALSE(CsvNeedsQuotes(""));
  // A U+2028 in the middle, and one at the very end.
  std::string s = "ABCDEFG\xe2\x80\xa8Z";
  json.clear();
  AppendJsonString(json, s);
  EXPECT_EQ(json, ReferenceJson(s));
  s = "ABCDEFGHIJKLM\xe2\x80\xa9";
  json.clear();
  AppendJsonString(json, s);
  EXPECT_EQ(json, "\"ABCDEFGHIJKLM\\u2029\"");
}

}  // namespace
}  // namespace coupongen
