// The keyed-mode steps of a generate run (and validate's key check): load the key, work out which
// sequence numbers this run issues, skip those whose codes are taken, record the range in the
// ledger, and build the KeyedGenerator. The pipeline (run/pipeline.h) then writes the codes
// exactly as in random mode, with no table of codes.
//
// Which numbers a run issues: --range START:COUNT; else, with a ledger and no --shard, the
// campaign's next unissued numbers (after the highest range the ledger holds for this campaign
// and key), so a recurring campaign gets new codes each run; else 0..count-1 (so a rerun without
// a ledger reproduces the same codes). --shard I/N then takes its slice of that run.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/env.h"
#include "codes/key_file.h"
#include "codes/keyed_generator.h"
#include "codes/random_source.h"
#include "ledger/ledger.h"
#include "run/ledger_session.h"
#include "run/notices.h"
#include "run/run_options.h"

namespace coupongen {

struct KeyedRun {
  KeyedGenerator generator;
  SequenceRange run;            // the campaign's run: --range, else 0..count-1
  SequenceRange range;          // what this process issues: the run, or its --shard slice
  std::optional<Shard> shard;
  std::string key_id;           // KeyId of the key: names it without revealing it
  bool key_created = false;     // --create-key made the key file in this run
  LedgerSession ledger;         // with a ledger: open for the whole run, holding the recorded range
};

/// Usage errors (exit 2) for options that do not fit the spec's mode: --range, --shard and
/// --create-key need keyed mode; --seed has no meaning in it (the key decides every code).
Status CheckModeOptions(const Plan& plan, const KeyedOptions& options, bool seed);

/// Loads codes.key_file (or creates it with --create-key). A key file that is missing, unreadable,
/// readable or writable by group or others, or not a key is a problem of the spec's input, located
/// at codes.key_file: appended to *problems (exit 3). Creating one can fail at run time (exit 1):
/// then *failure is set. `random` is used only to create.
std::optional<SecretKey> LoadCampaignKey(const LoadedSpec& spec, bool create, RandomSource& random, Env* env, bool* created,
                                         Problems* problems, Status* failure);

/// Everything a keyed run needs, after the spec passed: the key; the ledger session; the run and
/// this process's part of it, checked against the keyspace (exit 4 past its end); the generator,
/// told to skip the numbers whose codes are excluded or in the ledger's codes; the feasibility
/// rule; and the part recorded in the ledger as issued at `now` (exit 4 when it overlaps a range
/// issued before). Narrows spec->plan to the part: count is the number of codes it makes,
/// recipients are the part's. The spec's problems go to notices.SpecProblem (and a Reported
/// status is returned); other failures are returned for the caller to report.
Result<KeyedRun> PrepareKeyedRun(LoadedSpec* spec, const KeyedOptions& options, TimeMs now, RandomSource& random,
                                 Env* env, RunNotices& notices);

}  // namespace coupongen
