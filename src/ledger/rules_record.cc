#include "ledger/rules_record.h"

#include <algorithm>
#include <cstdio>

#include "base/strings.h"
#include "codes/digest.h"

namespace coupongen {
namespace {

std::string BlocklistText(const RulesRecord& r) {
  if (r.blocklist == "none") return "none";
  // The first 12 hex digits name the word list well enough for people.
  return WithThousands(r.blocked_words) + " words, " + r.blocklist.substr(0, 7 + 12);
}

}  // namespace

RulesRecord RecordRules(const Alphabet& alphabet, const CodeShape& shape, const CodeRules& rules) {
  RulesRecord r;
  r.alphabet = alphabet.symbols();
  r.shape = shape.Display();
  r.check = rules.check() != nullptr;
  r.length = shape.random_length() - rules.check_length();
  const BlocklistSpec& spec = rules.blocklist_spec();
  if (spec.empty()) {
    r.blocklist = "none";
    return r;
  }
  std::vector<std::string> words;
  if (spec.builtin) words = BuiltinBlockedWords();
  words.insert(words.end(), spec.extra.begin(), spec.extra.end());
  for (auto& w : words) w = ToUpperAscii(w);
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  std::string text;
  for (const auto& w : words) text += w + "\n";
  r.blocklist = "sha256:" + Sha256HexOf(text);
  r.blocked_words = words.size();
  return r;
}

std::string RulesRecord::Serialize() const {
  return "alphabet=" + alphabet + "\nshape=" + shape + "\nlength=" + std::to_string(length) +
         "\ncheck=" + (check ? "1" : "0") + "\nblocklist=" + blocklist + "\nblocked_words=" +
         std::to_string(blocked_words) + "\n";
}

std::optional<RulesRecord> RulesRecord::Parse(std::string_view text) {
  RulesRecord r;
  int seen = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return std::nullopt;
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    std::string_view key = line.substr(0, eq), value = line.substr(eq + 1);
    auto number = [&](uint64_t* out) {
      if (value.empty() || value.size() > 19) return false;
      uint64_t n = 0;
      for (char c : value) {
        if (c < '0' || c > '9') return false;
        n = n * 10 + static_cast<uint64_t>(c - '0');
      }
      *out = n;
      return true;
    };
    if (key == "alphabet") r.alphabet = value, seen |= 1;
    else if (key == "shape") r.shape = value, seen |= 2;
    else if (key == "length") { if (!number(&r.length)) return std::nullopt; seen |= 4; }
    else if (key == "check") { if (value != "0" && value != "1") return std::nullopt; r.check = value == "1"; seen |= 8; }
    else if (key == "blocklist") r.blocklist = value, seen |= 16;
    else if (key == "blocked_words") { if (!number(&r.blocked_words)) return std::nullopt; seen |= 32; }
    // Unknown keys (a later coupongen's) are kept out of the comparison.
  }
  if (seen != 63) return std::nullopt;
  return r;
}

std::vector<RulesChange> RulesChanges(const RulesRecord& now, const RulesRecord& then) {
  std::vector<RulesChange> out;
  if (now.length != then.length)
    out.push_back({"codes.length", std::to_string(now.length), std::to_string(then.length)});
  if (now.alphabet != then.alphabet) out.push_back({"codes.alphabet", "'" + now.alphabet + "'", "'" + then.alphabet + "'"});
  if (now.check != then.check) out.push_back({"codes.check", now.check ? "true" : "false", then.check ? "true" : "false"});
  if (now.blocklist != then.blocklist) out.push_back({"codes.blocklist", BlocklistText(now), BlocklistText(then)});
  // The shape: prefix, suffix, pattern, groups and separator (length and check change it too).
  if (now.shape != then.shape && now.length == then.length && now.check == then.check)
    out.push_back({"codes.shape", "'" + now.shape + "'", "'" + then.shape + "'"});
  return out;
}

}  // namespace coupongen
