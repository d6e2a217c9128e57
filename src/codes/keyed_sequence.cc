#include "codes/keyed_sequence.h"

#include <string>
#include <utility>

#include "base/strings.h"

namespace coupongen {

Result<KeyedSequence> KeyedSequence::Create(std::span<const uint8_t> key, uint32_t radix, uint32_t length,
                                            std::span<const uint8_t> tweak) {
  // Keyed mode's own words for the domain floor; Ff1::Create checks it again in FF1's words.
  uint64_t size = 0;
  bool fits = RadixPower(radix, length, &size);
  if (fits && size < Ff1::kMinDomainSize)
    return Status::Invalid("keyed mode needs at least 1,000,000 possible codes (radix^length); " +
                           std::to_string(radix) + "^" + std::to_string(length) + " = " + WithThousands(size) +
                           " is too small");
  auto ff1 = Ff1::Create(key, radix, length, length, tweak.size());
  if (!ff1.ok()) return ff1.status();
  return KeyedSequence(std::move(ff1).value(), tweak, fits ? size - 1 : UINT64_MAX);
}

KeyedSequence::KeyedSequence(Ff1 ff1, std::span<const uint8_t> tweak, uint64_t max_sequence)
    : ff1_(std::move(ff1)), tweak_(tweak.begin(), tweak.end()), max_sequence_(max_sequence),
      scratch_(ff1_.min_length()) {}

Status KeyedSequence::Digits(uint64_t n, std::span<uint16_t> digits) {
  if (n > max_sequence_)
    return Status::Infeasible("keyed mode: sequence number " + WithThousands(n) + " is past the last code (" +
                              WithThousands(max_sequence_) + ")");
  if (digits.size() != length())
    return Status::Invalid("keyed mode: " + std::to_string(digits.size()) + " digits asked for, codes have " +
                           std::to_string(length()));
  const uint32_t radix = ff1_.radix();
  for (size_t i = digits.size(); i-- > 0;) {
    digits[i] = static_cast<uint16_t>(n % radix);
    n /= radix;
  }
  return ff1_.Encrypt(tweak_, digits, digits);
}

Result<uint64_t> KeyedSequence::Sequence(std::span<const uint16_t> digits) {
  if (digits.size() != length())
    return Status::Invalid("keyed mode: a code has " + std::to_string(length()) + " random characters, not " +
                           std::to_string(digits.size()));
  COUPONGEN_RETURN_IF_ERROR(ff1_.Decrypt(tweak_, digits, scratch_));
  const uint32_t radix = ff1_.radix();
  uint64_t n = 0;
  for (uint16_t d : scratch_) {
    if (n > (UINT64_MAX - d) / radix)
      return Status::Invalid("keyed mode: not a code of this key and campaign (no sequence number gives it)");
    n = n * radix + d;
  }
  return n;
}

Status CheckKeyedAlphabet(const Alphabet& alphabet) {
  if (!alphabet.mixed_case()) return Status::Ok();
  return Status::Invalid(
      "keyed mode cannot use an alphabet with a letter in both cases: codes that differ only in case "
      "count as the same code, and keyed codes are distinct only as exact strings");
}

}  // namespace coupongen
