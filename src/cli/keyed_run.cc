#include "cli/keyed_run.h"

#include <algorithm>

#include "base/exit_codes.h"
#include "base/strings.h"
#include "io/atomic_file.h"
#include "io/coupon_reader.h"
#include "ledger/rules_record.h"

namespace coupongen {
namespace {

// A problem located at `key` in the spec, or at the first of `fallbacks` the spec sets, or at the
// file (a key left to its default has no place).
Problem SpecProblem(const Campaign& c, const std::string& key, const std::string& message,
                    std::initializer_list<const char*> fallbacks = {}) {
  Mark m = c.MarkOf(key);
  for (const char* other : fallbacks)
    if (!m.line) m = c.MarkOf(other);
  return ProblemAt(c.file, m.line, m.column, key, message);
}

Problem KeyFileProblem(const Campaign& c, const std::string& message) { return SpecProblem(c, "codes.key_file", message); }

std::string ShardText(Shard s) { return std::to_string(s.index) + "/" + std::to_string(s.count); }

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
                         const RulesRecord& rules, const std::string& key_id, Diagnostics& diag) {
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
    diag.Warn("ledger " + ledger.path() + ": " + WithThousands(unknown) + (unknown == 1 ? " earlier run" : " earlier runs") +
              " of campaign " + spec.plan.campaign + " recorded no code rules (an older coupongen): they cannot be "
              "compared with this run's; keep the rules they were issued with (this run's are recorded, and later "
              "runs must match them)");
  if (!differing) return true;
  const Plan& plan = spec.plan;
  for (const auto& c : changes) {
    diag.Report(SpecProblem(spec.campaign, c.key,
                            c.now + " differs from the run recorded in ledger " + ledger.path() + " on " +
                                FormatTimestamp(differing->issued_at) + " (" + c.then + ", sequence " +
                                RangeText({differing->start, differing->count}) + "): keyed campaign " + plan.campaign +
                                " under key " + key_id + " must keep its code rules, or the same sequence numbers "
                                "give other codes, some already issued; restore the rules, or use a new campaign "
                                "name or key",
                            {"codes.pattern", "codes.prefix", "codes.suffix", "codes.group", "codes.separator", "codes.length"}),
                spec.campaign.text);
  }
  return false;
}

struct TakenSequences {
  uint64_t relevant = 0;         // taken codes of this shape: the sequence number of some code
  std::vector<uint64_t> in_part; // the numbers of those inside the generator's range, sorted
};

// Every code of the exclusion files and of the ledger's code table, decoded to its sequence
// number. Memory grows with the taken codes that fall in the range (few), not with the count.
Result<TakenSequences> FindTakenSequences(const Plan& plan, Ledger* ledger, KeyedGenerator& gen, Diagnostics& diag) {
  TakenSequences t;
  const SequenceRange range = gen.range();
  auto take = [&](std::string_view code) {
    auto n = gen.SequenceOf(code);
    if (!n) return false;
    ++t.relevant;
    if (*n >= range.start && *n - range.start < range.count) t.in_part.push_back(*n);
    return true;
  };
  if (!plan.exclude_paths.empty()) {
    uint64_t files = 0, codes = 0, relevant = 0;
    CouponRow row;
    for (const auto& path : plan.exclude_paths) {
      auto reader = CouponReader::Open(path);
      if (!reader.ok()) {
        const Status& s = reader.status();
        return s.code() == Status::Code::kIoError ? Status::IoError("exclusion file " + s.message())
                                                  : Status::Invalid("exclusion file " + s.message());
      }
      ++files;
      while ((*reader)->Next(&row)) {
        if (row.coupon.code.empty()) continue;
        ++codes;
        relevant += take(row.coupon.code) ? 1 : 0;
      }
      if (!(*reader)->status().ok()) return Status::Invalid("exclusion file " + (*reader)->status().message());
    }
    diag.Info("coupongen: excluding " + WithThousands(codes) + " codes from " + WithThousands(files) +
              (files == 1 ? " file" : " files") + " (" + WithThousands(relevant) + " of this shape)");
  }
  if (ledger) {
    uint64_t issued = 0, relevant = 0;
    Status s = ledger->ForEachCode([&](std::string_view code) {
      ++issued;
      relevant += take(code) ? 1 : 0;
      return Status::Ok();
    });
    if (!s.ok()) return Status::IoError("ledger " + s.message());
    diag.Info("coupongen: ledger " + ledger->path() + " holds " + WithThousands(issued) + " issued codes (" +
              WithThousands(relevant) + " of this shape)");
  }
  std::sort(t.in_part.begin(), t.in_part.end());
  t.in_part.erase(std::unique(t.in_part.begin(), t.in_part.end()), t.in_part.end());
  return t;
}

}  // namespace

Status OpenLedgerSession(const std::string& path, Diagnostics& diag, std::unique_ptr<Ledger>* ledger,
                         std::unique_ptr<IssueSession>* session) {
  LedgerOptions options;
  options.on_wait = [&diag, name = RedactLedgerName(path)] { diag.Info("coupongen: waiting for ledger " + name + ": another run holds it"); };
  auto opened = Ledger::Open(path, options);
  if (!opened.ok()) return Status::IoError("ledger " + opened.status().message());
  *ledger = std::move(opened).value();
  auto begun = (*ledger)->BeginIssue();
  if (!begun.ok()) return Status::IoError("ledger " + begun.status().message());
  *session = std::move(begun).value();
  return Status::Ok();
}

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

