// Recipients: one code per recipient email, from a CSV file with an `email` column or inline.
#pragma once

#include <string>
#include <vector>

#include "base/problem.h"
#include "spec/campaign.h"

namespace coupongen {

/// Reads recipient emails from a CSV file with an `email` column (header matched ignoring case;
/// other columns ignored), in file order. Invalid and duplicate (ignoring case) addresses are
/// reported as "FILE:ROW: email: ..." where ROW is the line number (the header is line 1), naming
/// both rows for a duplicate. `display` is the file name used in messages.
std::vector<std::string> LoadRecipientsCsv(const std::string& path, const std::string& display, Problems* problems);

/// Checks inline recipients (recipients.emails): each a valid address, no duplicates ignoring case.
void CheckInlineRecipients(const Campaign& c, Problems* problems);

}  // namespace coupongen
