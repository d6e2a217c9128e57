#include "spec/campaign_parser.h"

// GCC 12 reports false "dangling pointer" warnings inside yaml-cpp 0.7 headers once inlined.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#endif
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <sys/stat.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/env.h"
#include "base/strings.h"
#include "base/utf8.h"
#include "codes/alphabet.h"
#include "io/byte_source.h"

namespace coupongen {
namespace {

const std::map<std::string, std::vector<std::string>>& KeyTable() {
  static const std::map<std::string, std::vector<std::string>> table = {
      {"", {"version", "campaign", "promotion_rule_id", "ledger", "timezone", "promotion", "codes", "coupon", "recipients", "output"}},
      {"promotion", {"name", "starts_at", "expires_at", "total_usage_limit"}},
      {"codes",
       {"count", "length", "alphabet", "prefix", "suffix", "group", "separator", "pattern", "min_length", "max_length",
        "exclude", "check", "blocklist", "mode", "key_file", "fixed"}},
      {"coupon",
       {"usage_limit", "customer_single_use", "expires_at", "expires_in", "reference", "reference_origin", "metadata",
        "tags"}},
      {"recipients", {"file", "emails", "on_invalid", "rejects", "keep"}},
      {"output", {"format", "path", "chunk_size", "mailing"}},
  };
  return table;
}

// Walks the YAML tree and fills a Campaign, collecting problems instead of stopping.
class Parser {
 public:
  Parser(const std::string& file, Campaign* c, Problems* problems) : file_(file), c_(c), problems_(problems) {}

  void Run(const YAML::Node& root) {
    if (!root || root.IsNull()) {
      AddAt(Mark{1, 1}, "", "the spec is empty (expected a mapping with version, campaign and codes)");
      c_->readable = false;
      return;
    }
    if (!root.IsMap()) {
      Error(root, "", "the spec must be a mapping of keys (version, campaign, codes, ...)");
      c_->readable = false;
      return;
    }
    auto top = Section(root, "");
    if (auto n = Take(top, "version")) {
      if (auto v = Int(*n, "version", 1, 1000000)) {
        if (*v != 1) Error(*n, "version", "unsupported spec version " + std::to_string(*v) + " (this coupongen reads version 1)");
        else c_->version = 1;
      }
    } else {
      AddAt(Mark{1, 1}, "version", "is required (add 'version: 1')");
    }
    if (auto n = Take(top, "campaign")) {
      if (auto s = String(*n, "campaign")) {
        if (s->empty()) Error(*n, "campaign", "must not be empty");
        else if (s->size() > 100) Error(*n, "campaign", "longer than 100 characters");
        else if (s->find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != std::string::npos)
          Error(*n, "campaign", "may hold only letters, digits, '.', '_' and '-'");
        else c_->name = *s;
      }
    } else {
      AddAt(Mark{1, 1}, "campaign", "is required (a name of letters, digits, '.', '_', '-')");
    }
    if (auto n = Take(top, "promotion_rule_id")) {
      if (auto s = String(*n, "promotion_rule_id")) {
        // Commerce Layer ids are letters and digits ('-' and '_' let templates say CHANGE-ME);
        // anything else (a control character, a line break) would reach the CSV and JSON outputs.
        if (s->empty() || s->size() > 100 ||
            s->find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != std::string::npos)
          Error(*n, "promotion_rule_id", "must be a Commerce Layer resource id (letters and digits)");
        else c_->promotion_rule_id = *s;
      }
    }
    if (auto n = Take(top, "ledger")) c_->ledger = Path(*n, "ledger");
    if (auto n = Take(top, "timezone")) {  // before the sections whose times it places
      if (auto s = String(*n, "timezone")) {
        auto zone = Zone::Find(*s);
        if (zone.ok()) c_->zone = *zone;
        else Error(*n, "timezone", zone.status().message());
      }
    }
    if (auto n = Take(top, "promotion")) Promotion(*n);
    if (auto n = Take(top, "codes")) Codes(*n);
    if (auto n = Take(top, "coupon")) Coupon(*n);
    if (auto n = Take(top, "recipients")) Recipients(*n);
    if (auto n = Take(top, "output")) Output(*n);
  }

