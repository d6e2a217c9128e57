// Diagnostics: every message to the user goes through here, to stderr, with one prefix
// ("coupongen: error: ", "coupongen: warning: "). stdout is for data only.
#pragma once

#include <ostream>
#include <string>

#include "base/problem.h"
#include "base/status.h"

namespace coupongen {

class Diagnostics {
 public:
  /// `err` must outlive this object. `quiet` (-q) silences everything but errors.
  Diagnostics(std::ostream& err, bool quiet) : err_(err), quiet_(quiet) {}

  void Error(const std::string& message);
  void Warn(const std::string& message);
  /// Summaries and notes: suppressed by -q.
  void Info(const std::string& message);
  /// Prints a Problem as an error or warning. When `source` holds the spec text and the problem
  /// has a line, the line follows with a caret under the column (as compilers show them).
  void Report(const Problem& p, const std::string& source = "");
  /// Reports every problem; returns the number of errors among them.
  int ReportAll(const Problems& problems, const std::string& source = "");
  /// Prints a failed Status as an error and returns its exit code.
  int Fail(const Status& s);

  bool quiet() const { return quiet_; }
  std::ostream& stream() { return err_; }

 private:
  std::ostream& err_;
  bool quiet_;
};

/// The line `line` (1-based) of `text`, without its line break; "" when there is none.
std::string LineOf(const std::string& text, int line);

}  // namespace coupongen
