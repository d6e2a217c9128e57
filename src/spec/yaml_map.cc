#include "spec/yaml_map.h"

#include <yaml-cpp/yaml.h>

namespace coupongen {

Result<std::vector<std::pair<std::string, std::string>>> ParseFlatYamlMap(const std::string& text,
                                                                          const std::string& name) {
  std::vector<std::pair<std::string, std::string>> out;
  try {
    YAML::Node n = YAML::Load(text);
    if (!n.IsMap()) return Status::Invalid(name + " is not a YAML mapping");
    for (auto it = n.begin(); it != n.end(); ++it) {
      std::string key = it->first.as<std::string>();
      if (!it->second.IsScalar()) return Status::Invalid(name + ": " + key + ": must be a string");
      out.emplace_back(std::move(key), it->second.as<std::string>());
    }
  } catch (const YAML::Exception&) {
    // yaml-cpp's message may quote the file's text (a secret): say only where.
    return Status::Invalid(name + " is not valid YAML");
  }
  return out;
}

}  // namespace coupongen
