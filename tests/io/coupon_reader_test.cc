#include "io/coupon_reader.h"
#include "testing/trickle_source.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <regex>

namespace coupongen {
namespace {

// Gzip-compresses `data` in one member.
std::string Gzip(std::string_view data) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, data.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

using testing::TrickleSource;

struct ReadResult {
  Status open;  // why Open failed
  InputFormat format = InputFormat::kText;
  std::vector<CouponRow> rows;
  Status status;  // why reading stopped early
  std::string header;
};

ReadResult ReadFrom(std::string name, std::unique_ptr<ByteSource> source) {
  ReadResult r;
  auto reader = CouponReader::FromSource(std::move(name), std::move(source));
  if (!reader.ok()) {
    r.open = reader.status();
    return r;
  }
  r.format = (*reader)->format();
  r.header = (*reader)->csv_header();
  CouponRow row;
  while ((*reader)->Next(&row)) r.rows.push_back(row);
  r.status = (*reader)->status();
  return r;
}

ReadResult Read(std::string name, std::string content, size_t step = 0) {
  if (step == 0) return ReadFrom(std::move(name), NewStringSource(std::move(content)));
  return ReadFrom(std::move(name), std::make_unique<TrickleSource>(std::move(content), step));
}

std::vector<std::string> ProblemTexts(const CouponRow& row) {
  std::vector<std::string> out;
  for (const auto& p : row.problems) out.push_back(p.ToString());
  return out;
}

Coupon FullCoupon() {
  Coupon c;
  c.code = "SPRING-7KQ9-M3XA";
  c.promotion_rule_id = "ABCRtyUpBa";
  c.usage_limit = 5;
  c.customer_single_use = true;
  c.recipient_email = "ann@example.com";
  c.expires_at = "2030-01-01T00:00:00.000Z";
  c.reference = "spring-2027";
  c.reference_origin = "crm";
  c.metadata = R"({"channel":"email","n":[1,2]})";
  c.tags = {"spring", "vip"};
  return c;
}

Coupon WithoutTags(Coupon c) {
  c.tags.clear();
  return c;
}

// ---------------------------------------------------------------------------------------------
// Every format, plain and gzipped, and read through chunk boundaries at every byte.

struct FormatCase {
  const char* name;
  InputFormat format;
  std::string text;
  Coupon expected;
  RowNumber number;
  std::string raw;
};

std::vector<FormatCase> FullCouponCases() {
  const std::string flat =
      R"({"code":"SPRING-7KQ9-M3XA","promotion_rule_id":"ABCRtyUpBa","usage_limit":5,"customer_single_use":true,)"
      R"("recipient_email":"ann@example.com","expires_at":"2030-01-01T00:00:00Z","reference":"spring-2027",)"
      R"("reference_origin":"crm","metadata":{"channel": "email", "n": [1, 2]},"_add_tags":"spring,vip"})";
  const std::string attributes =
      R"({"code":"SPRING-7KQ9-M3XA","customer_single_use":true,"usage_limit":5,"recipient_email":"ann@example.com",)"
      R"("expires_at":"2030-01-01T01:00:00+01:00","reference":"spring-2027","reference_origin":"crm",)"
      R"("metadata":{"channel":"email","n":[1,2]}})";
  const std::string relationships =
      R"({"promotion_rule":{"data":{"type":"coupon_codes_promotion_rules","id":"ABCRtyUpBa"}}})";
  const std::string jsonapi =
      R"({"data":{"type":"coupons","attributes":)" + attributes + R"(,"relationships":)" + relationships + "}}";
  const std::string input =
      R"({"code":"SPRING-7KQ9-M3XA","usage_limit":5,"customer_single_use":true,"recipient_email":"ann@example.com",)"
      R"("expires_at":"2030-01-01T00:00:00.000Z","reference":"spring-2027","reference_origin":"crm",)"
      R"("metadata":{"channel":"email","n":[1,2]},"_add_tags":"spring,vip"})";
  const std::string imports =
      R"({"data":{"type":"imports","attributes":{"resource_type":"coupons","format":"json",)"
      R"("parent_resource_id":"ABCRtyUpBa","reference":"spring-0001","reference_origin":"coupongen","inputs":[)" +
      input + "]}}}";
  const std::string resource = R"({"id":"xYZkjABcde","type":"coupons","links":{"self":"https://x/api/coupons/xYZkjABcde"},)"
                               R"("attributes":)" + attributes + R"(,"relationships":)" + relationships +
                               R"(,"meta":{"mode":"test"}})";
  const std::string csv_record =
      R"(SPRING-7KQ9-M3XA,ABCRtyUpBa,5,true,ann@example.com,2030-01-01T00:00:00.000Z,spring-2027,crm,"spring,vip","{""channel"":""email"",""n"":[1,2]}")";
  return {
      {"csv", InputFormat::kCsv,
       "code,promotion_rule_id,usage_limit,customer_single_use,recipient_email,expires_at,reference,reference_origin,"
       "_add_tags,metadata\n" + csv_record + "\n",
       FullCoupon(), {2, 0}, csv_record},
      {"json", InputFormat::kJson, "[\n  " + flat + "\n]\n", FullCoupon(), {1, 0}, flat},
      {"jsonapi", InputFormat::kJsonApi, jsonapi + "\n", WithoutTags(FullCoupon()), {1, 0}, jsonapi},
      {"imports", InputFormat::kImports, imports + "\n", FullCoupon(), {1, 1}, input},
      {"list", InputFormat::kJsonApiList,
       R"({"data":[)" + resource + R"(],"meta":{"record_count":1,"page_count":1},"links":{"first":"x"}})",
       WithoutTags(FullCoupon()), {1, 1}, resource},
  };
}

TEST(CouponReaderTest, EveryFormatReadsEveryField) {
  for (const auto& c : FullCouponCases()) {
    for (bool gzip : {false, true}) {
      for (size_t step : {0, 1, 7}) {
        SCOPED_TRACE(std::string(c.name) + (gzip ? " gzip" : "") + " step " + std::to_string(step));
        ReadResult r = Read("in", gzip ? Gzip(c.text) : c.text, step);
        ASSERT_TRUE(r.open.ok()) << r.open.message();
        ASSERT_TRUE(r.status.ok()) << r.status.message();
        EXPECT_EQ(r.format, c.format);
        ASSERT_EQ(r.rows.size(), 1u);
        EXPECT_EQ(r.rows[0].coupon, c.expected);
        EXPECT_EQ(r.rows[0].number, c.number);
        EXPECT_EQ(r.rows[0].raw, c.raw);
        EXPECT_TRUE(r.rows[0].problems.empty()) << ProblemTexts(r.rows[0])[0];
      }
    }
  }
}

TEST(CouponReaderTest, PlainTextOneCodePerLine) {
  ReadResult r = Read("codes.txt", "\xEF\xBB\xBFSPRING-AAAA-BBBB\r\n\r\n  SPRING-CCCC-DDDD \nSPRING-EEEE-FFFF");
  ASSERT_TRUE(r.open.ok()) << r.open.message();
  EXPECT_EQ(r.format, InputFormat::kText);
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0].coupon.code, "SPRING-AAAA-BBBB");
  EXPECT_EQ(r.rows[0].number.number, 1u);
  EXPECT_EQ(r.rows[1].coupon.code, "SPRING-CCCC-DDDD");
  EXPECT_EQ(r.rows[1].number.number, 3u);
  EXPECT_EQ(r.rows[1].raw, "  SPRING-CCCC-DDDD ");
  EXPECT_EQ(r.rows[2].number.number, 4u);
  EXPECT_TRUE(r.status.ok());
}

