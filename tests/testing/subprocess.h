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
};

/// Runs argv[0] (a path, or a name looked up in PATH) with `argv`, feeding `stdin_text`, in `cwd` (empty: the current directory).
RunResult Run(const std::vector<std::string>& argv, const std::string& stdin_text = "", const std::string& cwd = "");

/// Runs the built coupongen with `args`.
RunResult RunCoupongen(const std::vector<std::string>& args, const std::string& stdin_text = "", const std::string& cwd = "");

/// A fresh empty directory under the test temp dir, removed by the caller (or left for debugging).
std::string MakeTempDir();

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
