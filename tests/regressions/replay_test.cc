// Replays every input a fuzzer ever crashed on (tests/regressions/<target>/) and every seed of the
// fuzz corpora (fuzz/corpus/<target>/) through the fuzz targets' own entry points, so the normal
// (GCC) test run keeps them fixed. A failed invariant aborts the test binary, after the file's
// name was printed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "fuzz_entry_points.h"

namespace coupongen {
namespace {

namespace fs = std::filesystem;

// Runs `run` on every file under the target's regression and corpus directories; returns how
// many it ran.
size_t ReplayAll(const std::string& target, void (*run)(const uint8_t*, size_t)) {
  size_t n = 0;
  for (const std::string& dir : {COUPONGEN_SOURCE_DIR "/tests/regressions/" + target,
                                COUPONGEN_SOURCE_DIR "/fuzz/corpus/" + target}) {
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      std::string data = ss.str();
      std::cerr << "replaying " << entry.path().string() << "\n";
      run(reinterpret_cast<const uint8_t*>(data.data()), data.size());
      ++n;
    }
  }
  return n;
}

TEST(FuzzRegressionTest, SpecInputs) { EXPECT_GT(ReplayAll("spec_fuzzer", fuzz::RunSpec), 10u); }
TEST(FuzzRegressionTest, ReaderInputs) { EXPECT_GT(ReplayAll("reader_fuzzer", fuzz::RunReader), 10u); }
TEST(FuzzRegressionTest, TextInputs) { EXPECT_GT(ReplayAll("text_fuzzer", fuzz::RunText), 10u); }

}  // namespace
}  // namespace coupongen
