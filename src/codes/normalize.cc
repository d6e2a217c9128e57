#include "codes/normalize.h"

#include <cstdio>

#include "codes/folded.h"

namespace coupongen {
namespace {

char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

// The characters `c` (upper case) may have been meant as, in order of preference.
std::string_view LookAlikes(char c) {
  switch (c) {
    case '0': return "O";
    case 'O': return "0";
    case '1': return "IL";
    case 'I': return "1L";
    case 'L': return "1I";
    case '2': return "Z";
    case 'Z': return "2";
    case '5': return "S";
    case 'S': return "5";
    case '6': return "G";
    case 'G': return "6";
    case '8': return "B";
    case 'B': return "8";
    default: return "";
  }
}

std::string Quoted(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  if (c == ' ') return "a space";
  if (u > 0x20 && u < 0x7f) return std::string("'") + c + "'";
  char buf[16];
  std::snprintf(buf, sizeof buf, "byte 0x%02x", u);
  return buf;
}

}  // namespace

CodeReader::CodeReader(const CodeShape& shape, const Alphabet& alphabet)
    : shape_(shape), alphabet_(alphabet), canonical_(CanonicalFoldedSymbols(alphabet)) {
  const std::string& sk = shape_.skeleton();
  is_slot_.assign(sk.size(), false);
  for (uint16_t s : shape_.slots()) is_slot_[s] = true;
  for (size_t i = 0; i < sk.size(); ++i) {
    all_.push_back(i);
    if (is_slot_[i] || !IsSoft(sk[i])) hard_.push_back(i);
  }
}

bool CodeReader::IsSoft(char c) const { return !IsAlnum(c) && alphabet_.FoldedIndex(c) < 0; }

ReadCode CodeReader::Match(std::string_view text, const std::vector<size_t>& positions, bool tolerant) const {
  ReadCode r;
  const std::string& sk = shape_.skeleton();
  r.code = sk;
  for (size_t k = 0; k < positions.size(); ++k) {
    const size_t pos = positions[k];
    const char t = text[k];
    const std::string at = "character " + std::to_string(pos + 1) + " is " + Quoted(t);
    if (is_slot_[pos]) {
      int f = alphabet_.FoldedIndex(t);
      if (f >= 0) {
        // Keep the typed case when the alphabet has it (mixed-case alphabets), else write the symbol.
        r.code[pos] = alphabet_.symbols().find(t) != std::string::npos ? t : canonical_[f];
      } else {
        for (char cand : tolerant ? LookAlikes(Upper(t)) : std::string_view()) {
          if ((f = alphabet_.FoldedIndex(cand)) < 0) continue;
          r.code[pos] = canonical_[f];
          r.look_alikes.push_back({pos, t, canonical_[f]});
          break;
        }
        if (f < 0) {
          r.problem = at + ", which this campaign's codes never use";
          return r;
        }
      }
      r.folded.push_back(static_cast<uint8_t>(f));
      continue;
    }
    const char want = sk[pos];
    if (Upper(t) == Upper(want)) continue;
    bool read = false;
    for (char cand : tolerant ? LookAlikes(Upper(t)) : std::string_view())
      if (cand == Upper(want)) {
        r.look_alikes.push_back({pos, t, want});
        read = true;
        break;
      }
    if (!read) {
      r.problem = at + " where the campaign's codes have " + Quoted(want);
      return r;
    }
  }
  r.ok = true;
  r.problem.clear();
  return r;
}

ReadCode CodeReader::ReadExact(std::string_view code) const {
  if (code.size() != shape_.length()) {
    ReadCode r;
    r.problem = "has " + std::to_string(code.size()) + " characters, expected " + std::to_string(shape_.length());
    return r;
  }
  return Match(code, all_, /*tolerant=*/false);
}

ReadCode CodeReader::ReadTyped(std::string_view typed) const {
  std::string compact;
  for (char c : typed) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ReadCode r;
      r.problem = "contains a character that is not ASCII";
      return r;
    }
    if (!IsSpace(c)) compact.push_back(c);
  }
  if (compact.empty()) {
    ReadCode r;
    r.problem = "is empty";
    return r;
  }
  // As typed, separators included.
  ReadCode as_typed;
  if (compact.size() == all_.size()) {
    as_typed = Match(compact, all_, /*tolerant=*/true);
    if (as_typed.ok) return as_typed;
  }
  // Without separators, on either side.
  std::string hard;
  for (char c : compact)
    if (!IsSoft(c)) hard.push_back(c);
  if (hard.size() == hard_.size()) return Match(hard, hard_, /*tolerant=*/true);
  if (compact.size() == all_.size()) return as_typed;
  ReadCode r;
  r.problem = "has " + std::to_string(hard.size()) + " characters without spaces and separators, expected " +
              std::to_string(hard_.size());
  return r;
}

}  // namespace coupongen
