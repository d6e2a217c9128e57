#include "codes/code_set.h"

#include <sys/mman.h>

#include <bit>
#include <new>
#include <utility>

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
  for (size_t i = 0; i < alphabet.size(); ++i)
    folded_of_symbol_.push_back(static_cast<uint8_t>(alphabet.FoldedIndex(alphabet.symbol(i))));
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

CodeSet::Table::Table(size_t slots) : size_(slots) {
  const size_t bytes = slots * sizeof(uint64_t);
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  // A hint: huge pages cut TLB misses on random probes. Refused (no THP) is fine.
  madvise(p, bytes, MADV_HUGEPAGE);
  data_ = static_cast<uint64_t*>(p);
}

CodeSet::Table& CodeSet::Table::operator=(Table&& other) noexcept {
  std::swap(data_, other.data_);
  std::swap(size_, other.size_);
  return *this;
}

CodeSet::Table::~Table() {
  if (data_) munmap(data_, size_ * sizeof(uint64_t));
}

CodeSet::CodeSet(size_t expected) { Reserve(expected); }

namespace {
size_t CapacityFor(size_t expected) { return std::bit_ceil(expected + expected / 3 + 16); }  // load <= 3/4
}  // namespace

size_t CodeSet::BytesFor(size_t expected) { return CapacityFor(expected) * sizeof(uint64_t); }

void CodeSet::Reserve(size_t expected) {
  const size_t cap = CapacityFor(expected);
  Table old = std::exchange(table_, Table(cap));
  mask_ = cap - 1;
  shift_ = 64 - std::countr_zero(cap);
  max_fill_ = cap / 4 * 3;
  size_ = 0;
  for (size_t i = 0; i < old.size(); ++i)
    if (old[i]) Insert(old[i]);
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
