#include "io/atomic_file.h"

#include <limits.h>
#include <signal.h>
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

constexpr char kTempMark[] = ".coupongen-";

// The part of a temporary file's name before the PID: "." + the target's name + ".coupongen-",
// the name shortened (its head + "~" + a hash of all of it) when the whole temporary name
// ".NAME.coupongen-<pid>-XXXXXX" would not fit NAME_MAX. The same target always gives the same
// stem, so the next run finds what a killed one left.
std::string TempStem(const std::string& name) {
  constexpr size_t kTail = 20 + 1 + 6;  // "<pid>-XXXXXX", with room for any pid_t
  const size_t room = NAME_MAX - 1 - (sizeof kTempMark - 1) - kTail;
  // Built by appending: GCC 12 warns falsely (-Wrestrict, Release) on "." + name + ...
  std::string stem = ".";
  if (name.size() <= room) return stem.append(name).append(kTempMark);
  uint64_t h = 1469598103934665603ull;  // FNV-1a: stable across runs and machines
  for (unsigned char c : name) h = (h ^ c) * 1099511628211ull;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return stem.append(name, 0, room - 17).append("~").append(hex).append(kTempMark);
}

// Removes the temporary files ("<stem><pid>-XXXXXX") that runs for the same target left when
// they were killed (SIGKILL cannot be caught): only regular files of this user whose process is
// gone. Best effort: a file it cannot judge stays.
void RemoveStaleTempFiles(Env* env, const std::string& dir, const std::string& stem) {
  auto names = env->ListDir(dir);
  if (!names.ok()) return;
  const uid_t me = geteuid();
  const pid_t self = getpid();
  for (const std::string& entry : *names) {
    std::string_view name = entry;
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
    const std::string path = dir + "/" + entry;
    auto st = env->Lstat(path);
    if (!st.ok() || !S_ISREG(st->mode) || st->uid != me) continue;
    (void)env->Unlink(path);
  }
}

}  // namespace

bool IsSystemPath(const std::string& path, Env* env) {
  // The directory that would hold the entry, symlinks resolved (the entry itself may not exist).
  const std::string resolved = env->RealPath(DirName(path));
  for (const char* root : {"/dev", "/proc"}) {
    const size_t n = std::strlen(root);
    if (resolved.compare(0, n, root) == 0 && (resolved.size() == n || resolved[n] == '/')) return true;
  }
  return false;
}

void InstallCleanupSignalHandlers() { InstallInterruptHandlers(); }

Result<std::unique_ptr<AtomicFile>> AtomicFile::Create(const std::string& target, bool overwrite, Env* env) {
  // Devices and the kernel's views of processes are never renamed over or unlinked, whatever
  // stat says about them (/dev/stdout is a regular file when stdout is redirected to one).
  if (IsSystemPath(target, env))
    return Status::IoError(target + " is under /dev or /proc: to write to a stream, use -o - and redirect stdout");
  if (auto link = env->Lstat(target); !overwrite && link.ok() && S_ISLNK(link->mode) && !env->Stat(target).ok())
    return Status::IoError(target + " already exists (use --force to replace it)");  // a dangling symlink
  if (auto st = env->Stat(target); st.ok()) {
    if (S_ISDIR(st->mode)) return Status::IoError(target + " is a directory");
    // A device, FIFO or socket: renaming over it would replace the special file itself (as root,
    // /dev/full would become a regular file). Refuse. (run/output.cc writes to character devices
    // and FIFOs directly and never gets here with one.)
    if (!S_ISREG(st->mode))
      return Status::IoError(target + " is not a regular file (a device, pipe or socket): to write to a stream, use -o - and redirect stdout");
    if (!overwrite) return Status::IoError(target + " already exists (use --force to replace it)");
  }
  std::string dir = DirName(target);
  const std::string stem = TempStem(BaseName(target));
  RemoveStaleTempFiles(env, dir, stem);
  std::string tmpl = (dir == "." && target.find('/') == std::string::npos ? std::string() : dir + "/") + stem +
                     std::to_string(getpid()) + "-XXXXXX";
  // Block the cleanup signals while the file exists but is not yet registered.
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  auto file = env->NewTempFile(&tmpl);
  int slot = file.ok() ? RegisterTempPath(tmpl) : -1;
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (!file.ok()) return Because("cannot create a file in " + dir, file.status());
  return std::unique_ptr<AtomicFile>(new AtomicFile(env, target, tmpl, std::move(file).value(), overwrite, slot));
}

