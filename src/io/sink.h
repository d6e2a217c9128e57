// OutputSink: where writers put bytes (leveldb's WritableFile). Writers take a sink, not a file
// name, so stdout, an atomic temp file and a std::string in tests are interchangeable.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "base/status.h"

namespace coupongen {

class OutputSink {
 public:
  virtual ~OutputSink() = default;
  /// Appends bytes. Callers batch: each call may be a system call.
  virtual Status Append(std::string_view data) = 0;
  /// Flushes and finishes the sink; no Append after it.
  virtual Status Close() = 0;
  /// Bytes appended so far.
  virtual unsigned long long bytes_written() const = 0;
};

/// Writes to a file descriptor it does not own (stdout). Retries short writes and EINTR.
class FdSink : public OutputSink {
 public:
  explicit FdSink(int fd, std::string name = "stdout") : fd_(fd), name_(std::move(name)) {}
  Status Append(std::string_view data) override;
  Status Close() override { return Status::Ok(); }
  unsigned long long bytes_written() const override { return bytes_; }

 private:
  int fd_;
  std::string name_;
  unsigned long long bytes_ = 0;
};

/// Writes to a std::ostream it does not own (stdout in the program, a string stream in tests).
class OstreamSink : public OutputSink {
 public:
  explicit OstreamSink(std::ostream& out, std::string name = "stdout") : out_(out), name_(std::move(name)) {}
  Status Append(std::string_view data) override;
  Status Close() override;
  unsigned long long bytes_written() const override { return bytes_; }

 private:
  std::ostream& out_;
  std::string name_;
  unsigned long long bytes_ = 0;
};

/// Writes every byte of `data` to `fd`, retrying short writes and EINTR. Returns false with errno
/// set on failure.
bool WriteAll(int fd, std::string_view data);

}  // namespace coupongen
