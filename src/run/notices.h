// What a run tells the person running it. The library never prints: cli/ implements this with its
// Diagnostics (stderr, -q) and Progress.
#pragma once

#include <cstdint>
#include <string>

#include "base/problem.h"

namespace coupongen {

class RunNotices {
 public:
  virtual ~RunNotices() = default;
  /// A note, a whole line ("coupongen: excluding ..."); -q hides it.
  virtual void Info(const std::string& line) = 0;
  /// A warning (shown after "coupongen: warning: "); -q hides it.
  virtual void Warn(const std::string& message) = 0;
  /// A warning even -q shows (--seed's predictable codes must never pass unnoticed).
  virtual void Alert(const std::string& message) = 0;
  /// A problem of the spec, located in its text.
  virtual void SpecProblem(const Problem& problem) = 0;
  /// Progress: `total` codes are about to be made; `done` of them are; all are written.
  virtual void Start(uint64_t total) = 0;
  virtual void Advance(uint64_t done) = 0;
  virtual void Finish(uint64_t done) = 0;
};

}  // namespace coupongen
