#include "lint/coupon_checks.h"

#include "base/email.h"
#include "codes/alphabet.h"
#include "io/text_scan.h"

namespace coupongen {
namespace {

// Appends problems located at a "FILE:ROW" built only when there is one.
class ProblemList {
 public:
  ProblemList(std::string_view file, RowNumber row, Problems* out) : file_(file), row_(row), out_(out) {}
  ProblemList(std::string_view where, Problems* out) : where_(where), built_(true), out_(out) {}

  void Add(std::string_view key, std::string message) {
    if (!built_) {
      where_ = RowWhere(file_, row_);
      built_ = true;
    }
    Problem p;
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

void CheckCode(const Coupon& c, const CheckOptions& options, ProblemList& problems) {
  if (c.code.empty()) {
    problems.Add("code", "missing");
    return;
  }
  size_t length = CountCharacters(c.code);
  if (length < static_cast<size_t>(options.min_length))
    problems.Add("code", "too short: " + Characters(length) + " (at least " + std::to_string(options.min_length) + ")");
  else if (length > static_cast<size_t>(options.max_length))
    problems.Add("code", "too long: " + Characters(length) + " (at most " + std::to_string(options.max_length) + ")");
  std::string unsafe = FirstUnsafeChar(c.code);
  if (!unsafe.empty())
    problems.Add("code", "contains " + unsafe +
                             " (codes hold printable ASCII without whitespace, commas, quotes or backslashes)");
}

void CheckOtherFields(const Coupon& c, const CheckOptions& options, ProblemList& problems) {
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

void CouponChecker::BeginFile(std::string name) {
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
