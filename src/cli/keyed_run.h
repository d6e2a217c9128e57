// The keyed-mode steps of generate (and validate's key check): load the key, work out which
// sequence numbers this run issues, and build the KeyedGenerator. generate.cc calls these and
// then writes the codes exactly as in random mode, with no table of codes.
#pragma once

#include <optional>
#include <string>

#include "cli/ranges.h"
#include "cli/spec_loading.h"
#include "cli/summary.h"
#include "codes/key_file.h"
#include "codes/keyed_generator.h"

namespace coupongen {

struct KeyedRun {
  KeyedGenerator generator;
  SequenceRange run;            // the campaign's run: --range, else 0..count-1
  SequenceRange range;          // what this process issues: the run, or its --shard slice
  std::optional<Shard> shard;
  std::string key_id;           // KeyId of the key: names it without revealing it
  bool key_created = false;     // --create-key made the key file in this run
};

/// Usage errors (exit 2) for options that do not fit the spec's mode: --range, --shard and
/// --create-key need keyed mode; --seed has no meaning in it (the key decides every code).
Status CheckModeOptions(const Plan& plan, const KeyedFlags& flags, bool seed);

/// Loads codes.key_file (or creates it with --create-key). A key file that is missing, unreadable,
/// readable or writable by group or others, or not a key is a problem of the spec's input, located
/// at codes.key_file: appended to *problems (exit 3). Creating one can fail at run time (exit 1):
/// then *failure is set. `random` is used only to create.
std::optional<SecretKey> LoadCampaignKey(const LoadedSpec& spec, bool create, RandomSource& random, bool* created,
                                         Problems* problems, Status* failure);

/// Everything a keyed run needs, after the spec passed: the key, the run and this process's part
/// of it, checked against the keyspace (exit 4 past its end), and the generator. Narrows
/// spec->plan to this part: count is the part's size, recipients are the part's recipients.
/// Reports every failure through `diag` and returns nullopt with *exit_code set.
std::optional<KeyedRun> PrepareKeyedRun(LoadedSpec* spec, const KeyedFlags& flags, Context& ctx, Diagnostics& diag,
                                        int* exit_code);

/// Rows for generate's closing summary: "sequence" (the part, the shard, the run) and "key".
SummaryRows KeyedSummaryRows(const KeyedRun& run, const Plan& plan);

}  // namespace coupongen
