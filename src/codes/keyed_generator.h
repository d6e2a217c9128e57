// KeyedGenerator: the codes of `codes.mode: keyed`. The code of sequence number n is the shape's
// skeleton with its slots filled by KeyedSequence's numerals for n (FF1 under the campaign key),
// so a range of distinct sequence numbers gives distinct codes with no table of codes made: memory
// is constant whatever the count, and the same key, campaign, shape and range always give the
// same codes, in the same order.
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
  /// A generator of the codes of `range`. `shape` and `alphabet` must outlive it; the key is not
  /// kept (only AES's key schedule is). Fails with Invalid when keyed mode cannot use the alphabet
  /// (a letter in both cases) or the keyspace is below FF1's floor of 1,000,000, and with
  /// Infeasible when `range` is empty or goes past the last sequence number (max_sequence()).
  static Result<KeyedGenerator> Create(const CodeShape& shape, const Alphabet& alphabet,
                                       std::span<const uint8_t> key, std::string_view campaign, SequenceRange range);

  /// Overwrites *code with the code of the next sequence number of the range that is not skipped
  /// (its storage is reused: no allocation per code). Fails with Infeasible once remaining() is 0.
  Status Next(std::string* code);

  /// The sequence number a code was made from, for a code of this campaign's shape (literal text
  /// and letters matched ignoring case); nullopt when `code` cannot be one of its codes (other
  /// shape, a character outside the alphabet, or no sequence number maps to it).
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
  /// The largest sequence number of this shape: min(radix^length, 2^64) - 1.
  uint64_t max_sequence() const { return sequence_.max_sequence(); }

 private:
  KeyedGenerator(const CodeShape& shape, const Alphabet& alphabet, KeyedSequence sequence, SequenceRange range);

  const CodeShape* shape_;
  const Alphabet* alphabet_;
  KeyedSequence sequence_;
  SequenceRange range_;
  // Positions are offsets into the range (sequence number - range_.start), so a range that ends
  // at 2^64 - 1 needs no "one past the end" number.
  uint64_t offset_ = 0;  // the position Next considers next
  uint64_t last_ = 0;
  uint64_t skipped_ = 0;
  std::vector<uint64_t> skip_;  // positions to pass over: sorted, distinct, >= offset_, < count
  size_t skip_at_ = 0;          // skip_[skip_at_] is the next number to pass over
  std::vector<uint16_t> digits_;
  std::array<int16_t, 256> digit_of_char_;  // code character (either case) -> numeral, or -1
};

}  // namespace coupongen
