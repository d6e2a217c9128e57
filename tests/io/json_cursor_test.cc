// Direct tests of io/json_cursor: JsonValueEnd (where a value ends in a stream fed in pieces),
// JsonCursor (the validating pull parser: decoding, walking, and the exact error and its place)
// and AppendCompactJson. The readers' tests cover them only through whole files.
#include "io/json_cursor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace coupongen {
namespace {

// ---------------------------------------------------------------------------------------------
// JsonCursor::ReadValue on one value: the kind, the raw text and (for strings) the decoded text.

struct ValueCase {
  std::string input;
  JsonKind kind;
  std::string raw;   // the value as written
  std::string text;  // kString: decoded
  bool utf8_ok = true;
};

TEST(JsonCursorTest, ReadsEveryKindOfValue) {
  const std::vector<ValueCase> cases = {
      {R"("")", JsonKind::kString, R"("")", ""},
      {R"("plain")", JsonKind::kString, R"("plain")", "plain"},
      {R"(  "padded"  )", JsonKind::kString, R"("padded")", "padded"},
      {R"("a\"b")", JsonKind::kString, R"("a\"b")", "a\"b"},
      {R"("\\\/\b\f\n\r\t")", JsonKind::kString, R"("\\\/\b\f\n\r\t")", "\\/\b\f\n\r\t"},
      {R"("\u0041\u00e9\u20AC")", JsonKind::kString, R"("\u0041\u00e9\u20AC")", "A\xc3\xa9\xe2\x82\xac"},
      {R"("\u0000")", JsonKind::kString, R"("\u0000")", std::string(1, '\0')},
      // A surrogate pair decodes to one 4-byte character (U+1F39F).
      {R"("\uD83C\uDF9F")", JsonKind::kString, R"("\uD83C\uDF9F")", "\xf0\x9f\x8e\x9f"},
      {R"("x\ud83c\udf9fy")", JsonKind::kString, R"("x\ud83c\udf9fy")", "x\xf0\x9f\x8e\x9fy"},
      // Lone surrogates become U+FFFD and mark the text as not UTF-8.
      {R"("\uD83C")", JsonKind::kString, R"("\uD83C")", "\xef\xbf\xbd", false},
      {R"("\uDF9F")", JsonKind::kString, R"("\uDF9F")", "\xef\xbf\xbd", false},
      {R"("\uD83Cx")", JsonKind::kString, R"("\uD83Cx")", "\xef\xbf\xbdx", false},
      // A high surrogate followed by an escape that is not a low one: both are decoded.
      {R"("\uD83C\u0041")", JsonKind::kString, R"("\uD83C\u0041")", "\xef\xbf\xbd" "A", false},
      // Raw UTF-8 passes through; invalid UTF-8 is kept but flagged.
      {"\"caf\xc3\xa9\"", JsonKind::kString, "\"caf\xc3\xa9\"", "caf\xc3\xa9"},
      {"\"\xf0\x9f\x8e\x9f\"", JsonKind::kString, "\"\xf0\x9f\x8e\x9f\"", "\xf0\x9f\x8e\x9f"},
      {"\"a\xff" "b\"", JsonKind::kString, "\"a\xff" "b\"", "a\xff" "b", false},
      {"\"\xc0\x80\"", JsonKind::kString, "\"\xc0\x80\"", "\xc0\x80", false},          // overlong NUL
      {"\"\xed\xa0\x80\"", JsonKind::kString, "\"\xed\xa0\x80\"", "\xed\xa0\x80", false},  // encoded surrogate
      // Longer than the 8-byte fast path, with the escape and the non-ASCII byte past it.
      {R"("0123456789abcdefghij\n0123456789")", JsonKind::kString, R"("0123456789abcdefghij\n0123456789")",
       "0123456789abcdefghij\n0123456789"},
      {"\"0123456789abcdefghij\xc3\xa9\"", JsonKind::kString, "\"0123456789abcdefghij\xc3\xa9\"",
       "0123456789abcdefghij\xc3\xa9"},
      {"0", JsonKind::kNumber, "0", ""},
      {"-0", JsonKind::kNumber, "-0", ""},
      {"1234567890", JsonKind::kNumber, "1234567890", ""},
      {"-1.25e-3", JsonKind::kNumber, "-1.25e-3", ""},
      {"1E+5", JsonKind::kNumber, "1E+5", ""},
      {"0.5", JsonKind::kNumber, "0.5", ""},
      {"12 ", JsonKind::kNumber, "12", ""},
      {"true", JsonKind::kTrue, "true", ""},
      {"false", JsonKind::kFalse, "false", ""},
      {"null", JsonKind::kNull, "null", ""},
      {"{}", JsonKind::kObject, "{}", ""},
      {"[]", JsonKind::kArray, "[]", ""},
      {R"( { "a" : [1, {"b":null}, "}]"], "c":"x" } )", JsonKind::kObject,
       R"({ "a" : [1, {"b":null}, "}]"], "c":"x" })", ""},
      {R"([[[]],{},"\u0041",-1e9,true,false,null])", JsonKind::kArray, R"([[[]],{},"\u0041",-1e9,true,false,null])",
       ""},
  };
  for (const ValueCase& c : cases) {
    SCOPED_TRACE(c.input);
    JsonCursor cur(c.input.data(), c.input.data() + c.input.size());
    JsonValue v;
    ASSERT_TRUE(cur.ReadValue(&v)) << cur.error();
    EXPECT_EQ(v.kind, c.kind);
    EXPECT_EQ(v.raw, c.raw);
    if (c.kind == JsonKind::kString) {
      EXPECT_EQ(v.text, c.text);
      EXPECT_EQ(v.utf8_ok, c.utf8_ok);
    }
    EXPECT_TRUE(cur.ExpectEnd()) << cur.error();
    EXPECT_FALSE(cur.failed());
  }
}

