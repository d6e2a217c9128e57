// coupongen upload: coupon files -> Commerce Layer imports. cl/upload_run.h does the work; this
// file reads the options, tells what happens, and writes the report and rejects documents.
#include "base/exit_codes.h"
#include "base/strings.h"
#include "cl/upload_run.h"
#include "cli/cl_options.h"
#include "cli/command.h"
#include "cli/output.h"
#include "coupon/commerce_layer_limits.h"

namespace coupongen {

po::options_description UploadOptions() {
  po::options_description d("Options");
  d.add_options()
      ("files", po::value<std::vector<std::string>>()->required(), "coupon files in any format lint reads (csv, json, jsonapi, imports, exports; optionally gzipped)")
      ("promotion-rule", po::value<std::string>()->value_name("ID"), "the coupon codes promotion rule of every coupon (overrides the files')")
      ("chunk-size", po::value<size_t>()->value_name("N"), "inputs per import, 1..10000 (default 10000)")
      ("journal", po::value<std::string>()->value_name("PATH"), "the resume journal (default FILE.upload-journal beside the first file)")
      ("report", po::value<std::string>()->value_name("PATH"), "write a JSON report of every import here")
      ("rejects", po::value<std::string>()->value_name("PATH"), "write the inputs Commerce Layer refused here (CSV code,attribute,message)")
      ("ledger", po::value<std::string>()->value_name("DB"), "record in this ledger which of its codes were uploaded, refused or not sent (ledger stats, ledger find)");
  AddCommerceLayerOptions(d);
  d.add_options()
      ("concurrency", po::value<int>()->value_name("N")->default_value(3), "imports in flight at once, 1..10")
      ("timeout", po::value<std::string>()->value_name("DURATION")->default_value("30m"), "give up after this long (90s, 30m, 2h); a rerun resumes")
      ("dry-run", "check the files and print what would be sent, contacting nothing")
      ("quiet,q", "print nothing but errors")
      ("progress", "show progress on stderr even when it is not a terminal");
  return d;
}

namespace {

Status WriteText(const std::string& path, const std::string& text, Context& ctx) {
  auto out = OpenOutput(path, /*force=*/true, ctx);
  if (!out.ok()) return out.status();
  Status s = out->sink->Append(text);
  if (s.ok()) s = out->Close();
  if (s.ok()) s = out->Commit();
  return s;
}

std::optional<std::string> OptionalString(const po::variables_map& vm, const char* name) {
  if (!vm.count(name)) return std::nullopt;
  return vm[name].as<std::string>();
}

// The numbers the options bound: concurrency, timeout and chunk size (usage errors).
Status ReadLimits(const po::variables_map& vm, cl::UploadRunOptions* o) {
  o->concurrency = vm["concurrency"].as<int>();
  if (o->concurrency < 1 || o->concurrency > kCommerceLayerMaxConcurrentImports)
    return Status::Usage("upload: --concurrency must be 1..10 (got " + std::to_string(o->concurrency) + ")");
  std::string why;
  auto timeout = ParseDuration(vm["timeout"].as<std::string>(), &why);
  if (!timeout || *timeout <= 0)
    return Status::Usage("upload: --timeout: " + (why.empty() ? std::string("must be positive") : why) + ": '" +
                         vm["timeout"].as<std::string>() + "' (e.g. 90s, 30m, 2h)");
  o->timeout_ms = *timeout;
  if (vm.count("chunk-size")) {
    o->plan.chunk_size = vm["chunk-size"].as<size_t>();
    if (o->plan.chunk_size < 1 || o->plan.chunk_size > kCommerceLayerMaxImportInputs)
      return Status::Usage("upload: --chunk-size must be 1..10000 (Commerce Layer's limit per import)");
  }
  return Status::Ok();
}

Result<cl::UploadRunOptions> ReadUploadOptions(const po::variables_map& vm, Context& ctx) {
  cl::UploadRunOptions o;
  o.plan.files = vm["files"].as<std::vector<std::string>>();
  COUPONGEN_RETURN_IF_ERROR(ReadLimits(vm, &o));
  o.plan.promotion_rule = OptionalString(vm, "promotion-rule");
  o.plan.now = ctx.clock();
  o.env = ctx.env;
  auto journal = cl::UploadJournalPath(o.plan.files, OptionalString(vm, "journal"));
  if (!journal.ok()) return journal.status();
  o.journal = std::move(journal).value();
  if (!vm.count("dry-run")) {
    auto c = LoadCommerceLayerCredentials(vm);
    if (!c.ok()) return c.status();
    o.credentials = std::move(c).value();
  }
  o.ledger = OptionalString(vm, "ledger");
  o.ca_file = OptionalString(vm, "ca-file").value_or("");
  return o;
}

// Tells the user, on stderr, what the upload does as it goes.
class DiagnosticsEvents : public cl::UploadRunEvents {
 public:
  explicit DiagnosticsEvents(Diagnostics& diag) : diag_(diag) {}
  void Checked(const Problems& problems) override { diag_.ReportAll(problems); }
  void ImportFinished(const cl::ImportOutcome& o) override {
    diag_.Info("coupongen: import " + o.reference + " " + o.status + ": " + WithThousands(o.processed) +
               " processed, " + WithThousands(o.errors) + " errors, " + WithThousands(o.warnings) + " warnings" +
               (o.resumed ? " (in an earlier run)" : ""));
  }
  void LedgerFailed(const Status& status) override { diag_.Fail(status); }
  void Warning(const std::string& message) override { diag_.Warn(message); }

