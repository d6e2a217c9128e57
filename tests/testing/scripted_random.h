// Test-only byte sources (leveldb's util/random.h is honest about what it is; so are these).
// They live under tests/ so they can never be linked into the coupongen binary.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "codes/random_source.h"

namespace coupongen::testing {

/// Replays a fixed script of bytes, cycling when it runs out; counts what was drawn.
class ScriptedRandom : public RandomSource {
 public:
  explicit ScriptedRandom(std::vector<uint8_t> script) : script_(std::move(script)) {}
  Status Fill(std::span<uint8_t> out) override {
    for (auto& b : out) b = script_[pos_++ % script_.size()];
    drawn_ += out.size();
    return Status::Ok();
  }
  uint64_t drawn() const { return drawn_; }

 private:
  std::vector<uint8_t> script_;
  size_t pos_ = 0;
  uint64_t drawn_ = 0;
};

/// Always fails, like a machine with no entropy source.
class FailingRandom : public RandomSource {
 public:
  Status Fill(std::span<uint8_t>) override { return Status::IoError("no randomness: test source failed"); }
};

}  // namespace coupongen::testing
