#include "codes/code_rules.h"

#include <cmath>

#include "codes/folded.h"

namespace coupongen {

Result<CodeRules> CodeRules::Make(const Alphabet& alphabet, size_t random_length, bool check, BlocklistSpec blocklist) {
  CodeRules rules;
  if (check) {
    auto c = CheckCharacter::ForAlphabet(alphabet);
    if (!c.ok()) return c.status();
    rules.check_ = std::move(c).value();
    rules.check_symbols_ = CanonicalFoldedSymbols(alphabet);
  }
  if (!blocklist.empty()) {
    std::vector<std::string> words;
    if (blocklist.builtin) words = BuiltinBlockedWords();
    words.insert(words.end(), blocklist.extra.begin(), blocklist.extra.end());
    auto b = Blocklist::Compile(words, alphabet);
    if (!b.ok()) return b.status();
    rules.blocklist_ = std::move(b).value();
  }
  rules.blocklist_spec_ = std::move(blocklist);
  if (rules.blocklist_.empty())
    rules.share_.total = rules.share_.allowed =
        std::pow(static_cast<long double>(alphabet.folded_size()), static_cast<long double>(random_length));
  else
    rules.share_ = rules.blocklist_.CountAllowed(random_length, rules.check());
  return rules;
}

std::string PatternWithCheckSlot(std::string_view pattern) {
  std::string p(pattern);
  size_t last = p.rfind('#');
  p.insert(last == std::string::npos ? p.size() : last + 1, 1, '#');
  return p;
}

Keyspace ComputeKeyspace(const CodeShape& shape, const Alphabet& alphabet, const CodeRules& rules) {
  Keyspace k = ComputeKeyspace(shape, alphabet);  // over every slot
  const size_t slots = shape.random_length();
  const size_t random = slots >= rules.check_length() ? slots - rules.check_length() : 0;
  if (slots > 0) k.entropy_bits = k.entropy_bits / static_cast<double>(slots) * static_cast<double>(random);
  const BlockedShare& share = rules.share();
  if (alphabet.folded_size() == 0) return k;
  k.size = share.allowed;
  if (share.allowed > 0 && share.allowed < share.total)
    k.entropy_bits += static_cast<double>(std::log2(share.allowed / share.total));
  return k;
}

CodeVerifier::CodeVerifier(const CodeShape& shape, const Alphabet& alphabet, const CodeRules& rules)
    : reader_(shape, alphabet) {
  if (rules.check()) check_ = *rules.check();
}

CodeVerdict CodeVerifier::Verify(ReadCode read) const {
  CodeVerdict v;
  v.look_alikes = std::move(read.look_alikes);
  if (!read.ok) {
    v.problem = std::move(read.problem);
    return v;
  }
  v.code = std::move(read.code);
  if (check_ && !check_->Verify(read.folded)) {
    v.problem = std::string(kCheckMismatch);
    return v;
  }
  v.valid = true;
  return v;
}

CodeVerdict CodeVerifier::Typed(std::string_view typed) const { return Verify(reader_.ReadTyped(typed)); }

std::optional<std::string> CodeVerifier::Exact(std::string_view code) const {
  CodeVerdict v = Verify(reader_.ReadExact(code));
  if (v.valid) return std::nullopt;
  return v.problem;
}

}  // namespace coupongen
