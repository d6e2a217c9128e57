// generate --upload: generate's run (cli/generate.h) to a file (never stdout), then, once the file
// is delivered, the upload exactly as `coupongen upload FILE` does, journal beside it. A failed
// upload leaves the file, the journal and the ledger as they are: `coupongen upload FILE --ledger
// DB` finishes it, and the upload's messages name that command. With a ledger, the upload records
// its codes' states there (upload --ledger).
#include <optional>
#include <ostream>
#include <streambuf>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/generate.h"
#include "cli/subcommands.h"
#include "ledger/ledger.h"

namespace coupongen {
namespace {

Status CheckUploadTarget(const std::string& path) {
  if (path == "-" || path.rfind("/dev/", 0) == 0 || path.rfind("/proc/", 0) == 0)
    return Status::Usage("generate: --upload writes a file first: give -o PATH (or output.path), not stdout");
  return Status::Ok();
}

// The command that resumes the upload of `path`, as messages quote commands (a PostgreSQL URI's
// password redacted).
std::string ResumeCommand(const std::string& path, const std::optional<std::string>& ledger) {
  return "'coupongen upload " + path + (ledger ? " --ledger " + RedactLedgerName(*ledger) : "") + "'";
}

// The upload's messages, line by line, with "the same command" (after generate --upload, that
// would generate again) replaced by the command that resumes the upload.
class ResumeCommandFilter final : public std::streambuf {
 public:
  ResumeCommandFilter(std::ostream& to, std::string command) : to_(to), command_(std::move(command)) {}
  ~ResumeCommandFilter() override { sync(); }

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    line_ += traits_type::to_char_type(c);
    if (c == '\n' || c == '\r') sync();
    return c;
  }
  int sync() override {
    static const std::string kSame = "the same command";
    for (size_t at = line_.find(kSame); at != std::string::npos; at = line_.find(kSame, at + command_.size()))
      line_.replace(at, kSame.size(), command_);
    to_ << line_ << std::flush;
    line_.clear();
    return 0;
  }

 private:
  std::ostream& to_;
  const std::string command_;
  std::string line_;
};

// `coupongen upload FILE [--quiet] [--ledger DB]`, its messages naming the command that resumes it.
int Upload(const Plan& plan, bool quiet, Context& ctx) {
  std::vector<std::string> args = {"upload", plan.output_path};
  if (quiet) args.push_back("--quiet");
  if (plan.ledger_path) {
    args.push_back("--ledger");
    args.push_back(*plan.ledger_path);
  }
  ResumeCommandFilter filter(ctx.err, ResumeCommand(plan.output_path, plan.ledger_path));
  std::ostream err(&filter);
  Context upload_ctx{ctx.out, err, ctx.err_is_tty, ctx.random, ctx.clock, ctx.in, ctx.env};
  return RunCommandLine(args, upload_ctx);
}

}  // namespace

int RunGenerateAndUpload(const po::variables_map& vm, Context& ctx) {
  Diagnostics diag(ctx.err, false);
  if (vm.count("seed"))
    return diag.Fail(Status::Usage("generate: --seed with --upload: predictable codes never enter a store"));
  if (vm["spec"].as<std::string>() == "-")
    return diag.Fail(Status::Usage("generate: --upload needs the spec in a file, not stdin"));
  if (vm.count("output"))
    if (Status s = CheckUploadTarget(vm["output"].as<std::string>()); !s.ok()) return diag.Fail(s);
  // The output (-o, else the spec's output.path) and the ledger (--ledger, else the spec's) are
  // the plan's: the upload records its codes' states in the run's ledger.
  GenerateSteps steps;
  steps.check = [](const Plan& plan) { return CheckUploadTarget(plan.output_path); };
  steps.then = [&](const Plan& plan) { return Upload(plan, vm.count("quiet") > 0, ctx); };
  return RunGenerateWith(vm, ctx, &steps);
}

}  // namespace coupongen
