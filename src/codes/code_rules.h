// CodeRules: what a campaign asks of its codes beyond shape and alphabet, so that people can type
// and say them: an optional check character (codes/check_char.h) and a blocklist of words no code
// may spell (codes/blocklist.h). Compiled once per plan; the generator, `validate`, `check` and
// `lint --spec` all read the same object.
//
// Where the check character goes: it is the LAST character of the random part, one more than
// `codes.length` (which counts random characters only). With groups it is grouped like the others
// ("length: 11, group: 4" gives ####-####-####, the last '#' the check); with a pattern it is
// written right after the pattern's last '#' ("SPR-####-###" gives SPR-####-####). So the shape a
// plan holds has one more slot than there are random characters, and that slot is the last one.
//
// What the check covers: the folded random characters in slot order, then the check. Literal text
// is compared with the shape directly, so only the random part needs it.
//
// The blocklist reads the random characters and the check character together (a check character
// can complete a word too), and a code that spells a word is redrawn as a whole: the codes that
// come out are uniform over the codes that spell no word.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "codes/alphabet.h"
#include "codes/blocklist.h"
#include "codes/check_char.h"
#include "codes/keyspace.h"
#include "codes/normalize.h"
#include "codes/shape.h"

namespace coupongen {

/// Where a campaign's blocked words come from.
struct BlocklistSpec {
  bool builtin = false;             // the built-in words (BuiltinBlockedWords)
  std::vector<std::string> extra;   // words added from a file (ParseBlockedWords)
  std::string file;                 // that file, for summaries ("" when none)
  bool empty() const { return !builtin && extra.empty(); }
};

class CodeRules {
 public:
  /// No check character, no blocklist.
  CodeRules() = default;

  /// Compiles the rules for codes over `alphabet` with `random_length` random characters (the check
  /// character not counted), and counts the share of those codes the blocklist leaves. Fails
  /// (Invalid) when `check` is asked of an alphabet of fewer than 3 symbols ignoring case (no single
  /// check symbol can catch every typo over 2), or for a malformed word.
  static Result<CodeRules> Make(const Alphabet& alphabet, size_t random_length, bool check, BlocklistSpec blocklist);

  /// The check character scheme, or null when codes have none.
  const CheckCharacter* check() const { return check_ ? &*check_ : nullptr; }
  /// 1 with a check character, else 0: the shape's slots minus the random characters.
  size_t check_length() const { return check_ ? 1 : 0; }
  /// For each folded index, the character written as a check character (upper case when the
  /// alphabet has it). Empty without a check character.
  const std::string& check_symbols() const { return check_symbols_; }

  const Blocklist& blocklist() const { return blocklist_; }
  const BlocklistSpec& blocklist_spec() const { return blocklist_spec_; }
  /// The codes (random characters, ignoring case) the blocklist leaves; all of them without one.
  const BlockedShare& share() const { return share_; }

 private:
  std::optional<CheckCharacter> check_;
  std::string check_symbols_;
  Blocklist blocklist_;
  BlocklistSpec blocklist_spec_;
  BlockedShare share_;
};

/// `pattern` with the check character's '#' inserted right after its last '#'.
std::string PatternWithCheckSlot(std::string_view pattern);

/// The keyspace of a shape whose last `rules.check_length()` slots are computed, not drawn: size
/// is the number of allowed codes (rules.share().allowed); entropy counts the random characters
/// only, less what the blocklist removes (exact for single-case alphabets, where codes are uniform
/// over the allowed ones).
Keyspace ComputeKeyspace(const CodeShape& shape, const Alphabet& alphabet, const CodeRules& rules);

/// What reading one code found.
struct CodeVerdict {
  bool valid = false;   // has the campaign's shape and, with a check character, a matching one
  std::string problem;  // when !valid, for people: "check character does not match (a typo?)"
  std::string code;     // when the shape was read: the code as generated (may still be !valid)
  std::vector<LookAlikeRead> look_alikes;  // typed reading only
};

/// Reads a campaign's codes back and verifies their check character: what `check` (typed codes)
/// and `lint --spec` (codes in files) run. Keeps copies: the arguments need not outlive it.
/// Construct once and reuse: construction copies the shape and the check tables.
class CodeVerifier {
 public:
  /// REQUIRES: `shape` ends in the check slot when rules.check() (as a plan's shape does).
  CodeVerifier(const CodeShape& shape, const Alphabet& alphabet, const CodeRules& rules);

  /// What a person typed: case, spaces, separators and look-alikes are tolerated (CodeReader).
  CodeVerdict Typed(std::string_view typed) const;
  /// What a file holds: the exact shape (case ignored). nullopt when valid, else the problem.
  std::optional<std::string> Exact(std::string_view code) const;

  bool has_check() const { return check_.has_value(); }

 private:
  CodeVerdict Verify(ReadCode read) const;

  CodeReader reader_;
  std::optional<CheckCharacter> check_;
};

/// The problem text of a check character that does not match.
inline constexpr std::string_view kCheckMismatch = "check character does not match (a typo?)";

}  // namespace coupongen
