#include "codes/symbol_drawer.h"

namespace coupongen {

namespace {
constexpr size_t kBufferBytes = 64 * 1024;  // one RAND_bytes call per 64 KiB
}

SymbolDrawer::SymbolDrawer(RandomSource& source, unsigned k)
    : source_(source), k_(k), limit_(256 - 256 % k), pos_(kBufferBytes) {
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
    unsigned b = buf_[pos_++];
    ++consumed_;
    if (b < limit_) out[filled++] = static_cast<uint8_t>(b % k_);
  }
  return Status::Ok();
}

}  // namespace coupongen
