// FaultEnv: an Env (base/env.h) over another (the real one by default) that makes chosen calls
// fail with a chosen errno: a full disk (ENOSPC) at the Nth write, an I/O error (EIO) at fsync,
// at the rename, at the directory sync, a read-only file system (EROFS) at creation. What the
// fault tests in tests/cli/faults_e2e_test.cc do with a small tmpfs or a read-only bind mount
// (root and a mount namespace), these do without privileges.
//
// A fault armed for the Nth call of an operation fails that call and every later one (a full disk
// stays full) until Clear(). A failing write first writes half of its bytes, as a disk that fills
// mid-write does. Only paths containing `path_filter` (all when empty) count and fail, so a test
// can aim at the output and leave the ledger and the spec alone. Thread-safe.
#pragma once

#include <cerrno>
#include <map>
#include <mutex>
#include <string>

#include "base/env.h"

namespace coupongen::testing {

class FaultEnv : public Env {
 public:
  enum class Op { kCreate, kWrite, kSync, kClose, kRename, kSyncDir, kUnlink, kRead };

  explicit FaultEnv(Env* base = Env::Default()) : base_(base) {}

  /// The `nth` call (1-based, counted from now) of `op` on a matching path fails with `err`, and
  /// so does every later one.
  void FailAt(Op op, int err, int nth = 1, std::string path_filter = "");
  /// Disarms every fault (calls go on being counted).
  void Clear();
  /// How many calls of `op` on matching paths this Env has seen (failed ones included).
  int Calls(Op op) const;

  Result<std::unique_ptr<WritableFile>> NewFile(const std::string& path, mode_t mode, CreateMode how) override;
  Result<std::unique_ptr<WritableFile>> NewTempFile(std::string* path_template) override;
  Result<std::unique_ptr<ReadableFile>> OpenForReading(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status RenameNoReplace(const std::string& from, const std::string& to) override;
  Status SyncDir(const std::string& dir) override;
  Status Unlink(const std::string& path) override;
  Result<FileInfo> Stat(const std::string& path) override { return base_->Stat(path); }
  Result<FileInfo> Lstat(const std::string& path) override { return base_->Lstat(path); }
  Status CheckWritableDir(const std::string& dir) override { return base_->CheckWritableDir(dir); }
  Result<std::vector<std::string>> ListDir(const std::string& dir) override { return base_->ListDir(dir); }
  std::string RealPath(const std::string& path) override { return base_->RealPath(path); }

  /// Counts a call of `op` on `path`; the errno to fail it with, or 0. (For the file wrappers.)
  int Hit(Op op, const std::string& path);

 private:
  struct Fault {
    int err = 0;
    int from_call = 0;  // fails calls number >= from_call
    std::string filter;
  };
  Env* base_;
  mutable std::mutex mu_;
  std::map<Op, Fault> faults_;
  std::map<Op, int> calls_;
};

}  // namespace coupongen::testing
