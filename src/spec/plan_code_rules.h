// A campaign's typo rules (codes.check, codes.blocklist) resolved into its Plan, the texts that
// describe them, and the check `lint --spec` runs on each code of a file.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/problem.h"
#include "spec/campaign.h"
#include "spec/plan.h"

namespace coupongen {

/// Fills plan->rules from codes.check and codes.blocklist (the built-in words unless `none`; a
/// file's words, relative to the spec, added to them) and recomputes plan->keyspace with them.
/// REQUIRES: plan->alphabet and plan->shape built (the shape with its check slot). Problems are
/// appended, located at the key. Skipped when the alphabet is invalid (already a problem).
void PlanCodeRules(const Campaign& campaign, Plan* plan, Problems* problems);

/// The words of the blocklist file at `path` (ParseBlockedWords; errors name the file and line).
Result<std::vector<std::string>> ReadBlocklistFile(const std::string& path);

/// The code shape for messages: "SPR-####-####", plus " (the last '#' a check character)".
std::string ShapeText(const Plan& plan);
/// The keyspace for messages: "1,000 possible codes (ignoring case)", and ", 998 of them without a
/// blocked word" when the blocklist removes some (" (estimated)" when not counted exactly).
std::string KeyspaceText(const Plan& plan);

/// `code` as a file holds it, checked against the plan (what `lint --spec` runs on each code):
/// nullopt when it has the campaign's shape and, with codes.check, a matching check character;
/// else the problem: "check character does not match (a typo?)", "has 11 characters, expected 12",
/// "character 5 is 'O', which this campaign's codes never use". Builds a CodeVerifier per call:
/// for many codes build one, CodeVerifier(plan.shape, plan.alphabet, plan.rules), and call Exact.
std::optional<std::string> VerifyCheckCharacter(const Plan& plan, std::string_view code);

}  // namespace coupongen