TEST(CouponReaderTest, SingleColumnCsvIsNotText) {
  ReadResult r = Read("codes.csv", "Code\nSPRING-AAAA-BBBB\n");
  EXPECT_EQ(r.format, InputFormat::kCsv);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].coupon.code, "SPRING-AAAA-BBBB");
  EXPECT_EQ(r.header, "Code");
}

// ---------------------------------------------------------------------------------------------
// Commerce Layer exports: extra columns and keys are ignored, nulls and empty cells are unset.

TEST(CouponReaderTest, CommerceLayerCsvExport) {
  const std::string csv =
      "id,code,customer_single_use,usage_limit,usage_count,recipient_email,expires_at,created_at,updated_at,"
      "reference,reference_origin,metadata,promotion_rule_id\r\n"
      "xYZkjABcde,SPRING-7KQ9-M3XA,false,1,0,,2030-06-30T21:59:59.000Z,2027-01-01T10:00:00.000Z,"
      "2027-01-01T10:00:00.000Z,,,{},ABCRtyUpBa\r\n"
      "PQRkjABcde,SPRING-P4WZ-2HNC,true,,3,jane@example.com,,2027-01-01T10:00:00.000Z,2027-01-02T10:00:00.000Z,"
      "b001,crm,\"{\"\"batch\"\": \"\"001\"\"}\",ABCRtyUpBa\r\n";
  for (bool gzip : {false, true}) {
    ReadResult r = Read("cl-export.csv", gzip ? Gzip(csv) : csv);
    ASSERT_TRUE(r.open.ok()) << r.open.message();
    ASSERT_TRUE(r.status.ok()) << r.status.message();
    ASSERT_EQ(r.rows.size(), 2u);
    Coupon a;
    a.code = "SPRING-7KQ9-M3XA";
    a.customer_single_use = false;
    a.usage_limit = 1;
    a.expires_at = "2030-06-30T21:59:59.000Z";
    a.metadata = "{}";
    a.promotion_rule_id = "ABCRtyUpBa";
    EXPECT_EQ(r.rows[0].coupon, a);
    Coupon b;
    b.code = "SPRING-P4WZ-2HNC";
    b.customer_single_use = true;
    b.recipient_email = "jane@example.com";
    b.reference = "b001";
    b.reference_origin = "crm";
    b.metadata = R"({"batch":"001"})";
    b.promotion_rule_id = "ABCRtyUpBa";
    EXPECT_EQ(r.rows[1].coupon, b);
    EXPECT_EQ(r.rows[1].number.number, 3u);
    EXPECT_TRUE(r.rows[0].problems.empty());
    EXPECT_TRUE(r.rows[1].problems.empty());
  }
}

