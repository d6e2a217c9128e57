// coupongen generate: spec -> plan -> unique codes -> atomic output -> summary.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <span>
#include <thread>
#include <type_traits>
#include <memory>
#include <span>

#include "base/exit_codes.h"
#include "base/interrupt.h"
#include "base/strings.h"
#include "cli/command.h"
#include "cli/keyed_run.h"
#include "cli/output.h"
#include "cli/progress.h"
#include "cli/spec_loading.h"
#include "cli/summary.h"
#include "cli/taken_codes.h"
#include "codes/code_set.h"
#include "codes/generator.h"
#include "io/atomic_file.h"
#include "ledger/ledger.h"
#include "io/coupon_writer.h"

namespace coupongen {

po::options_description GenerateOptions() {
  po::options_description d("Options");
  d.add_options()
      ("spec", po::value<std::string>()->required(), "the campaign spec (YAML); '-' reads stdin")
      ("output,o", po::value<std::string>()->value_name("PATH"), "write here ('-' = stdout; default: output.path or stdout)")
      ("format,f", po::value<std::string>()->value_name("FORMAT"), "csv | json | jsonapi | imports (default: output.format or csv)")
      ("count,n", po::value<int64_t>()->value_name("COUNT"), "how many codes (overrides codes.count)")
      ("now", po::value<std::string>()->value_name("TIME"), "the current time for expires_in and checks (ISO 8601)")
      ("exclude", po::value<std::vector<std::string>>()->value_name("FILE")->composing(), "never produce a code in FILE (any readable coupon file; repeatable)")
      ("ledger", po::value<std::string>()->value_name("DB"), "the ledger of issued codes (overrides 'ledger:' in the spec)")
      ("seed", po::value<std::string>()->value_name("TEXT"), "PREDICTABLE codes from TEXT, for tests and demos only")
      ("force", "replace an existing output file")
      ("quiet,q", "print nothing but errors")
      ("progress", "show progress on stderr even when it is not a terminal")
      // Keyed mode (cli/ranges.h).
      ("range", po::value<std::string>()->value_name("START:COUNT"), "keyed mode: issue sequence numbers START..START+COUNT-1")
      ("shard", po::value<std::string>()->value_name("I/N"), "keyed mode: make the I-th (from 0) of N equal parts of the run")
      ("create-key", "keyed mode: create codes.key_file if it does not exist");
  return d;
}

namespace {

struct GenerateFlags {
  PlanOptions plan;
  bool force = false;
  bool quiet = false;
  bool progress = false;
  std::optional<std::string> seed;
  KeyedFlags keyed;
};

// Command line -> flags; usage errors are reported here (exit 2).
std::optional<GenerateFlags> ReadFlags(const po::variables_map& vm, Context& ctx) {
  GenerateFlags f;
  Diagnostics diag(ctx.err, false);
  auto now = ResolveNow(vm, ctx);
  if (!now) return std::nullopt;
  f.plan.now = *now;
  if (vm.count("count")) {
    int64_t n = vm["count"].as<int64_t>();
    if (n < 1) {
      diag.Error("generate: -n: must be at least 1");
      return std::nullopt;
    }
    f.plan.count = n;
  }
  if (!ReadKeyedFlags(vm, &f.keyed, &f.plan.count, diag)) return std::nullopt;
  if (vm.count("format")) {
    std::string name = vm["format"].as<std::string>();
    f.plan.format = ParseFormat(name);
    if (!f.plan.format) {
      std::string hint = ClosestMatch(name, FormatNames());
      diag.Error("generate: -f: unknown format '" + name + "' (use csv, json, jsonapi or imports)" +
                 (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
      return std::nullopt;
    }
  }
  if (vm.count("output")) f.plan.output = vm["output"].as<std::string>();
  if (vm.count("exclude")) f.plan.extra_excludes = vm["exclude"].as<std::vector<std::string>>();
  if (vm.count("ledger")) f.plan.ledger = vm["ledger"].as<std::string>();
  if (vm.count("seed")) f.seed = vm["seed"].as<std::string>();
  f.force = vm.count("force") > 0;
  f.quiet = vm.count("quiet") > 0;
  f.progress = vm.count("progress") > 0;
  if (f.quiet && f.progress) {
    diag.Error("generate: -q and --progress exclude each other");
    return std::nullopt;
  }
  return f;
}

// Codes that must never be produced: exclusion files and the ledger. Returns how many keys were
// added to `taken`.
Result<uint64_t> LoadTakenCodes(const Plan& plan, const CodeKeyer& keyer, Ledger* ledger, CodeSet* taken,
                                Diagnostics& diag) {
  uint64_t added = 0;
  if (!plan.exclude_paths.empty()) {
    auto counts = AddExcludedCodes(plan.exclude_paths, keyer, taken);
    if (!counts.ok()) return counts.status();
    added += counts->relevant;
    diag.Info("coupongen: excluding " + WithThousands(counts->codes) + " codes from " + WithThousands(counts->files) +
              (counts->files == 1 ? " file" : " files") + " (" + WithThousands(counts->relevant) +
              " of this shape)");
  }
  if (ledger) {
    uint64_t issued = 0, relevant = 0;
    Status s = ledger->ForEachCode([&](std::string_view code) {
      ++issued;
      if (auto key = keyer.Key(code))
        if (taken->Insert(*key)) ++relevant;
      return Status::Ok();
    });
    if (!s.ok()) return Status::IoError("ledger " + s.message());  // e.g. a damaged page found while reading
    added += relevant;
    diag.Info("coupongen: ledger " + ledger->path() + " holds " + WithThousands(issued) + " issued codes (" +
              WithThousands(relevant) + " of this shape)");
  }
  return added;
}

unsigned long long PhysicalMemoryBytes() {
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
  return pages > 0 && size > 0 ? static_cast<unsigned long long>(pages) * static_cast<unsigned long long>(size) : ~0ull;
}

// Batches handed from the thread that makes codes to the thread that writes them: a ring of a
// few CodeBatches, so memory stays a few batches whatever the count, and the codes are written in
// exactly the order they were made (one producer, one consumer, FIFO).
class BatchRing {
 public:
  static constexpr size_t kSlots = 4;
  // The producer: a batch to fill, once one is free; null once the consumer has stopped.
  CodeBatch* Acquire() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return stopped_ || filled_ - written_ < kSlots; });
    return stopped_ ? nullptr : &slots_[filled_ % kSlots];
  }
  void Publish(uint64_t done_before) {
    std::lock_guard<std::mutex> lock(mu_);
    done_[filled_ % kSlots] = done_before;
    ++filled_;
    cv_.notify_all();
  }
  void Close() {  // the producer is done (or failed)
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    cv_.notify_all();
  }
  // The consumer: the next batch to write (and how many codes came before it), or null at the end.
  CodeBatch* Take(uint64_t* done_before) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return closed_ || filled_ > written_; });
    if (filled_ == written_) return nullptr;
    *done_before = done_[written_ % kSlots];
    return &slots_[written_ % kSlots];
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    ++written_;
    cv_.notify_all();
  }
  void Stop() {  // the consumer failed: the producer stops at its next Acquire
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  CodeBatch slots_[kSlots];
  uint64_t done_[kSlots] = {};
  uint64_t filled_ = 0, written_ = 0;
  bool closed_ = false, stopped_ = false;
};

