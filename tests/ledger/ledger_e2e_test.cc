// End-to-end: the ledger's promises through the built binary. A keyed campaign's code rules never
// change under one ledger (issue 11 item 1); codes are reserved before the output's rename and
// marked delivered after, so a rename that fails leaves them reserved and counted as undelivered
// (issue 11 item 3).
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "testing/subprocess.h"

namespace coupongen {
namespace {

using testing::ErrorLines;
using testing::FileExists;
using testing::Lines;
using testing::ListDir;
using testing::MakeTempDir;
using testing::ReadFile;
using testing::RunCoupongen;
using testing::RunResult;
using testing::WriteFile;

class LedgerRunTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A keyed spec: `codes` lines go under codes: (count, length, ... as the test needs).
  void WriteSpec(const std::string& name, const std::string& codes) {
    WriteFile(dir_ + "/" + name, "version: 1\ncampaign: spring-keyed\npromotion_rule_id: ABCRtyUpBa\ncodes:\n"
                                 "  mode: keyed\n  key_file: campaign.key\n" + codes);
  }
  void WriteKey() {
    WriteFile(dir_ + "/campaign.key", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
    chmod((dir_ + "/campaign.key").c_str(), 0600);
  }
  RunResult Generate(const std::string& spec, const std::string& out, std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"generate", spec, "--ledger", "l.db", "-o", out};
    args.insert(args.end(), more.begin(), more.end());
    return RunCoupongen(args, "", dir_);
  }

  std::string dir_;
};

std::set<std::string> CsvCodes(const std::string& csv) {
  std::set<std::string> codes;
  auto lines = Lines(csv);
  for (size_t i = 1; i < lines.size(); ++i) codes.insert(lines[i].substr(0, lines[i].find(',')));
  return codes;
}

// Each change of the code rules, after a run under the base rules: refused (exit 3) with one
// error naming the changed key, nothing written; before the fix each of these ran and (for most)
// reissued codes of the first run. The base rules still run on, continuing the sequence.
TEST_F(LedgerRunTest, KeyedRunWhoseCodeRulesChangedIsRefused) {
  WriteKey();
  WriteFile(dir_ + "/words.txt", "zzzz\n");
  const std::string base = "  count: 2000\n  length: 8\n";
  WriteSpec("base.yaml", base);
  WriteSpec("words.yaml", base + "  blocklist: words.txt\n");
  auto first = Generate("base.yaml", "a.csv");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto with_words = Generate("words.yaml", "w.csv");  // words added to the built-in list
  EXPECT_EQ(with_words.exit_code, 3) << with_words.err;
  EXPECT_NE(with_words.err.find("codes.blocklist: "), std::string::npos) << with_words.err;

  struct Case {
    std::string codes;   // lines under codes:
    std::string key;     // the key the error names
  };
  const std::vector<Case> cases = {
      {base + "  blocklist: none\n", "codes.blocklist"},
      {base + "  alphabet: uppercase\n", "codes.alphabet"},
      {"  count: 2000\n  length: 9\n", "codes.length"},
      {base + "  check: true\n", "codes.check"},
      {base + "  prefix: SPR-\n", "codes.shape"},
      {base + "  group: 4\n", "codes.shape"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.codes);
    WriteSpec("changed.yaml", c.codes);
    auto r = Generate("changed.yaml", "b.csv");
    EXPECT_EQ(r.exit_code, 3) << r.err;
    auto errors = ErrorLines(r.err);
    ASSERT_EQ(errors.size(), 1u) << r.err;
    EXPECT_NE(errors[0].find(c.key + ": "), std::string::npos) << r.err;
    EXPECT_NE(errors[0].find("differs from the run recorded in ledger l.db on "), std::string::npos) << r.err;
    EXPECT_FALSE(FileExists(dir_ + "/b.csv"));
  }

  // The base rules again: accepted, the next numbers, no code of the first run.
  auto again = Generate("base.yaml", "c.csv");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  auto a = CsvCodes(ReadFile(dir_ + "/a.csv")), c = CsvCodes(ReadFile(dir_ + "/c.csv"));
  EXPECT_EQ(a.size(), 2000u);
  EXPECT_EQ(c.size(), 2000u);
  for (const auto& code : c) EXPECT_EQ(a.count(code), 0u) << "reissued";
}

// A custom blocklist file whose words change is a change of the rules, although the spec is not.
TEST_F(LedgerRunTest, BlocklistFileContentIsPartOfTheRules) {
  WriteKey();
  WriteFile(dir_ + "/words.txt", "zzzz\n");
  WriteSpec("s.yaml", "  count: 2000\n  length: 8\n  blocklist: words.txt\n");
  auto first = Generate("s.yaml", "a.csv");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  WriteFile(dir_ + "/words.txt", "zzzz\nqxqx\n");
  auto changed = Generate("s.yaml", "b.csv");
  EXPECT_EQ(changed.exit_code, 3) << changed.err;
  ASSERT_EQ(ErrorLines(changed.err).size(), 1u) << changed.err;
  EXPECT_EQ(ErrorLines(changed.err)[0].rfind("s.yaml:9:14: codes.blocklist: ", 0), 0u) << changed.err;
  EXPECT_FALSE(FileExists(dir_ + "/b.csv"));
  WriteFile(dir_ + "/words.txt", "# the same words\nZZZZ\n");
  auto same = Generate("s.yaml", "c.csv");
  EXPECT_EQ(same.exit_code, 0) << same.err;
}

// A ledger of schema 1 (before code rules were recorded): upgraded in place; its keyed ranges'
// rules are unknown (a warning says so), and this run's rules bind the later runs.
TEST_F(LedgerRunTest, SchemaOneLedgerIsUpgraded) {
  WriteKey();
  WriteSpec("s.yaml", "  count: 1000\n  length: 8\n");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ + "/l.db").c_str(), &db), SQLITE_OK);
  const char* v1 = R"sql(
