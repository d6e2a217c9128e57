// Runs a program as a child process with the given stdin, capturing stdout, stderr and the exit
// status: end-to-end tests drive the built coupongen binary through it.
#pragma once

#include <string>
#include <vector>

namespace coupongen::testing {

struct RunResult {
  int exit_code = -1;   // the exit status, or 128 + signal number when killed
  std::string out;      // stdout
  std::string err;      // stderr
  bool timed_out = false;  // the child outlived the timeout: its process group was killed (SIGKILL)
};

/// How long a child may run before it (and every process of its group) is killed.
constexpr int kDefaultTimeoutSeconds = 120;

/// Runs argv[0] (a path, or a name looked up in PATH) with `argv`, feeding `stdin_text`, in `cwd`
/// (empty: the current directory). The child leads a new process group; after `timeout_seconds`
/// the whole group is killed and the result says timed_out (exit_code 137).
RunResult Run(const std::vector<std::string>& argv, const std::string& stdin_text = "", const std::string& cwd = "",
              int timeout_seconds = kDefaultTimeoutSeconds);

/// Runs the built coupongen with `args`.
RunResult RunCoupongen(const std::vector<std::string>& args, const std::string& stdin_text = "", const std::string& cwd = "");

/// A fresh empty directory under the test temp dir. It is removed, with everything in it, when
/// the test process exits (or earlier by the caller).
std::string MakeTempDir();

/// A fresh empty directory removed, with everything in it, when this object goes out of scope.
class TempDir {
 public:
  TempDir() : path_(MakeTempDir()) {}
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();
  const std::string& path() const { return path_; }
  /// path() + "/" + name.
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

/// Removes `path` and everything under it; no error if it is missing.
void RemoveTree(const std::string& path);

/// Writes `text` to `path`; reads a whole file ("" if missing).
void WriteFile(const std::string& path, const std::string& text);
std::string ReadFile(const std::string& path);
bool FileExists(const std::string& path);
/// The lines of `text`, without their line ends.
std::vector<std::string> Lines(const std::string& text);
/// The messages of stderr's "coupongen: error: " lines, without that prefix.
std::vector<std::string> ErrorLines(const std::string& err);

/// Names in a directory (without . and ..), sorted.
std::vector<std::string> ListDir(const std::string& dir);

}  // namespace coupongen::testing
