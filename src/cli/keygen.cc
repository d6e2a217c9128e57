// coupongen keygen PATH: a new key file for keyed mode (codes.key_file).
#include "base/exit_codes.h"
#include "cli/command.h"
#include "codes/key_file.h"

namespace coupongen {

po::options_description KeygenOptions() {
  po::options_description d("Options");
  d.add_options()("path", po::value<std::string>()->required(), "the key file to create (refused if it exists)");
  return d;
}

int RunKeygen(const po::variables_map& vm, Context& ctx) {
  Diagnostics diag(ctx.err, false);
  const std::string path = vm["path"].as<std::string>();
  auto key = CreateKeyFile(path, ctx.random, ctx.env);
  if (!key.ok()) return diag.Fail(key.status());
  diag.Info("coupongen: created key file " + path + " (key id " + KeyId(key->bytes()) +
            ", mode 0600). Keep it secret and back it up: whoever holds it can reproduce every code of the "
            "campaigns that use it, and without it their codes cannot be checked or extended. Copy this file (never "
            "make a new one) to every machine that runs a shard of its campaigns.");
  return kExitSuccess;
}

}  // namespace coupongen
