// XlsxTable: one sheet of text cells in an .xlsx workbook (libxlsxwriter; the only user of it).
// The header row is frozen, every cell is stored as text (number format "@") so that a
// spreadsheet never turns 052E4928 into 5.2E+4929 or drops leading zeros. Rows stream out
// (libxlsxwriter's constant-memory mode); the zip is written at Finish.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "io/sink.h"

namespace coupongen {

/// Rows one sheet holds below its header (Excel's 1,048,576 rows less the header).
constexpr unsigned long long kXlsxMaxRows = 1048575;

class XlsxTable {
 public:
  /// Writes into `sink`. An AtomicFile sink gets the workbook in its temporary file (renamed into
  /// place by its owner as usual); any other sink (stdout) gets the bytes of a private temporary
  /// file at Finish.
  static Result<std::unique_ptr<XlsxTable>> Open(OutputSink& sink, const std::vector<std::string>& header,
                                                 const std::string& sheet_name);
  ~XlsxTable();

  /// Adds a row of text cells (at most kXlsxMaxRows rows).
  Status AddRow(const std::vector<std::string_view>& cells);
  /// Writes the workbook. No AddRow after it.
  Status Finish();

 private:
  XlsxTable() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace coupongen
