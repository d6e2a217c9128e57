// coupongen upload: coupon files -> Commerce Layer imports (src/cl/upload.h does the work).
#include <chrono>
#include <set>
#include <unordered_map>
#include <nlohmann/json.hpp>

#include "base/exit_codes.h"
#include "base/strings.h"
#include "cl/client.h"
#include "cl/upload.h"
#include "cl/upload_states.h"
#include "cli/cl_options.h"
#include "cli/command.h"
#include "cli/output.h"
#include "coupon/commerce_layer_limits.h"
#include "ledger/ledger.h"

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

std::string CsvField(std::string s) {
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  if (s.find_first_of(",\"") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// errors_log {"CODE":{"attribute":["message", ...]}} -> one CSV row per message.
std::string RejectRows(const nlohmann::json& log, uint64_t* rows) {
  std::string out;
  if (!log.is_object()) return out;
  for (const auto& item : log.items()) {
    // Not a structured binding: clang 14 (the fuzz build) cannot capture one in the lambda.
    const std::string code = item.key();
    const nlohmann::json& attrs = item.value();
    auto add = [&](const std::string& attribute, const nlohmann::json& msg) {
      out += CsvField(code) + "," + CsvField(attribute) + "," + CsvField(msg.is_string() ? msg.get<std::string>() : msg.dump()) + "\n";
      ++*rows;
    };
    if (attrs.is_object()) {
      for (const auto& [attribute, msgs] : attrs.items()) {
        if (msgs.is_array()) for (const auto& m : msgs) add(attribute, m);
        else add(attribute, msgs);
      }
    } else if (attrs.is_array()) {
      for (const auto& m : attrs) add("", m);
    } else {
      add("", attrs);
    }
  }
  return out;
}

Status WriteText(const std::string& path, const std::string& text, Context& ctx) {
  auto out = OpenOutput(path, /*force=*/true, ctx);
  if (!out.ok()) return out.status();
  Status s = out->sink->Append(text);
  if (s.ok()) s = out->Close();
  if (s.ok()) s = out->Commit();
  return s;
}

// upload --ledger: records each code's state as its import finishes (Finished, called by the
// uploader's threads one at a time), then the codes of imports that never finished (Unfinished).
// A resumed run records the imports finished earlier again: the ledger keeps one state per code.
// A ledger failure is reported once and stops the recording, never the upload: rerunning the
// same command records the states.
class LedgerRecorder {
 public:
  LedgerRecorder(Ledger* ledger, const cl::UploadPlan& plan, Context& ctx, Diagnostics& diag)
      : ledger_(ledger), plan_(plan), ctx_(ctx), diag_(diag) {
    for (const auto& c : plan.chunks) by_reference_.emplace(c.reference, &c);
  }
  void Finished(const cl::ImportOutcome& o) {
    auto it = by_reference_.find(o.reference);
    if (it == by_reference_.end()) return;
    finished_.insert(o.reference);
    Record(cl::CodeOutcomes(*it->second, &o));
  }
  void Unfinished(const cl::UploadResult&) {
    for (const auto& c : plan_.chunks)
      if (!finished_.count(c.reference)) Record(cl::CodeOutcomes(c, nullptr));
  }
  Status Done() {
    if (!ledger_) return Status::Ok();
    if (status_.ok() && not_in_ledger_ > 0)
      diag_.Warn("upload: " + WithThousands(not_in_ledger_) + (not_in_ledger_ == 1 ? " code is" : " codes are") +
                 " not in ledger " + ledger_->path() +
                 " (made elsewhere, or keyed codes, which it holds as ranges): no upload state recorded for " +
                 (not_in_ledger_ == 1 ? "it" : "them"));
    return status_;
  }

 private:
  void Record(const std::vector<UploadOutcome>& outcomes) {
    if (!ledger_ || !status_.ok()) return;
    auto counts = ledger_->RecordUploadStates(outcomes, ctx_.clock());
    if (!counts.ok()) {
      status_ = Status::IoError("ledger " + counts.status().message() +
                                ": upload states not recorded (rerun the same command to record them)");
      diag_.Fail(status_);
      return;
    }
    not_in_ledger_ += counts->not_in_ledger;
  }
  Ledger* ledger_;
  const cl::UploadPlan& plan_;
  Context& ctx_;
  Diagnostics& diag_;
  std::unordered_map<std::string, const cl::ImportChunk*> by_reference_;
  std::set<std::string> finished_;
  uint64_t not_in_ledger_ = 0;
  Status status_;
};

}  // namespace

int RunUpload(const po::variables_map& vm, Context& ctx) {
  Diagnostics diag(ctx.err, vm.count("quiet") > 0);
  const auto files = vm["files"].as<std::vector<std::string>>();
  const int concurrency = vm["concurrency"].as<int>();
  if (concurrency < 1 || concurrency > kCommerceLayerMaxConcurrentImports)
    return diag.Fail(Status::Usage("upload: --concurrency must be 1..10 (got " + std::to_string(concurrency) + ")"));
  std::string why;
  auto timeout = ParseDuration(vm["timeout"].as<std::string>(), &why);
  if (!timeout || *timeout <= 0)
    return diag.Fail(Status::Usage("upload: --timeout: " + (why.empty() ? std::string("must be positive") : why) +
                                   ": '" + vm["timeout"].as<std::string>() + "' (e.g. 90s, 30m, 2h)"));
  cl::UploadOptions options;
  options.files = files;
  if (vm.count("promotion-rule")) options.promotion_rule = vm["promotion-rule"].as<std::string>();
  if (vm.count("chunk-size")) {
    options.chunk_size = vm["chunk-size"].as<size_t>();
    if (options.chunk_size < 1 || options.chunk_size > kCommerceLayerMaxImportInputs)
      return diag.Fail(Status::Usage("upload: --chunk-size must be 1..10000 (Commerce Layer's limit per import)"));
  }
  options.now = ctx.clock();
  const bool dry_run = vm.count("dry-run") > 0;
  std::string journal_path;
  if (vm.count("journal")) journal_path = vm["journal"].as<std::string>();
  else if (files.front() == "-") return diag.Fail(Status::Usage("upload: reading stdin needs --journal PATH"));
  else journal_path = files.front() + ".upload-journal";

  std::optional<cl::Credentials> credentials;
  if (!dry_run) {
    auto c = LoadCommerceLayerCredentials(vm);
    if (!c.ok()) return diag.Fail(c.status());
    credentials = std::move(c).value();
  }

  // 1. Read and check every row, as lint does: nothing is sent when any row is invalid.
  auto plan = cl::PlanUpload(options);
  if (!plan.ok()) return diag.Fail(plan.status());
  if (diag.ReportAll(plan->problems) > 0) {
    diag.Error("invalid rows: nothing was sent (fix them, or set them aside with 'coupongen convert --rejects')");
    return kExitInvalid;
  }
  if (plan->chunks.empty()) {
    diag.Info("coupongen: no coupons to upload");
    return kExitSuccess;
  }
  if (dry_run) {
    for (const auto& c : plan->chunks)
      ctx.out << c.reference << '\t' << c.inputs << " inputs\tparent_resource_id " << c.parent_rule << '\t' << c.file << '\n';
    ctx.out << "total\t" << plan->coupons << " coupons in " << plan->chunks.size() << " imports (dry run: nothing sent)\n";
    return kExitSuccess;
  }
  // The ledger is opened before anything is sent: a missing one is an error, not a new ledger.
  std::unique_ptr<Ledger> ledger;
  if (vm.count("ledger")) {
    LedgerOptions lo;
    lo.create_if_missing = false;
    auto l = Ledger::Open(vm["ledger"].as<std::string>(), lo);
    if (!l.ok()) return diag.Fail(Status::IoError("ledger " + l.status().message()));
    ledger = std::move(l).value();
  }
  LedgerRecorder recorder(ledger.get(), *plan, ctx, diag);

  // 2. Send, resumably.
  auto journal = cl::Journal::Open(journal_path);
  if (!journal.ok()) return diag.Fail(journal.status());
  auto http = cl::MakeCurlHttpClient(vm.count("ca-file") ? vm["ca-file"].as<std::string>() : "");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(*timeout);
  cl::Client client(*credentials, *http, cl::RetryPolicy::FromEnvironment(), deadline);
  cl::Uploader uploader(client, **journal, concurrency);
  uploader.on_import = [&](const cl::ImportOutcome& o) {
    diag.Info("coupongen: import " + o.reference + " " + o.status + ": " + WithThousands(o.processed) + " processed, " +
              WithThousands(o.errors) + " errors, " + WithThousands(o.warnings) + " warnings" +
              (o.resumed ? " (in an earlier run)" : ""));
    recorder.Finished(o);
  };
  cl::UploadResult result = uploader.Run(*plan);
  recorder.Unfinished(result);
  const Status ledger_status = recorder.Done();

  // 3. Report.
  uint64_t processed = 0, refused = 0, reject_rows = 0;
  nlohmann::json imports = nlohmann::json::array();
  std::string rejects = "code,attribute,message\n";
  for (const auto& o : result.imports) {
    processed += o.processed;
    refused += o.errors;
    imports.push_back({{"reference", o.reference}, {"id", o.id}, {"status", o.status}, {"inputs", o.inputs},
                       {"processed_count", o.processed}, {"errors_count", o.errors}, {"warnings_count", o.warnings},
                       {"errors_log", o.errors_log}});
    rejects += RejectRows(o.errors_log, &reject_rows);
  }
  Status s;
  if (vm.count("report")) {
    nlohmann::json report = {{"files", files}, {"journal", journal_path}, {"coupons", plan->coupons},
                             {"imports_planned", plan->chunks.size()}, {"imports", imports},
                             {"finished", result.status.ok()},
                             {"error", result.status.ok() ? nlohmann::json(nullptr) : nlohmann::json(result.status.message())}};
    s = WriteText(vm["report"].as<std::string>(), report.dump(2) + "\n", ctx);
    if (!s.ok()) diag.Fail(s);
  }
  if (vm.count("rejects")) {
    Status r = WriteText(vm["rejects"].as<std::string>(), rejects, ctx);
    if (!r.ok()) diag.Fail(r);
    if (s.ok()) s = r;
  }
  if (!result.status.ok()) {
    diag.Fail(result.status);
    if (result.status.code() != Status::Code::kUsage && result.status.code() != Status::Code::kCredentials)
      diag.Info("coupongen: " + WithThousands(result.imports.size()) + " of " + WithThousands(plan->chunks.size()) +
                " imports finished; the journal " + journal_path + " lets the same command resume");
    return result.status.exit_code();
  }
  diag.Info("coupongen: uploaded " + WithThousands(processed) + " of " + WithThousands(plan->coupons) + " coupons in " +
            WithThousands(result.imports.size()) + " imports" +
            (refused ? ", " + WithThousands(refused) + " refused" + (vm.count("rejects") ? " (see " + vm["rejects"].as<std::string>() + ")" : "") : ""));
  if (!s.ok()) return s.exit_code();
  if (!ledger_status.ok()) return ledger_status.exit_code();
  return result.partial() ? kExitPartial : kExitSuccess;
}

}  // namespace coupongen
