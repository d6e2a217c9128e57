// coupongen validate: check a spec without generating and describe what it would make.
#include "base/exit_codes.h"
#include "base/strings.h"
#include "cli/command.h"
#include "cli/keyed_run.h"
#include "cli/spec_loading.h"
#include "cli/summary.h"

namespace coupongen {

po::options_description ValidateOptions() {
  po::options_description d("Options");
  d.add_options()
      ("spec", po::value<std::string>()->required(), "the campaign spec (YAML); '-' reads stdin")
      ("now", po::value<std::string>()->value_name("TIME"), "the current time for expires_in and checks (ISO 8601)")
      ("json", "print the summary as one JSON object");
  return d;
}

namespace {

// The summary on stdout (text rows, or the plan and problems as JSON); problems on stderr.
void PrintValidation(const LoadedSpec& spec, bool json, Context& ctx) {
  Diagnostics diag(ctx.err, false);
  if (json) {
    ctx.out << PlanJson(spec.plan, spec.problems).dump(2) << '\n';
    for (const auto& p : spec.problems) diag.Report(p);
    return;
  }
  int errors = 0, warnings = 0;
  for (const auto& p : spec.problems) (p.is_error() ? errors : warnings)++;
  diag.ReportAll(spec.problems, spec.campaign.text);
  // A spec that is not a YAML mapping describes nothing: only its problems are shown.
  SummaryRows rows = spec.campaign.readable ? PlanSummary(spec.plan) : SummaryRows{};
  rows.push_back({"problems", errors + warnings == 0 ? "none"
                                                      : std::to_string(errors) + (errors == 1 ? " error, " : " errors, ") +
                                                            std::to_string(warnings) + (warnings == 1 ? " warning" : " warnings") +
                                                            " (listed on stderr)"});
  ctx.out << FormatRows(rows);
}

}  // namespace

int RunValidate(const po::variables_map& vm, Context& ctx) {
  auto now = ResolveNow(vm, ctx);
  if (!now.ok()) return Diagnostics(ctx.err, false).Fail(now.status());
  PlanOptions options;
  options.now = *now;
  auto spec = LoadSpec(vm, options, ctx);
  if (!spec.ok()) return Diagnostics(ctx.err, false).Fail(spec.status());
  const Plan& plan = spec->plan;

  // Keyed mode: the key file must be there and private (run/keyed_run.h).
  if (plan.mode == CodeMode::kKeyed && plan.key_file && !HasErrors(spec->problems)) {
    bool created = false;
    Status failure;
    LoadCampaignKey(*spec, false, ctx.random, ctx.env, &created, &spec->problems, &failure);
  }

  // The feasibility rule is a problem like the others, with its own exit code.
  const bool invalid = HasErrors(spec->problems);
  Status feasible = invalid ? Status::Ok() : CheckFeasibility(plan, 0);
  if (!feasible.ok()) spec->problems.push_back(Problem{Problem::Severity::kError, "", "", feasible.message(), 0, 0});
  PrintValidation(*spec, vm.count("json") > 0, ctx);
  if (invalid) return kExitInvalid;
  return feasible.ok() ? kExitSuccess : kExitInfeasible;
}

}  // namespace coupongen
