// CsvReader: RFC 4180 records from a ByteSource (io/byte_source.h): quoted fields with doubled
// quotes and embedded separators, CRLF or LF line ends, a UTF-8 BOM skipped. The separator is
// ',', ';' or a tab, given or detected from the first line (the one of the three that occurs most
// often there outside quotes; ',' when none does). Streams: memory is one record, and a record
// longer than the limit is an error (a 1 GB line costs no more than the limit).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/byte_source.h"
#include "io/input_buffer.h"

namespace coupongen {

class CsvReader {
 public:
  static constexpr size_t kMaxRecord = 8u << 20;  // as the coupon readers

  /// `separator` 0 detects it from the first line.
  explicit CsvReader(std::unique_ptr<ByteSource> source, char separator = ',', size_t max_record = kMaxRecord);

  /// Reads the next record into *fields. Returns false at the end of input, or on a malformed
  /// record or a read error with *error set (an unterminated quote, text after a closing quote, a
  /// NUL byte, a record longer than the limit).
  /// A blank line is returned as a record with one empty field.
  bool Next(std::vector<std::string>* fields, std::string* error);

  /// 1-based physical line on which the last record returned started.
  int line() const { return record_line_; }
  /// The last record's bytes as written, without its line end.
  const std::string& raw() const { return raw_; }
  /// The separator in use (after detection: valid once Next was called).
  char separator() const { return separator_; }

 private:
  bool Detect(std::string* error);

  InputBuffer in_;
  char separator_;
  size_t max_record_;
  std::string raw_;
  int next_line_ = 1;
  int record_line_ = 0;
  bool first_ = true;
};

}  // namespace coupongen
