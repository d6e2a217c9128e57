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
      plain_codes_(std::all_of(alphabet.symbols().begin(), alphabet.symbols().end(), IsSafeCodeChar) &&
                   std::all_of(shape.skeleton().begin(), shape.skeleton().end(), IsSafeCodeChar)) {}

Status CodeGenerator::NextBatch(size_t n, CodeBatch* batch) {
  const uint16_t* slots = shape_.slots().data();
  const char* symbols = alphabet_.symbols().data();
  const size_t len = shape_.random_length();
  batch->Prepare(shape_.skeleton(), n);
  taken_in_a_row_ = 0;
  while (batch->size_ < n) {
    // Exactly as many candidates as codes still missing, so no random byte is drawn for nothing
    // and the stream is consumed as one-at-a-time drawing would.
    const size_t group = std::min(kGroup, n - batch->size_);
    COUPONGEN_RETURN_IF_ERROR(drawer_.Draw(indexes_.data(), group * len));
    for (size_t c = 0; c < group; ++c) {
      keys_[c] = keyer_.KeyFromSymbols(&indexes_[c * len], len);
      seen_.Prefetch(keys_[c]);
    }
    for (size_t c = 0; c < group; ++c) {
      if (!seen_.Insert(keys_[c])) {
        ++redraws_;
        if (++taken_in_a_row_ >= kMaxTakenInARow)
          return Status::Infeasible("the keyspace is exhausted: 10,000 draws in a row were all taken");
        continue;
      }
      taken_in_a_row_ = 0;
      char* code = batch->slot(batch->size_++);
      const uint8_t* idx = &indexes_[c * len];
      for (size_t i = 0; i < len; ++i) code[slots[i]] = symbols[idx[i]];
    }
  }
  return Status::Ok();
}

Status CodeGenerator::Next(std::string* code) {
  COUPONGEN_RETURN_IF_ERROR(NextBatch(1, &single_));
  code->assign(single_[0]);
  return Status::Ok();
}

}  // namespace coupongen
