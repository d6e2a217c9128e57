#include "cli/keyed_run.h"

#include "base/exit_codes.h"
#include "base/strings.h"
#include "io/atomic_file.h"

namespace coupongen {
namespace {

Problem KeyFileProblem(const Campaign& c, const std::string& message) {
  Mark m = c.MarkOf("codes.key_file");
  Problem p;
  p.where = m.line ? c.file + ":" + std::to_string(m.line) + ":" + std::to_string(m.column) : c.file;
  p.key = "codes.key_file";
  p.message = message;
  p.line = m.line;
  p.column = m.column;
  return p;
}

std::string ShardText(Shard s) { return std::to_string(s.index) + "/" + std::to_string(s.count); }

}  // namespace

Status CheckModeOptions(const Plan& plan, const KeyedFlags& flags, bool seed) {
  if (plan.mode == CodeMode::kKeyed) {
    if (seed)
      return Status::Usage("generate: --seed cannot be used in keyed mode: the key decides every code (the same key "
                           "and range always give the same codes)");
    return Status::Ok();
  }
  const char* option = flags.range ? "--range" : flags.shard ? "--shard" : flags.create_key ? "--create-key" : nullptr;
  if (option)
    return Status::Usage(std::string("generate: ") + option +
                         " needs keyed mode ('mode: keyed' under codes in the spec): random codes cannot be split "
                         "or reproduced without a key");
  return Status::Ok();
}

std::optional<SecretKey> LoadCampaignKey(const LoadedSpec& spec, bool create, RandomSource& random, bool* created,
                                         Problems* problems, Status* failure) {
  const std::string& path = *spec.plan.key_file;
  *created = false;
  auto key = create ? LoadOrCreateKeyFile(path, random, created) : LoadKeyFile(path);
  if (key.ok()) return std::move(key).value();
  if (create && !PathExists(path)) {
    *failure = key.status();  // could not create it: a run-time failure
    return std::nullopt;
  }
  problems->push_back(KeyFileProblem(spec.campaign, key.status().message()));
  return std::nullopt;
}

std::optional<KeyedRun> PrepareKeyedRun(LoadedSpec* spec, const KeyedFlags& flags, Context& ctx, Diagnostics& diag,
                                        int* exit_code) {
  Plan& plan = spec->plan;
  auto fail = [&](const Status& s) -> std::optional<KeyedRun> {
    *exit_code = diag.Fail(s);
    return std::nullopt;
  };

  // 1. The key: loaded, or created on first use when --create-key asks.
  bool created = false;
  Problems problems;
  Status failure;
  auto key = LoadCampaignKey(*spec, flags.create_key, ctx.random, &created, &problems, &failure);
  if (!failure.ok()) return fail(failure);
  if (!key) {
    diag.ReportAll(problems, spec->campaign.text);
    *exit_code = kExitInvalid;
    return std::nullopt;
  }

  // 2. The run and this process's part of it.
  SequenceRange run = flags.range.value_or(SequenceRange{0, plan.count});
  SequenceRange part = run;
  if (flags.shard) {
    if (flags.shard->count > run.count)
      return fail(Status::Usage("generate: --shard " + ShardText(*flags.shard) + ": the run has " +
                                WithThousands(run.count) + " codes, fewer than " + std::to_string(flags.shard->count) +
                                " shards"));
    part = ShardOf(run, *flags.shard);
  }

  // 3. The generator. The whole run must fit the keyspace, so every shard of a run that does not
  //    fails alike (exit 4), not only the last one.
  auto generator = KeyedGenerator::Create(plan.shape, plan.alphabet, key->bytes(), plan.campaign, run);
  if (generator.ok() && part != run)
    generator = KeyedGenerator::Create(plan.shape, plan.alphabet, key->bytes(), plan.campaign, part);
  if (!generator.ok()) return fail(generator.status());

  // 4. From here the plan describes this part: its count, and the recipients of its numbers.
  if (!plan.recipients.empty()) {
    auto first = plan.recipients.begin() + static_cast<std::ptrdiff_t>(part.start - run.start);
    plan.recipients = std::vector<std::string>(first, first + static_cast<std::ptrdiff_t>(part.count));
  }
  plan.count = part.count;
  return KeyedRun{std::move(generator).value(), run, part, flags.shard, KeyId(key->bytes()), created};
}

SummaryRows KeyedSummaryRows(const KeyedRun& r, const Plan& plan) {
  std::string sequence = RangeText(r.range);
  if (r.shard) sequence += " (shard " + ShardText(*r.shard) + " of " + RangeText(r.run) + ")";
  if (r.generator.skipped())
    sequence += ", " + WithThousands(r.generator.skipped()) + " skipped (their codes are excluded)";
  std::string key = r.key_id + " (" + plan.key_file.value_or("") + (r.key_created ? ", created now, mode 0600" : "") + ")";
  return {{"sequence", sequence}, {"key", key}};
}

}  // namespace coupongen
