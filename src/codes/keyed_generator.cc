#include "codes/keyed_generator.h"

#include <algorithm>
#include <utility>

#include "base/strings.h"

namespace coupongen {

std::vector<uint8_t> KeyedTweak(std::string_view campaign, const CodeShape& shape, const Alphabet& alphabet) {
  std::string t = "coupongen-keyed-1";
  for (std::string_view part : {campaign, std::string_view(shape.skeleton()), std::string_view(alphabet.symbols())}) {
    t.push_back('\0');
    t.append(part);
  }
  return {t.begin(), t.end()};
}

Status CheckKeyedKeyspace(size_t radix, size_t length) {
  uint64_t size = 0;
  if (!RadixPower(static_cast<uint32_t>(radix), length, &size) || size >= Ff1::kMinDomainSize) return Status::Ok();
  return Status::Invalid("keyed mode needs at least 1,000,000 possible codes (radix^length); " + std::to_string(radix) +
                         "^" + std::to_string(length) + " = " + WithThousands(size) + " is too small");
}

Result<KeyedGenerator> KeyedGenerator::Create(const CodeShape& shape, const Alphabet& alphabet,
                                              std::span<const uint8_t> key, std::string_view campaign,
                                              SequenceRange range) {
  COUPONGEN_RETURN_IF_ERROR(CheckKeyedAlphabet(alphabet));
  std::vector<uint8_t> tweak = KeyedTweak(campaign, shape, alphabet);
  auto sequence = KeyedSequence::Create(key, static_cast<uint32_t>(alphabet.size()),
                                        static_cast<uint32_t>(shape.random_length()), tweak);
  if (!sequence.ok()) return sequence.status();
  if (range.count == 0) return Status::Infeasible("keyed mode: the range of sequence numbers is empty");
  const uint64_t max = sequence->max_sequence();
  if (range.start > max || range.count - 1 > max - range.start)
    return Status::Infeasible("keyed mode: sequence numbers " + WithThousands(range.start) + ".." +
                              (range.count - 1 > UINT64_MAX - range.start ? std::string("past 2^64")
                                                                          : WithThousands(range.last())) +
                              " go past the last code of shape " + shape.Display() + ": its sequence numbers are 0.." +
                              WithThousands(max));
  return KeyedGenerator(shape, alphabet, std::move(sequence).value(), range);
}

KeyedGenerator::KeyedGenerator(const CodeShape& shape, const Alphabet& alphabet, KeyedSequence sequence,
                               SequenceRange range)
    : shape_(&shape), alphabet_(&alphabet), sequence_(std::move(sequence)), range_(range),
      digits_(shape.random_length()) {
  digit_of_char_.fill(-1);
  for (size_t i = 0; i < alphabet.size(); ++i) {
    // Keyed alphabets never hold a letter in both cases, so each character folds to one numeral.
    unsigned char c = static_cast<unsigned char>(alphabet.symbol(i));
    unsigned char lower = c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    unsigned char upper = c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c;
    digit_of_char_[lower] = digit_of_char_[upper] = static_cast<int16_t>(i);
  }
}

Status KeyedGenerator::Next(std::string* code) {
  while (skip_at_ < skip_.size() && skip_[skip_at_] == offset_) {
    ++skip_at_;
    ++offset_;
    ++skipped_;
  }
  if (offset_ >= range_.count)
    return Status::Infeasible("keyed mode: every sequence number of " + WithThousands(range_.start) + ".." +
                              WithThousands(range_.last()) + " has been used");
  const uint64_t n = range_.start + offset_;
  COUPONGEN_RETURN_IF_ERROR(sequence_.Digits(n, digits_));
  code->assign(shape_->skeleton());
  const auto& slots = shape_->slots();
  for (size_t i = 0; i < slots.size(); ++i) (*code)[slots[i]] = alphabet_->symbol(digits_[i]);
  last_ = n;
  ++offset_;
  return Status::Ok();
}

std::optional<uint64_t> KeyedGenerator::SequenceOf(std::string_view code) {
  if (!shape_->LiteralsMatch(code)) return std::nullopt;
  std::vector<uint16_t> digits(digits_.size());
  const auto& slots = shape_->slots();
  for (size_t i = 0; i < slots.size(); ++i) {
    int d = digit_of_char_[static_cast<unsigned char>(code[slots[i]])];
    if (d < 0) return std::nullopt;
    digits[i] = static_cast<uint16_t>(d);
  }
  auto n = sequence_.Sequence(digits);
  if (!n.ok()) return std::nullopt;
  return *n;
}

void KeyedGenerator::SkipSequences(std::vector<uint64_t> numbers) {
  std::vector<uint64_t> positions;
  for (uint64_t n : numbers)
    if (n >= range_.start && n - range_.start < range_.count && n - range_.start >= offset_)
      positions.push_back(n - range_.start);
  positions.insert(positions.end(), skip_.begin() + static_cast<std::ptrdiff_t>(skip_at_), skip_.end());
  std::sort(positions.begin(), positions.end());
  positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
  skip_ = std::move(positions);
  skip_at_ = 0;
}

}  // namespace coupongen
