#include "base/spreadsheet.h"

namespace coupongen {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool LooksLikeFormula(std::string_view v) {
  if (v.empty()) return false;
  char c = v[0];
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

// One pass, no search: generate checks every csv code, and most codes end at their first
// character (a letter). Digits, optionally followed by E or e, an optional sign and more digits.
bool SpreadsheetWouldChange(std::string_view code) {
  const size_t n = code.size();
  size_t i = 0;
  while (i < n && IsDigit(code[i])) ++i;
  if (i == n) return n > 0;
  if (i == 0 || (code[i] != 'E' && code[i] != 'e')) return false;
  if (++i < n && (code[i] == '+' || code[i] == '-')) ++i;
  if (i == n) return false;
  while (i < n && IsDigit(code[i])) ++i;
  return i == n;
}

std::string FormulaWarning(std::string_view v) {
  std::string first = v[0] == '\t' ? "a tab" : v[0] == '\r' ? "a carriage return" : std::string("'") + v[0] + "'";
  return "starts with " + first + ": a spreadsheet opening the file would run it as a formula";
}

}  // namespace coupongen
