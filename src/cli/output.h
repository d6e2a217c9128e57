// Where a command's data goes: stdout, or a file written atomically (temporary file beside it,
// mode 0600, renamed into place by Commit()).
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "cli/command.h"
#include "io/atomic_file.h"
#include "io/coupon_writer.h"
#include "io/sink.h"
#include "spec/plan.h"

namespace coupongen {

struct Output {
  std::unique_ptr<AtomicFile> file;  // null: stdout
  std::unique_ptr<OstreamSink> stdout_sink;
  OutputSink* sink = nullptr;        // whichever of the two

  /// Flushes (and for a file, fsyncs) the data. The target is still untouched.
  Status Close() { return sink->Close(); }
  /// Makes a file visible under its name; nothing for stdout. REQUIRES: Close() succeeded.
  Status Commit() { return file ? file->Commit() : Status::Ok(); }
  std::string Describe(const std::string& path) const { return stdout_sink ? "stdout" : path; }
};

/// Opens `path` ("-" = stdout). Without `force`, an existing file is an error and stays untouched.
/// A device, FIFO or socket is refused (never renamed over): write to stdout and redirect it.
/// Installs the signal handlers that remove the temporary file on SIGINT/SIGTERM/SIGHUP.
Result<Output> OpenOutput(const std::string& path, bool force, Context& ctx);

/// How a plan's coupons are written: format, attributes, and the imports documents' campaign,
/// parent rule and chunk size (plain_codes is left to the caller: it depends on the generator).
WriterOptions WriterOptionsFor(const Plan& plan);

/// True when writing `path` would replace an existing file (not stdout, a device or a FIFO):
/// what needs --force.
bool WouldReplace(const std::string& path);

}  // namespace coupongen
