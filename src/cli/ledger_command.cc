// coupongen ledger: look up, count and export the codes a ledger has issued.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "base/exit_codes.h"
#include "base/strings.h"
#include "cli/command.h"
#include "cli/output.h"
#include "cli/spec_loading.h"
#include "cli/summary.h"
#include "io/coupon_writer.h"
#include "ledger/ledger.h"

namespace coupongen {

po::options_description LedgerCommandOptions() {
  po::options_description d("Options");
  d.add_options()
      ("action", po::value<std::string>()->required(), "find | stats | export")
      ("codes", po::value<std::vector<std::string>>(), "find: the codes to look up")
      ("ledger", po::value<std::string>()->value_name("DB"), "the ledger database: a SQLite file, or a postgresql:// URI")
      ("spec", po::value<std::string>()->value_name("SPEC"), "use the ledger SPEC names ('ledger:'; --ledger overrides)")
      ("json", "find, stats: print one JSON object")
      ("format,f", po::value<std::string>()->value_name("FORMAT"), "export: csv | json | jsonapi | imports")
      ("output,o", po::value<std::string>()->value_name("PATH")->default_value("-"), "export: write here ('-' = stdout)")
      ("campaign", po::value<std::string>()->value_name("NAME"), "export: only this campaign's codes")
      ("since", po::value<std::string>()->value_name("TIME"), "export: only codes issued at or after TIME (ISO 8601)")
      ("until", po::value<std::string>()->value_name("TIME"), "export: only codes issued at or before TIME (ISO 8601)")
      ("force", "export: replace an existing output file")
      ("quiet,q", "print nothing but errors");
  return d;
}

namespace {

using nlohmann::json;

// A code's upload state (upload --ledger), for `ledger find`.
std::string UploadText(const std::optional<CodeUploadState>& u) {
  if (!u) return "not sent to Commerce Layer with this ledger";
  std::string when = " ";  // appended: GCC 12 warns falsely (-Wrestrict, Release) on " " + ...
  when.append(FormatTimestamp(u->updated_at));
  if (!u->reference.empty()) when.append(" in import ").append(u->reference);
  switch (u->state) {
    case UploadState::kUploaded: return "uploaded" + when;
    case UploadState::kRefused: return "refused" + when + ": " + u->message;
    case UploadState::kNotSent: break;
  }
  return "not sent" + when + (u->message.empty() ? "" : ": " + u->message);
}

json UploadJson(const std::optional<CodeUploadState>& u) {
  if (!u) return {{"state", "not_sent"}, {"recorded", false}};
  json j = {{"state", UploadStateName(u->state)}, {"recorded", true}, {"at", FormatTimestamp(u->updated_at)}};
  if (!u->reference.empty()) j["reference"] = u->reference;
  if (!u->message.empty()) j["message"] = u->message;
  return j;
}

int Find(Ledger& ledger, const std::vector<std::string>& codes, bool as_json, Context& ctx, Diagnostics& diag) {
  if (codes.empty()) return diag.Fail(Status::Usage("ledger find: give the codes to look up"));
  bool all_found = true;
  SummaryRows rows;
  json found = json::array();
  for (const auto& code : codes) {
    auto entry = ledger.Find(code);
    if (!entry.ok()) return diag.Fail(entry.status());
    if (!*entry) {
      all_found = false;
      rows.push_back({code, "not issued through this ledger"});
      found.push_back({{"code", code}, {"issued", false}});
      continue;
    }
    const LedgerEntry& e = **entry;
    auto upload = ledger.UploadStateOf(code);
    if (!upload.ok()) return diag.Fail(upload.status());
    rows.push_back({code, "issued " + FormatTimestamp(e.issued_at) + " for campaign " + e.campaign +
                              (e.promotion_rule_id.empty() ? "" : " (promotion rule " + e.promotion_rule_id + ")") +
                              " into " + (e.output_path == "-" ? "stdout" : e.output_path) +
                              (e.code != code ? " as " + e.code : "") +
                              (e.delivered ? "" : " (reserved, never delivered: the run failed before its output was in place)") +
                              "; " + UploadText(*upload)});
    json j = {{"code", code},          {"issued", true},        {"issued_as", e.code},
              {"campaign", e.campaign}, {"issued_at", FormatTimestamp(e.issued_at)},
              {"output_path", e.output_path}, {"delivered", e.delivered}};
    if (!e.promotion_rule_id.empty()) j["promotion_rule_id"] = e.promotion_rule_id;
    j["upload"] = UploadJson(*upload);
    found.push_back(std::move(j));
  }
  if (as_json)
    ctx.out << json{{"ledger", ledger.path()}, {"codes", std::move(found)}}.dump(2) << '\n';
  else
    ctx.out << FormatRows(rows);
  return all_found ? kExitSuccess : kExitInvalid;
}

// `ledger stats`' upload counts: "120 uploaded, 2 refused, 78 not sent (30 of them left by
// unfinished imports)".
std::string UploadCounts(uint64_t uploaded, uint64_t refused, uint64_t not_sent, uint64_t unfinished) {
  return WithThousands(uploaded) + " uploaded, " + WithThousands(refused) + " refused, " + WithThousands(not_sent) +
         " not sent" + (unfinished ? " (" + WithThousands(unfinished) + " of them left by unfinished imports)" : "");
}

// One campaign of `ledger stats`, as a text row and as JSON.
SummaryRows::value_type StatsRow(const CampaignStats& s) {
  return {s.campaign, WithThousands(s.count) + " codes" + (s.keyed ? " (" + WithThousands(s.keyed) + " keyed)" : "") +
                          (s.undelivered ? ", " + WithThousands(s.undelivered) + " undelivered" : "") + ", " +
                          FormatTimestamp(s.first_issued_at) + " .. " + FormatTimestamp(s.last_issued_at) + "; " +
                          UploadCounts(s.uploaded, s.refused, s.not_uploaded(), s.not_sent)};
}

json StatsJson(const CampaignStats& s) {
  return {{"campaign", s.campaign},
          {"codes", s.count},
          {"keyed", s.keyed},
          {"delivered", s.count - s.undelivered},
          {"undelivered", s.undelivered},
          {"first_issued_at", FormatTimestamp(s.first_issued_at)},
          {"last_issued_at", FormatTimestamp(s.last_issued_at)},
          {"uploaded", s.uploaded},
          {"refused", s.refused},
          {"not_sent", s.not_uploaded()},
          {"not_sent_unfinished", s.not_sent}};
}

int Stats(Ledger& ledger, bool as_json, Context& ctx, Diagnostics& diag) {
  auto stats = ledger.Stats();
  if (!stats.ok()) return diag.Fail(stats.status());
  SummaryRows rows;
  uint64_t total = 0, undelivered = 0, uploaded = 0, refused = 0, not_sent = 0;
  json campaigns = json::array();
  for (const auto& s : *stats) {
    total += s.count;
    undelivered += s.undelivered;
    uploaded += s.uploaded;
    refused += s.refused;
    not_sent += s.not_uploaded();
    rows.push_back(StatsRow(s));
    campaigns.push_back(StatsJson(s));
  }
  if (as_json) {
    ctx.out << json{{"ledger", ledger.path()},
                    {"campaigns", std::move(campaigns)},
                    {"total", {{"codes", total}, {"undelivered", undelivered}, {"campaigns", stats->size()},
                               {"uploaded", uploaded}, {"refused", refused}, {"not_sent", not_sent}}}}
                   .dump(2)
            << '\n';
    return kExitSuccess;
  }
  rows.push_back({"total", WithThousands(total) + " codes in " + WithThousands(stats->size()) +
                               (stats->size() == 1 ? " campaign" : " campaigns") +
                               (undelivered ? ", " + WithThousands(undelivered) + " undelivered" : "") + "; " +
                               UploadCounts(uploaded, refused, not_sent, 0)});
  ctx.out << FormatRows(rows);
  return kExitSuccess;
}

struct ExportFilter {
  std::optional<std::string> campaign;
  std::optional<TimeMs> since, until;
  bool Keeps(const LedgerEntry& e) const {
    return (!campaign || e.campaign == *campaign) && (!since || e.issued_at >= *since) && (!until || e.issued_at <= *until);
  }
};

// --since/--until: ISO 8601 times, as everywhere (a usage error when unreadable).
Status ReadTime(const po::variables_map& vm, const char* name, std::optional<TimeMs>* out) {
  if (!vm.count(name)) return Status::Ok();
  std::string error;
  *out = ParseTimestamp(vm[name].as<std::string>(), &error);
  if (*out) return Status::Ok();
  return Status::Usage(std::string("ledger export: --") + name + ": " + error);
}

struct ExportArgs {
  OutputFormat format = OutputFormat::kCsv;
  ExportFilter filter;
  std::string path;
  bool force = false;
};

Result<ExportArgs> ReadExportArgs(const po::variables_map& vm) {
  if (!vm.count("format")) return Status::Usage("ledger export: -f FORMAT is required");
  auto format = ParseFormat(vm["format"].as<std::string>());
  if (!format) return Status::Usage("ledger export: -f: use csv, json, jsonapi or imports");
  ExportArgs o;
  o.format = *format;
  if (vm.count("campaign")) o.filter.campaign = vm["campaign"].as<std::string>();
  COUPONGEN_RETURN_IF_ERROR(ReadTime(vm, "since", &o.filter.since));
  COUPONGEN_RETURN_IF_ERROR(ReadTime(vm, "until", &o.filter.until));
  o.path = vm["output"].as<std::string>();
  o.force = vm.count("force") > 0;
  return o;
}

// The columns: code, and the promotion rule when any code has one. jsonapi and imports need it
// on every code; an imports document has one parent rule, so imports take one rule's codes.
Result<WriterOptions> ExportColumns(Ledger& ledger, const ExportArgs& o) {
  WriterOptions wo;
  wo.format = o.format;
  wo.campaign = o.filter.campaign.value_or("ledger-export");
  bool without_rule = false;
  std::vector<std::string> rules;
  COUPONGEN_RETURN_IF_ERROR(ledger.ForEachEntry([&](const LedgerEntry& e) {
    if (!o.filter.Keeps(e)) return Status::Ok();
    if (e.promotion_rule_id.empty()) without_rule = true;
    else if (std::find(rules.begin(), rules.end(), e.promotion_rule_id) == rules.end() && rules.size() < 2)
      rules.push_back(e.promotion_rule_id);
    return Status::Ok();
  }));
  if (without_rule && (o.format == OutputFormat::kJsonApi || o.format == OutputFormat::kImports))
    return Status::Invalid("ledger export: some codes have no promotion rule, which " + std::string(FormatName(o.format)) +
                           " needs: export as csv or json, or choose a campaign with --campaign");
  if (o.format == OutputFormat::kImports && rules.size() > 1)
    return Status::Invalid("ledger export: the codes belong to more than one promotion rule (" + rules[0] + ", " +
                           rules[1] + ", ...), and an imports document has one parent: "
                           "export one campaign at a time with --campaign");
  if (!rules.empty()) {
    wo.fields.Add(Field::kPromotionRuleId);
    wo.parent_rule_id = rules[0];
  }
  return wo;
}

// The filtered entries written through `wo`: how many.
Result<uint64_t> WriteExport(Ledger& ledger, const ExportArgs& o, const WriterOptions& wo, Output& out) {
  auto writer = MakeCouponWriter(wo, *out.sink);
  Coupon c;
  uint64_t n = 0;
  COUPONGEN_RETURN_IF_ERROR(ledger.ForEachEntry([&](const LedgerEntry& e) {
    if (!o.filter.Keeps(e)) return Status::Ok();
    c.code = e.code;
    c.promotion_rule_id = e.promotion_rule_id.empty() ? std::nullopt : std::optional(e.promotion_rule_id);
    ++n;
    return writer->Write(c);
  }));
  COUPONGEN_RETURN_IF_ERROR(writer->Finish());
  COUPONGEN_RETURN_IF_ERROR(out.Close());
  COUPONGEN_RETURN_IF_ERROR(out.Commit());
  return n;
}

int Export(Ledger& ledger, const po::variables_map& vm, Context& ctx, Diagnostics& diag) {
  auto options = ReadExportArgs(vm);
  if (!options.ok()) return diag.Fail(options.status());
  auto columns = ExportColumns(ledger, *options);
  if (!columns.ok()) return diag.Fail(columns.status());
  RunFiles inputs;
  inputs.AddLedger(ledger.path());
  if (Status c = CheckOutputsAreNotInputs({options->path}, inputs); !c.ok()) return diag.Fail(c);
  auto out = OpenOutput(options->path, options->force, ctx);
  if (!out.ok()) return diag.Fail(out.status());
  auto n = WriteExport(ledger, *options, *columns, *out);
  if (!n.ok()) return diag.Fail(n.status());
  diag.Info("coupongen: exported " + WithThousands(*n) + " codes to " + out->Describe(options->path));
  return kExitSuccess;
}

// --ledger DB, else the ledger the spec names (--spec SPEC); a usage error without either.
Result<std::string> LedgerPath(const po::variables_map& vm, Context& ctx) {
  if (vm.count("ledger")) return vm["ledger"].as<std::string>();
  if (!vm.count("spec")) return Status::Usage("ledger: give the ledger with --ledger DB or --spec SPEC");
  auto spec = LoadSpec(vm, PlanOptions{}, ctx);
  if (!spec.ok()) return spec.status();
  if (!spec->plan.ledger_path)
    return Status::Usage("ledger: " + vm["spec"].as<std::string>() +
                         " names no ledger ('ledger:' at its top): give it with --ledger DB");
  return *spec->plan.ledger_path;
}

}  // namespace

int RunLedger(const po::variables_map& vm, Context& ctx) {
  Diagnostics diag(ctx.err, vm.count("quiet") > 0);
  const std::string action = vm["action"].as<std::string>();
  std::vector<std::string> args = vm.count("codes") ? vm["codes"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (action != "find" && action != "stats" && action != "export") {
    std::string hint = ClosestMatch(action, {"find", "stats", "export"});
    diag.Error("ledger: unknown action '" + action + "' (use find, stats or export)" +
               (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
    return kExitUsage;
  }
  if (action != "find" && !args.empty()) return diag.Fail(Status::Usage("ledger " + action + ": unexpected argument '" + args[0] + "'"));
  const bool as_json = vm.count("json") > 0;
  if (as_json && action == "export")
    return diag.Fail(Status::Usage("ledger export: --json is for find and stats (export takes -f json)"));
  if (action != "export")
    for (const char* only : {"campaign", "since", "until", "format"})
      if (vm.count(only)) return diag.Fail(Status::Usage("ledger " + action + ": --" + only + " is for export"));
  auto path = LedgerPath(vm, ctx);
  if (!path.ok()) return diag.Fail(path.status());
  LedgerOptions options;
  options.create_if_missing = false;  // querying a ledger that is not there is an error
  auto ledger = Ledger::Open(*path, options);
  if (!ledger.ok()) return diag.Fail(Status::IoError("ledger " + ledger.status().message()));
  if (action == "find") return Find(**ledger, args, as_json, ctx, diag);
  if (action == "stats") return Stats(**ledger, as_json, ctx, diag);
  return Export(**ledger, vm, ctx, diag);
}

}  // namespace coupongen
