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

// The command line, checked: what to read, what to write where.
struct ConvertArgs {
  DataCheckOptions data;
  OutputFormat format = OutputFormat::kCsv;
  std::vector<std::string> files;
  std::string output_path;
  std::optional<std::string> rule_override, rejects_path;
  bool force = false;
};

Result<ConvertArgs> ReadConvertArgs(const po::variables_map& vm, Context& ctx) {
  ConvertArgs o;
  auto data = ReadCheckOptions(vm, ctx);
  if (!data.ok()) return data.status();
  o.data = std::move(data).value();
  auto format = FormatOption("convert", vm["format"].as<std::string>());
  if (!format.ok()) return format.status();
  o.format = *format;
  o.files = vm["files"].as<std::vector<std::string>>();
  o.output_path = vm["output"].as<std::string>();
  if (vm.count("promotion-rule")) o.rule_override = vm["promotion-rule"].as<std::string>();
  if (vm.count("rejects")) o.rejects_path = vm["rejects"].as<std::string>();
  o.force = vm.count("force") > 0;
  return o;
}

// Neither output may exist (without --force), both be stdout, or replace an input or each other.
Status CheckConvertOutputs(const ConvertArgs& o) {
  for (const auto* path : {&o.output_path, o.rejects_path ? &*o.rejects_path : nullptr})
    if (path && !o.force && WouldReplace(*path))
      return Status::IoError(*path + " already exists (use --force to replace it)");
  if (o.rejects_path && ClassifyOutput(*o.rejects_path) == OutputKind::kStdout &&
      ClassifyOutput(o.output_path) == OutputKind::kStdout)
    return Status::Usage("convert: --rejects and -o cannot both be stdout");
  RunFiles files;
  for (const auto& f : o.files) files.Add(f);
  std::vector<std::string> outputs = {o.output_path};
  if (o.rejects_path) outputs.push_back(*o.rejects_path);
  return CheckOutputsAreNotInputs(outputs, files);
}

// One row of pass 1: checked as lint does, plus what the target format cannot carry.
void CheckRow(const ConvertArgs& o, CouponChecker& checker, const CouponReader& r, CouponRow& row,
              ProblemFolder& folder, SharedProblems& shared, CheckResult* checked) {
  if (o.rule_override) row.coupon.promotion_rule_id = o.rule_override;
  Problems found, format_found;
  checker.Check(row, &found);
  AddSpecChecks(o.data, r.name(), row, &found);
  FormatChecks(o.format, r, row, &format_found);
  for (const auto& p : format_found) shared.Add(p);
  const bool valid = !HasErrors(found) && format_found.empty();
  checked->valid.push_back(valid);
  for (auto& p : found) {
    if (o.rejects_path) p.severity = Problem::Severity::kWarning;
    folder.Report(p);
  }
  if (!valid) {
    ++checked->invalid;
    return;
  }
  checked->fields.Merge(FieldSet::Of(row.coupon));
  if (row.coupon.promotion_rule_id) checked->rules.insert(*row.coupon.promotion_rule_id);
}

// Pass 1: every row of every input. The problems are reported as they are found.
Result<CheckResult> CheckInputs(const ConvertArgs& o, Inputs& inputs, Diagnostics& diag) {
  CheckResult checked;
  CouponChecker checker(o.data.checks);
  CouponRow row;
  ProblemFolder folder(diag);
  SharedProblems shared;
  for (const auto& path : inputs.paths()) {
    auto reader = inputs.Open(path);
    if (!reader.ok()) return reader.status();
    CouponReader& r = **reader;
    if (checked.format && (*checked.format != r.format() || checked.csv_header != r.csv_header()))
      checked.one_format = false;
    checked.format = r.format();
    checked.csv_header = r.csv_header();
    checker.BeginFile(r.name(), r.expected_rows());
    while (r.Next(&row)) CheckRow(o, checker, r, row, folder, shared, &checked);
    if (!r.status().ok()) return r.status();
  }
  folder.Finish();
  shared.Report(diag, o.rejects_path.has_value());
  return checked;
}

// The two outputs of pass 2: the converted coupons, and the rejected rows as they were.
struct ConvertOutputs {
  std::optional<Output> out, rejects_out;
  std::unique_ptr<RejectsWriter> rejects;
  std::unique_ptr<CouponWriter> writer;
  uint64_t written = 0, numeric_codes = 0;

