// InputBuffer: a growable window of contiguous bytes over a ByteSource, for scanners that work
// on plain pointers (memchr, tight loops) and need one whole unit (a CSV record, a JSON value)
// in memory at a time. Memory is the largest unit a scanner asks to keep, plus one chunk.
#pragma once

#include <cstddef>
#include <memory>

#include "base/status.h"
#include "io/byte_source.h"

namespace coupongen {

class InputBuffer {
 public:
  static constexpr size_t kDefaultChunk = 256 << 10;

  explicit InputBuffer(std::unique_ptr<ByteSource> source, size_t chunk = kDefaultChunk);

  /// The unconsumed bytes: [data(), data() + size()). Valid until the next Refill().
  const char* data() const { return buf_.get() + begin_; }
  size_t size() const { return end_ - begin_; }

  /// Reads more bytes after the unconsumed ones (which stay, but may move: keep offsets, not
  /// pointers, across a refill). Returns false when nothing more could be read: at the end of
  /// the input (eof() true) or on an error (status() not ok).
  bool Refill();

  /// Refills until at least `n` bytes are unconsumed or the input ends. False on error.
  bool Ensure(size_t n);

  /// Drops the first `n` unconsumed bytes (n <= size()).
  void Consume(size_t n) { begin_ += n; }

  bool eof() const { return eof_; }
  const Status& status() const { return status_; }
  /// Total bytes consumed so far.
  unsigned long long consumed() const { return dropped_ + begin_; }

 private:
  std::unique_ptr<ByteSource> source_;
  size_t chunk_;
  std::unique_ptr<char[]> buf_;
  size_t capacity_ = 0;
  size_t begin_ = 0;
  size_t end_ = 0;
  unsigned long long dropped_ = 0;  // bytes discarded by compaction
  bool eof_ = false;
  Status status_;
};

}  // namespace coupongen