CREATE TABLE batches(id INTEGER PRIMARY KEY, campaign TEXT NOT NULL, promotion_rule_id TEXT,
  issued_at INTEGER NOT NULL, output_path TEXT NOT NULL);
CREATE TABLE codes(id INTEGER PRIMARY KEY, code TEXT NOT NULL COLLATE NOCASE UNIQUE,
  batch_id INTEGER NOT NULL REFERENCES batches(id));
CREATE TABLE ranges(id INTEGER PRIMARY KEY, campaign TEXT NOT NULL, key_id TEXT NOT NULL,
  start INTEGER NOT NULL CHECK (start >= 0), count INTEGER NOT NULL CHECK (count > 0),
  issued_at INTEGER NOT NULL, output_path TEXT NOT NULL);
CREATE INDEX ranges_by_start ON ranges(campaign, key_id, start);
INSERT INTO batches VALUES (1, 'old', NULL, 1803859200000, 'old.csv');
INSERT INTO codes VALUES (1, 'OLDCODE22', 1);
PRAGMA application_id = 1667722340;
PRAGMA user_version = 1;
)sql";
  ASSERT_EQ(sqlite3_exec(db, v1, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
  chmod((dir_ + "/l.db").c_str(), 0600);
  auto first = Generate("s.yaml", "a.csv");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto stats = RunCoupongen({"ledger", "stats", "--ledger", "l.db"}, "", dir_);
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_NE(stats.out.find("old"), std::string::npos) << stats.out;
  WriteSpec("t.yaml", "  count: 1000\n  length: 8\n  blocklist: none\n");
  auto changed = Generate("t.yaml", "b.csv");
  EXPECT_EQ(changed.exit_code, 3) << changed.err;
}

// Holds a read transaction on the ledger, so a run's commit waits (SQLite's busy handler) until
// it ends: the test can act between a run's writing and its commit.
class ReadLock {
 public:
  explicit ReadLock(const std::string& path) {
    sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr);
    sqlite3_prepare_v2(db_, "SELECT count(*) FROM sqlite_schema", -1, &stmt_, nullptr);
    ok_ = sqlite3_step(stmt_) == SQLITE_ROW;
  }
  ~ReadLock() { Release(); }
  bool ok() const { return ok_; }
  void Release() {
    if (stmt_) sqlite3_finalize(std::exchange(stmt_, nullptr));
    if (db_) {
      sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
      sqlite3_close(std::exchange(db_, nullptr));
    }
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  bool ok_ = false;
};

// The rename fails after the ledger's commit: the target appeared while the run waited to commit
// (a real fault: renameat2(RENAME_NOREPLACE) refuses it). The codes stay reserved, the error says
// so, and `ledger stats` counts them as undelivered; they are never issued again.
TEST_F(LedgerRunTest, RenameFailingAfterTheCommitLeavesCodesReserved) {
  WriteKey();
  WriteFile(dir_ + "/r.yaml", "version: 1\ncampaign: spring\ncodes:\n  count: 500\n");
  WriteSpec("k.yaml", "  count: 300\n  length: 8\n");
  for (const std::string spec : {"r.yaml", "k.yaml"}) {
    SCOPED_TRACE(spec);
    // A ledger must exist to be locked: a first, successful run creates it.
    auto setup = Generate(spec, spec + ".first.csv");
    ASSERT_EQ(setup.exit_code, 0) << setup.err;
    ReadLock lock(dir_ + "/l.db");
    ASSERT_TRUE(lock.ok());
    RunResult r;
    std::thread run([&] { r = Generate(spec, "late.csv"); });
    // Wait for the run's temporary file: it has begun writing, and waits for the lock to commit.
    bool writing = false;
    for (int i = 0; i < 2000 && !writing; ++i) {
      for (const auto& name : ListDir(dir_))
        if (name.rfind(".late.csv", 0) == 0) writing = true;
      if (!writing) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_TRUE(writing);
    // The run checks the target (AtomicFile::CheckCommit) right after writing, before the ledger
    // commits: a target that appears that early is refused with nothing reserved. Give it time to
    // get past that check and into the commit, which waits for the lock as long as it is held.
    std::this_thread::sleep_for(std::chrono::seconds(2));
    WriteFile(dir_ + "/late.csv", "someone else's file\n");
    lock.Release();
    run.join();
    EXPECT_EQ(r.exit_code, 1) << r.err;
    auto errors = ErrorLines(r.err);
    ASSERT_EQ(errors.size(), 1u) << r.err;
    EXPECT_NE(errors[0].find("late.csv already exists"), std::string::npos) << r.err;
    EXPECT_NE(errors[0].find(" codes stay reserved in ledger l.db as undelivered (never reissued)"), std::string::npos)
        << r.err;
    EXPECT_EQ(ReadFile(dir_ + "/late.csv"), "someone else's file\n");
    auto stats = RunCoupongen({"ledger", "stats", "--ledger", "l.db"}, "", dir_);
    EXPECT_NE(stats.out.find(spec == "r.yaml" ? "500 undelivered" : "300 undelivered"), std::string::npos) << stats.out;
    std::filesystem::remove(dir_ + "/late.csv");
  }
  // The keyed run's reserved range is skipped by the next run: it starts after it.
  auto next = Generate("k.yaml", "next.csv");
  ASSERT_EQ(next.exit_code, 0) << next.err;
  EXPECT_NE(next.err.find("sequence    600..899"), std::string::npos) << next.err;
}

// Two runs sharing a ledger at the same time, in a keyspace small enough that two independent
// runs would share ~10,000 codes: the second waits for the first (and says so), and no code
// appears in both outputs. Then a small run against the now large ledger looks each code up in
// the ledger's index (rather than reading the ledger): still none issued twice.
TEST_F(LedgerRunTest, ConcurrentRunsAndSmallRunsNeverReissue) {
  WriteFile(dir_ + "/s.yaml", "version: 1\ncampaign: small\ncodes:\n  count: 100000\n  length: 6\n  min_length: 6\n"
                              "  alphabet: ABCDEFGHJK\n  blocklist: none\n");
  RunResult a, b;
  std::thread first([&] { a = Generate("s.yaml", "a.csv"); });
  std::thread second([&] { b = Generate("s.yaml", "b.csv"); });
  first.join();
  second.join();
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  auto in_a = CsvCodes(ReadFile(dir_ + "/a.csv")), in_b = CsvCodes(ReadFile(dir_ + "/b.csv"));
  EXPECT_EQ(in_a.size(), 100000u);
  EXPECT_EQ(in_b.size(), 100000u);
  size_t both = 0;
  for (const auto& code : in_b) both += in_a.count(code);
  EXPECT_EQ(both, 0u);

  auto small = Generate("s.yaml", "c.csv", {"-n", "300"});
  ASSERT_EQ(small.exit_code, 0) << small.err;
  EXPECT_NE(small.err.find("each code drawn is looked up in it"), std::string::npos) << small.err;
  auto in_c = CsvCodes(ReadFile(dir_ + "/c.csv"));
  EXPECT_EQ(in_c.size(), 300u);
  for (const auto& code : in_c) EXPECT_EQ(in_a.count(code) + in_b.count(code), 0u) << "reissued";
  auto stats = RunCoupongen({"ledger", "stats", "--ledger", "l.db", "--json"}, "", dir_);
  EXPECT_NE(stats.out.find("\"codes\": 200300"), std::string::npos) << stats.out;
  // ledger find: a packed code, in another case; export: every code once.
  auto found = RunCoupongen({"ledger", "find", "--ledger", "l.db", *in_c.begin()}, "", dir_);
  EXPECT_EQ(found.exit_code, 0) << found.err;
  auto exported = RunCoupongen({"ledger", "export", "-f", "csv", "--ledger", "l.db", "--since", "2000-01-01T00:00:00Z"}, "", dir_);
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(CsvCodes(exported.out).size(), 200300u);
}

// `ledger --spec`, --json, export filters and upload-ready imports.
TEST_F(LedgerRunTest, LedgerCommandOptions) {
  WriteFile(dir_ + "/s.yaml", "version: 1\nledger: l.db\ncampaign: one\npromotion_rule_id: RuleOne\ncodes:\n  count: 20\n");
  WriteFile(dir_ + "/t.yaml", "version: 1\nledger: l.db\ncampaign: two\npromotion_rule_id: RuleTwo\ncodes:\n  count: 5\n");
  ASSERT_EQ(RunCoupongen({"generate", "s.yaml", "-o", "a.csv", "-q"}, "", dir_).exit_code, 0);
  ASSERT_EQ(RunCoupongen({"generate", "t.yaml", "-o", "b.csv", "-q"}, "", dir_).exit_code, 0);
  auto stats = RunCoupongen({"ledger", "stats", "--spec", "s.yaml", "--json"}, "", dir_);
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_NE(stats.out.find("\"campaign\": \"two\""), std::string::npos) << stats.out;
  auto imports = RunCoupongen({"ledger", "export", "-f", "imports", "--spec", "s.yaml"}, "", dir_);
  EXPECT_EQ(imports.exit_code, 3) << imports.err;  // two rules: one parent per document
  imports = RunCoupongen({"ledger", "export", "-f", "imports", "--spec", "s.yaml", "--campaign", "two"}, "", dir_);
  ASSERT_EQ(imports.exit_code, 0) << imports.err;
  EXPECT_NE(imports.out.find("\"parent_resource_id\":\"RuleTwo\""), std::string::npos) << imports.out;
  EXPECT_NE(imports.out.find("\"reference\":\"two-0001\""), std::string::npos) << imports.out;
  auto later = RunCoupongen({"ledger", "export", "-f", "csv", "--ledger", "l.db", "--since", "2999-01-01"}, "", dir_);
  ASSERT_EQ(later.exit_code, 0) << later.err;
  EXPECT_EQ(Lines(later.out).size(), 1u) << later.out;  // the header only
  auto find = RunCoupongen({"ledger", "find", "--spec", "t.yaml", "--json", "NOPE-NOPE"}, "", dir_);
  EXPECT_EQ(find.exit_code, 3);
  EXPECT_NE(find.out.find("\"issued\": false"), std::string::npos) << find.out;
  auto none = RunCoupongen({"ledger", "stats"}, "", dir_);
  EXPECT_EQ(none.exit_code, 2) << none.err;
}

// A run waiting for another's lock says so after about a second.
TEST_F(LedgerRunTest, WaitingForTheLockIsSaid) {
  WriteFile(dir_ + "/s.yaml", "version: 1\ncampaign: w\ncodes:\n  count: 10\n");
  ASSERT_EQ(Generate("s.yaml", "a.csv").exit_code, 0);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ + "/l.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  RunResult r;
  std::thread run([&] { r = Generate("s.yaml", "b.csv"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(4000));
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  run.join();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("coupongen: waiting for ledger l.db: another run holds it\n"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace coupongen
