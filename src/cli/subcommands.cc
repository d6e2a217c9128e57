#include "cli/subcommands.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <new>
#include <system_error>

#include "base/exit_codes.h"
#include "base/strings.h"

namespace coupongen {
namespace {

void PrintUsage(std::ostream& out) {
  out << "coupongen " COUPONGEN_VERSION " - unique, random coupon codes for Commerce Layer\n\n"
         "Usage: coupongen COMMAND [options]\n\nCommands:\n";
  for (const auto& c : Subcommands()) {
    std::string name = c.name;
    out << "  " << name << std::string(name.size() < 10 ? 10 - name.size() : 1, ' ') << c.summary << '\n';
  }
  out << "  help      show help for a command (help COMMAND)\n\n"
         "Options:\n  -h, --help     show this help\n  --version      print the version\n\n"
         "Run 'coupongen help COMMAND' for a command's options; 'man coupongen' for the manual.\n"
         "Exit codes: 0 success, 1 runtime failure, 2 usage error, 3 invalid spec or data, 4 not enough unique codes,\n"
         "5 partial (rows set aside, inputs refused), 6 Commerce Layer refused the credentials.\n";
}

std::vector<std::string> CommandNames() {
  std::vector<std::string> names;
  for (const auto& c : Subcommands()) names.push_back(c.name);
  names.push_back("help");
  return names;
}

// A likely typo of a command, or the one command `name` abbreviates ("gen"); "" when neither.
std::string CommandHint(const std::string& name) {
  std::string hint = ClosestMatch(name, CommandNames());
  if (!hint.empty() || name.size() < 2) return hint;
  for (const auto& c : CommandNames()) {
    if (c.compare(0, name.size(), name) != 0) continue;
    if (!hint.empty()) return "";  // ambiguous
    hint = c;
  }
  return hint;
}

int UnknownCommand(const std::string& name, Context& ctx) {
  Diagnostics diag(ctx.err, false);
  std::string hint = CommandHint(name);
  diag.Error("unknown command '" + name + "'" + (hint.empty() ? "" : ", did you mean '" + hint + "'?") +
             " (run 'coupongen --help' for the list)");
  return kExitUsage;
}

}  // namespace

const Subcommand* FindSubcommand(const std::string& name) {
  for (const auto& c : Subcommands())
    if (name == c.name) return &c;
  return nullptr;
}

namespace {

// `coupongen help [COMMAND]`: the list of commands (also for `help help`), or one command's help.
int RunHelp(const std::vector<std::string>& args, Context& ctx) {
  if (args.size() == 1 || args[1] == "help" || args[1] == "--help" || args[1] == "-h") {
    PrintUsage(ctx.out);
    return kExitSuccess;
  }
  if (const Subcommand* cmd = FindSubcommand(args[1])) {
    PrintCommandHelp(*cmd, ctx.out);
    return kExitSuccess;
  }
  return UnknownCommand(args[1], ctx);
}

// What comes before a command: --help, --version, or an unknown option.
int RunToolOption(const std::string& first, Context& ctx) {
  if (first == "-h" || first == "--help") {
    PrintUsage(ctx.out);
    return kExitSuccess;
  }
  if (first == "--version" || first == "-V") {
    ctx.out << "coupongen " COUPONGEN_VERSION "\n";
    return kExitSuccess;
  }
  std::string hint = ClosestMatch(first, {"--help", "--version"});
  Diagnostics(ctx.err, false).Error("unknown option '" + first + "'" + (hint.empty() ? "" : ", did you mean '" + hint + "'?") +
                                    " (a command comes first: run 'coupongen --help')");
  return kExitUsage;
}

}  // namespace

int RunCommandLine(const std::vector<std::string>& args, Context& ctx) {
  if (args.empty()) {
    PrintUsage(ctx.err);
    return kExitUsage;
  }
  const std::string& first = args[0];
  if (first == "help") return RunHelp(args, ctx);
  if (!first.empty() && first[0] == '-') return RunToolOption(first, ctx);
  const Subcommand* cmd = FindSubcommand(first);
  if (!cmd) return UnknownCommand(first, ctx);
  po::variables_map vm;
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (auto code = ParseCommandLine(*cmd, rest, &vm, ctx)) return *code;
  return cmd->run(vm, ctx);
}

int RunMain(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  std::vector<std::string> args(argv + 1, argv + argc);
  OpenSslRandom random;
  Context ctx{std::cout, std::cerr, isatty(STDERR_FILENO) == 1, random};
  int code;
  try {
    code = RunCommandLine(args, ctx);
  } catch (const std::bad_alloc&) {
    // Caught here, the stack unwinds: temporary files are removed and a ledger session rolls
    // back, where an uncaught exception would abort and leave them. No allocation from here.
    std::cout.flush();
    std::cerr.flush();
    std::fputs("coupongen: error: out of memory: the run needs more memory than it may use (ulimit -v, a container "
               "limit): give it more, or split the work into smaller runs\n", stderr);
    return kExitFailure;
  } catch (const std::system_error& e) {
    // A thread the run needs could not be started (EAGAIN under a memory or process limit): the
    // same clean failure as out of memory.
    std::cout.flush();
    std::cerr.flush();
    std::cerr << "coupongen: error: cannot start a thread (" << e.code().message()
              << "): the run needs more memory or processes than it may use (ulimit -v, ulimit -u, a container limit)\n";
    return kExitFailure;
  }
  std::cout.flush();
  std::cerr.flush();
  if (!std::cout) return code ? code : kExitFailure;  // stdout closed or full
  return code;
}

}  // namespace coupongen
