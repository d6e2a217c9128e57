#include "spec/plan.h"

#include <algorithm>

#include "base/spreadsheet.h"
#include "base/strings.h"
#include "codes/keyed_generator.h"
#include "spec/plan_code_rules.h"
#include "spec/recipients.h"

namespace coupongen {
namespace {

// Reports problems against the spec's keys, positioned where the key's value was written.
class Reporter {
 public:
  Reporter(const Campaign& c, Problems* problems) : c_(c), problems_(problems) {}

  void Error(const std::string& key, const std::string& message, const std::string& at_key = "") {
    Add(Problem::Severity::kError, key, message, at_key);
  }
  void Warn(const std::string& key, const std::string& message, const std::string& at_key = "") {
    Add(Problem::Severity::kWarning, key, message, at_key);
  }
  bool Given(const std::string& key) const { return c_.marks.count(key) > 0; }

 private:
  void Add(Problem::Severity sev, const std::string& key, const std::string& message, const std::string& at_key) {
    Mark m = c_.MarkOf(at_key.empty() ? key : at_key);
    // Keys that were not written point at the enclosing section, or the top of the file.
    for (std::string k = at_key.empty() ? key : at_key; m.line == 0 && !k.empty();) {
      size_t dot = k.rfind('.');
      k = dot == std::string::npos ? "" : k.substr(0, dot);
      m = k.empty() ? Mark{1, 1} : c_.MarkOf(k);
    }
    problems_->push_back(ProblemAt(c_.file, m.line, m.column, key, message, sev));
  }

