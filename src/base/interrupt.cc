#include "base/interrupt.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace coupongen {
namespace {

// Temporary files to remove if a signal arrives. Fixed storage: the handler may only call
// async-signal-safe functions (unlink, raise), so no allocation or locks there.
constexpr int kSlots = 16;
constexpr size_t kPathMax = 4096;
char g_paths[kSlots][kPathMax];
std::atomic<bool> g_used[kSlots];

std::atomic<bool> g_deferring{false};
std::atomic<int> g_pending{0};

void RemoveTempFiles() {
  for (int i = 0; i < kSlots; ++i)
    if (g_used[i].load()) unlink(g_paths[i]);
}

void OnSignal(int sig) {
  // Deferred: record the first signal and let the run unwind.
  if (g_deferring.load()) {
    int expected = 0;
    if (g_pending.compare_exchange_strong(expected, sig)) return;
  }
  RemoveTempFiles();
  signal(sig, SIG_DFL);
  raise(sig);
}

}  // namespace

void InstallInterruptHandlers() {
  static std::atomic<bool> installed{false};
  if (installed.exchange(true)) return;
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
}

int RegisterTempPath(const std::string& path) {
  if (path.size() >= kPathMax) return -1;
  for (int i = 0; i < kSlots; ++i) {
    bool expected = false;
    if (g_used[i].compare_exchange_strong(expected, true)) {
      std::memcpy(g_paths[i], path.c_str(), path.size() + 1);
      return i;
    }
  }
  return -1;
}

void UnregisterTempPath(int slot) {
  if (slot >= 0) g_used[slot].store(false);
}

int PendingInterrupt() { return g_pending.load(); }

Status InterruptedStatus() {
  int sig = g_pending.load();
  const char* name = sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP" : "a signal";
  return Status::IoError(std::string("interrupted by ") + name + ": nothing was committed");
}

DeferInterrupts::DeferInterrupts() {
  InstallInterruptHandlers();
  g_deferring.store(true);
}

DeferInterrupts::~DeferInterrupts() {
  g_deferring.store(false);
  int sig = g_pending.exchange(0);
  if (sig != 0) raise(sig);  // the handler removes what is left and the process dies of it
}

}  // namespace coupongen
