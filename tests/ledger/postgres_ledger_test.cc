// The PostgreSQL ledger's own promises (the shared ones are in ledger_test.cc, run against both
// backends): passwords never in messages, libpq's environment (PGPASSFILE), a lost connection,
// the schema's version. Against a real server (testing/postgres_server.h).
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "base/exit_codes.h"
#include "ledger/ledger.h"
#include "testing/shared_postgres.h"

namespace coupongen {
namespace {

constexpr TimeMs kT1 = 1803859200000;

TEST(RedactLedgerName, HidesPasswords) {
  EXPECT_EQ(RedactLedgerName("ledger.db"), "ledger.db");
  EXPECT_EQ(RedactLedgerName("/x/user:pw@host/l.db"), "/x/user:pw@host/l.db");  // a path, not a URI
  EXPECT_EQ(RedactLedgerName("postgresql://u:secret@db.example/coupons"), "postgresql://u:****@db.example/coupons");
  EXPECT_EQ(RedactLedgerName("postgres://u@db/c"), "postgres://u@db/c");
  EXPECT_EQ(RedactLedgerName("postgresql://db/c?sslmode=require&password=secret&user=u"),
            "postgresql://db/c?sslmode=require&password=****&user=u");
  EXPECT_EQ(RedactLedgerName("postgresql://u:p@ss@db/c"), "postgresql://u:****@db/c");
  EXPECT_EQ(RedactLedgerName("postgresql://u:secret@/c?host=%2Ftmp%2Fx"), "postgresql://u:****@/c?host=%2Ftmp%2Fx");
  EXPECT_TRUE(IsPostgresLedgerName("postgresql://x"));
  EXPECT_TRUE(IsPostgresLedgerName("postgres://x"));
  EXPECT_FALSE(IsPostgresLedgerName("postgres.db"));
}

class PostgresLedgerTest : public ::testing::Test {
 protected:
  static void TearDownTestSuite() { pg_.Stop(); }
  void SetUp() override {
    if (!pg_.Ready()) return;
    server_ = &pg_.server();
    db_ = pg_.NewDatabase("pgledger");
  }
  // Runs SQL as the superuser on this test's database; the first value of the first row.
  std::string Sql(const std::string& sql) { return pg_.Sql(db_, sql); }

