#include "cl/upload_states.h"

#include <algorithm>
#include <unordered_map>

#include "base/strings.h"

namespace coupongen::cl {

std::string RefusalMessage(const nlohmann::json& entry) {
  std::string out;
  auto add = [&out](const std::string& attribute, const nlohmann::json& msg) {
    if (!out.empty()) out += "; ";
    if (!attribute.empty()) out += attribute + ": ";
    out += msg.is_string() ? msg.get<std::string>() : msg.dump();
  };
  if (entry.is_object()) {
    for (const auto& item : entry.items()) {
      if (item.value().is_array()) {
        for (const auto& m : item.value()) add(item.key(), m);
      } else {
        add(item.key(), item.value());
      }
    }
  } else if (entry.is_array()) {
    for (const auto& m : entry) add("", m);
  } else {
    add("", entry);
  }
  return out.empty() ? "refused" : out;
}

std::vector<UploadOutcome> CodeOutcomes(const ImportChunk& chunk, const ImportOutcome* import) {
  std::vector<UploadOutcome> out;
  auto inputs = nlohmann::json::parse(chunk.inputs_json, nullptr, false);
  if (!inputs.is_array()) return out;
  out.reserve(inputs.size());
  std::unordered_map<std::string, const nlohmann::json*> refused;  // folded code -> errors_log entry
  size_t handled = inputs.size();
  std::string not_sent_why;
  if (!import) {
    not_sent_why = "import " + chunk.reference + " did not finish: the upload stopped (rerun it to resume)";
    handled = 0;
  } else {
    if (import->errors_log.is_object())
      for (const auto& item : import->errors_log.items()) refused.emplace(ToLowerAscii(item.key()), &item.value());
    if (import->status == "interrupted") {
      handled = static_cast<size_t>(std::max<int64_t>(0, import->processed + import->errors));
      not_sent_why = "import " + chunk.reference + " was interrupted (too many errors) before this code";
    }
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    const auto& input = inputs[i];
    if (!input.is_object() || !input.contains("code") || !input["code"].is_string()) continue;
    UploadOutcome o;
    o.code = input["code"].get<std::string>();
    o.reference = chunk.reference;
    auto it = import ? refused.find(ToLowerAscii(o.code)) : refused.end();
    if (it != refused.end()) {
      o.state = UploadState::kRefused;  // named in the log: handled, whatever the counts say
      o.message = RefusalMessage(*it->second);
    } else if (i < handled) {
      o.state = UploadState::kUploaded;
    } else {
      o.state = UploadState::kNotSent;
      o.message = not_sent_why;
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace coupongen::cl
