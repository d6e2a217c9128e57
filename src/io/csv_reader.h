// CsvReader: RFC 4180 records from a stream: quoted fields with doubled quotes and embedded
// separators, CRLF or LF line ends, a UTF-8 BOM skipped. Streams: memory is one record.
#pragma once

#include <istream>
#include <string>
#include <vector>

namespace coupongen {

class CsvReader {
 public:
  /// `in` must outlive the reader.
  explicit CsvReader(std::istream& in);

  /// Reads the next record into *fields. Returns false at the end of input, or on a malformed
  /// record with *error set (an unterminated quote, text after a closing quote, a NUL byte).
  /// A blank line is returned as a record with one empty field.
  bool Next(std::vector<std::string>* fields, std::string* error);

  /// 1-based physical line on which the last record returned started.
  int line() const { return record_line_; }

 private:
  std::streambuf* buf_;
  int next_line_ = 1;
  int record_line_ = 0;
  bool first_ = true;
};

}  // namespace coupongen
