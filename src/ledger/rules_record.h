// RulesRecord: what a keyed run's codes depend on besides the key and the sequence numbers, as the
// ledger stores it beside each keyed range. FF1 maps a sequence number to a code through the
// alphabet, the shape (prefix, suffix, pattern, groups, separator), the length, the check
// character and the blocklist (a blocked code is skipped, shifting every later one), so a run of
// the same campaign and key under other rules would map the same numbers to other codes, some of
// them codes already issued. The ledger refuses such a run (run/keyed_run.cc) and names the
// fields that changed.
//
// The blocklist is recorded by its CONTENT: a SHA-256 of the effective words (built-in and from
// the file, upper-cased, sorted, without duplicates) and their number, so a custom word file whose
// words change counts as a change even under the same file name, and a new coupongen whose
// built-in list grew does too.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codes/alphabet.h"
#include "codes/code_rules.h"
#include "codes/shape.h"

namespace coupongen {

struct RulesRecord {
  std::string alphabet;      // the symbols, as written
  std::string shape;         // the skeleton ('#' per random character and check slot)
  uint64_t length = 0;       // random characters (check character not counted)
  bool check = false;        // codes.check
  std::string blocklist;     // "none", or "sha256:<hex>"
  uint64_t blocked_words = 0;

  /// One text ("key=value" lines) for the ledger's ranges.rules column.
  std::string Serialize() const;
  /// nullopt for text that is not a record (a damaged or foreign value).
  static std::optional<RulesRecord> Parse(std::string_view text);

  bool operator==(const RulesRecord&) const = default;
};

RulesRecord RecordRules(const Alphabet& alphabet, const CodeShape& shape, const CodeRules& rules);

/// One changed field: its spec key ("codes.blocklist") and what it is now and was then, in words.
struct RulesChange {
  std::string key;
  std::string now;
  std::string then;
};

/// The fields in which `now` differs from `then`, in the order the spec lists them. The shape is
/// named only when length and check agree (a longer code has another shape anyway).
std::vector<RulesChange> RulesChanges(const RulesRecord& now, const RulesRecord& then);

}  // namespace coupongen
