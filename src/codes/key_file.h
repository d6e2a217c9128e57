// Key files for keyed mode (`codes.key_file`): 32 random bytes that only their owner may read.
//
// Format: exactly 32 raw bytes (what CreateKeyFile writes), or, for keys kept in secret stores as
// text, exactly 64 hex digits (either case) optionally followed by one "\n". Nothing else.
//
// Errors: I/O problems (missing file, cannot create or read) are IoError; a file that exists but
// must not be used (wrong size or content, not a regular file, readable or writable by group or
// others) is Invalid. Messages name the path as given and say how to fix it.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "base/env.h"
#include "base/status.h"
#include "codes/random_source.h"

namespace coupongen {

/// A 256-bit secret key (AES-256 for FF1). Its bytes are wiped when it is destroyed.
class SecretKey {
 public:
  static constexpr size_t kSize = 32;
  explicit SecretKey(std::span<const uint8_t, kSize> bytes);
  SecretKey(const SecretKey& other) : SecretKey(std::span<const uint8_t, kSize>(other.bytes_)) {}
  SecretKey& operator=(const SecretKey& other);
  ~SecretKey();
  std::span<const uint8_t> bytes() const { return bytes_; }

 private:
  std::array<uint8_t, kSize> bytes_;
};

/// Creates `path` holding 32 bytes from `random`, with mode 0600 whatever the umask, and returns
/// the key. Never overwrites: an existing file (or symlink) at `path` is an IoError ("key file
/// key.bin already exists; not overwriting it"). The bytes are drawn before the file is created
/// and the file is fsynced; on any failure after creation the partial file is removed. Every
/// file-system call goes through `env` (here and below).
Result<SecretKey> CreateKeyFile(const std::string& path, RandomSource& random, Env* env = Env::Default());

/// Reads the key in `path` (see the format above). Checks, in order: the file exists, is a
/// regular file (symlinks are followed; a FIFO or device is refused before it is opened, so
/// nothing blocks), is owned by the user or root, no group or other permission bit is set ("key.bin is
/// readable by others (mode 0644): chmod 600 key.bin"), and the content is a key.
Result<SecretKey> LoadKeyFile(const std::string& path, Env* env = Env::Default());

/// Loads `path`, or creates it when it does not exist ("on first use"). *created (optional) says
/// which happened. Safe against a concurrent run doing the same: creation is exclusive, and the
/// loser of that race loads the winner's key.
Result<SecretKey> LoadOrCreateKeyFile(const std::string& path, RandomSource& random, bool* created = nullptr,
                                      Env* env = Env::Default());

/// A name for a key that does not reveal it: the first 8 bytes of SHA-256(key) as 16 lowercase hex
/// digits. Lets a ledger tell keys apart without storing them.
std::string KeyId(std::span<const uint8_t> key);

}  // namespace coupongen