AtomicFile::AtomicFile(Env* env, std::string target, std::string temp, std::unique_ptr<WritableFile> file,
                       bool overwrite, int slot)
    : env_(env), target_(std::move(target)), temp_(std::move(temp)), file_(std::move(file)), overwrite_(overwrite),
      slot_(slot) {}

AtomicFile::~AtomicFile() {
  if (!committed_) Discard();
}

void AtomicFile::Discard() {
  file_.reset();  // closes it
  (void)env_->Unlink(temp_);
  UnregisterTempPath(slot_);
  slot_ = -1;
}

Status AtomicFile::Append(std::string_view data) {
  // A signal deferred while the ledger is written (base/interrupt.h) stops the run at the next
  // buffer, also in keyed mode, which records no code one by one.
  if (PendingInterrupt()) return InterruptedStatus();
  if (!file_) return Status::IoError("internal: " + target_ + " written after it was closed");
  if (Status s = file_->Append(data); !s.ok()) return Because("cannot write " + target_, s);
  bytes_ += data.size();
  if (bytes_ - writeback_started_ >= kWritebackBytes) StreamOut();
  return Status::Ok();
}

void AtomicFile::StreamOut() {
  // Start the disk on the bytes written since the last call, so it writes while we generate and
  // the fsync in Close has little left to wait for.
  const unsigned long long start = writeback_started_;
  file_->StartWriteback(start, bytes_ - start);
  // The chunk before that has had a chunk's time to reach the disk: wait for it, and drop it from
  // the page cache. The file then holds at most two chunks of memory instead of its whole size
  // (it would evict other programs' cache, and on a VM fresh pages are slow to touch). These are
  // hints: an error here shows again at fsync.
  if (const unsigned long long done = writeback_dropped_; start > done) {
    file_->DropWritten(done, start - done);
    writeback_dropped_ = writeback_started_;
  }
  writeback_started_ = bytes_;
}

Status AtomicFile::Close() {
  if (closed_) return Status::Ok();
  if (!file_) return Status::IoError("internal: " + target_ + " closed twice");
  if (Status s = file_->Sync(); !s.ok()) return Because("cannot write " + target_, s);
  Status s = file_->Close();
  file_.reset();
  if (!s.ok()) return Because("cannot write " + target_, s);
  closed_ = true;
  return Status::Ok();
}

Status AtomicFile::CheckCommit() const {
  if (!closed_) return Status::IoError("internal: " + target_ + " checked before it was closed");
  auto temp = env_->Lstat(temp_);
  if (!temp.ok()) return Because("the temporary file for " + target_ + " is gone (" + temp_ + ")", temp.status());
  const std::string parent = DirName(target_);
  auto dir = env_->Stat(parent);
  if (!dir.ok()) return Because("cannot reach directory " + parent, dir.status());
  if (Status w = env_->CheckWritableDir(parent); !w.ok())
    return Because("cannot rename into " + target_ + ": directory " + parent, w);
  auto st = env_->Lstat(target_);
  if (!st.ok()) {
    if (SysErrno(st.status()) == ENOENT) return Status::Ok();
    return Because("cannot check " + target_, st.status());
  }
  if (!overwrite_) return Status::IoError(target_ + " already exists (use --force to replace it)");
  if (S_ISDIR(st->mode)) return Status::IoError(target_ + " is a directory");
  if (!S_ISREG(st->mode) && !S_ISLNK(st->mode))
    return Status::IoError(target_ + " is not a regular file (a device, pipe or socket): to write to a stream, use -o - and redirect stdout");
  const uid_t me = geteuid();
  if ((dir->mode & S_ISVTX) && me != 0 && st->uid != me && dir->uid != me)
    return Status::IoError("cannot replace " + target_ + ": it belongs to another user in a shared (sticky) directory");
  if (st->dev != temp->dev) return Status::IoError("cannot rename into " + target_ + ": it is on another file system (a mount point)");
  return Status::Ok();
}

Status AtomicFile::Commit() {
  if (!closed_) COUPONGEN_RETURN_IF_ERROR(Close());
  if (overwrite_) {
    if (Status s = env_->Rename(temp_, target_); !s.ok()) return Because("cannot rename into " + target_, s);
  } else if (Status s = env_->RenameNoReplace(temp_, target_); !s.ok()) {
    // Never replace a file that appeared while we were writing.
    if (SysErrno(s) == EEXIST) return Status::IoError(target_ + " already exists (use --force to replace it)");
    return Because("cannot rename into " + target_, s);
  }
  committed_ = true;
  UnregisterTempPath(slot_);
  slot_ = -1;
  if (Status s = env_->SyncDir(DirName(target_)); !s.ok()) return Because("cannot sync directory " + DirName(target_), s);
  return Status::Ok();
}

}  // namespace coupongen