 private:
  using Entries = std::map<std::string, YAML::Node>;

  // Section: the keys of a mapping, checked against the table (unknown and duplicate keys are
  // problems), recorded with their positions.
  Entries Section(const YAML::Node& map, const std::string& section) {
    Entries out;
    const auto& allowed = KeyTable().at(section);
    std::string prefix = section.empty() ? "" : section + ".";
    for (auto it = map.begin(); it != map.end(); ++it) {
      // A copy, not a reference: yaml-cpp's iterator hands out a temporary pair (ASan:
      // stack-use-after-scope when `key` was bound to it->first).
      const YAML::Node key = it->first;
      if (!key.IsScalar()) {
        Error(key, section, "keys must be plain names");
        continue;
      }
      std::string name = key.Scalar();
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        std::string home = section.empty() ? SectionOf(name) : "";
        if (!home.empty()) {
          Error(key, name, "belongs under '" + home + ":' (indent it below '" + home + ":' with spaces)");
          continue;
        }
        std::string hint = ClosestMatch(name, allowed);
        Error(key, prefix + name, hint.empty() ? "unknown key" : "unknown key (did you mean '" + hint + "'?)");
        continue;
      }
      if (out.count(name)) {
        Error(key, prefix + name, "duplicate key (first given on line " + std::to_string(out[name].Mark().line + 1) + ")");
        continue;
      }
      out[name] = it->second;
      c_->marks[prefix + name] = MarkOf(it->second.IsNull() ? key : it->second);
    }
    return out;
  }

  // The section that holds `name` ("codes" for prefix), or "" when none does.
  static std::string SectionOf(const std::string& name) {
    for (const auto& [section, keys] : KeyTable())
      if (!section.empty() && std::find(keys.begin(), keys.end(), name) != keys.end()) return section;
    return "";
  }

  // The value of `key` when present and not null.
  static std::optional<YAML::Node> Take(const Entries& e, const std::string& key) {
    auto it = e.find(key);
    if (it == e.end() || it->second.IsNull()) return std::nullopt;
    return it->second;
  }

  void Promotion(const YAML::Node& n) {
    if (!Map(n, "promotion")) return;
    auto e = Section(n, "promotion");
    if (auto v = Take(e, "name")) c_->promotion.name = Text(*v, "promotion.name");
    if (auto v = Take(e, "starts_at")) c_->promotion.starts_at = Time(*v, "promotion.starts_at", DayPart::kStart);
    if (auto v = Take(e, "expires_at")) c_->promotion.expires_at = Time(*v, "promotion.expires_at", DayPart::kEnd);
    if (auto v = Take(e, "total_usage_limit")) c_->promotion.total_usage_limit = Int(*v, "promotion.total_usage_limit", 1, INT64_MAX);
  }

