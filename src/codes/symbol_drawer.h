// SymbolDrawer: uniform symbol indexes 0..k-1 from random bytes, without modulo bias.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "base/status.h"
#include "codes/random_source.h"

namespace coupongen {

/// Why rejection sampling instead of `byte % k`: 256 is not a multiple of most alphabet sizes
/// (30, 36, 62), so `%` would favour the first 256 % k symbols. A byte is accepted only when it is
/// below the largest multiple of k that fits in a byte (`limit`); accepted bytes are uniform on
/// 0..limit-1, and `b % k` of them is uniform on 0..k-1. For k = 30, 240 of 256 bytes are kept.
///
/// Bytes come from the source 64 KiB at a time and are mapped through a 256-entry table (the
/// symbol index, and whether the byte is accepted), so the inner loop has no division and no
/// branch per byte.
class SymbolDrawer {
 public:
  /// REQUIRES: 2 <= k <= 256. `source` must outlive the drawer.
  SymbolDrawer(RandomSource& source, unsigned k);

  /// Fills out[0..n) with uniform indexes in 0..k-1, consuming the source's bytes in order.
  Status Draw(uint8_t* out, size_t n);

  /// Bytes drawn from the source so far (for measuring rejection rates).
  uint64_t bytes_consumed() const { return consumed_; }

 private:
  // The table's entries: the symbol index in the low byte, kAccepted set for accepted bytes.
  static constexpr uint16_t kAccepted = 0x100;

  Status Refill();

  RandomSource& source_;
  std::array<uint16_t, 256> symbol_of_byte_;  // kAccepted | b % k for b < limit, else 0
  std::vector<uint8_t> buf_;
  size_t pos_ = 0;
  uint64_t consumed_ = 0;
};

}  // namespace coupongen
