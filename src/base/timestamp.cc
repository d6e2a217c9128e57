#include "base/timestamp.h"

#include <chrono>
#include <cstdio>

namespace coupongen {
namespace {

namespace chr = std::chrono;

// Reads exactly `n` digits at *pos; advances on success.
bool ReadDigits(std::string_view s, size_t* pos, int n, int* out) {
  if (*pos + n > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

bool Expect(std::string_view s, size_t* pos, char c) {
  if (*pos < s.size() && s[*pos] == c) {
    ++*pos;
    return true;
  }
  return false;
}

std::optional<TimeMs> Fail(std::string* error, const char* why) {
  if (error) *error = why;
  return std::nullopt;
}

}  // namespace

namespace {

std::optional<TimeMs> ParseUncached(std::string_view s, std::string* error) {
  constexpr const char* kShape = "not an ISO 8601 timestamp (expected YYYY-MM-DDTHH:MM:SSZ or with an offset such as +02:00)";
  size_t pos = 0;
  int year, month, day;
  if (!ReadDigits(s, &pos, 4, &year) || !Expect(s, &pos, '-') || !ReadDigits(s, &pos, 2, &month) ||
      !Expect(s, &pos, '-') || !ReadDigits(s, &pos, 2, &day))
    return Fail(error, kShape);
  chr::year_month_day ymd{chr::year(year), chr::month(static_cast<unsigned>(month)),
                          chr::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) return Fail(error, "not a valid calendar date");
  int64_t ms = chr::duration_cast<chr::milliseconds>(chr::sys_days(ymd).time_since_epoch()).count();
  if (pos == s.size()) return ms;  // a bare date: midnight UTC

  if (!(Expect(s, &pos, 'T') || Expect(s, &pos, 't') || Expect(s, &pos, ' '))) return Fail(error, kShape);
  int hour, minute, second = 0;
  if (!ReadDigits(s, &pos, 2, &hour) || !Expect(s, &pos, ':') || !ReadDigits(s, &pos, 2, &minute))
    return Fail(error, kShape);
  if (Expect(s, &pos, ':') && !ReadDigits(s, &pos, 2, &second)) return Fail(error, kShape);
  if (hour > 23 || minute > 59 || second > 59) return Fail(error, "time of day out of range");
  int millis = 0;
  if (Expect(s, &pos, '.') || Expect(s, &pos, ',')) {
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 3) millis = millis * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return Fail(error, kShape);
    for (int d = digits; d < 3; ++d) millis *= 10;
  }
  ms += ((hour * 60 + minute) * 60 + second) * 1000LL + millis;

  if (pos == s.size()) return Fail(error, "missing UTC offset (add Z for UTC, or e.g. +02:00)");
  if (Expect(s, &pos, 'Z') || Expect(s, &pos, 'z')) {
    // UTC
  } else if (s[pos] == '+' || s[pos] == '-') {
    int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int oh, om = 0;
    if (!ReadDigits(s, &pos, 2, &oh)) return Fail(error, kShape);
    if (pos < s.size()) {
      Expect(s, &pos, ':');
      if (!ReadDigits(s, &pos, 2, &om)) return Fail(error, kShape);
    }
    if (oh > 14 || om > 59 || (oh == 14 && om != 0)) return Fail(error, "UTC offset out of range (-14:00..+14:00)");
    ms -= sign * (oh * 60 + om) * 60000LL;
  } else {
    return Fail(error, kShape);
  }
  if (pos != s.size()) return Fail(error, kShape);
  if (ms > kMaxTimeMs) return Fail(error, "after 9999-12-31T23:59:59Z, the latest time coupongen handles");
  return ms;
}

}  // namespace

// Files repeat one expiry on every row (lint reads it twice a row: parse, then check), so the last
// text this thread parsed successfully is remembered: a repeat costs a comparison, not a parse.
std::optional<TimeMs> ParseTimestamp(std::string_view s, std::string* error) {
  thread_local std::string last_text;
  thread_local TimeMs last_value = 0;
  thread_local bool have_last = false;
  if (have_last && s == last_text) return last_value;
  std::optional<TimeMs> t = ParseUncached(s, error);
  if (t && s.size() <= 64) {
    last_text.assign(s);
    last_value = *t;
    have_last = true;
  }
  return t;
}

std::string FormatTimestamp(TimeMs t) {
  chr::sys_time<chr::milliseconds> tp{chr::milliseconds(t)};
  auto days = chr::floor<chr::days>(tp);
  chr::year_month_day ymd{days};
  int64_t in_day = (tp - days).count();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(in_day / 3600000), static_cast<int>(in_day / 60000 % 60),
                static_cast<int>(in_day / 1000 % 60), static_cast<int>(in_day % 1000));
  return buf;
}

std::optional<TimeMs> ParseDuration(std::string_view s, std::string* error) {
  constexpr const char* kShape = "not a duration (expected a positive whole number and a unit: s, m, h, d or w, e.g. 14d)";
  size_t pos = 0;
  int64_t n = 0;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
    n = n * 10 + (s[pos] - '0');
    if (n > 100000000) return Fail(error, "duration too long");
    ++pos;
  }
  if (pos == 0 || pos + 1 != s.size()) return Fail(error, kShape);
  if (n == 0) return Fail(error, "must be positive");
  int64_t unit;
  switch (s[pos]) {
    case 's': unit = 1000; break;
    case 'm': unit = 60 * 1000; break;
    case 'h': unit = 3600 * 1000; break;
    case 'd': unit = 86400 * 1000LL; break;
    case 'w': unit = 7 * 86400 * 1000LL; break;
    default: return Fail(error, kShape);
  }
  return n * unit;
}

TimeMs NowMs() {
  auto now = chr::time_point_cast<chr::seconds>(chr::system_clock::now());
  return chr::duration_cast<chr::milliseconds>(now.time_since_epoch()).count();
}

}  // namespace coupongen
