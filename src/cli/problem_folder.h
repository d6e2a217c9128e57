// ProblemFolder: reports the problems of data rows without repeating one problem a million times.
// The first few rows with the same column and message are shown as they are; the rest are counted
// and said once at the end ("... and 99,998 more rows: promotion_rule_id: is required ...").
#pragma once

#include <map>
#include <string>
#include <utility>

#include "base/problem.h"
#include "base/strings.h"
#include "cli/diagnostics.h"

namespace coupongen {

class ProblemFolder {
 public:
  static constexpr uint64_t kShown = 3;  // rows shown per problem before folding

  explicit ProblemFolder(Diagnostics& diag) : diag_(diag) {}

  void Report(const Problem& p) {
    if (seen_.size() >= 10000 && !seen_.count({p.key, p.message})) {  // messages that name values: no folding
      diag_.Report(p);
      return;
    }
    auto& seen = seen_[{p.key, p.message}];
    if (seen.shown < kShown) {
      ++seen.shown;
      diag_.Report(p);
      return;
    }
    if (seen.more++ == 0) seen.severity = p.severity;
    if (!p.is_error()) return;
    seen.severity = Problem::Severity::kError;
  }

  /// Says how many more rows had each folded problem.
  void Finish() {
    for (const auto& [key, seen] : seen_) {
      if (!seen.more) continue;
      std::string text = "... and " + WithThousands(seen.more) + (seen.more == 1 ? " more row: " : " more rows: ") +
                         (key.first.empty() ? "" : key.first + ": ") + key.second;
      if (seen.severity == Problem::Severity::kError) diag_.Error(text);
      else diag_.Warn(text);
    }
    seen_.clear();
  }

 private:
  struct Seen {
    uint64_t shown = 0, more = 0;
    Problem::Severity severity = Problem::Severity::kWarning;
  };
  Diagnostics& diag_;
  std::map<std::pair<std::string, std::string>, Seen> seen_;
};

}  // namespace coupongen
