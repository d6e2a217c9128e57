#include "codes/ff1.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "base/strings.h"

namespace coupongen {

void Ff1::CtxFree::operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }

// Arithmetic. FF1 needs NUM_radix(X) as a b-byte string, and STR_radix^m((NUM_radix(X) ± y) mod
// radix^m). Both reduce to multiply-add and divide by a small number on little-endian 32-bit limbs,
// with no big-by-big operation at all:
//  - NUM_radix: Horner's rule, radix^c per step (c numerals at a time, radix^c < 2^32).
//  - The mod: y mod radix^m, as m base-radix numerals, is the remainders of m divisions of y by
//    radix (c at a time again); NUM_radix(X) mod radix^m is X itself (X has m numerals). So the
//    sum or difference is a numeral-by-numeral add or subtract with carry, dropping the last carry.
namespace {

/// limbs[0..*len) = limbs * mul + add. REQUIRES: mul < 2^32, room for one more limb.
void MulAdd(uint32_t* limbs, size_t* len, uint32_t mul, uint32_t add) {
  uint64_t carry = add;
  for (size_t i = 0; i < *len; ++i) {
    uint64_t t = static_cast<uint64_t>(limbs[i]) * mul + carry;
    limbs[i] = static_cast<uint32_t>(t);
    carry = t >> 32;
  }
  if (carry) limbs[(*len)++] = static_cast<uint32_t>(carry);
}

/// limbs = limbs / div; returns limbs mod div. Drops leading zero limbs. REQUIRES: div > 0.
uint32_t DivMod(uint32_t* limbs, size_t* len, uint32_t div) {
  uint64_t rem = 0;
  for (size_t i = *len; i-- > 0;) {
    uint64_t t = (rem << 32) | limbs[i];
    limbs[i] = static_cast<uint32_t>(t / div);
    rem = t % div;
  }
  while (*len > 0 && limbs[*len - 1] == 0) --*len;
  return static_cast<uint32_t>(rem);
}

/// Division of 32-bit numbers by a fixed divisor through a multiply (a hardware divide per numeral
/// was a third of the run time). With magic = floor((2^64 - 1) / d) + 1 = 2^64/d + e, 0 <= e <= 1,
/// x * magic / 2^64 = x/d + x*e/2^64, and x*e/2^64 < 2^-32 <= 1/d cannot carry x/d past the next
/// integer, so the quotient is exact for every x < 2^32.
uint32_t DivBy(uint32_t x, uint32_t d, uint64_t magic, uint32_t* rem) {
  auto q = static_cast<uint32_t>((static_cast<unsigned __int128>(x) * magic) >> 64);
  *rem = x - q * d;
  return q;
}

uint32_t SmallPow(uint32_t radix, uint32_t k) {
  uint32_t p = 1;
  while (k--) p *= radix;
  return p;
}

void StoreBe32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

/// x ^= y for one 16-byte block, two words at a time.
void XorBlock(uint8_t* x, const uint8_t* y) {
  uint64_t a[2], b[2];
  std::memcpy(a, x, 16);
  std::memcpy(b, y, 16);
  a[0] ^= b[0];
  a[1] ^= b[1];
  std::memcpy(x, a, 16);
}

uint64_t LoadBe64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}

uint32_t LoadBe32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return __builtin_bswap32(v);
}

/// y mod m for a fixed m >= 2, with mu = floor((2^64 - 1) / m): the estimate floor(y * mu / 2^64)
/// is at most 2 below floor(y / m), and the loop adds back what it missed.
uint64_t ModBy(uint64_t y, uint64_t m, uint64_t mu) {
  auto q = static_cast<uint64_t>((static_cast<unsigned __int128>(y) * mu) >> 64);
  uint64_t r = y - q * m;
  while (r >= m) r -= m;
  return r;
}

std::string OpenSslError(const char* what) {
  char buf[256];
  ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
  return std::string(what) + ": " + buf;
}

}  // namespace

bool RadixPower(uint32_t radix, uint64_t length, uint64_t* value) {
  unsigned __int128 p = 1;
  for (uint64_t i = 0; i < length; ++i) {
    p *= radix;
    if (p > UINT64_MAX) return false;
  }
  *value = static_cast<uint64_t>(p);
  return true;
}

