// KeyedSequence: the core of `codes.mode: keyed`. Sequence number n (0, 1, 2, ...) becomes the
// random part of a code: n written in base `radix` over `length` numerals (most significant
// first), then encrypted with FF1 (codes/ff1.h) under the campaign key and a tweak.
//
// Why codes are unique: writing n in base radix over `length` numerals is one-to-one for
// n < radix^length, and FF1 under one key and one tweak is a permutation of all radix^length
// numeral strings (each Feistel round can be undone), so distinct n give distinct codes by
// construction: no lookup, no retry, constant memory however many codes. This holds for one
// (key, tweak, radix, length) only: codes made under another key or tweak (another campaign) can
// collide with these, and reusing a sequence number reissues its code, so the caller must keep
// the next n durably (the ledger) and keep checking across campaigns.
//
// Why codes are unpredictable: FF1 is a pseudorandom permutation keyed by 256 secret bits.
// Without the key, the codes of n = 0, 1, 2, ... look like distinct random strings: knowing
// some codes (even with their sequence numbers) tells nothing useful about any other code, and
// guessing a valid code is as hard as for codes drawn at random. The standard's floor of
// 1,000,000 possible strings is enforced because FF1 has known attacks on tiny domains.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/status.h"
#include "codes/alphabet.h"
#include "codes/ff1.h"

namespace coupongen {

class KeyedSequence {
 public:
  /// `key`: 16, 24 or 32 bytes (a key file holds 32: AES-256). `radix`: the alphabet size.
  /// `length`: random characters per code. `tweak`: binds the permutation to a campaign (use the
  /// campaign name's bytes); may be empty. Fails with Invalid when radix^length < 1,000,000
  /// ("keyed mode needs at least 1,000,000 possible codes (radix^length); 30^4 = 810,000 is too
  /// small") or another FF1 rule is broken (radix 2..65536, length 2..65536, key size).
  static Result<KeyedSequence> Create(std::span<const uint8_t> key, uint32_t radix, uint32_t length,
                                      std::span<const uint8_t> tweak);

  /// Writes the numerals (symbol indexes 0..radix-1, most significant first) of the code for
  /// sequence number n. REQUIRES: digits.size() == length(). Fails with Infeasible when
  /// n > max_sequence() (the keyspace is used up). No allocation; not thread-safe (see Ff1).
  Status Digits(uint64_t n, std::span<uint16_t> digits);

  /// The inverse, for checking a code: the sequence number whose code has these numerals. Fails
  /// with Invalid when the size or a numeral is wrong, or when the numerals decrypt to a number
  /// of 2^64 or more, which no sequence number reaches (so not a code of this key and tweak).
  Result<uint64_t> Sequence(std::span<const uint16_t> digits);

  /// The largest valid sequence number: min(radix^length, 2^64) - 1.
  uint64_t max_sequence() const { return max_sequence_; }
  uint32_t radix() const { return ff1_.radix(); }
  uint32_t length() const { return ff1_.min_length(); }

 private:
  KeyedSequence(Ff1 ff1, std::span<const uint8_t> tweak, uint64_t max_sequence);

  Ff1 ff1_;
  std::vector<uint8_t> tweak_;
  uint64_t max_sequence_;
  std::vector<uint16_t> scratch_;
};

/// Keyed mode's rule for alphabets: uniqueness ignores letter case, and FF1 keeps codes distinct
/// only as exact strings, so an alphabet holding a letter in both cases ('a' and 'A') is refused:
/// two sequence numbers could give codes that differ only in case. Alphabets whose letters fold
/// one-to-one ("abcXYZ") are fine. Returns Invalid with the reason, or Ok.
Status CheckKeyedAlphabet(const Alphabet& alphabet);

}  // namespace coupongen
