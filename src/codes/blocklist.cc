#include "codes/blocklist.h"

#include <array>
#include <bit>
#include <cmath>
#include <deque>

#include "base/strings.h"
#include "codes/folded.h"

namespace coupongen {
namespace {

// Text is read as tokens: the 26 letters (0..25), '1' (26: I or L), and the digits that read
// only as themselves: '2' '6' '8' '9' (27..30). Look-alike digits 0 3 4 5 7 read as O E A S T.
constexpr int kTokens = 31;
constexpr int kTokenOne = 26;
using TokenSet = uint32_t;  // bit t set: token t

constexpr size_t kMinWordLength = 2;
constexpr size_t kMaxWordLength = 32;
constexpr uint64_t kMaxSpellings = 4096;
// Steps above which CountAllowed stops tracking the check character's state exactly.
constexpr long double kExactCheckBudget = 1e8L;

int TextToken(char c) {
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  if (c >= 'A' && c <= 'Z') return c - 'A';
  switch (c) {
    case '0': return 'O' - 'A';
    case '3': return 'E' - 'A';
    case '4': return 'A' - 'A';
    case '5': return 'S' - 'A';
    case '7': return 'T' - 'A';
    case '1': return kTokenOne;
    case '2': return 27;
    case '6': return 28;
    case '8': return 29;
    case '9': return 30;
    default: return -1;
  }
}

TokenSet Bit(int t) { return TokenSet{1} << t; }

// The tokens of text that reads as word character `c`: a letter I or L (or a '1' in the word,
// which reads as either) is also spelled by the text '1'.
TokenSet WordCharTokens(char c) {
  if (c == '1') return Bit('I' - 'A') | Bit('L' - 'A') | Bit(kTokenOne);
  int t = TextToken(c);
  if (t < 0) return 0;
  if (t == 'I' - 'A' || t == 'L' - 'A') return Bit(t) | Bit(kTokenOne);
  return Bit(t);
}

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

std::string CheckWord(std::string_view w) {
  for (char c : w)
    if (!IsWordChar(c)) return "a word holds only letters and digits";
  if (w.size() < kMinWordLength) return "a word needs at least 2 characters";
  if (w.size() > kMaxWordLength) return "a word holds at most 32 characters";
  return "";
}

// Aho–Corasick over tokens: a trie whose missing edges are filled with failure transitions.
class TokenAutomaton {
 public:
  TokenAutomaton() { NewNode(); }

  void Add(const std::vector<int>& tokens) {
    int u = 0;
    for (int t : tokens) {
      if (next_[u][t] < 0) {
        int v = NewNode();
        next_[u][t] = v;
      }
      u = next_[u][t];
    }
    terminal_[u] = true;
  }

  // Turns the trie into the full goto function; terminal_ then means "has seen a word".
  void Finish() {
    std::vector<int> fail(next_.size(), 0);
    std::deque<int> queue;
    for (int t = 0; t < kTokens; ++t) {
      int& v = next_[0][t];
      if (v < 0) v = 0;
      else queue.push_back(v);
    }
    while (!queue.empty()) {
      int u = queue.front();
      queue.pop_front();
      if (terminal_[fail[u]]) terminal_[u] = true;
      for (int t = 0; t < kTokens; ++t) {
        int v = next_[u][t];
        if (v < 0) {
          next_[u][t] = next_[fail[u]][t];
        } else {
          fail[v] = next_[fail[u]][t];
          queue.push_back(v);
        }
      }
    }
  }

  int Next(int u, int token) const { return token < 0 ? 0 : next_[u][token]; }
  bool terminal(int u) const { return terminal_[u]; }
  size_t size() const { return next_.size(); }

 private:
  int NewNode() {
    std::array<int, kTokens> row;
    row.fill(-1);
    next_.push_back(row);
    terminal_.push_back(false);
    return static_cast<int>(next_.size() - 1);
  }

