#include "base/zone.h"

#include <date/tz.h>

#include <chrono>
#include <vector>

#include "base/strings.h"

namespace coupongen {
namespace {

namespace chr = std::chrono;
using Ms = chr::milliseconds;

const std::vector<std::string>& ZoneNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    try {
      const auto& db = date::get_tzdb();
      for (const auto& z : db.zones) out.push_back(std::string(z.name()));
    } catch (const std::exception&) {
    }
    return out;
  }();
  return names;
}

}  // namespace

Result<Zone> Zone::Find(std::string_view name) {
  Zone z;
  if (name == "UTC" || name == "Etc/UTC" || name == "Z") return z;
  try {
    z.tz_ = date::locate_zone(name);
    z.name_ = std::string(name);
    return z;
  } catch (const std::exception&) {
  }
  // A case slip ("europe/rome") is the likeliest mistake: prefer an exact match ignoring case.
  std::string hint;
  for (const auto& n : ZoneNames())
    if (EqualsIgnoreCase(n, name)) hint = n;
  if (hint.empty()) hint = ClosestMatch(ToLowerAscii(name), [] {
    std::vector<std::string> lower;
    for (const auto& n : ZoneNames()) lower.push_back(ToLowerAscii(n));
    return lower;
  }());
  if (!hint.empty())
    for (const auto& n : ZoneNames())
      if (EqualsIgnoreCase(n, hint)) hint = n;
  std::string msg = "unknown time zone '" + std::string(name) + "'";
  if (ZoneNames().empty()) msg += " (the system's tz database in /usr/share/zoneinfo is missing: install tzdata)";
  else if (!hint.empty()) msg += " (did you mean '" + hint + "'?)";
  else msg += " (use an IANA name such as Europe/Rome or America/New_York, or UTC)";
  return Status::Invalid(msg);
}

TimeMs Zone::LocalToUtc(TimeMs local) const {
  if (!tz_) return local;
  date::local_time<Ms> lt{Ms(local)};
  auto info = tz_->get_info(chr::floor<chr::seconds>(lt));
  // unique and ambiguous (first occurrence): the first offset; nonexistent: the offset before the
  // jump, which lands the time as far after the jump as it was after the last valid minute.
  auto offset = chr::duration_cast<Ms>(info.first.offset).count();
  return local - offset;
}

TimeMs Zone::UtcToLocal(TimeMs utc) const {
  if (!tz_) return utc;
  date::sys_time<Ms> st{Ms(utc)};
  auto info = tz_->get_info(st);
  return utc + chr::duration_cast<Ms>(info.offset).count();
}

std::optional<TimeMs> ParseZonedTimestamp(std::string_view s, const Zone& zone, DayPart bare_date, std::string* error) {
  // The shapes without an offset are read as UTC by ParseTimestamp's grammar (a bare date) or
  // refused (a time without an offset): try with "Z" appended to read the local fields.
  std::string why;
  if (auto t = ParseTimestamp(s, &why)) {
    if (s.size() != 10) return t;  // with its own offset
    TimeMs local = *t + (bare_date == DayPart::kEnd ? (86400 - 1) * 1000LL : 0);
    return zone.LocalToUtc(local);
  }
  if (why.rfind("missing UTC offset", 0) == 0) {
    std::string with_z = std::string(s) + "Z";
    if (auto t = ParseTimestamp(with_z, error)) return zone.LocalToUtc(*t);
    return std::nullopt;
  }
  if (error) *error = why;
  return std::nullopt;
}

std::optional<ExpiryDuration> ParseExpiryDuration(std::string_view s, std::string* error) {
  if (s.size() > 2 && s.substr(s.size() - 2) == "mo") {
    std::string_view digits = s.substr(0, s.size() - 2);
    int64_t n = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') {
        if (error) *error = "not a duration (expected a positive whole number and a unit: s, m, h, d, w or mo, e.g. 14d or 3mo)";
        return std::nullopt;
      }
      n = n * 10 + (c - '0');
      if (n > 12 * 1000) {
        if (error) *error = "duration too long (at most 12000mo)";
        return std::nullopt;
      }
    }
    if (n == 0) {
      if (error) *error = "must be positive";
      return std::nullopt;
    }
    return ExpiryDuration{0, static_cast<int>(n)};
  }
  std::string why;
  auto ms = ParseDuration(s, &why);
  if (!ms) {
    if (error) {
      *error = why;
      size_t unit = why.find("s, m, h, d or w");
      if (unit != std::string::npos) error->replace(unit, 15, "s, m, h, d, w or mo (months)");
    }
    return std::nullopt;
  }
  return ExpiryDuration{*ms, 0};
}

TimeMs AddExpiryDuration(TimeMs from, const ExpiryDuration& d, const Zone& zone) {
  if (d.months == 0) return from + d.ms;
  TimeMs local = zone.UtcToLocal(from);
  date::sys_time<Ms> lt{Ms(local)};
  auto day = chr::floor<chr::days>(lt);
  Ms time_of_day = lt - day;
  chr::year_month_day ymd{day};
  chr::year_month_day target = ymd + chr::months(d.months);
  if (!target.ok()) target = target.year() / target.month() / chr::last;  // Jan 31 + 1mo = Feb 28/29
  TimeMs moved = (chr::sys_days(target) + time_of_day).time_since_epoch().count();
  return zone.LocalToUtc(moved) + d.ms;
}

}  // namespace coupongen
