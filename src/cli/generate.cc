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
#include "cli/generate.h"
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
#include "io/mailing_writer.h"
#include "base/spreadsheet.h"
#include "cli/run_report.h"

namespace coupongen {

po::options_description GenerateOptions() {
  po::options_description d("Options");
  d.add_options()
      ("spec", po::value<std::string>()->required(), "the campaign spec (YAML); '-' reads stdin")
      ("output,o", po::value<std::string>()->value_name("PATH"), "write here ('-' = stdout; default: output.path or stdout)")
      ("format,f", po::value<std::string>()->value_name("FORMAT"), "csv | json | jsonapi | imports | xlsx (default: output.format or csv)")
      ("count,n", po::value<int64_t>()->value_name("COUNT"), "how many codes (overrides codes.count)")
      ("now", po::value<std::string>()->value_name("TIME"), "the current time for expires_in and checks (ISO 8601)")
      ("exclude", po::value<std::vector<std::string>>()->value_name("FILE")->composing(), "never produce a code in FILE (any readable coupon file; repeatable)")
      ("ledger", po::value<std::string>()->value_name("DB"), "the ledger of issued codes: a SQLite file, or a postgresql:// URI (overrides 'ledger:' in the spec)")
      ("seed", po::value<std::string>()->value_name("TEXT"), "PREDICTABLE codes from TEXT, for tests and demos only")
      ("report", po::value<std::string>()->value_name("PATH"), "write a JSON run report (counts, output SHA-256, expiry, keyspace, timings) to PATH")
      ("force", "replace an existing output file")
      ("quiet,q", "print nothing but errors")
      ("progress", "show progress on stderr even when it is not a terminal")
      // Keyed mode (cli/ranges.h).
      ("range", po::value<std::string>()->value_name("START:COUNT"), "keyed mode: issue sequence numbers START..START+COUNT-1")
      ("shard", po::value<std::string>()->value_name("I/N"), "keyed mode: make the I-th (from 0) of N equal parts of the run; 'auto': I and N from the cluster scheduler (Kubernetes, Slurm, AWS Batch)")
      ("shards", po::value<std::string>()->value_name("N"), "with --shard auto: the number of shards, where the scheduler does not give it (Kubernetes, AWS Batch)")
      ("create-key", "keyed mode: create codes.key_file if it does not exist")
      ("upload", "then upload the output file to Commerce Layer as 'coupongen upload FILE' does (cli/generate_upload.cc)");
  return d;
}

namespace {

struct GenerateFlags {
  PlanOptions plan;
  bool force = false;
  bool quiet = false;
  bool progress = false;
  std::optional<std::string> seed;
  std::optional<std::string> report;
  KeyedFlags keyed;
};

// The optional string option `name`: empty or "-" refused with `why` (a usage error).
Result<std::optional<std::string>> NamedValue(const po::variables_map& vm, const char* name, bool allow_dash,
                                              const std::string& why) {
  if (!vm.count(name)) return std::optional<std::string>();
  std::string v = vm[name].as<std::string>();
  if (v.empty() || (!allow_dash && v == "-")) return Status::Usage("generate: --" + std::string(name) + ": " + why);
  return std::optional<std::string>(std::move(v));
}

// -n, --shard/--range, -f, -o, --exclude, --ledger: what the plan takes from the command line.
Status ReadPlanFlags(const po::variables_map& vm, GenerateFlags* f, Diagnostics& diag) {
  if (vm.count("count")) {
    int64_t n = vm["count"].as<int64_t>();
    if (n < 1) return Status::Usage("generate: -n: must be at least 1");
    f->plan.count = n;
  }
  COUPONGEN_RETURN_IF_ERROR(ReadKeyedFlags(vm, &f->keyed, &f->plan.count, diag));
  if (vm.count("format")) {
    auto format = FormatOption("generate", vm["format"].as<std::string>());
    if (!format.ok()) return format.status();
    f->plan.format = *format;
  }
  if (vm.count("output")) f->plan.output = vm["output"].as<std::string>();
  if (vm.count("exclude")) f->plan.extra_excludes = vm["exclude"].as<std::vector<std::string>>();
  if (vm.count("ledger")) f->plan.ledger = vm["ledger"].as<std::string>();
  return Status::Ok();
}

// Command line -> flags; usage errors (exit 2) are returned, or reported when a hint goes with them.
Result<GenerateFlags> ReadFlags(const po::variables_map& vm, Context& ctx) {
  GenerateFlags f;
  Diagnostics diag(ctx.err, false);
  auto now = ResolveNow(vm, ctx);
  if (!now.ok()) return now.status();
  f.plan.now = *now;
  COUPONGEN_RETURN_IF_ERROR(ReadPlanFlags(vm, &f, diag));
  auto seed = NamedValue(vm, "seed", true, "must not be empty (leave --seed out for unpredictable codes)");
  if (!seed.ok()) return seed.status();
  f.seed = *seed;
  auto report = NamedValue(vm, "report", false, "give a file path (the report is a file, stdout carries the codes)");
  if (!report.ok()) return report.status();
  f.report = *report;
  f.force = vm.count("force") > 0;
  f.quiet = vm.count("quiet") > 0;
  f.progress = vm.count("progress") > 0;
  if (f.quiet && f.progress) return Status::Usage("generate: -q and --progress exclude each other");
  return f;
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

namespace {

// How a run keeps clear of the ledger's codes. A ledger holding few codes next to the run's count
// is read into the uniqueness table (its packed keys of this shape straight in, other codes keyed
// one by one). A ledger holding far more (a small run against years of campaigns) is not: each
// code drawn is looked up in the ledger's index instead (Ledger::Find), which costs ~10 us a code
// against ~30 ns a code read, so reading wins unless the ledger holds hundreds of codes per code
// of the run.
bool LookUpInLedger(uint64_t ledger_codes, uint64_t count) {
  return ledger_codes > 65536 && ledger_codes / 256 > count;
}

// Codes that must never be produced: exclusion files and the ledger. Returns how many keys were
// added to `taken` (with *lookup: how many ledger codes may have this shape, for the feasibility
// rule). Sets *lookup when drawn codes are to be looked up in the ledger instead.
Result<uint64_t> LoadTakenCodes(const Plan& plan, const CodeKeyer& keyer, Ledger* ledger, CodeSet* taken,
                                bool* lookup, Diagnostics& diag) {
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
    auto counts = ledger->CountForShape(plan.shape, plan.alphabet);
    if (!counts.ok()) return Status::IoError("ledger " + counts.status().message());
    *lookup = LookUpInLedger(counts->same + counts->other, plan.count);
    if (*lookup) {
      added += counts->same + counts->other;
      diag.Info("coupongen: ledger " + ledger->path() + " holds " + WithThousands(counts->same + counts->other) +
                " codes that may have this shape: each code drawn is looked up in it");
      return added;
    }
    uint64_t issued = 0, relevant = 0;
    Status s = ledger->ForEachPackedKey(plan.shape, plan.alphabet, [&](uint64_t packed) {
      ++issued;
      if (taken->Insert(packed + 1)) ++relevant;  // CodeKeyer's exact key of the same shape
    });
    if (s.ok())
      s = ledger->ForEachCodeExcept(plan.shape, plan.alphabet, [&](std::string_view code) {
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

// With a ledger too large to read (LookUpInLedger): replaces each code of *batch the ledger holds
// by a new one that it does not (codes of one run all have the same length).
Status ReplaceIssued(CodeGenerator& gen, Ledger& ledger, CodeBatch* batch) {
  CodeBatch one;
  for (size_t i = 0; i < batch->size(); ++i) {
    while (true) {
      auto found = ledger.Find((*batch)[i]);
      if (!found.ok()) return Status::IoError("ledger " + found.status().message());
      if (!*found) break;
      COUPONGEN_RETURN_IF_ERROR(gen.NextBatch(1, &one));
      batch->Replace(i, one[0]);
    }
  }
  return Status::Ok();
}

// The files written beside the output: the mailing file and the recipients' rejects file, each
// atomic; renamed only when the output and they are all complete.
struct SideOutputs {
  std::optional<Output> mailing, rejects;
  std::unique_ptr<MailingWriter> mailing_writer;
  uint64_t spreadsheet_codes = 0;  // csv codes a spreadsheet would change (counted while writing)

  Status Open(const Plan& plan, bool force, Context& ctx) {
    if (plan.mailing_path) {
      auto m = OpenOutput(*plan.mailing_path, force, ctx);
      if (!m.ok()) return m.status();
      mailing = std::move(m).value();
      auto w = MailingWriter::Open(*mailing->sink, plan.mailing_xlsx, plan.recipient_extras.keep_names,
                                   plan.base.expires_at.has_value());
      if (!w.ok()) return w.status();
      mailing_writer = std::move(w).value();
    }
    if (plan.rejects_path) {
      auto r = OpenOutput(*plan.rejects_path, force, ctx);
      if (!r.ok()) return r.status();
      rejects = std::move(r).value();
      const auto& x = plan.recipient_extras;
      COUPONGEN_RETURN_IF_ERROR(WriteRecipientRejects(*rejects->sink, x.header_raw, x.separator, x.rejects));
    }
    return Status::Ok();
  }
  // One recipient's row of the mailing file.
  Status Mail(const Plan& plan, uint64_t i, std::string_view code) {
    static const std::vector<std::string> none;
    const auto& kept = plan.recipient_extras.kept;
    return mailing_writer->Add(plan.recipients[i], code, plan.base.expires_at.value_or(""), i < kept.size() ? kept[i] : none);
  }
  Status Close() {
    if (mailing_writer) COUPONGEN_RETURN_IF_ERROR(mailing_writer->Finish());
    if (mailing) COUPONGEN_RETURN_IF_ERROR(mailing->Close());
    if (rejects) COUPONGEN_RETURN_IF_ERROR(rejects->Close());
    return Status::Ok();
  }
  Status Commit() {
    if (mailing) COUPONGEN_RETURN_IF_ERROR(mailing->Commit());
    if (rejects) COUPONGEN_RETURN_IF_ERROR(rejects->Commit());
    return Status::Ok();
  }
};

// The contract's warning: csv codes that a spreadsheet would turn into numbers.
bool MayLookNumeric(const Plan& plan) {
  return plan.format == OutputFormat::kCsv && plan.alphabet.symbols().find_first_of("0123456789") != std::string::npos;
}

// Draws plan.count unique codes and writes them; recipients get one each, in order. Each code is
// recorded in the ledger session, when there is one, as it is made. Both generators work a batch
// at a time (no allocation, no virtual call per code; the keyed one also splits each batch over
// two threads, see KeyedGenerator::NextBatch), and the batches are written by a second thread
// while the next ones are made (BatchRing): the codes and their order are the generator's alone,
// whatever the threads' timing.
template <typename Generator>
Status WriteCodes(const Plan& plan, Generator& gen, OutputSink& sink, IssueSession* session, TimeMs now,
                  Progress& progress, std::string* example, Ledger* lookup = nullptr, SideOutputs* side = nullptr) {
  const bool numeric_check = side && MayLookNumeric(plan);
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
      try {
        written = writer->WriteBatch(plan.base, batch->codes(), emails);
      } catch (const std::bad_alloc&) {  // an exception may not leave a thread: report it as a status
        written = Status::IoError("out of memory while writing the codes: give the run more memory");
      }
      ring.Release();
      if (!written.ok()) return ring.Stop();
    }
  });
  Status made;
  // An exception (out of memory) must not unwind past a running thread (std::terminate): stop and
  // join the writer first, then let it go on to RunMain, which reports it.
  try {
  for (uint64_t done = 0; done < plan.count && made.ok();) {
    CodeBatch* batch = ring.Acquire();
    if (!batch) break;  // the writer failed
    const size_t n = static_cast<size_t>(std::min(kCodesPerBatch, plan.count - done));
    made = gen.NextBatch(n, batch);
    if constexpr (std::is_same_v<Generator, CodeGenerator>)
      if (made.ok() && lookup) made = ReplaceIssued(gen, *lookup, batch);
    if (made.ok() && session) made = session->RecordMany(batch->codes(), plan.campaign, rule, now, plan.output_path);
    if (made.ok() && numeric_check)
      for (std::string_view code : batch->codes()) side->spreadsheet_codes += SpreadsheetWouldChange(code);
    if (made.ok() && side && side->mailing_writer)
      for (size_t i = 0; i < n && made.ok(); ++i) made = side->Mail(plan, done + i, (*batch)[i]);
    if (!made.ok()) break;
    if (done + n == plan.count && n > 0) *example = plan.shape.Masked((*batch)[n - 1]);
    ring.Publish(done);
    done += n;
    progress.Update(done);
  }
  } catch (...) {
    ring.Stop();
    ring.Close();
    writer_thread.join();
    throw;
  }
  ring.Close();
  writer_thread.join();
  COUPONGEN_RETURN_IF_ERROR(made);
  COUPONGEN_RETURN_IF_ERROR(written);
  return writer->Finish();
}

// Step 6 of both modes: make the codes durable as reserved, then the output visible, then mark
// the codes delivered. A failure before the ledger's commit rolls it back (the codes were never
// issued); a failure of the rename after it leaves them reserved, and the error says so: they are
// never issued again, and `ledger stats` counts them as undelivered.
Status CommitAndDeliver(Output& out, IssueSession* session, const Ledger* ledger, Diagnostics& diag) {
  Status s = out.sink->Close();
  if (s.ok()) s = out.CheckCommit();  // everything the rename needs, before the ledger commits
  if (s.ok() && session) s = session->Commit();
  if (!s.ok()) return s;
  if (out.file) {
    s = out.file->Commit();
    if (!s.ok() && session)
      return Status::IoError(s.message() + "; its " + WithThousands(session->recorded()) +
                                  (session->recorded() == 1 ? " code stays" : " codes stay") + " reserved in ledger " +
                                  ledger->path() + " as undelivered (never reissued)");
    if (!s.ok()) return s;
  }
  if (session) {
    Status d = session->MarkDelivered();
    if (!d.ok())
      diag.Warn("ledger " + d.message() + ": the output is in place, but its codes stay counted as undelivered");
  }
  return Status::Ok();
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
                                HumanBytes(OutputBytes(plan.output_path, out)) + (out.file ? ", mode 0600)" : ")")});
  if (plan.mailing_path) rows.push_back({"mailing", *plan.mailing_path + " (" + WithThousands(plan.recipients.size()) + " recipients)"});
  if (plan.rejects_path)
    rows.push_back({"rejects", *plan.rejects_path + " (" + WithThousands(plan.recipient_extras.rejects.size()) + " skipped rows)"});
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
  std::optional<DeferInterrupts> defer;  // as in random mode: destroyed after the session rolls back
  auto keyed = PrepareKeyedRun(&spec, flags.keyed, flags.plan.now, ctx, diag);
  if (!keyed.ok()) return diag.Fail(keyed.status());
  const Plan& plan = spec.plan;

  auto out = OpenOutput(plan.output_path, flags.force, ctx);
  if (!out.ok()) return diag.Fail(out.status());
  if (keyed->session) defer.emplace();
  Progress progress(ctx.err, plan.count, !flags.quiet && (flags.progress || ctx.err_is_tty), ctx.err_is_tty);
  std::string example;
  Status s = WriteCodes(plan, keyed->generator, *out->sink, nullptr, flags.plan.now, progress, &example);
  progress.Finish(plan.count);
  if (s.ok()) s = CommitAndDeliver(*out, keyed->session.get(), keyed->ledger.get(), diag);
  if (!s.ok()) return diag.Fail(s);

  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  PrintSummary(plan, *out, secs, example, diag, KeyedSummaryRows(*keyed, plan));
  return FinishReport(RunReport(plan, flags.plan.now), flags.report, plan, secs, flags.force, ctx, diag);
}

// codes.fixed: one coupon with the shared code, and every recipient gets it in the mailing file.
int GenerateFixed(const Plan& plan, const GenerateFlags& flags, Context& ctx, Diagnostics& diag,
                  std::chrono::steady_clock::time_point start) {
  RunReport report(plan, flags.plan.now);
  auto out = OpenOutput(plan.output_path, flags.force, ctx);
  if (!out.ok()) return diag.Fail(out.status());
  SideOutputs side;
  Status s = side.Open(plan, flags.force, ctx);
  if (!s.ok()) return diag.Fail(s);
  Coupon coupon = plan.base;
  coupon.code = *plan.fixed_code;
  auto writer = MakeCouponWriter(WriterOptionsFor(plan), *out->sink);
  s = writer->Write(coupon);
  if (s.ok()) s = writer->Finish();
  for (uint64_t i = 0; s.ok() && side.mailing_writer && i < plan.recipients.size(); ++i) s = side.Mail(plan, i, coupon.code);
  if (s.ok()) s = out->Close();
  if (s.ok()) s = side.Close();
  if (s.ok()) s = out->Commit();
  if (s.ok()) s = side.Commit();
  if (!s.ok()) return diag.Fail(s);
  if (plan.format == OutputFormat::kCsv && SpreadsheetWouldChange(coupon.code))
    diag.Warn("codes.fixed looks like a number to a spreadsheet, which would change it: give people -f xlsx");
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  PrintSummary(plan, *out, secs, "", diag);
  return FinishReport(report, flags.report, plan, secs, flags.force, ctx, diag);
}

}  // namespace

int RunGenerate(const po::variables_map& vm, Context& ctx) {
  if (vm.count("upload")) return RunGenerateAndUpload(vm, ctx);
  return RunGenerateOnly(vm, ctx);
}

int RunGenerateOnly(const po::variables_map& vm, Context& ctx) {
  auto start = std::chrono::steady_clock::now();
  auto flags = ReadFlags(vm, ctx);
  if (!flags.ok()) return Diagnostics(ctx.err, false).Fail(flags.status());
  Diagnostics diag(ctx.err, flags->quiet);

  // 1. Load the spec and resolve it against the command line and the clock.
  auto spec = LoadSpec(vm, flags->plan, ctx);
  if (!spec.ok()) return diag.Fail(spec.status());
  if (diag.ReportAll(spec->problems, spec->campaign.text) > 0) return kExitInvalid;
  const Plan& plan = spec->plan;

  // 2. Refuse an existing output before any work (checked again, atomically, at the rename), and
  //    an output that is one of the run's inputs even with --force; predictable codes never enter
  //    a ledger.
  if (Status s = CheckSeedOptions(flags->seed, plan); !s.ok()) return diag.Fail(s);
  const std::string* maybe_outputs[] = {&plan.output_path, plan.mailing_path ? &*plan.mailing_path : nullptr,
                                       plan.rejects_path ? &*plan.rejects_path : nullptr, flags->report ? &*flags->report : nullptr};
  std::vector<std::string> outputs;
  for (const std::string* path : maybe_outputs)
    if (path) outputs.push_back(*path);
  if (Status s = CheckOutputsAreNotInputs(outputs, GenerateInputs(vm["spec"].as<std::string>(), plan)); !s.ok())
    return diag.Fail(s);
  for (const std::string& path : outputs)
    if (!flags->force && WouldReplace(path))
      return diag.Fail(Status::IoError(path + " already exists (use --force to replace it)"));
  if (plan.format == OutputFormat::kXlsx && plan.output_path == "-" && ctx.err_is_tty && isatty(STDOUT_FILENO))
    return diag.Fail(Status::Usage("generate: xlsx is a binary file: give -o FILE.xlsx (or redirect stdout)"));
  RunReport report(plan, flags->plan.now);
  if (plan.fixed_code) return GenerateFixed(plan, *flags, ctx, diag, start);

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
  std::unique_ptr<IssueSession> session;
  if (plan.ledger_path) {
    if (Status st = OpenLedgerSession(*plan.ledger_path, diag, &ledger, &session); !st.ok()) return diag.Fail(st);
  }
  CodeKeyer keyer(plan.shape, plan.alphabet);
  if (session) session->PackShape(plan.shape, plan.alphabet);  // 8 bytes a code when the shape allows
  bool lookup = false;
  auto taken = LoadTakenCodes(plan, keyer, ledger.get(), seen.get(), &lookup, diag);
  if (!taken.ok()) return diag.Fail(taken.status());
  Status feasible = CheckFeasibility(plan, *taken);
  if (!feasible.ok()) return diag.Fail(feasible);

  // 4. The random source: the CSPRNG, unless --seed asks for predictable codes.
  std::unique_ptr<RandomSource> seeded;
  if (flags->seed) {
    // Even with -q: a run of predictable codes must never pass unnoticed.
    Diagnostics(ctx.err, false).Warn("--seed makes every code predictable to anyone who knows the seed: use it for tests and demos only");
    seeded = std::make_unique<PredictableSeededRandom>(*flags->seed);
  }
  CodeGenerator generator(plan.shape, plan.alphabet, seeded ? *seeded : ctx.random, *seen);
  generator.UseRules(plan.rules);  // codes.check: the check character; codes.blocklist: redraw blocked words
  generator.DrawAhead();           // candidates drawn on a second thread (same codes, same order)

  // 5. Generate and write, to a temporary file beside the target or to stdout.
  auto out = OpenOutput(plan.output_path, flags->force, ctx);
  if (!out.ok()) return diag.Fail(out.status());
  SideOutputs side;
  if (Status opened = side.Open(plan, flags->force, ctx); !opened.ok()) return diag.Fail(opened);
  if (session) defer.emplace();
  Progress progress(ctx.err, plan.count, !flags->quiet && (flags->progress || ctx.err_is_tty), ctx.err_is_tty);
  std::string example;
  auto generating = std::chrono::steady_clock::now();
  Status s = WriteCodes(plan, generator, *out->sink, session.get(), flags->plan.now, progress,
                        &example, lookup ? ledger.get() : nullptr, &side);
  progress.Finish(plan.count);
  report.generate_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - generating).count();
  if (s.ok()) s = side.Close();

  // 6. Make it durable, then visible: the ledger commits (codes reserved) before the output is
  //    renamed into place, so a code in a delivered file is always in the ledger; then the codes
  //    are marked delivered. On any failure before the commit the ledger rolls back and the
  //    temporary file is removed. The mailing and rejects files follow the output.
  if (s.ok()) s = CommitAndDeliver(*out, session.get(), ledger.get(), diag);
  if (s.ok()) s = side.Commit();
  if (!s.ok()) return diag.Fail(s);

  if (side.spreadsheet_codes)
    diag.Warn(WithThousands(side.spreadsheet_codes) + (side.spreadsheet_codes == 1 ? " code looks" : " codes look") +
              " like a number to a spreadsheet, which would change it (drop leading zeros, read 052E4928 as 5.2E+4929): "
              "keep this csv for the importer and give people -f xlsx");
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  PrintSummary(plan, *out, secs, example, diag);
  return FinishReport(report, flags->report, plan, secs, flags->force, ctx, diag);
}

}  // namespace coupongen
