// Where a command's data goes: stdout, or a file written atomically (temporary file beside it,
// mode 0600, renamed into place by Commit()).
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "base/env.h"
#include "base/status.h"
#include "io/atomic_file.h"
#include "io/coupon_writer.h"
#include "io/sink.h"
#include "spec/plan.h"

namespace coupongen {

/// Where an output path goes: stdout ("-", /dev/stdout, /dev/fd/1, /proc/self/fd/1), nowhere
/// (/dev/null), or a file written atomically.
enum class OutputKind { kStdout, kDiscard, kFile };
OutputKind ClassifyOutput(const std::string& path);

struct Output {
  std::unique_ptr<AtomicFile> file;  // null: stdout or discarded
  std::unique_ptr<OstreamSink> stdout_sink;
  std::unique_ptr<DiscardSink> discard_sink;
  OutputSink* sink = nullptr;        // whichever of the three

  /// Flushes (and for a file, fsyncs) the data. The target is still untouched.
  Status Close() { return sink->Close(); }
  /// Makes a file visible under its name; nothing for stdout. REQUIRES: Close() succeeded.
  Status Commit() { return file ? file->Commit() : Status::Ok(); }
  /// Checks what Commit will need (AtomicFile::CheckCommit), before anything else is made durable.
  Status CheckCommit() const { return file ? file->CheckCommit() : Status::Ok(); }
  std::string Describe(const std::string& path) const {
    return stdout_sink ? "stdout" : discard_sink ? path + ", discarded" : path;
  }
};

/// Opens `path` ("-" and its aliases = stdout, /dev/null = discard: see ClassifyOutput). Without `force`, an existing file is an error and stays untouched.
/// A device, FIFO or socket is refused (never renamed over): write to stdout and redirect it.
/// Installs the signal handlers that remove the temporary file on SIGINT/SIGTERM/SIGHUP. `out` is
/// stdout; files go through `env`.
Result<Output> OpenOutput(const std::string& path, bool force, std::ostream& out, Env* env);

/// How a plan's coupons are written: format, attributes, and the imports documents' campaign,
/// parent rule and chunk size (plain_codes is left to the caller: it depends on the generator).
WriterOptions WriterOptionsFor(const Plan& plan);

/// True when writing `path` would replace an existing file or symlink (not stdout, a device or a
/// FIFO): what needs --force.
bool WouldReplace(const std::string& path);

/// The files an output must never replace: the run's inputs. A ledger path brings its SQLite
/// companions (-journal, -wal, -shm); a PostgreSQL URI, "-" and empty paths are skipped.
struct RunFiles {
  std::vector<std::string> inputs;
  void Add(const std::string& path) { inputs.push_back(path); }
  void AddLedger(const std::string& path);
};

/// Usage error (exit 2) when an output file in `outputs` (stdout and /dev/null aside) is one of
/// `files`' inputs or another of `outputs`: the same path, or the same file by device and inode
/// (through a symlink or a hard link). Called before anything is opened, --force or not.
Status CheckOutputsAreNotInputs(const std::vector<std::string>& outputs, const RunFiles& files);

}  // namespace coupongen
