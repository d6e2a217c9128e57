// The PostgreSQL test-server fixture (testing/postgres_server.h): a real server starts, a query
// round-trips through libpq, the password is required, a fresh database can be made, and the
// server and its directory are gone afterwards.
#include "testing/postgres_server.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sys/stat.h>

#include <filesystem>
#include <memory>

namespace coupongen {
namespace {

using testing::PostgresServer;

struct ConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using Conn = std::unique_ptr<PGconn, ConnCloser>;

// The one value of `sql`'s one row, or the error.
std::string QueryValue(PGconn* c, const std::string& sql) {
  PGresult* r = PQexec(c, sql.c_str());
  std::string out = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? PQgetvalue(r, 0, 0)
                                                                              : "error: " + std::string(PQerrorMessage(c));
  PQclear(r);
  return out;
}

#define START_POSTGRES_OR_SKIP(var)                                                   \
  std::string why_##var;                                                              \
  auto var = PostgresServer::Start(&why_##var);                                       \
  if (!var) {                                                                         \
    if (PostgresServer::BinariesAbsent()) GTEST_SKIP() << "SKIPPED: " << why_##var; \
    FAIL() << why_##var;                                                              \
  }

TEST(PostgresServerTest, StartsRoundTripsAQueryAndStops) {
  std::string dir, data;
  {
    START_POSTGRES_OR_SKIP(pg);
    dir = pg->socket_dir();
    struct stat st;
    ASSERT_EQ(stat((dir + "/.s.PGSQL.5432").c_str(), &st), 0) << "the Unix socket is in the server's directory";
    EXPECT_TRUE(S_ISSOCK(st.st_mode));

    Conn c(PQconnectdb(pg->uri().c_str()));
    ASSERT_EQ(PQstatus(c.get()), CONNECTION_OK) << PQerrorMessage(c.get());
    EXPECT_EQ(QueryValue(c.get(), "SELECT 6 * 7"), "42");
    EXPECT_EQ(QueryValue(c.get(), "SHOW listen_addresses"), "") << "no TCP listener";
    // A table, a unique index, a round trip of a row.
    PGresult* r = PQexec(c.get(), "CREATE TABLE t (code text PRIMARY KEY); INSERT INTO t VALUES ('ABC-123')");
    EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQerrorMessage(c.get());
    PQclear(r);
    EXPECT_EQ(QueryValue(c.get(), "SELECT code FROM t"), "ABC-123");
    r = PQexec(c.get(), "INSERT INTO t VALUES ('ABC-123')");
    EXPECT_EQ(PQresultStatus(r), PGRES_FATAL_ERROR);
    EXPECT_STREQ(PQresultErrorField(r, PG_DIAG_SQLSTATE), "23505") << "unique_violation";
    PQclear(r);

    // The password is required: without it (and no PGPASSWORD/PGPASSFILE) the login fails.
    Conn anonymous(PQconnectdb((pg->uri_without_password() + "&passfile=/nonexistent").c_str()));
    EXPECT_NE(PQstatus(anonymous.get()), CONNECTION_OK);
    EXPECT_EQ(pg->uri().find(pg->password()) != std::string::npos, true);
    EXPECT_EQ(pg->uri_without_password().find(pg->password()), std::string::npos);

    // A fresh database per test.
    std::string why;
    ASSERT_TRUE(pg->CreateDatabase("ledger_test", &why)) << why;
    Conn fresh(PQconnectdb(pg->uri("ledger_test").c_str()));
    ASSERT_EQ(PQstatus(fresh.get()), CONNECTION_OK) << PQerrorMessage(fresh.get());
    EXPECT_EQ(QueryValue(fresh.get(), "SELECT current_database()"), "ledger_test");
    EXPECT_EQ(QueryValue(fresh.get(), "SELECT count(*) FROM pg_tables WHERE tablename = 't'"), "0");
  }
  EXPECT_FALSE(std::filesystem::exists(dir)) << "the server's directory is removed";
}

// Two servers at once do not meet: each has its own directory and socket.
TEST(PostgresServerTest, TwoServersAreIndependent) {
  START_POSTGRES_OR_SKIP(a);
  START_POSTGRES_OR_SKIP(b);
  EXPECT_NE(a->socket_dir(), b->socket_dir());
  Conn ca(PQconnectdb(a->uri().c_str())), cb(PQconnectdb(b->uri().c_str()));
  ASSERT_EQ(PQstatus(ca.get()), CONNECTION_OK) << PQerrorMessage(ca.get());
  ASSERT_EQ(PQstatus(cb.get()), CONNECTION_OK) << PQerrorMessage(cb.get());
  PQclear(PQexec(ca.get(), "CREATE TABLE only_in_a (x int)"));
  EXPECT_EQ(QueryValue(cb.get(), "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'"), "0");
  EXPECT_EQ(QueryValue(ca.get(), "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'"), "1");
}

}  // namespace
}  // namespace coupongen
