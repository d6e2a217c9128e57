#include "run/pipeline.h"

#include <unistd.h>

#include <chrono>

#include "base/spreadsheet.h"
#include "base/strings.h"
#include "codes/code_set.h"
#include "codes/generator.h"
#include "io/coupon_writer.h"
#include "run/code_source.h"
#include "run/keyed_run.h"
#include "run/taken_codes.h"

namespace coupongen {
namespace {

using Clock = std::chrono::steady_clock;

unsigned long long PhysicalMemoryBytes() {
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
  return pages > 0 && size > 0 ? static_cast<unsigned long long>(pages) * static_cast<unsigned long long>(size) : ~0ull;
}

// The uniqueness table of random mode (about 8-16 bytes per code), or the error that there is
// not memory enough for it.
Result<std::unique_ptr<CodeSet>> UniquenessTable(uint64_t count) {
  const Status no_memory = Status::IoError("not enough memory to keep " + WithThousands(count) + " codes unique (" +
                                           HumanBytes(CodeSet::BytesFor(count)) + "): split the batch into smaller runs");
  if (CodeSet::BytesFor(count) > PhysicalMemoryBytes() / 10 * 8) return no_memory;
  try {
    return std::make_unique<CodeSet>(count);
  } catch (const std::bad_alloc&) {
    return no_memory;
  }
}

// The output, and with a ledger the deferred signals (RunIo::defer).
Status OpenOutputs(const Plan& plan, const RunOptions& options, RunIo& io, DeliveredRun* r, bool side) {
  auto out = OpenOutput(plan.output_path, options.force, io.out, io.env);
  if (!out.ok()) return out.status();
  r->out = std::move(out).value();
  if (side) COUPONGEN_RETURN_IF_ERROR(r->side.Open(plan, options.force, io.out, io.env));
  if (r->ledger.session) io.defer.emplace();
  return Status::Ok();
}

// Writes the codes of `source`, then makes them durable, then visible: the ledger commits (codes
// reserved) before the output is renamed into place, so a code in a delivered file is always in
// the ledger; then the codes are marked delivered. On any failure before the commit the ledger
// rolls back and the temporary file is removed. The mailing and rejects files follow the output.
// Random mode (`random`) records each code in the ledger as it is made and writes the mailing and
// rejects files; keyed mode recorded its range before, and writes neither.
Status WriteAndCommit(const Plan& plan, CodeSource& source, TimeMs now, RunIo& io, DeliveredRun* r, bool random) {
  io.notices.Start(plan.count);
  auto generating = Clock::now();
  Status s = WriteCodes(plan, source, *r->out.sink, random ? r->ledger.session.get() : nullptr, now, io.notices,
                        &r->example, random ? &r->side : nullptr);
  io.notices.Finish(plan.count);
  r->generate_seconds = std::chrono::duration<double>(Clock::now() - generating).count();
  if (s.ok() && random) s = r->side.Close();
  if (s.ok()) s = CommitAndDeliver(r->out, r->ledger.session.get(), r->ledger.ledger.get(), io.notices);
  if (s.ok() && random) s = r->side.Commit();
  return s;
}

// codes.fixed: one coupon with the shared code, and every recipient gets it in the mailing file.
Result<DeliveredRun> RunFixed(const Plan& plan, const RunOptions& options, RunIo& io) {
  DeliveredRun r;
  COUPONGEN_RETURN_IF_ERROR(OpenOutputs(plan, options, io, &r, true));
  Coupon coupon = plan.base;
  coupon.code = *plan.fixed_code;
  auto writer = MakeCouponWriter(WriterOptionsFor(plan), *r.out.sink);
  Status s = writer->Write(coupon);
  if (s.ok()) s = writer->Finish();
  for (uint64_t i = 0; s.ok() && r.side.mailing_writer && i < plan.recipients.size(); ++i) s = r.side.Mail(plan, i, coupon.code);
  if (s.ok()) s = r.out.Close();
  if (s.ok()) s = r.side.Close();
  if (s.ok()) s = r.out.Commit();
  if (s.ok()) s = r.side.Commit();
  if (!s.ok()) return s;
  if (plan.format == OutputFormat::kCsv && SpreadsheetWouldChange(coupon.code))
    io.notices.Warn("codes.fixed looks like a number to a spreadsheet, which would change it: give people -f xlsx");
  return r;
}

// Keyed mode: the codes of a range of sequence numbers under the campaign key (run/keyed_run.h),
// written as in random mode. No table of codes: constant memory. With a ledger the range (not
// each code) is recorded, and committed before the output is renamed.
Result<DeliveredRun> RunKeyed(LoadedSpec* spec, const RunOptions& options, RunIo& io) {
  auto keyed = PrepareKeyedRun(spec, options.keyed, options.plan.now, io.random, io.env, io.notices);
  if (!keyed.ok()) return keyed.status();
  const Plan& plan = spec->plan;
  DeliveredRun r;
  r.ledger = std::move(keyed->ledger);
  r.keyed = KeyedFacts{keyed->run, keyed->range, keyed->shard, keyed->key_id, keyed->key_created, 0};
  COUPONGEN_RETURN_IF_ERROR(OpenOutputs(plan, options, io, &r, false));
  KeyedCodeSource source(keyed->generator);
  COUPONGEN_RETURN_IF_ERROR(WriteAndCommit(plan, source, options.plan.now, io, &r, false));
  r.generate_seconds = 0;  // (the run report's figure is random mode's)
  r.keyed->skipped = keyed->generator.skipped();
  return r;
}

// The codes already taken (exclusions and the ledger) into the uniqueness table; then the
// feasibility rule (exit 4). Sets *lookup when drawn codes are looked up in the ledger instead.
Status LoadTaken(const Plan& plan, LedgerSession& ledger, CodeSet* seen, bool* lookup, RunNotices& notices) {
  CodeKeyer keyer(plan.shape, plan.alphabet);
  if (ledger.session) ledger.session->PackShape(plan.shape, plan.alphabet);  // 8 bytes a code when the shape allows
  auto taken = LoadTakenCodes(plan, keyer, ledger.ledger.get(), seen, lookup, notices);
  if (!taken.ok()) return taken.status();
  return CheckFeasibility(plan, *taken);
}

// Random mode: a uniqueness table seeded with the codes already taken, the ledger's write session
// held for the whole run (a second run sharing the ledger waits here, then sees every code this
// one issued), and the CSPRNG, unless --seed asks for predictable codes.
Result<DeliveredRun> RunRandom(const Plan& plan, const RunOptions& options, RunIo& io) {
  auto seen = UniquenessTable(plan.count);
  if (!seen.ok()) return seen.status();
  DeliveredRun r;
  if (plan.ledger_path) {
    auto session = LedgerSession::Open(*plan.ledger_path, io.notices);
    if (!session.ok()) return session.status();
    r.ledger = std::move(session).value();
  }
  bool lookup = false;
  COUPONGEN_RETURN_IF_ERROR(LoadTaken(plan, r.ledger, seen->get(), &lookup, io.notices));
  std::unique_ptr<RandomSource> seeded;
  if (options.seed) {
    io.notices.Alert("--seed makes every code predictable to anyone who knows the seed: use it for tests and demos only");
    seeded = std::make_unique<PredictableSeededRandom>(*options.seed);
  }
  CodeGenerator generator(plan.shape, plan.alphabet, seeded ? *seeded : io.random, **seen);
  generator.UseRules(plan.rules);  // codes.check: the check character; codes.blocklist: redraw blocked words
  generator.DrawAhead();           // candidates drawn on a second thread (same codes, same order)
  COUPONGEN_RETURN_IF_ERROR(OpenOutputs(plan, options, io, &r, true));
  RandomCodeSource source(generator, lookup ? r.ledger.ledger.get() : nullptr);
  COUPONGEN_RETURN_IF_ERROR(WriteAndCommit(plan, source, options.plan.now, io, &r, true));
  if (uint64_t n = r.side.spreadsheet_codes)
    io.notices.Warn(WithThousands(n) + (n == 1 ? " code looks" : " codes look") +
                    " like a number to a spreadsheet, which would change it (drop leading zeros, read 052E4928 as "
                    "5.2E+4929): keep this csv for the importer and give people -f xlsx");
  return r;
}

}  // namespace

Status CheckSeedOptions(const std::optional<std::string>& seed, const Plan& plan, bool upload) {
  if (!seed) return Status::Ok();
  if (plan.ledger_path)
    return Status::Usage("generate: --seed cannot be used with a ledger (" + RedactLedgerName(*plan.ledger_path) +
                         "): predictable codes must never be recorded as issued");
  if (upload) return Status::Usage("generate: --seed cannot be used with --upload: predictable codes must never reach a store");
  return Status::Ok();
}

RunFiles GenerateInputs(const std::string& spec_path, const Plan& plan) {
  RunFiles files;
  files.Add(spec_path);
  if (plan.recipients_path) files.Add(*plan.recipients_path);
  for (const auto& e : plan.exclude_paths) files.Add(e);
  if (plan.ledger_path) files.AddLedger(*plan.ledger_path);
  if (plan.key_file) files.Add(*plan.key_file);
  if (!plan.rules.blocklist_spec().file.empty()) files.Add(plan.rules.blocklist_spec().file);
  return files;
}

Status CheckRunOutputs(const Plan& plan, const RunOptions& options) {
  COUPONGEN_RETURN_IF_ERROR(CheckSeedOptions(options.seed, plan));
  const std::optional<std::string>* maybe[] = {&plan.mailing_path, &plan.rejects_path, &options.report};
  std::vector<std::string> outputs = {plan.output_path};
  for (const auto* path : maybe)
    if (*path) outputs.push_back(**path);
  COUPONGEN_RETURN_IF_ERROR(CheckOutputsAreNotInputs(outputs, GenerateInputs(options.spec_path, plan)));
  for (const std::string& path : outputs)
    if (!options.force && WouldReplace(path))
      return Status::IoError(path + " already exists (use --force to replace it)");
  return Status::Ok();
}

Result<DeliveredRun> RunCodes(LoadedSpec* spec, const RunOptions& options, RunIo& io) {
  const Plan& plan = spec->plan;
  if (plan.fixed_code) return RunFixed(plan, options, io);
  // Keyed mode takes its own path from here: no table of codes (run/keyed_run.h).
  COUPONGEN_RETURN_IF_ERROR(CheckModeOptions(plan, options.keyed, options.seed.has_value()));
  if (plan.mode == CodeMode::kKeyed) return RunKeyed(spec, options, io);
  return RunRandom(plan, options, io);
}

}  // namespace coupongen
