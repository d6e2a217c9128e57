#include "io/escape.h"

#include <array>
#include <cstdint>
#include <cstring>

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

// Most strings need no escaping at all (codes, timestamps, references), so the escapers first ask
// that of 8 bytes at a time, with the classic bit tests on a 64-bit word (exact, no false answers):
//   a byte of x is zero      <=> (x - 0x0101..01) & ~x & 0x8080..80 != 0
//   a byte of x is below n   <=> (x - n * 0x0101..01) & ~x & 0x8080..80 != 0   (n <= 128)
//   a byte of x equals b     <=> a byte of x ^ (b * 0x0101..01) is zero
constexpr uint64_t kOnes = 0x0101010101010101ull;
constexpr uint64_t kHighs = 0x8080808080808080ull;
constexpr uint64_t AnyBelow(uint64_t x, uint8_t n) { return (x - kOnes * n) & ~x & kHighs; }
constexpr uint64_t AnyEqual(uint64_t x, uint8_t b) { return AnyBelow(x ^ (kOnes * b), 1); }

// Calls word_is_special on each 8 bytes of s, the last ones padded with `pad` (a plain byte).
template <typename WordTest>
bool AnyWord(std::string_view s, char pad, WordTest word_is_special) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    if (word_is_special(x)) return true;
  }
  if (i == s.size()) return false;
  char tail[8];
  std::memset(tail, pad, sizeof tail);
  std::memcpy(tail, s.data() + i, s.size() - i);
  uint64_t x;
  std::memcpy(&x, tail, 8);
  return word_is_special(x);
}

// True when every byte is printable ASCII other than '"' and '\\': copied as is into JSON. (Bytes
// of 0x80 and up are left to the byte-by-byte path, which escapes U+2028 and U+2029.)
bool JsonPlain(std::string_view s) {
  return !AnyWord(s, 'a', [](uint64_t x) {
    return (x & kHighs) | AnyBelow(x, 0x20) | AnyEqual(x, '"') | AnyEqual(x, '\\') | AnyEqual(x, 0x7f);
  });
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out.push_back('"');
  if (JsonPlain(s)) {
    out.append(s);
    out.push_back('"');
    return;
  }
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
  return AnyWord(s, 'a', [](uint64_t x) {
    return AnyEqual(x, ',') | AnyEqual(x, '"') | AnyEqual(x, '\r') | AnyEqual(x, '\n');
  });
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