  Status Open(const ConvertArgs& o, const CheckResult& checked, Context& ctx) {
    auto opened = OpenOutput(o.output_path, o.force, ctx);
    if (!opened.ok()) return opened.status();
    out = std::move(opened).value();
    if (o.rejects_path) {
      auto r = OpenOutput(*o.rejects_path, o.force, ctx);
      if (!r.ok()) return r.status();
      rejects_out = std::move(r).value();
      rejects = std::make_unique<RejectsWriter>(checked.format.value_or(InputFormat::kCsv), checked.csv_header,
                                                *rejects_out->sink);
    }
    WriterOptions wo;
    wo.format = o.format;
    wo.fields = checked.fields;
    wo.campaign = "converted";
    if (o.rule_override) wo.parent_rule_id = o.rule_override;
    else if (checked.rules.size() == 1) wo.parent_rule_id = *checked.rules.begin();
    writer = MakeCouponWriter(wo, *out->sink);
    return Status::Ok();
  }
  Status Finish() {
    COUPONGEN_RETURN_IF_ERROR(writer->Finish());
    if (rejects) COUPONGEN_RETURN_IF_ERROR(rejects->Finish());
    COUPONGEN_RETURN_IF_ERROR(out->Close());
    if (rejects_out) COUPONGEN_RETURN_IF_ERROR(rejects_out->Close());
    COUPONGEN_RETURN_IF_ERROR(out->Commit());
    if (rejects_out) COUPONGEN_RETURN_IF_ERROR(rejects_out->Commit());
    return Status::Ok();
  }
};

// Pass 2: valid rows converted, invalid rows unchanged into the rejects file; the inputs must
// not have changed since pass 1.
Status WriteConverted(const ConvertArgs& o, const CheckResult& checked, Inputs& inputs, ConvertOutputs& w) {
  size_t index = 0;
  CouponRow row;
  Status s;
  for (const auto& path : inputs.paths()) {
    auto reader = inputs.Open(path);
    if (!reader.ok()) return reader.status();
    CouponReader& r = **reader;
    while (s.ok() && r.Next(&row)) {
      if (index >= checked.valid.size()) {
        s = Status::IoError(r.name() + " changed while it was being converted");
      } else if (checked.valid[index++]) {
        if (o.rule_override) row.coupon.promotion_rule_id = o.rule_override;
        s = w.writer->Write(row.coupon);
        ++w.written;
        if (o.format == OutputFormat::kCsv && SpreadsheetWouldChange(row.coupon.code)) ++w.numeric_codes;
      } else {
        s = w.rejects->Add(row.raw, r.imports_parent_resource_id());
      }
    }
    if (s.ok() && !r.status().ok()) s = r.status();
    COUPONGEN_RETURN_IF_ERROR(s);
  }
  return w.Finish();
}

void PrintConverted(const ConvertArgs& o, const ConvertOutputs& w, Diagnostics& diag) {
  if (w.numeric_codes)
    diag.Warn(WithThousands(w.numeric_codes) + (w.numeric_codes == 1 ? " code looks" : " codes look") +
              " like a number to a spreadsheet, which would change it (drop leading zeros, read 052E4928 as 5.2E+4929): "
              "keep this csv for the importer and give people -f xlsx");
  diag.Info("coupongen: converted " + WithThousands(w.written) + " coupons to " + FormatName(o.format) + " (" +
            w.out->Describe(o.output_path) + ")" +
            (w.rejects ? ", " + WithThousands(w.rejects->count()) + " rejected (" +
                             w.rejects_out->Describe(*o.rejects_path) + ")"
                       : ""));
}

}  // namespace

int RunConvert(const po::variables_map& vm, Context& ctx) {
  Diagnostics diag(ctx.err, vm.count("quiet") > 0);
  auto options = ReadConvertArgs(vm, ctx);
  if (!options.ok()) return diag.Fail(options.status());
  const ConvertArgs& o = *options;
  if (Status s = CheckConvertOutputs(o); !s.ok()) return diag.Fail(s);

  // 1. Read and check every row, as lint does, plus what the target format cannot carry.
  Inputs inputs(o.files);
  auto checked = CheckInputs(o, inputs, diag);
  if (!checked.ok()) return diag.Fail(checked.status());
  if (checked->invalid && !o.rejects_path) {
    diag.Error(WithThousands(checked->invalid) + (checked->invalid == 1 ? " row is" : " rows are") +
               " invalid: nothing written (fix them, or pass --rejects PATH to set them aside)");
    return kExitInvalid;
  }
  if (o.rejects_path && !checked->one_format)
    return diag.Fail(Status::Usage("convert: --rejects needs input files of one format (and one CSV header)"));

  // 2. Write: valid rows converted, invalid rows unchanged into the rejects file.
  ConvertOutputs w;
  Status s = w.Open(o, *checked, ctx);
  if (s.ok()) s = WriteConverted(o, *checked, inputs, w);
  if (!s.ok()) return diag.Fail(s);
  PrintConverted(o, w, diag);
  // Rows set aside are a partial success (exit 5), never silent.
  return w.rejects && w.rejects->count() > 0 ? kExitPartial : kExitSuccess;
}

}  // namespace coupongen
