// The checks `lint` and `convert` share: the command line's --spec and --now turned into the
// row checks of lint/coupon_checks.h, plus what a spec adds.
#pragma once

#include <optional>

#include "cli/command.h"
#include "io/coupon_reader.h"
#include "lint/coupon_checks.h"
#include "spec/plan.h"

namespace coupongen {

struct DataCheckOptions {
  CheckOptions checks;
  std::optional<Plan> plan;  // with --spec
};

/// A value or, after the problem was reported, the exit code to return.
struct DataCheckOptionsOrExit : std::optional<DataCheckOptions> {
  int exit_code = 0;
};

/// Reads --now and --spec (reporting a bad spec with its located errors).
DataCheckOptionsOrExit ReadCheckOptions(const po::variables_map& vm, Context& ctx);

/// The checks a spec adds beyond CheckOptions (none yet beyond the bounds and window; the check
/// character of `codes.check` plugs in here).
void AddSpecChecks(const DataCheckOptions& options, const CouponRow& row, Problems* out);

}  // namespace coupongen