TEST(CouponReaderTest, CommerceLayerJsonExport) {
  const std::string json = R"([
  {"id":"xYZkjABcde","code":"SPRING-7KQ9-M3XA","customer_single_use":false,"usage_limit":1,"usage_count":0,
   "recipient_email":null,"expires_at":"2030-06-30T21:59:59.000Z","created_at":"2027-01-01T10:00:00.000Z",
   "updated_at":"2027-01-01T10:00:00.000Z","reference":null,"reference_origin":null,"metadata":{},
   "promotion_rule_id":"ABCRtyUpBa"},
  {"id":"PQRkjABcde","code":"SPRING-P4WZ-2HNC","customer_single_use":true,"usage_limit":null,"usage_count":3,
   "recipient_email":"jane@example.com","expires_at":null,"metadata":{"batch":"001","tags":["a","b"]},
   "promotion_rule_id":"ABCRtyUpBa","extra":{"nested":[1,{"deep":true}]}}
])";
  ReadResult r = Read("cl-export.json", Gzip(json));
  ASSERT_TRUE(r.open.ok()) << r.open.message();
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.format, InputFormat::kJson);
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].coupon.code, "SPRING-7KQ9-M3XA");
  EXPECT_EQ(r.rows[0].coupon.usage_limit, 1);
  EXPECT_EQ(r.rows[0].coupon.customer_single_use, false);
  EXPECT_FALSE(r.rows[0].coupon.recipient_email.has_value());
  EXPECT_EQ(r.rows[0].coupon.metadata, "{}");
  EXPECT_EQ(r.rows[1].coupon.metadata, R"({"batch":"001","tags":["a","b"]})");
  EXPECT_FALSE(r.rows[1].coupon.usage_limit.has_value());
  EXPECT_EQ(r.rows[1].coupon.promotion_rule_id, "ABCRtyUpBa");
  EXPECT_EQ(r.rows[1].number.number, 2u);
  EXPECT_TRUE(r.rows[1].problems.empty());
}

// ---------------------------------------------------------------------------------------------
// Values that cannot be converted are the row's problems; reading goes on.

struct ValueCase {
  const char* content;
  std::vector<std::string> problems;  // of the first row
};

