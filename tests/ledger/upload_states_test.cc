// Ledger::RecordUploadStates, UploadStateOf and the upload counts of Stats (upload --ledger), and
// cl::CodeOutcomes, which turns an import's outcome into per-code states.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <unistd.h>

#include <filesystem>

#include "base/strings.h"
#include "cl/upload_states.h"
#include "ledger/ledger.h"
#include "testing/shared_postgres.h"
#include "testing/subprocess.h"

namespace coupongen {
namespace {

constexpr TimeMs kT1 = 1803859200000;  // 2027-03-01T00:00:00Z
constexpr TimeMs kT2 = kT1 + 3600000;

class UploadStatesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir();
    path_ = dir_ + "/ledger.db";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Issues `text` as text rows and 600 packed codes "PK-XXXX" for campaign `campaign`.
  std::vector<std::string> Issue(Ledger& ledger, const std::string& campaign, const std::vector<std::string>& text) {
    std::string error;
    auto alphabet = Alphabet::Parse("unambiguous", &error);
    EXPECT_TRUE(alphabet) << error;
    const CodeShape shape = CodeShape::FromParts("PK-", 4, 0, "", "");
    auto session = ledger.BeginIssue();
    EXPECT_TRUE(session.ok());
    (*session)->PackShape(shape, *alphabet);  // packed on SQLite, text rows on PostgreSQL
    std::vector<std::string> codes = text;
    for (const auto& c : text) EXPECT_TRUE((*session)->Record(c, campaign, "rule", kT1, "o.csv").ok());
    for (int i = 0; i < 600; ++i) {
      std::string code = "PK-";
      int v = i + (campaign == "spring" ? 0 : 1000);
      const int radix = static_cast<int>(alphabet->size());
      for (int j = 0; j < 4; ++j, v /= radix) code += alphabet->symbol(static_cast<size_t>(v % radix));
      codes.push_back(code);
    }
    for (size_t i = text.size(); i < codes.size(); ++i)
      EXPECT_TRUE((*session)->Record(codes[i], campaign, "rule", kT1, "o.csv").ok());
    EXPECT_TRUE((*session)->Commit().ok());
    EXPECT_TRUE((*session)->MarkDelivered().ok());
    return codes;
  }

  std::string dir_, path_;
};

UploadOutcome Outcome(const std::string& code, UploadState state, const std::string& message = "",
                      const std::string& reference = "r-0001") {
  return UploadOutcome{code, state, message, reference};
}

// The same against each backend: a SQLite file, and a fresh database of one PostgreSQL server
// for the suite (skipped only when PostgreSQL's binaries are absent).
class UploadStatesBackendTest : public UploadStatesTest, public ::testing::WithParamInterface<bool> {
 protected:
  static void TearDownTestSuite() { pg_.Stop(); }
  void SetUp() override {
    UploadStatesTest::SetUp();
    if (!GetParam() || !pg_.Ready()) return;
    path_ = pg_.server().uri(pg_.NewDatabase("uploads"));
  }
  static testing::SharedPostgres pg_;
};
testing::SharedPostgres UploadStatesBackendTest::pg_;
INSTANTIATE_TEST_SUITE_P(Backends, UploadStatesBackendTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) { return info.param ? "PostgreSQL" : "SQLite"; });

const CampaignStats* StatsOf(const std::vector<CampaignStats>& stats, const std::string& campaign) {
  for (const auto& s : stats)
    if (s.campaign == campaign) return &s;
  return nullptr;
}

