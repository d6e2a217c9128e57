#include "cli/data_checks.h"

#include "base/exit_codes.h"
#include "cli/spec_loading.h"

namespace coupongen {

DataCheckOptionsOrExit ReadCheckOptions(const po::variables_map& vm, Context& ctx) {
  DataCheckOptionsOrExit result;
  auto now = ResolveNow(vm, ctx);
  if (!now) {
    result.exit_code = kExitUsage;
    return result;
  }
  DataCheckOptions o;
  o.checks.now = *now;
  if (vm.count("spec")) {
    PlanOptions plan_options;
    plan_options.now = *now;
    int code = 0;
    auto spec = LoadSpec(vm, plan_options, ctx, &code);
    if (!spec) {
      result.exit_code = code;
      return result;
    }
    Diagnostics diag(ctx.err, false);
    if (diag.ReportAll(spec->problems, spec->campaign.text) > 0) {
      result.exit_code = kExitInvalid;
      return result;
    }
    const Campaign& c = spec->campaign;
    o.checks.min_length = static_cast<int>(c.codes.min_length);
    o.checks.max_length = static_cast<int>(c.codes.max_length);
    o.checks.promotion_starts_at = c.promotion.starts_at;
    o.checks.promotion_expires_at = c.promotion.expires_at;
    o.plan = std::move(spec->plan);
    if (o.plan->rules.check()) o.check_character.emplace(o.plan->shape, o.plan->alphabet, o.plan->rules);
  }
  result.emplace(std::move(o));
  return result;
}

void AddSpecChecks(const DataCheckOptions& options, std::string_view file, const CouponRow& row, Problems* out) {
  const std::string& code = row.coupon.code;
  if (!options.check_character || code.empty()) return;  // an empty code is already "missing"
  auto problem = options.check_character->Exact(code);
  if (!problem) return;
  Problem p;
  p.where = RowWhere(file, row.number);
  p.key = "code";
  p.message = *problem == kCheckMismatch ? *problem
                                         : "not the campaign's shape " + options.plan->shape.Display() + ": " + *problem;
  out->push_back(std::move(p));
}

}  // namespace coupongen
