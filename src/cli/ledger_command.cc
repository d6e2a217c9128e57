// coupongen ledger: look up and export the codes a ledger has issued.
#include "base/exit_codes.h"
#include "base/strings.h"
#include "cli/command.h"
#include "cli/output.h"
#include "cli/summary.h"
#include "io/coupon_writer.h"
#include "ledger/ledger.h"

namespace coupongen {

po::options_description LedgerCommandOptions() {
  po::options_description d("Options");
  d.add_options()
      ("action", po::value<std::string>()->required(), "find | stats | export")
      ("codes", po::value<std::vector<std::string>>(), "find: the codes to look up")
      ("ledger", po::value<std::string>()->required()->value_name("DB"), "the ledger database")
      ("format,f", po::value<std::string>()->value_name("FORMAT"), "export: csv | json | jsonapi | imports")
      ("output,o", po::value<std::string>()->value_name("PATH")->default_value("-"), "export: write here ('-' = stdout)")
      ("force", "export: replace an existing output file")
      ("quiet,q", "print nothing but errors");
  return d;
}

namespace {

int Find(Ledger& ledger, const std::vector<std::string>& codes, Context& ctx, Diagnostics& diag) {
  if (codes.empty()) return diag.Fail(Status::Usage("ledger find: give the codes to look up"));
  bool all_found = true;
  SummaryRows rows;
  for (const auto& code : codes) {
    auto entry = ledger.Find(code);
    if (!entry.ok()) return diag.Fail(entry.status());
    if (!*entry) {
      all_found = false;
      rows.push_back({code, "not issued through this ledger"});
      continue;
    }
    const LedgerEntry& e = **entry;
    rows.push_back({code, "issued " + FormatTimestamp(e.issued_at) + " for campaign " + e.campaign +
                              (e.promotion_rule_id.empty() ? "" : " (promotion rule " + e.promotion_rule_id + ")") +
                              " into " + (e.output_path == "-" ? "stdout" : e.output_path) +
                              (e.code != code ? " as " + e.code : "")});
  }
  ctx.out << FormatRows(rows);
  return all_found ? kExitSuccess : kExitInvalid;
}

int Stats(Ledger& ledger, Context& ctx, Diagnostics& diag) {
  auto stats = ledger.Stats();
  if (!stats.ok()) return diag.Fail(stats.status());
  SummaryRows rows;
  uint64_t total = 0;
  for (const auto& s : *stats) {
    total += s.count;
    rows.push_back({s.campaign, WithThousands(s.count) + " codes, " + FormatTimestamp(s.first_issued_at) + " .. " +
                                    FormatTimestamp(s.last_issued_at)});
  }
  rows.push_back({"total", WithThousands(total) + " codes in " + WithThousands(stats->size()) +
                               (stats->size() == 1 ? " campaign" : " campaigns")});
  ctx.out << FormatRows(rows);
  return kExitSuccess;
}

int Export(Ledger& ledger, const po::variables_map& vm, Context& ctx, Diagnostics& diag) {
  if (!vm.count("format")) return diag.Fail(Status::Usage("ledger export: -f FORMAT is required"));
  auto format = ParseFormat(vm["format"].as<std::string>());
  if (!format) return diag.Fail(Status::Usage("ledger export: -f: use csv, json, jsonapi or imports"));
  // The columns: code, and the promotion rule when any code has one. jsonapi and imports need it.
  WriterOptions wo;
  wo.format = *format;
  wo.campaign = "ledger-export";
  bool with_rule = false, without_rule = false;
  Status s = ledger.ForEachEntry([&](const LedgerEntry& e) {
    (e.promotion_rule_id.empty() ? without_rule : with_rule) = true;
    return Status::Ok();
  });
  if (!s.ok()) return diag.Fail(s);
  if (without_rule && (*format == OutputFormat::kJsonApi || *format == OutputFormat::kImports))
    return diag.Fail(Status::Invalid("ledger export: some codes have no promotion rule, which " +
                                     std::string(FormatName(*format)) + " needs: export as csv or json"));
  if (with_rule) wo.fields.Add(Field::kPromotionRuleId);
  const std::string path = vm["output"].as<std::string>();
  RunFiles inputs;
  inputs.AddLedger(ledger.path());
  if (Status c = CheckOutputsAreNotInputs({path}, inputs); !c.ok()) return diag.Fail(c);
  auto out = OpenOutput(path, vm.count("force") > 0, ctx);
  if (!out.ok()) return diag.Fail(out.status());
  auto writer = MakeCouponWriter(wo, *out->sink);
  Coupon c;
  uint64_t n = 0;
  s = ledger.ForEachEntry([&](const LedgerEntry& e) {
    c.code = e.code;
    c.promotion_rule_id = e.promotion_rule_id.empty() ? std::nullopt : std::optional(e.promotion_rule_id);
    ++n;
    return writer->Write(c);
  });
  if (s.ok()) s = writer->Finish();
  if (s.ok()) s = out->Close();
  if (s.ok()) s = out->Commit();
  if (!s.ok()) return diag.Fail(s);
  diag.Info("coupongen: exported " + WithThousands(n) + " codes to " + out->Describe(path));
  return kExitSuccess;
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
  LedgerOptions options;
  options.create_if_missing = false;  // querying a ledger that is not there is an error
  auto ledger = Ledger::Open(vm["ledger"].as<std::string>(), options);
  if (!ledger.ok()) return diag.Fail(Status::IoError("ledger " + ledger.status().message()));
  if (action == "find") return Find(**ledger, args, ctx, diag);
  if (action == "stats") return Stats(**ledger, ctx, diag);
  return Export(**ledger, vm, ctx, diag);
}

}  // namespace coupongen
