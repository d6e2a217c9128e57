#include "testing/fault_env.h"

namespace coupongen::testing {
namespace {

using Op = FaultEnv::Op;

class FaultWritableFile : public WritableFile {
 public:
  FaultWritableFile(FaultEnv* env, std::string path, std::unique_ptr<WritableFile> base)
      : env_(env), path_(std::move(path)), base_(std::move(base)) {}
  Status Append(std::string_view data) override {
    if (int err = env_->Hit(Op::kWrite, path_)) {
      (void)base_->Append(data.substr(0, data.size() / 2));  // the disk filled mid-write
      return ErrnoStatus(err);
    }
    return base_->Append(data);
  }
  Status Sync() override {
    if (int err = env_->Hit(Op::kSync, path_)) return ErrnoStatus(err);
    return base_->Sync();
  }
  Status Close() override {
    Status closed = base_->Close();  // the descriptor is gone either way, as with close(2)
    if (int err = env_->Hit(Op::kClose, path_)) return ErrnoStatus(err);
    return closed;
  }
  void StartWriteback(uint64_t offset, uint64_t length) override { base_->StartWriteback(offset, length); }
  void DropWritten(uint64_t offset, uint64_t length) override { base_->DropWritten(offset, length); }

 private:
  FaultEnv* env_;
  std::string path_;
  std::unique_ptr<WritableFile> base_;
};

class FaultReadableFile : public ReadableFile {
 public:
  FaultReadableFile(FaultEnv* env, std::string path, std::unique_ptr<ReadableFile> base)
      : env_(env), path_(std::move(path)), base_(std::move(base)) {}
  Result<FileInfo> Stat() override { return base_->Stat(); }
  Result<size_t> Read(char* buf, size_t n) override {
    if (int err = env_->Hit(Op::kRead, path_)) return ErrnoStatus(err);
    return base_->Read(buf, n);
  }

 private:
  FaultEnv* env_;
  std::string path_;
  std::unique_ptr<ReadableFile> base_;
};

}  // namespace

void FaultEnv::FailAt(Op op, int err, int nth, std::string path_filter) {
  std::lock_guard<std::mutex> lock(mu_);
  faults_[op] = Fault{err, calls_[op] + nth, std::move(path_filter)};
}

void FaultEnv::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  faults_.clear();
}

int FaultEnv::Calls(Op op) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = calls_.find(op);
  return it == calls_.end() ? 0 : it->second;
}

int FaultEnv::Hit(Op op, const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  auto fault = faults_.find(op);
  // Calls on paths the fault does not aim at are neither counted nor failed.
  if (fault != faults_.end() && !fault->second.filter.empty() && path.find(fault->second.filter) == std::string::npos)
    return 0;
  const int call = ++calls_[op];
  return fault != faults_.end() && call >= fault->second.from_call ? fault->second.err : 0;
}

Result<std::unique_ptr<WritableFile>> FaultEnv::NewFile(const std::string& path, mode_t mode, CreateMode how) {
  if (int err = Hit(Op::kCreate, path)) return ErrnoStatus(err);
  auto file = base_->NewFile(path, mode, how);
  if (!file.ok()) return file.status();
  return std::unique_ptr<WritableFile>(new FaultWritableFile(this, path, std::move(file).value()));
}

Result<std::unique_ptr<WritableFile>> FaultEnv::NewTempFile(std::string* path_template) {
  if (int err = Hit(Op::kCreate, *path_template)) return ErrnoStatus(err);
  auto file = base_->NewTempFile(path_template);
  if (!file.ok()) return file.status();
  return std::unique_ptr<WritableFile>(new FaultWritableFile(this, *path_template, std::move(file).value()));
}

Result<std::unique_ptr<ReadableFile>> FaultEnv::OpenForReading(const std::string& path) {
  auto file = base_->OpenForReading(path);
  if (!file.ok()) return file.status();
  return std::unique_ptr<ReadableFile>(new FaultReadableFile(this, path, std::move(file).value()));
}

Status FaultEnv::Rename(const std::string& from, const std::string& to) {
  if (int err = Hit(Op::kRename, to)) return ErrnoStatus(err);
  return base_->Rename(from, to);
}

Status FaultEnv::RenameNoReplace(const std::string& from, const std::string& to) {
  if (int err = Hit(Op::kRename, to)) return ErrnoStatus(err);
  return base_->RenameNoReplace(from, to);
}

Status FaultEnv::SyncDir(const std::string& dir) {
  if (int err = Hit(Op::kSyncDir, dir)) return ErrnoStatus(err);
  return base_->SyncDir(dir);
}

Status FaultEnv::Unlink(const std::string& path) {
  if (int err = Hit(Op::kUnlink, path)) return ErrnoStatus(err);
  return base_->Unlink(path);
}

}  // namespace coupongen::testing
