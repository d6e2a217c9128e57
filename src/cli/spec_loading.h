// Shared first steps of the commands that read a spec: load it, apply the command line, report
// every problem with its line and caret.
#pragma once

#include <optional>

#include "cli/command.h"
#include "spec/campaign_parser.h"
#include "spec/plan.h"

namespace coupongen {

struct LoadedSpec {
  Campaign campaign;
  Plan plan;
  Problems problems;
};

/// Loads SPEC (vm["spec"]) and builds its plan with `options`. Returns nullopt after reporting an
/// unreadable file (exit code in *exit_code: 1). Problems are collected, not yet reported.
std::optional<LoadedSpec> LoadSpec(const po::variables_map& vm, const PlanOptions& options, Context& ctx,
                                   int* exit_code);

}  // namespace coupongen
