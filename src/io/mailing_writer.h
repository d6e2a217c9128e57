// The mailing file (output.mailing) for the email tool's mail merge: email, code, expires_at and
// the recipient columns kept (recipients.keep), one row per recipient in recipient order, as CSV
// (RFC 4180, UTF-8, LF) or xlsx (io/xlsx_table.h). And the recipients' rejects file
// (on_invalid: skip): the skipped rows, unchanged, with the reason in a last column.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "io/sink.h"

namespace coupongen {

class MailingWriter {
 public:
  /// `with_expiry`: the expires_at column is written. REQUIRES: `sink` outlives the writer.
  static Result<std::unique_ptr<MailingWriter>> Open(OutputSink& sink, bool xlsx, const std::vector<std::string>& keep_names,
                                                     bool with_expiry);
  virtual ~MailingWriter() = default;
  /// One recipient's row. `kept` holds the kept columns' values (or is empty when none are kept).
  virtual Status Add(std::string_view email, std::string_view code, std::string_view expires_at,
                     const std::vector<std::string>& kept) = 0;
  virtual Status Finish() = 0;
  unsigned long long rows() const { return rows_; }

 protected:
  unsigned long long rows_ = 0;
};

/// Writes the recipients' rejects file: `header` (the header record as read) plus
/// `<separator>reason`, then each skipped row as read plus `<separator>"<reason>"`.
Status WriteRecipientRejects(OutputSink& sink, const std::string& header, char separator,
                             const std::vector<std::pair<std::string, std::string>>& rows);

}  // namespace coupongen