// Draws plan.count unique codes and writes them; recipients get one each, in order. Each code is
// recorded in the ledger session, when there is one, as it is made. Both generators work a batch
// at a time (no allocation, no virtual call per code; the keyed one also splits each batch over
// two threads, see KeyedGenerator::NextBatch), and the batches are written by a second thread
// while the next ones are made (BatchRing): the codes and their order are the generator's alone,
// whatever the threads' timing.
template <typename Generator>
Status WriteCodes(const Plan& plan, Generator& gen, OutputSink& sink, IssueSession* session, TimeMs now,
                  Progress& progress, std::string* example) {
  // Divides 65,536: Progress, which looks every 65,536 codes, still ticks. Keyed batches are
  // larger, so that handing half of each to the other thread costs little beside the work.
  constexpr uint64_t kCodesPerBatch = std::is_same_v<Generator, CodeGenerator> ? 4096 : 16384;
  const std::string rule = plan.base.promotion_rule_id.value_or("");
  WriterOptions wo = WriterOptionsFor(plan);
  wo.plain_codes = gen.plain_codes();  // (Write escapes)
  auto writer = MakeCouponWriter(wo, sink);
  const std::span<const std::string> recipients = plan.recipients;

  BatchRing ring;
  Status written;
  std::thread writer_thread([&] {
    uint64_t done = 0;
    while (CodeBatch* batch = ring.Take(&done)) {
      const auto emails = recipients.empty() ? recipients : recipients.subspan(done, batch->size());
      written = writer->WriteBatch(plan.base, batch->codes(), emails);
      ring.Release();
      if (!written.ok()) return ring.Stop();
    }
  });
  Status made;
  for (uint64_t done = 0; done < plan.count && made.ok();) {
    CodeBatch* batch = ring.Acquire();
    if (!batch) break;  // the writer failed
    const size_t n = static_cast<size_t>(std::min(kCodesPerBatch, plan.count - done));
    made = gen.NextBatch(n, batch);
    if (made.ok() && session)
      for (std::string_view code : batch->codes())
        if (made = session->Record(code, plan.campaign, rule, now, plan.output_path); !made.ok()) break;
    if (!made.ok()) break;
    if (done + n == plan.count && n > 0) *example = plan.shape.Masked((*batch)[n - 1]);
    ring.Publish(done);
    done += n;
    progress.Update(done);
  }
  ring.Close();
  writer_thread.join();
  COUPONGEN_RETURN_IF_ERROR(made);
  COUPONGEN_RETURN_IF_ERROR(written);
  return writer->Finish();
}

