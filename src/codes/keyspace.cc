#include "codes/keyspace.h"

#include <cmath>
#include <cstdio>

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
  k.entropy_bits = alphabet.size() < 2 ? 0 : static_cast<double>(shape.random_length()) * std::log2(static_cast<double>(alphabet.size()));
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
