#include "testing/cl_emulator.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "cl/http.h"

namespace coupongen::testing {

ClEmulator::ClEmulator(std::vector<std::string> extra_args) {
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe");
  std::vector<std::string> argv = {"python3", std::string(COUPONGEN_SOURCE_DIR) + "/tests/cl/cl_emulator.py",
                                   "--lifetime", "240",
                                   "--schema", std::string(COUPONGEN_SOURCE_DIR) +
                                                   "/../shared/cl-openapi/commercelayer-core-openapi-3.6.0.subset.json"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], 1);
    close(out[0]);
    close(out[1]);
    std::vector<char*> a;
    for (auto& s : argv) a.push_back(s.data());
    a.push_back(nullptr);
    execvp(a[0], a.data());
    _exit(127);
  }
  close(out[1]);
  std::string line;
  char c;
  while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
  close(out[0]);
  char mode[32] = {0};
  if (std::sscanf(line.c_str(), "PORT %d %31s", &port_, mode) < 1 || port_ <= 0) {
    Stop();
    throw std::runtime_error("the emulator did not start: '" + line + "'");
  }
  schema_ = std::string(mode) == "schema";
}

ClEmulator::~ClEmulator() { Stop(); }

void ClEmulator::Stop() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
}

namespace {
cl::HttpResult Send(const std::string& method, const std::string& url, const std::string& body) {
  static auto http = cl::MakeCurlHttpClient("");
  cl::HttpRequest req;
  req.method = method;
  req.url = url;
  req.body = body;
  req.timeout_ms = 20000;
  if (!body.empty()) req.headers = {{"Content-Type", "application/json"}};
  return http->Send(req);
}
}  // namespace

nlohmann::json ClEmulator::Stats() {
  auto r = Send("GET", base() + "/__control/stats", "");
  if (!r.ok()) throw std::runtime_error("emulator stats: " + r.error_message);
  return nlohmann::json::parse(r.response.body);
}

void ClEmulator::Control(const std::string& path, const nlohmann::json& body) {
  auto r = Send("POST", base() + "/__control/" + path, body.dump());
  if (!r.ok() || r.response.status != 200) throw std::runtime_error("emulator control " + path + " failed");
}

RunResult RunAgainst(const ClEmulator* emu, const std::vector<std::string>& args,
                     const std::vector<std::string>& extra_env, const std::string& cwd) {
  std::vector<std::string> argv = {"env", "-u", "COUPONGEN_TEST_CRASH_AT", "-u", "CL_API_URL", "-u", "CL_AUTH_URL",
                                   "-u", "CL_SCOPE",
                                   std::string("CL_CLIENT_ID=") + kClientId,
                                   std::string("CL_CLIENT_SECRET=") + kClientSecret,
                                   "COUPONGEN_TEST_TIME_SCALE=0.01"};
  if (emu) {
    argv.push_back("CL_AUTH_URL=" + emu->base() + "/oauth/token");
    argv.push_back("CL_API_URL=" + emu->base());
  }
  argv.insert(argv.end(), extra_env.begin(), extra_env.end());
  for (const char* a : {"timeout", "-s", "KILL", "120", COUPONGEN_BINARY}) argv.push_back(a);
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(argv, "", cwd);
}

std::string CouponsCsv(const std::string& prefix, int n, const std::string& rule) {
  std::string s = "code,promotion_rule_id,usage_limit\n";
  char buf[64];
  for (int i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "%s%08d,%s,1\n", prefix.c_str(), i, rule.c_str());
    s += buf;
  }
  return s;
}

}  // namespace coupongen::testing
