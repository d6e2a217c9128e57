// Keyed mode in the commands: check's look-up of a keyed campaign's codes, and the rows of
// generate's summary. The run itself is in run/keyed_run.h.
#pragma once

#include <optional>
#include <string>

#include "cli/ranges.h"
#include "cli/spec_loading.h"
#include "cli/summary.h"
#include "codes/keyed_generator.h"
#include "ledger/ledger.h"
#include "run/keyed_run.h"
#include "run/pipeline.h"

namespace coupongen {

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
/// `ledger` is the run's, or null.
SummaryRows KeyedSummaryRows(const KeyedFacts& run, const Ledger* ledger, const Plan& plan);

}  // namespace coupongen
