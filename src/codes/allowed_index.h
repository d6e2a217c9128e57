// AllowedIndex: numbers the codes a blocklist allows, so that keyed mode can map sequence numbers
// onto them one to one.
//
// The allowed codes of `length` numerals are ordered as numbers (numeral 0 first, most significant
// first); Unrank(n) gives the n-th, Rank the inverse. A table counts, for each position, DFA state
// of the blocklist and (with a check character) running check state, the allowed ways to finish a
// code: Unrank reads one numeral per position by comparing n with those counts, so it costs
// length x radix table reads, and the table is built once (length x states x check states entries
// of 8 bytes, at most kMaxEntries). Counts saturate at 2^64 - 1, which is exact for every n below
// it, the most a sequence number can be.
//
// Keyed mode then walks FF1's cycle from the n-th allowed string until it lands on an allowed one
// ("cycle walking"): a permutation of the allowed strings, so distinct n still give distinct codes,
// and no code spells a blocked word.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/status.h"
#include "codes/blocklist.h"
#include "codes/check_char.h"

namespace coupongen {

class AllowedIndex {
 public:
  static constexpr size_t kMaxEntries = size_t{1} << 22;  // 32 MiB of counts

  /// The index of the codes of `length` numerals that `blocklist` allows; numeral d is read as the
  /// folded symbol folded_of_numeral[d]. With `check`, the check character computed from the
  /// folded symbols is read after them, as codes are written. `blocklist` and `check` must outlive
  /// the index. Fails (Invalid) when the table would exceed kMaxEntries, saying so.
  /// REQUIRES: !blocklist.empty(); every folded index < the alphabet's folded size (= check's radix).
  static Result<AllowedIndex> Build(const Blocklist& blocklist, const CheckCharacter* check,
                                    std::vector<uint8_t> folded_of_numeral, size_t length);

  /// How many codes are allowed, or 2^64 - 1 when at least that many.
  uint64_t size() const { return count_[Entry(0, 0, start_check_)]; }

  /// Writes the numerals of allowed code number n. REQUIRES: n < size(), numerals.size() == length.
  void Unrank(uint64_t n, std::span<uint16_t> numerals) const;

  /// Where Unrank's walk went: a code's numerals with the automaton's (and check's) state before
  /// each position, so that the next allowed code in order is a step away (Advance).
  struct Cursor {
    std::vector<uint16_t> numerals;
    std::vector<uint32_t> states;  // states[pos]: the DFA state before numerals[pos]
    std::vector<uint8_t> checks;   // checks[pos]: the check state before numerals[pos]
  };
  /// Unrank(n) into *cursor. REQUIRES: n < size().
  void Start(uint64_t n, Cursor* cursor) const;
  /// Moves *cursor to the next allowed code in order: Unrank(n + 1) after Unrank(n), without
  /// reading the whole table again (usually one position changes). Returns false, leaving the
  /// cursor alone, at the last allowed code.
  bool Advance(Cursor* cursor) const;

  /// The number of an allowed code; nullopt when the code is not allowed or its number is 2^64 - 1
  /// or more. REQUIRES: numerals.size() == length, each numeral < radix.
  std::optional<uint64_t> Rank(std::span<const uint16_t> numerals) const;

  /// True when the code (with its check character, if any) spells no blocked word.
  bool Allowed(std::span<const uint16_t> numerals) const;

  size_t memory_bytes() const { return count_.size() * sizeof(uint64_t); }

 private:
  AllowedIndex() = default;
  size_t Entry(size_t pos, uint32_t state, uint8_t check_state) const {
    return (pos * states_ + state / radix_) * checks_ + check_state;
  }

  const Blocklist* blocklist_ = nullptr;
  const CheckCharacter* check_ = nullptr;
  std::vector<uint8_t> fold_;     // numeral -> folded index
  size_t length_ = 0;
  uint32_t radix_ = 0;
  size_t states_ = 0;             // live DFA states (MATCH excluded)
  size_t checks_ = 1;             // check states: the radix with a check character, else 1
  uint8_t start_check_ = 0;
  std::vector<uint64_t> count_;   // count_[Entry(pos, s, p)]: allowed ways to fill pos..length-1
};

}  // namespace coupongen