TEST(CouponReaderTest, CsvValueProblems) {
  const ValueCase cases[] = {
      {"code,usage_limit\nSPRING-AAAA-BBBB,1.5\n", {"f:2: usage_limit: not a whole number (got \"1.5\")"}},
      {"code,usage_limit\nSPRING-AAAA-BBBB, 5\n", {"f:2: usage_limit: not a whole number (got \" 5\")"}},
      {"code,usage_limit\nSPRING-AAAA-BBBB,99999999999999999999\n",
       {"f:2: usage_limit: out of range (got \"99999999999999999999\")"}},
      {"code,customer_single_use\nSPRING-AAAA-BBBB,yes\n",
       {"f:2: customer_single_use: not true or false (got \"yes\")"}},
      {"code,expires_at\nSPRING-AAAA-BBBB,2027-02-30T00:00:00Z\n",
       {"f:2: expires_at: not a valid calendar date (got \"2027-02-30T00:00:00Z\")"}},
      {"code,expires_at\nSPRING-AAAA-BBBB,2027-03-01T10:00:00\n",
       {"f:2: expires_at: missing UTC offset (add Z for UTC, or e.g. +02:00) (got \"2027-03-01T10:00:00\")"}},
      {"code,metadata\nSPRING-AAAA-BBBB,[1]\n", {"f:2: metadata: not a JSON object (got \"[1]\")"}},
      {"code,metadata\nSPRING-AAAA-BBBB,\"{\"\"a\"\":}\"\n",
       {"f:2: metadata: not valid JSON: expected a value, found '}' (got \"{\\\"a\\\":}\")"}},
      {"code,metadata\nSPRING-AAAA-BBBB,{} x\n",
       {"f:2: metadata: not valid JSON: unexpected text after the JSON value (got \"{} x\")"}},
      {"code,reference\nSPRING-\xff-BBBB,caf\xc3\n",
       {"f:2: code: not valid UTF-8", "f:2: reference: not valid UTF-8"}},
      {"code,usage_limit\nSPRING-AAAA-BBBB\n", {"f:2: 1 field, but the header has 2 columns"}},
      {"code,usage_limit\nSPRING-AAAA-BBBB,1,2\n", {"f:2: 3 fields, but the header has 2 columns"}},
      {"code,reference\n\"SPRING-AAAA-BBBB\"x,r\n",
       {"f:2: malformed CSV: text after the closing quote of field 1"}},
      {"code,usage_limit\n,0\n", {}},  // a missing code and a zero limit are lint's to report
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.content);
    ReadResult r = Read("f", c.content);
    ASSERT_TRUE(r.open.ok()) << r.open.message();
    ASSERT_TRUE(r.status.ok()) << r.status.message();
    ASSERT_EQ(r.rows.size(), 1u);
    EXPECT_EQ(ProblemTexts(r.rows[0]), c.problems);
  }
}

