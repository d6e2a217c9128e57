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

/// Parses "YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM|±HHMM|±HH)", a space for 'T', or a bare date
/// "YYYY-MM-DD" (midnight UTC). A time without an offset is an error: the instant would depend on
/// the machine's zone. On failure returns nullopt and says why in *error.
std::optional<TimeMs> ParseTimestamp(std::string_view text, std::string* error);

/// "YYYY-MM-DDTHH:MM:SS.mmmZ" in UTC.
std::string FormatTimestamp(TimeMs t);

/// Parses a relative duration "N s|m|h|d|w" (e.g. "14d", "90m") into milliseconds.
std::optional<TimeMs> ParseDuration(std::string_view text, std::string* error);

/// The wall clock, truncated to whole seconds (outputs carry ".000").
TimeMs NowMs();

}  // namespace coupongen
