// coupongen check: what a support desk runs on a code a customer typed. Reads each code tolerantly
// (case, spaces, separators, look-alikes), then says whether it has the campaign's shape and a
// matching check character, and with --ledger whether it was issued for the campaign.
#include <iostream>
#include <nlohmann/json.hpp>

#include "base/exit_codes.h"
#include "base/strings.h"
#include "cli/command.h"
#include "cli/spec_loading.h"
#include "codes/code_rules.h"
#include "cli/keyed_run.h"
#include "ledger/ledger.h"

namespace coupongen {

po::options_description CheckCommandOptions() {
  po::options_description d("Options");
  d.add_options()
      ("codes", po::value<std::vector<std::string>>()->value_name("CODE"), "the codes to check (default: one per line on stdin)")
      ("spec", po::value<std::string>()->value_name("SPEC")->required(), "the campaign spec the codes belong to (YAML)")
      ("ledger", po::value<std::string>()->value_name("DB"), "also say whether each code was issued through this ledger, for this campaign")
      ("json", "print the results as one JSON array");
  return d;
}

namespace {

// The spec problems that matter to reading codes back: the code shape, alphabet and typo rules, and
// the spec as a whole. An expiry in the past or a missing recipients file does not stop a support
// desk from checking a code.
bool MattersForCheck(const Problem& p) {
  if (!p.is_error()) return false;
  if (p.key.empty() || p.key == "yaml" || p.key == "version" || p.key == "codes") return true;
  return p.key.rfind("codes.", 0) == 0 && p.key != "codes.count" && p.key.rfind("codes.exclude", 0) != 0;
}

// "read O as 0, l as 1"
std::string LookAlikeText(const CodeVerdict& v) {
  std::string s;
  for (const auto& r : v.look_alikes)
    s += std::string(s.empty() ? "read " : ", ") + r.typed + " as " + r.read_as;
  return s;
}

// What a ledger says of a code (with --ledger): issued for this campaign, or why not.
struct Issued {
  std::optional<LedgerEntry> entry;  // null: never issued through the ledger
};

// Looks `v.code` up and turns a code issued elsewhere (or never) into an invalid one. A keyed
// campaign's codes are found through their ranges (cli/keyed_run.h).
Status LookUp(Ledger& ledger, const std::string& campaign, KeyedLedgerLookup* keyed, CodeVerdict* v,
              std::optional<Issued>* issued) {
  if (keyed) {
    auto range = keyed->Find(v->code);
    issued->emplace(Issued{});
    if (range) {
      (*issued)->entry = LedgerEntry{v->code, range->campaign, "", range->issued_at, range->output_path};
    } else {
      v->valid = false;
      v->problem = "not issued through " + ledger.path();
    }
    return Status::Ok();
  }
  auto entry = ledger.Find(v->code);
  if (!entry.ok()) return entry.status();
  issued->emplace(Issued{*entry});
  if (!*entry) {
    v->valid = false;
    v->problem = "not issued through " + ledger.path();
  } else if ((*entry)->campaign != campaign) {
    v->valid = false;
    v->problem = "issued for campaign " + (*entry)->campaign + ", not " + campaign;
  }
  return Status::Ok();
}

std::string Line(const std::string& input, const CodeVerdict& v, const std::optional<Issued>& issued) {
  std::string line = input + "  ";
  const std::string reads = LookAlikeText(v);
  if (v.valid) {
    line += "valid";
    if (v.code != input) line += " as " + v.code;
    if (issued && issued->entry) line += ", issued " + FormatTimestamp(issued->entry->issued_at);
  } else {
    line += "invalid: " + v.problem;
    if (!v.code.empty() && v.code != input) line += "; read as " + v.code;
  }
  if (!reads.empty()) line += " (" + reads + ")";
  return line;
}

nlohmann::json Json(const std::string& input, const CodeVerdict& v, const std::optional<Issued>& issued) {
  nlohmann::json j = {{"input", input}, {"valid", v.valid}};
  j["code"] = v.code.empty() ? nlohmann::json(nullptr) : nlohmann::json(v.code);
  if (!v.valid) j["problem"] = v.problem;
  nlohmann::json reads = nlohmann::json::array();
  for (const auto& r : v.look_alikes)
    reads.push_back({{"position", r.position + 1}, {"typed", std::string(1, r.typed)}, {"read_as", std::string(1, r.read_as)}});
  j["look_alikes"] = reads;
  if (issued) {
    if (!issued->entry) j["issued"] = nullptr;
    else
      j["issued"] = {{"campaign", issued->entry->campaign}, {"issued_at", FormatTimestamp(issued->entry->issued_at)},
                     {"output", issued->entry->output_path}};
  }
  return j;
}

// Feeds each code to `each`: the arguments, or else the non-blank lines of `in`. Returns how many.
template <typename F>
size_t ForEachCode(const po::variables_map& vm, std::istream& in, F each) {
  size_t n = 0;
  if (vm.count("codes")) {
    for (const auto& c : vm["codes"].as<std::vector<std::string>>()) each(c), ++n;
    return n;
  }
  std::string line;
  while (std::getline(in, line)) {
    std::string_view code = Trim(line);
    if (code.empty()) continue;
    each(std::string(code));
    ++n;
  }
  return n;
}

// The ledger of `check --ledger`, when asked: it must exist (an empty new one would say "never
// issued"); for a keyed campaign with the key that decodes codes to sequence numbers.
struct CheckLedger {
  std::unique_ptr<Ledger> ledger;
  std::optional<KeyedLedgerLookup> keyed;

