#include "lint/duplicate_index.h"

#include <cstring>

#include "base/strings.h"

namespace coupongen {
namespace {

constexpr size_t kBlockBytes = 1 << 20;
constexpr size_t kMinSlots = 1024;
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

// 8 bytes at a time, each word mixed in by a multiply and the whole finished with MurmurHash3's
// 64-bit finaliser: a few instructions for a 12-character code where std::hash (a byte-oriented
// Murmur) took ~200, and every bit of the result depends on every input byte.
uint64_t DuplicateIndex::Hash(std::string_view folded) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  uint64_t h = folded.size() * kMul;
  const char* p = folded.data();
  size_t n = folded.size();
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
  }
  if (n > 0) {
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

const char* DuplicateIndex::Store(std::string_view folded) {
  if (blocks_.empty() || block_size_ - block_used_ < folded.size()) {
    block_size_ = std::max(kBlockBytes, folded.size());
    blocks_.emplace_back(new char[block_size_]);
    block_used_ = 0;
    arena_bytes_ += block_size_;
  }
  char* text = blocks_.back().get() + block_used_;
  std::memcpy(text, folded.data(), folded.size());
  block_used_ += folded.size();
  return text;
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

std::optional<CodeLocation> DuplicateIndex::Insert(std::string_view code, CodeLocation at) {
  folded_.resize(code.size());
  for (size_t i = 0; i < code.size(); ++i) folded_[i] = ToLowerAscii(code[i]);
  uint64_t h = Hash(folded_);
  uint64_t tag = h & 0xFFFFFFFF00000000ull;
  size_t mask = slots_.size() - 1;
  size_t s = h & mask;
  for (; slots_[s] != 0; s = (s + 1) & mask) {
    if ((slots_[s] & 0xFFFFFFFF00000000ull) != tag) continue;
    const Entry& e = entries_[(slots_[s] & 0xFFFFFFFFull) - 1];
    if (e.len == folded_.size() && std::memcmp(e.text, folded_.data(), e.len) == 0)
      return CodeLocation{e.file, e.row};
  }
  entries_.push_back(Entry{Store(folded_), static_cast<uint32_t>(folded_.size()), at.file, at.row});
  slots_[s] = tag | entries_.size();
  if (entries_.size() > slots_.size() * 3 / 4) Rehash(slots_.size() * 2);
  return std::nullopt;
}

std::string DuplicateIndex::Format(const CodeLocation& at) const { return RowWhere(files_[at.file], at.row); }

size_t DuplicateIndex::memory_bytes() const {
  return slots_.size() * sizeof(uint64_t) + entries_.size() * sizeof(Entry) + arena_bytes_;
}

}  // namespace coupongen