// ---------------------------------------------------------------------------------------------
// Malformed values: the exact message and the offset error_pos() points at.

struct ErrorCase {
  std::string input;
  std::string error;
  size_t offset;
};

void ExpectReadError(const ErrorCase& c) {
  SCOPED_TRACE(c.input);
  JsonCursor cur(c.input.data(), c.input.data() + c.input.size());
  JsonValue v;
  EXPECT_FALSE(cur.ReadValue(&v));
  EXPECT_TRUE(cur.failed());
  EXPECT_EQ(cur.error(), c.error);
  ASSERT_NE(cur.error_pos(), nullptr);
  EXPECT_EQ(static_cast<size_t>(cur.error_pos() - c.input.data()), c.offset);
}

TEST(JsonCursorTest, MalformedScalarsFailWithTheExactErrorAndPlace) {
  const std::vector<ErrorCase> cases = {
      {"", "unexpected end of input (expected a value)", 0},
      {" \n\t ", "unexpected end of input (expected a value)", 4},
      {R"("abc)", "unexpected end of input inside a string", 4},
      {R"("a\)", "unexpected end of input inside a string", 2},
      {R"("\x")", "invalid escape sequence '\\x'", 1},
      {R"("ok\')", "invalid escape sequence '\\''", 3},
      {R"("\u12")", "invalid \\u escape (expected 4 hex digits)", 1},
      {R"("\u12G4")", "invalid \\u escape (expected 4 hex digits)", 1},
      {R"("\u12)", "invalid \\u escape (expected 4 hex digits)", 1},
      {"\"a\nb\"", "a line ends inside a string (is a '\"' missing?)", 2},
      {"\"a\rb\"", "a line ends inside a string (is a '\"' missing?)", 2},
      {"\"a\tb\"", "unexpected byte 0x09 inside a string (control characters must be escaped)", 2},
      {std::string("\"a\0b\"", 5), "unexpected byte 0x00 inside a string (control characters must be escaped)", 2},
      {"\"0123456789abcdefghij\x01\"", "unexpected byte 0x01 inside a string (control characters must be escaped)",
       21},
      {"01", "invalid number", 1},
      {"-", "invalid number", 0},
      {"-a", "invalid number", 0},
      {"1.", "invalid number (a digit must follow '.')", 2},
      {"1.e5", "invalid number (a digit must follow '.')", 2},
      {"1e", "invalid number (a digit must follow the exponent)", 2},
      {"1e+", "invalid number (a digit must follow the exponent)", 3},
      {"1x", "invalid number", 1},
      {"1.5.2", "invalid number", 3},
      {"+1", "expected a value, found '+'", 0},
      {".5", "expected a value, found '.'", 0},
      {"tru", "unexpected end of input", 3},
      {"trux", "expected a value, found 't'", 0},
      {"True", "expected a value, found 'T'", 0},
      {"nullx", "invalid value (expected true, false or null)", 4},
      {"falsey", "invalid value (expected true, false or null)", 5},
      {"'a'", "expected a value, found '''", 0},
      {"\x01", "expected a value, found byte 0x01", 0},
  };
  for (const ErrorCase& c : cases) ExpectReadError(c);
}

TEST(JsonCursorTest, MalformedContainersFailWithTheExactErrorAndPlace) {
  const std::vector<ErrorCase> cases = {
      {"[", "unexpected end of input (expected a value)", 1},
      {"[1,]", "expected a value, found ']'", 3},
      {"[1 2]", "expected ',' or ']' after an array element, found '2'", 3},
      {"[,1]", "expected a value, found ','", 1},
      {"[1}", "expected ',' or ']' after an array element, found '}'", 2},
      {"{", "unexpected end of input (expected a string key)", 1},
      {"{a:1}", "expected a string key, found 'a'", 1},
      {R"({"a" 1})", "expected ':' after an object key, found '1'", 5},
      {R"({"a":1,})", "expected a string key, found '}'", 7},
      {R"({"a":1)", "unexpected end of input (expected ',' or '}' after an object member)", 6},
      {R"({"a":1])", "expected ',' or '}' after an object member, found ']'", 6},
      {R"({"a":1 "b":2})", "expected ',' or '}' after an object member, found '\"'", 7},
      {R"({"a":})", "expected a value, found '}'", 5},
      {R"([{"a":[1,{"b":tru}]}])", "expected a value, found 't'", 14},
      {R"([{"a":"x\qy"}])", "invalid escape sequence '\\q'", 8},
      {"[\"a\nb\"]", "a line ends inside a string (is a '\"' missing?)", 3},
  };
  for (const ErrorCase& c : cases) ExpectReadError(c);
}

TEST(JsonCursorTest, NestingIsLimitedTo128Levels) {
  std::string ok = std::string(128, '[') + std::string(128, ']');
  JsonCursor a(ok.data(), ok.data() + ok.size());
  JsonValue v;
  EXPECT_TRUE(a.ReadValue(&v)) << a.error();
  EXPECT_EQ(v.raw.size(), 256u);
  EXPECT_TRUE(a.ExpectEnd());

  ExpectReadError({std::string(129, '[') + std::string(129, ']'), "nested more than 128 levels deep", 128});
  std::string objects;
  for (int i = 0; i < 129; ++i) objects += "{\"k\":";
  objects += "1" + std::string(129, '}');
  ExpectReadError({objects, "nested more than 128 levels deep", 128 * 5});
}

// ---------------------------------------------------------------------------------------------
// Walking objects and arrays member by member.

TEST(JsonCursorTest, WalksAnObjectMemberByMember) {
  const std::string json =
      R"( { "code" : "A1", "n":2, "nested":{"x":[true, 1]}, "a\"b\u00e9":"\u00e9", "empty":{} } )";
  JsonCursor c(json.data(), json.data() + json.size());
  ASSERT_TRUE(c.EnterObject());
  std::string_view key;
  JsonValue v;

  ASSERT_TRUE(c.NextKey(&key));
  EXPECT_EQ(key, "code");
  ASSERT_TRUE(c.ReadValue(&v));
  EXPECT_EQ(v.kind, JsonKind::kString);
  EXPECT_EQ(v.text, "A1");

  ASSERT_TRUE(c.NextKey(&key));
  EXPECT_EQ(key, "n");
  ASSERT_TRUE(c.ReadValue(&v));
  EXPECT_EQ(v.kind, JsonKind::kNumber);
  EXPECT_EQ(v.raw, "2");

  ASSERT_TRUE(c.NextKey(&key));
  EXPECT_EQ(key, "nested");
  ASSERT_TRUE(c.EnterObject());
  ASSERT_TRUE(c.NextKey(&key));
  EXPECT_EQ(key, "x");
  ASSERT_TRUE(c.EnterArray());
  ASSERT_TRUE(c.NextElement());
  ASSERT_TRUE(c.ReadValue(&v));
  EXPECT_EQ(v.kind, JsonKind::kTrue);
  ASSERT_TRUE(c.NextElement());
  ASSERT_TRUE(c.SkipValue());
  EXPECT_FALSE(c.NextElement());  // ']'
  EXPECT_FALSE(c.NextKey(&key));  // '}' of "nested"
  EXPECT_FALSE(c.failed());

  ASSERT_TRUE(c.NextKey(&key));
  EXPECT_EQ(key, "a\"b\xc3\xa9");  // an escaped key is decoded
  ASSERT_TRUE(c.ReadValue(&v));
  EXPECT_EQ(v.text, "\xc3\xa9");

  ASSERT_TRUE(c.NextKey(&key));
  EXPECT_EQ(key, "empty");
  ASSERT_TRUE(c.EnterObject());
  EXPECT_FALSE(c.NextKey(&key));  // an empty object ends at once
  EXPECT_FALSE(c.failed());

  EXPECT_FALSE(c.NextKey(&key));  // the outer '}'
  EXPECT_FALSE(c.failed());
  EXPECT_TRUE(c.ExpectEnd());
}

