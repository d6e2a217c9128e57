// Blocklist: words no generated code may contain, matched fast enough to test every code drawn.
//
// Matching. A code's random characters (then its check character, if any) are read as text: case
// is ignored and look-alike digits read as letters: 0->O, 1->I or L, 3->E, 4->A, 5->S, 7->T (so
// S3X, 455, K1LL and SH1T are caught). '1' reads as both I and L because both are common
// ("K1LL", "SH1T"); other digits (2, 6, 8, 9) read only as themselves, and any other symbol breaks
// a word. A code is blocked when any word occurs as a substring of that text. Literal text
// (prefix, separators, suffix) is not read: it is the campaign's own choice.
//
// Speed. The words are spelled out over the alphabet's folded symbols (a word letter L becomes
// {L, 1} when the alphabet has '1', and so on), spellings that need a symbol the alphabet lacks are
// pruned (an `unambiguous` code cannot spell anything with O, I, B or L in it from the letters
// alone), and the rest is compiled into an Aho–Corasick automaton, then a DFA over folded indexes
// where every state that has seen a word collapses into one absorbing MATCH state. Testing a code
// is one table load per character and a compare at the end: no branches, no allocation.
//
// Counting. The share of codes the blocklist removes is counted exactly by dynamic programming
// over (automaton state, position): O(states x radix x length); with a check character the DP also
// tracks the check's running state (x radix), which is exact too but falls back to treating the
// check as a free uniform symbol when that would exceed about 1e8 steps (a fraction of a second).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "codes/alphabet.h"
#include "codes/check_char.h"

namespace coupongen {

/// The built-in words (335, upper-case ASCII, at least 3 letters, sorted, no duplicates) in
/// English, Spanish, Portuguese, French, German, Italian and Dutch. See blocklist_words.cc.
const std::vector<std::string>& BuiltinBlockedWords();
/// The languages of the built-in list, for docs and `validate`.
const std::vector<std::string>& BuiltinBlocklistLanguages();

/// Words from a user file `text` (named `file_name` in errors): one word per line; '#' starts a
/// comment to the end of the line; blank lines and surrounding spaces are ignored. A word holds 2
/// to 32 ASCII letters and digits (digits read as letters as when matching: "1488", "k1ll").
/// Errors (Invalid) name the line: "words.txt:3: 'f*ck': a word holds only letters and digits".
Result<std::vector<std::string>> ParseBlockedWords(std::string_view text, std::string_view file_name);

/// How much of a keyspace the blocklist leaves. Counts are of folded codes (case ignored), over the
/// random characters only (the check character, being computed, adds none).
struct BlockedShare {
  long double total = 0;    // radix ^ length
  long double allowed = 0;  // of which spell no blocked word
  bool exact = true;        // false when estimated (see Blocklist::CountAllowed)
  /// The fraction of `total` removed, 0..1.
  long double removed_fraction() const { return total > 0 ? 1.0L - allowed / total : 0.0L; }
};

class Blocklist {
 public:
  /// A blocklist that blocks nothing (`blocklist: none`).
  Blocklist() = default;

  /// Compiles `words` (any case; see ParseBlockedWords for what a word may hold) for codes over
  /// `alphabet`. Words the alphabet cannot spell are dropped (counted in pruned_words()).
  /// Fails (Invalid) only for a malformed word. The blocklist keeps no reference to its arguments.
  static Result<Blocklist> Compile(const std::vector<std::string>& words, const Alphabet& alphabet);

  /// True when the folded symbols `folded[0..n)` (random characters in slot order, then the check
  /// character) spell a blocked word. REQUIRES: each index < the alphabet's folded_size().
  bool ContainsFolded(const uint8_t* folded, size_t n) const {
    if (delta_.empty()) return false;
    uint32_t s = 0;
    for (size_t i = 0; i < n; ++i) s = delta_[s + folded[i]];
    return s == match_;
  }

  /// True when `text` spells a blocked word; characters outside the alphabet break words.
  bool Contains(std::string_view text) const;

  /// The exact share of codes with `length` random characters that spell no word. With `check`
  /// (REQUIRES: check->radix() == the alphabet's folded size) the check character appended to each
  /// code is read too; when the exact count would take more than ~1e8 steps it is estimated by
  /// reading the check as an independent uniform symbol, and `exact` is false.
  BlockedShare CountAllowed(size_t length, const CheckCharacter* check = nullptr) const;

  /// The automaton, for callers that count or index codes by walking it (keyed mode's
  /// AllowedIndex). States are offsets (state index x radix): the start is 0, the absorbing MATCH
  /// state is match_state() (the last one; the live states are those below it).
  /// REQUIRES: !empty(), folded < the alphabet's folded_size().
  uint32_t NextState(uint32_t state, uint8_t folded) const { return delta_[state + folded]; }
  uint32_t match_state() const { return match_; }

  /// Words that can occur in this alphabet / that cannot and were dropped.
  size_t word_count() const { return words_kept_; }
  size_t pruned_words() const { return words_pruned_; }
  /// DFA states, MATCH included (0 for an empty blocklist).
  size_t state_count() const { return radix_ ? delta_.size() / radix_ : 0; }
  bool empty() const { return delta_.empty(); }

 private:
  unsigned radix_ = 0;
  // delta_[s + f] for a state offset s (= state index x radix_) and folded index f: the next
  // state offset. State 0 is the start; match_ is the absorbing MATCH state's offset.
  std::vector<uint32_t> delta_;
  uint32_t match_ = 0;
  std::vector<int16_t> fold_;  // char -> folded index or -1, for Contains()
  size_t words_kept_ = 0;
  size_t words_pruned_ = 0;
};

}  // namespace coupongen
