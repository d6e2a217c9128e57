// Campaign parser: YAML text -> Campaign, with every syntax, unknown-key and type problem reported
// as "FILE:LINE:COLUMN: KEY: message" (ninja's manifest_parser). The only user of yaml-cpp.
#pragma once

#include <string>
#include <string_view>

#include "base/problem.h"
#include "base/status.h"
#include "spec/campaign.h"

namespace coupongen {

/// Parses a spec. Problems found (YAML syntax, unknown or duplicate keys, wrong types, values out
/// of range) are appended to *problems; fields with problems keep their defaults. Cross-field rules
/// (length bounds, expiry vs promotion, ...) are checked later by BuildPlan.
/// `file` names the spec in messages; relative paths in it resolve against its directory.
Campaign ParseCampaign(std::string_view text, const std::string& file, Problems* problems);

/// Reads and parses a spec file ("-" reads stdin). An unreadable file is an IoError.
Result<Campaign> LoadCampaign(const std::string& path, Problems* problems);

/// The keys a spec may hold, by section ("" is the top level), for docs, completion and hints.
const std::vector<std::string>& SpecKeys(const std::string& section);

}  // namespace coupongen