Result<KeyedRun> PrepareKeyedRun(LoadedSpec* spec, const KeyedFlags& flags, TimeMs now, Context& ctx,
                                 Diagnostics& diag) {
  Plan& plan = spec->plan;
  auto fail = [](Status s) { return s; };

  // 1. The key: loaded, or created on first use when --create-key asks.
  bool created = false;
  Problems problems;
  Status failure;
  auto key = LoadCampaignKey(*spec, flags.create_key, ctx.random, ctx.env, &created, &problems, &failure);
  if (!failure.ok()) return fail(failure);
  if (!key) {
    diag.ReportAll(problems, spec->campaign.text);
    return Status::Reported(Status::Code::kInvalid);
  }
  const std::string key_id = KeyId(key->bytes());

  // 2. The ledger's write session is held for the whole run: a second run sharing the ledger
  //    waits here, then sees the ranges this one issued.
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<IssueSession> session;
  IssuedRanges issued;
  if (plan.ledger_path) {
    if (Status st = OpenLedgerSession(*plan.ledger_path, diag, &ledger, &session); !st.ok()) return fail(st);
    auto found = FindIssuedRanges(*ledger, plan.campaign, key_id);
    if (!found.ok()) return fail(found.status());
    issued = std::move(found).value();
    // Codes are unique only within one campaign and key: a campaign issued under another key is
    // the wrong key file (a machine that made its own instead of copying the campaign's).
    if (!issued.other_key_id.empty()) {
      diag.Report(KeyFileProblem(spec->campaign, "key " + key_id + " (" + *plan.key_file + ") is not the key campaign " +
                                                     plan.campaign + " was issued with in ledger " + ledger->path() +
                                                     " (key " + issued.other_key_id + "): use that key file"),
                  spec->campaign.text);
      return Status::Reported(Status::Code::kInvalid);
    }
  }

  // 2b. The code rules must be those the campaign and key were issued with before (exit 3).
  const RulesRecord rules = RecordRules(plan.alphabet, plan.shape, plan.rules);
  if (ledger && !CheckRulesUnchanged(*spec, *ledger, issued, rules, key_id, diag)) {
    return Status::Reported(Status::Code::kInvalid);
  }

  // 3. The run and this process's part of it (see the header for which numbers).
  SequenceRange run = flags.range.value_or(SequenceRange{flags.shard ? 0 : issued.next, plan.count});
  SequenceRange part = run;
  if (flags.shard) {
    if (flags.shard->count > run.count)
      return fail(Status::Usage("generate: --shard " + ShardText(*flags.shard) + ": the run has " +
                                WithThousands(run.count) + " codes, fewer than " + std::to_string(flags.shard->count) +
                                " shards"));
    part = ShardOf(run, *flags.shard);
  }

  // 4. The generator. The whole run must fit the keyspace, so every shard of a run that does not
  //    fails alike (exit 4), not only the last one.
  auto generator = KeyedGenerator::Create(plan.shape, plan.alphabet, key->bytes(), plan.campaign, run, &plan.rules);
  if (generator.ok() && part != run)
    generator = KeyedGenerator::Create(plan.shape, plan.alphabet, key->bytes(), plan.campaign, part, &plan.rules);
  if (!generator.ok()) return fail(generator.status());

  // 5. Codes that must never be made (exclusion files, the ledger's codes): their sequence
  //    numbers in the part are skipped. Then the feasibility rule, counting the numbers issued
  //    outside this run as taken.
  auto taken = FindTakenSequences(plan, ledger.get(), *generator, diag);
  if (!taken.ok()) return fail(taken.status());
  Status feasible = CheckFeasibility(plan, taken->relevant + IssuedOutside(issued, run));
  if (!feasible.ok()) return fail(feasible);
  if (!taken->in_part.empty() && !plan.recipients.empty())
    return fail(Status::Infeasible(
        "keyed mode: the codes of " + WithThousands(taken->in_part.size()) +
        (taken->in_part.size() == 1 ? " recipient" : " recipients") + " (the first at sequence number " +
        WithThousands(taken->in_part.front()) + ") are excluded or already issued: issue the campaign at other sequence "
        "numbers (--range START:" + WithThousands(run.count) + ")"));
  generator->SkipSequences(std::move(taken->in_part));

  // 6. Record the part as issued; a part overlapping a range issued before is refused (exit 4).
  if (session) {
    Status s = session->RecordRange(
        LedgerRange{plan.campaign, key_id, part.start, part.count, now, plan.output_path, rules.Serialize()});
    if (s.code() == Status::Code::kInvalid)
      return fail(Status::Infeasible("ledger " + s.message() + ": its codes cannot be issued twice"));
    if (!s.ok()) return fail(Status::IoError("ledger " + s.message()));
  }

  // 7. From here the plan describes this part: the codes it makes, and their recipients.
  if (!plan.recipients.empty()) {
    auto first = plan.recipients.begin() + static_cast<std::ptrdiff_t>(part.start - run.start);
    plan.recipients = std::vector<std::string>(first, first + static_cast<std::ptrdiff_t>(part.count));
  }
  plan.count = generator->remaining();
  return KeyedRun{std::move(generator).value(), run,   part,      flags.shard, key_id,
                  created,                      std::move(ledger), std::move(session)};
}

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

SummaryRows KeyedSummaryRows(const KeyedRun& r, const Plan& plan) {
  std::string sequence = RangeText(r.range);
  if (r.shard) sequence += " (shard " + ShardText(*r.shard) + " of " + RangeText(r.run) + ")";
  if (r.generator.skipped())
    sequence += ", " + WithThousands(r.generator.skipped()) + " skipped (their codes are excluded or issued)";
  if (r.ledger) sequence += ", recorded in " + r.ledger->path();
  std::string key = r.key_id + " (" + plan.key_file.value_or("") + (r.key_created ? ", created now, mode 0600" : "") + ")";
  return {{"sequence", sequence}, {"key", key}};
}

}  // namespace coupongen
