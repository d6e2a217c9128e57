// Shared first steps of the commands that read a spec: load it, apply the command line, report
// every problem with its line and caret.
#pragma once

#include <optional>

#include "cli/command.h"
#include "spec/campaign_parser.h"
#include "spec/plan.h"
#include "run/run_options.h"

namespace coupongen {

/// Loads SPEC (vm["spec"]) and builds its plan with `options`. An unreadable file is the error
/// (for the caller to report); the spec's problems are collected in the result, not yet reported.
Result<LoadedSpec> LoadSpec(const po::variables_map& vm, const PlanOptions& options, Context& ctx);

}  // namespace coupongen
