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
#include <memory>
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
#include "codes/generator.h"
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

  /// Replaces the contents of *batch with the codes of the next `n` sequence numbers that are not
  /// skipped: the same codes, in the same order, as `n` calls of Next. Faster: the sequence
  /// numbers are written out incrementally (AllowedIndex::Advance), FF1 runs on the whole batch
  /// (Ff1::EncryptBatch), and from 1,024 codes the batch is split in two halves, the second made
  /// on a worker thread (started on first use, with its own copy of the AES key schedule) while
  /// this one makes the first. Fails with Infeasible, making nothing, when fewer than `n` codes
  /// remain.
  Status NextBatch(size_t n, CodeBatch* batch);

  /// As CodeGenerator::plain_codes(): no code ever needs CSV quotes or JSON escapes.
  bool plain_codes() const { return plain_codes_; }

  KeyedGenerator(KeyedGenerator&&) noexcept;
  KeyedGenerator& operator=(KeyedGenerator&&) noexcept;
  ~KeyedGenerator();

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
  struct Lane;
  struct Batching;
  // One lane's share of a batch: the numerals of its sequence numbers, encrypted, walked and
  // written into batch codes first..first + count - 1.
  Status RunLane(Lane& lane, Ff1& ff1, const uint64_t* numbers, size_t count, CodeBatch* batch, size_t first) const;
  void Render(Lane& lane, size_t count, CodeBatch* batch, size_t first) const;

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
  bool plain_codes_ = false;
  std::unique_ptr<Batching> batching_;  // NextBatch's scratch and worker thread, made on first use
};

}  // namespace coupongen
