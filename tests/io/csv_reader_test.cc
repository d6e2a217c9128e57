#include "io/csv_reader.h"

#include <gtest/gtest.h>

#include "io/byte_source.h"

namespace coupongen {
namespace {

std::vector<std::vector<std::string>> ReadAll(const std::string& text, std::string* error = nullptr,
                                              std::vector<int>* lines = nullptr, char separator = ',') {
  CsvReader r(NewStringSource(text), separator);
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
  EXPECT_EQ(err, "NUL byte in the data (not a text file, or UTF-16 without a byte order mark?)");
}

TEST(CsvReaderTest, DetectsTheSeparatorFromTheHeader) {
  auto rows = ReadAll("name;email\n\"a;b\";x@y.z\n", nullptr, nullptr, 0);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"a;b", "x@y.z"}));
  rows = ReadAll("name\temail,x\tz\n", nullptr, nullptr, 0);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"name", "email,x", "z"}));
  rows = ReadAll("email\nx@y.z\n", nullptr, nullptr, 0);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"x@y.z"}));
}

TEST(CsvReaderTest, ALineLongerThanTheLimitIsAnErrorNotMemory) {
  std::string err;
  CsvReader r(NewStringSource("email\n" + std::string(5000, 'x') + "\n"), ',', 1024);
  std::vector<std::string> fields;
  ASSERT_TRUE(r.Next(&fields, &err));
  EXPECT_FALSE(r.Next(&fields, &err));
  EXPECT_EQ(err, "a line longer than 1.0 KiB (binary data?)");
}

TEST(CsvReaderTest, RawKeepsTheRecordAsWritten) {
  CsvReader r(NewStringSource("a,b\r\n\"x,\"\"y\"\"\",z\n"), ',');
  std::vector<std::string> fields;
  std::string err;
  ASSERT_TRUE(r.Next(&fields, &err));
  EXPECT_EQ(r.raw(), "a,b");
  ASSERT_TRUE(r.Next(&fields, &err));
  EXPECT_EQ(r.raw(), "\"x,\"\"y\"\"\",z");
}

}  // namespace
}  // namespace coupongen
