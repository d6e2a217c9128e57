#include "cli/data_checks.h"

#include <nlohmann/json.hpp>
#include <set>

#include "base/exit_codes.h"
#include "base/strings.h"
#include "io/text_scan.h"
#include "cli/spec_loading.h"

namespace coupongen {

Result<DataCheckOptions> ReadCheckOptions(const po::variables_map& vm, Context& ctx) {
  auto now = ResolveNow(vm, ctx);
  if (!now.ok()) return now.status();
  DataCheckOptions o;
  o.checks.now = *now;
  if (vm.count("spec")) {
    PlanOptions plan_options;
    plan_options.now = *now;
    auto spec = LoadSpec(vm, plan_options, ctx);
    if (!spec.ok()) return spec.status();
    Diagnostics diag(ctx.err, false);
    if (diag.ReportAll(spec->problems, spec->campaign.text) > 0) return Status::Reported(Status::Code::kInvalid);
    const Campaign& c = spec->campaign;
    o.checks.min_length = static_cast<int>(c.codes.min_length);
    o.checks.max_length = static_cast<int>(c.codes.max_length);
    o.checks.promotion_starts_at = c.promotion.starts_at;
    o.checks.promotion_expires_at = c.promotion.expires_at;
    o.plan = std::move(spec->plan);
    // Every code must have the campaign's shape (alphabet, prefix, suffix, pattern), and its check
    // character when the campaign has one.
    if (!o.plan->fixed_code) o.check_character.emplace(o.plan->shape, o.plan->alphabet, o.plan->rules);
  }
  return o;
}

namespace {

// Every attribute the spec sets must be in the row with the same value.
void CheckAttributes(const Plan& plan, std::string_view file, const CouponRow& row, Problems* out) {
  const Coupon& want = plan.base;
  const Coupon& got = row.coupon;
  auto add = [&](const char* key, std::string message) {
    Problem p;
    p.where = RowWhere(file, row.number);
    p.key = key;
    p.message = std::move(message);
    out->push_back(std::move(p));
  };
  auto text = [&](const char* key, const std::optional<std::string>& w, const std::optional<std::string>& g) {
    if (!w) return;
    if (!g) add(key, "missing (the spec sets " + QuoteForMessage(*w) + ")");
    else if (*g != *w) add(key, "is " + QuoteForMessage(*g) + ", the spec says " + QuoteForMessage(*w));
  };
  text("promotion_rule_id", want.promotion_rule_id, got.promotion_rule_id);
  text("reference", want.reference, got.reference);
  text("reference_origin", want.reference_origin, got.reference_origin);
  if (want.usage_limit) {
    if (!got.usage_limit) add("usage_limit", "missing (the spec sets " + std::to_string(*want.usage_limit) + ")");
    else if (*got.usage_limit != *want.usage_limit)
      add("usage_limit", "is " + std::to_string(*got.usage_limit) + ", the spec says " + std::to_string(*want.usage_limit));
  }
  if (want.customer_single_use) {
    const char* w = *want.customer_single_use ? "true" : "false";
    if (!got.customer_single_use) add("customer_single_use", std::string("missing (the spec sets ") + w + ")");
    else if (*got.customer_single_use != *want.customer_single_use)
      add("customer_single_use", std::string("is ") + (*got.customer_single_use ? "true" : "false") + ", the spec says " + w);
  }
  // An absolute expiry must be the spec's; a relative one (expires_in) depends on when it ran.
  if (want.expires_at && plan.expiry_source == "absolute") {
    if (!got.expires_at) add("expires_at", "missing (the spec sets " + *want.expires_at + ")");
    else if (*got.expires_at != *want.expires_at) add("expires_at", "is " + *got.expires_at + ", the spec says " + *want.expires_at);
  } else if (want.expires_at && !got.expires_at) {
    add("expires_at", "missing (the spec sets an expiry)");
  }
  if (!want.tags.empty()) {
    std::set<std::string> w(want.tags.begin(), want.tags.end()), g(got.tags.begin(), got.tags.end());
    if (w != g) add("_add_tags", "is " + QuoteForMessage(Join(got.tags, ",")) + ", the spec says " + QuoteForMessage(Join(want.tags, ",")));
  }
  if (want.metadata) {
    nlohmann::json w = nlohmann::json::parse(*want.metadata, nullptr, false);
    nlohmann::json g = got.metadata ? nlohmann::json::parse(*got.metadata, nullptr, false) : nlohmann::json();
    if (!got.metadata) add("metadata", "missing (the spec sets " + QuoteForMessage(*want.metadata, 80) + ")");
    else if (w != g) add("metadata", "is " + QuoteForMessage(*got.metadata, 80) + ", the spec says " + QuoteForMessage(*want.metadata, 80));
  }
  if (plan.fixed_code && !EqualsIgnoreCase(got.code, *plan.fixed_code) && !got.code.empty())
    add("code", "is not the campaign's fixed code");
}

}  // namespace

void AddSpecChecks(const DataCheckOptions& options, std::string_view file, const CouponRow& row, Problems* out) {
  if (options.plan) CheckAttributes(*options.plan, file, row, out);
  const std::string& code = row.coupon.code;
  if (!options.check_character || code.empty()) return;  // an empty code is already "missing"
  auto problem = options.check_character->Exact(code);
  if (!problem) return;
  Problem p;
  p.where = RowWhere(file, row.number);
  p.key = "code";
  p.message = *problem == kCheckMismatch ? *problem
                                         : "not the campaign's shape " + options.plan->shape.Display() + ": " + *problem;
  out->push_back(std::move(p));
}

}  // namespace coupongen