TEST(CouponReaderTest, JsonValueProblems) {
  const ValueCase cases[] = {
      {R"([{"code":5}])", {"f:1: code: must be a string (got 5)"}},
      {R"([{"code":"A","usage_limit":"5"}])", {"f:1: usage_limit: must be a number (got \"5\")"}},
      {R"([{"code":"A","usage_limit":1.5}])", {"f:1: usage_limit: not a whole number (got 1.5)"}},
      {R"([{"code":"A","usage_limit":1e3}])", {"f:1: usage_limit: not a whole number (got 1e3)"}},
      {R"([{"code":"A","customer_single_use":"true"}])",
       {"f:1: customer_single_use: must be true or false (got \"true\")"}},
      {R"([{"code":"A","expires_at":"2030-13-01T00:00:00Z"}])",
       {"f:1: expires_at: not a valid calendar date (got \"2030-13-01T00:00:00Z\")"}},
      {R"([{"code":"A","metadata":"x"}])", {"f:1: metadata: must be a JSON object (got \"x\")"}},
      {R"([{"code":"A","metadata":[1, 2]}])", {"f:1: metadata: must be a JSON object (got [1,2])"}},
      {R"([{"code":"A","_add_tags":["a"]}])", {"f:1: _add_tags: must be a string (got [\"a\"])"}},
      {R"([{"code":"A","code":"B"}])", {"f:1: code: given twice"}},
      {R"([{"code":"\ud800"}])", {"f:1: code: not valid UTF-8"}},
      {"[{\"code\":\"caf\xc3\"}]", {"f:1: code: not valid UTF-8"}},
      {R"([7])", {"f:1: not a coupon object (got 7)"}},
      {R"([{"code":"A","description":"a long text that is cut when shown","usage_limit":"0123456789012345678901234567890123456789xyz"}])",
       {"f:1: usage_limit: must be a number (got \"012345678901234567890123456789012345678...)"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.content);
    ReadResult r = Read("f", c.content);
    ASSERT_TRUE(r.open.ok()) << r.open.message();
    ASSERT_TRUE(r.status.ok()) << r.status.message();
    ASSERT_EQ(r.rows.size(), 1u);
    EXPECT_EQ(ProblemTexts(r.rows[0]), c.problems);
  }
}

TEST(CouponReaderTest, JsonApiValueProblems) {
  const ValueCase cases[] = {
      {R"({"data":{"type":"coupons","attributes":{"code":"A"},"relationships":{"promotion_rule":{"data":{"type":"promotions","id":"R"}}}}})",
       {"f:1: promotion_rule: type must be \"coupon_codes_promotion_rules\" (got \"promotions\")"}},
      {R"({"data":{"type":"coupons","attributes":{"code":"A"},"relationships":{"promotion_rule":{"data":{"type":"coupon_codes_promotion_rules","id":7}}}}})",
       {"f:1: promotion_rule_id: must be a string (got 7)"}},
      {R"({"data":{"type":"coupons","attributes":[1]}})", {"f:1: attributes: must be a JSON object (got [1])"}},
      {R"({"data":[{"type":"skus","attributes":{"code":"A"}}]})", {"f:1:1: type: must be \"coupons\" (got \"skus\")"}},
      {R"({"data":{"type":"imports","attributes":{"resource_type":"coupons","inputs":[{"code":"A","usage_limit":0.5}]}}})",
       {"f:1:1: usage_limit: not a whole number (got 0.5)"}},
      {R"({"data":{"type":"imports","attributes":{"resource_type":"coupons","inputs":["A"]}}})",
       {"f:1:1: not a coupon object (got \"A\")"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.content);
    ReadResult r = Read("f", c.content);
    ASSERT_TRUE(r.open.ok()) << r.open.message();
    ASSERT_TRUE(r.status.ok()) << r.status.message();
    ASSERT_EQ(r.rows.size(), 1u);
    EXPECT_EQ(ProblemTexts(r.rows[0]), c.problems);
  }
}

// ---------------------------------------------------------------------------------------------
// Row numbers and raw text.

TEST(CouponReaderTest, CsvRowsArePhysicalLines) {
  ReadResult r = Read("f.csv",
                      "\n"
                      "code,reference\r\n"
                      "SPRING-AAAA-BBBB,\"two\r\nlines\"\r\n"
                      " \t\r\n"
                      "\"SPRING-\"\"Q\",x\r\n"
                      "SPRING-CCCC-DDDD,last");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.header, "code,reference");
  EXPECT_EQ(r.rows[0].number.number, 3u);
  EXPECT_EQ(r.rows[0].coupon.reference, "two\r\nlines");
  EXPECT_EQ(r.rows[0].raw, "SPRING-AAAA-BBBB,\"two\r\nlines\"");
  EXPECT_EQ(r.rows[1].number.number, 6u);
  EXPECT_EQ(r.rows[1].coupon.code, "SPRING-\"Q");
  EXPECT_EQ(r.rows[1].raw, "\"SPRING-\"\"Q\",x");
  EXPECT_EQ(r.rows[2].number.number, 7u);
  EXPECT_EQ(r.rows[2].coupon.reference, "last");
}

TEST(CouponReaderTest, JsonRowsAreElementIndexes) {
  ReadResult r = Read("f.json", "[\n{\"code\":\"A\"},\n\n  {\"code\" : \"B\"}\n ,{\"code\":\"C\"}]");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[1].number, (RowNumber{2, 0}));
  EXPECT_EQ(r.rows[1].raw, "{\"code\" : \"B\"}");
  EXPECT_EQ(r.rows[2].number, (RowNumber{3, 0}));
}

TEST(CouponReaderTest, DocumentRowsAreLines) {
  ReadResult r = Read("f.ndjson",
                      "{\"data\":{\"type\":\"coupons\",\"attributes\":{\"code\":\"A\"}}}\n"
                      "\n"
                      "{\"data\":{\"type\":\"coupons\",\"attributes\":{\"code\":\"B\"}}}\r\n");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[1].number, (RowNumber{3, 0}));
  EXPECT_EQ(RowWhere("f.ndjson", r.rows[1].number), "f.ndjson:3");

  r = Read("f.ndjson",
           "{\"data\":{\"type\":\"imports\",\"attributes\":{\"resource_type\":\"coupons\",\"parent_resource_id\":\"P\","
           "\"inputs\":[{\"code\":\"A\"},{\"code\":\"B\",\"promotion_rule_id\":\"Q\"}]}}}\n"
           "{\"data\":{\"attributes\":{\"inputs\":[{\"code\":\"C\"}],\"resource_type\":\"coupons\"},\"type\":\"imports\"}}\n");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[1].number, (RowNumber{1, 2}));
  EXPECT_EQ(r.rows[0].coupon.promotion_rule_id, "P");  // from parent_resource_id
  EXPECT_EQ(r.rows[1].coupon.promotion_rule_id, "Q");  // its own wins
  EXPECT_EQ(r.rows[2].number, (RowNumber{2, 1}));
  EXPECT_FALSE(r.rows[2].coupon.promotion_rule_id.has_value());
  EXPECT_EQ(RowWhere("f.ndjson", r.rows[1].number), "f.ndjson:1:2");
}