TEST(JsonCursorTest, WalksArraysIncludingEmptyOnes) {
  const std::string json = R"([ [], 1, "two", [null] ])";
  JsonCursor c(json.data(), json.data() + json.size());
  ASSERT_TRUE(c.EnterArray());
  ASSERT_TRUE(c.NextElement());
  ASSERT_TRUE(c.EnterArray());
  EXPECT_FALSE(c.NextElement());
  EXPECT_FALSE(c.failed());
  std::vector<std::string> raws;
  JsonValue v;
  while (c.NextElement()) {
    ASSERT_TRUE(c.ReadValue(&v));
    raws.emplace_back(v.raw);
  }
  EXPECT_FALSE(c.failed()) << c.error();
  EXPECT_EQ(raws, (std::vector<std::string>{"1", "\"two\"", "[null]"}));
  EXPECT_TRUE(c.ExpectEnd());
}

TEST(JsonCursorTest, TwoEscapedStringsInARowEachDecodeOnTheirOwn) {
  const std::string json = R"(["\u0041\n", "b\tc"])";
  JsonCursor c(json.data(), json.data() + json.size());
  JsonValue v;
  ASSERT_TRUE(c.EnterArray());
  ASSERT_TRUE(c.NextElement());
  ASSERT_TRUE(c.ReadValue(&v));
  EXPECT_EQ(v.text, "A\n");
  ASSERT_TRUE(c.NextElement());
  ASSERT_TRUE(c.ReadValue(&v));
  EXPECT_EQ(v.text, "b\tc");  // not "A\nb\tc": the scratch is reset per string
}

