// generate's run as other commands extend it: generate --upload (cli/generate_upload.cc) checks
// the plan before anything is made, and uploads the output once it is delivered.
#pragma once

#include <functional>

#include "cli/command.h"
#include "spec/plan.h"

namespace coupongen {

/// Steps a command adds to generate's run (run/pipeline.h). Either may be empty.
struct GenerateSteps {
  /// After the spec is read (before its problems are reported, before any output is checked or
  /// opened): a usage error stops the run.
  std::function<Status(const Plan&)> check;
  /// After the run is committed, summed up and reported: its exit code is the command's.
  std::function<int(const Plan&)> then;
};

/// generate, with `steps` (null: none).
int RunGenerateWith(const po::variables_map& vm, Context& ctx, const GenerateSteps* steps);

}  // namespace coupongen
