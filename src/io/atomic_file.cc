#include "io/atomic_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
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

constexpr char kTempMark[] = ".coupongen-";

// The part of a temporary file's name before the PID: "." + the target's name + ".coupongen-",
// the name shortened (its head + "~" + a hash of all of it) when the whole temporary name
// ".NAME.coupongen-<pid>-XXXXXX" would not fit NAME_MAX. The same target always gives the same
// stem, so the next run finds what a killed one left.
std::string TempStem(const std::string& name) {
  constexpr size_t kTail = 20 + 1 + 6;  // "<pid>-XXXXXX", with room for any pid_t
  const size_t room = NAME_MAX - 1 - (sizeof kTempMark - 1) - kTail;
  if (name.size() <= room) return "." + name + kTempMark;
  uint64_t h = 1469598103934665603ull;  // FNV-1a: stable across runs and machines
  for (unsigned char c : name) h = (h ^ c) * 1099511628211ull;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return "." + name.substr(0, room - 17) + "~" + hex + kTempMark;
}

// Removes the temporary files ("<stem><pid>-XXXXXX") that runs for the same target left when
// they were killed (SIGKILL cannot be caught): only regular files of this user whose process is
// gone. Best effort: a file it cannot judge stays.
void RemoveStaleTempFiles(const std::string& dir, const std::string& stem) {
  DIR* d = opendir(dir.c_str());
  if (!d) return;
  const uid_t me = geteuid();
  const pid_t self = getpid();
  while (dirent* e = readdir(d)) {
    std::string_view name = e->d_name;
    if (name.size() <= stem.size() || name.substr(0, stem.size()) != stem) continue;
    std::string_view rest = name.substr(stem.size());
    size_t digits = 0;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
    if (digits == 0 || digits > 10 || rest.size() != digits + 7 || rest[digits] != '-') continue;
    bool random_part = true;
    for (char c : rest.substr(digits + 1))
      random_part = random_part && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
    if (!random_part) continue;
    const long long pid = std::atoll(std::string(rest.substr(0, digits)).c_str());
    if (pid <= 0 || pid > INT32_MAX || pid == self) continue;
    if (kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // alive, or not ours to know
    struct stat st;
    if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (!S_ISREG(st.st_mode) || st.st_uid != me) continue;
    unlinkat(dirfd(d), e->d_name, 0);
  }
  closedir(d);
}

}  // namespace

bool IsSystemPath(const std::string& path) {
  // The directory that would hold the entry, symlinks resolved (the entry itself may not exist).
  std::string dir = DirName(path);
  char* real = realpath(dir.c_str(), nullptr);
  std::string resolved = real ? real : dir;
  free(real);
  for (const char* root : {"/dev", "/proc"}) {
    const size_t n = std::strlen(root);
    if (resolved.compare(0, n, root) == 0 && (resolved.size() == n || resolved[n] == '/')) return true;
  }
  return false;
}

bool PathExists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

void InstallCleanupSignalHandlers() { InstallInterruptHandlers(); }

Result<std::unique_ptr<AtomicFile>> AtomicFile::Create(const std::string& target, bool overwrite) {
  // Devices and the kernel's views of processes are never renamed over or unlinked, whatever
  // stat says about them (/dev/stdout is a regular file when stdout is redirected to one).
  if (IsSystemPath(target))
    return Status::IoError(target + " is under /dev or /proc: to write to a stream, use -o - and redirect stdout");
  struct stat st;
  if (!overwrite && lstat(target.c_str(), &st) == 0 && S_ISLNK(st.st_mode) && stat(target.c_str(), &st) != 0)
    return Status::IoError(target + " already exists (use --force to replace it)");  // a dangling symlink
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
  const std::string stem = TempStem(BaseName(target));
  RemoveStaleTempFiles(dir, stem);
  std::string tmpl = (dir == "." && target.find('/') == std::string::npos ? std::string() : dir + "/") + stem +
                     std::to_string(getpid()) + "-XXXXXX";
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

Status AtomicFile::CheckCommit() const {
  struct stat temp, dir, st;
  if (!closed_) return Status::IoError("internal: " + target_ + " checked before it was closed");
  if (lstat(temp_.c_str(), &temp) != 0) return Errno("the temporary file for " + target_ + " is gone (" + temp_ + ")");
  const std::string parent = DirName(target_);
  if (stat(parent.c_str(), &dir) != 0) return Errno("cannot reach directory " + parent);
  if (faccessat(AT_FDCWD, parent.c_str(), W_OK | X_OK, AT_EACCESS) != 0)
    return Errno("cannot rename into " + target_ + ": directory " + parent);
  if (lstat(target_.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return Errno("cannot check " + target_);
  }
  if (!overwrite_) return Status::IoError(target_ + " already exists (use --force to replace it)");
  if (S_ISDIR(st.st_mode)) return Status::IoError(target_ + " is a directory");
  if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
    return Status::IoError(target_ + " is not a regular file (a device, pipe or socket): to write to a stream, use -o - and redirect stdout");
  const uid_t me = geteuid();
  if ((dir.st_mode & S_ISVTX) && me != 0 && st.st_uid != me && dir.st_uid != me)
    return Status::IoError("cannot replace " + target_ + ": it belongs to another user in a shared (sticky) directory");
  if (st.st_dev != temp.st_dev) return Status::IoError("cannot rename into " + target_ + ": it is on another file system (a mount point)");
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