// ---------------------------------------------------------------------------------------------
// Files that cannot be read: one clear error naming the file (and the row), never a crash.

struct BadCase {
  std::string content;
  std::string error;
  size_t rows_before = 0;  // rows read before the error (0 and an Open error when error_at_open)
  bool error_at_open = true;
};

TEST(CouponReaderTest, MalformedFiles) {
  const std::string expected =
      "(expected CSV with a 'code' column, a JSON array of coupons, JSON:API or imports documents, or one code per "
      "line)";
  std::string many_codes, many_elements;  // past the first 4 KiB, where binary data is sniffed
  for (int i = 0; i < 1000; ++i) {
    many_codes += "SPRING-AAAA-BBBB\n";
    many_elements += "{\"code\":\"A\"},\n";
  }
  const BadCase cases[] = {
      {"", "f: empty file " + expected},
      {" \r\n\n\t", "f: empty file " + expected},
      {"\xEF\xBB\xBF", "f: empty file " + expected},
      {std::string("\x7f" "ELF\x02\x01\x01\x00\x00\x00", 10), "f: binary data, not a coupon file " + expected},
      {std::string("\xFF\xFE" "c\0o\0d\0e\0", 10), "f: UTF-16 text; save the file as UTF-8 " + expected},
      {"id,name\n1,a\n", "f: no 'code' column in the CSV header (columns: id, name)"},
      {"\"id\",\"\"\n", "f: no 'code' column in the CSV header (columns: id, )"},
      {"code,usage_limit,CODE\n", "f:1: column 'code' appears twice in the CSV header (columns 1 and 3)"},
      {"code\tusage_limit\nA\t1\n",
       "f:1: tab-separated values are not read (expected comma-separated CSV with a 'code' column, or one code per "
       "line)"},
      {"code,reference\nA,\"unbalanced\nB,x\n", "f:2: unterminated quoted field: the '\"' opened on line 2 never closes",
       0, false},
      {"code\n" + many_codes + std::string("B\0C\n", 4), "f:1002: NUL byte (binary data, not a CSV file)", 1000, false},
      {many_codes + std::string("B\0C\n", 4), "f:1001: NUL byte (binary data, not a text file)", 1000, false},
      {"[" + many_elements + "{\"code\":\"A\x01\"}]",
       "f:1001: invalid JSON at line 1001, column 11: unexpected byte 0x01 inside a string (control characters must be "
       "escaped)",
       1000, false},
      {"[{\"code\":\"A}\n,{\"code\":\"B\"}]",
       "f:1: invalid JSON at line 1, column 13: a line ends inside a string (is a '\"' missing?)", 0, false},
      {"[{\"code\":true5}]", "f:1: invalid JSON at line 1, column 14: invalid value (expected true, false or null)", 0,
       false},
      {"[{\"code\":\"A\"},{\"code\":\"B\"", "f:2: truncated JSON: the input ends inside element 2 (which starts on line 1)",
       1, false},
      {"[ \n", "f: truncated JSON: the input ends before the array's closing ']'", 0, false},
      {"[{\"code\":\"A\"}", "f:1: truncated JSON: the input ends before the array's closing ']' (after element 1)", 1,
       false},
      {"[{\"code\":\"A\"},", "f:1: truncated JSON: the input ends before the array's closing ']' (after element 1)", 1,
       false},
      {"[{\"code\":\"A\"}\n {\"code\":\"B\"}]",
       "f:1: invalid JSON at line 2, column 2: expected ',' or ']' after element 1, found '{'", 1, false},
      {"[{\"code\":\"A\",}]", "f:1: invalid JSON at line 1, column 14: expected a string key, found '}'", 0, false},
      {"[{\"code\" \"A\"}]", "f:1: invalid JSON at line 1, column 10: expected ':' after an object key, found '\"'", 0,
       false},
      {"[{\"code\":\"A\"},]", "f:2: invalid JSON at line 1, column 15: unexpected ']'", 1, false},
      {"[{\"code\":\"A\"}] x", "f: unexpected text after the JSON array at line 1, column 16", 1, false},
      {"[{\"code\":tru}]", "f:1: invalid JSON at line 1, column 10: expected a value, found 't'", 0, false},
      {"[{\"code\":\"A\\x\"}]", "f:1: invalid JSON at line 1, column 12: invalid escape sequence '\\x'", 0, false},
      {"{\"meta\":{}}",
       "f:1: a JSON document without a \"data\" object or array (expected JSON:API coupon or imports documents, or a "
       "list response)"},
      {"{\"data\":{\"type\":\"orders\",\"attributes\":{}}}",
       "f:1: a JSON:API document of type \"orders\" (expected \"coupons\", \"imports\" or a list of coupons)"},
      {"{\"data\":{\"type\":\"imports\",\"attributes\":{\"resource_type\":\"skus\",\"inputs\":[]}}}",
       "f:1: an imports document for resource_type \"skus\" (expected \"coupons\")"},
      {"{\"data\":{\"type\":\"imports\",\"attributes\":{\"resource_type\":\"coupons\",\"format\":\"csv\","
       "\"inputs\":\"code\\nA\"}}}",
       "f:1: an imports document whose inputs are a CSV string: only JSON inputs can be read"},
      {"{\"data\":{\"type\":\"coupons\",\"attributes\":{\"code\":\"A\"}}}\n"
       "{\"data\":{\"type\":\"imports\",\"attributes\":{\"resource_type\":\"coupons\",\"inputs\":[]}}}\n",
       "f:2: an imports document, but the file started with jsonapi documents", 1, false},
      {"{\"data\":{\"type\":\"coupons\",\"attributes\":{\"code\":\"A\"}}}\n{\"data\":",
       "f:2: truncated JSON: the input ends inside the document (which starts on line 2)", 1, false},
      {"{\"data\":{\"type\":\"coupons\",\"attributes\":{\"code\":\"A\"}}}\n[1]",
       "f:2: expected a JSON document starting with '{', found '['", 1, false},
      {"{\"data\":{\"type\":\"coupons\",\"attributes\":{\"code\":\"A\" \"x\"}}}",
       "f:1: invalid JSON at line 1, column 52: expected ',' or '}' after an object member, found '\"'", 0, false},
      {"{\"data\":[{\"type\":\"coupons\",\"attributes\":{\"code\":\"A\"}},{\"type\":\"coupons\",\"attributes\":{\"code\":}}]}",
       "f:1:2: invalid JSON at line 1, column 94: expected a value, found '}'", 1, false},
      {std::string("\x1f\x8b\x08\x00junkjunkjunk", 16), "f: corrupt gzip data (invalid block type)"},
      {Gzip("code\nA\n") + "trailing", "f: unexpected data after the end of the gzip stream"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.content);
    ReadResult r = Read("f", c.content);
    if (c.error_at_open) {
      EXPECT_FALSE(r.open.ok());
      EXPECT_EQ(r.open.message(), c.error);
      EXPECT_EQ(r.open.code(), Status::Code::kInvalid);
      continue;
    }
    ASSERT_TRUE(r.open.ok()) << r.open.message();
    EXPECT_EQ(r.status.message(), c.error);
    EXPECT_EQ(r.status.code(), Status::Code::kInvalid);
    EXPECT_EQ(r.rows.size(), c.rows_before);
  }
}

