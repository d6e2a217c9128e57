// The run pipeline's helpers (src/run/): the taken codes of both modes (one reader, one set of
// notices), the ledger session and the commit that makes a run's codes durable, then visible.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "run/ledger_session.h"
#include "run/notices.h"
#include "run/output.h"
#include "run/taken_codes.h"
#include "testing/subprocess.h"

namespace coupongen {
namespace {

// Keeps what a run would tell the user.
class Recorder final : public RunNotices {
 public:
  std::vector<std::string> lines;
  void Info(const std::string& line) override { lines.push_back(line); }
  void Warn(const std::string& message) override { lines.push_back("warning: " + message); }
  void Alert(const std::string& message) override { lines.push_back("alert: " + message); }
  void SpecProblem(const Problem& p) override { lines.push_back("problem: " + p.ToString()); }
  void Start(uint64_t) override {}
  void Advance(uint64_t) override {}
  void Finish(uint64_t) override {}
};

TEST(TakenCodes, EveryExcludedCodeIsOfferedAndOneNoticeCountsThem) {
  testing::TempDir dir;
  testing::WriteFile(dir / "a.csv", "code\nAAAA\nBBBB\nshort\n");
  testing::WriteFile(dir / "b.csv", "code\nCCCC\n");
  Recorder notices;
  std::vector<std::string> offered;
  auto relevant = ReadExcludedCodes({dir / "a.csv", dir / "b.csv"}, [&](std::string_view code) {
    offered.emplace_back(code);
    return code.size() == 4;
  }, notices);
  ASSERT_TRUE(relevant.ok()) << relevant.status().message();
  EXPECT_EQ(*relevant, 3u);
  EXPECT_EQ(offered, (std::vector<std::string>{"AAAA", "BBBB", "short", "CCCC"}));
  EXPECT_EQ(notices.lines, (std::vector<std::string>{"coupongen: excluding 4 codes from 2 files (3 of this shape)"}));
}

TEST(TakenCodes, NoExclusionFilesMeansNoNotice) {
  Recorder notices;
  auto relevant = ReadExcludedCodes({}, [](std::string_view) { return true; }, notices);
  ASSERT_TRUE(relevant.ok());
  EXPECT_EQ(*relevant, 0u);
  EXPECT_TRUE(notices.lines.empty());
}

TEST(TakenCodes, AMissingExclusionFileIsARuntimeErrorNamingIt) {
  testing::TempDir dir;
  Recorder notices;
  auto relevant = ReadExcludedCodes({dir / "missing.csv"}, [](std::string_view) { return true; }, notices);
  ASSERT_FALSE(relevant.ok());
  EXPECT_EQ(relevant.status().code(), Status::Code::kIoError);
  EXPECT_EQ(relevant.status().message().rfind("exclusion file ", 0), 0u) << relevant.status().message();
  EXPECT_NE(relevant.status().message().find("missing.csv"), std::string::npos) << relevant.status().message();
}

TEST(LedgerSession, CommitRecordsTheCodesThenRenamesTheOutputThenMarksThemDelivered) {
  testing::TempDir dir;
  Recorder notices;
  auto ledger = LedgerSession::Open(dir / "l.db", notices);
  ASSERT_TRUE(ledger.ok()) << ledger.status().message();
  std::ostringstream stdout_stream;
  auto out = OpenOutput(dir / "codes.csv", false, stdout_stream, Env::Default());
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_TRUE(out->sink->Append("code\nABCD\n").ok());
  ASSERT_TRUE(ledger->session->Record("ABCD", "spring", "", 0, dir / "codes.csv").ok());
  EXPECT_FALSE(testing::FileExists(dir / "codes.csv"));  // not before the commit
  Status s = CommitAndDeliver(*out, ledger->session.get(), ledger->ledger.get(), notices);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(testing::ReadFile(dir / "codes.csv"), "code\nABCD\n");
  auto found = ledger->ledger->Find("abcd");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_TRUE((*found)->delivered);
  EXPECT_TRUE(notices.lines.empty());
}

TEST(LedgerSession, WithoutALedgerTheCommitRenamesTheOutput) {
  testing::TempDir dir;
  Recorder notices;
  std::ostringstream stdout_stream;
  auto out = OpenOutput(dir / "codes.csv", false, stdout_stream, Env::Default());
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_TRUE(out->sink->Append("code\nABCD\n").ok());
  EXPECT_FALSE(testing::FileExists(dir / "codes.csv"));
  Status s = CommitAndDeliver(*out, nullptr, nullptr, notices);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(testing::ReadFile(dir / "codes.csv"), "code\nABCD\n");
  EXPECT_EQ(stdout_stream.str(), "");
}

}  // namespace
}  // namespace coupongen
