#include "io/text_scan.h"

#include <cstdio>

namespace coupongen {

std::string DescribeByte(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  char buf[16];
  if (u > 0x20 && u < 0x7f) std::snprintf(buf, sizeof buf, "'%c'", c);
  else std::snprintf(buf, sizeof buf, "byte 0x%02x", u);
  return buf;
}

std::string QuoteForMessage(std::string_view text, size_t max) {
  std::string out = "\"";
  const char* p = text.data();
  const char* end = p + text.size();
  size_t shown = 0;
  while (p < end) {
    if (shown >= max) {
      out += "...";
      break;
    }
    unsigned char c = static_cast<unsigned char>(*p);
    size_t n = c < 0x80 ? 1 : Utf8SequenceLength(p, end);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += *p;
    } else if (c < 0x20 || c == 0x7f || n == 0) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
      n = 1;
    } else {
      out.append(p, n);
    }
    p += n;
    ++shown;
  }
  out += '"';
  return out;
}

}  // namespace coupongen
