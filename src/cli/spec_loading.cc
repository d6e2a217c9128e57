#include "cli/spec_loading.h"

#include "base/exit_codes.h"

namespace coupongen {

Result<LoadedSpec> LoadSpec(const po::variables_map& vm, const PlanOptions& options, Context& ctx) {
  LoadedSpec s;
  auto campaign = LoadCampaign(vm["spec"].as<std::string>(), &s.problems);
  if (!campaign.ok()) return campaign.status();
  s.campaign = std::move(campaign).value();
  // A spec that is not even a YAML mapping has one problem: the rules of the plan would only add
  // noise ("codes.count is required" above a syntax error).
  if (s.campaign.readable) {
    PlanOptions o = options;
    if (vm.count("now") && !o.clock) o.clock = ctx.clock();
    s.plan = BuildPlan(s.campaign, o, &s.problems);
  }
  SortByPosition(&s.problems);
  return s;
}

}  // namespace coupongen
