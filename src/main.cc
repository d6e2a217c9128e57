// coupongen: entry point. Builds the real dependencies and hands over to the command table.
#include "cli/subcommands.h"

int main(int argc, char** argv) { return coupongen::RunMain(argc, argv); }
