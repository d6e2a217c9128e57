// Direct tests of io/rejects_writer: the exact file for every input format (rows unchanged, in
// their own format), empty files, imports documents regrouped by parent and split at 10,000
// inputs, batching into the sink, and sink errors.
#include "io/rejects_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "io/sink.h"

namespace coupongen {
namespace {

// Keeps every Append separately; fails every Append once `fail` is set.
class RecordingSink : public OutputSink {
 public:
  Status Append(std::string_view data) override {
    if (fail) return Status::IoError("out.json: write error: No space left on device");
    appends.emplace_back(data);
    bytes += data.size();
    return Status::Ok();
  }
  Status Close() override { return Status::Ok(); }
  unsigned long long bytes_written() const override { return bytes; }

  std::string All() const {
    std::string s;
    for (const std::string& a : appends) s += a;
    return s;
  }

  std::vector<std::string> appends;
  unsigned long long bytes = 0;
  bool fail = false;
};

struct Row {
  std::string raw;
  std::optional<std::string> parent;
};

std::string Write(InputFormat format, const std::vector<Row>& rows, const std::string& header = "code,value") {
  RecordingSink sink;
  RejectsWriter w(format, header, sink);
  for (const Row& r : rows) EXPECT_TRUE(w.Add(r.raw, r.parent).ok());
  EXPECT_EQ(w.count(), rows.size());
  EXPECT_TRUE(w.Finish().ok());
  return sink.All();
}

const std::string kImportsHead =
    R"({"data":{"type":"imports","attributes":{"resource_type":"coupons","format":"json",)";
const std::string kOrigin = R"("reference_origin":"coupongen-rejects","inputs":[)";

TEST(RejectsWriterTest, WritesEachFormatExactly) {
  struct Case {
    const char* name;
    InputFormat format;
    std::vector<Row> rows;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"csv", InputFormat::kCsv, {{"A1,10", {}}, {"\"B,2\",\"x\"\"y\"", {}}}, "code,value\nA1,10\n\"B,2\",\"x\"\"y\"\n"},
      {"text", InputFormat::kText, {{"A1", {}}, {"B2", {}}}, "A1\nB2\n"},
      {"jsonapi", InputFormat::kJsonApi, {{R"({"data":{"type":"coupons"}})", {}}}, "{\"data\":{\"type\":\"coupons\"}}\n"},
      {"json", InputFormat::kJson, {{R"({"code":"A1"})", {}}, {R"({"code":"B2"})", {}}},
       "[\n{\"code\":\"A1\"},\n{\"code\":\"B2\"}\n]\n"},
      {"json one row", InputFormat::kJson, {{R"({"code":"A1"})", {}}}, "[\n{\"code\":\"A1\"}\n]\n"},
      {"jsonapi-list", InputFormat::kJsonApiList, {{R"({"type":"coupons","id":"x"})", {}}, {R"({"id":"y"})", {}}},
       "{\"data\":[\n{\"type\":\"coupons\",\"id\":\"x\"},\n{\"id\":\"y\"}\n]}\n"},
      {"imports", InputFormat::kImports, {{R"({"code":"A1"})", "P1"}, {R"({"code":"B2"})", "P1"}},
       kImportsHead + R"("parent_resource_id":"P1",)" + kOrigin + R"({"code":"A1"},{"code":"B2"}]}}})" + "\n"},
      {"imports without parent", InputFormat::kImports, {{R"({"code":"A1"})", std::nullopt}},
       kImportsHead + kOrigin + R"({"code":"A1"}]}}})" + "\n"},
      {"imports parent escaped", InputFormat::kImports, {{R"({"code":"A1"})", "p\"q\\"}},
       kImportsHead + R"("parent_resource_id":"p\"q\\",)" + kOrigin + R"({"code":"A1"}]}}})" + "\n"},
      // Rows in a new parent's document, and back: one document per run of the same parent.
      {"imports regrouped",
       InputFormat::kImports,
       {{"1", "P1"}, {"2", "P2"}, {"3", std::nullopt}, {"4", "P1"}},
       kImportsHead + R"("parent_resource_id":"P1",)" + kOrigin + "1]}}}\n" + kImportsHead +
           R"("parent_resource_id":"P2",)" + kOrigin + "2]}}}\n" + kImportsHead + kOrigin + "3]}}}\n" + kImportsHead +
           R"("parent_resource_id":"P1",)" + kOrigin + "4]}}}\n"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(Write(c.format, c.rows), c.expected);
  }
}

