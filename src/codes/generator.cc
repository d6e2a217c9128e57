#include "codes/generator.h"

namespace coupongen {

CodeGenerator::CodeGenerator(const CodeShape& shape, const Alphabet& alphabet, RandomSource& source,
                             CodeSet& seen)
    : shape_(shape),
      alphabet_(alphabet),
      seen_(seen),
      keyer_(shape, alphabet),
      drawer_(source, static_cast<unsigned>(alphabet.size())),
      indexes_(shape.random_length()),
      folded_(shape.random_length()) {
  for (size_t i = 0; i < alphabet.size(); ++i)
    folded_of_symbol_.push_back(static_cast<uint8_t>(alphabet.FoldedIndex(alphabet.symbol(i))));
}

void CodeGenerator::UseRules(const CodeRules& rules) {
  check_ = rules.check();
  check_symbols_ = &rules.check_symbols();
  blocklist_ = rules.blocklist().empty() ? nullptr : &rules.blocklist();
}

Status CodeGenerator::Next(std::string* code) {
  const auto& slots = shape_.slots();
  const size_t m = slots.size();                   // slots: random characters, then the check
  const size_t n = m - (check_ ? 1 : 0);           // random characters
  for (int attempt = 0; attempt < 10000; ++attempt) {
    COUPONGEN_RETURN_IF_ERROR(drawer_.Draw(indexes_.data(), n));
    for (size_t i = 0; i < n; ++i) folded_[i] = folded_of_symbol_[indexes_[i]];
    // Typo rules: the check character; a code spelling a blocked word is redrawn whole (uniform
    // over the allowed codes), before it can take a place in the set.
    if (check_) folded_[n] = check_->Compute({folded_.data(), n});
    if (blocklist_ && blocklist_->ContainsFolded(folded_.data(), m)) {
      ++blocked_;
      continue;
    }
    if (!seen_.Insert(keyer_.KeyFromFolded(folded_.data(), m))) {
      ++redraws_;
      continue;
    }
    code->assign(shape_.skeleton());
    for (size_t i = 0; i < n; ++i) (*code)[slots[i]] = alphabet_.symbol(indexes_[i]);
    if (check_) (*code)[slots[n]] = (*check_symbols_)[folded_[n]];
    return Status::Ok();
  }
  return Status::Infeasible("the keyspace is exhausted: 10,000 draws in a row were all taken");
}

}  // namespace coupongen
