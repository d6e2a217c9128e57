// The output formats of the contract.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coupongen {

enum class OutputFormat { kCsv, kJson, kJsonApi, kImports, kXlsx };

/// "csv", "json", "jsonapi", "imports", "xlsx".
const char* FormatName(OutputFormat f);
std::optional<OutputFormat> ParseFormat(std::string_view name);
const std::vector<std::string>& FormatNames();

}  // namespace coupongen
