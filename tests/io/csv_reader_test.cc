#include "io/csv_reader.h"

#include <gtest/gtest.h>

#include <sstream>

namespace coupongen {
namespace {

std::vector<std::vector<std::string>> ReadAll(const std::string& text, std::string* error = nullptr,
                                              std::vector<int>* lines = nullptr) {
  std::istringstream in(text);
  CsvReader r(in);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> fields;
  std::string err;
  while (r.Next(&fields, &err)) {
    rows.push_back(fields);
    if (lines) lines->push_back(r.line());
  }
  if (error) *error = err;
  return rows;
}

TEST(CsvReaderTest, QuotedFieldsAndLineEnds) {
  std::vector<int> lines;
  auto rows = ReadAll("\xEF\xBB\xBFh1,h2\r\n\"a,b\",\"say \"\"hi\"\"\"\n\"multi\nline\",x\nlast,", nullptr, &lines);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"h1", "h2"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"a,b", "say \"hi\""}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"multi\nline", "x"}));
  EXPECT_EQ(rows[3], (std::vector<std::string>{"last", ""}));
  EXPECT_EQ(lines, (std::vector<int>{1, 2, 3, 5}));
}

TEST(CsvReaderTest, Malformed) {
  std::string err;
  ReadAll("a,b\n\"open,x\n", &err);
  EXPECT_EQ(err, "unterminated quoted field (a '\"' opened on line 2 never closes)");
  ReadAll("a,b\n\"closed\"junk,x\n", &err);
  EXPECT_EQ(err, "text after a closing quote");
  ReadAll(std::string("a,b\nx\0y,z\n", 10), &err);
  EXPECT_EQ(err, "NUL byte in the data");
}

}  // namespace
}  // namespace coupongen
