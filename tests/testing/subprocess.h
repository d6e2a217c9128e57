// Runs a program the way a user would (fork, exec, pipes) and captures what it printed, for
// end-to-end tests of the built binary (mold's test/*.sh, ninja's misc/output_test.py).
#pragma once

#include <string>
#include <vector>

namespace coupongen::testing {

struct RunResult {
  int exit_code = -1;  // the exit status; 128 + N when killed by signal N; -1 when it could not start
  std::string out;     // everything written to stdout
  std::string err;     // everything written to stderr
};

/// Runs argv[0] (looked up in PATH when it has no '/') with `argv`, feeding `stdin_text` on stdin,
/// and waits for it. The child inherits the environment and working directory. Both output pipes
/// are drained together, so a chatty child cannot deadlock on a full pipe.
RunResult Run(const std::vector<std::string>& argv, const std::string& stdin_text = "");

/// The built coupongen (COUPONGEN_BINARY) with `args`.
RunResult RunCoupongen(const std::vector<std::string>& args, const std::string& stdin_text = "");

}  // namespace coupongen::testing
