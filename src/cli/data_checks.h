// The checks `lint` and `convert` share: the command line's --spec and --now turned into the
// row checks of lint/coupon_checks.h, plus what a spec adds.
#pragma once

#include <optional>
#include <string_view>

#include "cli/command.h"
#include "codes/code_rules.h"
#include "io/coupon_reader.h"
#include "lint/coupon_checks.h"
#include "spec/plan.h"

namespace coupongen {

struct DataCheckOptions {
  CheckOptions checks;
  std::optional<Plan> plan;  // with --spec
  std::optional<CodeVerifier> check_character;  // with --spec and codes.check: shape + check character
};

/// Reads --now and --spec. A bad --now or a spec with problems is reported here (the spec's with
/// their located errors: a Reported status); an unreadable spec is returned for the caller.
Result<DataCheckOptions> ReadCheckOptions(const po::variables_map& vm, Context& ctx);

/// The checks a spec adds beyond CheckOptions: with `codes.check`, each code must have the
/// campaign's shape and a matching check character ("FILE:ROW: code: check character does not
/// match (a typo?)"). `file` is the row's file name, as messages show it.
void AddSpecChecks(const DataCheckOptions& options, std::string_view file, const CouponRow& row, Problems* out);

}  // namespace coupongen
