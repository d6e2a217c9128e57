// Timestamps and durations: parsing ISO 8601 with any UTC offset, and the one output form
// Commerce Layer uses everywhere, "YYYY-MM-DDTHH:MM:SS.mmmZ".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coupongen {

/// Milliseconds since the Unix epoch, UTC.
using TimeMs = int64_t;

/// The latest time coupongen handles, 9999-12-31T23:59:59Z: four-digit years only, as Commerce
/// Layer's timestamps and every reader of our outputs expect. Later times are errors.
constexpr TimeMs kMaxTimeMs = 253402300799000;
inline constexpr const char* kMaxTimeText = "9999-12-31T23:59:59Z";

/// Parses "YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM|±HHMM|±HH)", a space for 'T', or a bare date
/// "YYYY-MM-DD" (midnight UTC). A time without an offset is an error: the instant would depend on
/// the machine's zone. A time after kMaxTimeMs (an offset can push 9999-12-31 past it) is an
/// error. On failure returns nullopt and says why in *error.
std::optional<TimeMs> ParseTimestamp(std::string_view text, std::string* error);

/// "YYYY-MM-DDTHH:MM:SS.mmmZ" in UTC.
std::string FormatTimestamp(TimeMs t);

/// Parses a relative duration "N s|m|h|d|w" (e.g. "14d", "90m") into milliseconds.
std::optional<TimeMs> ParseDuration(std::string_view text, std::string* error);

/// The wall clock, truncated to whole seconds (outputs carry ".000").
TimeMs NowMs();

}  // namespace coupongen
