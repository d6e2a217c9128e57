// The ledger a run records its codes (or keyed range) in, held open with its write session for
// the whole run, and the last step of a run: commit the ledger, rename the output, mark delivered.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "ledger/ledger.h"
#include "run/notices.h"
#include "run/output.h"

namespace coupongen {

struct LedgerSession {
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<IssueSession> session;

  /// Opens the ledger at `path` (creating it when missing) and begins its write session, which a
  /// second run sharing the ledger waits for: after about a second of waiting `notices` is told
  /// ("coupongen: waiting for ledger L.db: another run holds it"). Errors are prefixed "ledger ".
  /// `notices` must outlive the session.
  static Result<LedgerSession> Open(const std::string& path, RunNotices& notices);
};

/// The last step of both modes: make the codes durable as reserved, then the output visible,
/// then mark the codes delivered. A failure before the ledger's commit rolls it back (the codes
/// were never issued); a failure of the rename after it leaves them reserved, and the error says
/// so: they are never issued again, and `ledger stats` counts them as undelivered. Without a
/// ledger (`session` null) it closes and renames the output.
Status CommitAndDeliver(Output& out, IssueSession* session, const Ledger* ledger, RunNotices& notices);

}  // namespace coupongen
