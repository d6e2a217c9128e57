#include "codes/key_file.h"

#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>

#include "base/strings.h"
#include "codes/digest.h"

namespace coupongen {

namespace {

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

Result<SecretKey> CreateExclusive(const std::string& path, RandomSource& random, Env* env) {
  WipedBuffer<SecretKey::kSize> bytes;
  COUPONGEN_RETURN_IF_ERROR(random.Fill(bytes.data));
  // Exclusive: never overwrite, and never follow a symlink planted at `path`. 0600 whatever the umask.
  const std::string_view data(reinterpret_cast<const char*>(bytes.data), sizeof bytes.data);
  if (Status st = env->WriteNewFile(path, data, 0600, CreateMode::kExact, "key file " + path); !st.ok()) {
    if (SysErrno(st) == EEXIST) return Status::IoError("key file " + path + " already exists; not overwriting it");
    return st;
  }
  // Best effort: makes the new directory entry durable. The key file itself is already synced.
  (void)env->SyncDir(DirName(path));
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

Result<SecretKey> CreateKeyFile(const std::string& path, RandomSource& random, Env* env) {
  return CreateExclusive(path, random, env);
}

namespace {

// What a key file must be: a regular file (a FIFO would block the run, a device would be read
// from forever), owned by the user or root (not planted by another user in a shared
// directory), and private to its owner.
Status CheckKeyFileStat(const std::string& path, const FileInfo& st) {
  if (!S_ISREG(st.mode))
    return Status::Invalid("key file " + path + " is not a regular file" +
                           (S_ISFIFO(st.mode)  ? " (a FIFO)"
                            : S_ISDIR(st.mode) ? " (a directory)"
                            : S_ISCHR(st.mode) || S_ISBLK(st.mode) ? " (a device)"
                            : S_ISSOCK(st.mode) ? " (a socket)"
                                                   : ""));
  if (st.uid != ::geteuid() && st.uid != 0)
    return Status::Invalid("key file " + path + " belongs to another user (uid " + std::to_string(st.uid) +
                           "): use a key file you own (mode 0600)");
  if (st.mode & 077)
    return Status::Invalid(path + " is " + LooseModeText(st.mode) + " (mode " + ModeText(st.mode) +
                           "): chmod 600 " + path);
  return Status::Ok();
}

}  // namespace

Result<SecretKey> LoadKeyFile(const std::string& path, Env* env) {
  // Judge the file before opening it (opening a FIFO blocks, a device may act), then the file
  // actually opened (without blocking), in case it was swapped in between.
  auto named = env->Stat(path);
  if (!named.ok()) {
    if (SysErrno(named.status()) == ENOENT)
      return Status::IoError("key file " + path + " does not exist (create one with: coupongen keygen " + path + ")");
    return Because("cannot open key file " + path, named.status());
  }
  COUPONGEN_RETURN_IF_ERROR(CheckKeyFileStat(path, *named));
  auto file = env->OpenForReading(path);
  if (!file.ok()) return Because("cannot open key file " + path, file.status());
  auto opened = (*file)->Stat();
  if (!opened.ok()) return Because("cannot stat key file " + path, opened.status());
  COUPONGEN_RETURN_IF_ERROR(CheckKeyFileStat(path, *opened));

  // One byte more than the longest valid content (64 hex digits and "\n") to detect longer files.
  WipedBuffer<66> buf;
  size_t got = 0;
  while (got < sizeof buf.data) {
    auto n = (*file)->Read(reinterpret_cast<char*>(buf.data) + got, sizeof buf.data - got);
    if (!n.ok()) return Because("cannot read key file " + path, n.status());
    if (*n == 0) break;
    got += *n;
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
  std::string size = got < sizeof buf.data ? std::to_string(got) : std::to_string(opened->size);
  return Status::Invalid("key file " + path + " is not a key: it holds " + size +
                         " bytes; a key file holds exactly 32 random bytes (or 64 hex digits)");
}

Result<SecretKey> LoadOrCreateKeyFile(const std::string& path, RandomSource& random, bool* created, Env* env) {
  if (created) *created = false;
  if (auto st = env->Stat(path); st.ok() || SysErrno(st.status()) != ENOENT) return LoadKeyFile(path, env);
  auto key = CreateExclusive(path, random, env);
  if (key.ok()) {
    if (created) *created = true;
    return key;
  }
  if (!env->Exists(path)) return key;  // not created for another reason (a failed one is removed)
  // Another run created it between our stat and open, and may still be writing its 32 bytes:
  // give it a moment before calling a short file an error.
  for (int attempt = 0; attempt < 50; ++attempt) {
    if (auto st = env->Stat(path); st.ok() && st->size >= static_cast<off_t>(SecretKey::kSize)) break;
    timespec pause{0, 2000000};  // 2 ms
    ::nanosleep(&pause, nullptr);
  }
  return LoadKeyFile(path, env);
}

std::string KeyId(std::span<const uint8_t> key) {
  // The first 8 bytes of the key's SHA-256: names the key without revealing it.
  Sha256Digest digest = Sha256Of(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
  return HexLower(std::span<const uint8_t>(digest.data(), 8));
}

}  // namespace coupongen
