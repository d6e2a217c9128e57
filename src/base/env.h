// Env: the file-system calls of library code in one place (leveldb's Env). Creating a file
// exclusively, writing every byte, syncing, renaming with or without replacing, syncing a
// directory, reading a whole file, and the stat-like questions asked before them. Env::Default()
// is POSIX; tests wrap it (tests/testing/fault_env.h) to make any of these calls fail with ENOSPC
// or EIO, so the fault paths are tested without root, a small tmpfs or a mount namespace.
//
// Errors: every failure is a Status::IoError whose message is the system's reason alone,
// strerror(errno) ("No space left on device"); SysErrno(status) gives the errno back. Callers name
// what failed with Because("cannot write " + path, status): the wording belongs to the caller.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace coupongen {

/// The directory part of a path: "dir" of "dir/name", "." of "name", "/" of "/name".
std::string DirName(const std::string& path);
/// The last part of a path: "name" of "dir/name" and of "name".
std::string BaseName(const std::string& path);

/// Writes every byte of `data` to `fd`, retrying short writes and EINTR (but not when a deferred
/// signal is pending: base/interrupt.h). Returns false with errno set on failure.
bool WriteAll(int fd, std::string_view data);

/// IoError with strerror(err) as its message: how an Env reports a failed call.
Status ErrnoStatus(int err);
/// The errno an I/O error reports: the one whose strerror is its message, or ends it after ": "
/// (an Env's status, also after Because); 0 for any other status.
int SysErrno(const Status& status);
/// `cause` with "what: " before its message (an I/O error; any other status is returned as is).
Status Because(const std::string& what, const Status& cause);

/// A file open for writing (Env::NewFile, Env::NewTempFile). Destroying it closes the
/// descriptor and loses close's error: call Close() to see it.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  /// Writes every byte (WriteAll).
  virtual Status Append(std::string_view data) = 0;
  /// fsync: the bytes written so far are on the disk.
  virtual Status Sync() = 0;
  /// Closes the descriptor, reporting its error. Nothing else after it.
  virtual Status Close() = 0;
  /// Hints, errors ignored (they show again at Sync): start writing [offset, offset + length) to
  /// the disk; wait for [offset, offset + length) to be written and drop it from the page cache.
  virtual void StartWriteback(uint64_t offset, uint64_t length) = 0;
  virtual void DropWritten(uint64_t offset, uint64_t length) = 0;
};

/// What stat says of a file.
struct FileInfo {
  mode_t mode = 0;  // type and permission bits (st_mode)
  uid_t uid = 0;
  dev_t dev = 0;
  off_t size = 0;
};

/// A file open for reading (Env::OpenForReading).
class ReadableFile {
 public:
  virtual ~ReadableFile() = default;
  /// fstat of the file actually opened (not of whatever the path names now).
  virtual Result<FileInfo> Stat() = 0;
  /// Reads up to `n` bytes into `buf`, retrying EINTR; 0 at the end.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
};

/// How NewFile sets the mode.
enum class CreateMode {
  kLessUmask,  // `mode` less the umask, as open(2) does (a shared file: a spec)
  kExact,      // `mode` exactly, whatever the umask (a secret: 0600)
};

class Env {
 public:
  /// The real file system (POSIX). Never destroyed.
  static Env* Default();
  virtual ~Env() = default;

  /// Creates `path`, never replacing anything and never following a symlink planted there
  /// (O_EXCL): an existing path fails with EEXIST. A file created whose mode then cannot be set is
  /// removed again.
  virtual Result<std::unique_ptr<WritableFile>> NewFile(const std::string& path, mode_t mode, CreateMode how) = 0;
  /// Creates a temporary file, mode 0600, from `*path_template` ending in "XXXXXX" (mkostemp);
  /// on success `*path_template` is its name.
  virtual Result<std::unique_ptr<WritableFile>> NewTempFile(std::string* path_template) = 0;
  /// Opens `path` for reading without blocking on a FIFO and without taking a terminal.
  virtual Result<std::unique_ptr<ReadableFile>> OpenForReading(const std::string& path) = 0;

  /// rename(2): replaces `to` if it exists.
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  /// Renames without replacing: fails with EEXIST when `to` exists, also when it appears during
  /// the call. Where the file system has no RENAME_NOREPLACE, links `to` and unlinks `from`.
  virtual Status RenameNoReplace(const std::string& from, const std::string& to) = 0;
  /// fsync of directory `dir`, so a rename or creation in it survives a power cut. A file system
  /// that cannot sync a directory (EINVAL) is not an error.
  virtual Status SyncDir(const std::string& dir) = 0;
  virtual Status Unlink(const std::string& path) = 0;

  /// stat (symlinks followed) and lstat (a symlink itself).
  virtual Result<FileInfo> Stat(const std::string& path) = 0;
  virtual Result<FileInfo> Lstat(const std::string& path) = 0;
  /// Whether this process may create and rename entries in `dir` (write and search permission,
  /// by the effective ids): Ok or the errno (EACCES, EROFS, ...).
  virtual Status CheckWritableDir(const std::string& dir) = 0;
  /// The names in `dir` ("." and ".." aside), unsorted.
  virtual Result<std::vector<std::string>> ListDir(const std::string& dir) = 0;
  /// `path` with every symlink resolved, or `path` itself when it cannot be resolved.
  virtual std::string RealPath(const std::string& path) = 0;

  /// The whole content of `path` (through OpenForReading).
  Result<std::string> ReadFile(const std::string& path);
  /// Creates `path` (NewFile: never replacing anything) holding `data`, synced and closed; a file
  /// it created but could not fill is removed again. Errors name `what` (a path, "key file PATH"):
  /// "cannot create WHAT: REASON" (SysErrno EEXIST when it exists) or "cannot write WHAT: ...".
  Status WriteNewFile(const std::string& path, std::string_view data, mode_t mode, CreateMode how,
                      const std::string& what);
  /// True when `path` names anything (lstat succeeds).
  bool Exists(const std::string& path) { return Lstat(path).ok(); }
};

}  // namespace coupongen
