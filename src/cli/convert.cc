// coupongen convert: existing coupon files -> any output format, validated as lint does. Invalid
// rows stop the run, or with --rejects go there unchanged while the valid rows convert.
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "base/exit_codes.h"
#include "base/strings.h"
#include "cli/command.h"
#include "cli/data_checks.h"
#include "cli/output.h"
#include "cli/problem_folder.h"
#include "base/spreadsheet.h"
#include "io/coupon_reader.h"
#include "io/coupon_writer.h"
#include "io/rejects_writer.h"

namespace coupongen {

po::options_description ConvertOptions() {
  po::options_description d("Options");
  d.add_options()
      ("files", po::value<std::vector<std::string>>()->required(), "coupon files in any readable format, optionally gzipped; '-' reads stdin")
      ("format,f", po::value<std::string>()->required()->value_name("FORMAT"), "csv | json | jsonapi | imports | xlsx")
      ("output,o", po::value<std::string>()->value_name("PATH")->default_value("-"), "write here ('-' = stdout)")
      ("promotion-rule", po::value<std::string>()->value_name("ID"), "set (or override) every coupon's promotion rule id")
      ("rejects", po::value<std::string>()->value_name("PATH"), "write invalid rows here, unchanged, and convert the rest")
      ("now", po::value<std::string>()->value_name("TIME"), "the current time: expiries must be after it (ISO 8601)")
      ("force", "replace existing output files")
      ("quiet,q", "print nothing but errors");
  return d;
}

namespace {

// The inputs, opened twice: once to check, once to write. Standard input is read once and kept.
class Inputs {
 public:
  explicit Inputs(std::vector<std::string> paths) : paths_(std::move(paths)) {}
  const std::vector<std::string>& paths() const { return paths_; }
  Result<std::unique_ptr<CouponReader>> Open(const std::string& path) {
    if (path != "-") return CouponReader::Open(path);
    if (!stdin_read_) {
      std::ostringstream ss;
      ss << std::cin.rdbuf();
      stdin_ = ss.str();
      stdin_read_ = true;
    }
    return CouponReader::FromString("<stdin>", stdin_);
  }

 private:
  std::vector<std::string> paths_;
  std::string stdin_;
  bool stdin_read_ = false;
};

Problem RowProblem(const CouponReader& r, const CouponRow& row, const char* key, std::string message) {
  Problem p;
  p.where = RowWhere(r.name(), row.number);
  p.key = key;
  p.message = std::move(message);
  return p;
}

// What the target format cannot carry: a problem of the conversion, usually shared by every row,
// so it is said once with the number of rows (SharedProblems).
void FormatChecks(OutputFormat f, const CouponReader& r, const CouponRow& row, Problems* out) {
  const Coupon& c = row.coupon;
  if ((f == OutputFormat::kCsv || f == OutputFormat::kXlsx) && c.metadata && *c.metadata != "{}")
    out->push_back(RowProblem(r, row, "metadata", std::string("cannot be written as ") + FormatName(f) +
                                                      ": convert to json, jsonapi or imports"));
  if (f == OutputFormat::kJsonApi && !c.tags.empty())
    out->push_back(RowProblem(r, row, "_add_tags", "cannot be sent in jsonapi (POST /api/coupons does not accept _add_tags)"));
  if ((f == OutputFormat::kJsonApi || f == OutputFormat::kImports) && !c.promotion_rule_id)
    out->push_back(RowProblem(r, row, "promotion_rule_id", std::string("is required for ") + FormatName(f) +
                                                                " output (give --promotion-rule ID)"));
}

// The format problems, each said once: where it first happened and in how many rows.
class SharedProblems {
 public:
  void Add(const Problem& p) {
    auto [it, fresh] = first_.try_emplace(p.key + "\n" + p.message, p, 0);
    ++it->second.second;
    (void)fresh;
  }
  void Report(Diagnostics& diag, bool set_aside) {
    for (auto& [key, entry] : first_) {
      Problem p = entry.first;
      if (entry.second > 1)
        p.message += " (and " + WithThousands(entry.second - 1) + (entry.second == 2 ? " more row)" : " more rows)");
      if (set_aside) p.severity = Problem::Severity::kWarning;
      diag.Report(p);
    }
  }