TEST(CouponReaderTest, TruncatedGzipIsAnErrorWithTheLine) {
  std::string csv = "code,reference\n";
  for (int i = 0; i < 200000; ++i) csv += "SPRING-" + std::to_string(1000000 + i) + ",r\n";
  std::string gz = Gzip(csv);
  ReadResult r = Read("big.csv.gz", gz.substr(0, gz.size() / 2));
  ASSERT_TRUE(r.open.ok()) << r.open.message();
  EXPECT_GT(r.rows.size(), 1000u);
  EXPECT_LT(r.rows.size(), 200000u);
  EXPECT_TRUE(std::regex_match(r.status.message(),
                               std::regex(R"(big\.csv\.gz:\d+: truncated gzip data \(the compressed stream ends early\))")))
      << r.status.message();
  EXPECT_EQ(r.status.message(), "big.csv.gz:" + std::to_string(r.rows.back().number.number + 1) +
                                    ": truncated gzip data (the compressed stream ends early)");
}

TEST(CouponReaderTest, ConcatenatedGzipMembers) {
  ReadResult r = Read("f.gz", Gzip("code\nA\n") + Gzip("B\n"));
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[1].coupon.code, "B");
}

TEST(CouponReaderTest, OpenErrors) {
  auto r = CouponReader::Open("/nonexistent/codes.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kIoError);
  EXPECT_EQ(r.status().message(), "/nonexistent/codes.csv: cannot open: No such file or directory");
}

// Large inputs stream: generated on the fly, far bigger than any buffer.
class GeneratedSource : public ByteSource {
 public:
  GeneratedSource(std::string head, std::string (*row)(int), std::string tail, int rows)
      : pending_(std::move(head)), row_(row), tail_(std::move(tail)), rows_(rows) {}
  Result<size_t> Read(char* buf, size_t n) override {
    while (pending_.size() - pos_ < n && next_ <= rows_) {
      pending_.erase(0, pos_);
      pos_ = 0;
      pending_ += next_ < rows_ ? row_(next_) : tail_;
      ++next_;
    }
    size_t k = std::min(n, pending_.size() - pos_);
    std::memcpy(buf, pending_.data() + pos_, k);
    pos_ += k;
    return k;
  }

 private:
  std::string pending_;
  size_t pos_ = 0;
  std::string (*row_)(int);
  std::string tail_;
  int rows_;
  int next_ = 0;
};

TEST(CouponReaderTest, StreamsLargeFiles) {
  constexpr int kRows = 300000;
  struct Case {
    std::string head;
    std::string (*row)(int);
    std::string tail;
  } cases[] = {
      {"code,usage_limit\n", [](int i) { return "SPRING-" + std::to_string(i) + ",1\n"; }, ""},
      {"[", [](int i) { return std::string(i ? "," : "") + "{\"code\":\"SPRING-" + std::to_string(i) + "\"}\n"; }, "]"},
      {"{\"data\":{\"type\":\"imports\",\"attributes\":{\"resource_type\":\"coupons\",\"inputs\":[",
       [](int i) {
         std::string sep = i == 0 ? "" : i % 10000 == 0 ? "]}}}\n{\"data\":{\"type\":\"imports\",\"attributes\":{\"resource_type\":\"coupons\",\"inputs\":[" : ",";
         return sep + "{\"code\":\"SPRING-" + std::to_string(i) + "\"}";
       },
       "]}}}\n"},
  };
  for (const auto& c : cases) {
    auto reader = CouponReader::FromSource("big", std::make_unique<GeneratedSource>(c.head, c.row, c.tail, kRows));
    ASSERT_TRUE(reader.ok()) << reader.status().message();
    CouponRow row;
    int n = 0;
    while ((*reader)->Next(&row)) {
      ASSERT_EQ(row.coupon.code, "SPRING-" + std::to_string(n));
      ++n;
    }
    ASSERT_TRUE((*reader)->status().ok()) << (*reader)->status().message();
    EXPECT_EQ(n, kRows);
  }
}

}  // namespace
}  // namespace coupongen

