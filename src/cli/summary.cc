#include "cli/summary.h"

#include <cmath>
#include <cstdio>

#include "base/strings.h"

namespace coupongen {

namespace {
std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}
// "0.0123%" (three significant digits).
std::string Percent(long double fraction) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3Lg%%", fraction * 100);
  return buf;
}

std::string CheckText(const Plan& p) {
  const CheckCharacter* c = p.rules.check();
  if (!c) return "none";
  return "the last character (" + c->group_name() + "): catches every mistyped character and every swap of neighbours";
}

std::string BlocklistText(const Plan& p) {
  const BlocklistSpec& spec = p.rules.blocklist_spec();
  if (spec.empty()) return "none";
  std::string from;
  if (spec.builtin)
    from = "built-in (" + WithThousands(BuiltinBlockedWords().size()) + " words, " +
           std::to_string(BuiltinBlocklistLanguages().size()) + " languages)";
  if (!spec.file.empty())
    from += (from.empty() ? "" : " + ") + WithThousands(spec.extra.size()) + " words from " + spec.file;
  const BlockedShare& share = p.rules.share();
  const long double removed = share.removed_fraction();
  return from + "; " + WithThousands(p.rules.blocklist().word_count()) + " spellable with this alphabet, removing " +
         (removed > 0 ? Percent(removed) + " of codes" : std::string("no codes")) + (share.exact ? "" : " (estimated)");
}

}  // namespace

std::string Seconds(double s) { return s < 1 ? Fixed(s * 1000, 0) + " ms" : Fixed(s, 2) + " s"; }

SummaryRows PlanSummary(const Plan& p) {
  SummaryRows rows;
  rows.push_back({"campaign", p.campaign + (p.promotion_name ? " (" + *p.promotion_name + ")" : "")});
  rows.push_back({"count", WithThousands(p.count) + (p.recipients.empty() ? "" : " (one per recipient)")});
  if (p.mode == CodeMode::kKeyed) rows.push_back({"mode", "keyed (key file " + p.key_file.value_or("?") + ")"});
  const size_t check = p.rules.check_length();
  rows.push_back({"code shape", p.shape.Display() + " (" + std::to_string(p.shape.length()) + " characters, " +
                                    std::to_string(p.shape.random_length() - check) + " random" +
                                    (check ? " + 1 check" : "") + ")"});
  rows.push_back({"alphabet", p.alphabet.symbols() + " (" + std::to_string(p.alphabet.size()) + " symbols" +
                                  (p.alphabet.mixed_case() ? ", " + std::to_string(p.alphabet.folded_size()) + " ignoring case" : "") + ")"});
  rows.push_back({"check", CheckText(p)});
  rows.push_back({"blocklist", BlocklistText(p)});
  rows.push_back({"keyspace", p.keyspace.SizeText() + " codes (ignoring case)"});
  rows.push_back({"entropy", Fixed(p.keyspace.entropy_bits, 1) + " bits per code"});
  rows.push_back({"guess odds", OddsText(p.keyspace.GuessOdds(p.count)) + " that one random guess hits a valid code"});
  rows.push_back({"expires at", p.expires_at ? FormatTimestamp(*p.expires_at) + " (" + p.expiry_source + ")" : "never (no expiry set)"});
  rows.push_back({"format", FormatName(p.format)});
  rows.push_back({"output", p.output_path == "-" ? "stdout" : p.output_path});
  return rows;
}

std::string FormatRows(const SummaryRows& rows, const std::string& indent) {
  size_t width = 0;
  for (const auto& r : rows) width = std::max(width, r.first.size());
  std::string out;
  for (const auto& r : rows) out += indent + r.first + std::string(width + 2 - r.first.size(), ' ') + r.second + "\n";
  return out;
}

namespace {

nlohmann::json ProblemJson(const Problem& pr) {
  nlohmann::json e = {{"severity", pr.is_error() ? "error" : "warning"}, {"message", pr.message}, {"text", pr.ToString()}};
  if (!pr.key.empty()) e["key"] = pr.key;
  if (pr.line) {
    e["line"] = pr.line;
    e["column"] = pr.column;
  }
  if (!pr.where.empty()) e["where"] = pr.where;
  return e;
}

// The codes' rules: shape, alphabet, check character, blocklist, keyspace.
void AddCodeRules(const Plan& p, nlohmann::json& j) {
  j["code_shape"] = p.shape.Display();
  j["code_length"] = p.shape.length();
  j["random_length"] = p.shape.random_length() - p.rules.check_length();
  j["alphabet"] = p.alphabet.symbols();
  j["alphabet_size"] = p.alphabet.size();
  j["check_character"] = p.rules.check() != nullptr;
  if (p.rules.check()) j["check_group"] = p.rules.check()->group_name();
  const BlocklistSpec& blocklist = p.rules.blocklist_spec();
  j["blocklist_builtin"] = blocklist.builtin;
  j["blocklist_file"] = blocklist.file.empty() ? nlohmann::json(nullptr) : nlohmann::json(blocklist.file);
  j["blocklist_words"] = p.rules.blocklist().word_count();  // those the alphabet can spell
  j["blocklist_removed_fraction"] = static_cast<double>(p.rules.share().removed_fraction());
  j["blocklist_removed_exact"] = p.rules.share().exact;
  j["keyspace_before_blocklist"] = static_cast<double>(p.rules.share().total);
  j["keyspace"] = static_cast<double>(p.keyspace.size);
  j["entropy_bits"] = std::round(p.keyspace.entropy_bits * 100) / 100;
  j["guess_odds"] = static_cast<double>(p.keyspace.GuessOdds(p.count));
  j["guess_odds_text"] = OddsText(p.keyspace.GuessOdds(p.count));
}

}  // namespace

nlohmann::json PlanJson(const Plan& p, const Problems& problems) {
  nlohmann::json j;
  int errors = 0, warnings = 0;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& pr : problems) {
    (pr.is_error() ? errors : warnings)++;
    list.push_back(ProblemJson(pr));
  }
  j["valid"] = errors == 0;
  j["campaign"] = p.campaign;
  if (p.promotion_name) j["promotion"] = *p.promotion_name;
  j["count"] = p.count;
  j["mode"] = p.mode == CodeMode::kKeyed ? "keyed" : "random";
  if (p.key_file) j["key_file"] = *p.key_file;
  AddCodeRules(p, j);
  j["expires_at"] = p.expires_at ? nlohmann::json(FormatTimestamp(*p.expires_at)) : nlohmann::json(nullptr);
  if (p.expires_at) j["expiry_source"] = p.expiry_source;
  j["format"] = FormatName(p.format);
  j["output"] = p.output_path;
  j["errors"] = errors;
  j["warnings"] = warnings;
  j["problems"] = list;
  return j;
}

}  // namespace coupongen
