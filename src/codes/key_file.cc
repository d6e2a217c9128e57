#include "codes/key_file.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "base/strings.h"
#include "codes/digest.h"

namespace coupongen {

namespace {

std::string Errno() { return std::strerror(errno); }

/// Closes a descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  /// Closes now, reporting the error that a deferred close would lose.
  int Close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

/// Wipes a stack buffer of key material when it goes out of scope.
template <size_t N>
struct WipedBuffer {
  uint8_t data[N];
  ~WipedBuffer() { OPENSSL_cleanse(data, N); }
};

int HexValue(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// "readable by others", "writable by its group", ... for the first class (others, then group)
/// that has any permission bit.
std::string LooseModeText(mode_t mode) {
  unsigned others = mode & 07, group = (mode >> 3) & 07;
  unsigned bits = others ? others : group;
  const char* who = others ? "others" : "its group";
  const char* what = (bits & 4) && (bits & 2) ? "readable and writable"
                     : (bits & 4)             ? "readable"
                     : (bits & 2)             ? "writable"
                                              : "executable";
  return std::string(what) + " by " + who;
}

std::string ModeText(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

Status WriteAll(int fd, const uint8_t* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::IoError(Errno());
    data += n;
    size -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

/// Best effort: makes the new directory entry durable. Some file systems cannot fsync a directory;
/// the key file itself is already synced, so that is not an error.
void SyncParentDir(const std::string& path) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

Result<SecretKey> CreateExclusive(const std::string& path, RandomSource& random, int* create_errno) {
  WipedBuffer<SecretKey::kSize> bytes;
  COUPONGEN_RETURN_IF_ERROR(random.Fill(bytes.data));
  // O_EXCL: never overwrite, and never follow a symlink planted at `path`.
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600));
  if (fd.get() < 0) {
    *create_errno = errno;
    if (errno == EEXIST) return Status::IoError("key file " + path + " already exists; not overwriting it");
    return Status::IoError("cannot create key file " + path + ": " + Errno());
  }
  Status st;
  if (::fchmod(fd.get(), 0600) != 0) {  // the umask may have taken bits away; set exactly 0600
    st = Status::IoError("cannot set the mode of key file " + path + ": " + Errno());
  } else if (Status w = WriteAll(fd.get(), bytes.data, sizeof bytes.data); !w.ok()) {
    st = Status::IoError("cannot write key file " + path + ": " + w.message());
  } else if (::fsync(fd.get()) != 0 || fd.Close() != 0) {
    st = Status::IoError("cannot write key file " + path + ": " + Errno());
  }
  if (!st.ok()) {
    ::unlink(path.c_str());
    return st;
  }
  SyncParentDir(path);
  return SecretKey(std::span<const uint8_t, SecretKey::kSize>(bytes.data));
}

}  // namespace

SecretKey::SecretKey(std::span<const uint8_t, kSize> bytes) {
  std::copy(bytes.begin(), bytes.end(), bytes_.begin());
}

SecretKey& SecretKey::operator=(const SecretKey& other) {
  bytes_ = other.bytes_;
  return *this;
}

SecretKey::~SecretKey() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

Result<SecretKey> CreateKeyFile(const std::string& path, RandomSource& random) {
  int create_errno = 0;
  return CreateExclusive(path, random, &create_errno);
}

namespace {

// What a key file must be: a regular file (a FIFO would block the run, a device would be read
// from forever), owned by the user or root (not planted by another user in a shared
// directory), and private to its owner.
Status CheckKeyFileStat(const std::string& path, const struct stat& st) {
  if (!S_ISREG(st.st_mode))
    return Status::Invalid("key file " + path + " is not a regular file" +
                           (S_ISFIFO(st.st_mode)  ? " (a FIFO)"
                            : S_ISDIR(st.st_mode) ? " (a directory)"
                            : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? " (a device)"
                            : S_ISSOCK(st.st_mode) ? " (a socket)"
                                                   : ""));
  if (st.st_uid != ::geteuid() && st.st_uid != 0)
    return Status::Invalid("key file " + path + " belongs to another user (uid " + std::to_string(st.st_uid) +
                           "): use a key file you own (mode 0600)");
  if (st.st_mode & 077)
    return Status::Invalid(path + " is " + LooseModeText(st.st_mode) + " (mode " + ModeText(st.st_mode) +
                           "): chmod 600 " + path);
  return Status::Ok();
}

}  // namespace

Result<SecretKey> LoadKeyFile(const std::string& path) {
  // Judge the file before opening it (opening a FIFO blocks, a device may act), then the file
  // actually opened (without blocking), in case it was swapped in between.
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT)
      return Status::IoError("key file " + path + " does not exist (create one with: coupongen keygen " + path + ")");
    return Status::IoError("cannot open key file " + path + ": " + Errno());
  }
  COUPONGEN_RETURN_IF_ERROR(CheckKeyFileStat(path, st));
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) return Status::IoError("cannot open key file " + path + ": " + Errno());
  if (::fstat(fd.get(), &st) != 0) return Status::IoError("cannot stat key file " + path + ": " + Errno());
  COUPONGEN_RETURN_IF_ERROR(CheckKeyFileStat(path, st));

  // One byte more than the longest valid content (64 hex digits and "\n") to detect longer files.
  WipedBuffer<66> buf;
  size_t got = 0;
  while (got < sizeof buf.data) {
    ssize_t n = ::read(fd.get(), buf.data + got, sizeof buf.data - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError("cannot read key file " + path + ": " + Errno());
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  if (got == SecretKey::kSize) return SecretKey(std::span<const uint8_t, SecretKey::kSize>(buf.data, SecretKey::kSize));

  bool hex_shape = got == 64 || (got == 65 && buf.data[64] == '\n');
  WipedBuffer<SecretKey::kSize> key;
  for (size_t i = 0; hex_shape && i < SecretKey::kSize; ++i) {
    int hi = HexValue(buf.data[2 * i]), lo = HexValue(buf.data[2 * i + 1]);
    if (hi < 0 || lo < 0) hex_shape = false;
    else key.data[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  if (hex_shape) return SecretKey(std::span<const uint8_t, SecretKey::kSize>(key.data));
  std::string size = got < sizeof buf.data ? std::to_string(got) : std::to_string(st.st_size);
  return Status::Invalid("key file " + path + " is not a key: it holds " + size +
                         " bytes; a key file holds exactly 32 random bytes (or 64 hex digits)");
}

Result<SecretKey> LoadOrCreateKeyFile(const std::string& path, RandomSource& random, bool* created) {
  if (created) *created = false;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 || errno != ENOENT) return LoadKeyFile(path);
  int create_errno = 0;
  auto key = CreateExclusive(path, random, &create_errno);
  if (key.ok()) {
    if (created) *created = true;
    return key;
  }
  if (create_errno != EEXIST) return key;
  // Another run created it between our stat and open, and may still be writing its 32 bytes:
  // give it a moment before calling a short file an error.
  for (int attempt = 0; attempt < 50; ++attempt) {
    if (::stat(path.c_str(), &st) == 0 && st.st_size >= static_cast<off_t>(SecretKey::kSize)) break;
    timespec pause{0, 2000000};  // 2 ms
    ::nanosleep(&pause, nullptr);
  }
  return LoadKeyFile(path);
}

std::string KeyId(std::span<const uint8_t> key) {
  // The first 8 bytes of the key's SHA-256: names the key without revealing it.
  Sha256Digest digest = Sha256Of(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
  return HexLower(std::span<const uint8_t>(digest.data(), 8));
}

}  // namespace coupongen
