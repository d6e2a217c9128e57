#include "base/spreadsheet.h"

namespace coupongen {
namespace {

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

bool LooksLikeFormula(std::string_view v) {
  if (v.empty()) return false;
  char c = v[0];
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

bool SpreadsheetWouldChange(std::string_view code) {
  if (AllDigits(code)) return true;
  size_t e = code.find_first_of("Ee");
  if (e == std::string_view::npos || e == 0) return false;
  std::string_view exponent = code.substr(e + 1);
  if (!exponent.empty() && (exponent[0] == '+' || exponent[0] == '-')) exponent.remove_prefix(1);
  return AllDigits(code.substr(0, e)) && AllDigits(exponent);
}

std::string FormulaWarning(std::string_view v) {
  std::string first = v[0] == '\t' ? "a tab" : v[0] == '\r' ? "a carriage return" : std::string("'") + v[0] + "'";
  return "starts with " + first + ": a spreadsheet opening the file would run it as a formula";
}

}  // namespace coupongen
