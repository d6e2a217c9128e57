// Campaign: the YAML campaign spec as parsed, field by field, with the contract's defaults
// (leveldb's options.h). Positions of the keys are kept so later checks can point at the line.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/timestamp.h"
#include "base/zone.h"
#include "coupon/commerce_layer_limits.h"
#include "coupon/format.h"

namespace coupongen {

/// How codes are made: drawn at random and kept unique with a table (the default), or as a keyed
/// permutation of sequence numbers, unique by construction (codes/keyed_generator.h).
enum class CodeMode { kRandom, kKeyed };

/// A 1-based position in the spec file (0 when unknown).
struct Mark {
  int line = 0;
  int column = 0;
};

struct Campaign {
  std::string file;  // the spec's path as the user gave it (for messages)
  std::string dir;   // the spec's directory: relative file paths in the spec resolve against it
  std::string text;  // the spec's text, for showing the offending line under an error
  /// False when the text is not a YAML mapping at all (not UTF-8, NUL bytes, a YAML syntax error,
  /// empty, a list...): that problem is the only one worth reporting, so BuildPlan is skipped.
  bool readable = true;

  int version = 0;                               // required; only 1 exists
  std::string name;                              // `campaign`, required
  std::optional<std::string> promotion_rule_id;  // required for jsonapi and imports
  std::optional<std::string> ledger;             // path of the ledger database
  Zone zone;                                     // `timezone`: local times and bare dates (default UTC)

  struct Promotion {
    std::optional<std::string> name;
    std::optional<TimeMs> starts_at;
    std::optional<TimeMs> expires_at;
    std::optional<int64_t> total_usage_limit;
  } promotion;

  struct Codes {
    std::optional<int64_t> count;           // default: one per recipient
    std::optional<int64_t> length;          // default 12
    std::string alphabet = "unambiguous";   // preset name or literal characters
    std::string prefix;
    std::string suffix;
    std::optional<int64_t> group;           // default 0 (no groups)
    std::optional<std::string> separator;   // default "-"
    std::optional<std::string> pattern;     // '#' = one random character
    int64_t min_length = 8;
    int64_t max_length = 40;
    std::vector<std::string> exclude;       // as written (relative to the spec)
    std::optional<bool> check;              // default false: a check character ends the random part
    std::optional<std::string> blocklist;   // default: the built-in words; "none"; or a file adding words
    std::optional<CodeMode> mode;           // `mode: random | keyed`; nullopt: not given (random) or invalid
    std::optional<std::string> key_file;    // keyed mode's key, as written (relative to the spec)
    std::optional<std::string> fixed;       // one shared code instead of random ones
  } codes;

  struct CouponAttributes {
    std::optional<int64_t> usage_limit;
    std::optional<bool> customer_single_use;
    std::optional<TimeMs> expires_at;
    std::optional<TimeMs> expires_in;        // a duration, resolved against now (0 with months)
    int expires_in_months = 0;               // `N mo`: calendar months in the spec's zone
    std::string expires_in_text;             // "14d" as written
    std::optional<std::string> reference;
    std::optional<std::string> reference_origin;
    std::optional<std::string> metadata;     // compact JSON object
    std::vector<std::string> tags;
  } coupon;

  struct Recipients {
    std::optional<std::string> file;        // as written (relative to the spec)
    std::vector<std::string> emails;         // inline
    std::vector<Mark> email_marks;
    bool given = false;
    bool skip_invalid = false;               // on_invalid: skip (invalid rows go to `rejects`)
    std::optional<std::string> rejects;      // as written (relative to the spec)
    std::vector<std::string> keep;           // recipient columns copied into the mailing file
  } recipients;

  struct Output {
    std::optional<OutputFormat> format;      // default csv
    std::optional<std::string> path;         // default stdout
    std::optional<std::string> mailing;      // the mailing file (.csv or .xlsx), relative to the working directory
    int64_t chunk_size = kCommerceLayerMaxImportInputs;
  } output;

  /// Where each key's value was written, by dotted path ("codes.length"), for messages.
  std::map<std::string, Mark> marks;

  Mark MarkOf(const std::string& key) const {
    auto it = marks.find(key);
    return it == marks.end() ? Mark{} : it->second;
  }
};

}  // namespace coupongen
