// The summaries people read: validate's report and generate's closing block. Never a whole code.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "base/problem.h"
#include "spec/plan.h"

namespace coupongen {

using SummaryRows = std::vector<std::pair<std::string, std::string>>;

/// campaign, count, code shape, alphabet, keyspace, entropy, guess odds, expiry, format, output.
SummaryRows PlanSummary(const Plan& plan);

/// Rows aligned in two columns, each line prefixed with `indent`.
std::string FormatRows(const SummaryRows& rows, const std::string& indent = "");

/// validate --json: the same facts as one JSON object, with every problem.
nlohmann::json PlanJson(const Plan& plan, const Problems& problems);

/// "2.4 s", "35 ms".
std::string Seconds(double s);

}  // namespace coupongen
