// The row checks of `lint` (and of `convert`, which validates as lint does): every problem of the
// coupons of existing files, as Problems "FILE:ROW: COLUMN: what is wrong". A library module: it
// never prints.
//
// What is checked where: the reader (io/coupon_reader.h) already reports what cannot be converted
// (usage_limit not a whole number, customer_single_use not a boolean, expires_at not a timestamp,
// invalid UTF-8, ...); CouponChecker passes those on and adds the checks below.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/problem.h"
#include "base/timestamp.h"
#include "coupon/coupon.h"
#include "io/coupon_reader.h"
#include "lint/duplicate_index.h"

namespace coupongen {

struct CheckOptions {
  /// Bounds on a code's length in characters (Commerce Layer's organisation defaults).
  int min_length = 8;
  int max_length = 40;
  /// expires_at must be after `now`; not checked when unset.
  std::optional<TimeMs> now;
  /// The promotion's active window: expires_at must be after promotion_starts_at and not after
  /// promotion_expires_at (each checked when set).
  std::optional<TimeMs> promotion_starts_at;
  std::optional<TimeMs> promotion_expires_at;
  /// Report codes seen before in any file, ignoring case.
  bool duplicates = true;
};

/// The checks of one coupon on its own, appended to *out with `where` ("FILE:ROW"):
///   code        present; min_length..max_length characters; only safe characters (IsSafeCodeChar)
///   usage_limit a positive integer
///   recipient_email a valid address (IsValidEmail)
///   expires_at  after options.now, and inside the promotion window
/// Duplicates need the other rows: CouponChecker checks them.
void CheckCoupon(const Coupon& c, const CheckOptions& options, std::string_view where, Problems* out);

/// All the checks of the rows of one or more files, in the order they are read.
class CouponChecker {
 public:
  /// `expected_codes` sizes the duplicate index (see lint/duplicate_index.h for its memory).
  explicit CouponChecker(CheckOptions options, size_t expected_codes = 0);

  /// Starts the rows of the file messages call `name` (CouponReader::name()). `expected_rows`
  /// (CouponReader::expected_rows(), 0: unknown) sizes the duplicate index for them at once.
  void BeginFile(std::string name, size_t expected_rows = 0);

  /// Appends the problems of `row` (of the file begun last) to *out: the reader's problems, the
  /// code checks, "code: duplicate of FILE:ROW" when the code (ignoring case) was in an earlier
  /// row, then the other checks. The code checks are skipped when the reader already reported
  /// the code.
  void Check(const CouponRow& row, Problems* out);

  const DuplicateIndex& duplicates() const { return duplicates_; }

 private:
  CheckOptions options_;
  DuplicateIndex duplicates_;
  uint32_t file_ = 0;
  bool have_file_ = false;
};

}  // namespace coupongen
