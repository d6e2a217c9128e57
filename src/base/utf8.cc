#include "base/utf8.h"

#include <cstdint>
#include <cstdio>
#include <cstring>

namespace coupongen {

long DecodeUtf8At(std::string_view s, size_t pos, size_t* length) {
  *length = 1;
  unsigned char c = static_cast<unsigned char>(s[pos]);
  if (c < 0x80) return c;
  size_t n;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; }
  else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; }
  else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; }
  else return -1;
  if (s.size() - pos < n) return -1;
  for (size_t k = 1; k < n; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[pos + k]);
    if ((cc & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || (cp >= 0xD800 && cp <= 0xDFFF) ||
      cp > 0x10FFFF)
    return -1;
  *length = n;
  return static_cast<long>(cp);
}

std::string DescribeCharAt(std::string_view s, size_t pos, size_t* length) {
  size_t n = 1;
  long cp = DecodeUtf8At(s, pos, &n);
  if (length) *length = n;
  char buf[48];
  if (cp < 0) {
    std::snprintf(buf, sizeof buf, "byte 0x%02x", static_cast<unsigned char>(s[pos]));
    return buf;
  }
  if (cp == ' ') return "a space";
  if (cp == '\t') return "a tab";
  if (cp == '\n' || cp == '\r') return "a line break";
  if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xA0)) {
    std::snprintf(buf, sizeof buf, "control character U+%04lX", cp);
    return buf;
  }
  if (cp < 0x80) {
    std::snprintf(buf, sizeof buf, "'%c'", static_cast<char>(cp));
    return buf;
  }
  std::snprintf(buf, sizeof buf, " (U+%04lX)", cp);
  std::string out = "'";  // appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "'" + string
  out.append(s.substr(pos, n));
  out += '\'';
  out += buf;
  return out;
}

size_t FindControlChar(std::string_view s) {
  // 8 bytes at a time (the last word overlapping the one before) to the word holding the first
  // control byte (below 0x20, or 0x7f), then byte by byte from that word.
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  auto has_control = [](uint64_t w) {
    uint64_t del = w ^ (kOnes * 0x7f);
    return ((((w - kOnes * 0x20) & ~w) | ((del - kOnes) & ~del)) & kHigh) != 0;
  };
  const char* p = s.data();
  size_t n = s.size(), i = 0;
  if (n >= 8) {
    for (;; i += 8) {
      if (i + 8 > n) i = n - 8;
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if (has_control(w)) break;
      if (i + 8 == n) return std::string_view::npos;
    }
  }
  for (; i < n; ++i)
    if (IsControlByte(p[i])) return i;
  return std::string_view::npos;
}

}  // namespace coupongen
