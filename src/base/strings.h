// Small string helpers shared by every module.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace coupongen {

/// ASCII case only: every other byte (UTF-8 included) is left as it is.
inline char ToLowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
inline char ToUpperAscii(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }
std::string ToLowerAscii(std::string_view s);
std::string ToUpperAscii(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string_view Trim(std::string_view s);
std::string Join(const std::vector<std::string>& parts, std::string_view sep);
bool IsValidUtf8(std::string_view s);

/// Levenshtein distance, for "did you mean" hints.
size_t EditDistance(std::string_view a, std::string_view b);

/// The candidate closest to `word` if it is close enough to be a likely typo, else "".
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

/// RFC 3986 percent-encoding: every byte but the unreserved A-Z a-z 0-9 - _ . ~ becomes %XX
/// (upper-case hex). For a URL's path segments, query values and userinfo.
std::string UrlEncode(std::string_view s);

/// "1,234,567"
std::string WithThousands(unsigned long long n);

/// A human-readable byte size: "512 B", "1.4 MiB".
std::string HumanBytes(unsigned long long n);

/// Two lower-case hex digits per byte (digests, ids).
std::string HexLower(std::span<const uint8_t> bytes);

}  // namespace coupongen
