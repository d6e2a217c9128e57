#include "cli/command.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "base/exit_codes.h"
#include "base/strings.h"

namespace coupongen {

const std::vector<Subcommand>& Subcommands() {
  static const std::vector<Subcommand> table = {
      {"generate", "make a batch of unique codes from a campaign spec and write them",
       "generate SPEC [-o PATH] [-f FORMAT] [-n COUNT] [--now TIME] [--exclude FILE]... [--ledger DB] [--seed TEXT] [--report PATH] [--force] [-q | --progress] [--range START:COUNT] [--shard I/N | --shard auto [--shards N]] [--create-key] [--upload]",
       GenerateOptions, {"spec"}, RunGenerate},
      {"validate", "check a campaign spec and print its summary, without generating",
       "validate SPEC [--now TIME] [--json]", ValidateOptions, {"spec"}, RunValidate},
      {"lint", "check existing coupon files row by row",
       "lint FILE... [--spec SPEC] [--now TIME] [--json]", LintOptions, {"files"}, RunLint},
      {"check", "check typed codes (arguments or stdin lines) against a campaign: shape and check character",
       "check CODE... --spec SPEC [--ledger DB] [--json]",
       CheckCommandOptions, {"codes"}, RunCheck},
      {"convert", "convert existing coupon files to another format, validating them",
       "convert FILE... -f FORMAT [-o PATH] [--promotion-rule ID] [--rejects PATH] [--now TIME] [--force] [-q]", ConvertOptions,
       {"files"}, RunConvert},
      {"ledger", "look up and export the codes a ledger has issued",
       "ledger (find CODE... [--json] | stats [--json] | export -f FORMAT [-o PATH] [--campaign NAME] [--since TIME] [--until TIME] [--force]) (--ledger DB | --spec SPEC) [-q]", LedgerCommandOptions, {"action", "codes"},
       RunLedger},
      {"init", "write a starting campaign spec from a template", "init [--template NAME] [PATH] | init --list",
       InitOptions, {"path"}, RunInit},
      {"keygen", "create a key file for keyed mode (32 random bytes, mode 0600; never overwrites)",
       "keygen PATH", KeygenOptions, {"path"}, RunKeygen},
      {"upload", "upload coupon files to Commerce Layer as imports, resumably (a rerun finishes a stopped upload)",
       "upload FILE... [--promotion-rule ID] [--chunk-size N] [--journal PATH] [--report PATH] [--rejects PATH] [--ledger DB] [--concurrency N] [--timeout DURATION] [--credentials FILE] [--auth-url URL] [--api-url URL] [--ca-file FILE] [--dry-run] [-q | --progress]",
       UploadOptions, {"files"}, RunUpload},
      {"pull", "write the coupons that exist in Commerce Layer to a coupon file (for --exclude, lint, convert)",
       "pull (--promotion-rule ID | --promotion ID | --prefix TEXT | --all) [-f csv|json] [-o PATH] [--force] [--credentials FILE] [--auth-url URL] [--api-url URL] [--ca-file FILE]",
       PullOptions, {}, RunPull},
  };
  return table;
}

void PrintCommandHelp(const Subcommand& cmd, std::ostream& out) {
  std::string summary = cmd.summary;
  if (!summary.empty()) summary[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(summary[0])));
  out << "Usage: coupongen " << cmd.usage << "\n\n" << summary << ".\n\n";
  // Positional arguments are options to the parser but not to the user: the usage line names them.
  const po::options_description all = cmd.options();
  po::options_description shown("Options");
  std::string arguments;
  for (const auto& opt : all.options()) {
    if (std::find(cmd.positional.begin(), cmd.positional.end(), opt->long_name()) == cmd.positional.end()) {
      shown.add(opt);
      continue;
    }
    std::string name = ToUpperAscii(opt->long_name());
    arguments += "  " + name + std::string(name.size() < 22 ? 22 - name.size() : 1, ' ') + opt->description() + '\n';
  }
  shown.add_options()("help,h", "show this help");
  if (!arguments.empty()) out << "Arguments:\n" << arguments << '\n';
  out << shown << '\n';
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

Result<OutputFormat> FormatOption(const std::string& command, const std::string& name) {
  if (auto format = ParseFormat(name)) return *format;
  std::string hint = ClosestMatch(name, FormatNames());
  return Status::Usage(command + ": -f: unknown format '" + name + "' (use csv, json, jsonapi, imports or xlsx)" +
                       (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
}

Result<TimeMs> ResolveNow(const po::variables_map& vm, Context& ctx) {
  if (!vm.count("now")) return ctx.clock();
  std::string why;
  auto t = ParseTimestamp(vm["now"].as<std::string>(), &why);
  if (!t) return Status::Usage("--now: " + why + ": '" + vm["now"].as<std::string>() + "'");
  return *t;
}

}  // namespace coupongen
