// Progress: "codes done, rate, time left" on stderr, redrawn in place at most a few times a
// second. Only on a terminal or with --progress; never on stdout.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>

namespace coupongen {

class Progress {
 public:
  /// `out` must outlive this object; nothing is printed unless `enabled`. On a terminal the line
  /// is redrawn in place; elsewhere (--progress into a log) a plain line is printed each second.
  Progress(std::ostream& out, uint64_t total, bool enabled, bool terminal);
  /// Call as often as you like: checks the clock only every 65,536 codes.
  void Update(uint64_t done) {
    if (enabled_ && (done & 0xFFFF) == 0) Draw(done, false);
  }
  /// Clears the line (a terminal) or prints the final count (a pipe or file).
  void Finish(uint64_t done);

 private:
  void Draw(uint64_t done, bool force);

  std::ostream& out_;
  uint64_t total_;
  bool enabled_;
  bool terminal_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace coupongen
