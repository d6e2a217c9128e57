// A test-only ByteSource that serves a string at most `step` bytes per read, so that every scanner
// of a reader meets chunk boundaries everywhere.
#pragma once

#include <algorithm>
#include <cstring>
#include <string>

#include "io/byte_source.h"

namespace coupongen::testing {

class TrickleSource : public ByteSource {
 public:
  TrickleSource(std::string data, size_t step) : data_(std::move(data)), step_(step) {}
  Result<size_t> Read(char* buf, size_t n) override {
    size_t k = std::min({n, step_, data_.size() - pos_});
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }

 private:
  std::string data_;
  size_t step_;
  size_t pos_ = 0;
};

}  // namespace coupongen::testing