TEST(JsonCursorTest, WalkErrorsAreExactAndSticky) {
  struct Case {
    std::string input;
    std::string error;
    size_t offset;
  };
  // Each input is walked as an object of scalar members.
  const std::vector<Case> cases = {
      {"[]", "expected '{', found '['", 0},
      {"", "unexpected end of input (expected '{')", 0},
      {R"({,"a":1})", "expected a string key, found ','", 1},
      {R"({"a" 1})", "expected ':' after an object key, found '1'", 5},
      {R"({"a":1 "b":2})", "expected ',' or '}' after an object member, found '\"'", 7},
      {R"({"a":1,})", "expected a string key, found '}'", 7},
      {R"({"a":1)", "unexpected end of input (expected ',' or '}' after an object member)", 6},
      {R"({"a":1}})", "unexpected text after the JSON value", 7},
      {R"({} x)", "unexpected text after the JSON value", 3},
  };
  for (const Case& t : cases) {
    SCOPED_TRACE(t.input);
    JsonCursor c(t.input.data(), t.input.data() + t.input.size());
    std::string_view key;
    JsonValue v;
    if (c.EnterObject()) {
      while (c.NextKey(&key)) c.ReadValue(&v);
      c.ExpectEnd();
    }
    ASSERT_TRUE(c.failed());
    EXPECT_EQ(c.error(), t.error);
    EXPECT_EQ(static_cast<size_t>(c.error_pos() - t.input.data()), t.offset);
    // Every later call fails too and keeps the first error.
    EXPECT_FALSE(c.EnterObject());
    EXPECT_FALSE(c.EnterArray());
    EXPECT_FALSE(c.NextKey(&key));
    EXPECT_FALSE(c.NextElement());
    EXPECT_FALSE(c.ReadValue(&v));
    EXPECT_FALSE(c.SkipValueUnchecked());
    EXPECT_FALSE(c.ExpectEnd());
    EXPECT_EQ(c.error(), t.error);
  }
}

