// The keyed-mode steps of generate (and validate's key check): load the key, work out which
// sequence numbers this run issues, skip those whose codes are taken, record the range in the
// ledger, and build the KeyedGenerator. generate.cc calls these and then writes the codes exactly
// as in random mode, with no table of codes.
//
// Which numbers a run issues: --range START:COUNT; else, with a ledger and no --shard, the
// campaign's next unissued numbers (after the highest range the ledger holds for this campaign
// and key), so a recurring campaign gets new codes each run; else 0..count-1 (so a rerun without
// a ledger reproduces the same codes). --shard I/N then takes its slice of that run.
#pragma once

#include <optional>
#include <string>

#include "cli/ranges.h"
#include "cli/spec_loading.h"
#include "cli/summary.h"
#include "codes/key_file.h"
#include "codes/keyed_generator.h"
#include "ledger/ledger.h"

namespace coupongen {

struct KeyedRun {
  KeyedGenerator generator;
  SequenceRange run;            // the campaign's run: --range, else 0..count-1
  SequenceRange range;          // what this process issues: the run, or its --shard slice
  std::optional<Shard> shard;
  std::string key_id;           // KeyId of the key: names it without revealing it
  bool key_created = false;     // --create-key made the key file in this run
  std::unique_ptr<Ledger> ledger;        // with a ledger: open for the whole run
  std::unique_ptr<IssueSession> session;  // holds the recorded range; Commit before the rename
};

/// Opens the run's ledger (creating it when missing) and begins its write session, which a
/// second run sharing the ledger waits for: after about a second of waiting it says so on stderr
/// ("waiting for ledger L.db: another run holds it"). Errors are prefixed "ledger ".
Status OpenLedgerSession(const std::string& path, Diagnostics& diag, std::unique_ptr<Ledger>* ledger,
                         std::unique_ptr<IssueSession>* session);

/// Usage errors (exit 2) for options that do not fit the spec's mode: --range, --shard and
/// --create-key need keyed mode; --seed has no meaning in it (the key decides every code).
Status CheckModeOptions(const Plan& plan, const KeyedFlags& flags, bool seed);

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
/// recipients are the part's. The spec's problems are reported through `diag` (a Reported status);
/// other failures are returned for the caller to report.
Result<KeyedRun> PrepareKeyedRun(LoadedSpec* spec, const KeyedFlags& flags, TimeMs now, Context& ctx,
                                 Diagnostics& diag);

/// `check --ledger` on a keyed campaign: the ledger holds its ranges, not its codes, so a code is
/// decoded with the campaign key to its sequence number, which is looked up in the ranges issued
/// for the campaign and that key.
class KeyedLedgerLookup {
 public:
  /// Loads the key (a key problem is reported: a Reported status, exit 3) and the campaign's
  /// ranges; other failures are returned for the caller to report.
  static Result<KeyedLedgerLookup> Open(const LoadedSpec& spec, Ledger& ledger, Context& ctx, Diagnostics& diag);
  /// The range that issued `code` (a valid code of the campaign's shape), or nullopt.
  std::optional<LedgerRange> Find(std::string_view code);

 private:
  KeyedLedgerLookup(KeyedGenerator generator, std::vector<LedgerRange> ranges)
      : generator_(std::move(generator)), ranges_(std::move(ranges)) {}
  KeyedGenerator generator_;
  std::vector<LedgerRange> ranges_;
};

/// Rows for generate's closing summary: "sequence" (the part, the shard, the run) and "key".
SummaryRows KeyedSummaryRows(const KeyedRun& run, const Plan& plan);

}  // namespace coupongen
