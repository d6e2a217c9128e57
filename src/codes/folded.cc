#include "codes/folded.h"

namespace coupongen {

std::string CanonicalFoldedSymbols(const Alphabet& alphabet) {
  std::string out(alphabet.folded_size(), '\0');
  for (char c : alphabet.symbols()) {
    char& slot = out[static_cast<size_t>(alphabet.FoldedIndex(c))];
    // The first symbol of the class wins unless an upper-case one comes later.
    if (slot == '\0' || (c >= 'A' && c <= 'Z')) slot = c;
  }
  return out;
}

}  // namespace coupongen
