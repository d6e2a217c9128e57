#include "codes/symbol_drawer.h"

#include <algorithm>

namespace coupongen {

namespace {
constexpr size_t kBufferBytes = 64 * 1024;  // one RAND_bytes call per 64 KiB
}

SymbolDrawer::SymbolDrawer(RandomSource& source, unsigned k) : source_(source), pos_(kBufferBytes) {
  const unsigned limit = 256 - 256 % k;
  for (unsigned b = 0; b < 256; ++b) symbol_of_byte_[b] = static_cast<uint16_t>(b < limit ? kAccepted | b % k : 0);
  buf_.resize(kBufferBytes);
}

Status SymbolDrawer::Refill() {
  COUPONGEN_RETURN_IF_ERROR(source_.Fill(buf_));
  pos_ = 0;
  return Status::Ok();
}

Status SymbolDrawer::Draw(uint8_t* out, size_t n) {
  size_t filled = 0;
  while (filled < n) {
    if (pos_ == buf_.size()) COUPONGEN_RETURN_IF_ERROR(Refill());
    // Each byte gives at most one symbol, so `step` bytes cannot overfill `out`. Every byte's
    // entry is stored, and `filled` advances only past accepted ones: a rejected byte's is
    // overwritten by the next.
    const uint8_t* in = buf_.data() + pos_;
    const size_t step = std::min(buf_.size() - pos_, n - filled);
    for (size_t i = 0; i < step; ++i) {
      const uint16_t entry = symbol_of_byte_[in[i]];
      out[filled] = static_cast<uint8_t>(entry);
      filled += entry >> 8;
    }
    pos_ += step;
    consumed_ += step;
  }
  return Status::Ok();
}

}  // namespace coupongen