void PrintSummary(const Plan& plan, const Output& out, double secs, const std::string& example, Diagnostics& diag,
                  const SummaryRows& extra = {}) {
  double rate = secs > 0 ? static_cast<double>(plan.count) / secs : 0;
  diag.Info("coupongen: " + WithThousands(plan.count) + (plan.count == 1 ? " code for " : " codes for ") + plan.campaign + " in " + Seconds(secs) + " (" +
            WithThousands(static_cast<unsigned long long>(rate)) + " codes/s)");
  SummaryRows rows;
  rows.push_back({"shape", plan.shape.Display() + (example.empty() ? "" : ", e.g. " + example)});
  rows.push_back({"keyspace", plan.keyspace.SizeText() + " (" + [&] {
                    char b[32];
                    std::snprintf(b, sizeof b, "%.1f", plan.keyspace.entropy_bits);
                    return std::string(b);
                  }() + " bits per code), guess odds " + OddsText(plan.keyspace.GuessOdds(plan.count))});
  rows.push_back({"expires at", plan.expires_at ? FormatTimestamp(*plan.expires_at) : "never"});
  rows.push_back({"output", out.Describe(plan.output_path) + " (" + FormatName(plan.format) + ", " +
                                HumanBytes(out.sink->bytes_written()) + (out.file ? ", mode 0600)" : ")")});
  rows.insert(rows.end(), extra.begin(), extra.end());
  std::string text = FormatRows(rows, "  ");
  text.pop_back();
  diag.Info(text);
}

// Keyed mode, after the spec passed: the codes of a range of sequence numbers under the campaign
// key (cli/keyed_run.h), written as in random mode. No table of codes: constant memory. With a
// ledger the range (not each code) is recorded, and committed before the output is renamed.
int GenerateKeyed(LoadedSpec& spec, const GenerateFlags& flags, Context& ctx, Diagnostics& diag,
                  std::chrono::steady_clock::time_point start) {
  int code = 0;
  std::optional<DeferInterrupts> defer;  // as in random mode: destroyed after the session rolls back
  auto keyed = PrepareKeyedRun(&spec, flags.keyed, flags.plan.now, ctx, diag, &code);
  if (!keyed) return code;
  const Plan& plan = spec.plan;

  auto out = OpenOutput(plan.output_path, flags.force, ctx);
  if (!out.ok()) return diag.Fail(out.status());
  if (keyed->session) defer.emplace();
  Progress progress(ctx.err, plan.count, !flags.quiet && (flags.progress || ctx.err_is_tty), ctx.err_is_tty);
  std::string example;
  Status s = WriteCodes(plan, keyed->generator, *out->sink, nullptr, flags.plan.now, progress, &example);
  progress.Finish(plan.count);
  if (s.ok()) s = out->sink->Close();
  if (s.ok() && keyed->session) s = keyed->session->Commit();
  if (s.ok() && out->file) s = out->file->Commit();
  if (!s.ok()) return diag.Fail(s);

  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  PrintSummary(plan, *out, secs, example, diag, KeyedSummaryRows(*keyed, plan));
  return kExitSuccess;
}

}  // namespace

