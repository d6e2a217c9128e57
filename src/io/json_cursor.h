// JSON scanning for the coupon readers, in two steps so that memory stays one value:
//   JsonValueEnd finds where one JSON value (an array element, a document) ends in a stream,
//   tracking only strings and bracket depth;
//   JsonCursor then parses and validates that value from memory with plain pointers, with no DOM:
//   the reader walks objects member by member and keeps what it needs.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace coupongen {

/// Finds the end of one JSON value in a stream fed piece by piece. It does not validate (the
/// JsonCursor does), except that it stops at bytes JSON never holds (control characters, so binary
/// data is caught early) and at a closing bracket with no opening one.
class JsonValueEnd {
 public:
  enum class State { kNeedMore, kDone, kError };

  /// Scans the next piece of the value, [p, end), which starts with the value's first byte on the
  /// first call. On kDone, *used is how many bytes of this piece belong to the value.
  State Scan(const char* p, const char* end, size_t* used);
  /// Call at the end of the input after kNeedMore: kDone if a number or literal was complete.
  State Finish();
  /// Why it stopped on kError: "unexpected byte 0x00" or "unexpected end of input".
  const std::string& error() const { return error_; }
  /// On kError from Scan: the offset of the offending byte in the last piece.
  size_t error_offset() const { return error_offset_; }

 private:
  State Fail(std::string why, size_t offset);

  int depth_ = 0;
  bool in_string_ = false;
  bool escape_ = false;
  bool scalar_ = false;  // a top-level number or literal
  std::string error_;
  size_t error_offset_ = 0;
};

enum class JsonKind { kString, kNumber, kTrue, kFalse, kNull, kObject, kArray };

/// A value read by JsonCursor::ReadValue.
struct JsonValue {
  JsonKind kind = JsonKind::kNull;
  std::string_view raw;   // the value as written (for objects and arrays: the whole text)
  std::string_view text;  // kString: the decoded text (valid until the next ReadValue)
  bool utf8_ok = true;    // kString: the decoded text is valid UTF-8
};

/// A validating pull parser over JSON text in memory (RFC 8259; no comments, no trailing commas).
/// Every call returns false once something is wrong, with error() and error_pos() set.
/// Walk an object with:
///   if (!c.EnterObject()) ...;  std::string_view key;
///   while (c.NextKey(&key)) { c.ReadValue(&v) or c.EnterObject() ... }
///   if (c.failed()) ...
class JsonCursor {
 public:
  /// [begin, end) must outlive the cursor.
  JsonCursor(const char* begin, const char* end) : p_(begin), end_(end) {}

  /// The next non-whitespace byte, or '\0' at the end (whitespace is skipped).
  char Peek();
  /// Consumes '{' (after whitespace).
  bool EnterObject();
  /// Reads the next member's key and the ':' after it. False at the object's closing '}' (which
  /// it consumes) or on an error. The key is valid until the next NextKey.
  bool NextKey(std::string_view* key);
  /// Consumes '['.
  bool EnterArray();
  /// True when another element follows (after a ',' it consumes); false at the closing ']'
  /// (consumed) or on an error.
  bool NextElement();
  /// Reads any value. Objects and arrays are validated and skipped; `raw` spans them.
  bool ReadValue(JsonValue* out);
  /// Skips any value, validating it.
  bool SkipValue();
  /// Skips any value quickly, checking only where it ends (strings and brackets): for text that
  /// is validated on another pass.
  bool SkipValueUnchecked();
  /// True when only whitespace is left; else fails with "unexpected text after the JSON value".
  bool ExpectEnd();

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  /// Where the error is, as a pointer into [begin, end].
  const char* error_pos() const { return error_pos_; }
  const char* pos() const { return p_; }

 private:
  bool Fail(std::string why);
  bool FailUnexpected(const char* expected);
  void SkipWs();
  bool ParseString(std::string_view* out, std::string* scratch, bool* utf8_ok);
  bool DecodeEscape(std::string* out, bool* utf8_ok);
  bool ParseNumber();
  bool ParseLiteral(std::string_view word);
  bool SkipNested(int depth);

  const char* p_;
  const char* end_;
  bool after_open_ = false;  // the last structural byte consumed was '{' or '['
  std::string key_scratch_, value_scratch_;
  std::string error_;
  const char* error_pos_ = nullptr;
};

/// Appends the JSON text `json` (REQUIRES: valid, e.g. a JsonValue::raw) without the whitespace
/// outside strings: the compact form, keys and escapes as written.
void AppendCompactJson(std::string_view json, std::string* out);

}  // namespace coupongen