TEST(JsonCursorTest, ArrayWalkErrors) {
  const std::string json = "[1 2]";
  JsonCursor c(json.data(), json.data() + json.size());
  ASSERT_TRUE(c.EnterArray());
  ASSERT_TRUE(c.NextElement());
  ASSERT_TRUE(c.SkipValue());
  EXPECT_FALSE(c.NextElement());
  EXPECT_EQ(c.error(), "expected ',' or ']' after an array element, found '2'");
  EXPECT_EQ(c.error_pos() - json.data(), 3);
}

TEST(JsonCursorTest, PeekSkipsWhitespaceAndReturnsNulAtTheEnd) {
  const std::string json = " \t\r\n x";
  JsonCursor c(json.data(), json.data() + json.size());
  EXPECT_EQ(c.Peek(), 'x');
  EXPECT_EQ(c.pos() - json.data(), 5);
  JsonCursor empty(json.data(), json.data() + 5);
  EXPECT_EQ(empty.Peek(), '\0');
  EXPECT_TRUE(empty.ExpectEnd());
}

TEST(JsonCursorTest, SkipValueUncheckedFindsTheEndWithoutValidating) {
  struct Case {
    std::string input;
    bool ok;
    size_t end;         // ok: where pos() is after the value
    std::string error;  // !ok
  };
  const std::vector<Case> cases = {
      {R"({"a":[1,2]} , 3)", true, 11, ""},
      {R"("a]\"}" x)", true, 7, ""},
      {"123", true, 3, ""},
      {"  true", true, 6, ""},
      {"[1,,2]", true, 6, ""},      // not validated: SkipValue would reject it
      {"{\"a\" 1}", true, 7, ""},   // neither is this
      {"", false, 0, "unexpected end of input (expected a value)"},
      {"[1,2", false, 0, "unexpected end of input"},
      {"\"abc", false, 0, "unexpected end of input"},
      {"]", false, 0, "unexpected ']'"},
      {std::string("[1,\0]", 5), false, 0, "unexpected byte 0x00 (binary data?)"},
      {"[\"a\x01\"]", false, 0, "unexpected byte 0x01 inside a string (control characters must be escaped)"},
  };
  for (const Case& t : cases) {
    SCOPED_TRACE(t.input);
    JsonCursor c(t.input.data(), t.input.data() + t.input.size());
    EXPECT_EQ(c.SkipValueUnchecked(), t.ok);
    if (t.ok) {
      EXPECT_EQ(static_cast<size_t>(c.pos() - t.input.data()), t.end);
    } else {
      EXPECT_EQ(c.error(), t.error);
    }
  }
  // What the unchecked skip lets through, the checked one catches.
  const std::string bad = "[1,,2]";
  JsonCursor checked(bad.data(), bad.data() + bad.size());
  EXPECT_FALSE(checked.SkipValue());
  EXPECT_EQ(checked.error(), "expected a value, found ','");
}

// ---------------------------------------------------------------------------------------------
// JsonValueEnd: one value's end in a stream fed piece by piece.

struct Scanned {
  JsonValueEnd::State state;
  size_t consumed;  // kDone: bytes of the whole input in the value
  std::string error;
};

// Feeds `input` in pieces of `step` bytes (then Finish at the end of input if still kNeedMore).
Scanned ScanInPieces(const std::string& input, size_t step) {
  JsonValueEnd scanner;
  size_t at = 0;
  while (at < input.size()) {
    size_t n = std::min(step, input.size() - at);
    size_t used = 0;
    JsonValueEnd::State s = scanner.Scan(input.data() + at, input.data() + at + n, &used);
    if (s == JsonValueEnd::State::kDone) return {s, at + used, ""};
    if (s == JsonValueEnd::State::kError) return {s, at + scanner.error_offset(), scanner.error()};
    at += n;
  }
  JsonValueEnd::State s = scanner.Finish();
  return {s, input.size(), s == JsonValueEnd::State::kError ? scanner.error() : ""};
}

