// generate --report PATH: a JSON run report for monitoring (campaign, count, format, the output's
// path, size and SHA-256, expiry, keyspace, entropy, timings), written atomically after the run.
#pragma once

#include <optional>
#include <string>

#include "cli/command.h"
#include "cli/output.h"
#include "spec/plan.h"

namespace coupongen {

struct RunReport {
  RunReport(const Plan& plan, TimeMs now) : now(now) { (void)plan; }
  TimeMs now;
  double generate_seconds = 0;
};

/// The bytes of a committed output: the file's size (an xlsx is written around the sink), or what
/// went to stdout.
unsigned long long OutputBytes(const std::string& path, const Output& out);

/// The SHA-256 of a file, as lowercase hex; an IoError when it cannot be read.
Result<std::string> FileSha256(const std::string& path);

/// Writes the report to `path` when given (after the outputs were committed) and returns the
/// exit code: 0, or 1 when the report could not be written (the codes are delivered).
int FinishReport(const RunReport& report, const std::optional<std::string>& path, const Plan& plan, double seconds,
                 bool force, Context& ctx, Diagnostics& diag);

}  // namespace coupongen
