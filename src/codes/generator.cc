#include "codes/generator.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace coupongen {

namespace {
constexpr uint64_t kMaxTakenInARow = 10000;

// What both NextBatch paths do with each candidate, in stream order: insert its key (0: blocked by
// the typo rules) and, when it is new, write its code (`write`). False after 10,000 candidates in
// a row were taken or blocked: the keyspace is exhausted.
template <typename Write>
bool Place(CodeSet& seen, uint64_t key, uint64_t* blocked, uint64_t* redraws, uint64_t* taken_in_a_row, Write write) {
  if (key == 0 || !seen.Insert(key)) {
    ++*(key == 0 ? blocked : redraws);
    return ++*taken_in_a_row < kMaxTakenInARow;
  }
  *taken_in_a_row = 0;
  write();
  return true;
}

Status Exhausted() { return Status::Infeasible("the keyspace is exhausted: 10,000 draws in a row were all taken"); }
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

// A ring of groups of candidates: one thread draws them in stream order, the other takes them in
// the same order.
struct CodeGenerator::Ahead {
  static constexpr size_t kSlots = 4;
  Group groups[kSlots];
  uint64_t drawn = 0, taken = 0;  // groups published / released
  bool stop = false;
  std::mutex mu;
  std::condition_variable cv;
  std::thread thread;

  ~Ahead() {
    {
      std::lock_guard<std::mutex> lock(mu);
      stop = true;
    }
    cv.notify_all();
    if (thread.joinable()) thread.join();
  }
};

CodeGenerator::~CodeGenerator() { ahead_.reset(); }  // joins the drawing thread first

void CodeGenerator::DrawAhead() {
  if (ahead_) return;
  ahead_ = std::make_unique<Ahead>();
  const size_t m = shape_.slots().size();
  const size_t len = m - (check_ ? 1 : 0);
  for (Group& g : ahead_->groups) {
    g.indexes.resize(kAheadGroup * len);
    g.folded.resize(kAheadGroup * m);
    g.keys.resize(kAheadGroup);
  }
  // The thread gets the Ahead itself, not ahead_: ~CodeGenerator's reset() nulls ahead_ before
  // ~Ahead stops and joins the thread, which may not have started yet.
  ahead_->thread = std::thread([this, &a = *ahead_, len, m] {
    for (uint64_t next = 0;; ++next) {
      {
        std::unique_lock<std::mutex> lock(a.mu);
        a.cv.wait(lock, [&] { return a.stop || next - a.taken < Ahead::kSlots; });
        if (a.stop) return;
      }
      Group& g = a.groups[next % Ahead::kSlots];
      g.status = drawer_.Draw(g.indexes.data(), kAheadGroup * len);
      if (g.status.ok())
        for (size_t c = 0; c < kAheadGroup; ++c) g.keys[c] = CandidateKey(&g.indexes[c * len], len, &g.folded[c * m]);
      std::lock_guard<std::mutex> lock(a.mu);
      a.drawn = next + 1;
      a.cv.notify_all();
      if (!g.status.ok()) return;  // the consumer reports it
    }
  });
}

Status CodeGenerator::NextBatchAhead(size_t n, CodeBatch* batch) {
  const uint16_t* slots = shape_.slots().data();
  const char* symbols = alphabet_.symbols().data();
  const size_t m = shape_.slots().size();
  const size_t len = m - (check_ ? 1 : 0);
  Ahead& a = *ahead_;
  batch->Prepare(shape_.skeleton(), n);
  taken_in_a_row_ = 0;
  while (batch->size_ < n) {
    if (!group_ || group_at_ == kAheadGroup) {
      std::unique_lock<std::mutex> lock(a.mu);
      if (group_) {  // hand the used group back
        ++a.taken;
        a.cv.notify_all();
      }
      a.cv.wait(lock, [&] { return a.drawn > a.taken; });
      group_ = &a.groups[a.taken % Ahead::kSlots];
      group_at_ = 0;
      lock.unlock();
      if (!group_->status.ok()) return group_->status;
      for (size_t c = 0; c < kPrefetchAhead; ++c)
        if (group_->keys[c]) seen_.Prefetch(group_->keys[c]);
    }
    const Group& g = *group_;
    for (; group_at_ < kAheadGroup && batch->size_ < n; ++group_at_) {
      const size_t c = group_at_;
      if (c + kPrefetchAhead < kAheadGroup && g.keys[c + kPrefetchAhead]) seen_.Prefetch(g.keys[c + kPrefetchAhead]);
      if (!Place(seen_, g.keys[c], &blocked_, &redraws_, &taken_in_a_row_, [&] {
            char* code = batch->slot(batch->size_++);
            const uint8_t* idx = &g.indexes[c * len];
            for (size_t i = 0; i < len; ++i) code[slots[i]] = symbols[idx[i]];
            if (check_) code[slots[len]] = (*check_symbols_)[g.folded[c * m + len]];
          }))
        return Exhausted();
    }
  }
  return Status::Ok();
}

Status CodeGenerator::NextBatch(size_t n, CodeBatch* batch) {
  if (ahead_) return NextBatchAhead(n, batch);
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
      if (!Place(seen_, keys_[c], &blocked_, &redraws_, &taken_in_a_row_, [&] {
            char* code = batch->slot(batch->size_++);
            const uint8_t* idx = &indexes_[c * len];
            for (size_t i = 0; i < len; ++i) code[slots[i]] = symbols[idx[i]];
            if (check_) code[slots[len]] = (*check_symbols_)[folded_[c * m + len]];
          }))
        return Exhausted();
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
