#include "spec/recipients.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <unordered_map>

#include "base/email.h"
#include "base/strings.h"
#include "io/csv_reader.h"

namespace coupongen {
namespace {

Problem RowProblem(const std::string& file, int row, const std::string& message) {
  Problem p;
  p.where = file + ":" + std::to_string(row);
  p.key = "email";
  p.message = message;
  return p;
}

}  // namespace

std::vector<std::string> LoadRecipientsCsv(const std::string& path, const std::string& display, Problems* problems) {
  std::vector<std::string> emails;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    problems->push_back(Problem{Problem::Severity::kError, display, "", std::string("cannot read recipients file: ") + std::strerror(errno), 0, 0});
    return emails;
  }
  CsvReader reader(in);
  std::vector<std::string> fields;
  std::string error;
  if (!reader.Next(&fields, &error)) {
    problems->push_back(Problem{Problem::Severity::kError, display, "",
                                error.empty() ? "the recipients file is empty (expected a header with an 'email' column)"
                                              : "line 1: " + error, 0, 0});
    return emails;
  }
  int column = -1;
  for (size_t i = 0; i < fields.size(); ++i)
    if (EqualsIgnoreCase(Trim(fields[i]), "email")) column = static_cast<int>(i);
  if (column < 0) {
    problems->push_back(Problem{Problem::Severity::kError, display + ":1", "",
                                "no 'email' column in the header (columns: " + Join(fields, ", ") + ")", 0, 0});
    return emails;
  }
  std::unordered_map<std::string, int> first_row;  // folded email -> row
  while (reader.Next(&fields, &error)) {
    int row = reader.line();
    if (fields.size() == 1 && Trim(fields[0]).empty()) continue;  // blank line
    if (static_cast<int>(fields.size()) <= column) {
      problems->push_back(RowProblem(display, row, "missing (the row has " + std::to_string(fields.size()) + " columns)"));
      continue;
    }
    std::string email(Trim(fields[column]));
    std::string why;
    if (!IsValidUtf8(email)) {  // never echo bytes that are not text
      problems->push_back(RowProblem(display, row, "not valid UTF-8"));
      continue;
    }
    if (!IsValidEmail(email, &why)) {
      problems->push_back(RowProblem(display, row, why + (email.empty() ? "" : ": '" + email + "'")));
      continue;
    }
    auto [it, fresh] = first_row.emplace(ToLowerAscii(email), row);
    if (!fresh) {
      problems->push_back(RowProblem(display, row, "duplicate of row " + std::to_string(it->second) + " ('" + email + "', ignoring case)"));
      continue;
    }
    emails.push_back(std::move(email));
  }
  if (!error.empty()) {
    problems->push_back(Problem{Problem::Severity::kError, display + ":" + std::to_string(reader.line()), "", error, 0, 0});
  } else if (emails.empty() && !HasErrors(*problems)) {
    problems->push_back(Problem{Problem::Severity::kError, display, "", "the recipients file has no recipients", 0, 0});
  }
  return emails;
}

void CheckInlineRecipients(const Campaign& c, Problems* problems) {
  std::unordered_map<std::string, size_t> first;
  const auto& emails = c.recipients.emails;
  for (size_t i = 0; i < emails.size(); ++i) {
    Mark m = c.recipients.email_marks[i];
    Problem p;
    p.where = c.file + ":" + std::to_string(m.line) + ":" + std::to_string(m.column);
    p.key = "recipients.emails[" + std::to_string(i) + "]";
    p.line = m.line;
    p.column = m.column;
    std::string why;
    if (!IsValidEmail(emails[i], &why)) {
      p.message = why + ": '" + emails[i] + "'";
      problems->push_back(p);
      continue;
    }
    auto [it, fresh] = first.emplace(ToLowerAscii(emails[i]), i);
    if (!fresh) {
      p.message = "duplicate of recipients.emails[" + std::to_string(it->second) + "] on line " +
                  std::to_string(c.recipients.email_marks[it->second].line) + " ('" + emails[i] + "', ignoring case)";
      problems->push_back(p);
    }
  }
}

}  // namespace coupongen
