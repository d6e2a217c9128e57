// CodeReader: reads a code back into the campaign's shape: tolerantly for what people type
// (`coupongen check`), strictly for what files hold (`lint`).
//
// Tolerant reading, in order:
//  1. Whitespace anywhere is dropped ("spr 4k7m 9qx2").
//  2. Case is ignored, as everywhere (codes are unique ignoring case).
//  3. Separators may be missing or different: when the text does not line up with the shape as
//     typed, every character that is neither a letter, a digit nor an alphabet symbol is dropped
//     from the text and from the shape's literal text, and the rest is lined up again. So
//     "SPR45679ACD" and "SPR 4567-9ACD" both read as "SPR-4567-9ACD".
//  4. A look-alike is read as the symbol the alphabet has, only when the typed character is not
//     itself a symbol: O<->0, I->1 or L, L->1 or I, 1->I or L, Z<->2, S<->5, G<->6, B<->8 (first
//     one the alphabet has, in that order). In literal text the same pairs are accepted.
// Each look-alike read is reported, so `check` can say "read O as 0".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "codes/alphabet.h"
#include "codes/shape.h"

namespace coupongen {

/// One typed character read as another.
struct LookAlikeRead {
  size_t position = 0;  // 0-based, in the code as generated
  char typed = 0;
  char read_as = 0;
};

/// The outcome of reading one code.
struct ReadCode {
  bool ok = false;      // has the campaign's shape and every random character is a symbol
  std::string problem;  // when !ok, for people: "has 11 characters, expected 12"
  std::string code;     // when ok: as generated (the shape's literal text, alphabet symbols)
  std::vector<uint8_t> folded;  // when ok: folded indexes of the random characters in slot order;
                                // with a check character it is the last one (CheckCharacter::Verify)
  std::vector<LookAlikeRead> look_alikes;  // tolerant reading only, in position order
};

class CodeReader {
 public:
  /// Keeps copies: the arguments need not outlive the reader.
  CodeReader(const CodeShape& shape, const Alphabet& alphabet);

  /// What a person typed (see the header comment for what is tolerated).
  ReadCode ReadTyped(std::string_view typed) const;

  /// What a file holds: the exact shape, literal text and symbols matched ignoring case only.
  ReadCode ReadExact(std::string_view code) const;

 private:
  // Lines `text` up with the skeleton positions `positions` (indexes into the skeleton).
  ReadCode Match(std::string_view text, const std::vector<size_t>& positions, bool tolerant) const;
  bool IsSoft(char c) const;

  CodeShape shape_;
  Alphabet alphabet_;
  std::string canonical_;          // folded index -> symbol written for it
  std::vector<bool> is_slot_;      // per skeleton position
  std::vector<size_t> all_;        // 0..skeleton size-1
  std::vector<size_t> hard_;       // skeleton positions that are slots or non-soft literals
};

}  // namespace coupongen