TEST_P(UploadStatesBackendTest, RecordsOneStatePerCodeWithUploadedFinal) {
  auto opened = Ledger::Open(path_);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  Ledger& ledger = **opened;
  auto spring = Issue(ledger, "spring", {"TEXT-A1", "TEXT-B2", "TEXT-C3", "TEXT-D4"});
  auto summer = Issue(ledger, "summer", {});
  ASSERT_EQ(spring.size(), 604u);

  const std::vector<UploadOutcome> first = {
      Outcome("text-a1", UploadState::kUploaded),  // case ignored
      Outcome("TEXT-B2", UploadState::kRefused, "code: has already been taken"),
      Outcome("TEXT-C3", UploadState::kNotSent, "import r-0001 did not finish"),
      Outcome(ToLowerAscii(spring[10]), UploadState::kUploaded),  // packed
      Outcome(spring[11], UploadState::kRefused, "code: is invalid"),
      Outcome(summer[0], UploadState::kUploaded),
      Outcome("NOT-IN-LEDGER", UploadState::kUploaded),
      Outcome("PK-ZZZZ", UploadState::kUploaded),  // the packed shape, never issued
  };
  auto counts = ledger.RecordUploadStates(first, kT1);
  ASSERT_TRUE(counts.ok()) << counts.status().message();
  EXPECT_EQ(counts->recorded, 6u);
  EXPECT_EQ(counts->not_in_ledger, 2u);

  auto state = ledger.UploadStateOf("Text-B2");
  ASSERT_TRUE(state.ok());
  ASSERT_TRUE(state->has_value());
  EXPECT_EQ(**state, (CodeUploadState{UploadState::kRefused, "code: has already been taken", "r-0001", kT1}));
  state = ledger.UploadStateOf(spring[10]);
  ASSERT_TRUE(state.ok() && state->has_value());
  EXPECT_EQ((*state)->state, UploadState::kUploaded);
  state = ledger.UploadStateOf("TEXT-D4");
  ASSERT_TRUE(state.ok());
  EXPECT_FALSE(state->has_value());

  auto stats = ledger.Stats();
  ASSERT_TRUE(stats.ok());
  const CampaignStats* s = StatsOf(*stats, "spring");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->count, 604u);
  EXPECT_EQ(s->uploaded, 2u);
  EXPECT_EQ(s->refused, 2u);
  EXPECT_EQ(s->not_sent, 1u);
  EXPECT_EQ(s->not_uploaded(), 600u);  // the not_sent one and the 599 never offered
  ASSERT_NE(StatsOf(*stats, "summer"), nullptr);
  EXPECT_EQ(StatsOf(*stats, "summer")->uploaded, 1u);
  EXPECT_EQ(StatsOf(*stats, "summer")->not_uploaded(), 599u);

  // A rerun records the same again, plus later outcomes: uploaded stays (never counted twice),
  // refused and not_sent become uploaded, not_sent replaces nothing but not_sent.
  const std::vector<UploadOutcome> second = {
      Outcome("TEXT-A1", UploadState::kRefused, "code: has already been taken", "r-0002"),
      Outcome("TEXT-A1", UploadState::kNotSent, "stopped", "r-0002"),
      Outcome("TEXT-B2", UploadState::kNotSent, "stopped", "r-0002"),
      Outcome("TEXT-C3", UploadState::kRefused, "code: is invalid", "r-0002"),
      Outcome(spring[10], UploadState::kUploaded, "", "r-0002"),
      Outcome(spring[11], UploadState::kUploaded, "", "r-0002"),
      Outcome("TEXT-D4", UploadState::kNotSent, "stopped", "r-0002"),
  };
  counts = ledger.RecordUploadStates(second, kT2);
  ASSERT_TRUE(counts.ok()) << counts.status().message();
  EXPECT_EQ(counts->not_in_ledger, 0u);
  state = ledger.UploadStateOf("TEXT-A1");
  ASSERT_TRUE(state.ok() && state->has_value());
  EXPECT_EQ(**state, (CodeUploadState{UploadState::kUploaded, "", "r-0001", kT1}));
  state = ledger.UploadStateOf("TEXT-B2");
  ASSERT_TRUE(state.ok() && state->has_value());
  EXPECT_EQ((*state)->state, UploadState::kRefused);
  EXPECT_EQ((*state)->updated_at, kT1);
  state = ledger.UploadStateOf("TEXT-C3");
  ASSERT_TRUE(state.ok() && state->has_value());
  EXPECT_EQ(**state, (CodeUploadState{UploadState::kRefused, "code: is invalid", "r-0002", kT2}));
  state = ledger.UploadStateOf("TEXT-D4");
  ASSERT_TRUE(state.ok() && state->has_value());
  EXPECT_EQ((*state)->state, UploadState::kNotSent);
  stats = ledger.Stats();
  ASSERT_TRUE(stats.ok());
  s = StatsOf(*stats, "spring");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->uploaded, 3u);  // TEXT-A1, spring[10], spring[11]
  EXPECT_EQ(s->refused, 2u);   // TEXT-B2, TEXT-C3
  EXPECT_EQ(s->not_sent, 1u);  // TEXT-D4
  EXPECT_EQ(s->uploaded + s->refused + s->not_uploaded(), s->count);

  // Nothing to record is fine; a session holding the lock makes recording wait, then fail.
  EXPECT_TRUE(ledger.RecordUploadStates({}, kT2).ok());
}

