// The command table: dispatch, help listing and "did you mean" all read it (ninja's Tool table).
#pragma once

namespace coupongen {

/// Parses the command line and runs the chosen subcommand; returns the process exit code.
int RunMain(int argc, char** argv);

}  // namespace coupongen
