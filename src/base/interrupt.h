// Interruption (SIGINT, SIGTERM, SIGHUP): what dies with the process and what is cleaned up first.
//
// By default a signal removes every registered temporary file (AtomicFile's) and the process dies
// of it at once, so its exit status still says "killed by SIGINT". That is enough while nothing
// else is half-done. While a ledger transaction has written pages, dying at once would leave the
// ledger's rollback journal behind (SQLite would replay it on the next open: safe, but a stray file
// and a ledger that looks busy). So around that stretch a DeferInterrupts scope turns the first
// signal into a flag: the ledger's next write (and the output's next buffer) fails with
// InterruptedStatus(), the run unwinds (rolls back, removes its temporary file) and, when the
// scope ends, the process dies of the signal. A second signal while deferred acts at once.
#pragma once

#include <string>

#include "base/status.h"

namespace coupongen {

/// Installs the SIGINT/SIGTERM/SIGHUP handlers. Idempotent.
void InstallInterruptHandlers();

/// Registers a file to unlink if a signal kills the process; returns a slot for Unregister (or -1
/// when the table is full or the path too long: the file is then not removed on signals).
/// REQUIRES: the cleanup signals are blocked around the call (the handler must not see a
/// half-written entry).
int RegisterTempPath(const std::string& path);
void UnregisterTempPath(int slot);

/// The signal that arrived while deferred and has not been acted on yet, or 0.
int PendingInterrupt();

/// IoError "interrupted by SIGTERM": nothing was committed.
Status InterruptedStatus();

/// While alive, the first cleanup signal only sets PendingInterrupt(). The destructor stops
/// deferring and, if a signal is pending, re-raises it: the process dies of it there, after every
/// object destroyed before this one has cleaned up. Not nestable.
class DeferInterrupts {
 public:
  DeferInterrupts();
  ~DeferInterrupts();
  DeferInterrupts(const DeferInterrupts&) = delete;
  DeferInterrupts& operator=(const DeferInterrupts&) = delete;
};

}  // namespace coupongen