  std::vector<std::array<int, kTokens>> next_;
  std::vector<bool> terminal_;  // NOLINT: vector<bool> is fine here (build time only)
};

// Adds every spelling of `sets` (one token set per word character) to `ac`.
void AddSpellings(const std::vector<TokenSet>& sets, TokenAutomaton& ac) {
  std::vector<int> tokens(sets.size());
  auto rec = [&](auto&& self, size_t i) -> void {
    if (i == sets.size()) {
      ac.Add(tokens);
      return;
    }
    for (TokenSet s = sets[i]; s; s &= s - 1) {
      tokens[i] = std::countr_zero(s);
      self(self, i + 1);
    }
  };
  rec(rec, 0);
}

}  // namespace

Result<std::vector<std::string>> ParseBlockedWords(std::string_view text, std::string_view file_name) {
  std::vector<std::string> words;
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    if (size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    line = Trim(line);
    if (line.empty()) continue;
    if (std::string why = CheckWord(line); !why.empty())
      return Status::Invalid(std::string(file_name) + ":" + std::to_string(line_no) + ": '" + std::string(line) +
                             "': " + why);
    words.emplace_back(line);
  }
  return words;
}

Result<Blocklist> Blocklist::Compile(const std::vector<std::string>& words, const Alphabet& alphabet) {
  const std::string canon = CanonicalFoldedSymbols(alphabet);
  const unsigned radix = static_cast<unsigned>(canon.size());
  TokenSet producible = 0;
  std::vector<int> token_of(radix);
  for (unsigned f = 0; f < radix; ++f) {
    token_of[f] = TextToken(canon[f]);
    if (token_of[f] >= 0) producible |= Bit(token_of[f]);
  }

  Blocklist b;
  b.radix_ = radix;
  b.fold_.resize(256);
  for (int c = 0; c < 256; ++c) b.fold_[c] = static_cast<int16_t>(alphabet.FoldedIndex(static_cast<char>(c)));

  TokenAutomaton ac;
  for (const std::string& w : words) {
    if (std::string why = CheckWord(w); !why.empty())
      return Status::Invalid("blocklist word '" + w + "': " + why);
    std::vector<TokenSet> sets;
    uint64_t spellings = 1;
    for (char c : w) {
      sets.push_back(WordCharTokens(c) & producible);
      spellings *= static_cast<uint64_t>(std::popcount(sets.back()));
      if (spellings > kMaxSpellings) break;
    }
    if (spellings == 0) {
      ++b.words_pruned_;
      continue;
    }
    if (spellings > kMaxSpellings)
      return Status::Invalid("blocklist word '" + w + "': too many ways to spell it (over 4096 with I, L and 1)");
    AddSpellings(sets, ac);
    ++b.words_kept_;
  }
  if (b.words_kept_ == 0) return b;
  ac.Finish();

  // Project onto folded indexes, numbering only the states reachable from the start without having
  // seen a word; every transition into a word goes to MATCH.
  std::vector<int> dfa_of(ac.size(), -1);
  std::vector<int> order = {0};
  dfa_of[0] = 0;
  for (size_t i = 0; i < order.size(); ++i)
    for (unsigned f = 0; f < radix; ++f) {
      int v = ac.Next(order[i], token_of[f]);
      if (!ac.terminal(v) && dfa_of[v] < 0) {
        dfa_of[v] = static_cast<int>(order.size());
        order.push_back(v);
      }
    }
  const uint32_t match = static_cast<uint32_t>(order.size());
  b.match_ = match * radix;
  b.delta_.assign((order.size() + 1) * radix, b.match_);
  for (size_t i = 0; i < order.size(); ++i)
    for (unsigned f = 0; f < radix; ++f) {
      int v = ac.Next(order[i], token_of[f]);
      if (!ac.terminal(v)) b.delta_[i * radix + f] = static_cast<uint32_t>(dfa_of[v]) * radix;
    }
  return b;
}

bool Blocklist::Contains(std::string_view text) const {
  if (delta_.empty()) return false;
  uint32_t s = 0;
  for (char c : text) {
    int f = fold_[static_cast<unsigned char>(c)];
    s = f < 0 ? 0 : delta_[s + static_cast<uint32_t>(f)];
    if (s == match_) return true;
  }
  return false;
}

BlockedShare Blocklist::CountAllowed(size_t length, const CheckCharacter* check) const {
  BlockedShare share;
  share.total = std::pow(static_cast<long double>(radix_), static_cast<long double>(length));
  if (delta_.empty()) {
    share.allowed = share.total;
    return share;
  }
  const size_t n = radix_;
  const size_t states = match_ / radix_;  // live states: all but MATCH
  if (check != nullptr) {
    long double steps = static_cast<long double>(states) * n * n * (length + 1);
    if (steps > kExactCheckBudget) {
      BlockedShare longer = CountAllowed(length + 1, nullptr);
      share.allowed = longer.allowed / static_cast<long double>(n);
      share.exact = false;
      return share;
    }
  }
  // cur[s * m + p]: codes so far in DFA state s with check state p (m = 1 without a check).
  const size_t m = check ? n : 1;
  std::vector<long double> cur(states * m, 0.0L), nxt(states * m);
  cur[check ? check->Start() : 0] = 1;
  std::vector<uint8_t> step(n * m);  // step[f * m + p]: check state after digit f from state p
  for (size_t pos = 0; pos < length; ++pos) {
    if (check)
      for (size_t f = 0; f < n; ++f)
        for (size_t p = 0; p < m; ++p)
          step[f * m + p] = check->Step(static_cast<uint8_t>(p), pos, static_cast<uint8_t>(f));
    std::fill(nxt.begin(), nxt.end(), 0.0L);
    for (size_t s = 0; s < states; ++s)
      for (size_t f = 0; f < n; ++f) {
        uint32_t t = delta_[s * n + f];
        if (t == match_) continue;
        const long double* from = &cur[s * m];
        long double* to = &nxt[(t / n) * m];
        if (!check) {
          to[0] += from[0];
          continue;
        }
        const uint8_t* q = &step[f * m];
        for (size_t p = 0; p < m; ++p) to[q[p]] += from[p];
      }
    cur.swap(nxt);
  }
  long double allowed = 0;
  for (size_t s = 0; s < states; ++s)
    for (size_t p = 0; p < m; ++p) {
      if (check && delta_[s * n + check->Finish(static_cast<uint8_t>(p), length)] == match_) continue;
      allowed += cur[s * m + p];
    }
  share.allowed = allowed;
  return share;
}

}  // namespace coupongen
