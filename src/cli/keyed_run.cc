#include "cli/keyed_run.h"

#include "base/strings.h"

namespace coupongen {

Result<KeyedLedgerLookup> KeyedLedgerLookup::Open(const LoadedSpec& spec, Ledger& ledger, Context& ctx,
                                                  Diagnostics& diag) {
  const Plan& plan = spec.plan;
  bool created = false;
  Problems problems;
  Status failure;
  auto key = LoadCampaignKey(spec, false, ctx.random, ctx.env, &created, &problems, &failure);
  if (!key) {
    diag.ReportAll(problems, spec.campaign.text);
    return Status::Reported(Status::Code::kInvalid);
  }
  auto generator = KeyedGenerator::Create(plan.shape, plan.alphabet, key->bytes(), plan.campaign, {0, 1}, &plan.rules);
  if (!generator.ok()) return generator.status();
  const std::string key_id = KeyId(key->bytes());
  std::vector<LedgerRange> ranges;
  Status s = ledger.ForEachRange([&](const LedgerRange& r) {
    if (r.campaign == plan.campaign && r.key_id == key_id) ranges.push_back(r);
    return Status::Ok();
  });
  if (!s.ok()) return Status::IoError("check: --ledger: " + s.message());
  return KeyedLedgerLookup(std::move(generator).value(), std::move(ranges));
}

std::optional<LedgerRange> KeyedLedgerLookup::Find(std::string_view code) {
  auto n = generator_.SequenceOf(code);
  if (!n) return std::nullopt;
  for (const auto& r : ranges_)
    if (*n >= r.start && *n - r.start < r.count) return r;
  return std::nullopt;
}

SummaryRows KeyedSummaryRows(const KeyedFacts& r, const Ledger* ledger, const Plan& plan) {
  std::string sequence = RangeText(r.range);
  if (r.shard) sequence += " (shard " + ShardText(*r.shard) + " of " + RangeText(r.run) + ")";
  if (r.skipped)
    sequence += ", " + WithThousands(r.skipped) + " skipped (their codes are excluded or issued)";
  if (ledger) sequence += ", recorded in " + ledger->path();
  std::string key = r.key_id + " (" + plan.key_file.value_or("") + (r.key_created ? ", created now, mode 0600" : "") + ")";
  return {{"sequence", sequence}, {"key", key}};
}

}  // namespace coupongen
