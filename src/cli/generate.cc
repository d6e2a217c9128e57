// coupongen generate: spec -> plan -> unique codes -> atomic output -> summary.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <span>

#include "base/exit_codes.h"
#include "base/strings.h"
#include "cli/command.h"
#include "cli/progress.h"
#include "cli/spec_loading.h"
#include "cli/summary.h"
#include "cli/taken_codes.h"
#include "codes/code_set.h"
#include "codes/generator.h"
#include "io/atomic_file.h"
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
      ("progress", "show progress on stderr even when it is not a terminal");
  return d;
}

namespace {

struct GenerateFlags {
  PlanOptions plan;
  bool force = false;
  bool quiet = false;
  bool progress = false;
  std::optional<std::string> seed;
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
Result<uint64_t> LoadTakenCodes(const Plan& plan, const CodeKeyer& keyer, CodeSet* taken, Diagnostics& diag) {
  uint64_t added = 0;
  if (!plan.exclude_paths.empty()) {
    auto counts = AddExcludedCodes(plan.exclude_paths, keyer, taken);
    if (!counts.ok()) return counts.status();
    added += counts->relevant;
    diag.Info("coupongen: excluding " + WithThousands(counts->codes) + " codes from " + WithThousands(counts->files) +
              (counts->files == 1 ? " file" : " files") + " (" + WithThousands(counts->relevant) +
              " of this shape)");
  }
  if (plan.ledger_path) return Status::IoError("the ledger is not supported by this build yet");
  return added;
}

unsigned long long PhysicalMemoryBytes() {
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
  return pages > 0 && size > 0 ? static_cast<unsigned long long>(pages) * static_cast<unsigned long long>(size) : ~0ull;
}

struct Output {
  std::unique_ptr<AtomicFile> file;  // null: stdout
  std::unique_ptr<OstreamSink> stdout_sink;
  OutputSink* sink = nullptr;
};

Result<Output> OpenOutput(const Plan& plan, bool force, Context& ctx) {
  Output out;
  if (plan.output_path == "-") {
    out.stdout_sink = std::make_unique<OstreamSink>(ctx.out);
    out.sink = out.stdout_sink.get();
    return out;
  }
  InstallCleanupSignalHandlers();
  auto file = AtomicFile::Create(plan.output_path, force);
  if (!file.ok()) return file.status();
  out.file = std::move(file).value();
  out.sink = out.file.get();
  return out;
}

// Draws plan.count unique codes and writes them, a batch at a time; recipients get one each, in order.
Status WriteCodes(const Plan& plan, CodeGenerator& gen, OutputSink& sink, Progress& progress, std::string* example) {
  constexpr uint64_t kCodesPerBatch = 4096;  // divides 65,536: Progress, which looks every 65,536 codes, still ticks
  WriterOptions wo;
  wo.format = plan.format;
  wo.fields = plan.fields;
  wo.campaign = plan.campaign;
  wo.parent_rule_id = plan.base.promotion_rule_id;
  wo.chunk_size = plan.chunk_size;
  wo.plain_codes = gen.plain_codes();
  auto writer = MakeCouponWriter(wo, sink);
  const std::span<const std::string> recipients = plan.recipients;
  CodeBatch batch;
  for (uint64_t done = 0; done < plan.count; done += batch.size()) {
    const size_t n = static_cast<size_t>(std::min(kCodesPerBatch, plan.count - done));
    COUPONGEN_RETURN_IF_ERROR(gen.NextBatch(n, &batch));
    const auto emails = recipients.empty() ? recipients : recipients.subspan(done, n);
    COUPONGEN_RETURN_IF_ERROR(writer->WriteBatch(plan.base, batch.codes(), emails));
    progress.Update(done + n);
  }
  if (!batch.empty()) *example = plan.shape.Masked(batch[batch.size() - 1]);
  return writer->Finish();
}

void PrintSummary(const Plan& plan, const Output& out, double secs, const std::string& example, Diagnostics& diag) {
  double rate = secs > 0 ? static_cast<double>(plan.count) / secs : 0;
  diag.Info("coupongen: " + WithThousands(plan.count) + " codes for " + plan.campaign + " in " + Seconds(secs) + " (" +
            WithThousands(static_cast<unsigned long long>(rate)) + " codes/s)");
  SummaryRows rows;
  rows.push_back({"shape", plan.shape.Display() + (example.empty() ? "" : ", e.g. " + example)});
  rows.push_back({"keyspace", plan.keyspace.SizeText() + " (" + [&] {
                    char b[32];
                    std::snprintf(b, sizeof b, "%.1f", plan.keyspace.entropy_bits);
                    return std::string(b);
                  }() + " bits per code), guess odds " + OddsText(plan.keyspace.GuessOdds(plan.count))});
  rows.push_back({"expires at", plan.expires_at ? FormatTimestamp(*plan.expires_at) : "never"});
  rows.push_back({"output", out.file ? plan.output_path + " (" + FormatName(plan.format) + ", " +
                                           HumanBytes(out.file->bytes_written()) + ", mode 0600)"
                                     : std::string("stdout (") + FormatName(plan.format) + ")"});
  std::string text = FormatRows(rows, "  ");
  text.pop_back();
  diag.Info(text);
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
  if (plan.output_path != "-" && !flags->force && PathExists(plan.output_path))
    return diag.Fail(Status::IoError(plan.output_path + " already exists (use --force to replace it)"));

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
  CodeKeyer keyer(plan.shape, plan.alphabet);
  auto taken = LoadTakenCodes(plan, keyer, seen.get(), diag);
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

  // 5. Generate and write, to a temporary file beside the target or to stdout.
  auto out = OpenOutput(plan, flags->force, ctx);
  if (!out.ok()) return diag.Fail(out.status());
  Progress progress(ctx.err, plan.count, !flags->quiet && (flags->progress || ctx.err_is_tty), ctx.err_is_tty);
  std::string example;
  Status s = WriteCodes(plan, generator, *out->sink, progress, &example);
  progress.Finish(plan.count);
  if (s.ok()) s = out->sink->Close();

  // 6. Make it visible: rename into place (the temporary file is removed on any failure).
  if (s.ok() && out->file) s = out->file->Commit();
  if (!s.ok()) return diag.Fail(s);

  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  PrintSummary(plan, *out, secs, example, diag);
  return kExitSuccess;
}

}  // namespace coupongen
