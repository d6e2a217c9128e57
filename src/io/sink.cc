#include "io/sink.h"

#include <cerrno>
#include <cstring>
#include <unistd.h>

#include "base/interrupt.h"

namespace coupongen {

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      // A signal deferred while the ledger is written (base/interrupt.h) ends a blocked write.
      if (errno == EINTR && !PendingInterrupt()) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

Status FdSink::Append(std::string_view data) {
  if (PendingInterrupt()) return InterruptedStatus();  // a deferred signal: stop (base/interrupt.h)
  if (!WriteAll(fd_, data)) return Status::IoError("cannot write to " + name_ + ": " + std::strerror(errno));
  bytes_ += data.size();
  return Status::Ok();
}

Status OstreamSink::Append(std::string_view data) {
  if (PendingInterrupt()) return InterruptedStatus();
  out_.write(data.data(), static_cast<std::streamsize>(data.size()));
  if (!out_) return Status::IoError("cannot write to " + name_);
  bytes_ += data.size();
  return Status::Ok();
}

Status OstreamSink::Close() {
  out_.flush();
  return out_ ? Status::Ok() : Status::IoError("cannot write to " + name_);
}

}  // namespace coupongen
