#include "cli/output.h"

namespace coupongen {

Result<Output> OpenOutput(const std::string& path, bool force, Context& ctx) {
  Output out;
  if (path == "-") {
    out.stdout_sink = std::make_unique<OstreamSink>(ctx.out);
    out.sink = out.stdout_sink.get();
    return out;
  }
  InstallCleanupSignalHandlers();
  auto file = AtomicFile::Create(path, force);
  if (!file.ok()) return file.status();
  out.file = std::move(file).value();
  out.sink = out.file.get();
  return out;
}

}  // namespace coupongen
