#include "io/escape.h"

#include <array>

namespace coupongen {
namespace {

// The bytes each escaper has to look at; every other byte is copied as is, in runs.
constexpr std::array<bool, 256> ByteSet(bool (*member)(unsigned char)) {
  std::array<bool, 256> set{};
  for (unsigned c = 0; c < 256; ++c) set[c] = member(static_cast<unsigned char>(c));
  return set;
}

// '"', '\\', control characters, DEL, and 0xE2 (the first byte of U+2028 and U+2029).
constexpr auto kJsonSpecial = ByteSet([](unsigned char c) { return c == '"' || c == '\\' || c < 0x20 || c == 0x7f || c == 0xE2; });
constexpr auto kCsvSpecial = ByteSet([](unsigned char c) { return c == ',' || c == '"' || c == '\r' || c == '\n'; });

}  // namespace

void AppendJsonString(std::string& out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run = 0;  // start of the pending run of characters that need no escaping
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (!kJsonSpecial[c]) continue;
    const char* esc = nullptr;
    char buf[7];
    if (c == '"') esc = "\\\"";
    else if (c == '\\') esc = "\\\\";
    else if (c == '\n') esc = "\\n";
    else if (c == '\r') esc = "\\r";
    else if (c == '\t') esc = "\\t";
    else if (c == '\b') esc = "\\b";
    else if (c == '\f') esc = "\\f";
    else if (c < 0x20 || c == 0x7f) {
      buf[0] = '\\'; buf[1] = 'u'; buf[2] = '0'; buf[3] = '0';
      buf[4] = kHex[c >> 4]; buf[5] = kHex[c & 15]; buf[6] = 0;
      esc = buf;
    } else if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
      // U+2028/U+2029 are valid JSON but break JavaScript string literals: escape them.
      out.append(s.data() + run, i - run);
      out.append(static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029");
      i += 2;
      run = i + 1;
      continue;
    }
    if (esc) {
      out.append(s.data() + run, i - run);
      out.append(esc);
      run = i + 1;
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

bool CsvNeedsQuotes(std::string_view s) {
  for (char c : s)
    if (kCsvSpecial[static_cast<unsigned char>(c)]) return true;
  return false;
}

void AppendCsvField(std::string& out, std::string_view s) {
  if (!CsvNeedsQuotes(s)) {
    out.append(s);
    return;
  }
  out.push_back('"');
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace coupongen
