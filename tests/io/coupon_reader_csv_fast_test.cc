// The CSV reader's fast path (io/csv_split.h: records without quotes split in one pass, fields of
// ASCII records set without a UTF-8 check, the coupon's strings reused from row to row) reads
// every file exactly as the general path does. Reading through a source that serves a few bytes
// at a time sends most records through the general path (their line end is not buffered yet);
// reading from a string sends them through the fast one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "io/coupon_reader.h"
#include "testing/trickle_source.h"

namespace coupongen {
namespace {

using testing::TrickleSource;

// Everything a read gives, as text, so that a difference shows what differs.
std::vector<std::string> Describe(const Coupon& c) {
  auto opt = [](const std::optional<std::string>& s) { return s ? "\"" + *s + "\"" : std::string("unset"); };
  std::string tags;
  for (const auto& t : c.tags) tags += "[" + t + "]";
  return {"code \"" + c.code + "\"",
          "promotion_rule_id " + opt(c.promotion_rule_id),
          "usage_limit " + (c.usage_limit ? std::to_string(*c.usage_limit) : "unset"),
          "customer_single_use " + (c.customer_single_use ? std::string(*c.customer_single_use ? "true" : "false") : "unset"),
          "recipient_email " + opt(c.recipient_email),
          "expires_at " + opt(c.expires_at),
          "reference " + opt(c.reference),
          "reference_origin " + opt(c.reference_origin),
          "metadata " + opt(c.metadata),
          "tags " + tags};
}

std::vector<std::string> Describe(const CouponRow& row) {
  std::vector<std::string> out = {"row " + row.number.ToString(), "raw \"" + row.raw + "\""};
  for (auto& s : Describe(row.coupon)) out.push_back(std::move(s));
  for (const auto& p : row.problems) out.push_back("problem " + p.ToString());
  return out;
}

// One entry per row (Describe), then {"status: ..."} (or just {"open: ..."}).
using Rows = std::vector<std::vector<std::string>>;

// step 0: from a string; otherwise `step` bytes a read. `fresh`: a new CouponRow for every row
// (else one row reused, as lint does).
Rows ReadAll(const std::string& content, size_t step, bool fresh = false) {
  std::unique_ptr<ByteSource> source = step == 0 ? NewStringSource(content)
                                                 : std::unique_ptr<ByteSource>(new TrickleSource(content, step));
  auto reader = CouponReader::FromSource("in.csv", std::move(source));
  if (!reader.ok()) return {{"open: " + reader.status().message()}};
  Rows out;
  CouponRow reused;
  while (true) {
    CouponRow new_row;
    CouponRow& row = fresh ? new_row : reused;
    if (!(*reader)->Next(&row)) {
      EXPECT_EQ(row.coupon, Coupon());  // at the end the row is cleared
      break;
    }
    out.push_back(Describe(row));
  }
  out.push_back({"status: " + (*reader)->status().message()});
  return out;
}

bool Has(const Rows& rows, const std::string& line) {
  for (const auto& r : rows)
    if (std::find(r.begin(), r.end(), line) != r.end()) return true;
  return false;
}

// The same rows whatever the chunking and whether the row is reused.
void ExpectSameEveryWay(const std::string& content) {
  SCOPED_TRACE(::testing::PrintToString(content.substr(0, 300)));
  const Rows want = ReadAll(content, 0, /*fresh=*/true);
  EXPECT_EQ(ReadAll(content, 0), want);
  for (size_t step : {1, 2, 3, 5, 7, 16, 17, 64, 4093}) {
    SCOPED_TRACE(step);
    EXPECT_EQ(ReadAll(content, step), want);
  }
}

const char kHeader[] = "code,promotion_rule_id,usage_limit,customer_single_use,expires_at,reference\n";

TEST(CouponReaderCsvFastTest, TheBenchmarksRows) {
  std::string content = kHeader;
  for (int i = 0; i < 50; ++i)
    content += "ABCDEFGHJK" + std::to_string(10 + i) + ",ABCRtyUpBa,1,true,2099-12-31T23:59:59.000Z,spring-2027\n";
  Rows rows = ReadAll(content, 0);
  ASSERT_EQ(rows.size(), 51u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{
                         "row 2", "raw \"ABCDEFGHJK10,ABCRtyUpBa,1,true,2099-12-31T23:59:59.000Z,spring-2027\"",
                         "code \"ABCDEFGHJK10\"", "promotion_rule_id \"ABCRtyUpBa\"", "usage_limit 1",
                         "customer_single_use true", "recipient_email unset", "expires_at \"2099-12-31T23:59:59.000Z\"",
                         "reference \"spring-2027\"", "reference_origin unset", "metadata unset", "tags "}));
  EXPECT_EQ(rows[49][0], "row 51");
  EXPECT_EQ(rows.back()[0], "status: ");
  ExpectSameEveryWay(content);
}

// A field set on one row and empty, missing or wrong on the next is unset there.
TEST(CouponReaderCsvFastTest, ReusedStringsDoNotLeak) {
  std::string content = std::string(kHeader) +
                        "CODE0001,RULE,5,true,2030-01-01T00:00:00.000Z,ref-1\n"
                        "CODE0002,,,,,\n"
                        "CODE0003,RULE,5,true,2030-01-01T00:00:00.000Z,ref-3\n"
                        "CODE0004,RULE,1.5,maybe,2030-02-30,\xFF\n"
                        "CODE0005,RULE,5,true,2030-01-01,ref-5\n"
                        "CODE0006\n"
                        "CODE0007,RULE,5,true,2030-01-01T00:00:00.000Z,ref-7\n"
                        "\xFF\xFE,RULE\n";
  Rows rows = ReadAll(content, 0);
  ASSERT_EQ(rows.size(), 9u);
  EXPECT_EQ(rows[1][3], "promotion_rule_id unset");
  EXPECT_EQ(rows[1][4], "usage_limit unset");
  EXPECT_EQ(rows[1][7], "expires_at unset");
  EXPECT_EQ(rows[1][8], "reference unset");
  EXPECT_EQ(rows[3][3], "promotion_rule_id \"RULE\"");
  EXPECT_EQ(rows[3][4], "usage_limit unset");
  EXPECT_EQ(rows[3][5], "customer_single_use unset");
  EXPECT_EQ(rows[3][7], "expires_at unset");
  EXPECT_EQ(rows[3][8], "reference unset");
  EXPECT_EQ(rows[3].size(), 16u);  // four problems
  EXPECT_EQ(rows[3][15], "problem in.csv:5: reference: not valid UTF-8");
  EXPECT_EQ(rows[4][7], "expires_at \"2030-01-01T00:00:00.000Z\"");  // formatted
  EXPECT_EQ(rows[5][3], "promotion_rule_id unset");
  EXPECT_EQ(rows[5][8], "reference unset");
  EXPECT_EQ(rows[5][12], "problem in.csv:7: 1 field, but the header has 6 columns");
  EXPECT_EQ(rows[7][2], "code \"\"");
  EXPECT_EQ(rows[7][13], "problem in.csv:9: code: not valid UTF-8");
  ExpectSameEveryWay(content);
}

TEST(CouponReaderCsvFastTest, QuotesEmbeddedLineEndsAndCrlf) {
  std::string content =
      "code,reference,_add_tags\r\n"
      "A1234567,\"multi\r\nline\",\"x, y\"\r\n"
      "B1234567,plain,z\r\n"
      "\r\n"
      "C1234567,\"say \"\"hi\"\"\",\r\n"
      "D1234567,\"bad\"tail,t\r\n"
      "E1234567,a\"b,\"\"\r\n"
      "F1234567,last";
  Rows rows = ReadAll(content, 0);
  std::vector<std::string> got_rows;
  for (const auto& r : rows) got_rows.push_back(r[0]);
  EXPECT_EQ(got_rows, (std::vector<std::string>{"row 2", "row 4", "row 6", "row 7", "row 8", "row 9", "status: "}));
  EXPECT_TRUE(Has(rows, "reference \"multi\r\nline\""));
  EXPECT_TRUE(Has(rows, "raw \"A1234567,\"multi\r\nline\",\"x, y\"\""));
  EXPECT_TRUE(Has(rows, "tags [x][y]"));
  EXPECT_TRUE(Has(rows, "reference \"say \"hi\"\""));
  EXPECT_TRUE(Has(rows, "reference \"a\"b\""));
  EXPECT_TRUE(Has(rows, "problem in.csv:7: malformed CSV: text after the closing quote of field 2"));
  EXPECT_TRUE(Has(rows, "reference \"last\""));
  ExpectSameEveryWay(content);
}

// An invalid UTF-8 byte (and a valid two-byte character) at every position of a record.
TEST(CouponReaderCsvFastTest, Utf8AtEveryPosition) {
  const std::string record = "CODE-0001-ABCDEFGH,RULE-abcdefghij,7,true,2030-01-01T00:00:00.000Z,reference-text-1";
  for (const char* bad : {"\xFF", "\xC3", "\xC3\xA9", "\xE2\x82", "\xED\xA0\x80"}) {
    for (size_t at = 0; at <= record.size(); ++at) {
      std::string r = record;
      r.insert(at, bad);
      std::string content = std::string(kHeader) + record + "\n" + r + "\n" + record + "\n";
      ExpectSameEveryWay(content);
      Rows rows = ReadAll(content, 0);
      ASSERT_EQ(rows.size(), 4u);
      bool utf8_problem = std::any_of(rows[1].begin(), rows[1].end(), [](const std::string& s) {
        return s.find(": not valid UTF-8") != std::string::npos;
      });
      bool valid = std::strcmp(bad, "\xC3\xA9") == 0;
      // In the code or a string column, an invalid byte is reported as not UTF-8 (elsewhere the
      // column reports its own problem); a valid character is no problem of the reader.
      size_t rule_end = record.find(',', record.find(',') + 1), reference_start = record.rfind(',') + 1;
      if (!valid && (at <= rule_end || at >= reference_start)) EXPECT_TRUE(utf8_problem) << at;
      if (valid) EXPECT_FALSE(utf8_problem) << at;
    }
  }
}

// A NUL byte past the first 4 KiB (where it makes the file binary data) stops the read at its row.
TEST(CouponReaderCsvFastTest, NulByteStopsTheRead) {
  std::string filler;
  for (int i = 0; i < 100; ++i) filler += "CODE" + std::to_string(1000 + i) + ",R,1,true,,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n";
  for (size_t at : {0, 3, 17, 30, 48}) {
    std::string r = "CODE0001,RULE,5,true,2030-01-01T00:00:00.000Z,ref";
    r[at] = '\0';
    std::string content = std::string(kHeader) + filler + r + "\nCODE0002,R,1,true,,x\n";
    Rows rows = ReadAll(content, 0);
    ASSERT_EQ(rows.size(), 101u);
    EXPECT_EQ(rows.back()[0], "status: in.csv:102: NUL byte (binary data, not a CSV file)");
    ExpectSameEveryWay(content);
  }
}

// Records straddling the reader's 256 KiB chunks, read from a string (whole chunks).
TEST(CouponReaderCsvFastTest, RecordsAcrossReadBuffers) {
  std::string content = kHeader;
  std::mt19937 rng(7);
  size_t rows = 0;
  while (content.size() < (1200u << 10)) {
    std::string code = "CODE" + std::to_string(rng());
    content += code + ",RULE" + std::string(rng() % 40, 'r') + "," + std::to_string(1 + rng() % 9) +
               ",true,2030-01-01T00:00:00.000Z,ref-" + std::string(rng() % 200, 'x') + (rows % 7 ? "\n" : "\r\n");
    ++rows;
  }
  Rows got = ReadAll(content, 0);
  ASSERT_EQ(got.size(), rows + 1);
  EXPECT_EQ(got[rows - 1][0], "row " + std::to_string(rows + 1));
  EXPECT_EQ(got[rows - 1].size(), 12u);
  EXPECT_EQ(got.back()[0], "status: ");
  EXPECT_EQ(ReadAll(content, 4093), got);
  EXPECT_EQ(ReadAll(content, 100003), got);
}

TEST(CouponReaderCsvFastTest, RandomFiles) {
  std::mt19937 rng(20261130);
  const std::vector<std::string> cells[] = {
      {"CODE0001", "code0001", "\xC3\xA9t\xC3\xA9-0001", "\xFF\xFEXYZ", "\"QUOTED,01\"", "", " SPACE 1 ", "a\rb"},
      {"", "RULE", "\"a,b\"", "\"multi\nline\"", "r\xC3\xA9gle", "\xC3"},
      {"", "1", "12", "1.5", "-3", "99999999999999999999"},
      {"", "true", "FALSE", "maybe"},
      {"", "2030-01-01T00:00:00.000Z", "2030-01-01", "2030-02-30", "2030-01-01T01:00:00+01:00"},
      {"", "spring-2027", "\"x \"\"y\"\"\"", "\xE2\x82\xAC", "\"bad\"tail"},
  };
  for (int file = 0; file < 60; ++file) {
    std::string content = kHeader;
    int rows = 1 + static_cast<int>(rng() % 40);
    for (int i = 0; i < rows; ++i) {
      size_t columns = rng() % 10 == 0 ? rng() % 8 : 6;
      for (size_t c = 0; c < columns; ++c) {
        if (c) content += ',';
        const auto& choices = cells[std::min<size_t>(c, 5)];
        content += choices[rng() % choices.size()];
      }
      content += rng() % 5 == 0 ? "\r\n" : rng() % 20 == 0 ? "\n\n" : "\n";
    }
    if (rng() % 2) content.pop_back();  // no line end at the end
    ExpectSameEveryWay(content);
  }
}

}  // namespace
}  // namespace coupongen
