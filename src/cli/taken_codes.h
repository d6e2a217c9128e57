// Codes a run must never produce: those in exclusion files (codes.exclude, --exclude), and later
// the ledger's. They go into the generator's uniqueness set before the first draw.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "codes/code_set.h"

namespace coupongen {

struct TakenCounts {
  uint64_t files = 0;
  uint64_t codes = 0;      // codes read
  uint64_t relevant = 0;   // of which could collide with this shape (distinct keys added)
};

/// Reads every exclusion file (any readable coupon format, gzip included) and adds the key of
/// each code that has the campaign's shape to `taken`. A file that cannot be read is an error
/// naming it (IoError: exit 1; malformed content: Invalid, exit 3). Rows whose other columns are
/// wrong still exclude their code.
Result<TakenCounts> AddExcludedCodes(const std::vector<std::string>& paths, const CodeKeyer& keyer, CodeSet* taken);

}  // namespace coupongen
