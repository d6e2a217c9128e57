#include "run/ledger_session.h"

#include "base/strings.h"

namespace coupongen {

Result<LedgerSession> LedgerSession::Open(const std::string& path, RunNotices& notices) {
  LedgerOptions options;
  options.on_wait = [&notices, name = RedactLedgerName(path)] {
    notices.Info("coupongen: waiting for ledger " + name + ": another run holds it");
  };
  auto opened = Ledger::Open(path, options);
  if (!opened.ok()) return Status::IoError("ledger " + opened.status().message());
  LedgerSession s;
  s.ledger = std::move(opened).value();
  auto begun = s.ledger->BeginIssue();
  if (!begun.ok()) return Status::IoError("ledger " + begun.status().message());
  s.session = std::move(begun).value();
  return s;
}

Status CommitAndDeliver(Output& out, IssueSession* session, const Ledger* ledger, RunNotices& notices) {
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
      notices.Warn("ledger " + d.message() + ": the output is in place, but its codes stay counted as undelivered");
  }
  return Status::Ok();
}

}  // namespace coupongen
