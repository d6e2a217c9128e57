// Folded symbols: an alphabet's characters with case ignored ('a' and 'A' are one symbol), indexed
// 0..folded_size-1 by Alphabet::FoldedIndex. Check characters, the blocklist and the reader of
// typed codes all work on these indexes.
#pragma once

#include <string>

#include "codes/alphabet.h"

namespace coupongen {

/// For each folded index of `alphabet`, the one symbol written for it when the tool chooses the
/// case (the check character, a code read back from typed text): the upper-case form when the
/// alphabet holds it, else the alphabet's own symbol (a lower-case-only alphabet stays lower case).
std::string CanonicalFoldedSymbols(const Alphabet& alphabet);

}  // namespace coupongen
