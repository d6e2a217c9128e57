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

// Every attribute the spec sets must be in the row with the same value: one problem per attribute
// that is missing or differs, at the row.
class AttributeCheck {
 public:
  AttributeCheck(std::string_view file, const CouponRow& row, Problems* out) : file_(file), row_(row), out_(out) {}

  void Add(const char* key, std::string message) {
    Problem p;
    p.where = RowWhere(file_, row_.number);
    p.key = key;
    p.message = std::move(message);
    out_->push_back(std::move(p));
  }
  // `want` set: `got` must be there (else "missing (the spec sets W)") and equal (else "is G, the spec says W").
  template <typename T, typename Text>
  void Same(const char* key, const std::optional<T>& want, const std::optional<T>& got, Text text) {
    if (!want) return;
    if (!got) Add(key, "missing (the spec sets " + text(*want) + ")");
    else if (!(*got == *want)) Add(key, "is " + text(*got) + ", the spec says " + text(*want));
  }

 private:
  std::string_view file_;
  const CouponRow& row_;
  Problems* out_;
};

std::string Quoted(const std::string& s) { return QuoteForMessage(s); }
std::string Number(int64_t n) { return std::to_string(n); }
std::string Boolean(bool b) { return b ? "true" : "false"; }

// Expiry, tags, metadata: each compared in its own way.
void CheckExpiryTagsMetadata(const Plan& plan, const Coupon& got, AttributeCheck& check) {
  const Coupon& want = plan.base;
  // An absolute expiry must be the spec's; a relative one (expires_in) depends on when it ran.
  if (plan.expiry_source == "absolute") check.Same("expires_at", want.expires_at, got.expires_at, [](const std::string& t) { return t; });
  else if (want.expires_at && !got.expires_at) check.Add("expires_at", "missing (the spec sets an expiry)");
  if (!want.tags.empty()) {
    std::set<std::string> w(want.tags.begin(), want.tags.end()), g(got.tags.begin(), got.tags.end());
    if (w != g)
      check.Add("_add_tags", "is " + QuoteForMessage(Join(got.tags, ",")) + ", the spec says " + QuoteForMessage(Join(want.tags, ",")));
  }
  if (want.metadata) {
    nlohmann::json w = nlohmann::json::parse(*want.metadata, nullptr, false);
    nlohmann::json g = got.metadata ? nlohmann::json::parse(*got.metadata, nullptr, false) : nlohmann::json();
    if (!got.metadata) check.Add("metadata", "missing (the spec sets " + QuoteForMessage(*want.metadata, 80) + ")");
    else if (w != g)
      check.Add("metadata", "is " + QuoteForMessage(*got.metadata, 80) + ", the spec says " + QuoteForMessage(*want.metadata, 80));
  }
}

void CheckAttributes(const Plan& plan, std::string_view file, const CouponRow& row, Problems* out) {
  const Coupon& want = plan.base;
  const Coupon& got = row.coupon;
  AttributeCheck check(file, row, out);
  check.Same("promotion_rule_id", want.promotion_rule_id, got.promotion_rule_id, Quoted);
  check.Same("reference", want.reference, got.reference, Quoted);
  check.Same("reference_origin", want.reference_origin, got.reference_origin, Quoted);
  check.Same("usage_limit", want.usage_limit, got.usage_limit, [](const auto& n) { return Number(n); });
  check.Same("customer_single_use", want.customer_single_use, got.customer_single_use, Boolean);
  CheckExpiryTagsMetadata(plan, got, check);
  if (plan.fixed_code && !EqualsIgnoreCase(got.code, *plan.fixed_code) && !got.code.empty())
    check.Add("code", "is not the campaign's fixed code");
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
