#include "io/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/interrupt.h"

namespace coupongen {
namespace {

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

Status Errno(const std::string& what) { return Status::IoError(what + ": " + std::strerror(errno)); }

Status FsyncDir(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open directory " + dir);
  int rc = fsync(fd);
  int saved = errno;
  close(fd);
  errno = saved;
  // Some file systems cannot fsync a directory (EINVAL); the rename itself has happened.
  if (rc != 0 && errno != EINVAL) return Errno("cannot sync directory " + dir);
  return Status::Ok();
}

}  // namespace

bool PathExists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

void InstallCleanupSignalHandlers() { InstallInterruptHandlers(); }

Result<std::unique_ptr<AtomicFile>> AtomicFile::Create(const std::string& target, bool overwrite) {
  struct stat st;
  if (stat(target.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::IoError(target + " is a directory");
    // A device, FIFO or socket: renaming over it would replace the special file itself (as root,
    // /dev/full would become a regular file). Refuse. (cli/output.cc writes to character devices
    // and FIFOs directly and never gets here with one.)
    if (!S_ISREG(st.st_mode))
      return Status::IoError(target + " is not a regular file (a device, pipe or socket): to write to a stream, use -o - and redirect stdout");
    if (!overwrite) return Status::IoError(target + " already exists (use --force to replace it)");
  }
  std::string dir = DirName(target);
  std::string tmpl = (dir == "." && target.find('/') == std::string::npos ? std::string() : dir + "/") + "." +
                     BaseName(target) + ".coupongen-XXXXXX";
  // Block the cleanup signals while the file exists but is not yet registered.
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  int fd = mkostemp(tmpl.data(), O_CLOEXEC);  // mode 0600
  int saved = errno;
  int slot = fd >= 0 ? RegisterTempPath(tmpl) : -1;
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  errno = saved;
  if (fd < 0) return Errno("cannot create a file in " + dir);
  return std::unique_ptr<AtomicFile>(new AtomicFile(target, tmpl, fd, overwrite, slot));
}

AtomicFile::AtomicFile(std::string target, std::string temp, int fd, bool overwrite, int slot)
    : target_(std::move(target)), temp_(std::move(temp)), fd_(fd), overwrite_(overwrite), slot_(slot) {}

AtomicFile::~AtomicFile() {
  if (!committed_) Discard();
}

void AtomicFile::Discard() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  unlink(temp_.c_str());
  UnregisterTempPath(slot_);
  slot_ = -1;
}

Status AtomicFile::Append(std::string_view data) {
  // A signal deferred while the ledger is written (base/interrupt.h) stops the run at the next
  // buffer, also in keyed mode, which records no code one by one.
  if (PendingInterrupt()) return InterruptedStatus();
  if (!WriteAll(fd_, data)) return Errno("cannot write " + target_);
  bytes_ += data.size();
  if (bytes_ - writeback_started_ >= kWritebackBytes) StreamOut();
  return Status::Ok();
}

void AtomicFile::StreamOut() {
  // Start the disk on the bytes written since the last call, so it writes while we generate and
  // the fsync in Close has little left to wait for.
  const off_t start = static_cast<off_t>(writeback_started_), end = static_cast<off_t>(bytes_);
  sync_file_range(fd_, start, end - start, SYNC_FILE_RANGE_WRITE);
  // The chunk before that has had a chunk's time to reach the disk: wait for it, and drop it from
  // the page cache. The file then holds at most two chunks of memory instead of its whole size
  // (it would evict other programs' cache, and on a VM fresh pages are slow to touch). These are
  // hints: an error here shows again at fsync.
  if (const off_t done = static_cast<off_t>(writeback_dropped_); start > done) {
    sync_file_range(fd_, done, start - done,
                    SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
    posix_fadvise(fd_, done, start - done, POSIX_FADV_DONTNEED);
    writeback_dropped_ = writeback_started_;
  }
  writeback_started_ = bytes_;
}

Status AtomicFile::Close() {
  if (closed_) return Status::Ok();
  if (fsync(fd_) != 0) return Errno("cannot write " + target_);
  if (close(fd_) != 0) {
    fd_ = -1;
    return Errno("cannot write " + target_);
  }
  fd_ = -1;
  closed_ = true;
  return Status::Ok();
}

Status AtomicFile::Commit() {
  if (!closed_) COUPONGEN_RETURN_IF_ERROR(Close());
  if (overwrite_) {
    if (rename(temp_.c_str(), target_.c_str()) != 0) return Errno("cannot rename into " + target_);
  } else {
    // Never replace a file that appeared while we were writing.
    if (renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, target_.c_str(), RENAME_NOREPLACE) != 0) {
      if (errno == EEXIST) return Status::IoError(target_ + " already exists (use --force to replace it)");
      if (errno != EINVAL && errno != ENOSYS) return Errno("cannot rename into " + target_);
      // The file system has no RENAME_NOREPLACE: link() also refuses an existing target.
      if (link(temp_.c_str(), target_.c_str()) != 0) {
        if (errno == EEXIST) return Status::IoError(target_ + " already exists (use --force to replace it)");
        return Errno("cannot create " + target_);
      }
      unlink(temp_.c_str());
    }
  }
  committed_ = true;
  UnregisterTempPath(slot_);
  slot_ = -1;
  return FsyncDir(DirName(target_));
}

}  // namespace coupongen
