#include "io/csv_reader.h"

#include "base/strings.h"

namespace coupongen {

CsvReader::CsvReader(std::unique_ptr<ByteSource> source, char separator, size_t max_record)
    : in_(std::move(source), 64 << 10), separator_(separator), max_record_(max_record) {}

// Counts ',', ';' and tabs outside quotes on the first line; the most frequent wins.
bool CsvReader::Detect(std::string* error) {
  size_t counts[3] = {0, 0, 0};
  const char seps[3] = {',', ';', '\t'};
  bool quoted = false;
  for (size_t i = 0;; ++i) {
    if (i >= in_.size()) {
      if (i > max_record_) break;
      if (!in_.Refill()) {
        if (!in_.status().ok()) {
          *error = in_.status().message();
          return false;
        }
        break;
      }
    }
    char c = in_.data()[i];
    if (c == '"') quoted = !quoted;
    if (!quoted && (c == '\n' || c == '\r')) break;
    if (quoted) continue;
    for (int k = 0; k < 3; ++k)
      if (c == seps[k]) ++counts[k];
  }
  separator_ = ',';
  size_t best = counts[0];
  for (int k = 1; k < 3; ++k)
    if (counts[k] > best) {
      best = counts[k];
      separator_ = seps[k];
    }
  return true;
}

bool CsvReader::Next(std::vector<std::string>* fields, std::string* error) {
  error->clear();
  fields->clear();
  raw_.clear();
  if (first_) {
    first_ = false;
    if (!in_.Ensure(3)) {
      *error = in_.status().message();
      return false;
    }
    if (in_.size() >= 3 && in_.data()[0] == '\xEF' && in_.data()[1] == '\xBB' && in_.data()[2] == '\xBF')
      in_.Consume(3);  // a UTF-8 byte order mark
    if (separator_ == 0 && !Detect(error)) return false;
  }
  if (!in_.Ensure(1)) {
    *error = in_.status().message();
    return false;
  }
  if (in_.size() == 0) return false;
  record_line_ = next_line_;
  std::string field;
  bool quoted = false;      // inside a quoted field
  bool was_quoted = false;  // the current field was quoted (and has closed)
  size_t i = 0;             // offset of the next byte in in_.data()
  auto at = [&](size_t k, int* c) {  // the byte at offset k, refilling; false at the end
    while (k >= in_.size()) {
      if (!in_.Refill()) return false;
    }
    *c = static_cast<unsigned char>(in_.data()[k]);
    return true;
  };
  auto finish = [&](size_t end, size_t next) {
    raw_.assign(in_.data(), end);
    in_.Consume(next);
  };
  while (true) {
    if (i > max_record_) {
      *error = "a line longer than " + HumanBytes(max_record_) + " (binary data?)";
      return false;
    }
    int c;
    if (!at(i, &c)) {
      if (!in_.status().ok()) {
        *error = in_.status().message();
        return false;
      }
      if (quoted) {
        *error = "unterminated quoted field (a '\"' opened on line " + std::to_string(record_line_) + " never closes)";
        return false;
      }
      fields->push_back(std::move(field));
      finish(i, i);
      return true;
    }
    char ch = static_cast<char>(c);
    ++i;
    if (ch == '\0') {
      *error = "NUL byte in the data (not a text file, or UTF-16 without a byte order mark?)";
      return false;
    }
    if (quoted) {
      if (ch == '"') {
        int next;
        if (at(i, &next) && next == '"') {
          ++i;
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
    if (ch == separator_) {
      fields->push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (ch == '\n' || ch == '\r') {
      size_t end = i - 1;
      int next;
      if (ch == '\r' && at(i, &next) && next == '\n') ++i;
      ++next_line_;
      fields->push_back(std::move(field));
      finish(end, i);
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
