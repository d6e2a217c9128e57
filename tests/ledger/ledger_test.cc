#include "ledger/ledger.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>
#include <set>
#include <sstream>
#include <unordered_set>
#include <utility>

#include "base/strings.h"
#include "testing/shared_postgres.h"

namespace coupongen {
namespace {

constexpr TimeMs kT1 = 1803859200000;  // 2027-03-01T00:00:00Z
constexpr TimeMs kT2 = kT1 + 3600000;
constexpr TimeMs kT3 = kT1 + 86400000;

// The SQLite file's own tests (damaged files, modes, its journal).
class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "ledger_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/ledger.db";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string dir_;
  std::string path_;
};

enum class Backend { kSqlite, kPostgres };

// The tests of the ledger interface, run against each backend: a SQLite file in a temporary
// directory, and a database of a real PostgreSQL server (one server for the suite, a fresh
// database for each ledger a test makes). The PostgreSQL instances skip only when its binaries
// are absent.
class LedgerBackendTest : public ::testing::TestWithParam<Backend> {
 protected:
  static void TearDownTestSuite() { pg_.Stop(); }

  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "ledger_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    if (GetParam() == Backend::kPostgres) {
      if (!pg_.Ready()) return;
      server_ = &pg_.server();
    }
    path_ = NewLedgerName();
    name_ = RedactLedgerName(path_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  bool postgres() const { return GetParam() == Backend::kPostgres; }
  // A name for a ledger that does not exist yet: a file path, or the URI of a new empty database.
  std::string NewLedgerName() {
    if (!postgres()) return dir_ + "/ledger" + std::to_string(++ledgers_) + ".db";
    return server_->uri(pg_.NewDatabase("ledger"));
  }

  static testing::SharedPostgres pg_;
  static int ledgers_;
  testing::PostgresServer* server_ = nullptr;
  std::string dir_;
  std::string path_;  // the ledger's name (a path, or a URI with the password)
  std::string name_;  // as messages show it (Ledger::path())
};

testing::SharedPostgres LedgerBackendTest::pg_;
int LedgerBackendTest::ledgers_ = 0;

INSTANTIATE_TEST_SUITE_P(Backends, LedgerBackendTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param == Backend::kSqlite ? "SQLite" : "PostgreSQL";
                         });

std::unique_ptr<Ledger> OpenLedger(const std::string& path, LedgerOptions options = {}) {
  auto ledger = Ledger::Open(path, options);
  EXPECT_TRUE(ledger.ok()) << ledger.status().message();
  return ledger.ok() ? std::move(ledger).value() : nullptr;
}

