#include "codes/alphabet.h"

#include "base/strings.h"
#include "base/utf8.h"

#include <cstdio>

namespace coupongen {
namespace {

struct PresetDef {
  const char* name;
  const char* symbols;
};

constexpr PresetDef kPresets[] = {
    {"unambiguous", "2345679ACDEFGHJKLMNPQRSTUVWXYZ"},
    {"uppercase", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"},
    {"alphanumeric", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"},
    {"letters", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
    {"digits", "0123456789"},
    {"hex", "0123456789ABCDEF"},
};
}  // namespace

const std::vector<std::string>& Alphabet::PresetNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& p : kPresets) v.push_back(p.name);
    return v;
  }();
  return names;
}

std::optional<std::string> Alphabet::Preset(std::string_view name) {
  for (const auto& p : kPresets)
    if (name == p.name) return std::string(p.symbols);
  return std::nullopt;
}

bool IsSafeCodeChar(char c) {
  return c > 0x20 && c < 0x7f && c != ',' && c != '"' && c != '\'' && c != '\\';
}

std::string FirstUnsafeChar(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i)
    if (!IsSafeCodeChar(s[i])) return DescribeCharAt(s, i);  // "'Ü' (U+00DC)", "a space", "byte 0xc3"
  return "";
}

std::optional<Alphabet> Alphabet::Parse(std::string_view spec, std::string* error) {
  std::string symbols;
  if (auto preset = Preset(spec)) {
    symbols = *preset;
  } else {
    std::string bad = FirstUnsafeChar(spec);
    if (!bad.empty()) {
      *error = "contains " + bad + " (use printable ASCII without whitespace, comma, quote or backslash)";
      return std::nullopt;
    }
    for (size_t i = 0; i < spec.size(); ++i)
      if (spec.find(spec[i]) != i) {
        *error = std::string("repeats '") + spec[i] + "' (each character may appear once)";
        return std::nullopt;
      }
    if (spec.size() < 2) {
      *error = "must hold at least 2 distinct characters, or be a preset: unambiguous, uppercase, alphanumeric, letters, digits, hex";
      return std::nullopt;
    }
    symbols = std::string(spec);
  }
  Alphabet a;
  a.symbols_ = symbols;
  a.fold_.fill(-1);
  // Folded indexes: a letter and its other case share one index.
  std::array<short, 256> by_folded_char;
  by_folded_char.fill(-1);
  short next = 0;
  for (char c : symbols) {
    unsigned char f = static_cast<unsigned char>(ToUpperAscii(c));
    if (by_folded_char[f] < 0) by_folded_char[f] = next++;
  }
  a.folded_size_ = static_cast<size_t>(next);
  for (char c : symbols) {
    short idx = by_folded_char[static_cast<unsigned char>(ToUpperAscii(c))];
    a.fold_[static_cast<unsigned char>(c)] = idx;
    // Case-insensitive lookup: the other case of a letter maps to the same index.
    char other = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a')
                 : (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    a.fold_[static_cast<unsigned char>(other)] = idx;
  }
  if (a.folded_size_ < 2) {
    *error = "must hold at least 2 characters that differ ignoring case";
    return std::nullopt;
  }
  return a;
}

}  // namespace coupongen
