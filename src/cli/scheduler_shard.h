// `--shard auto`: which shard this process is, from the cluster scheduler that started it.
//
//   Kubernetes Indexed Job   I = JOB_COMPLETION_INDEX                      N = --shards N or COUPONGEN_SHARDS
//   Slurm job array          I = (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_STEP (step 1 if unset)
//                            N = SLURM_ARRAY_TASK_COUNT (--shards / COUPONGEN_SHARDS, if given, must agree)
//   AWS Batch array job      I = AWS_BATCH_JOB_ARRAY_INDEX                 N = --shards N or COUPONGEN_SHARDS
//
// The selection is a pure function of an environment map, so every scheduler's case is testable
// without being that scheduler; cli/ passes it the process environment (SchedulerEnvironment()).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "cli/ranges.h"

namespace coupongen {

using Environment = std::map<std::string, std::string>;

/// The variables ShardFromScheduler reads, in the order its messages name them.
const std::vector<std::string>& SchedulerVariables();

/// Those of SchedulerVariables() that are set (and not empty) in this process's environment.
Environment SchedulerEnvironment();

struct SchedulerShard {
  Shard shard;
  std::string source;  // "Slurm job array: SLURM_ARRAY_TASK_ID=5 - SLURM_ARRAY_TASK_MIN=1, SLURM_ARRAY_TASK_COUNT=8"
};

/// I and N for `--shard auto` from `env` (empty values count as unset) and `shards` (--shards N).
/// Missing variables, values that are not decimal numbers, an index not below N, a count outside
/// 1..1,000,000, and variables of two schedulers or --shards/COUPONGEN_SHARDS that disagree, are
/// errors: nullopt, with *error naming the variables and their values.
std::optional<SchedulerShard> ShardFromScheduler(const Environment& env, std::optional<uint64_t> shards,
                                                 std::string* error);

}  // namespace coupongen
