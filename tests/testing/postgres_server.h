// A real PostgreSQL server for tests: initdb into a fresh temporary directory, `pg_ctl start`
// listening only on a Unix socket in that directory (listen_addresses=''), stopped with
// `pg_ctl stop -m immediate` and the directory removed when the object goes.
//
// Run as root, the server runs as an unprivileged user (PostgreSQL refuses root): `nobody`, or
// $COUPONGEN_TEST_PG_USER. The directory is then owned by that user, under $TMPDIR when that user
// can reach it (a clone under `mktemp -d` is 0700), else under /tmp.
//
//   std::string why;
//   auto pg = testing::PostgresServer::Start(&why);
//   if (!pg) {
//     if (testing::PostgresServer::BinariesAbsent()) GTEST_SKIP() << why;
//     FAIL() << why;
//   }
//   PGconn* c = PQconnectdb(pg->uri().c_str());
//
// Every child process has a timeout; a server that does not come up within it is an error.
#pragma once

#include <memory>
#include <string>

namespace coupongen::testing {

class PostgresServer {
 public:
  /// The directory holding initdb, pg_ctl and postgres: $COUPONGEN_TEST_PG_BINDIR, else the newest
  /// /usr/lib/postgresql/*/bin (Debian's postgresql), else the directory of pg_ctl in PATH; "" if none.
  static std::string BinDir();
  static bool BinariesAbsent() { return BinDir().empty(); }

  /// Starts a server with a superuser `postgres` who logs in with a random password (scram-sha-256),
  /// and its database `postgres`. nullptr with *error when the binaries are absent (a message that
  /// says to install Debian's postgresql) or the server cannot start (initdb's or the server's log).
  static std::unique_ptr<PostgresServer> Start(std::string* error);

  ~PostgresServer();  // pg_ctl stop -m immediate (then SIGKILL if it hangs); removes the directory
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  /// libpq connection URI of `database` with user and password:
  /// postgresql://postgres:PASSWORD@/DATABASE?host=%2Ftmp%2F...&port=5432
  std::string uri(const std::string& database = "postgres") const;
  /// The same without the password (for PGPASSFILE/PGPASSWORD tests, and for messages).
  std::string uri_without_password(const std::string& database = "postgres") const;
  const std::string& password() const { return password_; }
  const std::string& user() const { return user_; }
  const std::string& socket_dir() const { return dir_; }  // also the host for libpq
  int port() const { return port_; }

  /// Creates an empty database (createdb). False with *error on failure.
  bool CreateDatabase(const std::string& name, std::string* error) const;

 private:
  PostgresServer() = default;
  std::string bin_dir_, dir_, data_dir_, password_, user_ = "postgres";
  int port_ = 5432;
  bool started_ = false;
  unsigned run_as_uid_ = 0, run_as_gid_ = 0;
  bool drop_privileges_ = false;
};

}  // namespace coupongen::testing