 private:
  std::map<std::string, std::pair<Problem, uint64_t>> first_;
};

struct CheckResult {
  std::vector<bool> valid;  // per row, in reading order
  uint64_t invalid = 0;
  FieldSet fields;          // of the valid rows
  std::set<std::string> rules;
  std::optional<InputFormat> format;  // the inputs' one format, if they share it
  std::string csv_header;
  bool one_format = true;
};

}  // namespace

int RunConvert(const po::variables_map& vm, Context& ctx) {
  Diagnostics diag(ctx.err, vm.count("quiet") > 0);
  auto options = ReadCheckOptions(vm, ctx);
  if (!options.ok()) return diag.Fail(options.status());
  std::string format_name = vm["format"].as<std::string>();
  auto format = ParseFormat(format_name);
  if (!format) {
    std::string hint = ClosestMatch(format_name, FormatNames());
    diag.Error("convert: -f: unknown format '" + format_name + "' (use csv, json, jsonapi, imports or xlsx)" +
               (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
    return kExitUsage;
  }
  const std::string output_path = vm["output"].as<std::string>();
  const std::optional<std::string> rule_override =
      vm.count("promotion-rule") ? std::optional(vm["promotion-rule"].as<std::string>()) : std::nullopt;
  const std::optional<std::string> rejects_path =
      vm.count("rejects") ? std::optional(vm["rejects"].as<std::string>()) : std::nullopt;
  const bool force = vm.count("force") > 0;
  for (const auto* path : {&output_path, rejects_path ? &*rejects_path : nullptr})
    if (path && !force && WouldReplace(*path))
      return diag.Fail(Status::IoError(*path + " already exists (use --force to replace it)"));
  if (rejects_path && ClassifyOutput(*rejects_path) == OutputKind::kStdout && ClassifyOutput(output_path) == OutputKind::kStdout)
    return diag.Fail(Status::Usage("convert: --rejects and -o cannot both be stdout"));
  {  // Neither output may replace an input, nor the other output, --force or not.
    RunFiles files;
    for (const auto& f : vm["files"].as<std::vector<std::string>>()) files.Add(f);
    std::vector<std::string> outputs = {output_path};
    if (rejects_path) outputs.push_back(*rejects_path);
    if (Status s = CheckOutputsAreNotInputs(outputs, files); !s.ok()) return diag.Fail(s);
  }

  // 1. Read and check every row, as lint does, plus what the target format cannot carry.
  Inputs inputs(vm["files"].as<std::vector<std::string>>());
  CheckResult checked;
  CouponChecker checker(options->checks);
  CouponRow row;
  Problems found, format_found;
  ProblemFolder folder(diag);
  SharedProblems shared;
  for (const auto& path : inputs.paths()) {
    auto reader = inputs.Open(path);
    if (!reader.ok()) return diag.Fail(reader.status());
    CouponReader& r = **reader;
    if (checked.format && (*checked.format != r.format() || checked.csv_header != r.csv_header()))
      checked.one_format = false;
    checked.format = r.format();
    checked.csv_header = r.csv_header();
    checker.BeginFile(r.name());
    while (r.Next(&row)) {
      if (rule_override) row.coupon.promotion_rule_id = rule_override;
      found.clear();
      checker.Check(row, &found);
      AddSpecChecks(*options, r.name(), row, &found);
      format_found.clear();
      FormatChecks(*format, r, row, &format_found);
      for (const auto& p : format_found) shared.Add(p);
      const bool valid = !HasErrors(found) && format_found.empty();
      checked.valid.push_back(valid);
      for (auto& p : found) {
        if (rejects_path) p.severity = Problem::Severity::kWarning;
        folder.Report(p);
      }
      if (!valid) {
        ++checked.invalid;
        continue;
      }
      checked.fields.Merge(FieldSet::Of(row.coupon));
      if (row.coupon.promotion_rule_id) checked.rules.insert(*row.coupon.promotion_rule_id);
    }
    if (!r.status().ok()) return diag.Fail(r.status());
  }
  folder.Finish();
  shared.Report(diag, rejects_path.has_value());
  if (checked.invalid && !rejects_path) {
    diag.Error(WithThousands(checked.invalid) + (checked.invalid == 1 ? " row is" : " rows are") +
               " invalid: nothing written (fix them, or pass --rejects PATH to set them aside)");
    return kExitInvalid;
  }
  if (rejects_path && !checked.one_format)
    return diag.Fail(Status::Usage("convert: --rejects needs input files of one format (and one CSV header)"));

  // 2. Write: valid rows converted, invalid rows unchanged into the rejects file.
  auto out = OpenOutput(output_path, force, ctx);
  if (!out.ok()) return diag.Fail(out.status());
  std::optional<Output> rejects_out;
  std::unique_ptr<RejectsWriter> rejects;
  if (rejects_path) {
    auto opened = OpenOutput(*rejects_path, force, ctx);
    if (!opened.ok()) return diag.Fail(opened.status());
    rejects_out = std::move(opened).value();
    rejects = std::make_unique<RejectsWriter>(checked.format.value_or(InputFormat::kCsv), checked.csv_header,
                                              *rejects_out->sink);
  }
  WriterOptions wo;
  wo.format = *format;
  wo.fields = checked.fields;
  wo.campaign = "converted";
  if (rule_override) wo.parent_rule_id = rule_override;
  else if (checked.rules.size() == 1) wo.parent_rule_id = *checked.rules.begin();
  auto writer = MakeCouponWriter(wo, *out->sink);
  size_t index = 0;
  uint64_t written = 0, numeric_codes = 0;
  Status s;
  for (const auto& path : inputs.paths()) {
    auto reader = inputs.Open(path);
    if (!reader.ok()) return diag.Fail(reader.status());
    CouponReader& r = **reader;
    while (s.ok() && r.Next(&row)) {
      if (index >= checked.valid.size()) {
        s = Status::IoError(r.name() + " changed while it was being converted");
      } else if (checked.valid[index++]) {
        if (rule_override) row.coupon.promotion_rule_id = rule_override;
        s = writer->Write(row.coupon);
        ++written;
        if (*format == OutputFormat::kCsv && SpreadsheetWouldChange(row.coupon.code)) ++numeric_codes;
      } else {
        s = rejects->Add(row.raw, r.imports_parent_resource_id());
      }
    }
    if (s.ok() && !r.status().ok()) s = r.status();
    if (!s.ok()) return diag.Fail(s);
  }
  s = writer->Finish();
  if (s.ok() && rejects) s = rejects->Finish();
  if (s.ok()) s = out->Close();
  if (s.ok() && rejects_out) s = rejects_out->Close();
  if (s.ok()) s = out->Commit();
  if (s.ok() && rejects_out) s = rejects_out->Commit();
  if (!s.ok()) return diag.Fail(s);
  if (numeric_codes)
    diag.Warn(WithThousands(numeric_codes) + (numeric_codes == 1 ? " code looks" : " codes look") +
              " like a number to a spreadsheet, which would change it (drop leading zeros, read 052E4928 as 5.2E+4929): "
              "keep this csv for the importer and give people -f xlsx");
  diag.Info("coupongen: converted " + WithThousands(written) + " coupons to " + FormatName(*format) + " (" +
            out->Describe(output_path) + ")" +
            (rejects ? ", " + WithThousands(rejects->count()) + " rejected (" + rejects_out->Describe(*rejects_path) + ")"
                     : ""));
  // Rows set aside are a partial success (exit 5), never silent.
  return rejects && rejects->count() > 0 ? kExitPartial : kExitSuccess;
}

}  // namespace coupongen
