#include "base/env.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "base/interrupt.h"

namespace coupongen {

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      // A signal deferred while the ledger is written (base/interrupt.h) ends a blocked write.
      if (errno == EINTR && !PendingInterrupt()) continue;
      return false;
    }
    if (n == 0) {  // not for regular files; a device that takes nothing must not spin us
      errno = EIO;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

Status ErrnoStatus(int err) { return Status::IoError(std::strerror(err)); }

int SysErrno(const Status& status) {
  if (status.code() != Status::Code::kIoError) return 0;
  const std::string& m = status.message();
  constexpr int kLastErrno = 133;  // EHWPOISON, the highest Linux errno
  for (int err = 1; err <= kLastErrno; ++err) {
    const std::string_view reason = std::strerror(err);
    if (m.size() < reason.size() || m.compare(m.size() - reason.size(), reason.size(), reason) != 0) continue;
    const size_t head = m.size() - reason.size();
    if (head == 0 || (head >= 2 && m.compare(head - 2, 2, ": ") == 0)) return err;
  }
  return 0;
}

Status Because(const std::string& what, const Status& cause) {
  if (cause.code() == Status::Code::kIoError) return Status::IoError(what + ": " + cause.message());
  return cause;  // only I/O errors come from here; anything else already says what it is
}

Result<std::string> Env::ReadFile(const std::string& path) {
  auto file = OpenForReading(path);
  if (!file.ok()) return file.status();
  std::string text;
  char buf[65536];
  for (;;) {
    auto n = (*file)->Read(buf, sizeof buf);
    if (!n.ok()) return n.status();
    if (*n == 0) return text;
    text.append(buf, *n);
  }
}

Status Env::WriteNewFile(const std::string& path, std::string_view data, mode_t mode, CreateMode how,
                        const std::string& what) {
  auto file = NewFile(path, mode, how);
  if (!file.ok()) return Because("cannot create " + what, file.status());
  Status st = (*file)->Append(data);
  if (st.ok()) st = (*file)->Sync();
  if (st.ok()) st = (*file)->Close();
  if (st.ok()) return st;
  file->reset();
  (void)Unlink(path);
  return Because("cannot write " + what, st);
}

namespace {

Status LastError() { return ErrnoStatus(errno); }

FileInfo InfoOf(const struct stat& st) {
  FileInfo info;
  info.mode = st.st_mode;
  info.uid = st.st_uid;
  info.dev = st.st_dev;
  info.size = st.st_size;
  return info;
}

class PosixWritableFile : public WritableFile {
 public:
  explicit PosixWritableFile(int fd) : fd_(fd) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Append(std::string_view data) override { return WriteAll(fd_, data) ? Status::Ok() : LastError(); }
  Status Sync() override { return ::fsync(fd_) == 0 ? Status::Ok() : LastError(); }
  Status Close() override {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc == 0 ? Status::Ok() : LastError();
  }
  void StartWriteback(uint64_t offset, uint64_t length) override {
    ::sync_file_range(fd_, static_cast<off_t>(offset), static_cast<off_t>(length), SYNC_FILE_RANGE_WRITE);
  }
  void DropWritten(uint64_t offset, uint64_t length) override {
    ::sync_file_range(fd_, static_cast<off_t>(offset), static_cast<off_t>(length),
                      SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
    ::posix_fadvise(fd_, static_cast<off_t>(offset), static_cast<off_t>(length), POSIX_FADV_DONTNEED);
  }

 private:
  int fd_;
};

class PosixReadableFile : public ReadableFile {
 public:
  explicit PosixReadableFile(int fd) : fd_(fd) {}
  ~PosixReadableFile() override { ::close(fd_); }
  Result<FileInfo> Stat() override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return LastError();
    return InfoOf(st);
  }
  Result<size_t> Read(char* buf, size_t n) override {
    for (;;) {
      ssize_t got = ::read(fd_, buf, n);
      if (got >= 0) return static_cast<size_t>(got);
      if (errno != EINTR) return LastError();
    }
  }

 private:
  int fd_;
};

class PosixEnv : public Env {
 public:
  Result<std::unique_ptr<WritableFile>> NewFile(const std::string& path, mode_t mode, CreateMode how) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, mode);
    if (fd < 0) return LastError();
    if (how == CreateMode::kExact && ::fchmod(fd, mode) != 0) {  // the umask may have taken bits away
      int saved = errno;
      ::close(fd);
      ::unlink(path.c_str());
      return ErrnoStatus(saved);
    }
    return std::unique_ptr<WritableFile>(new PosixWritableFile(fd));
  }

  Result<std::unique_ptr<WritableFile>> NewTempFile(std::string* path_template) override {
    int fd = ::mkostemp(path_template->data(), O_CLOEXEC);
    if (fd < 0) return LastError();
    (void)::fchmod(fd, 0600);  // mkostemp's 0600 less the umask: 0600 exactly
    return std::unique_ptr<WritableFile>(new PosixWritableFile(fd));
  }

  Result<std::unique_ptr<ReadableFile>> OpenForReading(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) return LastError();
    return std::unique_ptr<ReadableFile>(new PosixReadableFile(fd));
  }

  Status Rename(const std::string& from, const std::string& to) override {
    return ::rename(from.c_str(), to.c_str()) == 0 ? Status::Ok() : LastError();
  }

  Status RenameNoReplace(const std::string& from, const std::string& to) override {
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return Status::Ok();
    if (errno != EINVAL && errno != ENOSYS) return LastError();
    // The file system has no RENAME_NOREPLACE: link() also refuses an existing target.
    if (::link(from.c_str(), to.c_str()) != 0) return LastError();
    ::unlink(from.c_str());
    return Status::Ok();
  }

  Status SyncDir(const std::string& dir) override {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return LastError();
    int rc = ::fsync(fd);
    int saved = errno;
    ::close(fd);
    // Some file systems cannot fsync a directory (EINVAL); what was to be made durable is done.
    if (rc != 0 && saved != EINVAL) return ErrnoStatus(saved);
    return Status::Ok();
  }

  Status Unlink(const std::string& path) override {
    return ::unlink(path.c_str()) == 0 ? Status::Ok() : LastError();
  }

  Result<FileInfo> Stat(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return LastError();
    return InfoOf(st);
  }

  Result<FileInfo> Lstat(const std::string& path) override {
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) return LastError();
    return InfoOf(st);
  }

  Status CheckWritableDir(const std::string& dir) override {
    return ::faccessat(AT_FDCWD, dir.c_str(), W_OK | X_OK, AT_EACCESS) == 0 ? Status::Ok() : LastError();
  }

  Result<std::vector<std::string>> ListDir(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (!d) return LastError();
    std::vector<std::string> names;
    while (const dirent* e = ::readdir(d)) {
      std::string_view name = e->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
    }
    ::closedir(d);
    return names;
  }

  std::string RealPath(const std::string& path) override {
    char* real = ::realpath(path.c_str(), nullptr);
    std::string resolved = real ? real : path;
    std::free(real);
    return resolved;
  }
};

}  // namespace

Env* Env::Default() {
  static Env* const kDefault = new PosixEnv;  // never destroyed: usable until the very end
  return kDefault;
}

}  // namespace coupongen