TEST(JsonValueEndTest, FindsTheEndAtEveryPieceSize) {
  struct Case {
    std::string input;
    JsonValueEnd::State state;
    size_t where;  // kDone: the value's length; kError: the offending byte
    std::string error;
  };
  using S = JsonValueEnd::State;
  const std::vector<Case> cases = {
      {R"({"a":"}"} tail)", S::kDone, 9, ""},
      {R"(  [1, [2], {"x":"]"}] , [3])", S::kDone, 21, ""},
      {R"("ab\"c" rest)", S::kDone, 7, ""},
      {R"("a\\" rest)", S::kDone, 5, ""},
      {"\"caf\xc3\xa9\",", S::kDone, 7, ""},
      {"123,", S::kDone, 3, ""},
      {"-1.5e3]", S::kDone, 6, ""},
      {"true ", S::kDone, 4, ""},
      {"null", S::kDone, 4, ""},  // complete only at Finish
      {"42", S::kDone, 2, ""},
      {"[1]]", S::kDone, 3, ""},
      {"", S::kError, 0, "unexpected end of input"},
      {"   ", S::kError, 3, "unexpected end of input"},
      {"[1,2", S::kError, 4, "unexpected end of input"},
      {"{\"a\":\"b", S::kError, 7, "unexpected end of input"},
      {"]", S::kError, 0, "unexpected ']'"},
      {" }", S::kError, 1, "unexpected '}'"},
      {std::string("[1,\0]", 5), S::kError, 3, "unexpected byte 0x00 (binary data?)"},
      {"[1,\x7f]", S::kError, 3, "unexpected byte 0x7f (binary data?)"},
      {"\x1f\x8b\x08", S::kError, 0, "unexpected byte 0x1f (binary data?)"},
      {"[\"a\nb\"]", S::kError, 3, "a line ends inside a string (is a '\"' missing?)"},
      {"[\"a\x02" "b\"]", S::kError, 3, "unexpected byte 0x02 inside a string (control characters must be escaped)"},
  };
  for (const Case& c : cases) {
    for (size_t step : {size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{1000}}) {
      SCOPED_TRACE(c.input + " step " + std::to_string(step));
      Scanned r = ScanInPieces(c.input, step);
      EXPECT_EQ(r.state, c.state);
      EXPECT_EQ(r.error, c.error);
      // Finish reports no offset: only check the place of errors found by Scan.
      if (c.state == S::kDone || c.error != "unexpected end of input") {
        EXPECT_EQ(r.consumed, c.where);
      }
    }
  }
}

TEST(JsonValueEndTest, AnEscapedQuoteSplitAcrossPiecesDoesNotEndTheString) {
  JsonValueEnd scanner;
  size_t used = 0;
  const std::string a = R"("ab\)", b = R"("c" x)";
  EXPECT_EQ(scanner.Scan(a.data(), a.data() + a.size(), &used), JsonValueEnd::State::kNeedMore);
  EXPECT_EQ(scanner.Scan(b.data(), b.data() + b.size(), &used), JsonValueEnd::State::kDone);
  EXPECT_EQ(used, 3u);  // `"c"`: the first quote was escaped
}

// ---------------------------------------------------------------------------------------------
// AppendCompactJson

TEST(AppendCompactJsonTest, DropsWhitespaceOutsideStringsOnly) {
  struct Case {
    std::string in, out;
  };
  const std::vector<Case> cases = {
      {"", ""},
      {"{}", "{}"},
      {" { \"a\" :\t[ 1 ,\n2 ] ,\r\n \"b c\" : \"x y\" } ", R"({"a":[1,2],"b c":"x y"})"},
      {R"(["a\" b" , "c"])", R"(["a\" b","c"])"},       // an escaped quote does not end the string
      {R"(["a\\" , " d "])", R"(["a\\"," d "])"},       // an escaped backslash does not escape the quote
      {R"({"k":"\u0020 \n"})", R"({"k":"\u0020 \n"})"},  // escapes kept as written
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    std::string out = "prefix:";
    AppendCompactJson(c.in, &out);
    EXPECT_EQ(out, "prefix:" + c.out);
  }
}

}  // namespace
}  // namespace coupongen
