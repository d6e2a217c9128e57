// Small inline byte-scanning helpers shared by the readers: UTF-8 sequence checks, a fast ASCII
// test, and how to name a stray byte in a message.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace coupongen {

/// The length (2..4) of the valid UTF-8 sequence starting at the non-ASCII byte `p[0]`, or 0 when
/// it is not a valid sequence (bad lead byte, truncated, overlong, surrogate, > U+10FFFF).
inline size_t Utf8SequenceLength(const char* p, const char* end) {
  unsigned char c = static_cast<unsigned char>(p[0]);
  size_t n;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; }
  else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; }
  else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; }
  else return 0;
  if (static_cast<size_t>(end - p) < n) return 0;
  for (size_t k = 1; k < n; ++k) {
    unsigned char cc = static_cast<unsigned char>(p[k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
      (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
    return 0;
  return n;
}

/// True when every byte of [p, p+n) is ASCII and none is NUL (8 bytes at a time).
inline bool IsAsciiWithoutNul(const char* p, size_t n) {
  constexpr uint64_t kLow = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    if ((w & kHigh) || ((w - kLow) & ~w & kHigh)) return false;
  }
  for (; i < n; ++i)
    if (static_cast<unsigned char>(p[i]) >= 0x80 || p[i] == '\0') return false;
  return true;
}

/// Skips the bytes of a JSON string body that need no attention, 8 at a time: stops at or shortly
/// before the first '"', '\\', control character, or (when kStopAtNonAscii) byte >= 0x80.
template <bool kStopAtNonAscii>
inline const char* SkipPlainStringBytes(const char* p, const char* end) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  while (end - p >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    uint64_t quote = w ^ (kOnes * '"'), backslash = w ^ (kOnes * '\\');
    uint64_t special = ((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash) |
                       ((w - kOnes * 0x20) & ~w);  // a zero byte in quote/backslash, or a byte < 0x20
    special &= kHigh;
    if (kStopAtNonAscii) special |= w & kHigh;
    if (special) break;
    p += 8;
  }
  return p;
}

/// True when `s` is valid UTF-8 (NUL bytes allowed).
inline bool IsUtf8(std::string_view s) {
  const char* p = s.data();
  const char* end = p + s.size();
  while (p < end) {
    if (static_cast<unsigned char>(*p) < 0x80) {
      ++p;
      continue;
    }
    size_t n = Utf8SequenceLength(p, end);
    if (n == 0) return false;
    p += n;
  }
  return true;
}

/// A byte as a message shows it: "'x'" when printable ASCII, else "byte 0x1f".
std::string DescribeByte(char c);

/// `text` as a message quotes it: in double quotes, cut to `max` bytes with "..." when longer,
/// control bytes shown as \xNN.
std::string QuoteForMessage(std::string_view text, size_t max = 40);

}  // namespace coupongen
