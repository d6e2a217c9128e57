#include "spec/plan_code_rules.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/strings.h"

namespace coupongen {
namespace {

constexpr size_t kMaxBlocklistFileBytes = 1 << 20;

void Add(const Campaign& c, const std::string& key, const std::string& message, Problems* problems) {
  Mark m = c.MarkOf(key);
  problems->push_back(ProblemAt(c.file, m.line, m.column, key, message));
}

std::string Resolve(const std::string& dir, const std::string& path) {
  if (path.empty() || path[0] == '/' || dir == ".") return path;
  return dir + "/" + path;
}

// codes.blocklist -> where the words come from; nullopt after reporting a problem.
std::optional<BlocklistSpec> ResolveBlocklist(const Campaign& c, Problems* problems) {
  BlocklistSpec spec;
  spec.builtin = true;
  if (!c.codes.blocklist) return spec;
  const std::string& value = *c.codes.blocklist;
  const std::string lower = ToLowerAscii(value);
  if (lower == "none") {
    spec.builtin = false;
    return spec;
  }
  if (lower == "false" || lower == "off" || lower == "no" || lower == "true" || lower == "on" || lower == "yes") {
    Add(c, "codes.blocklist",
        "is '" + value + "': write 'none' to turn the built-in list off, or give a file of words to add to it", problems);
    return std::nullopt;
  }
  spec.file = Resolve(c.dir, value);
  auto words = ReadBlocklistFile(spec.file);
  if (!words.ok()) {
    Add(c, "codes.blocklist", words.status().message(), problems);
    return std::nullopt;
  }
  spec.extra = std::move(words).value();
  return spec;
}

}  // namespace

Result<std::vector<std::string>> ReadBlocklistFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Invalid("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::Invalid("cannot read " + path + ": " + std::strerror(errno));
  std::string text = ss.str();
  if (text.size() > kMaxBlocklistFileBytes)
    return Status::Invalid(path + " is larger than 1 MiB (a blocklist holds one word per line)");
  return ParseBlockedWords(text, path);
}

void PlanCodeRules(const Campaign& c, Plan* plan, Problems* problems) {
  if (plan->alphabet.folded_size() == 0) return;  // invalid alphabet: already reported
  bool check = c.codes.check.value_or(false);
  if (check) {
    auto scheme = CheckCharacter::ForAlphabet(plan->alphabet);
    if (!scheme.ok()) {
      Add(c, "codes.check", scheme.status().message(), problems);
      check = false;
    }
  }
  auto blocklist = ResolveBlocklist(c, problems);
  const size_t slots = plan->shape.random_length();
  const size_t random = slots - (c.codes.check.value_or(false) ? 1 : 0);
  auto rules = CodeRules::Make(plan->alphabet, random, check, blocklist.value_or(BlocklistSpec{}));
  if (!rules.ok()) {
    Add(c, "codes.blocklist", rules.status().message(), problems);
    return;
  }
  plan->rules = std::move(rules).value();
  plan->keyspace = ComputeKeyspace(plan->shape, plan->alphabet, plan->rules);
}

std::string ShapeText(const Plan& plan) {
  return plan.shape.Display() + (plan.rules.check() ? " (the last '#' a check character)" : "");
}

std::string KeyspaceText(const Plan& plan) {
  const BlockedShare& share = plan.rules.share();
  if (!(share.allowed < share.total)) return plan.keyspace.SizeText() + " possible codes (ignoring case)";
  Keyspace total;
  total.size = share.total;
  return total.SizeText() + " possible codes (ignoring case), " + plan.keyspace.SizeText() + " of them without a blocked word" +
         (share.exact ? "" : " (estimated)");
}

std::optional<std::string> VerifyCheckCharacter(const Plan& plan, std::string_view code) {
  return CodeVerifier(plan.shape, plan.alphabet, plan.rules).Exact(code);
}

}  // namespace coupongen
