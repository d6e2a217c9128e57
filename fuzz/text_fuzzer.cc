// libFuzzer target: see fuzz_entry_points.h (RunText). Build with -DCOUPONGEN_FUZZ=ON (clang).
#include <cstddef>
#include <cstdint>

#include "fuzz_entry_points.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  coupongen::fuzz::RunText(data, size);
  return 0;
}
