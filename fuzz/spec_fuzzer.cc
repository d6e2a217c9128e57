// libFuzzer target: see fuzz_entry_points.h (RunSpec). Build with -DCOUPONGEN_FUZZ=ON (clang).
#include <cstddef>
#include <cstdint>

#include "fuzz_entry_points.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  coupongen::fuzz::RunSpec(data, size);
  return 0;
}
