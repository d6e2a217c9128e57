// The program's front door: the command table dispatches, lists help and suggests typos
// (ninja's Tool table and ChooseTool).
#pragma once

#include <string>
#include <vector>

#include "cli/command.h"

namespace coupongen {

/// Runs coupongen with `args` (argv without the program name); returns the exit code.
int RunCommandLine(const std::vector<std::string>& args, Context& ctx);

/// main(): the real streams, the OpenSSL CSPRNG, the clock.
int RunMain(int argc, char** argv);

}  // namespace coupongen
