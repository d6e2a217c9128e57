#include "codes/shape.h"

#include <algorithm>

#include "base/strings.h"

namespace coupongen {

CodeShape CodeShape::FromParts(std::string_view prefix, int length, int group, std::string_view separator,
                               std::string_view suffix) {
  CodeShape s;
  s.skeleton_.append(prefix);
  for (int i = 0; i < length; ++i) {
    if (group > 0 && i > 0 && i % group == 0) s.skeleton_.append(separator);
    s.slots_.push_back(static_cast<uint16_t>(s.skeleton_.size()));
    s.skeleton_.push_back('#');
  }
  s.skeleton_.append(suffix);
  return s;
}

CodeShape CodeShape::FromPattern(std::string_view pattern) {
  CodeShape s;
  s.skeleton_ = std::string(pattern);
  for (size_t i = 0; i < pattern.size(); ++i)
    if (pattern[i] == '#') s.slots_.push_back(static_cast<uint16_t>(i));
  return s;
}

std::string CodeShape::Masked(std::string_view code, size_t keep) const {
  // Never more than half the random characters, and none of a short random part: literal text
  // plus a few shown characters must not add up to a whole code (PROMO-2027-## showed all of it).
  const size_t random = slots_.size();
  keep = random <= 4 ? 0 : std::min(keep, random / 2);
  std::string out;
  size_t slot = 0;
  for (size_t i = 0; i < code.size(); ++i) {
    bool is_slot = slot < slots_.size() && slots_[slot] == i;
    if (is_slot && slot++ >= keep) out.append("\u2022");
    else out.push_back(code[i]);
  }
  return out;
}

bool CodeShape::LiteralsMatch(std::string_view code) const {
  if (code.size() != skeleton_.size()) return false;
  size_t slot = 0;
  for (size_t i = 0; i < code.size(); ++i) {
    if (slot < slots_.size() && slots_[slot] == i) {
      ++slot;
      continue;
    }
    if (!EqualsIgnoreCase(code.substr(i, 1), std::string_view(skeleton_).substr(i, 1))) return false;
  }
  return true;
}

}  // namespace coupongen
