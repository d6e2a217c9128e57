// The drawer's lookup table must be exactly rejection sampling: accept b < 256 - 256 % k, give
// b % k, in stream order, for every alphabet size.
#include <gtest/gtest.h>

#include "codes/symbol_drawer.h"
#include "testing/scripted_random.h"

namespace coupongen {
namespace {

TEST(SymbolDrawerTableTest, EqualsRejectionSamplingForEveryK) {
  std::vector<uint8_t> bytes(256);
  for (int i = 0; i < 256; ++i) bytes[i] = static_cast<uint8_t>((i * 167 + 13) % 256);  // every value, shuffled
  for (unsigned k = 2; k <= 256; ++k) {
    const unsigned limit = 256 - 256 % k;
    std::vector<uint8_t> expected;
    for (int round = 0; round < 3; ++round)
      for (uint8_t b : bytes)
        if (b < limit) expected.push_back(static_cast<uint8_t>(b % k));
    testing::ScriptedRandom src(bytes);
    SymbolDrawer d(src, k);
    std::vector<uint8_t> got(expected.size());
    // Uneven request sizes, so requests end on rejected and accepted bytes alike.
    size_t done = 0;
    for (size_t step = 1; done < got.size(); step = step * 3 % 31 + 1) {
      size_t n = std::min(step, got.size() - done);
      ASSERT_TRUE(d.Draw(got.data() + done, n).ok());
      done += n;
    }
    ASSERT_EQ(got, expected) << "k=" << k;
  }
}

TEST(SymbolDrawerTableTest, CountsEveryByteConsumed) {
  testing::ScriptedRandom src({250, 5, 239, 240, 31, 255, 59});
  SymbolDrawer d(src, 30);
  uint8_t out[4];
  ASSERT_TRUE(d.Draw(out, 4).ok());
  EXPECT_EQ(d.bytes_consumed(), 7u);  // 250, 240 and 255 rejected
}

}  // namespace
}  // namespace coupongen