 private:
  Diagnostics& diag_;
};

void PrintDryRun(const cl::UploadPlan& plan, std::ostream& out) {
  for (const auto& c : plan.chunks)
    out << c.reference << '\t' << c.inputs << " inputs\tparent_resource_id " << c.parent_rule << '\t' << c.file << '\n';
  out << "total\t" << plan.coupons << " coupons in " << plan.chunks.size() << " imports (dry run: nothing sent)\n";
}

// --report and --rejects: the first failure (each is reported).
Status WriteDocuments(const po::variables_map& vm, const cl::UploadRun& run, Diagnostics& diag, Context& ctx) {
  Status s;
  if (vm.count("report")) {
    s = WriteText(vm["report"].as<std::string>(), run.report_json, ctx);
    if (!s.ok()) diag.Fail(s);
  }
  if (vm.count("rejects")) {
    Status r = WriteText(vm["rejects"].as<std::string>(), run.rejects_csv, ctx);
    if (!r.ok()) diag.Fail(r);
    if (s.ok()) s = r;
  }
  return s;
}

// After the imports: the documents, then how it ended, and the exit code.
int Finish(const po::variables_map& vm, const cl::UploadRunOptions& o, const cl::UploadRun& run, Diagnostics& diag,
           Context& ctx) {
  const Status s = WriteDocuments(vm, run, diag, ctx);
  const cl::UploadResult& result = run.result;
  if (!result.status.ok()) {
    diag.Fail(result.status);
    if (result.status.code() != Status::Code::kUsage && result.status.code() != Status::Code::kCredentials)
      diag.Info("coupongen: " + WithThousands(result.imports.size()) + " of " + WithThousands(run.plan.chunks.size()) +
                " imports finished; the journal " + o.journal + " lets the same command resume");
    return result.status.exit_code();
  }
  std::string refused;
  if (run.refused)
    refused = ", " + WithThousands(run.refused) + " refused" +
              (vm.count("rejects") ? " (see " + vm["rejects"].as<std::string>() + ")" : "");
  diag.Info("coupongen: uploaded " + WithThousands(run.processed) + " of " + WithThousands(run.plan.coupons) +
            " coupons in " + WithThousands(result.imports.size()) + " imports" + refused);
  if (!s.ok()) return s.exit_code();
  if (!run.ledger_status.ok()) return run.ledger_status.exit_code();
  return result.partial() ? kExitPartial : kExitSuccess;
}

}  // namespace

int RunUpload(const po::variables_map& vm, Context& ctx) {
  Diagnostics diag(ctx.err, vm.count("quiet") > 0);
  auto options = ReadUploadOptions(vm, ctx);
  if (!options.ok()) return diag.Fail(options.status());
  DiagnosticsEvents events(diag);
  auto run = cl::RunUpload(*options, events);
  if (!run.ok()) return diag.Fail(run.status());
  switch (run->stage) {
    case cl::UploadRun::Stage::kInvalid:
      diag.Error("invalid rows: nothing was sent (fix them, or set them aside with 'coupongen convert --rejects')");
      return kExitInvalid;
    case cl::UploadRun::Stage::kEmpty:
      diag.Info("coupongen: no coupons to upload");
      return kExitSuccess;
    case cl::UploadRun::Stage::kDryRun:
      PrintDryRun(run->plan, ctx.out);
      return kExitSuccess;
    case cl::UploadRun::Stage::kSent:
      break;
  }
  return Finish(vm, *options, *run, diag, ctx);
}

}  // namespace coupongen
