#include "io/input_buffer.h"

#include <cstring>

namespace coupongen {

InputBuffer::InputBuffer(std::unique_ptr<ByteSource> source, size_t chunk)
    : source_(std::move(source)), chunk_(chunk), buf_(new char[2 * chunk]), capacity_(2 * chunk) {}

bool InputBuffer::Refill() {
  if (eof_ || !status_.ok()) return false;
  size_t live = end_ - begin_;
  // Compact: move the unconsumed bytes to the front.
  if (begin_ > 0) {
    if (live > 0) std::memmove(buf_.get(), buf_.get() + begin_, live);
    dropped_ += begin_;
    begin_ = 0;
    end_ = live;
  }
  // Grow so that a whole chunk fits after the live bytes; give back memory a huge unit took
  // once the live bytes are small again.
  size_t capacity = capacity_;
  if (capacity_ - end_ < chunk_) {
    while (capacity - end_ < chunk_) capacity *= 2;
  } else if (capacity_ > 8 * chunk_ && end_ < chunk_) {
    capacity = 2 * chunk_;
  }
  if (capacity != capacity_) {
    std::unique_ptr<char[]> resized(new char[capacity]);
    std::memcpy(resized.get(), buf_.get(), end_);
    buf_ = std::move(resized);
    capacity_ = capacity;
  }
  Result<size_t> got = source_->Read(buf_.get() + end_, capacity_ - end_);
  if (!got.ok()) {
    status_ = got.status();
    return false;
  }
  if (*got == 0) {
    eof_ = true;
    return false;
  }
  end_ += *got;
  return true;
}

bool InputBuffer::Ensure(size_t n) {
  while (size() < n)
    if (!Refill()) return status_.ok();
  return true;
}

}  // namespace coupongen
