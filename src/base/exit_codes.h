// Named process exit codes: the contract's table, in one place (ninja's exit_status.h).
#pragma once

namespace coupongen {

enum ExitCode : int {
  kExitSuccess = 0,     // success (warnings may have been printed)
  kExitFailure = 1,     // runtime failure: I/O, disk full, no randomness, ledger unavailable
  kExitUsage = 2,       // unknown command or option, missing argument
  kExitInvalid = 3,     // invalid spec or input data; nothing written
  kExitInfeasible = 4,  // not enough unique codes in the keyspace
  kExitPartial = 5,     // finished, but something was set aside (refused inputs, an interrupted import)
  kExitCredentials = 6, // Commerce Layer refused the credentials (token request 400/401)
};

}  // namespace coupongen
