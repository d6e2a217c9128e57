#include "cl/upload_run.h"

#include <chrono>
#include <memory>
#include <set>
#include <unordered_map>
#include <utility>

#include "base/strings.h"
#include "cl/http.h"
#include "cl/journal.h"
#include "cl/upload_states.h"
#include "ledger/ledger.h"

namespace coupongen::cl {
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

// errors_log {"CODE":{"attribute":["message", ...]}} -> one CSV row per message (`*rows` counts them).
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

// upload --ledger: records each code's state as its import finishes (Finished, called by the
// uploader's threads one at a time), then the codes of imports that never finished (Unfinished).
// A resumed run records the imports finished earlier again: the ledger keeps one state per code.
// A ledger failure is reported once and stops the recording, never the upload: rerunning the
// same command records the states.
class LedgerRecorder {
 public:
  LedgerRecorder(Ledger* ledger, const UploadPlan& plan, TimeMs now, UploadRunEvents& events)
      : ledger_(ledger), plan_(plan), now_(now), events_(events) {
    for (const auto& c : plan.chunks) by_reference_.emplace(c.reference, &c);
  }
  void Finished(const ImportOutcome& o) {
    auto it = by_reference_.find(o.reference);
    if (it == by_reference_.end()) return;
    finished_.insert(o.reference);
    Record(CodeOutcomes(*it->second, &o));
  }
  void Unfinished() {
    for (const auto& c : plan_.chunks)
      if (!finished_.count(c.reference)) Record(CodeOutcomes(c, nullptr));
  }
  Status Done() {
    if (!ledger_) return Status::Ok();
    if (status_.ok() && not_in_ledger_ > 0)
      events_.Warning("upload: " + WithThousands(not_in_ledger_) + (not_in_ledger_ == 1 ? " code is" : " codes are") +
                      " not in ledger " + ledger_->path() +
                      " (made elsewhere, or keyed codes, which it holds as ranges): no upload state recorded for " +
                      (not_in_ledger_ == 1 ? "it" : "them"));
    return status_;
  }

 private:
  void Record(const std::vector<UploadOutcome>& outcomes) {
    if (!ledger_ || !status_.ok()) return;
    auto counts = ledger_->RecordUploadStates(outcomes, now_);
    if (!counts.ok()) {
      status_ = Status::IoError("ledger " + counts.status().message() +
                                ": upload states not recorded (rerun the same command to record them)");
      events_.LedgerFailed(status_);
      return;
    }
    not_in_ledger_ += counts->not_in_ledger;
  }
  Ledger* ledger_;
  const UploadPlan& plan_;
  TimeMs now_;
  UploadRunEvents& events_;
  std::unordered_map<std::string, const ImportChunk*> by_reference_;
  std::set<std::string> finished_;
  uint64_t not_in_ledger_ = 0;
  Status status_;
};

// The ledger is opened before anything is sent: a missing one is an error, not a new ledger.
Result<std::unique_ptr<Ledger>> OpenLedger(const UploadRunOptions& o) {
  if (!o.ledger) return std::unique_ptr<Ledger>();
  LedgerOptions lo;
  lo.create_if_missing = false;
  lo.env = o.env;
  auto l = Ledger::Open(*o.ledger, lo);
  if (!l.ok()) return Status::IoError("ledger " + l.status().message());
  return l;
}

// Sends the plan's imports through the journal, recording the codes' states in `ledger`.
Result<UploadResult> Send(const UploadRunOptions& o, const UploadPlan& plan, Ledger* ledger, UploadRunEvents& events,
                          Status* ledger_status) {
  LedgerRecorder recorder(ledger, plan, o.plan.now, events);
  auto journal = Journal::Open(o.journal);
  if (!journal.ok()) return journal.status();
  auto http = MakeCurlHttpClient(o.ca_file);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(o.timeout_ms);
  Client client(*o.credentials, *http, RetryPolicy::FromEnvironment(), deadline);
  Uploader uploader(client, **journal, o.concurrency);
  uploader.on_import = [&](const ImportOutcome& outcome) {
    events.ImportFinished(outcome);
    recorder.Finished(outcome);
  };
  UploadResult result = uploader.Run(plan);
  recorder.Unfinished();
  *ledger_status = recorder.Done();
  return result;
}

// The --report document and the --rejects rows of a finished (or stopped) upload.
void Summarize(const UploadRunOptions& o, UploadRun& run) {
  uint64_t reject_rows = 0;
  nlohmann::json imports = nlohmann::json::array();
  run.rejects_csv = "code,attribute,message\n";
  for (const auto& i : run.result.imports) {
    run.processed += i.processed;
    run.refused += i.errors;
    imports.push_back({{"reference", i.reference}, {"id", i.id}, {"status", i.status}, {"inputs", i.inputs},
                       {"processed_count", i.processed}, {"errors_count", i.errors}, {"warnings_count", i.warnings},
                       {"errors_log", i.errors_log}});
    run.rejects_csv += RejectRows(i.errors_log, &reject_rows);
  }
  const Status& s = run.result.status;
  nlohmann::json report = {{"files", o.plan.files}, {"journal", o.journal}, {"coupons", run.plan.coupons},
                           {"imports_planned", run.plan.chunks.size()}, {"imports", imports},
                           {"finished", s.ok()},
                           {"error", s.ok() ? nlohmann::json(nullptr) : nlohmann::json(s.message())}};
  run.report_json = report.dump(2) + "\n";
}

}  // namespace

Result<std::string> UploadJournalPath(const std::vector<std::string>& files, const std::optional<std::string>& journal) {
  if (journal) return *journal;
  if (files.front() == "-") return Status::Usage("upload: reading stdin needs --journal PATH");
  return files.front() + ".upload-journal";
}

Result<UploadRun> RunUpload(const UploadRunOptions& o, UploadRunEvents& events) {
  // 1. Read and check every row, as lint does: nothing is sent when any row is invalid.
  auto plan = PlanUpload(o.plan);
  if (!plan.ok()) return plan.status();
  UploadRun run;
  run.plan = std::move(plan).value();
  events.Checked(run.plan.problems);
  if (HasErrors(run.plan.problems)) return run;  // Stage::kInvalid; warnings alone stop nothing
  if (run.plan.chunks.empty()) {
    run.stage = UploadRun::Stage::kEmpty;
    return run;
  }
  if (!o.credentials) {
    run.stage = UploadRun::Stage::kDryRun;
    return run;
  }
  auto ledger = OpenLedger(o);
  if (!ledger.ok()) return ledger.status();
  // 2. Send, resumably. 3. Sum up.
  auto result = Send(o, run.plan, ledger->get(), events, &run.ledger_status);
  if (!result.ok()) return result.status();
  run.stage = UploadRun::Stage::kSent;
  run.result = std::move(result).value();
  Summarize(o, run);
  return run;
}

}  // namespace coupongen::cl
