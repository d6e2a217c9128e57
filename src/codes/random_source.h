// RandomSource: where random bytes come from (leveldb's Env seam). Production uses OpenSSL's
// CSPRNG; `--seed` uses a deterministic stream that says in its name what it is.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "base/status.h"

namespace coupongen {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  /// Fills `out` with random bytes, or returns an IoError ("no randomness").
  virtual Status Fill(std::span<uint8_t> out) = 0;
};

/// OpenSSL's CSPRNG (RAND_bytes, return value checked). The only source for real codes.
class OpenSslRandom : public RandomSource {
 public:
  Status Fill(std::span<uint8_t> out) override;
};

/// PREDICTABLE bytes: AES-256-CTR keystream under SHA-256(seed). Anyone who knows the seed knows
/// every code. Exists only for `--seed` (reproducible tests and demos); never the default.
class PredictableSeededRandom : public RandomSource {
 public:
  explicit PredictableSeededRandom(std::string_view seed);
  ~PredictableSeededRandom() override;
  Status Fill(std::span<uint8_t> out) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace coupongen
