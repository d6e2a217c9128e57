#include "io/csv_reader.h"

namespace coupongen {

CsvReader::CsvReader(std::istream& in) : buf_(in.rdbuf()) {}

bool CsvReader::Next(std::vector<std::string>* fields, std::string* error) {
  using Traits = std::char_traits<char>;
  error->clear();
  fields->clear();
  if (first_) {
    first_ = false;
    // Skip a UTF-8 byte order mark.
    if (buf_->sgetc() == 0xEF) {
      buf_->sbumpc();
      if (buf_->sbumpc() != 0xBB || buf_->sbumpc() != 0xBF) {
        *error = "invalid byte at the start of the file";
        return false;
      }
    }
  }
  int c = buf_->sgetc();
  if (c == Traits::eof()) return false;
  record_line_ = next_line_;
  std::string field;
  bool quoted = false;      // inside a quoted field
  bool was_quoted = false;  // the current field was quoted (and has closed)
  while (true) {
    c = buf_->sbumpc();
    if (c == Traits::eof()) {
      if (quoted) {
        *error = "unterminated quoted field (a '\"' opened on line " + std::to_string(record_line_) + " never closes)";
        return false;
      }
      fields->push_back(std::move(field));
      return true;
    }
    char ch = static_cast<char>(c);
    if (ch == '\0') {
      *error = "NUL byte in the data";
      return false;
    }
    if (quoted) {
      if (ch == '"') {
        if (buf_->sgetc() == '"') {
          buf_->sbumpc();
          field.push_back('"');
        } else {
          quoted = false;
          was_quoted = true;
        }
      } else {
        if (ch == '\n') ++next_line_;
        field.push_back(ch);
      }
      continue;
    }
    if (ch == ',') {
      fields->push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (ch == '\n' || ch == '\r') {
      if (ch == '\r' && buf_->sgetc() == '\n') buf_->sbumpc();
      ++next_line_;
      fields->push_back(std::move(field));
      return true;
    } else if (was_quoted) {
      *error = "text after a closing quote";
      return false;
    } else if (ch == '"' && field.empty()) {
      quoted = true;
    } else {
      field.push_back(ch);
    }
  }
}

}  // namespace coupongen