  Status Open(const po::variables_map& vm, const LoadedSpec& spec, Context& ctx, Diagnostics& diag) {
    if (!vm.count("ledger")) return Status::Ok();
    LedgerOptions lo;
    lo.create_if_missing = false;
    auto opened = Ledger::Open(vm["ledger"].as<std::string>(), lo);
    if (!opened.ok()) return Status::IoError("check: --ledger: " + opened.status().message());
    ledger = std::move(opened).value();
    if (spec.plan.mode != CodeMode::kKeyed) return Status::Ok();
    auto lookup = KeyedLedgerLookup::Open(spec, *ledger, ctx, diag);
    if (!lookup.ok()) return lookup.status();
    keyed.emplace(std::move(lookup).value());
    return Status::Ok();
  }
};

// The campaign: only problems with its codes stop the check (a Reported status).
Result<LoadedSpec> LoadCheckedSpec(const po::variables_map& vm, Context& ctx, Diagnostics& diag) {
  PlanOptions options;
  options.now = ctx.clock();
  auto spec = LoadSpec(vm, options, ctx);
  if (!spec.ok()) return spec.status();
  int errors = 0;
  for (const auto& p : spec->problems)
    if (MattersForCheck(p)) diag.Report(p, spec->campaign.text), ++errors;
  if (errors) return Status::Reported(Status::Code::kInvalid);
  if (!spec->plan.rules.check())
    diag.Warn(spec->campaign.file + ": codes.check is off: codes have no check character, so only their shape is checked");
  return spec;
}

}  // namespace

int RunCheck(const po::variables_map& vm, Context& ctx) {
  Diagnostics diag(ctx.err, false);
  if (!vm.count("codes") && vm["spec"].as<std::string>() == "-")
    return diag.Fail(Status::Usage("check: the spec and the codes cannot both come from stdin (give the codes as arguments)"));
  auto spec = LoadCheckedSpec(vm, ctx, diag);
  if (!spec.ok()) return diag.Fail(spec.status());
  const Plan& plan = spec->plan;
  CheckLedger store;
  if (Status s = store.Open(vm, *spec, ctx, diag); !s.ok()) return diag.Fail(s);

  // Each code, one line (or one JSON object) each, in input order.
  const CodeVerifier verifier(plan.shape, plan.alphabet, plan.rules);
  const bool json = vm.count("json") > 0;
  nlohmann::json all = nlohmann::json::array();
  size_t invalid = 0;
  Status failed;
  size_t n = ForEachCode(vm, ctx.in ? *ctx.in : std::cin, [&](const std::string& input) {
    if (!failed.ok()) return;
    CodeVerdict v = verifier.Typed(input);
    std::optional<Issued> issued;
    if (store.ledger && v.valid)
      failed = LookUp(*store.ledger, plan.campaign, store.keyed ? &*store.keyed : nullptr, &v, &issued);
    if (!failed.ok()) return;
    if (!v.valid) ++invalid;
    if (json) all.push_back(Json(input, v, issued));
    else ctx.out << Line(input, v, issued) << '\n';
  });
  if (!failed.ok()) return diag.Fail(Status::IoError("check: --ledger: " + failed.message()));
  if (n == 0) return diag.Fail(Status::Usage("check: no codes given (as arguments, or one per line on stdin)"));
  if (json) ctx.out << all.dump(2) << '\n';
  return invalid ? kExitInvalid : kExitSuccess;
}

}  // namespace coupongen
