// SHA-256, for fingerprints that are not secrets' protection but their names: key ids, the
// blocklist of a rules record, a run report's output digest, an upload chunk's digest. OpenSSL's
// implementation; OpenSSL stays inside codes/ (no header of it leaks out of this folder).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace coupongen {

using Sha256Digest = std::array<uint8_t, 32>;

/// Incremental SHA-256: Update() any number of times, then Finish() once.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view bytes);
  /// The digest of everything updated so far. REQUIRES: called once.
  Sha256Digest Finish();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

Sha256Digest Sha256Of(std::string_view bytes);
/// Lower-case hex of Sha256Of(bytes): 64 characters.
std::string Sha256HexOf(std::string_view bytes);

}  // namespace coupongen
