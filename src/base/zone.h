// Time zones and calendar arithmetic for specs: IANA zone names resolved through the system's tz
// database (Howard Hinnant's date library, reading /usr/share/zoneinfo), local times and bare
// dates read in a zone, and calendar months added in a zone. Output stays UTC (timestamp.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "base/timestamp.h"

namespace date {
class time_zone;
}

namespace coupongen {

/// An IANA time zone, or UTC (the default).
class Zone {
 public:
  Zone() = default;  // UTC
  /// Looks `name` up in the system's tz database ("UTC" and "Etc/UTC" included). Unknown names
  /// fail with a message that suggests the closest known name ("did you mean 'Europe/Rome'?").
  static Result<Zone> Find(std::string_view name);

  const std::string& name() const { return name_; }
  bool utc() const { return tz_ == nullptr; }

  /// The UTC instant of a local wall-clock time (milliseconds since 1970 of the local date and
  /// time as if it were UTC). A time the zone skips (the hour clocks jump forward) moves forward
  /// by the jump (02:30 becomes 03:30); a time that happens twice (clocks go back) is its first
  /// occurrence.
  TimeMs LocalToUtc(TimeMs local) const;
  /// The local wall-clock time of a UTC instant (the inverse of LocalToUtc).
  TimeMs UtcToLocal(TimeMs utc) const;

 private:
  const date::time_zone* tz_ = nullptr;
  std::string name_ = "UTC";
};

enum class DayPart { kStart, kEnd };

/// Parses a spec timestamp: ISO 8601 with an offset or Z (as ParseTimestamp); a date and time
/// without an offset, in `zone`; a bare date YYYY-MM-DD, the start (00:00:00) or end (23:59:59) of
/// that day in `zone`. On failure returns nullopt and says why in *error.
std::optional<TimeMs> ParseZonedTimestamp(std::string_view text, const Zone& zone, DayPart bare_date, std::string* error);

/// A relative expiry: milliseconds (N s|m|h|d|w) or calendar months (N mo).
struct ExpiryDuration {
  TimeMs ms = 0;
  int months = 0;
};

/// Parses "N s|m|h|d|w|mo" (mo: calendar months).
std::optional<ExpiryDuration> ParseExpiryDuration(std::string_view text, std::string* error);

/// `from` plus `d`: milliseconds are added as they are; months are added to the local date in
/// `zone`, keeping the local time of day, a day the target month lacks becoming its last day
/// (Jan 31 + 1 month = Feb 28, or 29).
TimeMs AddExpiryDuration(TimeMs from, const ExpiryDuration& d, const Zone& zone);

}  // namespace coupongen
