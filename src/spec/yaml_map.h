// A flat YAML mapping of strings (a credentials file): the one YAML reader outside campaign specs,
// here so that yaml-cpp stays inside spec/.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/status.h"

namespace coupongen {

/// The key/value pairs of `text`, a YAML mapping whose values are all scalars, in file order.
/// Invalid with "<name> is not a YAML mapping", "<name>: KEY: must be a string" or
/// "<name> is not valid YAML". Messages never quote the text (it may hold secrets).
Result<std::vector<std::pair<std::string, std::string>>> ParseFlatYamlMap(const std::string& text,
                                                                          const std::string& name);

}  // namespace coupongen