Result<Ff1> Ff1::Create(std::span<const uint8_t> key, uint32_t radix, uint32_t min_length,
                        uint32_t max_length, size_t max_tweak_length) {
  const EVP_CIPHER* cipher = key.size() == 16   ? EVP_aes_128_ecb()
                             : key.size() == 24 ? EVP_aes_192_ecb()
                             : key.size() == 32 ? EVP_aes_256_ecb()
                                                : nullptr;
  if (!cipher)
    return Status::Invalid("FF1 key must be 16, 24 or 32 bytes (AES-128, -192 or -256); got " +
                           std::to_string(key.size()));
  if (radix < 2 || radix > 65536)
    return Status::Invalid("FF1 radix must be 2..65536; got " + std::to_string(radix));
  if (min_length < 2)
    return Status::Invalid("FF1 needs numeral strings of at least 2 symbols; min length is " +
                           std::to_string(min_length));
  if (max_length < min_length)
    return Status::Invalid("FF1 max length " + std::to_string(max_length) + " is below min length " +
                           std::to_string(min_length));
  if (max_length > kMaxSupportedLength)
    return Status::Invalid("FF1 max length " + std::to_string(max_length) + " is above this implementation's " +
                           std::to_string(kMaxSupportedLength));
  if (max_tweak_length > kMaxSupportedTweakLength)
    return Status::Invalid("FF1 max tweak length " + std::to_string(max_tweak_length) +
                           " is above this implementation's " + std::to_string(kMaxSupportedTweakLength));
  uint64_t domain = 0;
  if (RadixPower(radix, min_length, &domain) && domain < kMinDomainSize)
    return Status::Invalid("FF1 needs at least 1,000,000 possible inputs (radix^min_length); " +
                           std::to_string(radix) + "^" + std::to_string(min_length) + " = " +
                           WithThousands(domain) + " is too small");

  Ff1 f;
  f.ctx_.reset(EVP_CIPHER_CTX_new());
  if (!f.ctx_ || EVP_EncryptInit_ex(f.ctx_.get(), cipher, nullptr, key.data(), nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(f.ctx_.get(), 0) != 1)
    return Status::IoError(OpenSslError("FF1: cannot set up AES"));
  f.radix_ = radix;
  f.min_length_ = min_length;
  f.max_length_ = max_length;
  f.max_tweak_length_ = max_tweak_length;
  while (static_cast<uint64_t>(SmallPow(radix, f.chunk_digits_)) * radix < (uint64_t{1} << 32)) ++f.chunk_digits_;
  f.chunk_pow_ = SmallPow(radix, f.chunk_digits_);
  f.radix_magic_ = UINT64_MAX / radix + 1;

  // Size every buffer for the longest input, so calls never allocate. b (bytes of NUM_radix of
  // the longer half) is at most ceil(v * bits_per_numeral / 8).
  size_t max_v = max_length - max_length / 2;
  uint32_t bits_per_numeral = 32 - static_cast<uint32_t>(__builtin_clz(radix - 1));
  size_t max_b = (max_v * bits_per_numeral + 7) / 8;
  size_t max_d = 4 * ((max_b + 3) / 4) + 4;
  f.tweak_.reserve(max_tweak_length);
  f.tail_.reserve(16 + 1 + max_b + 16);
  f.a_.resize(max_v);
  f.b_half_.resize(max_v);
  f.c_.resize(max_v);
  f.limbs_.resize(max_d / 4 + 2);
  f.s_.resize((max_d + 15) / 16 * 16);
  f.s_in_.resize(f.s_.size());
  return f;
}

Ff1::Ff1(Ff1&&) noexcept = default;
Ff1& Ff1::operator=(Ff1&&) noexcept = default;
Ff1::~Ff1() = default;

Result<Ff1> Ff1::Clone() const {
  Ff1 f;
  f.ctx_.reset(EVP_CIPHER_CTX_new());
  if (!f.ctx_ || EVP_CIPHER_CTX_copy(f.ctx_.get(), ctx_.get()) != 1)
    return Status::IoError(OpenSslError("FF1: cannot copy the AES context"));
  f.radix_ = radix_;
  f.min_length_ = min_length_;
  f.max_length_ = max_length_;
  f.max_tweak_length_ = max_tweak_length_;
  f.chunk_digits_ = chunk_digits_;
  f.chunk_pow_ = chunk_pow_;
  f.radix_magic_ = radix_magic_;
  f.tweak_.reserve(tweak_.capacity());
  f.tail_.reserve(tail_.capacity());
  f.a_.resize(a_.size());
  f.b_half_.resize(b_half_.size());
  f.c_.resize(c_.size());
  f.limbs_.resize(limbs_.size());
  f.s_.resize(s_.size());
  f.s_in_.resize(s_in_.size());
  return f;
}

Status Ff1::EncryptBatch(std::span<const uint8_t> tweak, size_t n, std::span<uint16_t> numerals) {
  if (n == 0 || numerals.size() % n != 0)
    return Status::Invalid("FF1: a batch of " + std::to_string(numerals.size()) + " numerals is not a whole number of " +
                           std::to_string(n) + "-numeral strings");
  const size_t count = numerals.size() / n;
  uint64_t mod_u = 0, mod_v = 0;
  const bool small = n >= min_length_ && n <= max_length_ && tweak.size() <= max_tweak_length_ &&
                     RadixPower(radix_, n - n / 2, &mod_v) && RadixPower(radix_, n / 2, &mod_u);
  if (!small) {  // long strings (or a refused call: Encrypt says why)
    for (size_t k = 0; k < count; ++k) {
      std::span<uint16_t> x = numerals.subspan(k * n, n);
      COUPONGEN_RETURN_IF_ERROR(Encrypt(tweak, x, x));
    }
    return Status::Ok();
  }
  COUPONGEN_RETURN_IF_ERROR(Prepare(n, tweak));
  // Here b <= 8, so d <= 12: S is R alone, and [NUM(B)]^b ends Q's last block (tail_ is one block).
  const uint64_t mu_u = UINT64_MAX / mod_u, mu_v = UINT64_MAX / mod_v;
  // The ten rounds' last CBC-MAC input block, less NUM(B): the prefix XOR Q's tail with [i] in it.
  uint64_t base[10][2];
  for (int i = 0; i < 10; ++i) {
    Block x{};
    std::copy(tail_.begin(), tail_.begin() + static_cast<ptrdiff_t>(tail_round_at_), x.begin());
    x[tail_round_at_] = static_cast<uint8_t>(i);
    XorBlock(x.data(), prefix_.data());
    std::memcpy(base[i], x.data(), 16);
  }
  constexpr size_t kChunk = 2048;  // strings per pass: their blocks (32 KiB) stay in L1/L2
  const size_t chunk = std::min(count, kChunk);
  if (batch_a_.size() < chunk) {
    batch_a_.resize(chunk);
    batch_b_.resize(chunk);
    batch_blocks_.resize(16 * chunk);
  }
  // Local pointers: the AES blocks are bytes, and stores through them would otherwise make the
  // compiler reload every member in the loops below.
  uint64_t* const a_int = batch_a_.data();
  uint64_t* const b_int = batch_b_.data();
  uint8_t* const blocks = batch_blocks_.data();
  const uint32_t radix = radix_;
  const size_t u = u_;
  for (size_t from = 0; from < count; from += chunk) {
    const size_t k_end = std::min(count, from + chunk) - from;
    uint16_t* x = numerals.data() + from * n;
    for (size_t k = 0; k < k_end; ++k) {
      const uint16_t* s = x + k * n;
      uint64_t a = 0, b = 0;
      uint32_t bad = 0;
      for (size_t j = 0; j < u; ++j) {
        a = a * radix + s[j];
        bad |= s[j] >= radix;
      }
      for (size_t j = u; j < n; ++j) {
        b = b * radix + s[j];
        bad |= s[j] >= radix;
      }
      if (bad) {
        for (size_t j = 0; j < n; ++j)
          if (s[j] >= radix)
            return Status::Invalid("FF1: numeral " + std::to_string(s[j]) + " at " + std::to_string(j) +
                                   " is not below the radix " + std::to_string(radix));
      }
      a_int[k] = a;
      b_int[k] = b;
    }
    for (int i = 0; i < 10; ++i) {
      const uint64_t lo = base[i][0], hi_base = base[i][1];
      for (size_t k = 0; k < k_end; ++k) {
        const uint64_t hi = hi_base ^ __builtin_bswap64(b_int[k]);
        std::memcpy(blocks + 16 * k, &lo, 8);
        std::memcpy(blocks + 16 * k + 8, &hi, 8);
      }
      COUPONGEN_RETURN_IF_ERROR(AesBlocks(blocks, blocks, k_end));
      const uint64_t mod = i % 2 == 0 ? mod_u : mod_v;
      const uint64_t mu = i % 2 == 0 ? mu_u : mu_v;
      // C = (A + y) mod radix^m, without overflow; then A <- B, B <- C.
      auto mix = [&](size_t k, uint64_t y) {
        const uint64_t a = a_int[k];
        const uint64_t c = a >= mod - y ? a - (mod - y) : a + y;
        a_int[k] = b_int[k];
        b_int[k] = c;
      };
      if (d_ == 8) {
        for (size_t k = 0; k < k_end; ++k) mix(k, ModBy(LoadBe64(blocks + 16 * k), mod, mu));
      } else {  // d == 12
        for (size_t k = 0; k < k_end; ++k) {
          const uint8_t* r = blocks + 16 * k;
          const unsigned __int128 wide = (static_cast<unsigned __int128>(LoadBe64(r)) << 32) | LoadBe32(r + 8);
          mix(k, static_cast<uint64_t>(wide % mod));
        }
      }
    }
    for (size_t k = 0; k < k_end; ++k) {
      WriteNumerals(a_int[k], x + k * n, u_);
      WriteNumerals(b_int[k], x + k * n + u_, v_);
    }
  }
  return Status::Ok();
}

// STR_radix^m(value): m numerals, most significant first. REQUIRES: value < radix^m.
void Ff1::WriteNumerals(uint64_t value, uint16_t* out, size_t m) const {
  size_t k = m;
  while (value >> 32) {  // take chunk_digits_ numerals off with one 64-bit division
    auto low = static_cast<uint32_t>(value % chunk_pow_);
    value /= chunk_pow_;
    for (uint32_t j = 0; j < chunk_digits_; ++j) {
      uint32_t digit;
      low = DivBy(low, radix_, radix_magic_, &digit);
      out[--k] = static_cast<uint16_t>(digit);
    }
  }
  auto rest = static_cast<uint32_t>(value);
  while (k > 0) {
    uint32_t digit;
    rest = DivBy(rest, radix_, radix_magic_, &digit);
    out[--k] = static_cast<uint16_t>(digit);
  }
}

Status Ff1::Encrypt(std::span<const uint8_t> tweak, std::span<const uint16_t> in, std::span<uint16_t> out) {
  return Crypt(true, tweak, in, out);
}

Status Ff1::Decrypt(std::span<const uint8_t> tweak, std::span<const uint16_t> in, std::span<uint16_t> out) {
  return Crypt(false, tweak, in, out);
}

Status Ff1::AesBlocks(const uint8_t* in, uint8_t* out, size_t blocks) {
  int len = 0;
  int want = static_cast<int>(16 * blocks);
  if (EVP_EncryptUpdate(ctx_.get(), out, &len, in, want) != 1 || len != want)
    return Status::IoError(OpenSslError("FF1: AES failed"));
  return Status::Ok();
}

// Everything that depends only on the length and the tweak: the halves u and v, b and d (steps 3
// and 4), and the CBC-MAC of P and of the blocks of Q before the round number, which are the same
// in all ten rounds (only [i] and [NUM(B)]^b change).
Status Ff1::Prepare(size_t n, std::span<const uint8_t> tweak) {
  if (prepared_ && n == n_ && tweak.size() == tweak_.size() &&
      std::equal(tweak.begin(), tweak.end(), tweak_.begin()))
    return Status::Ok();
  prepared_ = false;
  n_ = n;
  u_ = n / 2;
  v_ = n - u_;
  tweak_.assign(tweak.begin(), tweak.end());

  // b = ceil(ceil(v * log2(radix)) / 8). For an integer N >= 2, ceil(log2 N) is the bit length of
  // N - 1, so compute radix^v - 1 exactly rather than trust floating point.
  size_t len = 1;
  limbs_[0] = 1;
  for (size_t k = 0; k < v_; k += chunk_digits_)
    MulAdd(limbs_.data(), &len, SmallPow(radix_, static_cast<uint32_t>(std::min<size_t>(chunk_digits_, v_ - k))), 0);
  for (size_t k = 0; limbs_[k]-- == 0; ++k) {
  }
  while (len > 0 && limbs_[len - 1] == 0) --len;
  size_t bits = len == 0 ? 0 : 32 * (len - 1) + (32 - static_cast<size_t>(__builtin_clz(limbs_[len - 1])));
  b_ = (bits + 7) / 8;
  d_ = 4 * ((b_ + 3) / 4) + 4;

  // P = [1]^1 [2]^1 [1]^1 [radix]^3 [10]^1 [u mod 256]^1 [n]^4 [t]^4.
  Block p{1, 2, 1, static_cast<uint8_t>(radix_ >> 16), static_cast<uint8_t>(radix_ >> 8),
          static_cast<uint8_t>(radix_), 10, static_cast<uint8_t>(u_)};
  StoreBe32(&p[8], static_cast<uint32_t>(n));
  StoreBe32(&p[12], static_cast<uint32_t>(tweak.size()));
  COUPONGEN_RETURN_IF_ERROR(AesBlocks(p.data(), prefix_.data(), 1));

  // Q = T || [0]^((-t-b-1) mod 16) || [i]^1 || [NUM_radix(B)]^b.
  size_t t = tweak.size();
  size_t pad = (16 - (t + b_ + 1) % 16) % 16;
  size_t fixed_blocks = (t + pad) / 16;
  for (size_t k = 0; k < fixed_blocks; ++k) {
    Block x{};
    for (size_t j = 0; j < 16 && 16 * k + j < t; ++j) x[j] = tweak[16 * k + j];
    XorBlock(x.data(), prefix_.data());
    COUPONGEN_RETURN_IF_ERROR(AesBlocks(x.data(), prefix_.data(), 1));
  }
  size_t tail_from = 16 * fixed_blocks;
  tail_.assign(t + pad + 1 + b_ - tail_from, 0);
  for (size_t at = tail_from; at < t; ++at) tail_[at - tail_from] = tweak[at];
  tail_round_at_ = t + pad - tail_from;
  prepared_ = true;
  return Status::Ok();
}

// One Feistel round (steps 6.i-6.vii): result = STR_radix^m(NUM_radix(mix) ± y mod radix^m), with
// y from the PRF of [i] and NUM_radix(mac). Encryption adds into A with B in the MAC; decryption
// subtracts from B with A in the MAC.
Status Ff1::Round(int i, std::span<const uint16_t> mac_half, std::span<const uint16_t> mix_half, bool add,
                  std::span<uint16_t> result) {
  // [i]^1 || [NUM_radix(mac_half)]^b into the tail of Q.
  size_t len = 0;
  size_t first = mac_half.size() % chunk_digits_;
  if (first == 0) first = chunk_digits_;
  for (size_t k = 0; k < mac_half.size();) {
    size_t take = k == 0 ? std::min(first, mac_half.size()) : chunk_digits_;
    uint32_t chunk = 0;
    for (size_t j = 0; j < take; ++j) chunk = chunk * radix_ + mac_half[k + j];
    MulAdd(limbs_.data(), &len, take == chunk_digits_ ? chunk_pow_ : SmallPow(radix_, static_cast<uint32_t>(take)),
           chunk);
    k += take;
  }
  uint8_t* q = tail_.data() + tail_round_at_;
  q[0] = static_cast<uint8_t>(i);
  for (size_t k = 0; k < b_; ++k) {
    size_t limb = k / 4;
    q[b_ - k] = limb < len ? static_cast<uint8_t>(limbs_[limb] >> (8 * (k % 4))) : 0;
  }

  // R = PRF(P || Q): CBC-MAC, continuing from the prepared prefix.
  Block r = prefix_;
  for (size_t off = 0; off < tail_.size(); off += 16) {
    XorBlock(r.data(), &tail_[off]);
    COUPONGEN_RETURN_IF_ERROR(AesBlocks(r.data(), r.data(), 1));
  }

  // S = first d bytes of R || CIPH(R ^ [1]^16) || CIPH(R ^ [2]^16) || ...
  std::copy(r.begin(), r.end(), s_.begin());
  size_t extra = (d_ + 15) / 16 - 1;
  if (extra > 0) {
    for (size_t j = 1; j <= extra; ++j) {
      uint8_t* blk = &s_in_[16 * (j - 1)];
      uint8_t ctr[16] = {};
      StoreBe32(&ctr[12], static_cast<uint32_t>(j));
      std::copy(r.begin(), r.end(), blk);
      XorBlock(blk, ctr);
    }
    COUPONGEN_RETURN_IF_ERROR(AesBlocks(s_in_.data(), s_.data() + 16, extra));
  }

  // y = NUM(S) as limbs; its m lowest base-radix numerals go into result, least significant last.
  len = d_ / 4;
  for (size_t k = 0; k < len; ++k) {
    const uint8_t* p = &s_[d_ - 4 * (k + 1)];
    limbs_[k] = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
  }
  while (len > 0 && limbs_[len - 1] == 0) --len;
  size_t m = result.size();
  for (size_t k = 0; k < m;) {
    uint32_t rem = DivMod(limbs_.data(), &len, chunk_pow_);
    for (size_t j = 0; j < chunk_digits_ && k < m; ++j, ++k) {
      uint32_t digit;
      rem = DivBy(rem, radix_, radix_magic_, &digit);
      result[m - 1 - k] = static_cast<uint16_t>(digit);
    }
  }

  // result = (mix ± y) mod radix^m, numeral by numeral from the least significant.
  uint32_t carry = 0;
  for (size_t k = m; k-- > 0;) {
    if (add) {
      uint32_t s = uint32_t{mix_half[k]} + result[k] + carry;
      carry = s >= radix_;
      result[k] = static_cast<uint16_t>(carry ? s - radix_ : s);
    } else {
      int64_t s = int64_t{mix_half[k]} - result[k] - carry;
      carry = s < 0;
      result[k] = static_cast<uint16_t>(carry ? s + radix_ : s);
    }
  }
  return Status::Ok();
}

Status Ff1::Crypt(bool encrypt, std::span<const uint8_t> tweak, std::span<const uint16_t> in,
                  std::span<uint16_t> out) {
  size_t n = in.size();
  if (out.size() != n)
    return Status::Invalid("FF1: output has " + std::to_string(out.size()) + " numerals, input " +
                           std::to_string(n));
  if (n < min_length_ || n > max_length_)
    return Status::Invalid("FF1: input has " + std::to_string(n) + " numerals; this instance takes " +
                           std::to_string(min_length_) + ".." + std::to_string(max_length_));
  if (tweak.size() > max_tweak_length_)
    return Status::Invalid("FF1: tweak has " + std::to_string(tweak.size()) + " bytes; at most " +
                           std::to_string(max_tweak_length_));
  for (size_t k = 0; k < n; ++k)
    if (in[k] >= radix_)
      return Status::Invalid("FF1: numeral " + std::to_string(in[k]) + " at " + std::to_string(k) +
                             " is not below the radix " + std::to_string(radix_));
  COUPONGEN_RETURN_IF_ERROR(Prepare(n, tweak));

  uint16_t* a = a_.data();
  uint16_t* b = b_half_.data();
  uint16_t* c = c_.data();
  size_t la = u_, lb = v_;
  std::copy(in.begin(), in.begin() + static_cast<ptrdiff_t>(u_), a);
  std::copy(in.begin() + static_cast<ptrdiff_t>(u_), in.end(), b);
  for (int r = 0; r < 10; ++r) {
    int i = encrypt ? r : 9 - r;
    size_t m = i % 2 == 0 ? u_ : v_;
    if (encrypt) {  // C = A + y(B); A <- B; B <- C.
      COUPONGEN_RETURN_IF_ERROR(Round(i, {b, lb}, {a, la}, true, {c, m}));
      std::swap(a, b);
      std::swap(b, c);
      la = lb;
      lb = m;
    } else {  // C = B - y(A); B <- A; A <- C.
      COUPONGEN_RETURN_IF_ERROR(Round(i, {a, la}, {b, lb}, false, {c, m}));
      std::swap(b, a);
      std::swap(a, c);
      lb = la;
      la = m;
    }
  }
  std::copy(a, a + la, out.begin());
  std::copy(b, b + lb, out.begin() + static_cast<ptrdiff_t>(la));
  return Status::Ok();
}

}  // namespace coupongen
