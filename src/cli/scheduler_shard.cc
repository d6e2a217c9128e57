#include "cli/scheduler_shard.h"

#include <cstdlib>
#include <vector>

#include "base/strings.h"

namespace coupongen {
namespace {

constexpr uint64_t kMaxShards = 1000000;

// What one scheduler's variables say: the index, the count when the scheduler gives it, and the
// variables in "NAME=VALUE" form for messages.
struct Reading {
  std::string scheduler;  // "Kubernetes Indexed Job"
  uint64_t index = 0;
  std::string index_vars;  // "JOB_COMPLETION_INDEX=3"
  std::optional<uint64_t> count;
  std::string count_vars;  // "SLURM_ARRAY_TASK_COUNT=8"
};

std::optional<std::string> Get(const Environment& env, const std::string& name) {
  auto it = env.find(name);
  if (it == env.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::string Var(const std::string& name, const std::string& value) { return name + "=" + value; }

// The decimal value of `name`, which is set; nullopt with *error when it is not a number.
std::optional<uint64_t> Numeric(const Environment& env, const std::string& name, std::string* error) {
  std::string value = *Get(env, name);
  auto n = ParseDecimal(value);
  if (!n) *error = Var(name, "'" + value + "'") + " is not a decimal number";
  return n;
}

// "Slurm job array: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_MIN is not"
std::string Missing(const std::string& scheduler, const std::string& set, const std::string& unset) {
  return scheduler + ": " + set + " is set but " + unset + " is not";
}

// Slurm: the task's offset from the array's first task, in steps, and the array's task count.
std::optional<Reading> ReadSlurm(const Environment& env, std::string* error) {
  const std::string kSlurm = "Slurm job array";
  for (const char* name : {"SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_COUNT"})
    if (!Get(env, name)) {
      *error = Missing(kSlurm, "SLURM_ARRAY_TASK_ID", name);
      return std::nullopt;
    }
  auto id = Numeric(env, "SLURM_ARRAY_TASK_ID", error);
  if (!id) return std::nullopt;
  auto min = Numeric(env, "SLURM_ARRAY_TASK_MIN", error);
  if (!min) return std::nullopt;
  auto count = Numeric(env, "SLURM_ARRAY_TASK_COUNT", error);
  if (!count) return std::nullopt;
  std::optional<uint64_t> step = 1;
  if (Get(env, "SLURM_ARRAY_TASK_STEP")) step = Numeric(env, "SLURM_ARRAY_TASK_STEP", error);
  if (!step) return std::nullopt;
  Reading r{kSlurm, 0, Var("SLURM_ARRAY_TASK_ID", std::to_string(*id)) + " - " +
                           Var("SLURM_ARRAY_TASK_MIN", std::to_string(*min)),
            *count, Var("SLURM_ARRAY_TASK_COUNT", std::to_string(*count))};
  if (*step != 1) r.index_vars = "(" + r.index_vars + ") / " + Var("SLURM_ARRAY_TASK_STEP", std::to_string(*step));
  if (*id < *min || *step == 0 || (*id - *min) % *step != 0) {
    *error = kSlurm + ": " + r.index_vars + " is not a task index of the array";
    return std::nullopt;
  }
  r.index = (*id - *min) / *step;
  // An array with gaps (--array=1,3,7) has tasks past the count: refuse it in every task, not
  // only in those past the count, so no part of a campaign is made while another part cannot be.
  if (Get(env, "SLURM_ARRAY_TASK_MAX")) {
    auto max = Numeric(env, "SLURM_ARRAY_TASK_MAX", error);
    if (!max) return std::nullopt;
    if (*max < *min || (*max - *min) % *step != 0 || (*max - *min) / *step + 1 != *count) {
      *error = kSlurm + ": the array's tasks are not contiguous (" + Var("SLURM_ARRAY_TASK_MIN", std::to_string(*min)) +
               ", " + Var("SLURM_ARRAY_TASK_MAX", std::to_string(*max)) + ", " +
               Var("SLURM_ARRAY_TASK_STEP", std::to_string(*step)) + ", " + r.count_vars +
               "): submit it as --array=0-" + std::to_string(*count == 0 ? 0 : *count - 1);
      return std::nullopt;
    }
  }
  return r;
}

// A scheduler that gives only the index: `name` holds it.
std::optional<Reading> ReadIndexOnly(const Environment& env, const std::string& scheduler, const std::string& name,
                                     std::string* error) {
  auto index = Numeric(env, name, error);
  if (!index) return std::nullopt;
  return Reading{scheduler, *index, Var(name, std::to_string(*index)), std::nullopt, ""};
}

std::string ShardText(uint64_t index, uint64_t count) { return std::to_string(index) + "/" + std::to_string(count); }

}  // namespace

const std::vector<std::string>& SchedulerVariables() {
  static const std::vector<std::string> kNames = {
      "JOB_COMPLETION_INDEX",      "COUPONGEN_SHARDS",     "SLURM_ARRAY_TASK_ID",    "SLURM_ARRAY_TASK_MIN",
      "SLURM_ARRAY_TASK_MAX",      "SLURM_ARRAY_TASK_STEP", "SLURM_ARRAY_TASK_COUNT", "AWS_BATCH_JOB_ARRAY_INDEX"};
  return kNames;
}

Environment SchedulerEnvironment() {
  Environment env;
  for (const auto& name : SchedulerVariables())
    if (const char* v = std::getenv(name.c_str()); v && *v) env[name] = v;
  return env;
}

namespace {

// N given by the user: --shards, or COUPONGEN_SHARDS; both must agree. *text names where it came from.
bool GivenShards(const Environment& env, std::optional<uint64_t> shards, std::optional<uint64_t>* given,
                 std::string* text, std::string* error) {
  if (Get(env, "COUPONGEN_SHARDS")) {
    *given = Numeric(env, "COUPONGEN_SHARDS", error);
    if (!*given) return false;
    *text = Var("COUPONGEN_SHARDS", std::to_string(**given));
  }
  if (!shards) return true;
  if (*given && **given != *shards) {
    *error = "--shards " + std::to_string(*shards) + " and " + *text + " disagree";
    return false;
  }
  *given = shards;
  *text = "--shards " + std::to_string(*shards);
  return true;
}

// What each scheduler whose variables are set says; at least one must be.
std::optional<std::vector<Reading>> ReadSchedulers(const Environment& env, std::string* error) {
  std::vector<Reading> readings;
  auto add = [&](std::optional<Reading> r) {
    if (!r) return false;
    readings.push_back(std::move(*r));
    return true;
  };
  if (Get(env, "JOB_COMPLETION_INDEX") && !add(ReadIndexOnly(env, "Kubernetes Indexed Job", "JOB_COMPLETION_INDEX", error)))
    return std::nullopt;
  if (Get(env, "SLURM_ARRAY_TASK_ID") && !add(ReadSlurm(env, error))) return std::nullopt;
  if (Get(env, "AWS_BATCH_JOB_ARRAY_INDEX") &&
      !add(ReadIndexOnly(env, "AWS Batch array job", "AWS_BATCH_JOB_ARRAY_INDEX", error)))
    return std::nullopt;
  if (readings.empty()) {
    *error = "no scheduler says which shard this is: none of JOB_COMPLETION_INDEX (Kubernetes Indexed Job), "
             "SLURM_ARRAY_TASK_ID (Slurm job array), AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array job) is set; "
             "outside a scheduler use --shard I/N";
    return std::nullopt;
  }
  return readings;
}

// A reading's N: the scheduler's, which what the user gave must not contradict, or the user's;
// then the index must be below it.
bool SettleCount(Reading& r, std::optional<uint64_t> given, const std::string& given_text, std::string* error) {
  if (r.count) {
    if (given && *given != *r.count) {
      *error = given_text + " contradicts " + r.count_vars + " (" + r.scheduler + ")";
      return false;
    }
  } else if (given) {
    r.count = given;
    r.count_vars = given_text;
  } else {
    *error = r.scheduler + ": " + r.index_vars + " gives the index but not the number of shards: pass --shards N " +
             "or set COUPONGEN_SHARDS";
    return false;
  }
  if (*r.count < 1 || *r.count > kMaxShards) {
    *error = r.count_vars + ": the number of shards must be between 1 and 1,000,000";
    return false;
  }
  if (r.index >= *r.count) {
    *error = r.index_vars + " is not below the number of shards, " + r.count_vars + " (shards are numbered 0 to " +
             std::to_string(*r.count - 1) + ")";
    return false;
  }
  return true;
}

}  // namespace

std::optional<SchedulerShard> ShardFromScheduler(const Environment& env, std::optional<uint64_t> shards,
                                                 std::string* error) {
  std::optional<uint64_t> given;
  std::string given_text;
  if (!GivenShards(env, shards, &given, &given_text, error)) return std::nullopt;
  auto readings = ReadSchedulers(env, error);
  if (!readings) return std::nullopt;
  for (auto& r : *readings)
    if (!SettleCount(r, given, given_text, error)) return std::nullopt;
  const Reading& first = readings->front();
  for (const auto& r : *readings)
    if (r.index != first.index || *r.count != *first.count) {
      *error = "the schedulers' variables disagree: " + first.index_vars + ", " + first.count_vars + " (" +
               first.scheduler + ": shard " + ShardText(first.index, *first.count) + ") but " + r.index_vars + ", " +
               r.count_vars + " (" + r.scheduler + ": shard " + ShardText(r.index, *r.count) + ")";
      return std::nullopt;
    }
  std::string source;
  for (const auto& r : *readings)
    source += (source.empty() ? "" : "; ") + r.scheduler + ": " + r.index_vars + ", " + r.count_vars;
  return SchedulerShard{Shard{first.index, *first.count}, source};
}

}  // namespace coupongen
