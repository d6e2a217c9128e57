// coupongen lint: check existing coupon files row by row.
#include <nlohmann/json.hpp>

#include "base/exit_codes.h"
#include "base/strings.h"
#include "cli/command.h"
#include "cli/data_checks.h"
#include "cli/problem_folder.h"
#include "cli/summary.h"
#include "io/coupon_reader.h"

namespace coupongen {

po::options_description LintOptions() {
  po::options_description d("Options");
  d.add_options()
      ("files", po::value<std::vector<std::string>>()->required(), "coupon files: csv, json, jsonapi, imports, a JSON:API list or text, optionally gzipped; '-' reads stdin")
      ("spec", po::value<std::string>()->value_name("SPEC"), "check against this campaign: its length bounds and promotion window")
      ("now", po::value<std::string>()->value_name("TIME"), "the current time: expiries must be after it (ISO 8601)")
      ("json", "print the summary and every problem as one JSON object");
  return d;
}

namespace {

// What lint has seen so far, for the summary (text rows or one JSON object).
struct LintTally {
  bool json = false;
  nlohmann::json files = nlohmann::json::array(), problems = nlohmann::json::array();
  uint64_t rows = 0, problem_count = 0, warnings = 0;
  bool unreadable = false, invalid = false;
  SummaryRows summary;

  // An unreadable file (exit 1) outranks invalid rows (exit 3) in the exit code.
  int exit_code() const { return unreadable ? kExitFailure : invalid ? kExitInvalid : kExitSuccess; }

  void Unreadable(const std::string& path, const Status& s) {
    (s.code() == Status::Code::kIoError ? unreadable : invalid) = true;
    files.push_back({{"name", path}, {"error", s.message()}});
  }
  void AddProblem(const Problem& p) {
    problems.push_back({{"where", p.where}, {"column", p.key}, {"message", p.message}, {"text", p.ToString()},
                        {"severity", p.is_error() ? "error" : "warning"}});
  }
  void File(const CouponReader& r, uint64_t file_rows, uint64_t file_problems) {
    rows += file_rows;
    problem_count += file_problems;
    if (file_problems) invalid = true;
    files.push_back({{"name", r.name()}, {"format", InputFormatName(r.format())}, {"gzipped", r.gzipped()},
                     {"rows", file_rows}, {"problems", file_problems}});
    summary.push_back({r.name(), std::string(InputFormatName(r.format())) + (r.gzipped() ? " (gzip)" : "") + ", " +
                                     WithThousands(file_rows) + " rows, " + WithThousands(file_problems) +
                                     (file_problems == 1 ? " problem" : " problems")});
  }
  void Print(std::ostream& out) {
    if (json) {
      out << nlohmann::json{{"valid", exit_code() == kExitSuccess}, {"files", files}, {"rows", rows},
                            {"problem_count", problem_count}, {"warning_count", warnings}, {"problems", problems}}
                 .dump(2)
          << '\n';
      return;
    }
    summary.push_back({"total", WithThousands(rows) + " rows, " + WithThousands(problem_count) +
                                    (problem_count == 1 ? " problem" : " problems") +
                                    (problem_count ? " (listed on stderr)" : "")});
    out << FormatRows(summary);
  }
};

// Every row of one readable file, its problems reported (or kept for the JSON) as they come.
void LintFile(CouponReader& r, const DataCheckOptions& options, CouponChecker& checker, LintTally& tally,
              Diagnostics& diag) {
  checker.BeginFile(r.name(), r.expected_rows());
  uint64_t file_rows = 0, file_problems = 0;
  Problems found;
  ProblemFolder folder(diag);
  CouponRow row;
  while (r.Next(&row)) {
    ++file_rows;
    found.clear();
    checker.Check(row, &found);
    AddSpecChecks(options, r.name(), row, &found);
    for (const auto& p : found) {
      if (tally.json) tally.AddProblem(p);
      else folder.Report(p);
      (p.is_error() ? file_problems : tally.warnings)++;
    }
  }
  folder.Finish();
  if (!r.status().ok()) {
    diag.Fail(r.status());
    ++file_problems;
    if (tally.json)
      tally.problems.push_back({{"where", r.name()}, {"message", r.status().message()}, {"text", r.status().message()}});
  }
  tally.File(r, file_rows, file_problems);
}

}  // namespace

int RunLint(const po::variables_map& vm, Context& ctx) {
  Diagnostics diag(ctx.err, false);
  auto options = ReadCheckOptions(vm, ctx);
  if (!options.ok()) return diag.Fail(options.status());
  CouponChecker checker(options->checks);
  LintTally tally;
  tally.json = vm.count("json") > 0;
  for (const auto& path : vm["files"].as<std::vector<std::string>>()) {
    auto reader = CouponReader::Open(path);
    if (!reader.ok()) {
      diag.Fail(reader.status());
      tally.Unreadable(path, reader.status());
      continue;
    }
    LintFile(**reader, *options, checker, tally, diag);
  }
  tally.Print(ctx.out);
  return tally.exit_code();
}

}  // namespace coupongen
