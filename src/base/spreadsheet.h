// What a spreadsheet (Excel, LibreOffice) does to CSV values it opens: runs text that starts like
// a formula, and turns codes that look like numbers into numbers (leading zeros dropped, 052E4928
// read as 5.2E+4929). The warnings of generate, lint and convert come from here.
#pragma once

#include <string>
#include <string_view>

namespace coupongen {

/// True when a spreadsheet would run `value` as a formula: it starts with '=', '+', '-', '@', a
/// tab or a carriage return.
bool LooksLikeFormula(std::string_view value);

/// True when a spreadsheet would read `code` as a number and change it: all digits (leading
/// zeros dropped, more than 15 digits rounded), or digits 'E' digits (scientific notation).
bool SpreadsheetWouldChange(std::string_view code);

/// The warning text for a formula-like value: "starts with '=': a spreadsheet would run it as a
/// formula".
std::string FormulaWarning(std::string_view value);

}  // namespace coupongen
