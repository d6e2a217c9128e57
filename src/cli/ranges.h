// Which sequence numbers a keyed run issues: reading `--range START:COUNT` and `--shard I/N`
// (ShardOf and RangeText are in run/run_options.h).
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
#include "run/run_options.h"

namespace coupongen {

/// The keyed-mode options of generate, as read from its command line (run/run_options.h).
using KeyedFlags = KeyedOptions;

/// A decimal number with nothing around it (no sign, no spaces), or nullopt.
std::optional<uint64_t> ParseDecimal(std::string_view s);

/// "START:COUNT" in decimal, COUNT >= 1 and at most 2^63 - 1, START + COUNT - 1 below 2^64.
/// nullopt with *error ("must be START:COUNT, e.g. 0:10000") when malformed.
std::optional<SequenceRange> ParseRange(std::string_view text, std::string* error);

/// "I/N" in decimal, 1 <= N <= 1,000,000 and 0 <= I < N.
std::optional<Shard> ParseShard(std::string_view text, std::string* error);

/// Reads --range, --shard (I/N, or auto: from the scheduler's environment variables, with --shards)
/// and --create-key. --range's COUNT is the run's count: it sets *count
/// (-n), and a different -n is a usage error. Returns usage errors; `diag` only says which shard --shard auto chose.
Status ReadKeyedFlags(const po::variables_map& vm, KeyedFlags* flags, std::optional<int64_t>* count, Diagnostics& diag);

}  // namespace coupongen