TEST_F(UploadStatesTest, ALedgerMadeBeforeUploadStatesIsUpgradedOnOpen) {
  {
    auto opened = Ledger::Open(path_);
    ASSERT_TRUE(opened.ok());
    Issue(**opened, "old", {"OLD-CODE-1"});
  }
  // As an older coupongen made it: no upload_states table.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DROP TABLE upload_states", nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);

  for (int round = 0; round < 2; ++round) {  // the upgrade is idempotent
    auto opened = Ledger::Open(path_);
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    Ledger& ledger = **opened;
    auto stats = ledger.Stats();
    ASSERT_TRUE(stats.ok()) << stats.status().message();
    ASSERT_EQ(stats->size(), 1u);
    EXPECT_EQ((*stats)[0].count, 601u);
    EXPECT_EQ((*stats)[0].uploaded, static_cast<uint64_t>(round));
    std::vector<UploadOutcome> one = {Outcome("old-code-1", UploadState::kUploaded)};
    auto counts = ledger.RecordUploadStates(one, kT1);
    ASSERT_TRUE(counts.ok()) << counts.status().message();
    EXPECT_EQ(counts->recorded, 1u);
    EXPECT_EQ(ledger.Find("OLD-CODE-1")->value().campaign, "old");  // the codes are untouched
  }
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'upload_states%'", -1, &stmt, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), 2);  // the table and its index, once
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

cl::ImportChunk Chunk(int n) {
  cl::ImportChunk c;
  c.reference = "f-0002";
  c.inputs_json = "[";
  for (int i = 0; i < n; ++i)
    c.inputs_json += std::string(i ? "," : "") + "{\"code\":\"CODE" + std::to_string(i) + "\",\"usage_limit\":1}";
  c.inputs_json += "]";
  c.inputs = n;
  return c;
}

std::string States(const std::vector<UploadOutcome>& outcomes) {
  std::string s;
  for (const auto& o : outcomes) s += o.state == UploadState::kUploaded ? 'U' : o.state == UploadState::kRefused ? 'R' : 'N';
  return s;
}

TEST(CodeOutcomesTest, CompletedInterruptedAndUnfinishedImports) {
  const cl::ImportChunk chunk = Chunk(6);
  cl::ImportOutcome done;
  done.reference = chunk.reference;
  done.status = "completed";
  done.processed = 4;
  done.errors = 2;
  done.errors_log = {{"code1", {{"code", {"has already been taken"}}}}, {"CODE4", {{"code", {"is invalid", "is too short"}}}}};
  auto outcomes = cl::CodeOutcomes(chunk, &done);
  ASSERT_EQ(outcomes.size(), 6u);
  EXPECT_EQ(States(outcomes), "URUURU");
  EXPECT_EQ(outcomes[1].code, "CODE1");
  EXPECT_EQ(outcomes[1].message, "code: has already been taken");
  EXPECT_EQ(outcomes[4].message, "code: is invalid; code: is too short");
  EXPECT_EQ(outcomes[0].reference, "f-0002");

  // Interrupted at the second error (processed 1 + errors 2): the inputs after it never ran.
  cl::ImportOutcome interrupted = done;
  interrupted.status = "interrupted";
  interrupted.processed = 1;
  interrupted.errors = 2;
  interrupted.errors_log = {{"CODE1", {{"code", {"has already been taken"}}}}, {"CODE2", {{"code", {"has already been taken"}}}}};
  outcomes = cl::CodeOutcomes(chunk, &interrupted);
  EXPECT_EQ(States(outcomes), "URRNNN");
  EXPECT_NE(outcomes[3].message.find("interrupted"), std::string::npos);

  outcomes = cl::CodeOutcomes(chunk, nullptr);
  EXPECT_EQ(States(outcomes), "NNNNNN");
  EXPECT_NE(outcomes[0].message.find("did not finish"), std::string::npos);
}

}  // namespace
}  // namespace coupongen
