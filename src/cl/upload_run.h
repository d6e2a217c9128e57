// One `coupongen upload` run (and generate --upload's, which runs the upload command): plan the
// files, open the ledger, send the imports resumably through the journal, record each code's
// upload state in the ledger, and build the report and rejects documents. Library code: it never
// prints and never exits; what the user is told as the run goes comes through UploadRunEvents,
// the rest is in the UploadRun it returns (cli/upload.cc prints it and writes the documents).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/env.h"
#include "base/status.h"
#include "base/timestamp.h"
#include "cl/client.h"
#include "cl/upload.h"

namespace coupongen::cl {

struct UploadRunOptions {
  UploadOptions plan;                      // the files, and how to cut them (PlanUpload); plan.now
                                           // also dates the ledger's upload states
  int concurrency = 3;                     // imports in flight, 1..10
  TimeMs timeout_ms = 0;                   // the whole run's, from the first request
  std::string journal;                     // UploadJournalPath
  std::optional<std::string> ledger;       // record upload states there (it must exist)
  std::string ca_file;                     // "" = the system's
  std::optional<Credentials> credentials;  // nullopt: a dry run (nothing is contacted)
  Env* env = Env::Default();               // the file system (the ledger's file)
};

/// The journal of an upload: `journal` when given, else FILE.upload-journal beside the first file.
/// Usage error when the first file is stdin ("-") and no journal is given.
Result<std::string> UploadJournalPath(const std::vector<std::string>& files, const std::optional<std::string>& journal);

/// What an upload tells as it goes. Called from the uploader's threads, one call at a time.
class UploadRunEvents {
 public:
  virtual ~UploadRunEvents() = default;
  /// Every row checked: the problems found (warnings, and errors that stop the upload), maybe none.
  virtual void Checked(const Problems& problems) = 0;
  /// An import finished (now, or in an earlier run: `o.resumed`).
  virtual void ImportFinished(const ImportOutcome& o) = 0;
  /// Recording upload states in the ledger failed: reported once, the upload goes on.
  virtual void LedgerFailed(const Status& status) = 0;
  /// Something the user should know that changes nothing (codes the ledger does not hold).
  virtual void Warning(const std::string& message) = 0;
};

struct UploadRun {
  enum class Stage {
    kInvalid,  // some rows are invalid (plan.problems): nothing was sent
    kEmpty,    // no coupons in the files: nothing to send
    kDryRun,   // planned only (no credentials): plan.chunks is what would be sent
    kSent,     // the upload ran: result says how far it got
  };
  Stage stage = Stage::kInvalid;
  UploadPlan plan;
  UploadResult result;
  Status ledger_status;         // recording the upload states (ok without a ledger)
  uint64_t processed = 0;       // inputs Commerce Layer took, over the finished imports
  uint64_t refused = 0;         // inputs it refused
  std::string report_json;      // the --report document (JSON, with a final newline)
  std::string rejects_csv;      // the --rejects document (CSV code,attribute,message)
};

/// Runs one upload. Failures before anything is sent (files unreadable, the ledger missing, the
/// journal unusable) are the Status; a run that stopped mid-way is UploadRun::result.status.
Result<UploadRun> RunUpload(const UploadRunOptions& options, UploadRunEvents& events);

}  // namespace coupongen::cl