std::set<std::string> AllCodes(Ledger& ledger) {
  std::set<std::string> codes;
  Status st = ledger.ForEachCode([&codes](std::string_view code) {
    codes.emplace(code);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.message();
  return codes;
}

std::vector<LedgerEntry> AllEntries(Ledger& ledger) {
  std::vector<LedgerEntry> entries;
  Status st = ledger.ForEachEntry([&entries](const LedgerEntry& e) {
    entries.push_back(e);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.message();
  return entries;
}

std::vector<LedgerRange> AllRanges(Ledger& ledger) {
  std::vector<LedgerRange> ranges;
  Status st = ledger.ForEachRange([&ranges](const LedgerRange& r) {
    ranges.push_back(r);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.message();
  return ranges;
}

// A child process running `body`, which exits with its return value and never returns into gtest.
// A child the test did not wait for (a failed ASSERT) is killed and reaped, not left behind.
class Child {
 public:
  explicit Child(const std::function<int()>& body) : pid_(fork()) {
    if (pid_ == 0) _exit(body());
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  void Kill() { kill(pid_, SIGKILL); }
  /// The exit status, or 128 + the signal that ended it.
  int Wait() {
    int status = 0;
    pid_t pid = std::exchange(pid_, -1);
    if (pid <= 0 || waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_;
};

std::string NumberedCode(const std::string& prefix, int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%06d", i);
  return prefix + buf;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ---------------------------------------------------------------------------------------------

TEST_P(LedgerBackendTest, RoundTrip) {
  auto ledger = OpenLedger(path_);
  ASSERT_NE(ledger, nullptr);
  {
    auto session = ledger->BeginIssue();
    ASSERT_TRUE(session.ok()) << session.status().message();
    ASSERT_TRUE((*session)->Record("SPRING-AB12", "spring", "ruleA", kT1, "spring.csv").ok());
    ASSERT_TRUE((*session)->Record("spring-cd34", "spring", "ruleA", kT1, "spring.csv").ok());
    ASSERT_TRUE((*session)->Record("SUMMER-EF56", "summer", "", kT2, "-").ok());
    Status st = (*session)->Commit();
    ASSERT_TRUE(st.ok()) << st.message();
    EXPECT_EQ((*session)->recorded(), 3u);
    st = (*session)->MarkDelivered();
    ASSERT_TRUE(st.ok()) << st.message();
  }
  {
    // Committed but never marked delivered (the output's rename failed): reserved, undelivered.
    auto session = ledger->BeginIssue();
    ASSERT_TRUE(session.ok()) << session.status().message();
    ASSERT_TRUE((*session)->Record("SPRING-GH78", "spring", "ruleA", kT3, "out/spring2.csv").ok());
    ASSERT_TRUE((*session)->Commit().ok());
  }

  const std::vector<LedgerEntry> expected = {
      {"SPRING-AB12", "spring", "ruleA", kT1, "spring.csv"},
      {"spring-cd34", "spring", "ruleA", kT1, "spring.csv"},
      {"SUMMER-EF56", "summer", "", kT2, "-"},
      {"SPRING-GH78", "spring", "ruleA", kT3, "out/spring2.csv", false},
  };
  const std::vector<CampaignStats> expected_stats = {{"spring", 3, 0, 1, kT1, kT3}, {"summer", 1, 0, 0, kT2, kT2}};

  for (int pass = 0; pass < 2; ++pass) {  // the same through this Ledger and after reopening
    SCOPED_TRACE(pass == 0 ? "same ledger" : "reopened");
    if (pass == 1) {
      ledger.reset();
      ledger = OpenLedger(path_);
      ASSERT_NE(ledger, nullptr);
    }
    auto found = ledger->Find("spring-ab12");  // ignoring case, reported as issued
    ASSERT_TRUE(found.ok()) << found.status().message();
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ(**found, expected[0]);
    found = ledger->Find("SPRING-CD34");
    ASSERT_TRUE(found.ok() && found->has_value());
    EXPECT_EQ((*found)->code, "spring-cd34");
    found = ledger->Find("SUMMER-EF56");
    ASSERT_TRUE(found.ok() && found->has_value());
    EXPECT_EQ(**found, expected[2]);
    found = ledger->Find("SPRING-XXXX");
    ASSERT_TRUE(found.ok());
    EXPECT_FALSE(found->has_value());

    auto stats = ledger->Stats();
    ASSERT_TRUE(stats.ok()) << stats.status().message();
    EXPECT_EQ(*stats, expected_stats);
    EXPECT_EQ(AllEntries(*ledger), expected);  // issue order
    EXPECT_EQ(AllCodes(*ledger),
              (std::set<std::string>{"SPRING-AB12", "spring-cd34", "SUMMER-EF56", "SPRING-GH78"}));
  }
}

TEST_P(LedgerBackendTest, EmptyLedger) {
  auto ledger = OpenLedger(path_);
  ASSERT_NE(ledger, nullptr);
  EXPECT_TRUE(AllCodes(*ledger).empty());
  EXPECT_TRUE(AllEntries(*ledger).empty());
  auto stats = ledger->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_TRUE(stats->empty());
}

TEST_P(LedgerBackendTest, CallbackErrorStopsIteration) {
  auto ledger = OpenLedger(path_);
  ASSERT_NE(ledger, nullptr);
  auto session = ledger->BeginIssue();
  ASSERT_TRUE(session.ok());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE((*session)->Record(NumberedCode("C", i), "c", "", kT1, "-").ok());
  ASSERT_TRUE((*session)->Commit().ok());

  int calls = 0;
  Status st = ledger->ForEachEntry([&calls](const LedgerEntry&) {
    return ++calls == 3 ? Status::IoError("disk full") : Status::Ok();
  });
  EXPECT_EQ(st.message(), "disk full");
  EXPECT_EQ(calls, 3);
  calls = 0;
  st = ledger->ForEachCode([&calls](std::string_view) { return ++calls == 2 ? Status::IoError("x") : Status::Ok(); });
  EXPECT_EQ(st.message(), "x");
  EXPECT_EQ(calls, 2);
}

TEST_P(LedgerBackendTest, UniquenessIgnoresCase) {
  auto ledger = OpenLedger(path_);
  ASSERT_NE(ledger, nullptr);
  {
    auto session = ledger->BeginIssue();
    ASSERT_TRUE(session.ok());
    ASSERT_TRUE((*session)->Record("ABC-123x", "c", "", kT1, "a.csv").ok());
    Status st = (*session)->Record("abc-123X", "c", "", kT1, "a.csv");  // same code, other case
    EXPECT_EQ(st.code(), Status::Code::kInvalid);
    EXPECT_EQ(st.message(), name_ + ": code abc-123X is already in the ledger");
    st = (*session)->Record("", "c", "", kT1, "a.csv");
    EXPECT_EQ(st.code(), Status::Code::kInvalid);
    ASSERT_TRUE((*session)->Commit().ok());
  }
  {
    auto session = ledger->BeginIssue();
    ASSERT_TRUE(session.ok());
    Status st = (*session)->Record("Abc-123X", "d", "", kT2, "b.csv");  // against a committed code
    EXPECT_EQ(st.code(), Status::Code::kInvalid);
    EXPECT_EQ(st.message(), name_ + ": code Abc-123X is already in the ledger");
  }
  EXPECT_EQ(AllCodes(*ledger), std::set<std::string>{"ABC-123x"});
}

TEST_P(LedgerBackendTest, SessionWithoutCommitRollsBack) {
  auto ledger = OpenLedger(path_);
  ASSERT_NE(ledger, nullptr);
  {
    auto session = ledger->BeginIssue();
    ASSERT_TRUE(session.ok());
    ASSERT_TRUE((*session)->Record("KEEP-0001", "keep", "r", kT1, "keep.csv").ok());
    ASSERT_TRUE((*session)->RecordRange({"keep", "k1", 0, 10, kT1, "keep.csv"}).ok());
    ASSERT_TRUE((*session)->Commit().ok());
    EXPECT_FALSE((*session)->Commit().ok());  // a session commits once
    ASSERT_TRUE((*session)->MarkDelivered().ok());
  }
  {
    auto session = ledger->BeginIssue();
    ASSERT_TRUE(session.ok());
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE((*session)->Record(NumberedCode("ROLL-", i), "roll", "r", kT2, "r.csv").ok());
    ASSERT_TRUE((*session)->RecordRange({"keep", "k1", 10, 10, kT2, "r.csv"}).ok());
    EXPECT_EQ(AllCodes(*ledger).size(), 1001u);  // the session sees its own codes
    // Destroyed without Commit (an error path of generate).
  }
  const std::set<std::string> kept = {"KEEP-0001"};
  const std::vector<LedgerRange> kept_ranges = {{"keep", "k1", 0, 10, kT1, "keep.csv", "", true}};
  EXPECT_EQ(AllCodes(*ledger), kept);
  EXPECT_EQ(AllRanges(*ledger), kept_ranges);
  auto found = ledger->Find("ROLL-000001");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());

  ledger = OpenLedger(path_);
  ASSERT_NE(ledger, nullptr);
  EXPECT_EQ(AllCodes(*ledger), kept);
  EXPECT_EQ(AllRanges(*ledger), kept_ranges);
  auto stats = ledger->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(*stats, (std::vector<CampaignStats>{{"keep", 11, 10, 0, kT1, kT1}}));
  auto session = ledger->BeginIssue();  // and the ledger is still writable
  ASSERT_TRUE(session.ok()) << session.status().message();
  ASSERT_TRUE((*session)->Record("ROLL-000001", "roll", "r", kT3, "r.csv").ok());
  ASSERT_TRUE((*session)->Commit().ok());
}

// Querying a ledger that is not there is an error, and creates nothing.
TEST_P(LedgerBackendTest, MissingLedgerIsNotCreatedForQueries) {
  LedgerOptions query;
  query.create_if_missing = false;
  auto ledger = Ledger::Open(path_, query);
  ASSERT_FALSE(ledger.ok());
  EXPECT_EQ(ledger.status().code(), Status::Code::kIoError);
  EXPECT_EQ(ledger.status().message(), name_ + (postgres() ? ": no coupongen ledger in this database" : ": no such ledger"));
  ledger = Ledger::Open(path_, query);  // still not there
  ASSERT_FALSE(ledger.ok());
  ASSERT_NE(OpenLedger(path_), nullptr);  // created by a run
  ledger = Ledger::Open(path_, query);
  ASSERT_TRUE(ledger.ok()) << ledger.status().message();
  EXPECT_TRUE(AllCodes(**ledger).empty());
}

TEST_P(LedgerBackendTest, MovedSessionRollsBackOnce) {
  auto ledger = OpenLedger(path_);
  ASSERT_NE(ledger, nullptr);
  {
    auto result = ledger->BeginIssue();
    ASSERT_TRUE(result.ok());
    std::unique_ptr<IssueSession> session = std::move(result).value();
    ASSERT_TRUE(session->Record("MOVED-1", "m", "", kT1, "-").ok());
    ASSERT_TRUE(session->Commit().ok());
  }
  {
    auto result = ledger->BeginIssue();
    ASSERT_TRUE(result.ok());
    std::unique_ptr<IssueSession> session = std::move(result).value();
    ASSERT_TRUE(session->Record("MOVED-2", "m", "", kT1, "-").ok());
    std::unique_ptr<IssueSession> moved = std::move(session);
  }
  EXPECT_EQ(AllCodes(*ledger), std::set<std::string>{"MOVED-1"});
}

// A child records codes and dies before committing: a crashed run leaves the ledger unchanged.
TEST_P(LedgerBackendTest, ChildDyingBeforeCommitLeavesLedgerUnchanged) {
  // A first committed batch, then a second that is never committed.
  auto child = [this](bool sigkill, int pipe_fd) {
    auto ledger = Ledger::Open(path_);
    if (!ledger.ok()) return 10;
    {
      auto session = (*ledger)->BeginIssue();
      if (!session.ok()) return 11;
      for (int i = 0; i < 1000; ++i) {
        if (!(*session)->Record(NumberedCode("FIRST-", i), "first", "", kT1, "1.csv").ok()) return 12;
      }
      if (!(*session)->Commit().ok()) return 13;
    }
    auto session = (*ledger)->BeginIssue();
    if (!session.ok()) return 14;
    std::vector<std::string> lost;
    for (int i = 0; i < 50000; ++i) lost.push_back(NumberedCode("LOST-", i));
    std::vector<std::string_view> views(lost.begin(), lost.end());
    if (!(*session)->RecordMany(views, "lost", "", kT2, "2.csv").ok()) return 15;
    auto own = (*ledger)->Find("lost-049999");  // the session's own codes: written, not only buffered
    if (!own.ok() || !own->has_value()) return 17;
    if (!sigkill) _exit(0);  // no destructors, no rollback: as if the process crashed
    char ready = 'r';
    if (write(pipe_fd, &ready, 1) != 1) return 16;
    while (true) pause();
  };

  for (bool sigkill : {false, true}) {
    SCOPED_TRACE(sigkill ? "SIGKILL" : "_exit");
    path_ = NewLedgerName();
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    Child kid([&] { return child(sigkill, fds[1]); });
    close(fds[1]);
    if (sigkill) {
      char ready = 0;
      ASSERT_EQ(read(fds[0], &ready, 1), 1);
      kid.Kill();
      EXPECT_EQ(kid.Wait(), 128 + SIGKILL);
    } else {
      EXPECT_EQ(kid.Wait(), 0);
    }
    close(fds[0]);

    auto ledger = OpenLedger(path_);
    ASSERT_NE(ledger, nullptr);
    auto codes = AllCodes(*ledger);
    EXPECT_EQ(codes.size(), 1000u);
    EXPECT_EQ(codes.count("FIRST-000999"), 1u);
    auto found = ledger->Find("LOST-000000");
    ASSERT_TRUE(found.ok());
    EXPECT_FALSE(found->has_value());
    auto session = ledger->BeginIssue();  // the dead run's lock is gone
    ASSERT_TRUE(session.ok()) << session.status().message();
  }
}

// Killed between the commit and MarkDelivered (where generate renames its output): the codes
// stay reserved, are never issued again, and are counted as undelivered.
TEST_P(LedgerBackendTest, ChildKilledAfterCommitLeavesCodesReserved) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  Child kid([&] {
    auto ledger = Ledger::Open(path_);
    if (!ledger.ok()) return 10;
    auto session = (*ledger)->BeginIssue();
    if (!session.ok()) return 11;
    for (int i = 0; i < 100; ++i)
      if (!(*session)->Record(NumberedCode("RSV-", i), "reserved", "", kT1, "r.csv").ok()) return 12;
    if (!(*session)->RecordRange({"reserved", "k1", 0, 7, kT1, "r.csv"}).ok()) return 13;
    if (!(*session)->Commit().ok()) return 14;
    char ready = 'r';
    if (write(fds[1], &ready, 1) != 1) return 15;
    while (true) pause();
  });
  close(fds[1]);
  char ready = 0;
  ASSERT_EQ(read(fds[0], &ready, 1), 1);
  close(fds[0]);
  kid.Kill();
  EXPECT_EQ(kid.Wait(), 128 + SIGKILL);

  auto ledger = OpenLedger(path_);
  ASSERT_NE(ledger, nullptr);
  auto stats = ledger->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status().message();
  EXPECT_EQ(*stats, (std::vector<CampaignStats>{{"reserved", 107, 7, 107, kT1, kT1}}));
  auto session = ledger->BeginIssue();
  ASSERT_TRUE(session.ok()) << session.status().message();
  EXPECT_EQ((*session)->Record("rsv-000042", "again", "", kT2, "x.csv").code(), Status::Code::kInvalid);
  EXPECT_EQ((*session)->RecordRange({"reserved", "k1", 6, 1, kT2, "x.csv"}).code(), Status::Code::kInvalid);
}

TEST_P(LedgerBackendTest, CommittedChildIsVisibleToParent) {
  Child kid([this] {
    auto ledger = Ledger::Open(path_);
    if (!ledger.ok()) return 10;
    auto session = (*ledger)->BeginIssue();
    if (!session.ok()) return 11;
    for (int i = 0; i < 5000; ++i) {
      if (!(*session)->Record(NumberedCode("KID-", i), "kid", "rule", kT1, "kid.csv").ok()) return 12;
    }
    if (!(*session)->Commit().ok()) return 13;
    _exit(0);  // durable at Commit: nothing left to do at exit
  });
  ASSERT_EQ(kid.Wait(), 0);
  auto ledger = OpenLedger(path_);
  ASSERT_NE(ledger, nullptr);
  auto codes = AllCodes(*ledger);
  EXPECT_EQ(codes.size(), 5000u);
  EXPECT_EQ(*codes.begin(), "KID-000000");
  EXPECT_EQ(*codes.rbegin(), "KID-004999");
}

// Simulates `generate`: lock, load every issued code, draw new ones not among them, record, commit.
int RunGenerator(const std::string& path, const std::string& campaign, uint64_t seed, int go_fd,
                 const std::string& out_path) {
  char go = 0;
  if (read(go_fd, &go, 1) != 1) return 20;
  auto ledger = Ledger::Open(path);
  if (!ledger.ok()) return 21;
  auto session = (*ledger)->BeginIssue();
  if (!session.ok()) return 22;
  std::unordered_set<std::string> taken;
  Status st = (*ledger)->ForEachCode([&taken](std::string_view code) {
    taken.insert(ToUpperAscii(code));
    return Status::Ok();
  });
  if (!st.ok()) return 23;
  // 20 letters in both cases, 5 characters: 3.2M codes ignoring case, so two independent draws of
  // 20,000 would share about 125 codes. Only the lock keeps them apart.
  static const std::string kAlphabet = "ABCDEFGHJKMNPQRSTUVWabcdefghjkmnpqrstuvw";
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<size_t> pick(0, kAlphabet.size() - 1);
  std::vector<std::string> mine;
  while (mine.size() < 20000) {
    std::string code(5, ' ');
    for (char& c : code) c = kAlphabet[pick(rng)];
    if (taken.insert(ToUpperAscii(code)).second) mine.push_back(code);
  }
  for (size_t i = 0; i < mine.size(); i += 4096) {  // in batches, as generate records them
    std::vector<std::string_view> batch(mine.begin() + i, mine.begin() + std::min(mine.size(), i + 4096));
    if (!(*session)->RecordMany(batch, campaign, "rule", kT1, out_path).ok()) return 24;
  }
  if (!(*session)->Commit().ok()) return 25;
  std::ofstream out(out_path);
  for (const std::string& code : mine) out << code << '\n';
  return out.good() ? 0 : 26;
}

TEST_P(LedgerBackendTest, TwoGeneratorsNeverIssueTheSameCode) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const std::string out_a = dir_ + "/a.txt", out_b = dir_ + "/b.txt";
  // Both start from a missing ledger: creating it races too.
  Child a([&] { return RunGenerator(path_, "a", 1, fds[0], out_a); });
  Child b([&] { return RunGenerator(path_, "b", 2, fds[0], out_b); });
  close(fds[0]);
  ASSERT_EQ(write(fds[1], "gg", 2), 2);  // start both at once
  close(fds[1]);
  ASSERT_EQ(a.Wait(), 0);
  ASSERT_EQ(b.Wait(), 0);

  auto read_codes = [](const std::string& path) {
    std::set<std::string> codes;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) codes.insert(ToUpperAscii(line));
    return codes;
  };
  std::set<std::string> codes_a = read_codes(out_a), codes_b = read_codes(out_b);
  EXPECT_EQ(codes_a.size(), 20000u);
  EXPECT_EQ(codes_b.size(), 20000u);
  std::set<std::string> both;
  for (const auto& c : codes_a) {
    if (codes_b.count(c)) both.insert(c);
  }
  EXPECT_TRUE(both.empty()) << both.size() << " codes issued twice";

  auto ledger = OpenLedger(path_);
  ASSERT_NE(ledger, nullptr);
  std::set<std::string> in_ledger;
  for (const auto& c : AllCodes(*ledger)) in_ledger.insert(ToUpperAscii(c));
  EXPECT_EQ(in_ledger.size(), 40000u);
  std::set<std::string> issued = codes_a;
  issued.insert(codes_b.begin(), codes_b.end());
  EXPECT_EQ(in_ledger, issued);
  auto stats = ledger->Stats();
  ASSERT_TRUE(stats.ok());
  ASSERT_EQ(stats->size(), 2u);
  EXPECT_EQ((*stats)[0].count, 20000u);
  EXPECT_EQ((*stats)[1].count, 20000u);
}

TEST_P(LedgerBackendTest, SecondRunTimesOutOrWaitsForTheFirst) {
  int ready[2], proceed[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(proceed), 0);
  Child kid([&] {
    auto ledger = Ledger::Open(path_);
    if (!ledger.ok()) return 10;
    auto session = (*ledger)->BeginIssue();
    if (!session.ok()) return 11;
    if (!(*session)->Record("FIRST-RUN", "first", "", kT1, "first.csv").ok()) return 12;
    char c = 'r';
    if (write(ready[1], &c, 1) != 1) return 13;
    if (read(proceed[0], &c, 1) != 1) return 14;
    usleep(200 * 1000);  // the parent is waiting in BeginIssue by now
    return (*session)->Commit().ok() ? 0 : 15;
  });
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);

  LedgerOptions impatient;
  impatient.busy_timeout_ms = 100;
  auto ledger = OpenLedger(path_, impatient);  // opening and reading do not wait for a session
  ASSERT_NE(ledger, nullptr);
  auto found = ledger->Find("FIRST-RUN");
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_FALSE(found->has_value());  // not committed yet
  auto session = ledger->BeginIssue();
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.status().code(), Status::Code::kIoError);
  EXPECT_EQ(session.status().exit_code(), kExitFailure);
  EXPECT_EQ(session.status().message(), name_ + " is locked by another run");

  ledger = OpenLedger(path_);  // the default: wait up to 30 s
  ASSERT_NE(ledger, nullptr);
  ASSERT_EQ(write(proceed[1], "p", 1), 1);
  session = ledger->BeginIssue();
  ASSERT_TRUE(session.ok()) << session.status().message();
  EXPECT_EQ(AllCodes(*ledger), std::set<std::string>{"FIRST-RUN"});
  EXPECT_EQ(kid.Wait(), 0);
  for (int fd : {ready[0], ready[1], proceed[0], proceed[1]}) close(fd);
}

TEST_F(LedgerTest, RefusesFilesThatAreNotLedgers) {
  std::mt19937 rng(7);
  std::string noise(16384, '\0');
  for (char& ch : noise) ch = static_cast<char>(rng());
  struct Case {
    const char* name;
    std::string bytes;
    const char* error;
  } cases[] = {
      {"random bytes", noise, "file is not a database"},
      {"text file", "code\nSPRING-AB12\nSPRING-CD34\n", "file is not a database"},
      {"sqlite header only", std::string("SQLite format 3\0", 16), "file is not a database"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    WriteFile(path_, c.bytes);
    auto ledger = Ledger::Open(path_);
    ASSERT_FALSE(ledger.ok());
    EXPECT_EQ(ledger.status().code(), Status::Code::kIoError);
    EXPECT_EQ(ledger.status().message(), path_ + ": " + c.error);
    EXPECT_EQ(ReadFile(path_), c.bytes);  // left untouched
  }
}

TEST_F(LedgerTest, RefusesTruncatedLedger) {
  {
    auto ledger = OpenLedger(path_);
    ASSERT_NE(ledger, nullptr);
    auto session = ledger->BeginIssue();
    ASSERT_TRUE(session.ok());
    for (int i = 0; i < 20000; ++i) ASSERT_TRUE((*session)->Record(NumberedCode("T-", i), "t", "", kT1, "t.csv").ok());
    ASSERT_TRUE((*session)->Commit().ok());
  }
  const std::string whole = ReadFile(path_);
  const size_t size = whole.size();
  for (size_t cut : {size / 2, size - 100, size - 4096, size_t{1000}}) {
    SCOPED_TRACE(cut);
    WriteFile(path_, whole.substr(0, cut));
    auto ledger = Ledger::Open(path_);
    ASSERT_FALSE(ledger.ok());
    EXPECT_EQ(ledger.status().code(), Status::Code::kIoError);
    EXPECT_EQ(ledger.status().message().rfind(path_ + ": database disk image is malformed", 0), 0u)
        << ledger.status().message();
  }
}

TEST_F(LedgerTest, RefusesForeignAndNewerDatabases) {
  auto run_sql = [this](const char* sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
  };
  run_sql("CREATE TABLE orders(id INTEGER PRIMARY KEY, total REAL)");
  auto ledger = Ledger::Open(path_);
  ASSERT_FALSE(ledger.ok());
  EXPECT_EQ(ledger.status().message(), path_ + ": not a coupongen ledger");

  std::filesystem::remove(path_);
  ASSERT_NE(OpenLedger(path_), nullptr);
  run_sql("PRAGMA user_version = 3");
  ledger = Ledger::Open(path_);
  ASSERT_FALSE(ledger.ok());
  EXPECT_EQ(ledger.status().message(),
            path_ + ": ledger schema version 3 is newer than this coupongen supports (2); upgrade coupongen");
}

TEST_F(LedgerTest, MissingLedgerWithoutCreate) {
  LedgerOptions query;
  query.create_if_missing = false;
  auto ledger = Ledger::Open(path_, query);
  ASSERT_FALSE(ledger.ok());
  EXPECT_EQ(ledger.status().message(), path_ + ": no such ledger");
  EXPECT_FALSE(std::filesystem::exists(path_));

  WriteFile(path_, "");  // an empty file is not a ledger, to query or to issue through
  for (const LedgerOptions& options : {query, LedgerOptions{}}) {
    ledger = Ledger::Open(path_, options);
    ASSERT_FALSE(ledger.ok());
    EXPECT_EQ(ledger.status().message(),
              path_ + ": the file is empty, not a coupongen ledger (damaged? restore it from a backup)");
  }
  EXPECT_EQ(ReadFile(path_), "");

  ledger = Ledger::Open(dir_ + "/no/such/dir/ledger.db");
  ASSERT_FALSE(ledger.ok());
  EXPECT_EQ(ledger.status().message(), dir_ + "/no/such/dir/ledger.db: cannot create ledger: No such file or directory");
}

TEST_F(LedgerTest, CreatedWithMode0600) {
  mode_t old_umask = umask(0);  // the mode must not depend on the umask
  auto ledger = OpenLedger(path_);
  umask(old_umask);
  ASSERT_NE(ledger, nullptr);
  struct stat st;
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);

  auto session = ledger->BeginIssue();  // the journal holds codes too
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE((*session)->Record("SECRET-1", "s", "", kT1, "-").ok());
  ASSERT_EQ(stat((path_ + "-journal").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_P(LedgerBackendTest, Ranges) {
  auto ledger = OpenLedger(path_);
  ASSERT_NE(ledger, nullptr);
  auto session = ledger->BeginIssue();
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE((*session)->RecordRange({"c", "k1", 100, 100, kT1, "a.csv"}).ok());  // 100..199
  EXPECT_TRUE((*session)->RecordRange({"c", "k1", 200, 50, kT1, "b.csv"}).ok());   // adjacent after
  EXPECT_TRUE((*session)->RecordRange({"c", "k1", 0, 100, kT1, "c.csv"}).ok());    // adjacent before
  EXPECT_TRUE((*session)->RecordRange({"c", "k2", 150, 10, kT1, "d.csv"}).ok());   // other key
  EXPECT_TRUE((*session)->RecordRange({"d", "k1", 150, 10, kT1, "e.csv"}).ok());   // other campaign

  struct Case {
    uint64_t start, count;
  } overlapping[] = {{150, 10}, {199, 1}, {249, 5}, {90, 20}, {0, 1}, {0, 1000}, {120, 100}};
  for (const Case& c : overlapping) {
    SCOPED_TRACE(std::to_string(c.start) + "+" + std::to_string(c.count));
    Status st = (*session)->RecordRange({"c", "k1", c.start, c.count, kT2, "x.csv"});
    EXPECT_EQ(st.code(), Status::Code::kInvalid) << st.message();
  }
  Status st = (*session)->RecordRange({"c", "k1", 150, 10, kT2, "x.csv"});
  EXPECT_EQ(st.message(), name_ + ": range 150..159 of campaign c key k1 overlaps range 100..199, already issued");
  EXPECT_EQ((*session)->RecordRange({"c", "k1", 500, 0, kT2, "x.csv"}).code(), Status::Code::kInvalid);
  EXPECT_EQ((*session)->RecordRange({"c", "k1", UINT64_MAX - 5, 3, kT2, "x.csv"}).code(), Status::Code::kInvalid);
  ASSERT_TRUE((*session)->Commit().ok());

  session = ledger->BeginIssue();
  ASSERT_TRUE(session.ok());
  EXPECT_EQ((*session)->RecordRange({"c", "k1", 240, 20, kT3, "y.csv"}).code(), Status::Code::kInvalid);  // committed
  EXPECT_TRUE((*session)->RecordRange({"c", "k1", 250, 20, kT3, "y.csv", "alphabet=AB\n"}).ok());
  ASSERT_TRUE((*session)->Commit().ok());
  EXPECT_EQ((*session)->recorded(), 20u);

  // The first session's ranges were never marked delivered; the second's are.
  ASSERT_TRUE((*session)->MarkDelivered().ok());
  const std::vector<LedgerRange> expected = {
      {"c", "k1", 0, 100, kT1, "c.csv", "", false},   {"c", "k1", 100, 100, kT1, "a.csv", "", false},
      {"c", "k1", 200, 50, kT1, "b.csv", "", false},  {"c", "k1", 250, 20, kT3, "y.csv", "alphabet=AB\n", true},
      {"c", "k2", 150, 10, kT1, "d.csv", "", false},  {"d", "k1", 150, 10, kT1, "e.csv", "", false},
  };
  EXPECT_EQ(AllRanges(*ledger), expected);
  auto stats = ledger->Stats();
  ASSERT_TRUE(stats.ok());
  const std::vector<CampaignStats> expected_stats = {{"c", 280, 280, 260, kT1, kT3}, {"d", 10, 10, 10, kT1, kT1}};
  EXPECT_EQ(*stats, expected_stats);
}

// Not a test: timings for the report. Run with
//   coupongen_tests --gtest_also_run_disabled_tests --gtest_filter='*DISABLED_MillionCodes*'
TEST_P(LedgerBackendTest, DISABLED_MillionCodes) {
  using Clock = std::chrono::steady_clock;
  auto seconds = [](Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); };
  auto cpu_seconds = [] { return double(std::clock()) / CLOCKS_PER_SEC; };  // wall time lies on a busy machine
  constexpr int kCodes = 1000000;
  static const std::string kAlphabet = "2345679ACDEFGHJKLMNPQRSTUVWXYZ";
  std::mt19937_64 rng(42);
  std::vector<std::string> codes;
  std::unordered_set<std::string> seen;
  while (codes.size() < kCodes) {
    std::string code = "SPRING-";
    for (int i = 0; i < 12; ++i) code += kAlphabet[rng() % kAlphabet.size()];
    if (seen.insert(code).second) codes.push_back(code);
  }
  auto ledger = OpenLedger(path_);
  ASSERT_NE(ledger, nullptr);
  auto t0 = Clock::now();
  double c0 = cpu_seconds();
  auto session = ledger->BeginIssue();
  ASSERT_TRUE(session.ok());
  for (size_t i = 0; i < codes.size(); i += 4096) {  // as generate records them
    std::vector<std::string_view> batch(codes.begin() + i, codes.begin() + std::min(codes.size(), i + 4096));
    ASSERT_TRUE((*session)->RecordMany(batch, "spring-sale-2027", "ABCRtyUpBa", kT1, "out/spring-sale-2027.csv").ok());
  }
  double record = seconds(t0), record_cpu = cpu_seconds() - c0;
  auto t1 = Clock::now();
  double c1 = cpu_seconds();
  ASSERT_TRUE((*session)->Commit().ok());
  double commit = seconds(t1), commit_cpu = cpu_seconds() - c1;
  ledger.reset();

  ledger = OpenLedger(path_);
  auto t2 = Clock::now();
  double c2 = cpu_seconds();
  size_t n = 0;
  ASSERT_TRUE(ledger->ForEachCode([&n](std::string_view) { ++n; return Status::Ok(); }).ok());
  double scan = seconds(t2), scan_cpu = cpu_seconds() - c2;
  auto t3 = Clock::now();
  auto found = ledger->Find(ToLowerAscii(codes[kCodes / 2]));
  double find = seconds(t3);
  ASSERT_TRUE(found.ok() && found->has_value());
  auto t4 = Clock::now();
  ASSERT_TRUE(ledger->Stats().ok());
  double stats = seconds(t4);
  auto t5 = Clock::now();
  ASSERT_TRUE(ledger->ForEachEntry([](const LedgerEntry&) { return Status::Ok(); }).ok());
  double entries = seconds(t5);
  auto size = postgres() ? 0 : std::filesystem::file_size(path_);
  std::cout << "1M Record: " << record << " s (cpu " << record_cpu << " s), Commit: " << commit << " s (cpu "
            << commit_cpu << " s)\n"
            << "ForEachCode (" << n << "): " << scan << " s (cpu " << scan_cpu << " s)\n"
            << "Find: " << find * 1000 << " ms, Stats: " << stats << " s, ForEachEntry: " << entries << " s\n"
            << "file: " << size << " bytes, " << double(size) / kCodes << " bytes/code\n";
}

}  // namespace
}  // namespace coupongen

namespace coupongen {
namespace {

// Packed codes (PackShape): stored as keys of their shape, found ignoring case, written back out
// as issued, counted, and read back as keys; codes of another shape stay text rows.
TEST_P(LedgerBackendTest, PackedCodes) {
  std::string error;
  auto alphabet = Alphabet::Parse("unambiguous", &error);
  ASSERT_TRUE(alphabet);
  const CodeShape shape = CodeShape::FromParts("SPR-", 8, 4, "-", "");
  auto ledger = OpenLedger(path_);
  ASSERT_NE(ledger, nullptr);
  std::vector<std::string> codes;
  for (int i = 0; i < 3000; ++i) {  // more than one bucket
    std::string code = "SPR-";
    unsigned v = static_cast<unsigned>(i) * 2654435761u;
    for (int j = 0; j < 8; ++j) {
      if (j == 4) code += '-';
      code += alphabet->symbol(v % alphabet->size());
      v /= static_cast<unsigned>(alphabet->size());
      v += static_cast<unsigned>(i * 7 + j);
    }
    codes.push_back(code);
  }
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  {
    auto session = ledger->BeginIssue();
    ASSERT_TRUE(session.ok());
    EXPECT_EQ((*session)->PackShape(shape, *alphabet), !postgres());  // PostgreSQL keeps text rows
    for (const auto& c : codes) ASSERT_TRUE((*session)->Record(c, "spring", "rule", kT1, "s.csv").ok());
    ASSERT_TRUE((*session)->Record("OTHER-1", "spring", "rule", kT1, "s.csv").ok());  // not the shape: a text row
    ASSERT_TRUE((*session)->Commit().ok());
    ASSERT_TRUE((*session)->MarkDelivered().ok());
  }
  auto found = ledger->Find(ToLowerAscii(codes[17]));
  ASSERT_TRUE(found.ok()) << found.status().message();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, (LedgerEntry{codes[17], "spring", "rule", kT1, "s.csv", true}));
  found = ledger->Find("SPR-2222-2222");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->has_value(), std::binary_search(codes.begin(), codes.end(), "SPR-2222-2222"));

  std::set<std::string> all = AllCodes(*ledger);
  std::set<std::string> expected(codes.begin(), codes.end());
  expected.insert("OTHER-1");
  EXPECT_EQ(all, expected);
  EXPECT_EQ(AllEntries(*ledger).size(), codes.size() + 1);
  auto stats = ledger->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(*stats, (std::vector<CampaignStats>{{"spring", codes.size() + 1, 0, 0, kT1, kT1}}));
  auto counts = ledger->CountForShape(shape, *alphabet);
  ASSERT_TRUE(counts.ok());
  const uint64_t packed = postgres() ? 0 : codes.size();
  EXPECT_EQ(counts->same, packed);
  EXPECT_EQ(counts->other, codes.size() - packed);  // OTHER-1 is shorter
  uint64_t keys = 0;
  ASSERT_TRUE(ledger->ForEachPackedKey(shape, *alphabet, [&](uint64_t) { ++keys; }).ok());
  EXPECT_EQ(keys, packed);
  uint64_t except = 0;
  ASSERT_TRUE(ledger->ForEachCodeExcept(shape, *alphabet, [&](std::string_view) {
    ++except;
    return Status::Ok();
  }).ok());
  EXPECT_EQ(except, codes.size() + 1 - packed);

  // A second run: a duplicate within it fails the commit, which rolls back.
  {
    auto session = ledger->BeginIssue();
    ASSERT_TRUE(session.ok());
    (*session)->PackShape(shape, *alphabet);
    ASSERT_TRUE((*session)->Record("SPR-ZZZZ-ZZZZ", "summer", "", kT2, "t.csv").ok());
    // Packed: found at the commit; a text row: at once.
    Status st = (*session)->Record("spr-zzzz-zzzz", "summer", "", kT2, "t.csv");
    if (st.ok()) st = (*session)->Commit();
    EXPECT_EQ(st.code(), Status::Code::kInvalid);
  }
  EXPECT_EQ(AllCodes(*ledger).size(), codes.size() + 1);

  // A mixed-case alphabet keeps codes as text (the key would lose their case).
  auto mixed = Alphabet::Parse("alphanumeric", &error);
  ASSERT_TRUE(mixed);
  auto session = ledger->BeginIssue();
  ASSERT_TRUE(session.ok());
  EXPECT_FALSE((*session)->PackShape(shape, *mixed));
}

}  // namespace
}  // namespace coupongen
