#include "cli/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace coupongen {
namespace {

// A device or FIFO we opened and own.
class DeviceSink : public OutputSink {
 public:
  DeviceSink(int fd, std::string name) : fd_(fd), inner_(fd, std::move(name)) {}
  ~DeviceSink() override { ::close(fd_); }
  Status Append(std::string_view data) override { return inner_.Append(data); }
  Status Close() override { return Status::Ok(); }
  unsigned long long bytes_written() const override { return inner_.bytes_written(); }

 private:
  int fd_;
  FdSink inner_;
};

}  // namespace

bool WouldReplace(const std::string& path) {
  struct stat st;
  return path != "-" && lstat(path.c_str(), &st) == 0 && !S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode);
}

Result<Output> OpenOutput(const std::string& path, bool force, Context& ctx) {
  Output out;
  if (path == "-") {
    out.stdout_sink = std::make_unique<OstreamSink>(ctx.out);
    out.sink = out.stdout_sink.get();
    return out;
  }
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return Status::IoError("cannot open " + path + ": " + std::strerror(errno));
    out.device = std::make_unique<DeviceSink>(fd, path);
    out.sink = out.device.get();
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
