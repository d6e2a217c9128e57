#include "lint/coupon_checks.h"

#include <cstdint>
#include <cstring>

#include "base/email.h"
#include "base/spreadsheet.h"
#include "base/utf8.h"
#include "base/strings.h"
#include "codes/alphabet.h"
#include "io/text_scan.h"

namespace coupongen {
namespace {

// Appends problems located at a "FILE:ROW" built only when there is one.
class ProblemList {
 public:
  ProblemList(std::string_view file, RowNumber row, Problems* out) : file_(file), row_(row), out_(out) {}
  ProblemList(std::string_view where, Problems* out) : where_(where), built_(true), out_(out) {}

  void Add(std::string_view key, std::string message, Problem::Severity severity = Problem::Severity::kError) {
    if (!built_) {
      where_ = RowWhere(file_, row_);
      built_ = true;
    }
    Problem p;
    p.severity = severity;
    p.where = where_;
    p.key = std::string(key);
    p.message = std::move(message);
    out_->push_back(std::move(p));
  }

 private:
  std::string_view file_;
  RowNumber row_;
  std::string where_;
  bool built_ = false;
  Problems* out_;
};

// Characters, not bytes: UTF-8 continuation bytes do not count.
size_t CountCharacters(std::string_view s) {
  size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

std::string Characters(size_t n) { return std::to_string(n) + (n == 1 ? " character" : " characters"); }

constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;

// The high bit of each zero byte of `x` is set (and maybe of a byte above one: enough for "any").
inline uint64_t ZeroBytes(uint64_t x) { return (x - kOnes) & ~x & kHigh; }

// True when some byte of `w` is not a safe code character (IsSafeCodeChar: 0x21..0x7e but for
// comma, quotes and backslash).
inline bool HasUnsafeByte(uint64_t w) {
  uint64_t bad = (w - kOnes * 0x21) & ~w & kHigh;    // a byte below 0x21
  bad |= ((w + kOnes * (0x7f - 0x7e)) | w) & kHigh;  // a byte above 0x7e
  bad |= ZeroBytes(w ^ (kOnes * ',')) | ZeroBytes(w ^ (kOnes * '"')) | ZeroBytes(w ^ (kOnes * '\'')) |
         ZeroBytes(w ^ (kOnes * '\\'));
  return bad != 0;
}

// True when every byte of `s` is a safe code character (so ASCII), 8 at a time (the last word
// overlapping the one before).
bool AllSafeCodeChars(std::string_view s) {
  const char* p = s.data();
  size_t n = s.size();
  uint64_t w;
  if (n < 8) {
    w = kOnes * 'A';  // safe padding
    std::memcpy(&w, p, n);
    return !HasUnsafeByte(w);
  }
  for (size_t i = 0; i + 8 < n; i += 8) {
    std::memcpy(&w, p + i, 8);
    if (HasUnsafeByte(w)) return false;
  }
  std::memcpy(&w, p + n - 8, 8);
  return !HasUnsafeByte(w);
}

void CheckCode(const Coupon& c, const CheckOptions& options, ProblemList& problems) {
  if (c.code.empty()) {
    problems.Add("code", "missing");
    return;
  }
  // The common case, every character safe (so one byte each), in a few instructions a byte.
  const bool safe = AllSafeCodeChars(c.code);
  size_t length = safe ? c.code.size() : CountCharacters(c.code);
  if (length < static_cast<size_t>(options.min_length))
    problems.Add("code", "too short: " + Characters(length) + " (at least " + std::to_string(options.min_length) + ")");
  else if (length > static_cast<size_t>(options.max_length))
    problems.Add("code", "too long: " + Characters(length) + " (at most " + std::to_string(options.max_length) + ")");
  if (safe) return;
  std::string unsafe = FirstUnsafeChar(c.code);
  if (!unsafe.empty())
    problems.Add("code", "contains " + unsafe +
                             " (codes hold printable ASCII without whitespace, commas, quotes or backslashes)");
}

// No output field may hold a control character (U+0000-U+001F, U+007F): a row holding one is
// invalid. Values a spreadsheet would run as formulas are warned about.
// The last value of each of these fields this thread found with no problem: files repeat a value
// row after row, and a repeat is compared, not scanned again.
struct CleanText {
  std::string promotion_rule_id, recipient_email, reference, reference_origin;
};
thread_local CleanText last_clean;

void CheckText(const Coupon& c, ProblemList& problems) {
  CleanText& clean = last_clean;
  auto check = [&](std::string_view key, const std::optional<std::string>& v, bool formula, std::string* memo) {
    if (!v) return;
    if (memo && *memo == *v) return;
    if (size_t at = FindControlChar(*v); at != std::string::npos) {
      problems.Add(key, "contains " + DescribeCharAt(*v, at) + " (control characters are not allowed in any field)");
      return;
    }
    if (formula && LooksLikeFormula(*v)) {
      problems.Add(key, FormulaWarning(*v), Problem::Severity::kWarning);
      return;
    }
    if (memo) memo->assign(*v);
  };
  check("promotion_rule_id", c.promotion_rule_id, false, &clean.promotion_rule_id);
  check("recipient_email", c.recipient_email, true, &clean.recipient_email);
  check("reference", c.reference, true, &clean.reference);
  check("reference_origin", c.reference_origin, true, &clean.reference_origin);
  for (const auto& t : c.tags) check("_add_tags", t, true, nullptr);
  if (c.metadata) {
    // Compact JSON: a control character is escaped as \u0000-\u001f or \u007f.
    const std::string& m = *c.metadata;
    for (size_t i = m.find("\\u00"); i != std::string::npos; i = m.find("\\u00", i + 1)) {
      if (i > 0 && m[i - 1] == '\\') continue;
      std::string hex = ToLowerAscii(m.substr(i + 4, 2));
      if (hex.size() == 2 && (hex[0] == '0' || hex[0] == '1' || hex == "7f")) {
        problems.Add("metadata", "contains a control character (\\u00" + hex + "; control characters are not allowed in any field)");
        break;
      }
    }
  }
}

void CheckOtherFields(const Coupon& c, const CheckOptions& options, ProblemList& problems) {
  CheckText(c, problems);
  if (c.usage_limit && *c.usage_limit < 1)
    problems.Add("usage_limit", "must be a positive integer (got " + std::to_string(*c.usage_limit) + ")");
  std::string why;
  if (c.recipient_email && !IsValidEmail(*c.recipient_email, &why))
    problems.Add("recipient_email", why + " (got " + QuoteForMessage(*c.recipient_email) + ")");
  if (c.expires_at) {
    std::optional<TimeMs> t = ParseTimestamp(*c.expires_at, &why);
    if (!t) {
      problems.Add("expires_at", why + " (got " + QuoteForMessage(*c.expires_at) + ")");
      return;
    }
    if (options.now && *t <= *options.now)
      problems.Add("expires_at", *c.expires_at + " is in the past (now: " + FormatTimestamp(*options.now) + ")");
    if (options.promotion_starts_at && *t <= *options.promotion_starts_at)
      problems.Add("expires_at", *c.expires_at + " is not after the promotion starts (" +
                                     FormatTimestamp(*options.promotion_starts_at) + ")");
    if (options.promotion_expires_at && *t > *options.promotion_expires_at)
      problems.Add("expires_at", *c.expires_at + " is after the promotion ends (" +
                                     FormatTimestamp(*options.promotion_expires_at) + ")");
  }
}

}  // namespace

void CheckCoupon(const Coupon& c, const CheckOptions& options, std::string_view where, Problems* out) {
  ProblemList problems(where, out);
  CheckCode(c, options, problems);
  CheckOtherFields(c, options, problems);
}

CouponChecker::CouponChecker(CheckOptions options, size_t expected_codes)
    : options_(std::move(options)), duplicates_(expected_codes) {}

void CouponChecker::BeginFile(std::string name, size_t expected_rows) {
  if (options_.duplicates && expected_rows > 0) duplicates_.Reserve(expected_rows);
  file_ = duplicates_.AddFile(std::move(name));
  have_file_ = true;
}

void CouponChecker::Check(const CouponRow& row, Problems* out) {
  if (!have_file_) BeginFile("");
  bool code_reported = false;
  for (const Problem& p : row.problems) {
    out->push_back(p);
    if (p.key == "code") code_reported = true;
  }
  ProblemList problems(duplicates_.file_name(file_), row.number, out);
  if (!code_reported) {
    CheckCode(row.coupon, options_, problems);
    if (options_.duplicates && !row.coupon.code.empty()) {
      if (std::optional<CodeLocation> first = duplicates_.Insert(row.coupon.code, {file_, row.number}))
        problems.Add("code", "duplicate of " + duplicates_.Format(*first));
    }
  }
  CheckOtherFields(row.coupon, options_, problems);
}

}  // namespace coupongen
