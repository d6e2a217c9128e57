// UTF-8 decoding and naming characters in messages: the one place that turns bytes into the
// character a person typed ("'Ü' (U+00DC)", not "byte 0xc3").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace coupongen {

/// Decodes the UTF-8 character starting at s[pos]. Returns its code point and sets *length to its
/// byte count (1..4); an invalid sequence (bad lead byte, truncated, overlong, surrogate) returns
/// -1 with *length 1.
long DecodeUtf8At(std::string_view s, size_t pos, size_t* length);

/// The character at s[pos] as a message names it: "'x'" (printable ASCII), "a space", "a tab",
/// "a line break", "control character U+0001", "'Ü' (U+00DC)", or "byte 0xc3" when the bytes are
/// not valid UTF-8. Sets *length (optional) to the bytes it covers.
std::string DescribeCharAt(std::string_view s, size_t pos, size_t* length = nullptr);

/// True when `c` is a C0 control character or DEL (U+0000-U+001F, U+007F).
inline bool IsControlByte(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

/// The index of the first control character (U+0000-U+001F, U+007F) in `s`, or npos.
size_t FindControlChar(std::string_view s);

}  // namespace coupongen
