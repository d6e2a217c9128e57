// Alphabet: the symbols random code characters are drawn from, and how they fold for the
// case-insensitive uniqueness rule (two codes differing only in case are the same code).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coupongen {

class Alphabet {
 public:
  /// The preset names, in the order help and docs list them.
  static const std::vector<std::string>& PresetNames();
  /// The characters of a preset, or nullopt when `name` is not one.
  static std::optional<std::string> Preset(std::string_view name);

  /// Builds an alphabet from a preset name or literal characters. A literal alphabet holds at
  /// least 2 distinct characters, all printable ASCII, none repeated, and no whitespace, comma,
  /// quote or backslash. On failure returns nullopt with *error set.
  static std::optional<Alphabet> Parse(std::string_view preset_or_literal, std::string* error);

  const std::string& symbols() const { return symbols_; }
  size_t size() const { return symbols_.size(); }
  char symbol(size_t i) const { return symbols_[i]; }

  /// Symbols that are distinct when case is ignored ('a' and 'A' count once).
  size_t folded_size() const { return folded_size_; }
  /// The folded index (0..folded_size-1) of `c` matched ignoring case, or -1 if not in the alphabet.
  int FoldedIndex(char c) const { return fold_[static_cast<unsigned char>(c)]; }
  /// True when the alphabet has a letter in both cases.
  bool mixed_case() const { return folded_size_ != symbols_.size(); }

 private:
  std::string symbols_;
  size_t folded_size_ = 0;
  std::array<short, 256> fold_{};
};

/// True when `c` may appear in literal code text (prefix, suffix, separator, pattern, alphabet):
/// printable ASCII without whitespace, ',', '"', '\'' or '\\'.
bool IsSafeCodeChar(char c);

/// The first unsafe character of `s` as a readable description ("' '", "','", "byte 0xc3"),
/// or "" when every character is safe.
std::string FirstUnsafeChar(std::string_view s);

}  // namespace coupongen
