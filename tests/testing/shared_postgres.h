// SharedPostgres: the fixture setup of the PostgreSQL tests in one place. One real server
// (testing/postgres_server.h) for a test suite, started on first use, and a fresh empty database
// for each test (or each ledger a test makes). A fixture keeps one as a static member:
//
//   static testing::SharedPostgres pg_;
//   static void TearDownTestSuite() { pg_.Stop(); }
//   void SetUp() override {
//     if (!pg_.Ready()) return;              // skipped, or failed: the test body does not run
//     db_ = pg_.NewDatabase("pgrun");        // "pgrun_<pid>_<n>"
//   }
#pragma once

#include <memory>
#include <string>

#include "testing/postgres_server.h"

namespace coupongen::testing {

class SharedPostgres {
 public:
  /// Starts the server on the first call (the later calls answer as the first did). False after
  /// skipping the running test (PostgreSQL's binaries are absent) or failing it fatally (the
  /// server did not start), so a SetUp that gets false returns and the test body never runs.
  bool Ready();
  /// Creates a fresh empty database "<prefix>_<pid>_<n>" and returns its name; fails the test
  /// (fatally, so a SetUp's test body does not run) when it cannot.
  std::string NewDatabase(const std::string& prefix);
  /// Runs `sql` as the superuser on `database`; the first value of the first row ("" if none).
  /// A connection or statement that fails fails the test.
  std::string Sql(const std::string& database, const std::string& sql) const;
  /// The server. REQUIRES: Ready().
  PostgresServer& server() const { return *server_; }
  /// Stops the server (TearDownTestSuite); the next Ready() starts another.
  void Stop();

 private:
  std::unique_ptr<PostgresServer> server_;
  std::string error_;
  int databases_ = 0;
};

}  // namespace coupongen::testing
