// The Commerce Layer emulator (tests/cl/cl_emulator.py) as a test fixture: started on an ephemeral
// port of 127.0.0.1 with a lifetime limit, controlled over HTTP, killed at the end.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "testing/subprocess.h"

namespace coupongen::testing {

class ClEmulator {
 public:
  explicit ClEmulator(std::vector<std::string> extra_args = {});
  ~ClEmulator();
  ClEmulator(const ClEmulator&) = delete;
  ClEmulator& operator=(const ClEmulator&) = delete;

  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  bool schema_checked() const { return schema_; }
  nlohmann::json Stats();
  void Control(const std::string& path, const nlohmann::json& body);
  void Stop();

 private:
  int pid_ = -1;
  int port_ = 0;
  bool schema_ = false;
};

constexpr const char* kClientId = "test-client-id";
constexpr const char* kClientSecret = "test-client-secret";

/// Runs coupongen under `timeout -s KILL 120` with the Commerce Layer variables set for `emu`
/// (credentials, auth and API URLs), waits scaled down (COUPONGEN_TEST_TIME_SCALE), and
/// `extra_env` ("NAME=value") on top.
RunResult RunAgainst(const ClEmulator* emu, const std::vector<std::string>& args,
                     const std::vector<std::string>& extra_env = {}, const std::string& cwd = "");

/// A CSV of `n` coupons "<prefix>00000000".. with promotion rule `rule` and usage_limit 1.
std::string CouponsCsv(const std::string& prefix, int n, const std::string& rule = "RuleAbcDef");

}  // namespace coupongen::testing
