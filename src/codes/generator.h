// CodeGenerator: draws codes of one shape from one alphabet, unique within the batch and against
// every key already in the set (exclusions, ledger), ignoring case.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "codes/alphabet.h"
#include "codes/code_rules.h"
#include "codes/code_set.h"
#include "codes/random_source.h"
#include "codes/shape.h"
#include "codes/symbol_drawer.h"

namespace coupongen {

class CodeGenerator {
 public:
  /// Every argument must outlive the generator. `seen` receives the key of each code made.
  CodeGenerator(const CodeShape& shape, const Alphabet& alphabet, RandomSource& source, CodeSet& seen);

  /// Overwrites *code with the next unique code (its storage is reused: no allocation per code).
  /// Fails with Infeasible after 10,000 draws in a row that were all taken: the keyspace is
  /// exhausted (the feasibility check makes this unreachable in practice).
  Status Next(std::string* code);

  /// Codes drawn and thrown away because they were already taken.
  uint64_t redraws() const { return redraws_; }

  /// Typo rules (codes/code_rules.h), before the first Next: codes end in `rules`' check character
  /// (REQUIRES: then the shape's last slot is the check slot, as in a Plan) and codes that spell a
  /// blocked word are redrawn. `rules` must outlive the generator.
  void UseRules(const CodeRules& rules);
  /// Codes drawn and thrown away because they spelled a blocked word.
  uint64_t blocked() const { return blocked_; }

 private:
  const CodeShape& shape_;
  const Alphabet& alphabet_;
  CodeSet& seen_;
  CodeKeyer keyer_;
  SymbolDrawer drawer_;
  std::vector<uint8_t> folded_of_symbol_;  // symbol index -> folded index
  std::vector<uint8_t> indexes_;
  std::vector<uint8_t> folded_;
  uint64_t redraws_ = 0;
  // Typo rules (UseRules): null when codes have no check character / no blocklist.
  const CheckCharacter* check_ = nullptr;
  const Blocklist* blocklist_ = nullptr;
  const std::string* check_symbols_ = nullptr;
  uint64_t blocked_ = 0;
};

}  // namespace coupongen
