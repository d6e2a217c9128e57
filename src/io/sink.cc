#include "io/sink.h"

#include "base/interrupt.h"

namespace coupongen {

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
