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
                                              SequenceRange range, const CodeRules* rules) {
  COUPONGEN_RETURN_IF_ERROR(CheckKeyedAlphabet(alphabet));
  const size_t check_length = rules ? rules->check_length() : 0;
  const size_t length = shape.random_length() - check_length;
  const auto radix = static_cast<uint32_t>(alphabet.size());
  COUPONGEN_RETURN_IF_ERROR(CheckKeyedKeyspace(radix, length));
  std::vector<uint8_t> tweak = KeyedTweak(campaign, shape, alphabet);
  auto ff1 = Ff1::Create(key, radix, static_cast<uint32_t>(length), static_cast<uint32_t>(length), tweak.size());
  if (!ff1.ok()) return ff1.status();
  KeyedGenerator gen(shape, alphabet, std::move(ff1).value(), std::move(tweak), range);
  gen.random_length_ = length;
  gen.numerals_.resize(length);
  gen.folded_.resize(length + check_length);
  uint64_t size = 0;
  gen.max_sequence_ = RadixPower(radix, length, &size) ? size - 1 : UINT64_MAX;
  if (rules && rules->check()) {
    gen.check_ = rules->check();
    gen.check_symbols_ = &rules->check_symbols();
  }
  if (rules && !rules->blocklist().empty()) {
    auto index = AllowedIndex::Build(rules->blocklist(), gen.check_, gen.folded_of_numeral_, length);
    if (!index.ok()) return index.status();
    gen.allowed_ = std::move(index).value();
    if (gen.allowed_->size() == 0) return Status::Infeasible("keyed mode: the blocklist allows no code of this shape");
    gen.max_sequence_ = gen.allowed_->size() - 1;
  }

  if (range.count == 0) return Status::Infeasible("keyed mode: the range of sequence numbers is empty");
  const uint64_t max = gen.max_sequence_;
  if (range.start > max || range.count - 1 > max - range.start)
    return Status::Infeasible("keyed mode: sequence numbers " + WithThousands(range.start) + ".." +
                              (range.count - 1 > UINT64_MAX - range.start ? std::string("past 2^64")
                                                                          : WithThousands(range.last())) +
                              " go past the last code of shape " + shape.Display() + ": its sequence numbers are 0.." +
                              WithThousands(max));
  return gen;
}

KeyedGenerator::KeyedGenerator(const CodeShape& shape, const Alphabet& alphabet, Ff1 ff1, std::vector<uint8_t> tweak,
                               SequenceRange range)
    : shape_(&shape), alphabet_(&alphabet), ff1_(std::move(ff1)), tweak_(std::move(tweak)), range_(range) {
  digit_of_char_.fill(-1);
  for (size_t i = 0; i < alphabet.size(); ++i) {
    // Keyed alphabets never hold a letter in both cases, so each character folds to one numeral.
    unsigned char c = static_cast<unsigned char>(alphabet.symbol(i));
    unsigned char lower = c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    unsigned char upper = c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c;
    digit_of_char_[lower] = digit_of_char_[upper] = static_cast<int16_t>(i);
    folded_of_numeral_.push_back(static_cast<uint8_t>(alphabet.FoldedIndex(alphabet.symbol(i))));
  }
}

Status KeyedGenerator::Encode(uint64_t n) {
  if (allowed_) {
    allowed_->Unrank(n, numerals_);
  } else {
    const uint32_t radix = ff1_.radix();
    for (size_t i = numerals_.size(); i-- > 0;) {
      numerals_[i] = static_cast<uint16_t>(n % radix);
      n /= radix;
    }
  }
  // Cycle walking: from an allowed string, FF1's cycle reaches an allowed string again, so this
  // permutes the allowed strings (on average 1 / (allowed share) steps: about 1.01).
  for (int step = 0; step < 1000000; ++step) {
    COUPONGEN_RETURN_IF_ERROR(ff1_.Encrypt(tweak_, numerals_, numerals_));
    if (!allowed_ || allowed_->Allowed(numerals_)) return Status::Ok();
  }
  return Status::Infeasible("keyed mode: the blocklist leaves too few codes to walk to one");
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
  COUPONGEN_RETURN_IF_ERROR(Encode(n));
  code->assign(shape_->skeleton());
  const auto& slots = shape_->slots();
  for (size_t i = 0; i < random_length_; ++i) (*code)[slots[i]] = alphabet_->symbol(numerals_[i]);
  if (check_) {
    for (size_t i = 0; i < random_length_; ++i) folded_[i] = folded_of_numeral_[numerals_[i]];
    (*code)[slots[random_length_]] = (*check_symbols_)[check_->Compute({folded_.data(), random_length_})];
  }
  last_ = n;
  ++offset_;
  return Status::Ok();
}

std::optional<uint64_t> KeyedGenerator::SequenceOf(std::string_view code) {
  if (!shape_->LiteralsMatch(code)) return std::nullopt;
  std::vector<uint16_t> numerals(random_length_);
  const auto& slots = shape_->slots();
  for (size_t i = 0; i < random_length_; ++i) {
    int d = digit_of_char_[static_cast<unsigned char>(code[slots[i]])];
    if (d < 0) return std::nullopt;
    numerals[i] = static_cast<uint16_t>(d);
  }
  if (check_) {
    std::vector<uint8_t> folded(random_length_);
    for (size_t i = 0; i < random_length_; ++i) folded[i] = folded_of_numeral_[numerals[i]];
    if (alphabet_->FoldedIndex(code[slots[random_length_]]) != check_->Compute(folded)) return std::nullopt;
  }
  if (allowed_ && !allowed_->Allowed(numerals)) return std::nullopt;
  // Walk the cycle backwards to the allowed string the code was walked from.
  for (int step = 0; step < 1000000; ++step) {
    if (!ff1_.Decrypt(tweak_, numerals, numerals).ok()) return std::nullopt;
    if (!allowed_) {
      uint64_t n = 0;
      const uint32_t radix = ff1_.radix();
      for (uint16_t d : numerals) {
        if (n > (UINT64_MAX - d) / radix) return std::nullopt;  // 2^64 or more: no sequence number
        n = n * radix + d;
      }
      return n;
    }
    if (allowed_->Allowed(numerals)) {
      auto n = allowed_->Rank(numerals);
      if (!n || *n > max_sequence_) return std::nullopt;
      return n;
    }
  }
  return std::nullopt;
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
