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

int RunLint(const po::variables_map& vm, Context& ctx) {
  Diagnostics diag(ctx.err, false);
  auto options = ReadCheckOptions(vm, ctx);
  if (!options.ok()) return diag.Fail(options.status());
  CouponChecker checker(options->checks);
  const bool json = vm.count("json") > 0;
  nlohmann::json files = nlohmann::json::array(), problems = nlohmann::json::array();
  uint64_t total_rows = 0, total_problems = 0, total_warnings = 0;
  bool unreadable = false, invalid = false;
  SummaryRows rows;
  CouponRow row;
  for (const auto& path : vm["files"].as<std::vector<std::string>>()) {
    auto reader = CouponReader::Open(path);
    if (!reader.ok()) {
      diag.Fail(reader.status());
      (reader.status().code() == Status::Code::kIoError ? unreadable : invalid) = true;
      files.push_back({{"name", path}, {"error", reader.status().message()}});
      continue;
    }
    CouponReader& r = **reader;
    checker.BeginFile(r.name());
    uint64_t file_rows = 0, file_problems = 0, file_warnings = 0;
    Problems found;
    ProblemFolder folder(diag);
    while (r.Next(&row)) {
      ++file_rows;
      found.clear();
      checker.Check(row, &found);
      AddSpecChecks(*options, r.name(), row, &found);
      for (const auto& p : found) {
        if (json)
          problems.push_back({{"where", p.where}, {"column", p.key}, {"message", p.message}, {"text", p.ToString()},
                              {"severity", p.is_error() ? "error" : "warning"}});
        else folder.Report(p);
        (p.is_error() ? file_problems : file_warnings)++;
      }
    }
    folder.Finish();
    total_warnings += file_warnings;
    if (!r.status().ok()) {
      diag.Fail(r.status());
      ++file_problems;
      if (json) problems.push_back({{"where", r.name()}, {"message", r.status().message()}, {"text", r.status().message()}});
    }
    total_rows += file_rows;
    total_problems += file_problems;
    if (file_problems) invalid = true;
    files.push_back({{"name", r.name()}, {"format", InputFormatName(r.format())}, {"gzipped", r.gzipped()},
                     {"rows", file_rows}, {"problems", file_problems}});
    rows.push_back({r.name(), std::string(InputFormatName(r.format())) + (r.gzipped() ? " (gzip)" : "") + ", " +
                                  WithThousands(file_rows) + " rows, " + WithThousands(file_problems) +
                                  (file_problems == 1 ? " problem" : " problems")});
  }
  // An unreadable file (exit 1) outranks invalid rows (exit 3) in the exit code.
  const int exit_code = unreadable ? kExitFailure : invalid ? kExitInvalid : kExitSuccess;
  if (json) {
    ctx.out << nlohmann::json{{"valid", exit_code == kExitSuccess}, {"files", files}, {"rows", total_rows},
                              {"problem_count", total_problems}, {"warning_count", total_warnings}, {"problems", problems}}
                   .dump(2)
            << '\n';
  } else {
    rows.push_back({"total", WithThousands(total_rows) + " rows, " + WithThousands(total_problems) +
                                 (total_problems == 1 ? " problem" : " problems") +
                                 (total_problems ? " (listed on stderr)" : "")});
    ctx.out << FormatRows(rows);
  }
  return exit_code;
}

}  // namespace coupongen
