// What every subcommand gets: its arguments and a Context of the outside world (leveldb's
// Env-passing style), so tests can run commands against string streams and a seeded source.
#pragma once

#include <boost/program_options.hpp>
#include <functional>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "base/env.h"
#include "base/timestamp.h"
#include "codes/random_source.h"
#include "coupon/format.h"
#include "cli/diagnostics.h"

namespace coupongen {

namespace po = boost::program_options;

struct Context {
  std::ostream& out;          // stdout: data only
  std::ostream& err;          // stderr: diagnostics, warnings, summaries, progress
  bool err_is_tty = false;    // progress shows by default only on a terminal
  RandomSource& random;       // the CSPRNG
  std::function<TimeMs()> clock = NowMs;
  std::istream* in = nullptr;  // stdin, for commands that read data from it (null: std::cin)
  Env* env = Env::Default();   // the file system (output files, key files, init's files)
};

/// One row of the command table.
struct Subcommand {
  const char* name;
  const char* summary;  // one line, for `coupongen --help`
  const char* usage;    // "generate SPEC [options]"
  std::function<po::options_description()> options;  // for parsing and for help
  std::vector<std::string> positional;                // names of positional arguments, in order ("SPEC", "FILE...")
  std::function<int(const po::variables_map&, Context&)> run;
};

/// The command table, in the order help lists it.
const std::vector<Subcommand>& Subcommands();
const Subcommand* FindSubcommand(const std::string& name);

/// Prints a command's help (usage, summary, options) to `out`.
void PrintCommandHelp(const Subcommand& cmd, std::ostream& out);

/// Parses `args` for `cmd`. Returns nullopt on success; otherwise the exit code to return at once
/// (0 after printing --help, 2 after reporting a usage error with a "did you mean" hint).
std::optional<int> ParseCommandLine(const Subcommand& cmd, const std::vector<std::string>& args, po::variables_map* vm,
                                    Context& ctx);

/// `-f NAME`: the output format, or a usage error naming `command` with a "did you mean" hint.
Result<OutputFormat> FormatOption(const std::string& command, const std::string& name);

/// Parses --now (ISO 8601) or falls back to the context's clock. A usage error on failure.
Result<TimeMs> ResolveNow(const po::variables_map& vm, Context& ctx);

// The subcommands' entry points and option tables, one file each under cli/.
po::options_description GenerateOptions();
int RunGenerate(const po::variables_map& vm, Context& ctx);
int RunGenerateOnly(const po::variables_map& vm, Context& ctx);      // generate without --upload
int RunGenerateAndUpload(const po::variables_map& vm, Context& ctx);  // generate --upload (generate_upload.cc)
po::options_description ValidateOptions();
int RunValidate(const po::variables_map& vm, Context& ctx);
po::options_description LintOptions();
int RunLint(const po::variables_map& vm, Context& ctx);
po::options_description ConvertOptions();
int RunConvert(const po::variables_map& vm, Context& ctx);
po::options_description LedgerCommandOptions();
int RunLedger(const po::variables_map& vm, Context& ctx);
po::options_description InitOptions();
int RunInit(const po::variables_map& vm, Context& ctx);
po::options_description CheckCommandOptions();
int RunCheck(const po::variables_map& vm, Context& ctx);
po::options_description KeygenOptions();
int RunKeygen(const po::variables_map& vm, Context& ctx);
po::options_description UploadOptions();
int RunUpload(const po::variables_map& vm, Context& ctx);
po::options_description PullOptions();
int RunPull(const po::variables_map& vm, Context& ctx);

}  // namespace coupongen
