// Where a command's data goes: stdout, or a file written atomically (temporary file beside it,
// mode 0600, renamed into place by Commit()).
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "cli/command.h"
#include "io/atomic_file.h"
#include "io/sink.h"

namespace coupongen {

struct Output {
  std::unique_ptr<AtomicFile> file;  // null: stdout
  std::unique_ptr<OstreamSink> stdout_sink;
  std::unique_ptr<OutputSink> device;  // an existing device or FIFO (/dev/null), written directly
  OutputSink* sink = nullptr;        // whichever of the three

  /// Flushes (and for a file, fsyncs) the data. The target is still untouched.
  Status Close() { return sink->Close(); }
  /// Makes a file visible under its name; nothing for stdout. REQUIRES: Close() succeeded.
  Status Commit() { return file ? file->Commit() : Status::Ok(); }
  std::string Describe(const std::string& path) const { return stdout_sink ? "stdout" : path; }
};

/// Opens `path` ("-" = stdout). Without `force`, an existing file is an error and stays untouched.
/// An existing character device or FIFO (/dev/null, a named pipe) is written directly: there is no
/// file to replace atomically.
/// Installs the signal handlers that remove the temporary file on SIGINT/SIGTERM/SIGHUP.
Result<Output> OpenOutput(const std::string& path, bool force, Context& ctx);

/// True when writing `path` would replace an existing file (not stdout, a device or a FIFO):
/// what needs --force.
bool WouldReplace(const std::string& path);

}  // namespace coupongen
