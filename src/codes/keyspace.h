// Keyspace arithmetic for validate's summary and the feasibility check.
#pragma once

#include <string>

#include "codes/alphabet.h"
#include "codes/shape.h"

namespace coupongen {

struct Keyspace {
  long double size = 0;        // distinct codes ignoring case: folded_size ^ random_length
  double entropy_bits = 0;     // bits per code ignoring case: random_length * log2(alphabet size) unless mixed case
  /// Odds that one random guess of the right shape hits one of `count` valid codes.
  long double GuessOdds(long double count) const { return size > 0 ? count / size : 1; }
  /// "6.4e17" or "810,000" for people.
  std::string SizeText() const;
};

Keyspace ComputeKeyspace(const CodeShape& shape, const Alphabet& alphabet);

/// "1 in 12,345,678" (rounded) or "1 in 3.4e21".
std::string OddsText(long double odds);

}  // namespace coupongen