TEST(RejectsWriterTest, NoRowsIsAValidEmptyFile) {
  EXPECT_EQ(Write(InputFormat::kCsv, {}), "code,value\n");  // the header, so the file converts again
  EXPECT_EQ(Write(InputFormat::kCsv, {}, "code"), "code\n");
  EXPECT_EQ(Write(InputFormat::kJson, {}), "[]\n");
  EXPECT_EQ(Write(InputFormat::kJsonApiList, {}), "{\"data\":[]}\n");
  // Formats with one document per line: no line at all.
  EXPECT_EQ(Write(InputFormat::kText, {}), "");
  EXPECT_EQ(Write(InputFormat::kJsonApi, {}), "");
  EXPECT_EQ(Write(InputFormat::kImports, {}), "");
}

TEST(RejectsWriterTest, JsonOutputsParseBackToTheRows) {
  std::vector<Row> rows;
  for (int i = 0; i < 50; ++i) rows.push_back({R"({"code":"C)" + std::to_string(i) + R"(","note":"a,\"b\"]"})", "P"});
  for (InputFormat f : {InputFormat::kJson, InputFormat::kJsonApiList}) {
    SCOPED_TRACE(InputFormatName(f));
    nlohmann::json doc = nlohmann::json::parse(Write(f, rows));
    const nlohmann::json& list = f == InputFormat::kJson ? doc : doc.at("data");
    ASSERT_EQ(list.size(), rows.size());
    EXPECT_EQ(list[49].at("code"), "C49");
    EXPECT_EQ(list[0].at("note"), "a,\"b\"]");
  }
  std::string imports = Write(InputFormat::kImports, rows);
  nlohmann::json doc = nlohmann::json::parse(imports);
  EXPECT_EQ(doc.at("data").at("attributes").at("parent_resource_id"), "P");
  EXPECT_EQ(doc.at("data").at("attributes").at("inputs").size(), 50u);
}

TEST(RejectsWriterTest, ImportsDocumentsHoldAtMost10000Inputs) {
  std::vector<Row> rows(20001, Row{"{}", "P1"});
  std::string out = Write(InputFormat::kImports, rows);
  std::vector<size_t> sizes;
  size_t start = 0;
  while (start < out.size()) {
    size_t nl = out.find('\n', start);
    ASSERT_NE(nl, std::string::npos);
    nlohmann::json doc = nlohmann::json::parse(out.substr(start, nl - start));
    EXPECT_EQ(doc.at("data").at("attributes").at("parent_resource_id"), "P1");
    sizes.push_back(doc.at("data").at("attributes").at("inputs").size());
    start = nl + 1;
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{10000, 10000, 1}));
}

TEST(RejectsWriterTest, BatchesIntoTheSinkAboutEveryMebibyte) {
  RecordingSink sink;
  RejectsWriter w(InputFormat::kText, "", sink);
  const std::string row(100 << 10, 'x');  // 100 KiB + '\n' per row
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(w.Add(row, std::nullopt).ok());
  EXPECT_TRUE(sink.appends.empty()) << "1,000 KiB buffered should not have reached the sink yet";
  ASSERT_TRUE(w.Add(row, std::nullopt).ok());  // past 1 MiB: flushed
  ASSERT_EQ(sink.appends.size(), 1u);
  EXPECT_EQ(sink.appends[0].size(), 11 * (row.size() + 1));
  ASSERT_TRUE(w.Add("last", std::nullopt).ok());
  EXPECT_EQ(sink.appends.size(), 1u);
  ASSERT_TRUE(w.Finish().ok());
  ASSERT_EQ(sink.appends.size(), 2u);
  EXPECT_EQ(sink.appends[1], "last\n");
  EXPECT_EQ(w.count(), 12u);
  EXPECT_EQ(sink.bytes_written(), 11 * (row.size() + 1) + 5);
}

TEST(RejectsWriterTest, SinkErrorsArePassedOn) {
  RecordingSink sink;
  sink.fail = true;
  {
    RejectsWriter w(InputFormat::kJson, "", sink);
    ASSERT_TRUE(w.Add("{}", std::nullopt).ok());  // buffered: the sink is not called yet
    Status s = w.Finish();
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(s.code(), Status::Code::kIoError);
    EXPECT_EQ(s.message(), "out.json: write error: No space left on device");
  }
  {
    RejectsWriter w(InputFormat::kText, "", sink);
    Status s = w.Add(std::string(2 << 20, 'x'), std::nullopt);  // a flush in Add
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(s.message(), "out.json: write error: No space left on device");
  }
}

}  // namespace
}  // namespace coupongen
