#include "testing/shared_postgres.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

namespace coupongen::testing {

bool SharedPostgres::Ready() {
  if (!server_ && error_.empty()) {
    server_ = PostgresServer::Start(&error_);
    if (!server_ && error_.empty()) error_ = "the PostgreSQL server did not start";
  }
  if (server_) return true;
  if (PostgresServer::BinariesAbsent()) {
    [this] { GTEST_SKIP() << error_; }();
  } else {
    [this] { FAIL() << error_; }();
  }
  return false;
}

std::string SharedPostgres::NewDatabase(const std::string& prefix) {
  const std::string db = prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(++databases_);
  std::string error;
  if (!server_->CreateDatabase(db, &error)) [&] { FAIL() << error; }();
  return db;
}

std::string SharedPostgres::Sql(const std::string& database, const std::string& sql) const {
  PGconn* c = PQconnectdb(server_->uri(database).c_str());
  std::string value;
  EXPECT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
  PGresult* r = PQexec(c, sql.c_str());
  EXPECT_TRUE(PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK) << PQerrorMessage(c);
  if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0) value = PQgetvalue(r, 0, 0);
  PQclear(r);
  PQfinish(c);
  return value;
}

void SharedPostgres::Stop() {
  server_.reset();
  error_.clear();
}

}  // namespace coupongen::testing
