#include "io/json_cursor.h"

#include <array>

#include "io/text_scan.h"

namespace coupongen {
namespace {

constexpr int kMaxDepth = 128;

// Bytes that end the fast path inside a string: '"', '\\', control characters, non-ASCII.
constexpr std::array<bool, 256> MakeStringStops() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = c == '"' || c == '\\' || c < 0x20 || c >= 0x80;
  return t;
}
constexpr std::array<bool, 256> kStringStops = MakeStringStops();

// The same for finding where a string ends: non-ASCII bytes need no attention.
constexpr std::array<bool, 256> MakeScanStops() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = c == '"' || c == '\\' || c < 0x20;
  return t;
}
constexpr std::array<bool, 256> kScanStops = MakeScanStops();

inline bool IsWs(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Why a control character inside a string is wrong; a line end there usually means a missing quote.
std::string StrayInString(char c) {
  if (c == '\n' || c == '\r') return "a line ends inside a string (is a '\"' missing?)";
  return "unexpected " + DescribeByte(c) + " inside a string (control characters must be escaped)";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// JsonValueEnd

JsonValueEnd::State JsonValueEnd::Fail(std::string why, size_t offset) {
  error_ = std::move(why);
  error_offset_ = offset;
  return State::kError;
}

JsonValueEnd::State JsonValueEnd::Scan(const char* p, const char* end, size_t* used) {
  const char* start = p;
  while (p < end) {
    if (in_string_) {
      if (escape_) {  // the byte after a backslash, whatever it is
        escape_ = false;
        ++p;
        continue;
      }
      p = SkipPlainStringBytes<false>(p, end);
      while (p < end && !kScanStops[static_cast<unsigned char>(*p)]) ++p;
      if (p == end) break;
      unsigned char c = static_cast<unsigned char>(*p);
      if (c == '\\') {
        escape_ = true;
      } else if (c == '"') {
        in_string_ = false;
        if (depth_ == 0) {
          *used = p + 1 - start;
          return State::kDone;
        }
      } else if (c < 0x20) {
        return Fail(StrayInString(*p), p - start);
      }
      ++p;
      continue;
    }
    char c = *p;
    if (scalar_ && depth_ == 0 &&
        (IsWs(c) || c == ',' || c == ']' || c == '}' || c == '[' || c == '{' || c == '"')) {
      *used = p - start;
      return State::kDone;
    }
    switch (c) {
      case '"':
        in_string_ = true;
        break;
      case '{':
      case '[':
        ++depth_;
        break;
      case '}':
      case ']':
        if (depth_ == 0) return Fail(std::string("unexpected '") + c + "'", p - start);
        if (--depth_ == 0) {
          *used = p + 1 - start;
          return State::kDone;
        }
        break;
      case ' ':
      case '\n':
      case '\r':
      case '\t':
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
          return Fail("unexpected " + DescribeByte(c) + " (binary data?)", p - start);
        if (depth_ == 0) scalar_ = true;
    }
    ++p;
  }
  return State::kNeedMore;
}

JsonValueEnd::State JsonValueEnd::Finish() {
  if (scalar_ && depth_ == 0 && !in_string_) return State::kDone;
  return Fail("unexpected end of input", 0);
}

// ---------------------------------------------------------------------------------------------
// JsonCursor

bool JsonCursor::Fail(std::string why) {
  if (error_.empty()) {
    error_ = std::move(why);
    error_pos_ = p_;
  }
  return false;
}

bool JsonCursor::FailUnexpected(const char* expected) {
  if (p_ >= end_) return Fail(std::string("unexpected end of input (expected ") + expected + ")");
  return Fail("expected " + std::string(expected) + ", found " + DescribeByte(*p_));
}

void JsonCursor::SkipWs() {
  while (p_ < end_ && IsWs(*p_)) ++p_;
}

char JsonCursor::Peek() {
  SkipWs();
  return p_ < end_ ? *p_ : '\0';
}

bool JsonCursor::EnterObject() {
  if (failed()) return false;
  if (Peek() != '{') return FailUnexpected("'{'");
  ++p_;
  after_open_ = true;
  return true;
}

bool JsonCursor::EnterArray() {
  if (failed()) return false;
  if (Peek() != '[') return FailUnexpected("'['");
  ++p_;
  after_open_ = true;
  return true;
}

bool JsonCursor::NextKey(std::string_view* key) {
  if (failed()) return false;
  char c = Peek();
  if (c == '}' && after_open_) {
    ++p_;
    after_open_ = false;
    return false;
  }
  if (!after_open_) {
    if (c == '}') {
      ++p_;
      return false;
    }
    if (c != ',') return FailUnexpected("',' or '}' after an object member");
    ++p_;
    c = Peek();
  }
  after_open_ = false;
  if (c != '"') return FailUnexpected("a string key");
  bool utf8_ok = true;
  if (!ParseString(key, &key_scratch_, &utf8_ok)) return false;
  if (Peek() != ':') return FailUnexpected("':' after an object key");
  ++p_;
  return true;
}

bool JsonCursor::NextElement() {
  if (failed()) return false;
  char c = Peek();
  if (c == ']') {
    ++p_;
    after_open_ = false;
    return false;
  }
  if (!after_open_) {
    if (c != ',') return FailUnexpected("',' or ']' after an array element");
    ++p_;
  }
  after_open_ = false;
  return true;
}

bool JsonCursor::ReadValue(JsonValue* out) {
  if (failed()) return false;
  char c = Peek();
  const char* start = p_;
  out->utf8_ok = true;
  out->text = {};
  bool ok;
  switch (c) {
    case '"':
      out->kind = JsonKind::kString;
      ok = ParseString(&out->text, &value_scratch_, &out->utf8_ok);
      break;
    case '{':
    case '[':
      out->kind = c == '{' ? JsonKind::kObject : JsonKind::kArray;
      ok = SkipNested(0);
      break;
    case 't':
      out->kind = JsonKind::kTrue;
      ok = ParseLiteral("true");
      break;
    case 'f':
      out->kind = JsonKind::kFalse;
      ok = ParseLiteral("false");
      break;
    case 'n':
      out->kind = JsonKind::kNull;
      ok = ParseLiteral("null");
      break;
    default:
      if (c != '-' && !IsDigit(c)) return FailUnexpected("a value");
      out->kind = JsonKind::kNumber;
      ok = ParseNumber();
  }
  if (!ok) return false;
  out->raw = std::string_view(start, p_ - start);
  after_open_ = false;
  return true;
}

bool JsonCursor::SkipValue() {
  JsonValue v;
  return ReadValue(&v);
}

bool JsonCursor::SkipValueUnchecked() {
  if (failed()) return false;
  if (Peek() == '\0' && p_ >= end_) return FailUnexpected("a value");
  JsonValueEnd scanner;
  size_t used = 0;
  JsonValueEnd::State state = scanner.Scan(p_, end_, &used);
  if (state == JsonValueEnd::State::kNeedMore && scanner.Finish() == JsonValueEnd::State::kDone) {
    used = static_cast<size_t>(end_ - p_);
    state = JsonValueEnd::State::kDone;
  }
  if (state != JsonValueEnd::State::kDone) {
    p_ = state == JsonValueEnd::State::kError ? p_ + scanner.error_offset() : end_;
    return Fail(scanner.error());
  }
  p_ += used;
  after_open_ = false;
  return true;
}

bool JsonCursor::ExpectEnd() {
  if (failed()) return false;
  if (Peek() != '\0' || p_ < end_) return Fail("unexpected text after the JSON value");
  return true;
}

// Validates and skips an object or array at p_ without building anything. Strings inside are
// scanned, not decoded.
bool JsonCursor::SkipNested(int depth) {
  if (depth >= kMaxDepth) return Fail("nested more than 128 levels deep");
  bool object = *p_ == '{';
  ++p_;
  bool first = true;
  std::string scratch;
  while (true) {
    char c = Peek();
    if (c == (object ? '}' : ']') && first) break;
    if (!first) {
      if (c == (object ? '}' : ']')) break;
      if (c != ',') return FailUnexpected(object ? "',' or '}' after an object member" : "',' or ']' after an array element");
      ++p_;
      c = Peek();
    }
    first = false;
    if (object) {
      if (c != '"') return FailUnexpected("a string key");
      std::string_view key;
      bool utf8_ok;
      if (!ParseString(&key, &scratch, &utf8_ok)) return false;
      if (Peek() != ':') return FailUnexpected("':' after an object key");
      ++p_;
      c = Peek();
    }
    bool ok;
    if (c == '{' || c == '[') {
      ok = SkipNested(depth + 1);
    } else if (c == '"') {
      std::string_view s;
      bool utf8_ok;
      ok = ParseString(&s, &scratch, &utf8_ok);
    } else if (c == 't') {
      ok = ParseLiteral("true");
    } else if (c == 'f') {
      ok = ParseLiteral("false");
    } else if (c == 'n') {
      ok = ParseLiteral("null");
    } else if (c == '-' || IsDigit(c)) {
      ok = ParseNumber();
    } else {
      return FailUnexpected("a value");
    }
    if (!ok) return false;
  }
  ++p_;
  return true;
}

// p_ is at the opening quote. Strings without escapes are returned as views of the input.
bool JsonCursor::ParseString(std::string_view* out, std::string* scratch, bool* utf8_ok) {
  const char* start = ++p_;
  bool copying = false;
  while (true) {
    p_ = SkipPlainStringBytes<true>(p_, end_);
    while (p_ < end_ && !kStringStops[static_cast<unsigned char>(*p_)]) ++p_;
    if (p_ >= end_) return Fail("unexpected end of input inside a string");
    unsigned char c = static_cast<unsigned char>(*p_);
    if (c == '"') {
      if (copying) {
        scratch->append(start, p_ - start);
        *out = *scratch;
      } else {
        *out = std::string_view(start, p_ - start);
      }
      ++p_;
      return true;
    }
    if (c == '\\') {
      if (!copying) scratch->clear();
      copying = true;
      scratch->append(start, p_ - start);
      if (!DecodeEscape(scratch, utf8_ok)) return false;
      start = p_;
    } else if (c < 0x20) {
      return Fail(StrayInString(*p_));
    } else {
      size_t n = Utf8SequenceLength(p_, end_);
      if (n == 0) {
        *utf8_ok = false;
        n = 1;
      }
      p_ += n;
    }
  }
}

// p_ is at a backslash: appends the decoded character and moves past the escape.
bool JsonCursor::DecodeEscape(std::string* out, bool* utf8_ok) {
  if (p_ + 1 >= end_) return Fail("unexpected end of input inside a string");
  char e = p_[1];
  const char* simple = "\"\\/bfnrt";
  const char* decoded = "\"\\/\b\f\n\r\t";
  for (int i = 0; simple[i]; ++i) {
    if (e == simple[i]) {
      out->push_back(decoded[i]);
      p_ += 2;
      return true;
    }
  }
  if (e != 'u') {
    return Fail("invalid escape sequence '\\" + std::string(1, e) + "'");
  }
  auto read_hex4 = [&](const char* q, uint32_t* cp) {
    if (end_ - q < 4) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      int h = HexValue(q[i]);
      if (h < 0) return false;
      v = v * 16 + static_cast<uint32_t>(h);
    }
    *cp = v;
    return true;
  };
  uint32_t cp;
  if (!read_hex4(p_ + 2, &cp)) return Fail("invalid \\u escape (expected 4 hex digits)");
  p_ += 6;
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    uint32_t low;
    if (end_ - p_ >= 6 && p_[0] == '\\' && p_[1] == 'u' && read_hex4(p_ + 2, &low) && low >= 0xDC00 &&
        low <= 0xDFFF) {
      p_ += 6;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    } else {
      *utf8_ok = false;  // a lone high surrogate: no character to decode it to
      cp = 0xFFFD;
    }
  } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
    *utf8_ok = false;
    cp = 0xFFFD;
  }
  AppendUtf8(out, cp);
  return true;
}

