// Problem: one thing wrong with a spec or a data file, located so a user can fix it.
// A list of problems is how spec/ and io/ report every error of an input in one run.
#pragma once

#include <algorithm>
#include <climits>
#include <string>
#include <vector>

namespace coupongen {

struct Problem {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  std::string where;    // "spec.yaml:7:11" or "codes.csv:12" (may be empty)
  std::string key;      // "codes.length" or a column name (may be empty)
  std::string message;  // "must be at least 1"
  int line = 0;         // 1-based line of `where` in a spec (0: none), for the caret
  int column = 0;       // 1-based column

  /// "WHERE: KEY: MESSAGE", leaving out empty parts.
  std::string ToString() const {
    std::string s;
    if (!where.empty()) s += where + ": ";
    if (!key.empty()) s += key + ": ";
    s += message;
    return s;
  }
  bool is_error() const { return severity == Severity::kError; }
};

using Problems = std::vector<Problem>;

/// A problem at LINE:COLUMN (1-based) of a spec `file`: where is "FILE:LINE:COLUMN", or just
/// "FILE" when `line` is 0 (a key left to its default has no place).
inline Problem ProblemAt(const std::string& file, int line, int column, std::string key, std::string message,
                         Problem::Severity severity = Problem::Severity::kError) {
  Problem p;
  p.severity = severity;
  p.where = line ? file + ":" + std::to_string(line) + ":" + std::to_string(column) : file;
  p.key = std::move(key);
  p.message = std::move(message);
  p.line = line;
  p.column = column;
  return p;
}

/// Orders problems as a reader meets them: located ones by line and column, then the rest.
inline void SortByPosition(Problems* problems) {
  std::stable_sort(problems->begin(), problems->end(), [](const Problem& a, const Problem& b) {
    int la = a.line ? a.line : INT_MAX, lb = b.line ? b.line : INT_MAX;
    return la != lb ? la < lb : a.column < b.column;
  });
}

inline bool HasErrors(const Problems& problems) {
  for (const auto& p : problems)
    if (p.is_error()) return true;
  return false;
}

}  // namespace coupongen
