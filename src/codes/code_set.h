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
    return exact_ ? Pack(folded, n, [](uint8_t f) { return f; }) : Hash(folded, n, [](uint8_t f) { return f; });
  }
  /// The same key from the symbol indexes (0..alphabet.size()-1) of the random characters, as the
  /// generator draws them: the generator's hot path, folding as it packs.
  uint64_t KeyFromSymbols(const uint8_t* symbols, size_t n) const {
    const uint8_t* fold = folded_of_symbol_.data();
    auto folded = [fold](uint8_t s) { return fold[s]; };
    return exact_ ? Pack(symbols, n, folded) : Hash(symbols, n, folded);
  }

  bool exact() const { return exact_; }

 private:
  // The base-k number of the folded indexes, plus one (never 0).
  template <typename Fold>
  uint64_t Pack(const uint8_t* in, size_t n, Fold fold) const {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = v * radix_ + fold(in[i]);
    return v + 1;
  }
  // FNV-1a over the folded indexes, then the splitmix64 finaliser for avalanche; never 0.
  template <typename Fold>
  static uint64_t Hash(const uint8_t* in, size_t n, Fold fold) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; ++i) {
      h ^= fold(in[i]);
      h *= 0x100000001b3ull;
    }
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 31;
    return h ? h : 1;
  }

  const CodeShape& shape_;
  const Alphabet& alphabet_;
  uint64_t radix_;
  bool exact_;
  std::vector<uint8_t> folded_of_symbol_;  // symbol index -> folded index
};

/// A set of nonzero 64-bit keys: open addressing, linear probing, power-of-two capacity kept at
/// most 3/4 full (it grows when more keys arrive than it was sized for). 8 bytes per slot, so
/// 10.7-21.3 bytes per key at the planned count.
///
/// Past a few million keys every probe is a cache miss. Callers that insert many keys hide that
/// latency in batches: Prefetch the slot of each key of a batch, then Insert them in order (the
/// first lines have arrived by the time they are needed). Probes start at the beginning of a
/// cache line, so one prefetch almost always covers the whole probe. The table is asked from the
/// kernel in 2 MiB pages where it allows that, so the random probes do not also miss the TLB.
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
  /// Starts loading the cache line where `key` would go. No effect on the contents.
  void Prefetch(uint64_t key) const { __builtin_prefetch(&table_[Slot(key)], /*write=*/1); }
  bool Contains(uint64_t key) const;
  size_t size() const { return size_; }
  size_t memory_bytes() const { return table_.size() * sizeof(uint64_t); }

 private:
  /// Zeroed slots straight from the kernel (mmap), which zeroes them on first touch.
  class Table {
   public:
    Table() = default;
    explicit Table(size_t slots);  // throws std::bad_alloc
    Table(Table&& other) noexcept { *this = std::move(other); }
    Table& operator=(Table&& other) noexcept;
    ~Table();
    uint64_t& operator[](size_t i) { return data_[i]; }
    const uint64_t& operator[](size_t i) const { return data_[i]; }
    size_t size() const { return size_; }

   private:
    uint64_t* data_ = nullptr;
    size_t size_ = 0;
  };

  // A key's probe starts at the first of the 8 slots of its home cache line (the table is page
  // aligned), not at a random slot inside it: then an insert touches a second line, which was not
  // prefetched, only when the whole line is taken (~2% of inserts up to a 0.6 load, against ~9%).
  size_t Slot(uint64_t key) const {
    return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_) & ~size_t{kSlotsPerLine - 1};
  }
  static constexpr size_t kSlotsPerLine = 64 / sizeof(uint64_t);
  void Grow();
  void Reserve(size_t expected);

  Table table_;
  size_t mask_ = 0;
  int shift_ = 64;
  size_t size_ = 0;
  size_t max_fill_ = 0;
};

}  // namespace coupongen
