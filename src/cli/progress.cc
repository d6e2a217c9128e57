#include "cli/progress.h"

#include <cstdio>

#include "base/strings.h"

namespace coupongen {

Progress::Progress(std::ostream& out, uint64_t total, bool enabled, bool terminal)
    : out_(out), total_(total), enabled_(enabled), terminal_(terminal), start_(std::chrono::steady_clock::now()), last_(start_) {}

void Progress::Draw(uint64_t done, bool force) {
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_ < std::chrono::milliseconds(terminal_ ? 250 : 1000)) return;
  // Stay quiet for short runs: the first line appears after half a second.
  if (!force && now - start_ < std::chrono::milliseconds(500)) return;
  last_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
  double left = rate > 0 ? static_cast<double>(total_ - done) / rate : 0;
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s%s / %s codes (%3.0f%%)  %.1fM codes/s  %d:%02d left%s", terminal_ ? "\r" : "",
                WithThousands(done).c_str(), WithThousands(total_).c_str(),
                total_ ? 100.0 * static_cast<double>(done) / static_cast<double>(total_) : 100.0, rate / 1e6,
                static_cast<int>(left) / 60, static_cast<int>(left) % 60, terminal_ ? " \x1b[K" : "\n");
  out_ << buf << std::flush;
  drawn_ = true;
}

void Progress::Finish(uint64_t) {
  if (enabled_ && drawn_ && terminal_) out_ << "\r\x1b[K" << std::flush;
}

}  // namespace coupongen