int RunGenerate(const po::variables_map& vm, Context& ctx) {
  auto start = std::chrono::steady_clock::now();
  auto flags = ReadFlags(vm, ctx);
  if (!flags) return kExitUsage;
  Diagnostics diag(ctx.err, flags->quiet);

  // 1. Load the spec and resolve it against the command line and the clock.
  int code = 0;
  auto spec = LoadSpec(vm, flags->plan, ctx, &code);
  if (!spec) return code;
  if (diag.ReportAll(spec->problems, spec->campaign.text) > 0) return kExitInvalid;
  const Plan& plan = spec->plan;

  // 2. Refuse an existing output before any work (checked again, atomically, at the rename).
  if (!flags->force && WouldReplace(plan.output_path))
    return diag.Fail(Status::IoError(plan.output_path + " already exists (use --force to replace it)"));

  // Keyed mode takes its own path from here: no table of codes (cli/keyed_run.h).
  if (Status s = CheckModeOptions(plan, flags->keyed, flags->seed.has_value()); !s.ok()) return diag.Fail(s);
  if (plan.mode == CodeMode::kKeyed) return GenerateKeyed(*spec, *flags, ctx, diag, start);

  // 3. The uniqueness table (about 8-16 bytes per code), seeded with the codes already taken
  //    (exclusions and the ledger); then the feasibility rule (exit 4).
  std::unique_ptr<CodeSet> seen;
  const Status no_memory = Status::IoError("not enough memory to keep " + WithThousands(plan.count) + " codes unique (" +
                                           HumanBytes(CodeSet::BytesFor(plan.count)) + "): split the batch into smaller runs");
  if (CodeSet::BytesFor(plan.count) > PhysicalMemoryBytes() / 10 * 8) return diag.Fail(no_memory);
  try {
    seen = std::make_unique<CodeSet>(plan.count);
  } catch (const std::bad_alloc&) {
    return diag.Fail(no_memory);
  }
  // The ledger's write session is held for the whole run: a second run sharing the ledger waits
  // here, then sees every code this one issued. While it writes, SIGINT/SIGTERM are deferred: the
  // session rolls back and the temporary file goes, then the process dies of the signal (`defer`
  // is destroyed after them).
  std::optional<DeferInterrupts> defer;
  std::unique_ptr<Ledger> ledger;
  std::optional<IssueSession> session;
  if (plan.ledger_path) {
    auto opened = Ledger::Open(*plan.ledger_path);
    if (!opened.ok()) return diag.Fail(Status::IoError("ledger " + opened.status().message()));
    ledger = std::move(opened).value();
    auto begun = ledger->BeginIssue();
    if (!begun.ok()) return diag.Fail(Status::IoError("ledger " + begun.status().message()));
    session.emplace(std::move(begun).value());
  }
  CodeKeyer keyer(plan.shape, plan.alphabet);
  auto taken = LoadTakenCodes(plan, keyer, ledger.get(), seen.get(), diag);
  if (!taken.ok()) return diag.Fail(taken.status());
  Status feasible = CheckFeasibility(plan, *taken);
  if (!feasible.ok()) return diag.Fail(feasible);

  // 4. The random source: the CSPRNG, unless --seed asks for predictable codes.
  std::unique_ptr<RandomSource> seeded;
  if (flags->seed) {
    diag.Warn("--seed makes every code predictable to anyone who knows the seed: use it for tests and demos only");
    seeded = std::make_unique<PredictableSeededRandom>(*flags->seed);
  }
  CodeGenerator generator(plan.shape, plan.alphabet, seeded ? *seeded : ctx.random, *seen);
  generator.UseRules(plan.rules);  // codes.check: the check character; codes.blocklist: redraw blocked words
  generator.DrawAhead();           // candidates drawn on a second thread (same codes, same order)

  // 5. Generate and write, to a temporary file beside the target or to stdout.
  auto out = OpenOutput(plan.output_path, flags->force, ctx);
  if (!out.ok()) return diag.Fail(out.status());
  if (session) defer.emplace();
  Progress progress(ctx.err, plan.count, !flags->quiet && (flags->progress || ctx.err_is_tty), ctx.err_is_tty);
  std::string example;
  Status s = WriteCodes(plan, generator, *out->sink, session ? &*session : nullptr, flags->plan.now, progress,
                        &example);
  progress.Finish(plan.count);
  if (s.ok()) s = out->sink->Close();

  // 6. Make it durable, then visible: the ledger commits before the output is renamed into place,
  //    so a code in a delivered file is always in the ledger. On any failure before the commit the
  //    ledger rolls back and the temporary file is removed.
  if (s.ok() && session) s = session->Commit();
  if (s.ok() && out->file) s = out->file->Commit();
  if (!s.ok()) return diag.Fail(s);

  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  PrintSummary(plan, *out, secs, example, diag);
  return kExitSuccess;
}

}  // namespace coupongen
