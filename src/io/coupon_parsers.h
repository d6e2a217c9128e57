// Internal to the coupon reader: the shared reading context and one parser per input format.
// Not for use outside src/io (include io/coupon_reader.h instead).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "io/coupon_reader.h"
#include "io/input_buffer.h"

namespace coupongen {

/// "CSV with a 'code' column, ...": what a coupon file is expected to be, for messages.
extern const char* const kExpectedCouponFile;

/// The state every parser shares: the buffered input and the position of its first byte.
struct CouponReader::Context {
  Context(std::string file, std::unique_ptr<ByteSource> source) : name(std::move(file)), in(std::move(source)) {}

  std::string name;
  InputBuffer in;
  uint32_t line = 1;    // the line of in.data()
  size_t column = 0;    // bytes between the start of that line and in.data()
  RowNumber row;        // the row being read, which errors while reading name (0: none)
  Status status;

  /// row as messages show it ("" for none).
  std::string Where() const { return row.number == 0 ? std::string() : row.ToString(); }
  /// Consumes `n` bytes, counting the lines they end.
  void Advance(size_t n);
  /// Reads more input. False at the end of the input or on an error; on an error, status is set
  /// and names the file and the row.
  bool Refill();
  /// Skips ASCII whitespace (refilling). False only on an error.
  bool SkipWhitespace();
  /// Sets status to Invalid("NAME:WHERE: message") (or "NAME: message" when `where` is empty)
  /// and returns false.
  bool Fail(std::string_view where, const std::string& message);
  /// "line L, column C" of `p`, a pointer into the buffered bytes.
  std::string Locate(const char* p) const;
  /// Finds the end of the JSON value starting at in.data() (refilling as needed) and sets *len.
  /// Messages call it "element ROW" (`element`) or "the document".
  bool ScanJsonValue(bool element, size_t* len);
  /// Adds a problem "NAME:ROW: KEY: message" to the row.
  void AddProblem(CouponRow* row, std::string_view key, std::string message) const;
};

class CouponReader::Parser {
 public:
  virtual ~Parser() = default;
  /// Fills the next row (REQUIRES: cleared by Clear). False at the end or on an error (context
  /// status).
  virtual bool Next(CouponRow* row) = 0;
  /// Readies *c for Next: by default ClearCoupon. A parser that sets or unsets some fields on
  /// every row itself may leave those (their strings keep their capacity), and must then clear
  /// the coupon when Next returns false.
  virtual void Clear(Coupon* c);
  virtual InputFormat format() const = 0;
  virtual const std::string& csv_header() const;
  virtual const std::optional<std::string>& imports_parent_resource_id() const;
};

using CouponParser = CouponReader::Parser;
using ReadContext = CouponReader::Context;

/// Each starts at in.data(), the first byte of the content (after a byte order mark and, for the
/// JSON formats, leading whitespace). Null with ctx->status set when the start is unusable
/// (e.g. no 'code' column).
std::unique_ptr<CouponParser> NewCsvOrTextParser(ReadContext* ctx);
std::unique_ptr<CouponParser> NewJsonArrayParser(ReadContext* ctx);
std::unique_ptr<CouponParser> NewJsonDocumentParser(ReadContext* ctx);

}  // namespace coupongen