  const Campaign& c_;
  Problems* problems_;
};

std::string Resolve(const std::string& dir, const std::string& path) {
  if (path.empty() || path[0] == '/' || path == "-" || dir == ".") return path;
  return dir + "/" + path;
}

// Builds the code shape and alphabet, checking length bounds on the whole code.
void PlanShape(const Campaign& c, Plan* plan, Reporter& r) {
  const auto& k = c.codes;
  std::string why;
  // A preset's name in other letter case ("Uppercase") is a slip, not a 9-letter alphabet.
  static const std::vector<std::string> presets = {"unambiguous", "uppercase", "alphanumeric", "letters", "digits", "hex"};
  const bool preset = std::find(presets.begin(), presets.end(), k.alphabet) != presets.end();
  std::string hint = preset ? "" : ClosestMatch(k.alphabet, presets);
  if (!hint.empty() && EqualsIgnoreCase(hint, k.alphabet)) {
    r.Error("codes.alphabet", "'" + k.alphabet + "' is not a preset (preset names are lowercase): did you mean '" + hint + "'?");
  } else if (auto a = Alphabet::Parse(k.alphabet, &why)) {
    plan->alphabet = *a;
  } else {
    r.Error("codes.alphabet", why + (hint.empty() ? "" : "; did you mean the preset '" + hint + "'?"));
  }

  const int check = k.check.value_or(false) ? 1 : 0;  // the check character ends the random part
  if (k.pattern) {
    for (const char* other : {"length", "prefix", "suffix", "group", "separator"})
      if (r.Given(std::string("codes.") + other))
        r.Error("codes.pattern", std::string("replaces length, prefix, suffix, group and separator: remove codes.") + other +
                                     " or the pattern");
    plan->shape = CodeShape::FromPattern(check ? PatternWithCheckSlot(*k.pattern) : *k.pattern);
  } else {
    int length = static_cast<int>(k.length.value_or(12)) + check;
    int group = static_cast<int>(k.group.value_or(0));
    plan->shape = CodeShape::FromParts(k.prefix, length, group, k.separator.value_or("-"), k.suffix);
  }
  if (k.min_length > k.max_length) {
    r.Error("codes.min_length", "is " + std::to_string(k.min_length) + ", above max_length " + std::to_string(k.max_length));
    return;
  }
  size_t total = plan->shape.length();
  std::string key = k.pattern ? "codes.pattern" : "codes.length";
  auto describe = [&] {
    if (k.pattern)
      return "'" + *k.pattern + "'" + (check ? " with its check character" : "") + " is " + std::to_string(total) +
             " characters";
    size_t random = plan->shape.random_length() - check;
    size_t seps = total - random - check - k.prefix.size() - k.suffix.size();
    return "the whole code is " + std::to_string(total) + " characters (prefix " + std::to_string(k.prefix.size()) +
           " + random " + std::to_string(random) + (check ? " + check 1" : "") + " + separators " +
           std::to_string(seps) + " + suffix " + std::to_string(k.suffix.size()) + ")";
  };
  if (static_cast<int64_t>(total) < k.min_length)
    r.Error(key, describe() + ", below min_length " + std::to_string(k.min_length));
  if (static_cast<int64_t>(total) > k.max_length)
    r.Error(key, describe() + ", above max_length " + std::to_string(k.max_length));
  plan->keyspace = ComputeKeyspace(plan->shape, plan->alphabet);
}

// Keyed mode: a key file, an alphabet without both cases of a letter, a keyspace FF1 can permute,
// and a blocklist keyed mode can index (codes/allowed_index.h). REQUIRES: PlanCodeRules done.
void PlanKeyed(const Campaign& c, Plan* plan, Reporter& r) {
  const auto& k = c.codes;
  plan->mode = k.mode.value_or(CodeMode::kRandom);
  if (plan->mode != CodeMode::kKeyed) {
    if (k.key_file && (k.mode || !r.Given("codes.mode")))
      r.Error("codes.key_file", "is used only in keyed mode (add 'mode: keyed' under codes, or remove key_file)");
    return;
  }
  if (k.key_file) plan->key_file = Resolve(c.dir, *k.key_file);
  else if (!r.Given("codes.key_file"))
    r.Error("codes.key_file", "is required in keyed mode (make a key with: coupongen keygen FILE)", "codes.mode");
  if (plan->alphabet.size() < 2) return;  // the alphabet's own error was reported
  Status alphabet = CheckKeyedAlphabet(plan->alphabet);
  if (!alphabet.ok()) r.Error("codes.alphabet", alphabet.message());
  const size_t length = plan->shape.random_length() - plan->rules.check_length();
  Status keyspace = CheckKeyedKeyspace(plan->alphabet.size(), length);
  if (!keyspace.ok()) r.Error(k.pattern ? "codes.pattern" : "codes.length", keyspace.message());
  const Blocklist& blocklist = plan->rules.blocklist();
  if (!blocklist.empty()) {
    long double entries = static_cast<long double>(length + 1) * (blocklist.state_count() - 1) *
                          (plan->rules.check() ? plan->rules.check()->radix() : 1);
    if (entries > AllowedIndex::kMaxEntries)
      r.Error("codes.blocklist", "is too large for keyed mode with this shape (its index would take " +
                                     HumanBytes(static_cast<unsigned long long>(entries) * 8) +
                                     "): use fewer words, shorter codes, or 'blocklist: none'");
    else if (plan->rules.share().removed_fraction() > 0.5L)
      r.Error("codes.blocklist", "removes more than half the codes of this shape: keyed mode needs most of them");
  }
}

void PlanRecipientsAndCount(const Campaign& c, const PlanOptions& o, Plan* plan, Problems* problems, Reporter& r) {
  const auto& rc = c.recipients;
  if (rc.file && !rc.emails.empty()) {
    r.Error("recipients.emails", "give recipients.file or recipients.emails, not both");
  } else if (rc.file) {
    plan->recipients_path = Resolve(c.dir, *rc.file);
    RecipientOptions ro;
    ro.skip_invalid = rc.skip_invalid;
    ro.keep = rc.keep;
    plan->recipient_extras = LoadRecipientsFile(Resolve(c.dir, *rc.file), Resolve(c.dir, *rc.file), ro, problems);
    plan->recipients = std::move(plan->recipient_extras.emails);
    plan->recipient_extras.emails.clear();
    if (size_t skipped = plan->recipient_extras.rejects.size())
      r.Warn("recipients.on_invalid", "skipping " + WithThousands(skipped) + (skipped == 1 ? " row" : " rows") +
                                          " of the recipients file (invalid or duplicate addresses): " +
                                          (rc.rejects ? "they go to " + *rc.rejects + " with the reason" : "see rejects"));
  } else if (!rc.emails.empty()) {
    size_t before = problems->size();
    CheckInlineRecipients(c, problems);
    if (problems->size() == before) plan->recipients = rc.emails;
  } else if (rc.given) {
    r.Error("recipients", "needs a file or emails");
  }
  bool have_recipients = rc.file || !rc.emails.empty();
  if (c.codes.fixed) return;  // one shared code: PlanFixed
  if (o.count) {
    if (have_recipients && !plan->recipients.empty() && static_cast<uint64_t>(*o.count) != plan->recipients.size()) {
      Problem p;
      p.key = "-n";
      p.message = "is " + WithThousands(*o.count) + " but the spec has " + WithThousands(plan->recipients.size()) +
                  (plan->recipients.size() == 1 ? " recipient" : " recipients") + " (one code each)";
      problems->push_back(p);
    }
    plan->count = static_cast<uint64_t>(*o.count);
  } else if (c.codes.count) {
    if (have_recipients && !plan->recipients.empty() && static_cast<uint64_t>(*c.codes.count) != plan->recipients.size())
      r.Error("codes.count", "is " + WithThousands(*c.codes.count) +
                                 (plan->recipients.size() == 1 ? " but there is 1 recipient"
                                                               : " but there are " + WithThousands(plan->recipients.size()) + " recipients") +
                                 " (leave count out, or make them equal)");
    plan->count = static_cast<uint64_t>(*c.codes.count);
  } else if (have_recipients) {
    plan->count = plan->recipients.size();
  } else {
    // Unless its value was already reported (count: ten): an empty `count:` is missing too (the
    // fuzzer found it made a run of 0 codes).
    bool reported = std::any_of(problems->begin(), problems->end(), [](const Problem& p) { return p.key == "codes.count"; });
    if (!reported) r.Error("codes.count", "is required when there are no recipients");
  }
}

void PlanExpiry(const Campaign& c, const PlanOptions& o, Plan* plan, Reporter& r) {
  const auto& a = c.coupon;
  const auto& p = c.promotion;
  if (p.starts_at && p.expires_at && *p.expires_at <= *p.starts_at)
    r.Error("promotion.expires_at", "must be after promotion.starts_at (" + FormatTimestamp(*p.starts_at) + ")");
  if (p.expires_at && *p.expires_at <= o.now)
    r.Warn("promotion.expires_at", "the promotion ended at " + FormatTimestamp(*p.expires_at));
  std::string key;
  if (a.expires_at && a.expires_in) {
    r.Error("coupon.expires_in", "give coupon.expires_at or coupon.expires_in, not both");
    return;
  }
  if (a.expires_at) {
    plan->expires_at = *a.expires_at;
    plan->expiry_source = "absolute";
    key = "coupon.expires_at";
  } else if (a.expires_in) {
    plan->expires_at = AddExpiryDuration(o.now, ExpiryDuration{*a.expires_in, a.expires_in_months}, c.zone);
    plan->expiry_source = "expires_in " + a.expires_in_text + " from " + FormatTimestamp(o.now);
    key = "coupon.expires_in";
  } else {
    return;
  }
  if (*plan->expires_at > kMaxTimeMs) {
    r.Error(key, "resolves to a time after " + std::string(kMaxTimeText) + " (" + plan->expiry_source +
                     "), the latest time coupongen handles");
    plan->expires_at.reset();
    return;
  }
  const std::string when = FormatTimestamp(*plan->expires_at);
  if (*plan->expires_at <= o.now) {
    r.Error(key, when + " is not in the future (now is " + FormatTimestamp(o.now) + ")");
  } else if (*plan->expires_at - o.now < 3600 * 1000LL) {
    bool minutes = a.expires_in && !a.expires_in_text.empty() && a.expires_in_text.back() == 'm';
    r.Warn(key, "the codes expire at " + when + ", less than an hour after now (" + FormatTimestamp(o.now) + ")" +
                    (minutes ? ": did `m` mean minutes? months are `mo` (e.g. " +
                                   a.expires_in_text.substr(0, a.expires_in_text.size() - 1) + "mo)"
                             : ""));
  }
  if (o.clock && *plan->expires_at > o.now && *plan->expires_at <= *o.clock)
    r.Warn(key, "--now " + FormatTimestamp(o.now) + " is far in the past: the codes expire at " + when +
                    ", which has already passed (the clock says " + FormatTimestamp(*o.clock) + ")");
  if (p.starts_at && *plan->expires_at <= *p.starts_at)
    r.Error(key, when + " is not after promotion.starts_at " + FormatTimestamp(*p.starts_at) +
                     " (coupons must expire inside the promotion's window)");
  if (p.expires_at && *plan->expires_at > *p.expires_at)
    r.Error(key, when + " is after promotion.expires_at " + FormatTimestamp(*p.expires_at) +
                     " (coupons must expire inside the promotion's window)");
  plan->base.expires_at = when;
}

// recipients.on_invalid/rejects/keep and output.mailing.
void PlanMailing(const Campaign& c, Plan* plan, Reporter& r) {
  const auto& rc = c.recipients;
  if (rc.skip_invalid && !rc.file) r.Error("recipients.on_invalid", "skip works with recipients.file (inline emails must all be valid)");
  else if (rc.skip_invalid && !rc.rejects)
    r.Error("recipients.rejects", "is required with on_invalid: skip (the file that gets the skipped rows, with the reason)",
            "recipients.on_invalid");
  if (rc.rejects && !rc.skip_invalid && !r.Given("recipients.on_invalid"))
    r.Error("recipients.rejects", "is used only with 'on_invalid: skip'");
  if (rc.rejects) plan->rejects_path = *rc.rejects;  // an output: relative to the working directory, as output.path
  if (!rc.keep.empty() && !rc.file) r.Error("recipients.keep", "needs recipients.file (the columns come from it)");
  if (!rc.keep.empty() && !c.output.mailing) r.Error("recipients.keep", "the kept columns go to the mailing file: add output.mailing");
  if (!c.output.mailing) return;
  const std::string& m = *c.output.mailing;
  plan->mailing_path = m;
  auto ends = [&](const char* ext) {
    std::string e(ext);
    return m.size() > e.size() && EqualsIgnoreCase(m.substr(m.size() - e.size()), e);
  };
  if (ends(".xlsx")) plan->mailing_xlsx = true;
  else if (!ends(".csv")) r.Error("output.mailing", "must end in .csv or .xlsx (the format of the mailing file)");
  if (!rc.file && rc.emails.empty()) r.Error("output.mailing", "lists each recipient with their code: add recipients");
  if (m == "-" || m == plan->output_path) r.Error("output.mailing", "must be a file of its own (not the output or stdout)");
  if (plan->mode == CodeMode::kKeyed) r.Error("output.mailing", "is not available in keyed mode yet (use random mode)");
}

// codes.fixed: one shared code, checked as generated codes are (length bounds, safe characters).
void PlanFixed(const Campaign& c, const PlanOptions& o, Plan* plan, Reporter& r) {
  const auto& k = c.codes;
  if (!k.fixed) return;
  plan->fixed_code = *k.fixed;
  for (const char* other : {"length", "alphabet", "prefix", "suffix", "group", "separator", "pattern", "check", "blocklist", "mode", "key_file", "exclude"})
    if (r.Given(std::string("codes.") + other))
      r.Error("codes.fixed", std::string("is one shared code: remove codes.") + other + " (it is for random codes)");
  int64_t length = static_cast<int64_t>(k.fixed->size());
  if (length < k.min_length)
    r.Error("codes.fixed", "is " + std::to_string(length) + " characters, below min_length " + std::to_string(k.min_length));
  if (length > k.max_length)
    r.Error("codes.fixed", "is " + std::to_string(length) + " characters, above max_length " + std::to_string(k.max_length));
  if ((k.count && *k.count != 1) || (o.count && *o.count != 1))
    r.Error(k.count ? "codes.count" : "codes.fixed", "a fixed code is one shared code: the count is 1 (leave count out)");
  if (o.ledger || c.ledger || !o.extra_excludes.empty())
    r.Error("codes.fixed", "a shared code is not kept unique: remove the ledger and exclusions for this campaign");
  plan->count = 1;
  plan->shape = CodeShape::FromParts(*k.fixed, 0, 0, "-", "");
  plan->keyspace = ComputeKeyspace(plan->shape, plan->alphabet);  // one code: nothing to guess
}

void PlanOutput(const Campaign& c, const PlanOptions& o, Plan* plan, Reporter& r) {
  plan->format = o.format.value_or(c.output.format.value_or(OutputFormat::kCsv));
  std::string format_name = FormatName(plan->format);
  std::string format_from = o.format ? " (-f " + format_name + ")" : "";
  plan->output_path = o.output.value_or(c.output.path.value_or("-"));
  plan->chunk_size = static_cast<size_t>(c.output.chunk_size);
  if ((plan->format == OutputFormat::kCsv || plan->format == OutputFormat::kXlsx) && c.coupon.metadata)
    r.Error("coupon.metadata", "cannot be written as " + format_name + format_from + ": use format json, jsonapi or imports");
  if (plan->format == OutputFormat::kJsonApi && !c.coupon.tags.empty())
    r.Error("coupon.tags", "cannot be sent in jsonapi" + format_from +
                               " (POST /api/coupons does not accept _add_tags): use csv, json or imports, or remove tags");
  if (plan->format == OutputFormat::kXlsx && plan->count > 1048575)  // Excel's rows per sheet, less the header
    r.Error(c.codes.count ? "codes.count" : "output.format", "is " + WithThousands(plan->count) +
                                                                 " codes, more than one xlsx sheet holds (1,048,575): use csv");
  // Every format writes the promotion rule when the spec sets one: the templates' placeholder
  // would reach every row.
  if (c.promotion_rule_id && *c.promotion_rule_id == kPromotionRulePlaceholder)
    r.Error("promotion_rule_id", "is still the template's placeholder CHANGE-ME: put the id of your coupon codes promotion "
                                 "rule in Commerce Layer (or remove the line for csv or xlsx output)");
  if ((plan->format == OutputFormat::kJsonApi || plan->format == OutputFormat::kImports) && !c.promotion_rule_id)
    r.Error("promotion_rule_id", "is required for " + format_name + " output" + format_from, "output.format");
}

// Values a spreadsheet would run as formulas (the csv and the mailing file are opened in one).
void WarnFormulas(const Campaign& c, Reporter& r) {
  const auto& a = c.coupon;
  if (a.reference && LooksLikeFormula(*a.reference)) r.Warn("coupon.reference", FormulaWarning(*a.reference));
  if (a.reference_origin && LooksLikeFormula(*a.reference_origin))
    r.Warn("coupon.reference_origin", FormulaWarning(*a.reference_origin));
  for (size_t i = 0; i < a.tags.size(); ++i)
    if (LooksLikeFormula(a.tags[i])) r.Warn("coupon.tags", "tag " + std::to_string(i + 1) + " " + FormulaWarning(a.tags[i]));
  if (c.codes.fixed && LooksLikeFormula(*c.codes.fixed)) r.Warn("codes.fixed", FormulaWarning(*c.codes.fixed));
  if (!c.codes.pattern && !c.codes.prefix.empty() && LooksLikeFormula(c.codes.prefix))
    r.Warn("codes.prefix", FormulaWarning(c.codes.prefix) + " (every code starts with it)");
}

void PlanAttributes(const Campaign& c, Plan* plan) {
  Coupon& b = plan->base;
  const auto& a = c.coupon;
  b.promotion_rule_id = c.promotion_rule_id;
  b.usage_limit = a.usage_limit;
  b.customer_single_use = a.customer_single_use;
  b.reference = a.reference;
  b.reference_origin = a.reference_origin;
  b.metadata = a.metadata;
  b.tags = a.tags;
  plan->fields = FieldSet::Of(b);
  if (!plan->recipients.empty() || c.recipients.file || !c.recipients.emails.empty())
    plan->fields.Add(Field::kRecipientEmail);
}

}  // namespace

Plan BuildPlan(const Campaign& c, const PlanOptions& o, Problems* problems) {
  Plan plan;
  Reporter r(c, problems);
  plan.campaign = c.name;
  plan.promotion_name = c.promotion.name;
  PlanShape(c, &plan, r);
  PlanCodeRules(c, &plan, problems);  // codes.check, codes.blocklist: plan.rules and plan.keyspace
  PlanKeyed(c, &plan, r);
  if (c.codes.fixed) {
    // Everybody gets the one code: recipients only feed the mailing file.
    PlanRecipientsAndCount(c, o, &plan, problems, r);
    PlanFixed(c, o, &plan, r);
  } else {
    PlanRecipientsAndCount(c, o, &plan, problems, r);
  }
  PlanExpiry(c, o, &plan, r);
  PlanOutput(c, o, &plan, r);
  PlanMailing(c, &plan, r);
  WarnFormulas(c, r);
  PlanAttributes(c, &plan);
  if (plan.fixed_code) plan.fields = FieldSet::Of(plan.base);  // one coupon, for everybody: no recipient_email
  for (const auto& e : c.codes.exclude) plan.exclude_paths.push_back(Resolve(c.dir, e));
  for (const auto& e : o.extra_excludes) plan.exclude_paths.push_back(e);
  if (o.ledger) plan.ledger_path = o.ledger;
  else if (c.ledger && (c.ledger->starts_with("postgresql://") || c.ledger->starts_with("postgres://")))
    plan.ledger_path = c.ledger;  // a PostgreSQL URI, not a path relative to the spec
  else if (c.ledger) plan.ledger_path = Resolve(c.dir, *c.ledger);

  if (c.promotion.total_usage_limit && c.coupon.usage_limit && plan.count > 0) {
    long double uses = static_cast<long double>(plan.count) * static_cast<long double>(*c.coupon.usage_limit);
    if (uses > static_cast<long double>(*c.promotion.total_usage_limit))
      r.Warn("promotion.total_usage_limit",
             "is " + WithThousands(*c.promotion.total_usage_limit) + " but " + WithThousands(plan.count) + " codes x usage_limit " +
                 std::to_string(*c.coupon.usage_limit) + " allow " + WithThousands(static_cast<unsigned long long>(uses)) +
                 " uses: the promotion will run out first");
  }
  if (plan.count > 0 && plan.keyspace.size > 0 && !HasErrors(*problems) && !plan.fixed_code) {
    long double odds = plan.keyspace.GuessOdds(plan.count);
    if (odds > kGuessOddsWarning && static_cast<long double>(plan.count) * 2 <= plan.keyspace.size)
      r.Warn(c.codes.pattern ? "codes.pattern" : "codes.length",
             "one random guess hits a valid code with odds " + OddsText(odds) +
                 " (above 1 in 1,000,000): use longer codes or a larger alphabet");
  }
  return plan;
}

Status CheckFeasibility(const Plan& plan, uint64_t taken) {
  if (plan.fixed_code) return Status::Ok();  // one shared code, not drawn from a keyspace
  long double need = static_cast<long double>(plan.count) + static_cast<long double>(taken);
  if (need * 2 > plan.keyspace.size) {
    std::string msg = "cannot make " + WithThousands(plan.count) + " unique codes: shape " + ShapeText(plan) +
                      " has " + KeyspaceText(plan);
    if (taken) msg += ", " + WithThousands(taken) + " already taken by exclusions and the ledger";
    msg += ", and at most half the keyspace may be used: make codes longer or the alphabet larger";
    return Status::Infeasible(msg);
  }
  return Status::Ok();
}

}  // namespace coupongen
