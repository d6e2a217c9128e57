#include "coupon/format.h"

namespace coupongen {

const char* FormatName(OutputFormat f) {
  switch (f) {
    case OutputFormat::kCsv: return "csv";
    case OutputFormat::kJson: return "json";
    case OutputFormat::kJsonApi: return "jsonapi";
    case OutputFormat::kImports: return "imports";
    case OutputFormat::kXlsx: return "xlsx";
  }
  return "";
}

const std::vector<std::string>& FormatNames() {
  static const std::vector<std::string> names = {"csv", "json", "jsonapi", "imports", "xlsx"};
  return names;
}

std::optional<OutputFormat> ParseFormat(std::string_view name) {
  if (name == "csv") return OutputFormat::kCsv;
  if (name == "json") return OutputFormat::kJson;
  if (name == "jsonapi") return OutputFormat::kJsonApi;
  if (name == "imports") return OutputFormat::kImports;
  if (name == "xlsx") return OutputFormat::kXlsx;
  return std::nullopt;
}

}  // namespace coupongen
