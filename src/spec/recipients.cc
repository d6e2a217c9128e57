#include "spec/recipients.h"

#include <unordered_map>

#include "base/email.h"
#include "base/spreadsheet.h"
#include "base/strings.h"
#include "base/utf8.h"
#include "io/csv_reader.h"
#include "io/text_scan.h"
#include "io/text_source.h"

namespace coupongen {
namespace {

constexpr size_t kMaxFormulaWarnings = 5;

Problem FileProblem(const std::string& where, const std::string& message, const std::string& key = "") {
  Problem p;
  p.where = where;
  p.key = key;
  p.message = message;
  return p;
}

bool Blank(const std::vector<std::string>& fields) {
  for (const auto& f : fields)
    if (!Trim(f).empty()) return false;
  return true;
}

}  // namespace

bool IsEmailHeader(std::string_view header) {
  std::string h = ToLowerAscii(Trim(header));
  return h == "email" || h == "e-mail" || h == "email address" || h == "e-mail address" || h == "mail";
}

RecipientList LoadRecipientsFile(const std::string& path, const std::string& display, const RecipientOptions& options,
                                 Problems* problems) {
  RecipientList list;
  auto source = OpenTextSource(path);
  if (!source.ok()) {
    std::string msg = source.status().message();
    if (msg.rfind(path + ": ", 0) == 0) msg = msg.substr(path.size() + 2);
    problems->push_back(FileProblem(display, "cannot read the recipients file: " + msg));
    return list;
  }
  CsvReader reader(std::move(source).value(), /*separator=*/0);
  std::vector<std::string> fields;
  std::string error;
  if (!reader.Next(&fields, &error)) {
    problems->push_back(FileProblem(display, error.empty() ? "the recipients file is empty (expected a header with an 'email' column)"
                                                           : "line 1: " + error));
    return list;
  }
  list.header_raw = reader.raw();
  list.separator = reader.separator();
  int column = -1;
  for (size_t i = 0; i < fields.size(); ++i)
    if (column < 0 && IsEmailHeader(fields[i])) column = static_cast<int>(i);
  std::vector<std::string> shown;
  for (const auto& f : fields) shown.push_back(QuoteForMessage(f));
  if (column < 0) {
    problems->push_back(FileProblem(display + ":1", "no email column in the header (name one 'email', 'e-mail', 'email address' or 'mail'; columns: " +
                                                        Join(shown, ", ") + ")"));
    return list;
  }
  std::vector<size_t> keep_columns;
  for (const auto& name : options.keep) {
    size_t found = fields.size();
    for (size_t i = 0; i < fields.size(); ++i)
      if (EqualsIgnoreCase(Trim(fields[i]), Trim(name))) found = i;
    if (found == fields.size()) {
      std::string hint = ClosestMatch(name, fields);
      problems->push_back(FileProblem(display + ":1", "no column " + QuoteForMessage(name) + " to keep (recipients.keep)" +
                                                          (hint.empty() ? "" : ": did you mean " + QuoteForMessage(hint) + "?") +
                                                          " (columns: " + Join(shown, ", ") + ")"));
      return list;
    }
    keep_columns.push_back(found);
    list.keep_names.push_back(std::string(Trim(fields[found])));
  }
  std::unordered_map<std::string, int> first_row;  // folded email -> row
  size_t formula_warnings = 0, formula_more = 0;
  auto formula = [&](int row, const std::string& key, const std::string& value) {
    if (!LooksLikeFormula(value)) return;
    if (formula_warnings++ >= kMaxFormulaWarnings) {
      ++formula_more;
      return;
    }
    Problem p = FileProblem(display + ":" + std::to_string(row), FormulaWarning(value), key);
    p.severity = Problem::Severity::kWarning;
    problems->push_back(p);
  };
  while (reader.Next(&fields, &error)) {
    int row = reader.line();
    if (Blank(fields)) continue;  // a blank line, or ",,," from a spreadsheet
    std::string why;
    std::string email;
    if (static_cast<int>(fields.size()) <= column) {
      why = "missing (the row has " + std::to_string(fields.size()) + (fields.size() == 1 ? " column" : " columns") +
            ", the header " + std::to_string(column + 1) + " or more)";
    } else {
      for (size_t i = 0; i < fields.size() && why.empty(); ++i) {
        if (!IsValidUtf8(fields[i])) why = "not valid UTF-8";
        else if (size_t at = FindControlChar(fields[i]); at != std::string::npos)
          why = "contains " + DescribeCharAt(fields[i], at) + " (control characters are not allowed)";
      }
      if (why.empty()) {
        email = std::string(Trim(fields[column]));
        std::string bad;
        if (!IsValidEmail(email, &bad)) why = bad + (email.empty() ? "" : " (got " + QuoteForMessage(email) + ")");
      }
    }
    if (why.empty()) {
      auto [it, fresh] = first_row.emplace(ToLowerAscii(email), row);
      if (!fresh) why = "duplicate of row " + std::to_string(it->second) + " (" + QuoteForMessage(email) + ", ignoring case)";
    }
    if (!why.empty()) {
      if (options.skip_invalid) {
        list.rejects.emplace_back(reader.raw(), "email: " + why);
        list.reject_rows.push_back(row);
      } else {
        problems->push_back(FileProblem(display + ":" + std::to_string(row), why, "email"));
      }
      continue;
    }
    formula(row, "email", email);
    std::vector<std::string> kept;
    for (size_t k = 0; k < keep_columns.size(); ++k) {
      std::string v = keep_columns[k] < fields.size() ? std::string(Trim(fields[keep_columns[k]])) : "";
      formula(row, list.keep_names[k], v);
      kept.push_back(std::move(v));
    }
    if (!keep_columns.empty()) list.kept.push_back(std::move(kept));
    list.emails.push_back(std::move(email));
  }
  if (formula_more) {
    Problem p = FileProblem(display, "and " + WithThousands(formula_more) + " more values that a spreadsheet would run as formulas");
    p.severity = Problem::Severity::kWarning;
    problems->push_back(p);
  }
  if (!error.empty()) {
    problems->push_back(FileProblem(display + ":" + std::to_string(reader.line() ? reader.line() : 1), error));
  } else if (list.emails.empty() && !HasErrors(*problems)) {
    problems->push_back(FileProblem(display, list.rejects.empty() ? "the recipients file has no recipients"
                                                                  : "every recipient row is invalid (see the rejects file)"));
  }
  return list;
}

void CheckInlineRecipients(const Campaign& c, Problems* problems) {
  std::unordered_map<std::string, size_t> first;
  const auto& emails = c.recipients.emails;
  for (size_t i = 0; i < emails.size(); ++i) {
    Mark m = c.recipients.email_marks[i];
    Problem p = ProblemAt(c.file, m.line, m.column, "recipients.emails[" + std::to_string(i) + "]", "");
    std::string why;
    if (!IsValidEmail(emails[i], &why)) {
      p.message = why + ": " + QuoteForMessage(emails[i]);
      problems->push_back(p);
      continue;
    }
    auto [it, fresh] = first.emplace(ToLowerAscii(emails[i]), i);
    if (!fresh) {
      p.message = "duplicate of recipients.emails[" + std::to_string(it->second) + "] on line " +
                  std::to_string(c.recipients.email_marks[it->second].line) + " ('" + emails[i] + "', ignoring case)";
      problems->push_back(p);
      continue;
    }
    if (LooksLikeFormula(emails[i])) {
      p.severity = Problem::Severity::kWarning;
      p.message = FormulaWarning(emails[i]);
      problems->push_back(p);
    }
  }
}

}  // namespace coupongen
