// Recipients: one code per recipient email, from a recipients file or inline.
//
// Recipient files as people export them (Excel, Mailchimp, a CRM): separated by ',', ';' or a tab
// (detected from the header); UTF-8 with or without a BOM, or UTF-16 with a BOM; gzip or not; the
// email column headed email, e-mail, email address or mail (any case); blank rows skipped. Read
// through the io/ readers (io/csv_reader.h over io/text_source.h): the same line limit as the
// coupon readers, and values quoted safely in messages.
#pragma once

#include <string>
#include <vector>

#include "base/problem.h"
#include "spec/campaign.h"

namespace coupongen {

struct RecipientList {
  std::vector<std::string> emails;               // in file order
  std::vector<std::string> keep_names;           // the kept columns, as the header spells them
  std::vector<std::vector<std::string>> kept;    // per recipient: the kept columns' values
  /// on_invalid: skip: the rows set aside, unchanged, each with the reason.
  std::string header_raw;                        // the header record as written
  char separator = ',';
  std::vector<std::pair<std::string, std::string>> rejects;  // (raw row, reason)
  std::vector<int> reject_rows;                  // their line numbers
};

struct RecipientOptions {
  bool skip_invalid = false;       // invalid and duplicate rows go to `rejects`, not errors
  std::vector<std::string> keep;   // column names to keep (matched ignoring case)
};

/// Reads a recipients file. Invalid and duplicate (ignoring case) rows are reported as
/// "FILE:ROW: email: ..." where ROW is the line number (the header is line 1), naming both rows
/// for a duplicate; with skip_invalid they are set aside in `rejects` instead (and one warning
/// says how many). A row holding a control character is invalid. Values a spreadsheet would run
/// as formulas are warned about. `display` is the file name used in messages.
RecipientList LoadRecipientsFile(const std::string& path, const std::string& display, const RecipientOptions& options,
                                 Problems* problems);

/// Checks inline recipients (recipients.emails): each a valid address, no duplicates ignoring case.
void CheckInlineRecipients(const Campaign& c, Problems* problems);

/// True when a header names the email column: email, e-mail, email address, mail (any case).
bool IsEmailHeader(std::string_view header);

}  // namespace coupongen
