// Plan: a campaign resolved against the command line and the clock, checked against every rule
// of the contract: what `generate` makes and `validate` describes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/problem.h"
#include "base/status.h"
#include "base/timestamp.h"
#include "codes/alphabet.h"
#include "codes/code_rules.h"
#include "codes/keyspace.h"
#include "codes/shape.h"
#include "coupon/coupon.h"
#include "coupon/commerce_layer_limits.h"
#include "coupon/format.h"
#include "spec/campaign.h"
#include "spec/recipients.h"

namespace coupongen {

/// Command-line overrides and the clock.
struct PlanOptions {
  TimeMs now = 0;                            // --now, or the clock
  std::optional<int64_t> count;              // -n
  std::optional<OutputFormat> format;        // -f
  std::optional<std::string> output;         // -o
  std::vector<std::string> extra_excludes;   // --exclude (relative to the working directory)
  std::optional<std::string> ledger;         // --ledger
  /// The real clock when `now` came from --now (for the warning that --now far in the past makes
  /// codes that have already expired); nullopt when `now` is the clock.
  std::optional<TimeMs> clock;
};

struct Plan {
  std::string campaign;
  std::optional<std::string> promotion_name;
  Alphabet alphabet;
  CodeShape shape;                        // with codes.check, its last slot is the check character
  CodeRules rules;                        // codes.check and codes.blocklist (spec/plan_code_rules.h)
  Keyspace keyspace;                      // allowed codes: random characters only, blocked words removed
  uint64_t count = 0;
  Coupon base;                            // the attributes every coupon gets (code left empty)
  std::vector<std::string> recipients;    // one code each, in order (empty: none)
  OutputFormat format = OutputFormat::kCsv;
  std::string output_path = "-";          // "-" is stdout
  size_t chunk_size = kCommerceLayerMaxImportInputs;
  FieldSet fields;                        // the attributes written (CSV columns, JSON keys)
  std::vector<std::string> exclude_paths; // resolved paths of exclusion files
  std::optional<std::string> recipients_path;  // recipients.file, resolved (an input the output must not replace)
  std::optional<std::string> ledger_path;
  std::optional<TimeMs> expires_at;       // resolved expiry
  std::string expiry_source;              // "absolute" or "expires_in 7d from <now>"
  CodeMode mode = CodeMode::kRandom;      // codes.mode
  std::optional<std::string> key_file;    // keyed mode: the key file, resolved against the spec's directory
  std::optional<std::string> fixed_code;  // codes.fixed: the one shared code (count 1)
  /// recipients.keep's columns and the rows on_invalid: skip set aside (emails are in `recipients`).
  RecipientList recipient_extras;
  std::optional<std::string> rejects_path;  // recipients.rejects (an output: relative to the working directory)
  std::optional<std::string> mailing_path;  // output.mailing (relative to the working directory)
  bool mailing_xlsx = false;                // by its extension
};

/// Resolves and checks `campaign`. Every problem (errors and warnings) is appended to *problems;
/// the plan is usable only when they hold no error (HasErrors), but is filled as far as it could be
/// (validate describes it either way). Reads the recipients file, if any.
Plan BuildPlan(const Campaign& campaign, const PlanOptions& options, Problems* problems);

/// The contract's feasibility rule: count plus excluded and ledger codes must not exceed half the
/// keyspace. Returns Infeasible (exit 4) with the figures when it does.
Status CheckFeasibility(const Plan& plan, uint64_t taken);

/// The templates' stand-in for a promotion rule id: an error wherever it would be written.
constexpr const char* kPromotionRulePlaceholder = "CHANGE-ME";

/// The contract's guessability threshold: warn when one guess hits a code with odds above this.
constexpr long double kGuessOddsWarning = 1e-6L;

}  // namespace coupongen
