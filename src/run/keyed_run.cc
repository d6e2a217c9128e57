#include "run/keyed_run.h"

#include <algorithm>

#include "base/strings.h"
#include "ledger/rules_record.h"
#include "run/taken_codes.h"

namespace coupongen {
namespace {

// A problem located at `key` in the spec, or at the first of `fallbacks` the spec sets, or at the
// file (a key left to its default has no place).
Problem LocatedProblem(const Campaign& c, const std::string& key, const std::string& message,
                    std::initializer_list<const char*> fallbacks = {}) {
  Mark m = c.MarkOf(key);
  for (const char* other : fallbacks)
    if (!m.line) m = c.MarkOf(other);
  return ProblemAt(c.file, m.line, m.column, key, message);
}

Problem KeyFileProblem(const Campaign& c, const std::string& message) { return LocatedProblem(c, "codes.key_file", message); }

// What the ledger holds for one campaign and key.
struct IssuedRanges {
  std::vector<SequenceRange> ranges;
  std::vector<LedgerRange> recorded;  // the same, as the ledger holds them (with their code rules)
  uint64_t next = 0;             // one past the highest number issued: where the next run starts
  std::string other_key_id;      // a key the campaign's ranges were issued under, if not this one
};

Result<IssuedRanges> FindIssuedRanges(Ledger& ledger, const std::string& campaign, const std::string& key_id) {
  IssuedRanges out;
  Status s = ledger.ForEachRange([&](const LedgerRange& r) {
    if (r.campaign == campaign && r.key_id == key_id) {
      out.ranges.push_back({r.start, r.count});
      out.recorded.push_back(r);
      out.next = std::max(out.next, r.start + r.count);  // the ledger keeps start + count <= 2^63 - 1
    } else if (r.campaign == campaign) {
      out.other_key_id = r.key_id;
    }
    return Status::Ok();
  });
  if (!s.ok()) return Status::IoError("ledger " + s.message());
  return out;
}

// How many issued numbers lie outside `run` (those inside are part of this run's count).
uint64_t IssuedOutside(const IssuedRanges& issued, SequenceRange run) {
  const unsigned __int128 run_end = static_cast<unsigned __int128>(run.start) + run.count;
  uint64_t outside = 0;
  for (const auto& r : issued.ranges) {
    const unsigned __int128 end = static_cast<unsigned __int128>(r.start) + r.count;
    const unsigned __int128 lo = std::max<unsigned __int128>(r.start, run.start), hi = std::min(end, run_end);
    outside += r.count - static_cast<uint64_t>(hi > lo ? hi - lo : 0);
  }
  return outside;
}

// The contract's rule for keyed runs: the code rules of a campaign and key never change, since the
// same sequence numbers would map to other codes (some of them issued already). Compares this
// run's rules with those of the latest recorded run that differs; each changed field is one
// problem at its place in the spec (exit 3). Ranges recorded without rules (by a coupongen before
// schema 2, or unreadable) cannot be compared: a warning says so, and this run's rules, recorded
// with its range, bind the runs after it.
bool CheckRulesUnchanged(const LoadedSpec& spec, const Ledger& ledger, const IssuedRanges& issued,
                         const RulesRecord& rules, const std::string& key_id, RunNotices& notices) {
  const LedgerRange* differing = nullptr;
  std::vector<RulesChange> changes;
  uint64_t unknown = 0, known = 0;
  for (const auto& r : issued.recorded) {
    auto then = r.rules.empty() ? std::nullopt : RulesRecord::Parse(r.rules);
    if (!then) {
      ++unknown;
      continue;
    }
    ++known;
    auto found = RulesChanges(rules, *then);
    if (!found.empty() && (!differing || r.issued_at >= differing->issued_at)) {
      differing = &r;
      changes = std::move(found);
    }
  }
  if (unknown && !known)
    notices.Warn("ledger " + ledger.path() + ": " + WithThousands(unknown) + (unknown == 1 ? " earlier run" : " earlier runs") +
                 " of campaign " + spec.plan.campaign + " recorded no code rules (an older coupongen): they cannot be "
                 "compared with this run's; keep the rules they were issued with (this run's are recorded, and later "
                 "runs must match them)");
  if (!differing) return true;
  const Plan& plan = spec.plan;
  for (const auto& c : changes) {
    notices.SpecProblem(LocatedProblem(
        spec.campaign, c.key,
        c.now + " differs from the run recorded in ledger " + ledger.path() + " on " +
            FormatTimestamp(differing->issued_at) + " (" + c.then + ", sequence " +
            RangeText({differing->start, differing->count}) + "): keyed campaign " + plan.campaign + " under key " +
            key_id + " must keep its code rules, or the same sequence numbers give other codes, some already issued; "
            "restore the rules, or use a new campaign name or key",
        {"codes.pattern", "codes.prefix", "codes.suffix", "codes.group", "codes.separator", "codes.length"}));
  }
  return false;
}

// Step 1: the key, loaded, or created on first use when --create-key asks. Its problems are the
// spec's (a Reported status).
Result<SecretKey> CampaignKey(const LoadedSpec& spec, bool create, RandomSource& random, Env* env, bool* created,
                              RunNotices& notices) {
  Problems problems;
  Status failure;
  auto key = LoadCampaignKey(spec, create, random, env, created, &problems, &failure);
  if (!failure.ok()) return failure;
  if (key) return std::move(key).value();
  for (const auto& p : problems) notices.SpecProblem(p);
  return Status::Reported(Status::Code::kInvalid);
}

// Step 2: the ledger's write session, held for the whole run (a second run sharing the ledger
// waits here, then sees the ranges this one issued), and the ranges it holds for the campaign
// and key, issued under the same code rules (exit 3 otherwise).
Result<IssuedRanges> OpenKeyedLedger(const LoadedSpec& spec, const std::string& key_id, const RulesRecord& rules,
                                     RunNotices& notices, LedgerSession* ledger) {
  const Plan& plan = spec.plan;
  auto opened = LedgerSession::Open(*plan.ledger_path, notices);
  if (!opened.ok()) return opened.status();
  *ledger = std::move(opened).value();
  auto issued = FindIssuedRanges(*ledger->ledger, plan.campaign, key_id);
  if (!issued.ok()) return issued.status();
  // Codes are unique only within one campaign and key: a campaign issued under another key is
  // the wrong key file (a machine that made its own instead of copying the campaign's).
  if (!issued->other_key_id.empty()) {
    notices.SpecProblem(KeyFileProblem(spec.campaign, "key " + key_id + " (" + *plan.key_file + ") is not the key campaign " +
                                                          plan.campaign + " was issued with in ledger " +
                                                          ledger->ledger->path() + " (key " + issued->other_key_id +
                                                          "): use that key file"));
    return Status::Reported(Status::Code::kInvalid);
  }
  if (!CheckRulesUnchanged(spec, *ledger->ledger, *issued, rules, key_id, notices))
    return Status::Reported(Status::Code::kInvalid);
  return issued;
}

// Step 3: this process's part of the run: the run, or its --shard slice.
Result<SequenceRange> PartOf(SequenceRange run, const std::optional<Shard>& shard) {
  if (!shard) return run;
  if (shard->count > run.count)
    return Status::Usage("generate: --shard " + ShardText(*shard) + ": the run has " + WithThousands(run.count) +
                         " codes, fewer than " + std::to_string(shard->count) + " shards");
  return ShardOf(run, *shard);
}

// Step 5: the codes that must never be made (exclusion files, the ledger's codes): their sequence
// numbers in the part are skipped. Then the feasibility rule, counting the numbers issued outside
// this run as taken.
Status SkipTaken(const Plan& plan, Ledger* ledger, const IssuedRanges& issued, SequenceRange run, KeyedGenerator* gen,
                 RunNotices& notices) {
  auto taken = FindTakenSequences(plan, ledger, *gen, notices);
  if (!taken.ok()) return taken.status();
  COUPONGEN_RETURN_IF_ERROR(CheckFeasibility(plan, taken->relevant + IssuedOutside(issued, run)));
  if (!taken->in_part.empty() && !plan.recipients.empty())
    return Status::Infeasible(
        "keyed mode: the codes of " + WithThousands(taken->in_part.size()) +
        (taken->in_part.size() == 1 ? " recipient" : " recipients") + " (the first at sequence number " +
        WithThousands(taken->in_part.front()) + ") are excluded or already issued: issue the campaign at other sequence "
        "numbers (--range START:" + WithThousands(run.count) + ")");
  gen->SkipSequences(std::move(taken->in_part));
  return Status::Ok();
}

// Step 6: the part recorded as issued; a part overlapping a range issued before is refused (exit 4).
Status RecordPart(IssueSession& session, const Plan& plan, const std::string& key_id, SequenceRange part, TimeMs now,
                  const RulesRecord& rules) {
  Status s = session.RecordRange(
      LedgerRange{plan.campaign, key_id, part.start, part.count, now, plan.output_path, rules.Serialize()});
  if (s.code() == Status::Code::kInvalid) return Status::Infeasible("ledger " + s.message() + ": its codes cannot be issued twice");
  if (!s.ok()) return Status::IoError("ledger " + s.message());
  return Status::Ok();
}

// Step 7: from here the plan describes this part: the codes it makes, and their recipients.
void NarrowPlan(Plan* plan, SequenceRange run, SequenceRange part, const KeyedGenerator& gen) {
  if (!plan->recipients.empty()) {
    auto first = plan->recipients.begin() + static_cast<std::ptrdiff_t>(part.start - run.start);
    plan->recipients = std::vector<std::string>(first, first + static_cast<std::ptrdiff_t>(part.count));
  }
  plan->count = gen.remaining();
}


}  // namespace

Status CheckModeOptions(const Plan& plan, const KeyedOptions& options, bool seed) {
  if (plan.mode == CodeMode::kKeyed) {
    if (seed)
      return Status::Usage("generate: --seed cannot be used in keyed mode: the key decides every code (the same key "
                           "and range always give the same codes)");
    return Status::Ok();
  }
  const char* option = options.range ? "--range" : options.shard ? "--shard" : options.create_key ? "--create-key" : nullptr;
  if (option)
    return Status::Usage(std::string("generate: ") + option +
                         " needs keyed mode ('mode: keyed' under codes in the spec): random codes cannot be split "
                         "or reproduced without a key");
  return Status::Ok();
}

std::optional<SecretKey> LoadCampaignKey(const LoadedSpec& spec, bool create, RandomSource& random, Env* env,
                                         bool* created, Problems* problems, Status* failure) {
  const std::string& path = *spec.plan.key_file;
  *created = false;
  auto key = create ? LoadOrCreateKeyFile(path, random, created, env) : LoadKeyFile(path, env);
  if (key.ok()) return std::move(key).value();
  if (create && !env->Exists(path)) {
    *failure = key.status();  // could not create it: a run-time failure
    return std::nullopt;
  }
  problems->push_back(KeyFileProblem(spec.campaign, key.status().message()));
  return std::nullopt;
}

Result<KeyedRun> PrepareKeyedRun(LoadedSpec* spec, const KeyedOptions& options, TimeMs now, RandomSource& random,
                                 Env* env, RunNotices& notices) {
  Plan& plan = spec->plan;
  bool created = false;
  auto key = CampaignKey(*spec, options.create_key, random, env, &created, notices);
  if (!key.ok()) return key.status();
  const std::string key_id = KeyId(key->bytes());
  const RulesRecord rules = RecordRules(plan.alphabet, plan.shape, plan.rules);
  LedgerSession ledger;
  IssuedRanges issued;
  if (plan.ledger_path) {
    auto found = OpenKeyedLedger(*spec, key_id, rules, notices, &ledger);
    if (!found.ok()) return found.status();
    issued = std::move(found).value();
  }
  // The run and this process's part of it (see the header for which numbers).
  const SequenceRange run = options.range.value_or(SequenceRange{options.shard ? 0 : issued.next, plan.count});
  auto part = PartOf(run, options.shard);
  if (!part.ok()) return part.status();
  // Step 4: the generator. The whole run must fit the keyspace, so every shard of a run that does
  // not fails alike (exit 4), not only the last one.
  auto generator = KeyedGenerator::Create(plan.shape, plan.alphabet, key->bytes(), plan.campaign, run, &plan.rules);
  if (generator.ok() && *part != run)
    generator = KeyedGenerator::Create(plan.shape, plan.alphabet, key->bytes(), plan.campaign, *part, &plan.rules);
  if (!generator.ok()) return generator.status();
  COUPONGEN_RETURN_IF_ERROR(SkipTaken(plan, ledger.ledger.get(), issued, run, &*generator, notices));
  if (ledger.session) COUPONGEN_RETURN_IF_ERROR(RecordPart(*ledger.session, plan, key_id, *part, now, rules));
  NarrowPlan(&plan, run, *part, *generator);
  return KeyedRun{std::move(generator).value(), run, *part, options.shard, key_id, created, std::move(ledger)};
}

}  // namespace coupongen