namespace coupongen {
namespace {

// samples/existing holds the same codes in every readable format.
TEST(CouponReaderTest, SamplesAgree) {
  const std::string dir = std::string(COUPONGEN_SOURCE_DIR) + "/samples/existing/";
  struct Sample {
    const char* file;
    InputFormat format;
    bool gzipped;
  } samples[] = {
      {"existing.txt", InputFormat::kText, false},
      {"existing.csv", InputFormat::kCsv, false},
      {"existing.json", InputFormat::kJson, false},
      {"existing.jsonapi.ndjson", InputFormat::kJsonApi, false},
      {"existing.imports.ndjson", InputFormat::kImports, false},
      {"existing-list.json", InputFormat::kJsonApiList, false},
      {"cl-export.csv.gz", InputFormat::kCsv, true},
      {"cl-export.json.gz", InputFormat::kJson, true},
  };
  std::vector<std::string> first_codes;
  for (const auto& s : samples) {
    SCOPED_TRACE(s.file);
    auto reader = CouponReader::Open(dir + s.file);
    ASSERT_TRUE(reader.ok()) << reader.status().message();
    EXPECT_EQ((*reader)->format(), s.format);
    EXPECT_EQ((*reader)->gzipped(), s.gzipped);
    std::vector<std::string> codes;
    CouponRow row;
    while ((*reader)->Next(&row)) {
      codes.push_back(row.coupon.code);
      EXPECT_TRUE(row.problems.empty()) << row.problems[0].ToString();
      if (s.format != InputFormat::kText) {
        EXPECT_EQ(row.coupon.promotion_rule_id, "ABCRtyUpBa");
        EXPECT_EQ(row.coupon.expires_at, "2027-03-31T23:59:59.000Z");
      }
    }
    ASSERT_TRUE((*reader)->status().ok()) << (*reader)->status().message();
    ASSERT_EQ(codes.size(), 20u);
    if (first_codes.empty()) first_codes = codes;
    EXPECT_EQ(codes, first_codes);
  }
}

}  // namespace
}  // namespace coupongen
