#include "codes/check_char.h"

#include <numeric>

namespace coupongen {
namespace {

// A group of order n as tables, with an anti-symmetric permutation `sigma` (see the header).
struct Group {
  unsigned n = 0;
  std::vector<uint8_t> mul;
  std::vector<uint8_t> sigma;
  uint8_t identity = 0;
  std::string name;
};

// x^a + (lower terms) irreducible over GF(2), indexed by a (2..8), as bit masks including x^a.
constexpr unsigned kIrreducible[] = {0, 0, 0x7, 0xB, 0x13, 0x25, 0x43, 0x83, 0x11B};

// Multiplication by x in GF(2^a) modulo kIrreducible[a].
unsigned TimesX(unsigned g, unsigned a) {
  g <<= 1;
  if (g >> a) g ^= kIrreducible[a];
  return g;
}

// Z_m (m odd) when two_power == 1; D_m (m odd >= 3) when two_power == 2; GF(two_power)+ x Z_m otherwise.
Group MakeGroup(unsigned two_power, unsigned m) {
  Group g;
  g.n = two_power * m;
  g.mul.resize(g.n * g.n);
  g.sigma.resize(g.n);
  if (two_power == 2) {
    // Element f*m + i is f^f r^i; (f1 r^i1)(f2 r^i2) = f^(f1+f2) r^((-1)^f2 i1 + i2).
    for (unsigned x = 0; x < g.n; ++x)
      for (unsigned y = 0; y < g.n; ++y) {
        unsigned f1 = x / m, i1 = x % m, f2 = y / m, i2 = y % m;
        unsigned i = ((f2 ? m - i1 : i1) + i2) % m;
        g.mul[x * g.n + y] = static_cast<uint8_t>((f1 ^ f2) * m + i);
      }
    for (unsigned i = 0; i < m; ++i) {
      g.sigma[i] = static_cast<uint8_t>((m - i) % m);        // r^i -> r^-i
      g.sigma[m + i] = static_cast<uint8_t>(m + (i + 1) % m);  // f r^i -> f r^(i+1)
    }
    g.name = "dihedral group D" + std::to_string(m);
    return g;
  }
  // Abelian: element gf*m + z, with gf in GF(two_power) (XOR) and z in Z_m.
  unsigned a = 0;
  while ((1u << a) < two_power) ++a;
  for (unsigned x = 0; x < g.n; ++x) {
    for (unsigned y = 0; y < g.n; ++y)
      g.mul[x * g.n + y] = static_cast<uint8_t>(((x / m) ^ (y / m)) * m + (x % m + y % m) % m);
    unsigned gf = x / m, z = x % m;
    unsigned gf2 = a >= 2 ? TimesX(gf, a) : gf;
    g.sigma[x] = static_cast<uint8_t>(gf2 * m + (m - z) % m);
  }
  std::string zm = "Z_" + std::to_string(m);
  std::string gfn = "GF(" + std::to_string(two_power) + ")+";
  g.name = two_power == 1 ? zm : m == 1 ? gfn : gfn + " x " + zm;
  return g;
}

}  // namespace

Result<CheckCharacter> CheckCharacter::ForRadix(unsigned radix) {
  if (radix == 2)
    return Status::Invalid(
        "a check character needs an alphabet of at least 3 symbols: with 2, no single check symbol "
        "catches both substitutions and transpositions");
  if (radix < kMinRadix || radix > kMaxRadix)
    return Status::Invalid("a check character needs an alphabet of 3 to 256 symbols (ignoring case), not " +
                           std::to_string(radix));
  unsigned two_power = 1, m = radix;
  while (m % 2 == 0) {
    two_power *= 2;
    m /= 2;
  }
  Group g = MakeGroup(two_power, m);

  CheckCharacter c;
  c.n_ = radix;
  c.identity_ = g.identity;
  c.group_name_ = g.name;
  c.mul_ = std::move(g.mul);
  c.inverse_.resize(radix);
  for (unsigned x = 0; x < radix; ++x)
    for (unsigned y = 0; y < radix; ++y)
      if (c.mul_[x * radix + y] == c.identity_) c.inverse_[x] = static_cast<uint8_t>(y);

  // Powers of sigma until it returns to the identity permutation: position weights repeat then.
  std::vector<uint8_t> power(radix);
  std::iota(power.begin(), power.end(), 0);
  const std::vector<uint8_t> start = power;
  do {
    c.perm_.insert(c.perm_.end(), power.begin(), power.end());
    for (auto& v : power) v = g.sigma[v];
  } while (power != start);
  c.period_ = c.perm_.size() / radix;
  c.inv_perm_.resize(c.perm_.size());
  for (size_t p = 0; p < c.period_; ++p)
    for (unsigned d = 0; d < radix; ++d) c.inv_perm_[p * radix + c.perm_[p * radix + d]] = static_cast<uint8_t>(d);
  return c;
}

Result<CheckCharacter> CheckCharacter::ForAlphabet(const Alphabet& alphabet) {
  return ForRadix(static_cast<unsigned>(alphabet.folded_size()));
}

uint8_t CheckCharacter::Compute(std::span<const uint8_t> digits) const {
  uint8_t state = Start();
  for (size_t i = 0; i < digits.size(); ++i) state = Step(state, i, digits[i]);
  return Finish(state, digits.size());
}

bool CheckCharacter::Verify(std::span<const uint8_t> digits_with_check) const {
  if (digits_with_check.empty()) return false;
  for (uint8_t d : digits_with_check)
    if (d >= n_) return false;
  const size_t k = digits_with_check.size() - 1;
  return Compute(digits_with_check.first(k)) == digits_with_check[k];
}

}  // namespace coupongen
