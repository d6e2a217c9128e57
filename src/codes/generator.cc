#include "codes/generator.h"

#include <algorithm>

namespace coupongen {

namespace {
constexpr uint64_t kMaxTakenInARow = 10000;
}

void CodeBatch::Prepare(const std::string& skeleton, size_t n) {
  size_ = 0;
  if (skeleton == skeleton_ && n <= views_.size()) return;
  skeleton_ = skeleton;
  const size_t capacity = std::max(n, views_.size());
  chars_.clear();
  chars_.reserve(capacity * skeleton.size());
  for (size_t i = 0; i < capacity; ++i) chars_.append(skeleton);
  views_.clear();
  for (size_t i = 0; i < capacity; ++i) views_.emplace_back(slot(i), skeleton.size());
}

CodeGenerator::CodeGenerator(const CodeShape& shape, const Alphabet& alphabet, RandomSource& source,
                             CodeSet& seen)
    : shape_(shape),
      alphabet_(alphabet),
      seen_(seen),
      keyer_(shape, alphabet),
      drawer_(source, static_cast<unsigned>(alphabet.size())),
      indexes_(kGroup * shape.random_length()),
      keys_(kGroup),
      folded_(kGroup * shape.random_length()),
      plain_codes_(std::all_of(alphabet.symbols().begin(), alphabet.symbols().end(), IsSafeCodeChar) &&
                   std::all_of(shape.skeleton().begin(), shape.skeleton().end(), IsSafeCodeChar)) {
  for (size_t i = 0; i < alphabet.size(); ++i)
    folded_of_symbol_.push_back(static_cast<uint8_t>(alphabet.FoldedIndex(alphabet.symbol(i))));
}

uint64_t CodeGenerator::CandidateKey(const uint8_t* symbols, size_t len, uint8_t* folded) const {
  if (!check_) {
    // The common case (blocklist on, no check character): walk the blocklist's automaton over the
    // folded symbols directly, no copy.
    if (blocklist_) {
      uint32_t state = 0;
      for (size_t i = 0; i < len; ++i) state = blocklist_->NextState(state, folded_of_symbol_[symbols[i]]);
      if (state == blocklist_->match_state()) return 0;
    }
    return keyer_.KeyFromSymbols(symbols, len);
  }
  for (size_t i = 0; i < len; ++i) folded[i] = folded_of_symbol_[symbols[i]];
  size_t m = len;
  if (check_) folded[m++] = check_->Compute({folded, len});
  // A code spelling a blocked word is redrawn whole (uniform over the allowed codes), before it
  // can take a place in the set.
  if (blocklist_ && blocklist_->ContainsFolded(folded, m)) return 0;
  return keyer_.KeyFromFolded(folded, m);
}

Status CodeGenerator::NextBatch(size_t n, CodeBatch* batch) {
  const uint16_t* slots = shape_.slots().data();
  const char* symbols = alphabet_.symbols().data();
  const size_t m = shape_.slots().size();      // slots: the random characters, then the check
  const size_t len = m - (check_ ? 1 : 0);     // random characters drawn per candidate
  batch->Prepare(shape_.skeleton(), n);
  taken_in_a_row_ = 0;
  while (batch->size_ < n) {
    // Exactly as many candidates as codes still missing, so no random byte is drawn for nothing
    // and the stream is consumed as one-at-a-time drawing would.
    const size_t group = std::min(kGroup, n - batch->size_);
    COUPONGEN_RETURN_IF_ERROR(drawer_.Draw(indexes_.data(), group * len));
    for (size_t c = 0; c < group; ++c) {
      keys_[c] = CandidateKey(&indexes_[c * len], len, &folded_[c * m]);
      if (keys_[c]) seen_.Prefetch(keys_[c]);
    }
    for (size_t c = 0; c < group; ++c) {
      const bool blocked = keys_[c] == 0;
      if (blocked || !seen_.Insert(keys_[c])) {
        ++(blocked ? blocked_ : redraws_);
        if (++taken_in_a_row_ >= kMaxTakenInARow)
          return Status::Infeasible("the keyspace is exhausted: 10,000 draws in a row were all taken");
        continue;
      }
      taken_in_a_row_ = 0;
      char* code = batch->slot(batch->size_++);
      const uint8_t* idx = &indexes_[c * len];
      for (size_t i = 0; i < len; ++i) code[slots[i]] = symbols[idx[i]];
      if (check_) code[slots[len]] = (*check_symbols_)[folded_[c * m + len]];
    }
  }
  return Status::Ok();
}

void CodeGenerator::UseRules(const CodeRules& rules) {
  check_ = rules.check();
  check_symbols_ = &rules.check_symbols();
  blocklist_ = rules.blocklist().empty() ? nullptr : &rules.blocklist();
  plain_codes_ = plain_codes_ && std::all_of(check_symbols_->begin(), check_symbols_->end(), IsSafeCodeChar);
}

Status CodeGenerator::Next(std::string* code) {
  COUPONGEN_RETURN_IF_ERROR(NextBatch(1, &single_));
  code->assign(single_[0]);
  return Status::Ok();
}

}  // namespace coupongen
