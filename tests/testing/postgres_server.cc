#include "testing/postgres_server.h"

#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/rand.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "base/strings.h"

namespace coupongen::testing {
namespace {

namespace fs = std::filesystem;

constexpr int kTimeoutSeconds = 120;  // any one initdb, pg_ctl or createdb

bool IsExecutable(const std::string& path) { return access(path.c_str(), X_OK) == 0; }

bool HasServerBinaries(const std::string& dir) {
  return IsExecutable(dir + "/initdb") && IsExecutable(dir + "/pg_ctl") && IsExecutable(dir + "/postgres");
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct RunAs {
  bool drop = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

// Runs argv (a path) with `env` added, as `as`, output to `log` (appended); kills it after
// kTimeoutSeconds. The exit status, 128 + signal when killed, -1 when it could not start.
int RunLogged(const std::vector<std::string>& argv, const std::vector<std::string>& env, const RunAs& as,
              const std::string& log, std::string* timed_out) {
  int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  pid_t pid = fork();
  if (pid < 0) {
    close(fd);
    return -1;
  }
  if (pid == 0) {
    setpgid(0, 0);  // its own group: the timeout kills what it started too
    int null = open("/dev/null", O_RDONLY);
    if (null < 0 || dup2(null, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0) _exit(127);
    if (as.drop && (setgroups(0, nullptr) != 0 || setgid(as.gid) != 0 || setuid(as.uid) != 0)) _exit(126);
    for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(fd);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kTimeoutSeconds);
  int status = 0;
  for (;;) {
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) return -1;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      if (timed_out) *timed_out = argv[0] + " did not finish within " + std::to_string(kTimeoutSeconds) + " s";
      return 128 + SIGKILL;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Whether `as` can create files in `dir` (every parent searchable, the directory writable): tried
// in a child that has become that user.
bool UsableBy(const std::string& dir, const RunAs& as) {
  if (!as.drop) return access(dir.c_str(), R_OK | W_OK | X_OK) == 0;
  pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    if (setgroups(0, nullptr) != 0 || setgid(as.gid) != 0 || setuid(as.uid) != 0) _exit(1);
    _exit(access(dir.c_str(), R_OK | W_OK | X_OK) == 0 ? 0 : 1);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::string RandomHex(size_t bytes) {
  std::vector<unsigned char> b(bytes);
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) return "";
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : b) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

}  // namespace

std::string PostgresServer::BinDir() {
  if (const char* env = std::getenv("COUPONGEN_TEST_PG_BINDIR"); env && *env)
    return HasServerBinaries(env) ? std::string(env) : "";
  glob_t g{};
  std::vector<std::pair<int, std::string>> found;
  if (glob("/usr/lib/postgresql/*/bin", 0, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) {
      std::string dir = g.gl_pathv[i];
      std::string version = fs::path(dir).parent_path().filename().string();
      if (HasServerBinaries(dir)) found.emplace_back(std::atoi(version.c_str()), dir);
    }
  }
  globfree(&g);
  if (!found.empty()) return std::max_element(found.begin(), found.end())->second;
  if (const char* path = std::getenv("PATH")) {
    std::istringstream dirs(path);
    for (std::string dir; std::getline(dirs, dir, ':');)
      if (!dir.empty() && HasServerBinaries(dir)) return dir;
  }
  return "";
}

std::unique_ptr<PostgresServer> PostgresServer::Start(std::string* error) {
  std::unique_ptr<PostgresServer> s(new PostgresServer());
  s->bin_dir_ = BinDir();
  if (s->bin_dir_.empty()) {
    *error = "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in /usr/lib/postgresql/*/bin or PATH: "
             "install Debian's postgresql (scripts/bootstrap.sh does), or set COUPONGEN_TEST_PG_BINDIR";
    return nullptr;
  }
  RunAs as;
  if (geteuid() == 0) {
    // PostgreSQL refuses to run as root: run it as an unprivileged user.
    const char* name = std::getenv("COUPONGEN_TEST_PG_USER");
    if (!name || !*name) name = "nobody";
    struct passwd* pw = getpwnam(name);
    if (!pw) {
      *error = std::string("running as root, and there is no user '") + name + "' to run PostgreSQL as";
      return nullptr;
    }
    as = RunAs{true, pw->pw_uid, pw->pw_gid};
  }
  s->drop_privileges_ = as.drop;
  s->run_as_uid_ = as.uid;
  s->run_as_gid_ = as.gid;

  // A fresh directory the server's user owns and can reach. The socket path must fit sun_path
  // (107 bytes): "DIR/.s.PGSQL.5432".
  std::vector<std::string> bases;
  if (const char* t = std::getenv("TMPDIR"); t && *t) bases.push_back(t);
  bases.push_back("/tmp");
  for (const auto& base : bases) {
    std::string tmpl = base + "/coupongen-pg-XXXXXX";
    if (tmpl.size() + 20 > 100 || !mkdtemp(tmpl.data())) continue;
    if (as.drop && chown(tmpl.c_str(), as.uid, as.gid) != 0) {
      rmdir(tmpl.c_str());
      continue;
    }
    if (UsableBy(tmpl, as)) {
      s->dir_ = tmpl;
      break;
    }
    rmdir(tmpl.c_str());
  }
  if (s->dir_.empty()) {
    *error = "no temporary directory the PostgreSQL user can use (tried $TMPDIR and /tmp)";
    return nullptr;
  }
  s->data_dir_ = s->dir_ + "/data";
  s->password_ = RandomHex(16);
  const std::string pwfile = s->dir_ + "/pwfile", log = s->dir_ + "/setup.log";
  {
    std::ofstream pw(pwfile);
    pw << s->password_ << "\n";
  }
  chmod(pwfile.c_str(), 0600);
  if (as.drop && chown(pwfile.c_str(), as.uid, as.gid) != 0) {
    *error = "cannot hand " + pwfile + " to the PostgreSQL user: " + std::strerror(errno);
    return nullptr;  // the destructor removes the directory
  }
  const std::vector<std::string> env = {"LC_ALL=C", "TZ=UTC", "PGTZ=UTC"};
  std::string why;
  int rc = RunLogged({s->bin_dir_ + "/initdb", "-D", s->data_dir_, "-U", s->user_, "--pwfile=" + pwfile,
                      "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"},
                     env, as, log, &why);
  unlink(pwfile.c_str());
  if (rc != 0) {
    *error = "initdb failed (" + std::to_string(rc) + ") " + why + ":\n" + ReadAll(log);
    return nullptr;
  }
  // Only a Unix socket, in our directory; no durability (a test server), few resources.
  const std::string options = "-c listen_addresses='' -c unix_socket_directories='" + s->dir_ +
                              "' -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                              "-c max_connections=40 -c shared_buffers=16MB";
  rc = RunLogged({s->bin_dir_ + "/pg_ctl", "-D", s->data_dir_, "-l", s->dir_ + "/server.log", "-w", "-t",
                  std::to_string(kTimeoutSeconds - 10), "-o", options, "start"},
                 env, as, log, &why);
  s->started_ = true;  // stop it whatever happened: pg_ctl may have started it before failing
  if (rc != 0) {
    *error = "pg_ctl start failed (" + std::to_string(rc) + ") " + why + ":\n" + ReadAll(log) + ReadAll(s->dir_ + "/server.log");
    return nullptr;
  }
  return s;
}

PostgresServer::~PostgresServer() {
  if (started_) {
    RunAs as{drop_privileges_, run_as_uid_, run_as_gid_};
    std::string why;
    int rc = RunLogged({bin_dir_ + "/pg_ctl", "-D", data_dir_, "-m", "immediate", "-w", "-t", "30", "stop"}, {}, as,
                       dir_ + "/setup.log", &why);
    if (rc != 0) {
      // The postmaster's pid is the first line of postmaster.pid: make sure nothing outlives us.
      std::ifstream pidfile(data_dir_ + "/postmaster.pid");
      long pid = 0;
      if (pidfile >> pid && pid > 1) kill(static_cast<pid_t>(pid), SIGKILL);
    }
  }
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

std::string PostgresServer::uri_without_password(const std::string& database) const {
  return "postgresql://" + user_ + "@/" + UrlEncode(database) + "?host=" + UrlEncode(dir_) +
         "&port=" + std::to_string(port_);
}

std::string PostgresServer::uri(const std::string& database) const {
  return "postgresql://" + user_ + ":" + UrlEncode(password_) + "@/" + UrlEncode(database) +
         "?host=" + UrlEncode(dir_) + "&port=" + std::to_string(port_);
}

bool PostgresServer::CreateDatabase(const std::string& name, std::string* error) const {
  const std::string log = dir_ + "/createdb.log";
  unlink(log.c_str());
  std::string why;
  // As the test's own user: it connects over the socket with the password.
  int rc = RunLogged({bin_dir_ + "/createdb", "-h", dir_, "-p", std::to_string(port_), "-U", user_, "-w", "--", name},
                     {"PGPASSWORD=" + password_}, RunAs{}, log, &why);
  if (rc == 0) return true;
  *error = "createdb " + name + " failed (" + std::to_string(rc) + ") " + why + ": " + ReadAll(log);
  return false;
}

}  // namespace coupongen::testing
