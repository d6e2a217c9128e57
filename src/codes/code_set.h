// CodeKeyer and CodeSet: the uniqueness check. A code's random part is packed, case-folded, into
// a 64-bit key; keys live in a flat open-addressing table sized from the count. About 8-16 bytes
// per code, against ~60 for std::unordered_set<std::string>.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "codes/alphabet.h"
#include "codes/shape.h"

namespace coupongen {

/// Maps codes of one shape to nonzero 64-bit keys such that two codes equal ignoring case have
/// the same key. When the folded keyspace fits in 64 bits the key is the exact base-k number of the
/// random part (distinct codes, distinct keys). Otherwise it is a 64-bit hash of it: distinct codes
/// may then share a key with odds ~n/2^64, which only makes the generator redraw a code: never a
/// duplicate let through.
class CodeKeyer {
 public:
  /// `shape` and `alphabet` must outlive the keyer.
  CodeKeyer(const CodeShape& shape, const Alphabet& alphabet);

  /// The key of a code, or nullopt when the code cannot have this shape (other literal text,
  /// length, or a character outside the alphabet), so it can never equal a generated code.
  std::optional<uint64_t> Key(std::string_view code) const;

  /// The key from the folded indexes of the random characters, in slot order.
  uint64_t KeyFromFolded(const uint8_t* folded, size_t n) const {
    if (exact_) {
      uint64_t v = 0;
      for (size_t i = 0; i < n; ++i) v = v * radix_ + folded[i];
      return v + 1;
    }
    return HashFolded(folded, n);
  }

  bool exact() const { return exact_; }

 private:
  static uint64_t HashFolded(const uint8_t* folded, size_t n);

  const CodeShape& shape_;
  const Alphabet& alphabet_;
  uint64_t radix_;
  bool exact_;
};

/// A set of nonzero 64-bit keys: open addressing, linear probing, power-of-two capacity kept at
/// most 3/4 full (it grows when more keys arrive than it was sized for).
class CodeSet {
 public:
  /// Sized to hold `expected` keys without growing.
  explicit CodeSet(size_t expected = 0);
  /// The table's size in bytes for `expected` keys.
  static size_t BytesFor(size_t expected);

  /// Adds `key` (REQUIRES: key != 0). Returns false when it was already present.
  bool Insert(uint64_t key) {
    if (size_ + 1 > max_fill_) Grow();
    size_t i = Slot(key);
    while (true) {
      uint64_t k = table_[i];
      if (k == 0) {
        table_[i] = key;
        ++size_;
        return true;
      }
      if (k == key) return false;
      i = (i + 1) & mask_;
    }
  }
  bool Contains(uint64_t key) const;
  size_t size() const { return size_; }
  size_t memory_bytes() const { return table_.size() * sizeof(uint64_t); }

 private:
  size_t Slot(uint64_t key) const { return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_); }
  void Grow();
  void Reserve(size_t expected);

  std::vector<uint64_t> table_;
  size_t mask_ = 0;
  int shift_ = 64;
  size_t size_ = 0;
  size_t max_fill_ = 0;
};

}  // namespace coupongen
