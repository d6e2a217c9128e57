// coupongen: entry point. Builds the real dependencies and hands over to the command table.
#include "cli/subcommands.h"

#include <csignal>

int main(int argc, char** argv) {
  // A file-size limit (ulimit -f) must end in a write error we can clean up after, not a kill.
  std::signal(SIGXFSZ, SIG_IGN);
  return coupongen::RunMain(argc, argv);
}
