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

/// Takes bytes and keeps none (-o /dev/null; tests that only count).
class DiscardSink : public OutputSink {
 public:
  Status Append(std::string_view data) override {
    bytes_ += data.size();
    return Status::Ok();
  }
  Status Close() override { return Status::Ok(); }
  unsigned long long bytes_written() const override { return bytes_; }

 private:
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

}  // namespace coupongen
