// CouponReader: streams the coupons of an existing coupon file (for lint, convert and --exclude),
// whatever its format, detected from the content (never the file name):
//   csv      a header with a `code` column, other columns by name in any order (case ignored);
//            unknown columns (a Commerce Layer export's id, usage_count, ...) are ignored
//   json     a JSON array of flat coupon objects (our json output, a Commerce Layer JSON export)
//   jsonapi  JSON:API `{"data":{"type":"coupons",...}}` documents, one per line
//   imports  `{"data":{"type":"imports",...,"inputs":[...]}}` documents, one per line
//   jsonapi-list  JSON:API list responses `{"data":[{"type":"coupons",...}],"meta":...}`
//   text     one code per line
// and any of these gzip-compressed (detected by the 1f 8b magic).
//
// Memory: one row at a time (a CSV record, a JSON array element, a text line), plus 256 KiB
// buffers. JSON documents (jsonapi, imports, list responses) are held one whole document at a
// time: one coupon, one imports chunk (at most 10,000 inputs), one list page.
//
// Row numbers (RowNumber, and the ROW of "FILE:ROW: ..."):
//   csv, text  the physical line where the row starts (the CSV header is line 1)
//   json       the 1-based index of the element in the array
//   jsonapi    the line where the document starts
//   imports    LINE:N, the document's line and the input's 1-based index in its `inputs`
//   jsonapi-list  LINE:N, the document's line and the resource's 1-based index in `data`
//
// A file that cannot be read is an error Status: kIoError when the file cannot be opened or read,
// kInvalid when its content is not a coupon file or is malformed (a truncated JSON value, an
// unterminated quote, binary data, truncated gzip data...). Its message names the file, and the
// row when there is one: "old.csv: no 'code' column in the CSV header (columns: id, name)",
// "old.json:3: truncated JSON: the input ends inside element 3 (which starts on line 5)".
// Values that are well-formed but wrong (usage_limit "1.5", an impossible date) are not errors
// of the file: they are the row's problems, and reading goes on.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/problem.h"
#include "base/status.h"
#include "coupon/coupon.h"
#include "io/byte_source.h"

namespace coupongen {

enum class InputFormat { kCsv, kJson, kJsonApi, kImports, kJsonApiList, kText };

/// "csv", "json", "jsonapi", "imports", "jsonapi-list", "text".
const char* InputFormatName(InputFormat f);

/// Where a row is in its file (see the row numbers above). Row and line numbers are 32-bit.
struct RowNumber {
  uint32_t number = 0;  // a line, or the element index of a JSON array
  uint32_t sub = 0;     // imports and list responses: the index inside the document; else 0
  /// "12", or "3:17" when `sub` is set.
  std::string ToString() const;
  bool operator==(const RowNumber&) const = default;
};

/// "FILE:ROW": the `where` of a row's problems.
std::string RowWhere(std::string_view file, RowNumber row);

/// One coupon read from a file.
struct CouponRow {
  RowNumber number;
  /// The coupon, normalised: timestamps canonical ("...T00:00:00.000Z"), usage_limit an integer,
  /// metadata compact JSON text, `tags` from _add_tags. A value that could not be converted is
  /// left unset (or the code empty) and has a problem.
  Coupon coupon;
  /// What could not be converted, each with where = "FILE:ROW" and key = the column:
  /// "usage_limit: not a whole number (got \"1.5\")". Semantic checks (length, duplicates, expiry
  /// in the past...) are not here: they are lint's (lint/coupon_checks.h).
  Problems problems;
  /// The row's original text, byte for byte, without its line end, so that a rejects file can hold
  /// it unchanged in the same format: the CSV record (write csv_header() first), the JSON array
  /// element, the whole jsonapi document, the imports input object (wrap inputs into an imports
  /// document with imports_parent_resource_id()), the list response's resource object, the text
  /// line.
  std::string raw;
};

class CouponReader {
 public:
  /// Opens `path` ("-" is standard input, named "<stdin>" in messages) and detects its format,
  /// reading as much as that takes. Fails when the file cannot be opened or is not a coupon file.
  static Result<std::unique_ptr<CouponReader>> Open(const std::string& path);
  /// The same over any source; `name` is the file name messages use.
  static Result<std::unique_ptr<CouponReader>> FromSource(std::string name, std::unique_ptr<ByteSource> source);
  static Result<std::unique_ptr<CouponReader>> FromString(std::string name, std::string content);

  ~CouponReader();
  CouponReader(const CouponReader&) = delete;
  CouponReader& operator=(const CouponReader&) = delete;

  /// Reads the next coupon into *row (which it clears first; reusing one row saves allocations).
  /// Returns false at the end of the file, or when the file turns out malformed: status() then
  /// says why. Rows already returned stay valid; nothing after the error is read.
  bool Next(CouponRow* row);
  /// Ok, or why reading stopped early.
  const Status& status() const;

  /// The file's name as messages use it.
  const std::string& name() const;
  InputFormat format() const;
  /// True when the file was gzip-compressed.
  bool gzipped() const { return gzipped_; }
  /// CSV: the header record as written (without its line end); otherwise "".
  const std::string& csv_header() const;
  /// imports: the `parent_resource_id` of the document of the last row read, if it has one.
  const std::optional<std::string>& imports_parent_resource_id() const;
  /// Bytes read so far, after decompression (for progress).
  unsigned long long bytes_read() const;
  /// About how many rows the file holds, to size what keeps them (the duplicate index): for a
  /// plain CSV or text file opened by path, its size over the length of the first lines; 0 when
  /// unknown (standard input, gzip, JSON).
  size_t expected_rows() const { return expected_rows_; }

  class Parser;  // one per format (io/coupon_parsers.h)
  struct Context;

 private:
  CouponReader() = default;
  void EstimateRows(const std::string& path);

  std::unique_ptr<Context> context_;
  std::unique_ptr<Parser> parser_;
  bool gzipped_ = false;
  size_t expected_rows_ = 0;
};

}  // namespace coupongen
