// AtomicFile: an output file that appears complete or not at all (leveldb's SetCurrentFile,
// mold's output-file-unix.cc). Bytes go to a temporary file beside the target (mode 0600: codes
// are secrets), and are handed to the disk every 8 MiB as they come, so writing overlaps
// generating and the file keeps only ~16 MiB in the page cache; Close() fsyncs it, Commit() renames it into place and fsyncs the directory.
// Until Commit, the target is untouched; on any failure, destruction or SIGINT/SIGTERM/SIGHUP the
// temporary file is removed.
#pragma once

#include <memory>
#include <string>

#include "base/env.h"
#include "base/status.h"
#include "io/sink.h"

namespace coupongen {

class AtomicFile : public OutputSink {
 public:
  /// Creates the temporary file ".<name>.coupongen-<pid>-XXXXXX" in the target's directory (a long
  /// name is shortened to its head and a hash, so the temporary name fits NAME_MAX), after removing
  /// those of this user that runs for the same target left when killed (their process is gone).
  /// A target under /dev or /proc (after symlinks) is refused: never renamed over. Without
  /// `overwrite`, an existing target is an error now and again at Commit (never replaced). A target
  /// that exists but is not a regular file (a directory, device, FIFO or socket) is always an error.
  /// Every file-system call goes through `env` (tests pass one that injects faults).
  static Result<std::unique_ptr<AtomicFile>> Create(const std::string& target, bool overwrite,
                                                    Env* env = Env::Default());
  ~AtomicFile() override;

  Status Append(std::string_view data) override;
  /// Flushes and fsyncs the temporary file. The target is still untouched.
  Status Close() override;
  /// Checks now what the rename will need, so a caller can stop before making the run's results
  /// durable elsewhere (the ledger): the temporary file is there, the directory is writable, the
  /// target is absent (or, with overwrite, a file or symlink this user may replace: not a
  /// directory, and not another user's in a sticky directory). REQUIRES: Close() succeeded.
  Status CheckCommit() const;
  /// Renames the temporary file onto the target and fsyncs the directory.
  /// REQUIRES: Close() succeeded.
  Status Commit();
  unsigned long long bytes_written() const override { return bytes_; }
  const std::string& temp_path() const { return temp_; }

 private:
  AtomicFile(Env* env, std::string target, std::string temp, std::unique_ptr<WritableFile> file, bool overwrite,
             int slot);
  void Discard();
  void StreamOut();

  Env* env_;
  std::string target_;
  std::string temp_;
  std::unique_ptr<WritableFile> file_;  // null once closed or discarded
  bool overwrite_;
  int slot_;  // registration for removal on signals
  bool closed_ = false;
  bool committed_ = false;
  unsigned long long bytes_ = 0;
  // Writing out as we go (StreamOut): bytes [0, writeback_dropped_) are on the disk and out of the
  // page cache; [writeback_dropped_, writeback_started_) are on their way to the disk.
  unsigned long long writeback_started_ = 0;
  unsigned long long writeback_dropped_ = 0;
  static constexpr unsigned long long kWritebackBytes = 8 << 20;
};

/// Installs SIGINT/SIGTERM/SIGHUP handlers that remove every live AtomicFile's temporary file and
/// then die of the same signal (so the exit status still says "killed by SIGINT"). Idempotent.
void InstallCleanupSignalHandlers();

/// True when `path`'s directory is /dev or /proc or below them (symlinks resolved): such paths
/// are never renamed over or unlinked.
bool IsSystemPath(const std::string& path, Env* env = Env::Default());

}  // namespace coupongen
