// generate --upload: write the output file (never stdout), then upload it exactly as
// `coupongen upload FILE` does, journal beside it. A failed upload leaves the file, the journal
// and the ledger as they are: `coupongen upload FILE --ledger DB` finishes it. With a ledger, the
// upload records its codes' states there (upload --ledger).
#include <optional>
#include <sstream>

#include "base/exit_codes.h"
#include "cli/command.h"
#include "cli/spec_loading.h"
#include "cli/subcommands.h"

namespace coupongen {

int RunGenerateAndUpload(const po::variables_map& vm, Context& ctx) {
  Diagnostics diag(ctx.err, false);
  if (vm.count("seed"))
    return diag.Fail(Status::Usage("generate: --seed with --upload: predictable codes never enter a store"));
  if (vm["spec"].as<std::string>() == "-")
    return diag.Fail(Status::Usage("generate: --upload needs the spec in a file, not stdin"));
  // Where the output goes: -o, else the spec's output.path. The ledger: --ledger, else the
  // spec's (resolved beside it); the upload records its codes' states there.
  std::string path;
  std::optional<std::string> ledger;
  if (vm.count("output")) path = vm["output"].as<std::string>();
  if (vm.count("ledger")) ledger = vm["ledger"].as<std::string>();
  if (path.empty() || !ledger) {
    PlanOptions options;
    options.now = ctx.clock();
    if (vm.count("output")) options.output = path;
    auto spec = LoadSpec(vm, options, ctx);
    if (!spec.ok()) return RunGenerateOnly(vm, ctx);  // let generate report the spec's problems
    if (path.empty()) path = spec->plan.output_path;
    if (!ledger) ledger = spec->plan.ledger_path;
  }
  if (path == "-" || path.rfind("/dev/", 0) == 0 || path.rfind("/proc/", 0) == 0)
    return diag.Fail(Status::Usage("generate: --upload writes a file first: give -o PATH (or output.path), not stdout"));
  int code = RunGenerateOnly(vm, ctx);
  if (code != kExitSuccess) return code;
  std::vector<std::string> args = {"upload", path};
  if (vm.count("quiet")) args.push_back("--quiet");
  if (ledger) {
    args.push_back("--ledger");
    args.push_back(*ledger);
  }
  return RunCommandLine(args, ctx);
}

}  // namespace coupongen
