// coupongen pull: the coupons that exist in Commerce Layer -> a coupon file (src/cl/pull.h).
#include <chrono>

#include "base/exit_codes.h"
#include "base/strings.h"
#include "cl/pull.h"
#include "cli/cl_options.h"
#include "cli/command.h"
#include "cli/output.h"
#include "io/coupon_writer.h"

namespace coupongen {

po::options_description PullOptions() {
  po::options_description d("Options");
  d.add_options()
      ("promotion-rule", po::value<std::string>()->value_name("ID"), "the coupons of this coupon codes promotion rule")
      ("promotion", po::value<std::string>()->value_name("ID"), "the coupons of this promotion")
      ("prefix", po::value<std::string>()->value_name("TEXT"), "the coupons whose code starts with TEXT")
      ("all", "every coupon of the organisation")
      ("format,f", po::value<std::string>()->value_name("FORMAT")->default_value("csv"), "csv | json")
      ("output,o", po::value<std::string>()->value_name("PATH")->default_value("-"), "write here ('-' = stdout)")
      ("force", "replace an existing output file");
  AddCommerceLayerOptions(d);
  d.add_options()
      ("timeout", po::value<std::string>()->value_name("DURATION")->default_value("30m"), "give up after this long (90s, 30m, 2h)")
      ("quiet,q", "print nothing but errors");
  return d;
}

namespace {

struct PullArgs {
  cl::PullFilter filter;
  OutputFormat format = OutputFormat::kCsv;
  int64_t timeout_ms = 0;
  std::string output_path;
  bool force = false;
};

Result<PullArgs> ReadPullArgs(const po::variables_map& vm) {
  PullArgs o;
  int chosen = 0;
  if (vm.count("promotion-rule")) o.filter = {"promotion_rule_id_eq", vm["promotion-rule"].as<std::string>()}, ++chosen;
  if (vm.count("promotion")) o.filter = {"promotion_rule_promotion_id_eq", vm["promotion"].as<std::string>()}, ++chosen;
  if (vm.count("prefix")) o.filter = {"code_start", vm["prefix"].as<std::string>()}, ++chosen;
  if (vm.count("all")) o.filter = {}, ++chosen;
  if (chosen != 1) return Status::Usage("pull: give exactly one of --promotion-rule ID, --promotion ID, --prefix TEXT, --all");
  if (!o.filter.key.empty() && o.filter.value.empty()) return Status::Usage("pull: the filter value is empty");
  const std::string format_name = vm["format"].as<std::string>();
  if (format_name != "csv" && format_name != "json")
    return Status::Usage("pull: -f: unknown format '" + format_name + "' (use csv or json)");
  o.format = format_name == "csv" ? OutputFormat::kCsv : OutputFormat::kJson;
  std::string why;
  auto timeout = ParseDuration(vm["timeout"].as<std::string>(), &why);
  if (!timeout || *timeout <= 0)
    return Status::Usage("pull: --timeout: '" + vm["timeout"].as<std::string>() + "' (e.g. 90s, 30m, 2h)");
  o.timeout_ms = *timeout;
  o.output_path = vm["output"].as<std::string>();
  o.force = vm.count("force") > 0;
  if (!o.force && WouldReplace(o.output_path))
    return Status::IoError(o.output_path + " already exists (use --force to replace it)");
  return o;
}

// The coupons, written atomically; csv cannot carry metadata, which is then left out (*dropped).
Status WritePulled(const std::vector<Coupon>& coupons, const PullArgs& o, Output& out, bool* dropped) {
  WriterOptions wo;
  wo.format = o.format;
  for (const auto& c : coupons) wo.fields.Merge(FieldSet::Of(c));
  *dropped = wo.format == OutputFormat::kCsv && wo.fields.Has(Field::kMetadata);
  if (*dropped) {
    FieldSet without;
    for (unsigned f = 0; f < static_cast<unsigned>(Field::kCount); ++f)
      if (static_cast<Field>(f) != Field::kMetadata && wo.fields.Has(static_cast<Field>(f))) without.Add(static_cast<Field>(f));
    wo.fields = without;
  }
  auto writer = MakeCouponWriter(wo, *out.sink);
  for (const auto& c : coupons) {
    if (*dropped && c.metadata) {
      Coupon copy = c;
      copy.metadata.reset();
      COUPONGEN_RETURN_IF_ERROR(writer->Write(copy));
    } else {
      COUPONGEN_RETURN_IF_ERROR(writer->Write(c));
    }
  }
  COUPONGEN_RETURN_IF_ERROR(writer->Finish());
  COUPONGEN_RETURN_IF_ERROR(out.Close());
  return out.Commit();
}

}  // namespace

int RunPull(const po::variables_map& vm, Context& ctx) {
  Diagnostics diag(ctx.err, vm.count("quiet") > 0);
  auto options = ReadPullArgs(vm);
  if (!options.ok()) return diag.Fail(options.status());
  auto credentials = LoadCommerceLayerCredentials(vm);
  if (!credentials.ok()) return diag.Fail(credentials.status());

  auto http = cl::MakeCurlHttpClient(vm.count("ca-file") ? vm["ca-file"].as<std::string>() : "");
  cl::Client client(*credentials, *http, cl::RetryPolicy::FromEnvironment(),
                    std::chrono::steady_clock::now() + std::chrono::milliseconds(options->timeout_ms));
  auto pulled = cl::Pull(client, options->filter, [&](int done, int total, uint64_t got) {
    diag.Info("coupongen: export " + std::to_string(done) + "/" + std::to_string(total) + ": " + WithThousands(got) +
              " coupons");
  });
  if (!pulled.ok()) return diag.Fail(pulled.status());
  auto out = OpenOutput(options->output_path, options->force, ctx);
  if (!out.ok()) return diag.Fail(out.status());
  bool dropped_metadata = false;
  if (Status s = WritePulled(pulled->coupons, *options, *out, &dropped_metadata); !s.ok()) return diag.Fail(s);
  if (dropped_metadata) diag.Warn("pull: metadata cannot be written as csv and was left out (use -f json to keep it)");
  diag.Info("coupongen: pulled " + WithThousands(pulled->coupons.size()) + " coupons in " +
            std::to_string(pulled->exports) + " exports (" + out->Describe(options->output_path) + ")");
  return kExitSuccess;
}

}  // namespace coupongen
