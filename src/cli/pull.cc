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

int RunPull(const po::variables_map& vm, Context& ctx) {
  Diagnostics diag(ctx.err, vm.count("quiet") > 0);
  cl::PullFilter filter;
  int chosen = 0;
  if (vm.count("promotion-rule")) filter = {"promotion_rule_id_eq", vm["promotion-rule"].as<std::string>()}, ++chosen;
  if (vm.count("promotion")) filter = {"promotion_rule_promotion_id_eq", vm["promotion"].as<std::string>()}, ++chosen;
  if (vm.count("prefix")) filter = {"code_start", vm["prefix"].as<std::string>()}, ++chosen;
  if (vm.count("all")) filter = {}, ++chosen;
  if (chosen != 1)
    return diag.Fail(Status::Usage("pull: give exactly one of --promotion-rule ID, --promotion ID, --prefix TEXT, --all"));
  if (!filter.key.empty() && filter.value.empty()) return diag.Fail(Status::Usage("pull: the filter value is empty"));
  const std::string format_name = vm["format"].as<std::string>();
  if (format_name != "csv" && format_name != "json")
    return diag.Fail(Status::Usage("pull: -f: unknown format '" + format_name + "' (use csv or json)"));
  std::string why;
  auto timeout = ParseDuration(vm["timeout"].as<std::string>(), &why);
  if (!timeout || *timeout <= 0)
    return diag.Fail(Status::Usage("pull: --timeout: '" + vm["timeout"].as<std::string>() + "' (e.g. 90s, 30m, 2h)"));
  const std::string output_path = vm["output"].as<std::string>();
  const bool force = vm.count("force") > 0;
  if (!force && WouldReplace(output_path))
    return diag.Fail(Status::IoError(output_path + " already exists (use --force to replace it)"));
  auto credentials = LoadCommerceLayerCredentials(vm);
  if (!credentials.ok()) return diag.Fail(credentials.status());

  auto http = cl::MakeCurlHttpClient(vm.count("ca-file") ? vm["ca-file"].as<std::string>() : "");
  cl::Client client(*credentials, *http, cl::RetryPolicy::FromEnvironment(),
                    std::chrono::steady_clock::now() + std::chrono::milliseconds(*timeout));
  auto pulled = cl::Pull(client, filter, [&](int done, int total, uint64_t got) {
    diag.Info("coupongen: export " + std::to_string(done) + "/" + std::to_string(total) + ": " + WithThousands(got) +
              " coupons");
  });
  if (!pulled.ok()) return diag.Fail(pulled.status());

  WriterOptions wo;
  wo.format = format_name == "csv" ? OutputFormat::kCsv : OutputFormat::kJson;
  bool dropped_metadata = false;
  for (const auto& c : pulled->coupons) wo.fields.Merge(FieldSet::Of(c));
  if (wo.format == OutputFormat::kCsv && wo.fields.Has(Field::kMetadata)) {
    dropped_metadata = true;
    FieldSet without;
    for (unsigned f = 0; f < static_cast<unsigned>(Field::kCount); ++f)
      if (static_cast<Field>(f) != Field::kMetadata && wo.fields.Has(static_cast<Field>(f))) without.Add(static_cast<Field>(f));
    wo.fields = without;
  }
  auto out = OpenOutput(output_path, force, ctx);
  if (!out.ok()) return diag.Fail(out.status());
  auto writer = MakeCouponWriter(wo, *out->sink);
  Status s;
  for (const auto& c : pulled->coupons) {
    if (!s.ok()) break;
    if (dropped_metadata && c.metadata) {
      Coupon copy = c;
      copy.metadata.reset();
      s = writer->Write(copy);
    } else {
      s = writer->Write(c);
    }
  }
  if (s.ok()) s = writer->Finish();
  if (s.ok()) s = out->Close();
  if (s.ok()) s = out->Commit();
  if (!s.ok()) return diag.Fail(s);
  if (dropped_metadata) diag.Warn("pull: metadata cannot be written as csv and was left out (use -f json to keep it)");
  diag.Info("coupongen: pulled " + WithThousands(pulled->coupons.size()) + " coupons in " +
            std::to_string(pulled->exports) + " exports (" + out->Describe(output_path) + ")");
  return kExitSuccess;
}

}  // namespace coupongen
