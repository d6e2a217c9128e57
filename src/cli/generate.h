// Rules of `generate` that other commands running it (generate --upload) share.
#pragma once

#include <optional>
#include <string>

#include "base/status.h"
#include "cli/output.h"
#include "spec/plan.h"

namespace coupongen {

/// --seed makes predictable codes: a usage error (exit 2) with a ledger (command line or the
/// spec's `ledger:`) or an upload, which would record or publish them. (An empty seed is refused
/// when the command line is read.)
Status CheckSeedOptions(const std::optional<std::string>& seed, const Plan& plan, bool upload = false);

/// The files a generate run reads, which its outputs must never replace: the spec, the
/// recipients file, exclusion files, the ledger and its SQLite companions, the key file, the
/// blocklist file.
RunFiles GenerateInputs(const std::string& spec_path, const Plan& plan);

}  // namespace coupongen
