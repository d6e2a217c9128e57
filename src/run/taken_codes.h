// Codes a run must never produce: those in exclusion files (codes.exclude, --exclude) and those
// the ledger holds. Both modes read them here, with the same notices: random mode puts their keys
// into the generator's uniqueness set; keyed mode decodes them to sequence numbers to skip.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "codes/code_set.h"
#include "codes/keyed_generator.h"
#include "ledger/ledger.h"
#include "run/notices.h"
#include "spec/plan.h"

namespace coupongen {

/// Takes one taken code; returns whether it concerns the run (has its shape; in random mode, is
/// a new key of the set).
using TakeCode = std::function<bool(std::string_view code)>;

/// Reads every exclusion file (any readable coupon format, gzip included) and passes each code to
/// `take`; then tells `notices` "coupongen: excluding N codes from F files (R of this shape)".
/// Returns R, the codes `take` found relevant. A file that cannot be read is an error naming it
/// (IoError: exit 1; malformed content: Invalid, exit 3). Rows whose other columns are wrong
/// still exclude their code. Nothing (0) without paths.
Result<uint64_t> ReadExcludedCodes(const std::vector<std::string>& paths, const TakeCode& take, RunNotices& notices);

/// "coupongen: ledger L holds N issued codes (R of this shape)"
std::string LedgerCodesNotice(const Ledger& ledger, uint64_t issued, uint64_t relevant);

/// Random mode: the codes of the exclusion files and the ledger, as keys in `taken`. Returns how
/// many keys were added (with *lookup: how many ledger codes may have this shape, for the
/// feasibility rule). Sets *lookup when the ledger holds far more codes than the run makes: each
/// code drawn is then looked up in it (Ledger::Find) instead of reading them all.
Result<uint64_t> LoadTakenCodes(const Plan& plan, const CodeKeyer& keyer, Ledger* ledger, CodeSet* taken, bool* lookup,
                                RunNotices& notices);

struct TakenSequences {
  uint64_t relevant = 0;          // taken codes of this shape: the sequence number of some code
  std::vector<uint64_t> in_part;  // the numbers of those inside the generator's range, sorted
};

/// Keyed mode: every code of the exclusion files and of the ledger's code table, decoded to its
/// sequence number. Memory grows with the taken codes that fall in the range (few), not with the
/// count.
Result<TakenSequences> FindTakenSequences(const Plan& plan, Ledger* ledger, KeyedGenerator& gen, RunNotices& notices);

}  // namespace coupongen
