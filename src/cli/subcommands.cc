#include "cli/subcommands.h"

namespace coupongen {

int RunMain(int, char**) { return 0; }

}  // namespace coupongen
