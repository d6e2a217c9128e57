#include "codes/code_set.h"

#include <bit>

namespace coupongen {

CodeKeyer::CodeKeyer(const CodeShape& shape, const Alphabet& alphabet)
    : shape_(shape), alphabet_(alphabet), radix_(alphabet.folded_size()) {
  // Exact packing when radix^n <= 2^64 - 2, so key = value + 1 is never 0 and never wraps.
  unsigned __int128 space = 1;
  exact_ = true;
  for (size_t i = 0; i < shape.random_length(); ++i) {
    space *= radix_;
    if (space > static_cast<unsigned __int128>(UINT64_MAX) - 1) {
      exact_ = false;
      break;
    }
  }
}

uint64_t CodeKeyer::HashFolded(const uint8_t* folded, size_t n) {
  // FNV-1a over the folded indexes, then the splitmix64 finaliser for avalanche.
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < n; ++i) {
    h ^= folded[i];
    h *= 0x100000001b3ull;
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h ? h : 1;
}

std::optional<uint64_t> CodeKeyer::Key(std::string_view code) const {
  if (!shape_.LiteralsMatch(code)) return std::nullopt;
  const auto& slots = shape_.slots();
  uint8_t folded[1024];
  if (slots.size() > sizeof folded) return std::nullopt;
  for (size_t i = 0; i < slots.size(); ++i) {
    int f = alphabet_.FoldedIndex(code[slots[i]]);
    if (f < 0) return std::nullopt;
    folded[i] = static_cast<uint8_t>(f);
  }
  return KeyFromFolded(folded, slots.size());
}

CodeSet::CodeSet(size_t expected) { Reserve(expected); }

namespace {
size_t CapacityFor(size_t expected) { return std::bit_ceil(expected + expected / 3 + 16); }  // load <= 3/4
}  // namespace

size_t CodeSet::BytesFor(size_t expected) { return CapacityFor(expected) * sizeof(uint64_t); }

void CodeSet::Reserve(size_t expected) {
  size_t cap = CapacityFor(expected);
  std::vector<uint64_t> old;
  old.swap(table_);
  table_.assign(cap, 0);
  mask_ = cap - 1;
  shift_ = 64 - std::countr_zero(cap);
  max_fill_ = cap / 4 * 3;
  size_ = 0;
  for (uint64_t k : old)
    if (k) Insert(k);
}

void CodeSet::Grow() { Reserve(table_.size()); }

bool CodeSet::Contains(uint64_t key) const {
  size_t i = Slot(key);
  while (true) {
    uint64_t k = table_[i];
    if (k == 0) return false;
    if (k == key) return true;
    i = (i + 1) & mask_;
  }
}

}  // namespace coupongen
