#include "cli/spec_loading.h"

#include <algorithm>
#include <climits>

#include "base/exit_codes.h"

namespace coupongen {

std::optional<LoadedSpec> LoadSpec(const po::variables_map& vm, const PlanOptions& options, Context& ctx,
                                   int* exit_code) {
  LoadedSpec s;
  auto campaign = LoadCampaign(vm["spec"].as<std::string>(), &s.problems);
  if (!campaign.ok()) {
    *exit_code = Diagnostics(ctx.err, false).Fail(campaign.status());
    return std::nullopt;
  }
  s.campaign = std::move(campaign).value();
  s.plan = BuildPlan(s.campaign, options, &s.problems);
  // Report in reading order: located problems by line and column, then the rest.
  std::stable_sort(s.problems.begin(), s.problems.end(), [](const Problem& a, const Problem& b) {
    int la = a.line ? a.line : INT_MAX, lb = b.line ? b.line : INT_MAX;
    return la != lb ? la < lb : a.column < b.column;
  });
  return s;
}

}  // namespace coupongen
