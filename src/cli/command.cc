#include "cli/command.h"

#include <sstream>

#include "base/exit_codes.h"
#include "base/strings.h"

namespace coupongen {

const std::vector<Subcommand>& Subcommands() {
  static const std::vector<Subcommand> table = {
      {"generate", "make a batch of unique codes from a campaign spec and write them",
       "generate SPEC [-o PATH] [-f FORMAT] [-n COUNT] [--now TIME] [--exclude FILE]... [--ledger DB] [--seed TEXT] [--force] [-q | --progress]",
       GenerateOptions, {"spec"}, RunGenerate},
      {"validate", "check a campaign spec and print its summary, without generating",
       "validate SPEC [--now TIME] [--json]", ValidateOptions, {"spec"}, RunValidate},
      {"check", "check typed codes (arguments or stdin lines) against a campaign: shape and check character",
       "check CODE... --spec SPEC [--ledger DB] [--json]",
       CheckOptions, {"codes"}, RunCheck},
  };
  return table;
}

void PrintCommandHelp(const Subcommand& cmd, std::ostream& out) {
  out << "Usage: coupongen " << cmd.usage << "\n\n" << cmd.summary << ".\n\n";
  out << cmd.options() << '\n';
}

namespace {

std::vector<std::string> LongOptionNames(const po::options_description& desc) {
  std::vector<std::string> names;
  for (const auto& opt : desc.options()) names.push_back("--" + opt->long_name());
  return names;
}

}  // namespace

std::optional<int> ParseCommandLine(const Subcommand& cmd, const std::vector<std::string>& args, po::variables_map* vm,
                                    Context& ctx) {
  po::options_description desc = cmd.options();
  desc.add_options()("help,h", "show this help");
  po::positional_options_description pos;
  for (size_t i = 0; i < cmd.positional.size(); ++i) {
    const std::string& name = cmd.positional[i];
    pos.add(name.c_str(), i + 1 == cmd.positional.size() && name.back() == 's' ? -1 : 1);
  }
  Diagnostics diag(ctx.err, false);
  try {
    po::store(po::command_line_parser(args).options(desc).positional(pos).run(), *vm);
    if (vm->count("help")) {
      PrintCommandHelp(cmd, ctx.out);
      return kExitSuccess;
    }
    po::notify(*vm);
  } catch (const po::unknown_option& e) {
    std::string name = e.get_option_name();
    std::string hint = ClosestMatch(name, LongOptionNames(desc));
    diag.Error(std::string(cmd.name) + ": unknown option '" + name + "'" +
               (hint.empty() ? "" : ", did you mean '" + hint + "'?"));
    return kExitUsage;
  } catch (const po::required_option& e) {
    std::string name = e.get_option_name();
    while (!name.empty() && name[0] == '-') name.erase(0, 1);
    diag.Error(std::string(cmd.name) + ": missing " + ToUpperAscii(name) + " (usage: coupongen " + cmd.usage + ")");
    return kExitUsage;
  } catch (const po::too_many_positional_options_error&) {
    diag.Error(std::string(cmd.name) + ": too many arguments (usage: coupongen " + cmd.usage + ")");
    return kExitUsage;
  } catch (const po::error& e) {
    diag.Error(std::string(cmd.name) + ": " + e.what() + " (usage: coupongen " + cmd.usage + ")");
    return kExitUsage;
  }
  return std::nullopt;
}

std::optional<TimeMs> ResolveNow(const po::variables_map& vm, Context& ctx) {
  if (!vm.count("now")) return ctx.clock();
  std::string why;
  auto t = ParseTimestamp(vm["now"].as<std::string>(), &why);
  if (!t) Diagnostics(ctx.err, false).Error("--now: " + why + ": '" + vm["now"].as<std::string>() + "'");
  return t;
}

}  // namespace coupongen
