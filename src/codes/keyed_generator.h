// KeyedGenerator: the codes of `codes.mode: keyed`. The code of sequence number n is the shape's
// skeleton with its random slots filled by FF1 (under the campaign key and tweak) of n written in
// base radix over the random characters, as KeyedSequence computes it, so a range of distinct
// sequence numbers gives distinct codes with no table of codes made: memory is constant whatever
// the count, and the same key, campaign, shape and range always give the same codes, in order.
//
// Typo rules (codes/code_rules.h). A check character is computed from the random characters and
// written in the shape's last slot, as random mode does. With a blocklist, n is first mapped to the
// n-th code the blocklist allows (AllowedIndex), then FF1 is applied again and again until the
// result is allowed too (cycle walking): a permutation of the allowed codes, so codes stay
// distinct, none spells a blocked word, and the sequence numbers run 0..allowed - 1.
//
// The tweak binds the permutation to the campaign and the code's shape (see KeyedTweak): two
// campaigns under one key give unrelated codes. Uniqueness holds within one campaign and key;
// codes of other campaigns (or keys) are independent random-looking strings that may collide
// with these like any two random batches: exclusions (SkipSequences) are how to rule them out.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "codes/alphabet.h"
#include "codes/allowed_index.h"
#include "codes/code_rules.h"
#include "codes/ff1.h"
#include "codes/keyed_sequence.h"
#include "codes/shape.h"

namespace coupongen {

/// Sequence numbers start, start + 1, ..., start + count - 1.
struct SequenceRange {
  uint64_t start = 0;
  uint64_t count = 0;
  /// The last number of the range. REQUIRES: count >= 1.
  uint64_t last() const { return start + (count - 1); }
  bool operator==(const SequenceRange&) const = default;
};

/// The FF1 tweak of a campaign: "coupongen-keyed-1", the campaign name, the shape's skeleton
/// (prefix, separators, suffix, pattern text, '#' per random character) and the alphabet's
/// symbols, separated by NUL bytes. Changing any of them gives an unrelated permutation.
std::vector<uint8_t> KeyedTweak(std::string_view campaign, const CodeShape& shape, const Alphabet& alphabet);

/// FF1's floor on the domain, in keyed mode's words: Invalid ("keyed mode needs at least 1,000,000
/// possible codes (radix^length); 30^4 = 810,000 is too small") when radix^length < 1,000,000.
Status CheckKeyedKeyspace(size_t radix, size_t length);

class KeyedGenerator {
 public:
  /// A generator of the codes of `range`. `shape`, `alphabet` and `rules` must outlive it; the key
  /// is not kept (only AES's key schedule is). With `rules` (a plan's), the shape's last slot is
  /// the check character when rules->check(), and codes spelling a blocked word are never made.
  /// Fails with Invalid when keyed mode cannot use the alphabet (a letter in both cases), the
  /// random part is below FF1's floor of 1,000,000 strings, or the blocklist cannot be indexed;
  /// with Infeasible when `range` is empty or goes past the last sequence number (max_sequence()).
  static Result<KeyedGenerator> Create(const CodeShape& shape, const Alphabet& alphabet,
                                       std::span<const uint8_t> key, std::string_view campaign, SequenceRange range,
                                       const CodeRules* rules = nullptr);

  /// Overwrites *code with the code of the next sequence number of the range that is not skipped
  /// (its storage is reused: no allocation per code). Fails with Infeasible once remaining() is 0.
  Status Next(std::string* code);

  /// The sequence number a code was made from, for a code of this campaign's shape (literal text
  /// and letters matched ignoring case); nullopt when `code` cannot be one of its codes (other
  /// shape, a character outside the alphabet, a wrong check character, a blocked word, or no
  /// sequence number maps to it).
  std::optional<uint64_t> SequenceOf(std::string_view code);

  /// Sequence numbers Next must pass over without making their code (their codes are excluded).
  /// Numbers outside the range, or already returned, are ignored. Call before the first Next.
  void SkipSequences(std::vector<uint64_t> numbers);

  /// Codes Next will still make: the rest of the range less the skipped numbers in it.
  uint64_t remaining() const { return range_.count - offset_ - (skip_.size() - skip_at_); }
  /// Sequence numbers skipped so far.
  uint64_t skipped() const { return skipped_; }
  /// The sequence number of the code Next made last (REQUIRES: Next has succeeded once).
  uint64_t last_sequence() const { return last_; }
  const SequenceRange& range() const { return range_; }
  /// The largest sequence number of this shape: min(radix^length, 2^64) - 1, or with a blocklist
  /// min(allowed codes, 2^64 - 1) - 1.
  uint64_t max_sequence() const { return max_sequence_; }

 private:
  KeyedGenerator(const CodeShape& shape, const Alphabet& alphabet, Ff1 ff1, std::vector<uint8_t> tweak,
                 SequenceRange range);
  // The random numerals of the code of n, into numerals_.
  Status Encode(uint64_t n);

  const CodeShape* shape_;
  const Alphabet* alphabet_;
  Ff1 ff1_;
  std::vector<uint8_t> tweak_;
  size_t random_length_ = 0;     // slots less the check character's
  uint64_t max_sequence_ = 0;
  std::optional<AllowedIndex> allowed_;         // with a blocklist
  const CheckCharacter* check_ = nullptr;       // with a check character
  const std::string* check_symbols_ = nullptr;  // folded check digit -> character written
  std::vector<uint8_t> folded_of_numeral_;
  std::vector<uint16_t> numerals_;
  std::vector<uint8_t> folded_;
  SequenceRange range_;
  // Positions are offsets into the range (sequence number - range_.start), so a range that ends
  // at 2^64 - 1 needs no "one past the end" number.
  uint64_t offset_ = 0;  // the position Next considers next
  uint64_t last_ = 0;
  uint64_t skipped_ = 0;
  std::vector<uint64_t> skip_;  // positions to pass over: sorted, distinct, >= offset_, < count
  size_t skip_at_ = 0;          // skip_[skip_at_] is the next number to pass over
  std::array<int16_t, 256> digit_of_char_;  // code character (either case) -> numeral, or -1
};

}  // namespace coupongen