  void Codes(const YAML::Node& n) {
    if (!Map(n, "codes")) return;
    auto e = Section(n, "codes");
    auto& k = c_->codes;
    if (auto v = Take(e, "count")) k.count = Int(*v, "codes.count", 1, 10'000'000'000LL);
    if (auto v = Take(e, "length")) k.length = Int(*v, "codes.length", 1, 1000);
    if (auto v = Take(e, "alphabet")) {
      if (auto s = String(*v, "codes.alphabet")) k.alphabet = *s;
    }
    if (auto v = Take(e, "prefix")) k.prefix = CodeText(*v, "codes.prefix").value_or("");
    if (auto v = Take(e, "suffix")) k.suffix = CodeText(*v, "codes.suffix").value_or("");
    if (auto v = Take(e, "group")) k.group = Int(*v, "codes.group", 0, 1000);
    if (auto v = Take(e, "separator")) k.separator = CodeText(*v, "codes.separator");
    if (auto v = Take(e, "pattern")) {
      k.pattern = CodeText(*v, "codes.pattern");
      if (k.pattern && k.pattern->find('#') == std::string::npos) {
        Error(*v, "codes.pattern", "has no '#' placeholder (each '#' is one random character)");
        k.pattern.reset();
      }
    }
    if (auto v = Take(e, "min_length")) k.min_length = Int(*v, "codes.min_length", 1, 1000).value_or(k.min_length);
    if (auto v = Take(e, "max_length")) k.max_length = Int(*v, "codes.max_length", 1, 1000).value_or(k.max_length);
    if (auto v = Take(e, "exclude")) k.exclude = PathList(*v, "codes.exclude");
    if (auto v = Take(e, "check")) k.check = Bool(*v, "codes.check");
    if (auto v = Take(e, "blocklist")) k.blocklist = Path(*v, "codes.blocklist");
    if (auto v = Take(e, "mode")) k.mode = Mode(*v);
    if (auto v = Take(e, "key_file")) k.key_file = Path(*v, "codes.key_file");
    if (auto v = Take(e, "fixed")) {
      k.fixed = CodeText(*v, "codes.fixed");
      if (k.fixed && k.fixed->empty()) {
        Error(*v, "codes.fixed", "must not be empty");
        k.fixed.reset();
      }
    }
  }

  std::optional<CodeMode> Mode(const YAML::Node& v) {
    auto s = String(v, "codes.mode");
    if (!s) return std::nullopt;
    if (*s == "random") return CodeMode::kRandom;
    if (*s == "keyed") return CodeMode::kKeyed;
    std::string hint = ClosestMatch(*s, {"random", "keyed"});
    Error(v, "codes.mode", "unknown mode '" + *s + "' (use random or keyed)" + (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
    return std::nullopt;
  }

  void Coupon(const YAML::Node& n) {
    if (!Map(n, "coupon")) return;
    auto e = Section(n, "coupon");
    auto& a = c_->coupon;
    if (auto v = Take(e, "usage_limit")) a.usage_limit = Int(*v, "coupon.usage_limit", 1, INT64_MAX);
    if (auto v = Take(e, "customer_single_use")) a.customer_single_use = Bool(*v, "coupon.customer_single_use");
    if (auto v = Take(e, "expires_at")) a.expires_at = Time(*v, "coupon.expires_at", DayPart::kEnd);
    if (auto v = Take(e, "expires_in")) {
      if (auto s = String(*v, "coupon.expires_in")) {
        std::string why;
        if (auto d = ParseExpiryDuration(*s, &why)) {
          a.expires_in = d->ms;
          a.expires_in_months = d->months;
        } else {
          Error(*v, "coupon.expires_in", why);
        }
        a.expires_in_text = *s;
      }
    }
    if (auto v = Take(e, "reference")) a.reference = Text(*v, "coupon.reference");
    if (auto v = Take(e, "reference_origin")) a.reference_origin = Text(*v, "coupon.reference_origin");
    if (auto v = Take(e, "metadata")) {
      if (!v->IsMap()) {
        Error(*v, "coupon.metadata", "must be a mapping of keys to values");
      } else {
        int budget = 10000;  // nodes: aliases can make a small file a huge tree
        auto j = ToJson(*v, "coupon.metadata", &budget, 0);
        if (j) {
          std::string dumped = j->dump();
          if (dumped.size() > 64 * 1024) Error(*v, "coupon.metadata", "larger than 64 KiB");
          else a.metadata = dumped;
        }
      }
    }
    if (auto v = Take(e, "tags")) {
      if (!v->IsSequence()) {
        Error(*v, "coupon.tags", "must be a list of tag names, e.g. [spring, vip]");
      } else {
        for (size_t i = 0; i < v->size(); ++i) {
          const YAML::Node t = (*v)[i];
          std::string key = "coupon.tags[" + std::to_string(i) + "]";
          auto s = Text(t, key);
          if (!s) continue;
          if (s->empty()) Error(t, key, "must not be empty");
          else if (s->find(',') != std::string::npos) Error(t, key, "must not contain ',' (tags are sent comma-separated)");
          else a.tags.push_back(*s);
        }
      }
    }
  }

  void Recipients(const YAML::Node& n) {
    if (!Map(n, "recipients")) return;
    auto e = Section(n, "recipients");
    auto& r = c_->recipients;
    r.given = true;
    if (auto v = Take(e, "file")) r.file = Path(*v, "recipients.file");
    if (auto v = Take(e, "emails")) {
      if (!v->IsSequence()) {
        Error(*v, "recipients.emails", "must be a list of email addresses");
      } else {
        for (size_t i = 0; i < v->size(); ++i) {
          const YAML::Node t = (*v)[i];
          if (auto s = String(t, "recipients.emails[" + std::to_string(i) + "]")) {
            r.emails.push_back(*s);
            r.email_marks.push_back(MarkOf(t));
          }
        }
      }
    }
    if (auto v = Take(e, "on_invalid")) {
      if (auto s = String(*v, "recipients.on_invalid")) {
        if (*s == "skip") r.skip_invalid = true;
        else if (*s != "error") {
          std::string hint = ClosestMatch(*s, {"error", "skip"});
          Error(*v, "recipients.on_invalid", "must be error or skip, not '" + *s + "'" +
                                                 (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
        }
      }
    }
    if (auto v = Take(e, "rejects")) r.rejects = Path(*v, "recipients.rejects");
    if (auto v = Take(e, "keep")) {
      if (!v->IsSequence()) {
        Error(*v, "recipients.keep", "must be a list of column names, e.g. [first_name, last_name]");
      } else {
        for (size_t i = 0; i < v->size(); ++i)
          if (auto s = Text((*v)[i], "recipients.keep[" + std::to_string(i) + "]")) {
            if (s->empty()) Error((*v)[i], "recipients.keep[" + std::to_string(i) + "]", "must not be empty");
            else r.keep.push_back(*s);
          }
      }
    }
  }

  void Output(const YAML::Node& n) {
    if (!Map(n, "output")) return;
    auto e = Section(n, "output");
    auto& o = c_->output;
    if (auto v = Take(e, "format")) {
      if (auto s = String(*v, "output.format")) {
        o.format = ParseFormat(*s);
        if (!o.format) {
          std::string hint = ClosestMatch(*s, FormatNames());
          Error(*v, "output.format", "unknown format '" + *s + "' (use csv, json, jsonapi, imports or xlsx)" +
                                          (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
        }
      }
    }
    if (auto v = Take(e, "path")) o.path = Path(*v, "output.path");
    if (auto v = Take(e, "mailing")) o.mailing = Path(*v, "output.mailing");
    if (auto v = Take(e, "chunk_size")) o.chunk_size = Int(*v, "output.chunk_size", 1, static_cast<int64_t>(kCommerceLayerMaxImportInputs)).value_or(o.chunk_size);
  }

  // ---- typed accessors: each reports its own problem and returns nullopt on error ----

  bool Map(const YAML::Node& n, const std::string& key) {
    if (n.IsMap()) return true;
    Error(n, key, "must be a mapping (indented keys below it)");
    return false;
  }

  std::optional<std::string> String(const YAML::Node& n, const std::string& key) {
    if (!n.IsScalar()) {
      Error(n, key, n.IsSequence() ? "must be a single value, not a list" : "must be a single value, not a mapping");
      return std::nullopt;
    }
    const std::string& s = n.Scalar();
    if (!IsValidUtf8(s)) {
      Error(n, key, "is not valid UTF-8");
      return std::nullopt;
    }
    if (s.find('\0') != std::string::npos) {
      Error(n, key, "contains a NUL character");
      return std::nullopt;
    }
    return s;
  }

  // Free text written into outputs: one line (CSV importers split on newlines).
  std::optional<std::string> Text(const YAML::Node& n, const std::string& key) {
    auto s = String(n, key);
    if (!s) return s;
    // No output field ever holds a control character (U+0000-U+001F, U+007F), a tab included.
    if (s->find_first_of("\n\r") != std::string::npos) {
      Error(n, key, "must be on one line (no line breaks)");
      return std::nullopt;
    }
    if (size_t at = FindControlChar(*s); at != std::string::npos) {
      Error(n, key, "contains " + DescribeCharAt(*s, at) + " (control characters are not allowed)");
      return std::nullopt;
    }
    if (s->size() > 1024) {
      Error(n, key, "longer than 1024 characters");
      return std::nullopt;
    }
    return s;
  }

  // Literal text that becomes part of codes: safe printable ASCII only.
  std::optional<std::string> CodeText(const YAML::Node& n, const std::string& key) {
    auto s = String(n, key);
    if (!s) return s;
    std::string bad = FirstUnsafeChar(*s);
    if (!bad.empty()) {
      Error(n, key, "contains " + bad + " (use printable ASCII without whitespace, comma, quote or backslash)");
      return std::nullopt;
    }
    return s;
  }

  std::optional<std::string> Path(const YAML::Node& n, const std::string& key) {
    auto s = String(n, key);
    if (s && s->empty()) {
      Error(n, key, "must not be empty");
      return std::nullopt;
    }
    return s;
  }

  std::vector<std::string> PathList(const YAML::Node& n, const std::string& key) {
    std::vector<std::string> out;
    if (n.IsScalar()) {
      if (auto s = Path(n, key)) out.push_back(*s);
      return out;
    }
    if (!n.IsSequence()) {
      Error(n, key, "must be a file name or a list of file names");
      return out;
    }
    for (size_t i = 0; i < n.size(); ++i)
      if (auto s = Path(n[i], key + "[" + std::to_string(i) + "]")) out.push_back(*s);
    return out;
  }

  std::optional<int64_t> Int(const YAML::Node& n, const std::string& key, int64_t min, int64_t max) {
    auto s = String(n, key);
    if (!s) return std::nullopt;
    std::string t = *s;
    // Accept YAML-style digit separators written as underscores (10_000).
    std::string digits;
    for (char c : t)
      if (c != '_') digits.push_back(c);
    int64_t v = 0;
    const char* b = digits.data();
    const char* e = b + digits.size();
    if (b != e && *b == '+') ++b;
    auto [p, ec] = std::from_chars(b, e, v);
    if (digits.empty() || ec == std::errc::invalid_argument || p != e) {
      Error(n, key, "must be a whole number, not '" + t + "'");
      return std::nullopt;
    }
    if (ec == std::errc::result_out_of_range || v > max) {
      Error(n, key, "must be at most " + WithThousands(static_cast<unsigned long long>(max)));
      return std::nullopt;
    }
    if (v < min) {
      Error(n, key, "must be at least " + std::to_string(min));
      return std::nullopt;
    }
    return v;
  }

  std::optional<bool> Bool(const YAML::Node& n, const std::string& key) {
    auto s = String(n, key);
    if (!s) return std::nullopt;
    std::string l = ToLowerAscii(*s);
    if (l == "true") return true;
    if (l == "false") return false;
    Error(n, key, "must be true or false, not '" + *s + "'");
    return std::nullopt;
  }

  // A bare date is the start or the end of that day, and a time without an offset is local, in the
  // spec's timezone (parsed before the sections that hold times).
  std::optional<TimeMs> Time(const YAML::Node& n, const std::string& key, DayPart bare_date) {
    auto s = String(n, key);
    if (!s) return std::nullopt;
    std::string why;
    auto t = ParseZonedTimestamp(*s, c_->zone, bare_date, &why);
    if (!t) Error(n, key, why + ": '" + *s + "'");
    return t;
  }

  std::optional<nlohmann::json> ToJson(const YAML::Node& n, const std::string& key, int* budget, int depth) {
    if (--*budget < 0 || depth > 32) {
      Error(n, key, "too large or too deeply nested");
      return std::nullopt;
    }
    if (n.IsNull()) return nlohmann::json(nullptr);
    if (n.IsScalar()) {
      auto s = String(n, key);
      if (!s) return std::nullopt;
      if (size_t at = FindControlChar(*s); at != std::string::npos) {
        Error(n, key, "contains " + DescribeCharAt(*s, at) + " (control characters are not allowed)");
        return std::nullopt;
      }
      if (n.Tag() == "!") return nlohmann::json(*s);  // quoted: always a string
      if (*s == "true" || *s == "True" || *s == "TRUE") return nlohmann::json(true);
      if (*s == "false" || *s == "False" || *s == "FALSE") return nlohmann::json(false);
      if (*s == "~" || *s == "null" || *s == "Null" || *s == "NULL") return nlohmann::json(nullptr);
      int64_t iv;
      auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), iv);
      if (ec == std::errc() && p == s->data() + s->size()) return nlohmann::json(iv);
      double dv;
      auto [p2, ec2] = std::from_chars(s->data(), s->data() + s->size(), dv);
      if (ec2 == std::errc() && p2 == s->data() + s->size() && s->find_first_of("0123456789") != std::string::npos)
        return nlohmann::json(dv);
      return nlohmann::json(*s);
    }
    if (n.IsSequence()) {
      nlohmann::json arr = nlohmann::json::array();
      for (size_t i = 0; i < n.size(); ++i) {
        auto v = ToJson(n[i], key + "[" + std::to_string(i) + "]", budget, depth + 1);
        if (!v) return std::nullopt;
        arr.push_back(std::move(*v));
      }
      return arr;
    }
    nlohmann::json obj = nlohmann::json::object();
    for (auto it = n.begin(); it != n.end(); ++it) {
      if (!it->first.IsScalar()) {
        Error(it->first, key, "keys must be plain names");
        return std::nullopt;
      }
      std::string k = it->first.Scalar();
      if (!IsValidUtf8(k)) {
        Error(it->first, key, "key is not valid UTF-8");
        return std::nullopt;
      }
      auto v = ToJson(it->second, key + "." + k, budget, depth + 1);
      if (!v) return std::nullopt;
      obj[k] = std::move(*v);
    }
    return obj;
  }

  static Mark MarkOf(const YAML::Node& n) {
    YAML::Mark m = n.Mark();
    if (m.line < 0) return Mark{};
    return Mark{m.line + 1, m.column + 1};
  }

  void Error(const YAML::Node& at, const std::string& key, const std::string& message) {
    AddAt(MarkOf(at), key, message);
  }

  void AddAt(Mark m, const std::string& key, const std::string& message) {
    problems_->push_back(ProblemAt(file_, m.line, m.column, key, message));
  }

  const std::string& file_;
  Campaign* c_;
  Problems* problems_;
};

// A problem at the position yaml-cpp's exception marks (0-based there, 1-based here).
Problem YamlProblem(const std::string& file, const YAML::Mark& mark, std::string message) {
  return ProblemAt(file, mark.line + 1, mark.column + 1, "yaml", std::move(message));
}

}  // namespace

const std::vector<std::string>& SpecKeys(const std::string& section) {
  static const std::vector<std::string> none;
  auto it = KeyTable().find(section);
  return it == KeyTable().end() ? none : it->second;
}

Campaign ParseCampaign(std::string_view text, const std::string& file, Problems* problems) {
  Campaign c;
  c.file = file;
  c.dir = DirName(file);
  c.text = std::string(text);
  if (!IsValidUtf8(text)) {
    // Name the first line that is not valid UTF-8 on its own.
    int line = 1;
    size_t begin = 0;
    while (begin <= text.size()) {
      size_t nl = text.find('\n', begin);
      std::string_view l = text.substr(begin, nl == std::string_view::npos ? std::string_view::npos : nl - begin);
      if (!IsValidUtf8(l) || nl == std::string_view::npos) break;
      begin = nl + 1;
      ++line;
    }
    problems->push_back(Problem{Problem::Severity::kError, file + ":" + std::to_string(line) + ":1", "",
                                "the spec is not valid UTF-8 text", line, 1});
    c.readable = false;
    return c;
  }
  if (text.find('\0') != std::string_view::npos) {
    problems->push_back(Problem{Problem::Severity::kError, file, "", "the spec contains NUL bytes (not a text file)", 0, 0});
    c.readable = false;
    return c;
  }
  // YAML forbids tabs in indentation, and yaml-cpp's own words for it are obscure: say it plainly,
  // for every such line.
  {
    Problems tabs;
    int line = 1;
    for (size_t begin = 0; begin < text.size(); ++line) {
      size_t nl = text.find('\n', begin);
      std::string_view l = text.substr(begin, nl == std::string_view::npos ? std::string_view::npos : nl - begin);
      size_t lead = l.find_first_not_of(" \t");
      size_t tab = l.substr(0, lead).find('\t');
      if (tab != std::string_view::npos && lead != std::string_view::npos && l[lead] != '#' && l[lead] != '\r') {
        int col = static_cast<int>(tab) + 1;
        tabs.push_back(Problem{Problem::Severity::kError, file + ":" + std::to_string(line) + ":" + std::to_string(col), "yaml",
                               "tabs are not allowed in indentation, use spaces", line, col});
      }
      if (nl == std::string_view::npos) break;
      begin = nl + 1;
    }
    if (!tabs.empty()) {
      problems->insert(problems->end(), tabs.begin(), tabs.end());
      c.readable = false;
      return c;
    }
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's own message for its depth limit is "bad file".
    problems->push_back(YamlProblem(file, e.mark, "nested too deeply (brackets or indentation hundreds of levels deep)"));
    c.readable = false;
    return c;
  } catch (const YAML::ParserException& e) {
    problems->push_back(YamlProblem(file, e.mark, e.msg));
    c.readable = false;
    return c;
  } catch (const YAML::Exception& e) {
    problems->push_back(Problem{Problem::Severity::kError, file, "yaml", e.msg, 0, 0});
    c.readable = false;
    return c;
  }
  Problems found;
  try {
    Parser(file, &c, &found).Run(root);
  } catch (const YAML::Exception& e) {
    // yaml-cpp throws on some malformed trees (e.g. bad aliases) while walking them.
    found.push_back(Problem{Problem::Severity::kError, file, "yaml", e.msg, 0, 0});
    c.readable = false;
  }
  SortByPosition(&found);
  problems->insert(problems->end(), found.begin(), found.end());
  return c;
}

Result<Campaign> LoadCampaign(const std::string& path, Problems* problems) {
  // Through io's byte sources, like every other input ("-" is standard input).
  constexpr size_t kMaxSpecBytes = 16 * 1024 * 1024;
  auto source = OpenFileSource(path);
  if (!source.ok()) {
    const std::string& m = source.status().message();
    const std::string opening = path + ": cannot open: ";
    return Status::IoError("cannot read spec " + path + ": " + (m.starts_with(opening) ? m.substr(opening.size()) : m));
  }
  std::string text;
  char buf[1 << 16];
  for (;;) {
    Result<size_t> got = (*source)->Read(buf, sizeof buf);
    if (!got.ok()) return Status::IoError("cannot read spec " + path + ": " + got.status().message());
    if (*got == 0) break;
    text.append(buf, *got);
    if (text.size() > kMaxSpecBytes) return Status::Invalid(path + ": the spec is larger than 16 MiB");
  }
  return ParseCampaign(text, path == "-" ? "<stdin>" : path, problems);
}

}  // namespace coupongen
