#include "codes/keyspace.h"

#include <cmath>
#include <cstdio>
#include <vector>

#include "base/strings.h"

namespace coupongen {

namespace {
std::string Big(long double v) {
  if (v < 1e15L) return WithThousands(static_cast<unsigned long long>(std::llround(static_cast<double>(v))));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2Le", v);
  return buf;
}
}  // namespace

Keyspace ComputeKeyspace(const CodeShape& shape, const Alphabet& alphabet) {
  Keyspace k;
  k.size = std::pow(static_cast<long double>(alphabet.folded_size()), static_cast<long double>(shape.random_length()));
  // Entropy of one character as seen by a case-insensitive check: in a mixed-case alphabet a letter
  // class ('a'/'A') is drawn twice as often as a digit, so this is below log2(alphabet size).
  double per_char = 0;
  const double n = static_cast<double>(alphabet.size());
  std::vector<int> members(alphabet.folded_size());
  for (char c : alphabet.symbols()) members[alphabet.FoldedIndex(c)]++;
  for (int m : members) per_char += (m / n) * std::log2(n / m);
  k.entropy_bits = static_cast<double>(shape.random_length()) * per_char;
  if (alphabet.folded_size() == 0) k.size = 0;
  return k;
}

std::string Keyspace::SizeText() const { return Big(size); }

std::string OddsText(long double odds) {
  if (odds <= 0) return "none";
  if (odds >= 1) return "certain";
  return "1 in " + Big(1.0L / odds);
}

}  // namespace coupongen