  static testing::SharedPostgres pg_;
  testing::PostgresServer* server_ = nullptr;
  std::string db_;
};
testing::SharedPostgres PostgresLedgerTest::pg_;

// The password (and the parts of it libpq might echo) never appears in an error.
TEST_F(PostgresLedgerTest, PasswordNeverInMessages) {
  const std::string good = server_->uri(db_);
  const std::string secret = "Wr0ngS3cret-Pass";
  std::string wrong = good;
  wrong.replace(wrong.find(server_->password()), server_->password().size(), secret);
  struct Case {
    std::string uri;
    std::string hides;
  } cases[] = {
      {wrong, secret},                                                      // authentication fails
      {"postgresql://postgres:" + secret + "@/" + db_ + "?host=/nonexistent/dir", secret},  // unreachable
      {"postgresql://postgres:Bad%zzS3cret@/" + db_ + "?host=" + server_->socket_dir(), "Bad%zzS3cret"},  // libpq echoes bad tokens
      {"postgresql://postgres@/" + db_ + "?host=" + server_->socket_dir() + "&password=" + secret + "&port=notaport", secret},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(RedactLedgerName(c.uri));
    auto ledger = Ledger::Open(c.uri);
    ASSERT_FALSE(ledger.ok());
    EXPECT_EQ(ledger.status().code(), Status::Code::kIoError);
    EXPECT_EQ(ledger.status().exit_code(), kExitFailure);
    const std::string& m = ledger.status().message();
    EXPECT_EQ(m.find(c.hides), std::string::npos) << m;
    EXPECT_EQ(m.find("S3cret"), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;  // one line
    EXPECT_EQ(m.rfind(RedactLedgerName(c.uri) + ": cannot connect: ", 0), 0u) << m;
  }
  // PGPASSWORD's value, wrong, never shows either.
  setenv("PGPASSWORD", secret.c_str(), 1);
  auto ledger = Ledger::Open(server_->uri_without_password(db_));
  unsetenv("PGPASSWORD");
  ASSERT_FALSE(ledger.ok());
  EXPECT_EQ(ledger.status().message().find(secret), std::string::npos) << ledger.status().message();
  EXPECT_NE(ledger.status().message().find("password authentication failed"), std::string::npos)
      << ledger.status().message();

  ledger = Ledger::Open(good);
  ASSERT_TRUE(ledger.ok()) << ledger.status().message();
  EXPECT_EQ((*ledger)->path().find(server_->password()), std::string::npos);
  EXPECT_NE((*ledger)->path().find("postgres:****@"), std::string::npos) << (*ledger)->path();
}

// libpq's environment applies: the password from PGPASSFILE.
TEST_F(PostgresLedgerTest, PasswordFromPgpassfile) {
  const std::string file = server_->socket_dir() + "/../pgpass-" + db_;
  {
    std::ofstream out(file);
    out << "*:*:*:" << server_->user() << ":" << server_->password() << "\n";
  }
  chmod(file.c_str(), 0600);
  setenv("PGPASSFILE", file.c_str(), 1);
  auto ledger = Ledger::Open(server_->uri_without_password(db_));
  unsetenv("PGPASSFILE");
  std::filesystem::remove(file);
  ASSERT_TRUE(ledger.ok()) << ledger.status().message();
  auto session = (*ledger)->BeginIssue();
  ASSERT_TRUE(session.ok()) << session.status().message();
  ASSERT_TRUE((*session)->Record("PASS-1", "p", "", kT1, "-").ok());
  ASSERT_TRUE((*session)->Commit().ok());
  EXPECT_EQ(Sql("SELECT code FROM coupongen_codes"), "PASS-1");
}

// The connection lost in the middle of a session: the commit fails, nothing is kept, and the
// next run finds the ledger as it was.
TEST_F(PostgresLedgerTest, ConnectionLostMidSessionKeepsNothing) {
  auto ledger = Ledger::Open(server_->uri(db_));
  ASSERT_TRUE(ledger.ok()) << ledger.status().message();
  {
    auto session = (*ledger)->BeginIssue();
    ASSERT_TRUE(session.ok());
    ASSERT_TRUE((*session)->Record("KEPT-1", "k", "", kT1, "k.csv").ok());
    ASSERT_TRUE((*session)->Commit().ok());
  }
  auto session = (*ledger)->BeginIssue();
  ASSERT_TRUE(session.ok());
  std::vector<std::string> codes;
  for (int i = 0; i < 20000; ++i) codes.push_back("LOST-" + std::to_string(i));
  std::vector<std::string_view> views(codes.begin(), codes.end());
  ASSERT_TRUE((*session)->RecordMany(std::span(views).first(10000), "lost", "", kT1, "l.csv").ok());
  ASSERT_TRUE((*ledger)->Find("LOST-1").ok());  // written to the server, not only buffered
  EXPECT_EQ(Sql("SELECT count(pg_terminate_backend(pid)) FROM (SELECT pid FROM pg_stat_activity WHERE "
                "datname = current_database() AND application_name = 'coupongen' OFFSET 0) s"),
            "1");
  Status st = (*session)->RecordMany(std::span(views).subspan(10000), "lost", "", kT1, "l.csv");
  if (st.ok()) st = (*session)->Commit();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), Status::Code::kIoError) << st.message();
  EXPECT_EQ(st.message().find(server_->password()), std::string::npos) << st.message();
  session = Status::IoError("gone");  // the session ends with the lost connection
  ledger = Ledger::Open(server_->uri(db_));
  ASSERT_TRUE(ledger.ok()) << ledger.status().message();
  EXPECT_EQ(Sql("SELECT count(*) FROM coupongen_codes"), "1");
  EXPECT_EQ(Sql("SELECT count(*) FROM coupongen_batches"), "1");
  auto again = (*ledger)->BeginIssue();  // the dead session's lock is gone
  ASSERT_TRUE(again.ok()) << again.status().message();
}

TEST_F(PostgresLedgerTest, RefusesNewerSchema) {
  ASSERT_TRUE(Ledger::Open(server_->uri(db_)).ok());
  Sql("UPDATE coupongen_meta SET value = '2' WHERE key = 'schema_version'");
  auto ledger = Ledger::Open(server_->uri(db_));
  ASSERT_FALSE(ledger.ok());
  EXPECT_EQ(ledger.status().message(), RedactLedgerName(server_->uri(db_)) +
                                           ": ledger schema version 2 is newer than this coupongen supports (1); "
                                           "upgrade coupongen");
}

// The unique index is the guarantee: a code slipped in by a writer that skips the lock fails the
// bulk insert, and nothing of the run is kept.
TEST_F(PostgresLedgerTest, UniqueIndexRefusesACodeAnotherWriterAdded) {
  auto ledger = Ledger::Open(server_->uri(db_));
  ASSERT_TRUE(ledger.ok()) << ledger.status().message();
  auto session = (*ledger)->BeginIssue();
  ASSERT_TRUE(session.ok());
  Sql("INSERT INTO coupongen_codes(code, batch_id) VALUES ('race-0002', 0)");  // no lock taken
  std::vector<std::string_view> codes = {"RACE-0001", "RACE-0002", "RACE-0003"};
  Status st = (*session)->RecordMany(codes, "r", "", kT1, "r.csv");
  if (st.ok()) st = (*session)->Commit();
  EXPECT_EQ(st.code(), Status::Code::kIoError) << st.message();  // exit 1: run it again
  EXPECT_NE(st.message().find("is already in the ledger"), std::string::npos) << st.message();
  EXPECT_EQ(st.message().find("RACE-000"), std::string::npos) << st.message();  // codes are secrets
  EXPECT_EQ(Sql("SELECT count(*) FROM coupongen_codes"), "1");
}

}  // namespace
}  // namespace coupongen
