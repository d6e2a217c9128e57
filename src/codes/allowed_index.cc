#include "codes/allowed_index.h"

#include "base/strings.h"

namespace coupongen {
namespace {

uint64_t SaturatingAdd(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

}  // namespace

Result<AllowedIndex> AllowedIndex::Build(const Blocklist& blocklist, const CheckCharacter* check,
                                         std::vector<uint8_t> folded_of_numeral, size_t length) {
  AllowedIndex x;
  x.blocklist_ = &blocklist;
  x.check_ = check;
  x.fold_ = std::move(folded_of_numeral);
  x.length_ = length;
  x.radix_ = static_cast<uint32_t>(x.fold_.size());
  x.states_ = blocklist.match_state() / x.radix_;
  x.checks_ = check ? check->radix() : 1;
  x.start_check_ = check ? check->Start() : 0;
  const long double entries = static_cast<long double>(length + 1) * x.states_ * x.checks_;
  if (entries > kMaxEntries)
    return Status::Invalid("keyed mode cannot index the codes this blocklist allows: " + WithThousands(x.states_) +
                           " automaton states x " + std::to_string(length) + " characters" +
                           (check ? " x " + std::to_string(x.checks_) + " check states" : "") +
                           " is too large a table; use fewer blocked words or 'blocklist: none'");
  x.count_.assign(static_cast<size_t>(entries), 0);

  // The last position: a code is complete; with a check character it must not complete a word.
  const uint32_t match = blocklist.match_state();
  for (size_t s = 0; s < x.states_; ++s)
    for (size_t p = 0; p < x.checks_; ++p) {
      bool ok = !check || blocklist.NextState(static_cast<uint32_t>(s * x.radix_),
                                              check->Finish(static_cast<uint8_t>(p), length)) != match;
      x.count_[x.Entry(length, static_cast<uint32_t>(s * x.radix_), static_cast<uint8_t>(p))] = ok ? 1 : 0;
    }
  for (size_t pos = length; pos-- > 0;)
    for (size_t s = 0; s < x.states_; ++s)
      for (size_t p = 0; p < x.checks_; ++p) {
        uint64_t total = 0;
        for (uint32_t d = 0; d < x.radix_; ++d) {
          uint32_t next = blocklist.NextState(static_cast<uint32_t>(s * x.radix_), x.fold_[d]);
          if (next == match) continue;
          uint8_t q = check ? check->Step(static_cast<uint8_t>(p), pos, x.fold_[d]) : 0;
          total = SaturatingAdd(total, x.count_[x.Entry(pos + 1, next, q)]);
        }
        x.count_[x.Entry(pos, static_cast<uint32_t>(s * x.radix_), static_cast<uint8_t>(p))] = total;
      }
  return x;
}

void AllowedIndex::Unrank(uint64_t n, std::span<uint16_t> numerals) const {
  uint32_t s = 0;
  uint8_t p = start_check_;
  for (size_t pos = 0; pos < length_; ++pos) {
    for (uint32_t d = 0; d < radix_; ++d) {
      uint32_t next = blocklist_->NextState(s, fold_[d]);
      if (next == blocklist_->match_state()) continue;
      uint8_t q = check_ ? check_->Step(p, pos, fold_[d]) : 0;
      uint64_t c = count_[Entry(pos + 1, next, q)];
      if (n < c) {  // exact even when c is saturated: n < 2^64 - 1 <= the true count
        numerals[pos] = static_cast<uint16_t>(d);
        s = next;
        p = q;
        break;
      }
      n -= c;
    }
  }
}

void AllowedIndex::Start(uint64_t n, Cursor* cursor) const {
  cursor->numerals.resize(length_);
  cursor->states.resize(length_ + 1);
  cursor->checks.resize(length_ + 1);
  cursor->states[0] = 0;
  cursor->checks[0] = start_check_;
  for (size_t pos = 0; pos < length_; ++pos) {
    const uint32_t s = cursor->states[pos];
    const uint8_t p = cursor->checks[pos];
    for (uint32_t d = 0; d < radix_; ++d) {
      uint32_t next = blocklist_->NextState(s, fold_[d]);
      if (next == blocklist_->match_state()) continue;
      uint8_t q = check_ ? check_->Step(p, pos, fold_[d]) : 0;
      uint64_t c = count_[Entry(pos + 1, next, q)];
      if (n < c) {  // as in Unrank
        cursor->numerals[pos] = static_cast<uint16_t>(d);
        cursor->states[pos + 1] = next;
        cursor->checks[pos + 1] = q;
        break;
      }
      n -= c;
    }
  }
}

bool AllowedIndex::Advance(Cursor* cursor) const {
  const uint32_t match = blocklist_->match_state();
  // The first numeral from the given one that keeps an allowed way to finish the code.
  auto first_from = [&](size_t pos, uint32_t d) {
    const uint32_t s = cursor->states[pos];
    const uint8_t p = cursor->checks[pos];
    for (; d < radix_; ++d) {
      uint32_t next = blocklist_->NextState(s, fold_[d]);
      if (next == match) continue;
      uint8_t q = check_ ? check_->Step(p, pos, fold_[d]) : 0;
      if (count_[Entry(pos + 1, next, q)] == 0) continue;
      cursor->numerals[pos] = static_cast<uint16_t>(d);
      cursor->states[pos + 1] = next;
      cursor->checks[pos + 1] = q;
      return true;
    }
    return false;
  };
  // The last position that can still grow, then the smallest allowed ending after it.
  for (size_t pos = length_; pos-- > 0;) {
    if (!first_from(pos, uint32_t{cursor->numerals[pos]} + 1)) continue;
    for (size_t rest = pos + 1; rest < length_; ++rest) first_from(rest, 0);  // one always exists: count > 0
    return true;
  }
  return false;
}

std::optional<uint64_t> AllowedIndex::Rank(std::span<const uint16_t> numerals) const {
  if (!Allowed(numerals)) return std::nullopt;
  uint32_t s = 0;
  uint8_t p = start_check_;
  uint64_t rank = 0;
  for (size_t pos = 0; pos < length_; ++pos) {
    for (uint32_t d = 0; d < numerals[pos]; ++d) {
      uint32_t next = blocklist_->NextState(s, fold_[d]);
      if (next == blocklist_->match_state()) continue;
      uint8_t q = check_ ? check_->Step(p, pos, fold_[d]) : 0;
      rank = SaturatingAdd(rank, count_[Entry(pos + 1, next, q)]);
    }
    const uint8_t f = fold_[numerals[pos]];
    s = blocklist_->NextState(s, f);
    if (check_) p = check_->Step(p, pos, f);
  }
  if (rank == UINT64_MAX) return std::nullopt;
  return rank;
}

bool AllowedIndex::Allowed(std::span<const uint16_t> numerals) const {
  const uint32_t match = blocklist_->match_state();
  if (!check_) {  // the common case: the automaton alone
    uint32_t s = 0;
    for (uint16_t d : numerals)
      if ((s = blocklist_->NextState(s, fold_[d])) == match) return false;
    return true;
  }
  uint32_t s = 0;
  uint8_t p = start_check_;
  for (size_t pos = 0; pos < numerals.size(); ++pos) {
    const uint8_t f = fold_[numerals[pos]];
    s = blocklist_->NextState(s, f);
    if (s == match) return false;
    if (check_) p = check_->Step(p, pos, f);
  }
  return !check_ || blocklist_->NextState(s, check_->Finish(p, numerals.size())) != match;
}

}  // namespace coupongen
