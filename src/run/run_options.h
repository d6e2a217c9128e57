// What a generate run is asked to do, as plain values: cli/ fills these from the command line
// (no option parser below cli/), and the pipeline (run/pipeline.h) follows them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "codes/keyed_generator.h"
#include "spec/campaign_parser.h"
#include "spec/plan.h"

namespace coupongen {

/// A spec as read: the campaign (with its text and marks, for located problems), the plan built
/// from it, and its problems (not yet reported).
struct LoadedSpec {
  Campaign campaign;
  Plan plan;
  Problems problems;
};

/// Shard `index` of `count`: 0 <= index < count.
struct Shard {
  uint64_t index = 0;
  uint64_t count = 1;
};

/// The keyed-mode options of generate.
struct KeyedOptions {
  std::optional<SequenceRange> range;  // --range START:COUNT
  std::optional<Shard> shard;          // --shard I/N, or --shard auto [--shards N] (cli/scheduler_shard.h)
  bool create_key = false;             // --create-key: make codes.key_file when it does not exist
  bool any() const { return range || shard || create_key; }
};

/// A generate run: the plan's command-line overrides, and how to run it.
struct RunOptions {
  std::string spec_path;              // the spec (an input no output may replace); "-" is stdin
  PlanOptions plan;                   // -n, -f, -o, --exclude, --ledger, --now
  bool force = false;                 // --force: replace existing outputs
  std::optional<std::string> seed;    // --seed: predictable codes (never with a ledger)
  std::optional<std::string> report;  // --report PATH (written by cli/, after the run)
  KeyedOptions keyed;
};

/// The slice of `run` that shard I of N makes: [start + floor(I*count/N), start + floor((I+1)*count/N)).
/// The slices are contiguous, disjoint, cover the run, and differ in size by at most one.
/// REQUIRES: shard.count <= run.count (so no slice is empty).
SequenceRange ShardOf(SequenceRange run, Shard shard);

/// "0..9,999"
std::string RangeText(SequenceRange range);

/// "2/8"
std::string ShardText(Shard shard);

}  // namespace coupongen
