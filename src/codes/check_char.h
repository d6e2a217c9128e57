// CheckCharacter: one check character, itself a symbol of the alphabet, that catches EVERY
// single-symbol substitution and EVERY transposition of two adjacent symbols in a code's random part
// (the check character included).
//
// Method: a group-based scheme in the style of Verhoeff (1969), generalised by Gumm (1985). The
// radix n (the alphabet's folded size) is given a group G of order n and a permutation s of G with
//     x·s(y) != y·s(x)   for all x != y                                     (s is "anti-symmetric")
// Digits d_0..d_{k-1} get the check c that makes the product come out as the identity:
//     s^0(d_0) · s^1(d_1) · ... · s^(k-1)(d_(k-1)) · s^k(c) = e
// Proof. A substitution at position i changes one factor s^i(a) into s^i(b) != s^i(a) (s^i is a
// permutation), so the product is no longer e (a group cancels the other factors). Swapping
// adjacent a != b at positions i, i+1 turns s^i(a)·s^(i+1)(b) into s^i(b)·s^(i+1)(a); with
// x = s^i(a) != y = s^i(b) that is x·s(y) versus y·s(x), which differ by anti-symmetry, and again
// the outer factors cancel. Both hold at every position and for every length, the check included.
//
// The group for n = 2^a · m (m odd), each anti-symmetric by a two-line argument, and products of
// anti-symmetric mappings are anti-symmetric (componentwise):
//   a = 0:  Z_m with s(x) = -x             (x - s(x) = 2x is one-to-one as m is odd)
//   a = 1:  dihedral D_m, s(r^i) = r^-i, s(f r^i) = f r^(i+1)   (Gumm; rotations r, reflection f;
//           rotation pairs need 2(i-j) != 0, reflection pairs likewise, mixed pairs land on
//           r^(j-i+1) versus r^(j-i))
//   a >= 2: GF(2^a)+ x Z_m with s(g, z) = (x·g, -z)   (x·g - g = (x+1)·g is one-to-one)
// Every n >= 3 is covered, 6 included: Damm's totally anti-symmetric quasigroups (one table, no
// position weights) do not exist for n = 2 or 6 and are hard to build for n = 2 mod 4, which is
// why they were not chosen. ISO/IEC 7064 pure systems need a prime modulus and may emit a check
// outside the alphabet; a weighted sum mod n misses transpositions when n is even. n = 2 is
// impossible for any single check symbol: the codes that catch every substitution are the even-
// or the odd-weight words, and a transposition keeps the weight. Tests check anti-symmetry,
// permutations and the group table exhaustively for every radix, and every substitution and
// transposition of thousands of codes per preset.
//
// What it covers: the folded indexes of the random characters, in slot order, followed by the check
// character. The literal text (prefix, separators, suffix) is constant, so comparing it with the
// shape already catches any error there; only the random part needs the check.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "codes/alphabet.h"

namespace coupongen {

class CheckCharacter {
 public:
  static constexpr unsigned kMinRadix = 3;
  static constexpr unsigned kMaxRadix = 256;

  /// The scheme for digits 0..radix-1. Fails (Invalid) for radix 2, which no single check symbol
  /// can serve, and outside kMinRadix..kMaxRadix.
  static Result<CheckCharacter> ForRadix(unsigned radix);
  /// The scheme over `alphabet`'s folded symbols (radix = folded_size()).
  static Result<CheckCharacter> ForAlphabet(const Alphabet& alphabet);

  unsigned radix() const { return n_; }
  /// "dihedral group D15", "GF(16)+", "Z_31", "GF(4)+ x Z_9", for docs and --json.
  const std::string& group_name() const { return group_name_; }
  /// The position weights s^i repeat every period() positions.
  size_t period() const { return period_; }

  /// The check digit for `digits` (folded indexes). REQUIRES: every digit < radix().
  uint8_t Compute(std::span<const uint8_t> digits) const;
  /// True when the last digit is the check digit of the ones before it. False for an empty span
  /// or a digit >= radix().
  bool Verify(std::span<const uint8_t> digits_with_check) const;

  /// Incremental form, for counting and for callers that fill digits one by one:
  /// state = Start(); state = Step(state, i, d_i) for i = 0..k-1; check = Finish(state, k).
  /// States are 0..radix-1. REQUIRES: digit < radix().
  uint8_t Start() const { return identity_; }
  uint8_t Step(uint8_t state, size_t position, uint8_t digit) const {
    return mul_[state * n_ + perm_[(position % period_) * n_ + digit]];
  }
  uint8_t Finish(uint8_t state, size_t position) const {
    return inv_perm_[(position % period_) * n_ + inverse_[state]];
  }

 private:
  CheckCharacter() = default;

  unsigned n_ = 0;
  uint8_t identity_ = 0;
  size_t period_ = 1;
  std::string group_name_;
  std::vector<uint8_t> mul_;       // n x n: mul_[x*n + y] = x·y
  std::vector<uint8_t> inverse_;   // x^-1
  std::vector<uint8_t> perm_;      // period x n: s^i(d)
  std::vector<uint8_t> inv_perm_;  // period x n: (s^i)^-1(d)
};

}  // namespace coupongen
