// Which sequence numbers a keyed run issues: `--range START:COUNT` and `--shard I/N`.
//
// A campaign's run is the sequence numbers [START, START + COUNT) with --range, else
// [0, count). `--shard I/N` (I = 0..N-1) picks the I-th of N contiguous slices of the run, so N
// processes given the same spec, key and run each make their slice with no shared state, and no
// two slices hold a number (so, in keyed mode, a code) in common.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cli/command.h"
#include "codes/keyed_generator.h"

namespace coupongen {

/// Shard `index` of `count`: 0 <= index < count.
struct Shard {
  uint64_t index = 0;
  uint64_t count = 1;
};

/// The keyed-mode options of generate.
struct KeyedFlags {
  std::optional<SequenceRange> range;  // --range START:COUNT
  std::optional<Shard> shard;          // --shard I/N, or --shard auto [--shards N] (cli/scheduler_shard.h)
  bool create_key = false;             // --create-key: make codes.key_file when it does not exist
  bool any() const { return range || shard || create_key; }
};

/// A decimal number with nothing around it (no sign, no spaces), or nullopt.
std::optional<uint64_t> ParseDecimal(std::string_view s);

/// "START:COUNT" in decimal, COUNT >= 1 and at most 2^63 - 1, START + COUNT - 1 below 2^64.
/// nullopt with *error ("must be START:COUNT, e.g. 0:10000") when malformed.
std::optional<SequenceRange> ParseRange(std::string_view text, std::string* error);

/// "I/N" in decimal, 1 <= N <= 1,000,000 and 0 <= I < N.
std::optional<Shard> ParseShard(std::string_view text, std::string* error);

/// The slice of `run` that shard I of N makes: [start + floor(I*count/N), start + floor((I+1)*count/N)).
/// The slices are contiguous, disjoint, cover the run, and differ in size by at most one.
/// REQUIRES: shard.count <= run.count (so no slice is empty).
SequenceRange ShardOf(SequenceRange run, Shard shard);

/// Reads --range, --shard (I/N, or auto: from the scheduler's environment variables, with --shards)
/// and --create-key. --range's COUNT is the run's count: it sets *count
/// (-n), and a different -n is a usage error. Returns usage errors; `diag` only says which shard --shard auto chose.
Status ReadKeyedFlags(const po::variables_map& vm, KeyedFlags* flags, std::optional<int64_t>* count, Diagnostics& diag);

/// "0..9,999"
std::string RangeText(SequenceRange range);

}  // namespace coupongen
