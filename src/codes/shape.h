// CodeShape: what a code looks like: literal text (prefix, separators, suffix, pattern text) with
// slots for random characters. Built from either `pattern` ("SPR-####-####") or
// prefix/length/group/separator/suffix; the generator fills the slots.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace coupongen {

class CodeShape {
 public:
  /// prefix + `length` random characters split into groups of `group` (0: none) joined by
  /// `separator` + suffix. REQUIRES: length >= 1, group >= 0.
  static CodeShape FromParts(std::string_view prefix, int length, int group, std::string_view separator,
                             std::string_view suffix);
  /// Each '#' in `pattern` is one random character; everything else is literal.
  static CodeShape FromPattern(std::string_view pattern);

  /// The code with slots holding '#': the starting point every generated code is copied from.
  const std::string& skeleton() const { return skeleton_; }
  /// Positions of the random characters within the code, ascending.
  const std::vector<uint16_t>& slots() const { return slots_; }
  size_t length() const { return skeleton_.size(); }
  size_t random_length() const { return slots_.size(); }

  /// The shape for people: literal text with '#' for each random character ("SPR-####-####").
  const std::string& Display() const { return skeleton_; }

  /// `code` with all but the first `keep` random characters replaced by '•', so summaries and logs
  /// never show a whole code: at most half of the random characters are kept, and none when there
  /// are four or fewer. REQUIRES: code has this shape.
  std::string Masked(std::string_view code, size_t keep = 2) const;

  /// True when `code` has this shape: same length, literal text equal ignoring case.
  bool LiteralsMatch(std::string_view code) const;

 private:
  std::string skeleton_;
  std::vector<uint16_t> slots_;
};

}  // namespace coupongen
