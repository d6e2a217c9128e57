// Ff1: format-preserving encryption FF1 (NIST SP 800-38G rev. 1, section 6) with AES through
// OpenSSL. For a fixed key and tweak it is a keyed permutation of all numeral strings of one
// length n over one radix: every output is a valid input and distinct inputs give distinct outputs.
//
// Numerals are symbol indexes 0..radix-1 (not characters), most significant first, as in the
// standard's sample vectors ("0123456789abcdefghi" in radix 36 is {0, 1, ..., 18}).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "base/status.h"

// OpenSSL's cipher context, by name only: its header stays inside codes/.
typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;

namespace coupongen {

class Ff1 {
 public:
  /// The standard's rev. 1 floor on the domain: radix^min_length >= 1,000,000.
  static constexpr uint64_t kMinDomainSize = 1000000;
  /// This implementation's ceilings (the standard allows up to 2^32 - 1): scratch buffers are
  /// sized for max_length at Create, so an absurd bound would allocate gigabytes.
  static constexpr uint32_t kMaxSupportedLength = 65536;
  static constexpr size_t kMaxSupportedTweakLength = 65536;

  /// An FF1 instance for numeral strings of min_length..max_length symbols in base `radix`.
  /// The AES variant follows the key size: 16, 24 or 32 bytes for AES-128/192/256.
  /// Fails with Invalid (and a message that says which rule) unless: the key size is one of
  /// those; 2 <= radix <= 65536; 2 <= min_length <= max_length <= kMaxSupportedLength;
  /// radix^min_length >= 1,000,000; max_tweak_length <= kMaxSupportedTweakLength.
  /// The key is not kept: only OpenSSL's expanded key schedule is.
  static Result<Ff1> Create(std::span<const uint8_t> key, uint32_t radix, uint32_t min_length,
                            uint32_t max_length, size_t max_tweak_length = 256);

  Ff1(Ff1&&) noexcept;
  Ff1& operator=(Ff1&&) noexcept;
  ~Ff1();

  /// FF1.Encrypt(K, T, X): writes the ciphertext of `in` under `tweak` to `out`.
  /// REQUIRES: out.size() == in.size(); `out` may be `in` itself.
  /// Fails with Invalid when the length is outside min..max, the tweak is longer than
  /// max_tweak_length, a numeral is >= radix, or the sizes differ; IoError if OpenSSL fails.
  /// No allocation once the instance is created (scratch space is reused), so one instance is
  /// not safe to use from two threads at once: give each thread its own.
  Status Encrypt(std::span<const uint8_t> tweak, std::span<const uint16_t> in, std::span<uint16_t> out);

  /// FF1.Encrypt of `numerals.size() / length` numeral strings of `length` numerals each, stored
  /// back to back in `numerals`, in place: exactly what Encrypt gives for each of them, faster.
  /// When radix^ceil(length/2) < 2^64 (so each half is a 64-bit integer, Q's last part and S are
  /// one AES block each), the halves are kept as integers through the ten rounds and each round
  /// runs the AES blocks of the whole batch through one ECB call (OpenSSL pipelines AES-NI across
  /// them); otherwise each string goes through Encrypt. Checks as Encrypt does; Invalid when
  /// numerals.size() is not a multiple of `length`. Scratch grows to the largest batch seen.
  Status EncryptBatch(std::span<const uint8_t> tweak, size_t length, std::span<uint16_t> numerals);

  /// A second instance with the same key, radix and lengths (for another thread).
  Result<Ff1> Clone() const;

  /// FF1.Decrypt(K, T, Y): the inverse of Encrypt under the same key and tweak.
  Status Decrypt(std::span<const uint8_t> tweak, std::span<const uint16_t> in, std::span<uint16_t> out);

  uint32_t radix() const { return radix_; }
  uint32_t min_length() const { return min_length_; }
  uint32_t max_length() const { return max_length_; }

 private:
  using Block = std::array<uint8_t, 16>;
  struct CtxFree {
    void operator()(EVP_CIPHER_CTX* ctx) const;
  };

  Ff1() = default;
  Status Crypt(bool encrypt, std::span<const uint8_t> tweak, std::span<const uint16_t> in, std::span<uint16_t> out);
  Status Prepare(size_t n, std::span<const uint8_t> tweak);
  Status Round(int i, std::span<const uint16_t> mac_half, std::span<const uint16_t> mix_half,
               bool add, std::span<uint16_t> result);
  Status AesBlocks(const uint8_t* in, uint8_t* out, size_t blocks);
  void WriteNumerals(uint64_t value, uint16_t* out, size_t m) const;

  std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx_;
  uint32_t radix_ = 0;
  uint32_t min_length_ = 0;
  uint32_t max_length_ = 0;
  size_t max_tweak_length_ = 0;
  // radix^chunk_digits_ < 2^32: how many numerals one 32-bit limb operation handles at once.
  uint32_t chunk_digits_ = 1;
  uint32_t chunk_pow_ = 0;
  uint64_t radix_magic_ = 0;  // floor((2^64 - 1) / radix) + 1: see DivBy in ff1.cc

  // Per (length, tweak) state, recomputed only when either changes (see Prepare).
  bool prepared_ = false;
  size_t n_ = 0, u_ = 0, v_ = 0, b_ = 0, d_ = 0;
  std::vector<uint8_t> tweak_;      // the tweak `prefix_` was computed for
  Block prefix_{};                  // CBC-MAC state after P and the round-independent blocks of Q
  std::vector<uint8_t> tail_;       // the rest of Q: tweak tail, zeros, [i], [NUM(B)]^b
  size_t tail_round_at_ = 0;        // offset of [i] in tail_

  // Scratch reused by every call.
  std::vector<uint16_t> a_, b_half_, c_;
  std::vector<uint32_t> limbs_;
  std::vector<uint8_t> s_;          // R || CIPH(R ^ 1) || ...; whole blocks, first d bytes used
  std::vector<uint8_t> s_in_;       // R ^ [j]^16 for j = 1, 2, ...
  // EncryptBatch's scratch: the halves as integers and one AES block per string.
  std::vector<uint64_t> batch_a_, batch_b_;
  std::vector<uint8_t> batch_blocks_;
};

/// "30^4 = 810,000" style helper for messages: radix^length, exact below 2^64.
/// Returns false (and leaves *value alone) when it does not fit in 64 bits.
bool RadixPower(uint32_t radix, uint64_t length, uint64_t* value);

}  // namespace coupongen
