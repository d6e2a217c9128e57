// Small string helpers shared by every module.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace coupongen {

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

/// "1,234,567"
std::string WithThousands(unsigned long long n);

/// A human-readable byte size: "512 B", "1.4 MiB".
std::string HumanBytes(unsigned long long n);

/// Two lower-case hex digits per byte (digests, ids).
std::string HexLower(std::span<const uint8_t> bytes);

}  // namespace coupongen
