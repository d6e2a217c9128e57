#include "cli/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace coupongen {

bool WouldReplace(const std::string& path) {
  struct stat st;
  return path != "-" && lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

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

WriterOptions WriterOptionsFor(const Plan& plan) {
  WriterOptions wo;
  wo.format = plan.format;
  wo.fields = plan.fields;
  wo.campaign = plan.campaign;
  wo.parent_rule_id = plan.base.promotion_rule_id;
  wo.chunk_size = plan.chunk_size;
  return wo;
}

}  // namespace coupongen