bool JsonCursor::ParseNumber() {
  const char* start = p_;
  if (*p_ == '-') ++p_;
  if (p_ < end_ && *p_ == '0') {
    ++p_;
  } else if (p_ < end_ && IsDigit(*p_)) {
    while (p_ < end_ && IsDigit(*p_)) ++p_;
  } else {
    p_ = start;
    return Fail("invalid number");
  }
  if (p_ < end_ && *p_ == '.') {
    ++p_;
    if (p_ >= end_ || !IsDigit(*p_)) return Fail("invalid number (a digit must follow '.')");
    while (p_ < end_ && IsDigit(*p_)) ++p_;
  }
  if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
    ++p_;
    if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
    if (p_ >= end_ || !IsDigit(*p_)) return Fail("invalid number (a digit must follow the exponent)");
    while (p_ < end_ && IsDigit(*p_)) ++p_;
  }
  if (p_ < end_ && (IsDigit(*p_) || *p_ == '.' || *p_ == '-' || *p_ == '+' || (*p_ >= 'a' && *p_ <= 'z') ||
                    (*p_ >= 'A' && *p_ <= 'Z')))
    return Fail("invalid number");
  return true;
}

bool JsonCursor::ParseLiteral(std::string_view word) {
  size_t left = static_cast<size_t>(end_ - p_);
  if (left < word.size() && word.substr(0, left) == std::string_view(p_, left)) {
    p_ = end_;
    return Fail("unexpected end of input");
  }
  if (left < word.size() || std::string_view(p_, word.size()) != word) return FailUnexpected("a value");
  p_ += word.size();
  if (p_ < end_ && ((*p_ >= 'a' && *p_ <= 'z') || IsDigit(*p_))) return Fail("invalid value (expected true, false or null)");
  return true;
}

void AppendCompactJson(std::string_view json, std::string* out) {
  bool in_string = false, escape = false;
  size_t run = 0;  // start of the pending run to copy
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (in_string) {
      if (escape) escape = false;
      else if (c == '\\') escape = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (IsWs(c)) {
      out->append(json.data() + run, i - run);
      run = i + 1;
    }
  }
  out->append(json.data() + run, json.size() - run);
}

}  // namespace coupongen
