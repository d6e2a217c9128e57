// coupongen generate: the command line -> RunOptions -> the run (run/pipeline.h) -> the summary.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <optional>

#include "base/exit_codes.h"
#include "base/strings.h"
#include "cli/command.h"
#include "cli/generate.h"
#include "cli/keyed_run.h"
#include "cli/output.h"
#include "cli/progress.h"
#include "cli/run_report.h"
#include "cli/spec_loading.h"
#include "cli/summary.h"
#include "run/pipeline.h"

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

using Clock = std::chrono::steady_clock;

struct GenerateFlags {
  RunOptions run;
  bool quiet = false;
  bool progress = false;
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
  PlanOptions& plan = f->run.plan;
  if (vm.count("count")) {
    int64_t n = vm["count"].as<int64_t>();
    if (n < 1) return Status::Usage("generate: -n: must be at least 1");
    plan.count = n;
  }
  COUPONGEN_RETURN_IF_ERROR(ReadKeyedFlags(vm, &f->run.keyed, &plan.count, diag));
  if (vm.count("format")) {
    auto format = FormatOption("generate", vm["format"].as<std::string>());
    if (!format.ok()) return format.status();
    plan.format = *format;
  }
  if (vm.count("output")) plan.output = vm["output"].as<std::string>();
  if (vm.count("exclude")) plan.extra_excludes = vm["exclude"].as<std::vector<std::string>>();
  if (vm.count("ledger")) plan.ledger = vm["ledger"].as<std::string>();
  return Status::Ok();
}

// Command line -> flags; usage errors (exit 2) are returned, or reported when a hint goes with them.
Result<GenerateFlags> ReadFlags(const po::variables_map& vm, Context& ctx) {
  GenerateFlags f;
  Diagnostics diag(ctx.err, false);
  auto now = ResolveNow(vm, ctx);
  if (!now.ok()) return now.status();
  f.run.plan.now = *now;
  f.run.spec_path = vm["spec"].as<std::string>();
  COUPONGEN_RETURN_IF_ERROR(ReadPlanFlags(vm, &f, diag));
  auto seed = NamedValue(vm, "seed", true, "must not be empty (leave --seed out for unpredictable codes)");
  if (!seed.ok()) return seed.status();
  f.run.seed = *seed;
  auto report = NamedValue(vm, "report", false, "give a file path (the report is a file, stdout carries the codes)");
  if (!report.ok()) return report.status();
  f.run.report = *report;
  f.run.force = vm.count("force") > 0;
  f.quiet = vm.count("quiet") > 0;
  f.progress = vm.count("progress") > 0;
  if (f.quiet && f.progress) return Status::Usage("generate: -q and --progress exclude each other");
  return f;
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

// How a run's notices reach the user: notes and warnings through Diagnostics (-q hides them), the
// spec's problems with their line, progress on stderr (on a terminal, or with --progress).
class CliNotices final : public RunNotices {
 public:
  CliNotices(Context& ctx, Diagnostics& diag, const LoadedSpec& spec, bool progress)
      : ctx_(ctx), diag_(diag), spec_(spec), show_progress_(progress) {}
  void Info(const std::string& line) override { diag_.Info(line); }
  void Warn(const std::string& message) override { diag_.Warn(message); }
  void Alert(const std::string& message) override { Diagnostics(ctx_.err, false).Warn(message); }
  void SpecProblem(const Problem& p) override { diag_.Report(p, spec_.campaign.text); }
  void Start(uint64_t total) override { progress_.emplace(ctx_.err, total, show_progress_, ctx_.err_is_tty); }
  void Advance(uint64_t done) override { progress_->Update(done); }
  void Finish(uint64_t done) override { progress_->Finish(done); }

 private:
  Context& ctx_;
  Diagnostics& diag_;
  const LoadedSpec& spec_;
  bool show_progress_;
  std::optional<Progress> progress_;
};

// Before any work: the run's rules for its outputs (run/pipeline.h), and no xlsx on a terminal.
Status CheckOutputs(const Plan& plan, const RunOptions& options, Context& ctx) {
  COUPONGEN_RETURN_IF_ERROR(CheckRunOutputs(plan, options));
  if (plan.format == OutputFormat::kXlsx && plan.output_path == "-" && ctx.err_is_tty && isatty(STDOUT_FILENO))
    return Status::Usage("generate: xlsx is a binary file: give -o FILE.xlsx (or redirect stdout)");
  return Status::Ok();
}

// After the run: the summary, then the report (exit 1 when it cannot be written).
int Summarize(const Plan& plan, const GenerateFlags& flags, const DeliveredRun& r, Clock::time_point start, Context& ctx,
              Diagnostics& diag) {
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  SummaryRows extra;
  if (r.keyed) extra = KeyedSummaryRows(*r.keyed, r.ledger.ledger.get(), plan);
  PrintSummary(plan, r.out, secs, r.example, diag, extra);
  RunReport report(plan, flags.run.plan.now);
  report.generate_seconds = r.generate_seconds;
  return FinishReport(report, flags.run.report, plan, secs, flags.run.force, ctx, diag);
}

// The run of a spec that passed, to its summary and report. The run (its ledger session, its
// deferred signals) ends here, before any step that follows it (generate --upload's upload).
int GenerateCodes(LoadedSpec* spec, const GenerateFlags& flags, Clock::time_point start, Context& ctx,
                  Diagnostics& diag) {
  if (Status s = CheckOutputs(spec->plan, flags.run, ctx); !s.ok()) return diag.Fail(s);
  std::optional<DeferInterrupts> defer;  // destroyed last: a deferred signal kills the process once all is said
  CliNotices notices(ctx, diag, *spec, !flags.quiet && (flags.progress || ctx.err_is_tty));
  RunIo io{ctx.out, ctx.env, ctx.random, notices, defer};
  auto run = RunCodes(spec, flags.run, io);
  if (!run.ok()) return diag.Fail(run.status());
  return Summarize(spec->plan, flags, *run, start, ctx, diag);
}

}  // namespace

int RunGenerate(const po::variables_map& vm, Context& ctx) {
  if (vm.count("upload")) return RunGenerateAndUpload(vm, ctx);
  return RunGenerateOnly(vm, ctx);
}

int RunGenerateOnly(const po::variables_map& vm, Context& ctx) { return RunGenerateWith(vm, ctx, nullptr); }

int RunGenerateWith(const po::variables_map& vm, Context& ctx, const GenerateSteps* steps) {
  auto start = Clock::now();
  auto flags = ReadFlags(vm, ctx);
  if (!flags.ok()) return Diagnostics(ctx.err, false).Fail(flags.status());
  Diagnostics diag(ctx.err, flags->quiet);
  auto spec = LoadSpec(vm, flags->run.plan, ctx);
  if (!spec.ok()) return diag.Fail(spec.status());
  if (steps && steps->check)
    if (Status s = steps->check(spec->plan); !s.ok()) return diag.Fail(s);
  if (diag.ReportAll(spec->problems, spec->campaign.text) > 0) return kExitInvalid;
  int code = GenerateCodes(&*spec, *flags, start, ctx, diag);
  if (code != kExitSuccess || !steps || !steps->then) return code;
  return steps->then(spec->plan);
}

}  // namespace coupongen
