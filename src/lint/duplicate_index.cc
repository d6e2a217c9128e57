#include "lint/duplicate_index.h"

#include <algorithm>
#include <cstring>

#include "base/strings.h"

namespace coupongen {
namespace {

constexpr size_t kBlockBytes = 1 << 20;
constexpr size_t kMinSlots = 1024;
// Reserve's limit: 2^26 codes (a 1 GiB slot table); past it the index grows as codes come.
constexpr size_t kMaxReserve = size_t{1} << 26;
}  // namespace

DuplicateIndex::DuplicateIndex(size_t expected_codes) {
  size_t slots = kMinSlots;
  while (slots * 3 / 4 < expected_codes) slots *= 2;
  slots_.assign(slots, 0);
}

uint32_t DuplicateIndex::AddFile(std::string name) {
  files_.push_back(std::move(name));
  return static_cast<uint32_t>(files_.size() - 1);
}

namespace {

constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;

// ToLowerAscii of each byte of `w`: 'A'..'Z' gain 0x20, every other byte (0x80..0xFF too) stays.
inline uint64_t LowerWord(uint64_t w) {
  uint64_t seven = w & ~kHigh;                   // the low 7 bits of each byte: no carry below
  uint64_t at_least_a = seven + kOnes * (0x80 - 'A');
  uint64_t above_z = seven + kOnes * (0x80 - 'Z' - 1);
  uint64_t upper = at_least_a & ~above_z & ~w & kHigh;  // 'A' <= byte <= 'Z' (and ASCII)
  return w | (upper >> 2);
}

constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;

inline uint64_t Mix(uint64_t h, uint64_t w) {
  h = (h ^ w) * kMul;
  return h ^ (h >> 29);
}

inline uint64_t Finalise(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

// The hash of the n bytes at `p` folded to lower case (kFold; else as they are), 8 bytes at a
// time, the last word (its bytes past those before, zero-extended) loaded overlapping the one
// before; with kFold, the folded text is written to `out` (n bytes).
template <bool kFold>
inline uint64_t HashText(const char* p, size_t n, char* out) {
  uint64_t h = n * kMul;
  size_t i = 0;
  uint64_t w;
  for (; i + 8 <= n; i += 8) {
    std::memcpy(&w, p + i, 8);
    if (kFold) {
      w = LowerWord(w);
      std::memcpy(out + i, &w, 8);
    }
    h = Mix(h, w);
  }
  size_t rest = n - i;
  if (rest == 0) return Finalise(h);
  if (n >= 8) {
    std::memcpy(&w, p + n - 8, 8);
    if (kFold) {
      w = LowerWord(w);
      std::memcpy(out + n - 8, &w, 8);  // rewrites folded bytes with the same values
    }
    w >>= 8 * (8 - rest);  // only the last `rest` bytes
  } else {
    w = 0;
    for (size_t k = 0; k < n; ++k) w |= uint64_t{static_cast<unsigned char>(p[k])} << (8 * k);
    if (kFold) {
      w = LowerWord(w);  // the zero bytes past the end stay zero
      for (size_t k = 0; k < n; ++k) out[k] = static_cast<char>(w >> (8 * k));
    }
  }
  return Finalise(Mix(h, w));
}

}  // namespace

// 8 bytes at a time, each word mixed in by a multiply and the whole finished with MurmurHash3's
// 64-bit finaliser: a few instructions for a 12-character code where std::hash (a byte-oriented
// Murmur) took ~200, and every bit of the result depends on every input byte.
uint64_t DuplicateIndex::Hash(std::string_view folded) { return HashText<false>(folded.data(), folded.size(), nullptr); }

char* DuplicateIndex::ArenaSpace(size_t n) {
  if (blocks_.empty() || block_size_ - block_used_ < n) {
    block_size_ = std::max(kBlockBytes, n);
    blocks_.emplace_back(new char[block_size_]);
    block_used_ = 0;
    arena_bytes_ += block_size_;
  }
  return blocks_.back().get() + block_used_;
}

void DuplicateIndex::Rehash(size_t slots) {
  slots_.assign(slots, 0);
  size_t mask = slots - 1;
  for (size_t i = 0; i < entries_.size(); ++i) {
    uint64_t h = Hash(std::string_view(entries_[i].text, entries_[i].len));
    size_t s = h & mask;
    while (slots_[s] != 0) s = (s + 1) & mask;
    slots_[s] = (h & 0xFFFFFFFF00000000ull) | (i + 1);
  }
}

void DuplicateIndex::Reserve(size_t more_codes) {
  size_t want = entries_.size() + std::min(more_codes, kMaxReserve);
  size_t slots = slots_.size();
  while (slots * 3 / 4 < want) slots *= 2;
  if (slots != slots_.size()) Rehash(slots);
}

std::optional<CodeLocation> DuplicateIndex::Insert(std::string_view code, CodeLocation at) {
  // The code is folded straight into the arena's free space as it is hashed: kept (the space
  // taken) only when it is new.
  const size_t n = code.size();
  char* folded = ArenaSpace(n);
  uint64_t h = HashText<true>(code.data(), n, folded);
  uint64_t tag = h & 0xFFFFFFFF00000000ull;
  size_t mask = slots_.size() - 1;
  size_t s = h & mask;
  for (; slots_[s] != 0; s = (s + 1) & mask) {
    if ((slots_[s] & 0xFFFFFFFF00000000ull) != tag) continue;
    const Entry& e = entries_[(slots_[s] & 0xFFFFFFFFull) - 1];
    if (e.len == n && std::memcmp(e.text, folded, n) == 0) return CodeLocation{e.file, e.row};
  }
  block_used_ += n;
  entries_.push_back(Entry{folded, static_cast<uint32_t>(n), at.file, at.row});
  slots_[s] = tag | entries_.size();
  if (entries_.size() > slots_.size() * 3 / 4) Rehash(slots_.size() * 2);
  return std::nullopt;
}

std::string DuplicateIndex::Format(const CodeLocation& at) const { return RowWhere(files_[at.file], at.row); }

size_t DuplicateIndex::memory_bytes() const {
  return slots_.size() * sizeof(uint64_t) + entries_.size() * sizeof(Entry) + arena_bytes_;
}

}  // namespace coupongen
