// CodeGenerator: draws codes of one shape from one alphabet, unique within the batch and against
// every key already in the set (exclusions, ledger), ignoring case.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "codes/alphabet.h"
#include "codes/code_rules.h"
#include "codes/code_set.h"
#include "codes/random_source.h"
#include "codes/shape.h"
#include "codes/symbol_drawer.h"

namespace coupongen {

/// Codes of one shape stored back to back in one reusable buffer: no allocation per code. The
/// literal text (prefix, separators, suffix) is written once, when the buffer is laid out; each
/// new code only overwrites its random characters.
class CodeBatch {
 public:
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::string_view operator[](size_t i) const { return views_[i]; }
  /// The codes, valid until the next CodeGenerator::NextBatch into this batch.
  std::span<const std::string_view> codes() const { return {views_.data(), size_}; }
  /// Puts `code` in place of code i (a redrawn one: the ledger look-up path of generate).
  /// REQUIRES: i < size() and code has the length of this batch's codes.
  void Replace(size_t i, std::string_view code) { code.copy(slot(i), skeleton_.size()); }

 private:
  friend class CodeGenerator;
  friend class KeyedGenerator;
  /// Lays out room for `n` codes of `skeleton` (kept when it already has it).
  void Prepare(const std::string& skeleton, size_t n);
  char* slot(size_t i) { return chars_.data() + i * skeleton_.size(); }

  std::string skeleton_;
  std::string chars_;                     // capacity codes, each starting as the skeleton
  std::vector<std::string_view> views_;   // one per code of the capacity, into chars_
  size_t size_ = 0;
};

/// How codes are made, in batches (a clear pipeline, each step over the whole group):
///   1. draw the symbol indexes of up to kGroup candidates with one SymbolDrawer::Draw call;
///   2. compute each candidate's key (case-folded, packed) and prefetch its slot in the set;
///   3. insert the keys in order: a candidate whose key is taken is dropped and another drawn;
///   4. write the random characters of each accepted candidate into its place in the batch.
/// Candidates are drawn and tested in stream order, exactly as one at a time would: the same
/// random bytes give the same codes whatever the batch size.
class CodeGenerator {
 public:
  /// Candidates handled per step: enough prefetches in flight to hide the set's cache misses,
  /// few enough that their lines are still in L1 when the inserts reach them.
  static constexpr size_t kGroup = 256;
  /// Candidates per group handed from DrawAhead's thread to this one: each hand-off may wake a
  /// sleeping thread (a futex call, microseconds on a VM), so groups are large; the inserts
  /// prefetch kPrefetchAhead candidates ahead of themselves instead of a whole group at once.
  static constexpr size_t kAheadGroup = 4096;
  static constexpr size_t kPrefetchAhead = 48;

  /// Every argument must outlive the generator. `seen` receives the key of each code made.
  CodeGenerator(const CodeShape& shape, const Alphabet& alphabet, RandomSource& source, CodeSet& seen);

  /// Replaces the contents of *batch with the next `n` unique codes. Fails with Infeasible after
  /// 10,000 draws in a row (within this call) that were all taken: the keyspace is exhausted (the feasibility check
  /// makes this unreachable in practice). On failure the batch holds the codes made so far.
  Status NextBatch(size_t n, CodeBatch* batch);

  /// Overwrites *code with the next unique code (the same code NextBatch would give next).
  Status Next(std::string* code);

  /// Draw candidates on a second thread, ahead of the inserts (call before the first NextBatch):
  /// symbols, blocklist walk, check character and key of each candidate are made there, a group
  /// of kAheadGroup at a time through a ring of a few groups, and this thread only inserts keys into
  /// the set and writes the codes. The candidates are the same, in the same stream order, so the
  /// codes are exactly those of drawing here (the thread only runs ahead, by up to a few groups,
  /// whose random bytes are drawn and not used when the run ends).
  void DrawAhead();
  ~CodeGenerator();

  /// Codes drawn and thrown away because they were already taken.
  uint64_t redraws() const { return redraws_; }

  /// Typo rules (codes/code_rules.h), before the first Next: codes end in `rules`' check character
  /// (REQUIRES: then the shape's last slot is the check slot, as in a Plan) and codes that spell a
  /// blocked word are redrawn. `rules` must outlive the generator.
  void UseRules(const CodeRules& rules);
  /// Codes drawn and thrown away because they spelled a blocked word.
  uint64_t blocked() const { return blocked_; }

  /// True when every character a code can hold (the alphabet, the literal text and any check
  /// character) is a safe code character (IsSafeCodeChar), so no code ever needs CSV quotes or
  /// JSON escapes. Always so for a validated spec; checked here rather than assumed.
  bool plain_codes() const { return plain_codes_; }

 private:
  const CodeShape& shape_;
  const Alphabet& alphabet_;
  CodeSet& seen_;
  CodeKeyer keyer_;
  SymbolDrawer drawer_;
  std::vector<uint8_t> indexes_;           // kGroup candidates' symbol indexes, back to back
  std::vector<uint64_t> keys_;             // their keys
  CodeBatch single_;                       // for Next
  uint64_t redraws_ = 0;
  uint64_t taken_in_a_row_ = 0;
  // Typo rules (UseRules): null when codes have no check character / no blocklist.
  const CheckCharacter* check_ = nullptr;
  const Blocklist* blocklist_ = nullptr;
  const std::string* check_symbols_ = nullptr;
  uint64_t blocked_ = 0;
  std::vector<uint8_t> folded_of_symbol_;  // symbol index -> folded index (typo rules only)
  std::vector<uint8_t> folded_;            // kGroup candidates' folded indexes and check, back to back

  // The key of a candidate, or 0 when the typo rules reject it (it spells a blocked word). With a
  // check character, `folded` receives the folded indexes and the check (len + 1 of them).
  uint64_t CandidateKey(const uint8_t* symbols, size_t len, uint8_t* folded) const;

  bool plain_codes_;

  // DrawAhead's groups of candidates and the thread that draws them.
  struct Group {
    std::vector<uint8_t> indexes, folded;
    std::vector<uint64_t> keys;
    Status status;
  };
  struct Ahead;
  std::unique_ptr<Ahead> ahead_;
  Group* group_ = nullptr;  // the group being inserted from
  size_t group_at_ = 0;     // its next candidate
  Status NextBatchAhead(size_t n, CodeBatch* batch);
};

}  // namespace coupongen
