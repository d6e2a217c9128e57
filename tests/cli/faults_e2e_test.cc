// Faults, end to end through the built binary, each with a ledger and an earlier output file in
// place: a full disk, an output directory that cannot be written, SIGINT and SIGTERM mid-run, the
// ledger locked by another process, a corrupt ledger, an unreadable exclusion file. After each:
// a clear error, the documented exit code, the earlier output intact, no temporary file left, the
// ledger unchanged byte for byte, and a later run that issues no code twice.
//
// The tests run as root in CI, where permission bits stop nothing: an unwritable directory is
// made by dropping to `nobody` for the run, by a read-only bind mount in a private mount
// namespace (unshare -m), or by a path whose parent is a file. A full disk is a small tmpfs in a
// private mount namespace, and a file-size limit. Cases that need privileges the machine does not
// give are skipped, saying why.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <sstream>

#include "cli/fault_cases.h"
#include "testing/subprocess.h"

namespace coupongen {
namespace {

using testing::CsvCodes;
using testing::ErrorLines;
using testing::kPrecious;

using testing::FileExists;
using testing::ListDir;
using testing::MakeTempDir;
using testing::ReadFile;
using testing::RunCoupongen;
using testing::WriteFile;

// A long run to interrupt: 12 random characters, millions of codes.
const char kBigSpec[] =
    "version: 1\n"
    "campaign: faults-big\n"
    "codes:\n"
    "  count: 5000000\n"
    "  length: 12\n";

testing::RunResult Sh(const std::string& script, const std::string& cwd) { return testing::Run({"/bin/sh", "-c", script}, "", cwd); }

// A private mount namespace where mounting works (root with CAP_SYS_ADMIN, unshare present).
bool CanMount() {
  static const bool can = [] {
    std::string dir = MakeTempDir();
    return Sh("unshare -m sh -c 'mount -t tmpfs -o size=64k tmpfs " + dir + "' 2>/dev/null", "").exit_code == 0;
  }();
  return can;
}

// A directory holding the spec, a ledger with 2,000 codes issued through it (first.csv), and an
// earlier output codes.csv that every failed run below is asked to replace (--force).
class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    WriteFile(dir_ + "/s.yaml", testing::kFaultSpec);
    WriteFile(dir_ + "/big.yaml", kBigSpec);
    auto first = Generate({"-o", "first.csv"});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    WriteFile(dir_ + "/codes.csv", kPrecious);
    ledger_ = ReadFile(dir_ + "/l.db");
    issued_ = LedgerCodes();
    ASSERT_EQ(issued_.size(), 2000u);
    files_ = ListDir(dir_);
  }

  // coupongen generate s.yaml --ledger l.db -q ARGS... in the directory.
  testing::RunResult Generate(std::vector<std::string> args, const std::string& spec = "s.yaml") {
    std::vector<std::string> all = {"generate", spec, "--ledger", "l.db", "-q"};
    all.insert(all.end(), args.begin(), args.end());
    return RunCoupongen(all, "", dir_);
  }

  // The same as a shell command line (for ulimit, redirections, unshare).
  std::string GenerateCommand(const std::string& args, const std::string& spec = "s.yaml") {
    return std::string(COUPONGEN_BINARY) + " generate " + spec + " --ledger l.db -q " + args;
  }

  std::set<std::string> LedgerCodes(const std::string& db = "l.db") {
    auto r = RunCoupongen({"ledger", "export", "-f", "csv", "--ledger", db, "-q"}, "", dir_);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return CsvCodes(r.out);
  }

  // The earlier output intact, no temporary file (nor ledger journal) left, the ledger unchanged.
  void ExpectNothingChanged(const std::vector<std::string>& extra_files = {}) {
    EXPECT_EQ(ReadFile(dir_ + "/codes.csv"), kPrecious) << "the earlier output is intact";
    std::vector<std::string> expected = files_;
    expected.insert(expected.end(), extra_files.begin(), extra_files.end());
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(ListDir(dir_), expected) << "no temporary file left";
    EXPECT_TRUE(ReadFile(dir_ + "/l.db") == ledger_) << "the ledger is unchanged";
  }

  // A later run through the same ledger issues 2,000 codes none of which was issued before, and
  // records them.
  void ExpectALaterRunIssuesNoCodeTwice(std::vector<std::string> extra_args = {},
                                        const std::set<std::string>& excluded = {}) {
    std::vector<std::string> args = {"-o", "later.csv"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    auto r = Generate(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto later = CsvCodes(ReadFile(dir_ + "/later.csv"));
    EXPECT_EQ(later.size(), 2000u);
    for (const auto& c : later) {
      EXPECT_EQ(issued_.count(c), 0u) << c << " issued twice";
      EXPECT_EQ(excluded.count(c), 0u) << c << " was excluded";
    }
    std::set<std::string> all = issued_;
    all.insert(later.begin(), later.end());
    EXPECT_EQ(all.size(), 4000u);
    EXPECT_EQ(LedgerCodes(), all);
  }

  std::string dir_;
  std::string ledger_;               // the ledger's bytes after the first run
  std::set<std::string> issued_;     // the codes issued by the first run
  std::vector<std::string> files_;   // the directory's listing before the fault
};

// --- The disk fills mid-write ---------------------------------------------------------------

TEST_F(FaultTest, DiskFullUnderTheOutput) {
  if (!CanMount()) GTEST_SKIP() << "needs a private mount namespace (root, unshare -m) for a small tmpfs";
  // The output directory is a 256 KiB tmpfs holding the earlier output; 200,000 codes do not fit.
  // What the namespace saw is copied out before it goes.
  ASSERT_EQ(mkdir((dir_ + "/out").c_str(), 0755), 0);
  auto r = Sh("unshare -m sh -c 'mount -t tmpfs -o size=256k tmpfs out && cp codes.csv out/codes.csv && " +
                  GenerateCommand("-n 200000 -o out/codes.csv --force") +
                  "; rc=$?; ls -A out >listing.txt; cp out/codes.csv after.txt; exit $rc'",
              dir_);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(ErrorLines(r.err), (std::vector<std::string>{"cannot write out/codes.csv: No space left on device"}));
  EXPECT_EQ(ReadFile(dir_ + "/listing.txt"), "codes.csv\n") << "no temporary file left";
  EXPECT_EQ(ReadFile(dir_ + "/after.txt"), kPrecious);
  unlink((dir_ + "/listing.txt").c_str());
  unlink((dir_ + "/after.txt").c_str());
  rmdir((dir_ + "/out").c_str());
  ExpectNothingChanged();
  ExpectALaterRunIssuesNoCodeTwice();
}

TEST_F(FaultTest, DiskFullUnderTheLedger) {
  if (!CanMount()) GTEST_SKIP() << "needs a private mount namespace (root, unshare -m) for a small tmpfs";
  // The ledger lives on a tmpfs with room for it and little more: recording 200,000 codes fills it.
  ASSERT_EQ(mkdir((dir_ + "/ldir").c_str(), 0755), 0);
  auto r = Sh("unshare -m sh -c 'mount -t tmpfs -o size=" + std::to_string(ledger_.size() / 1024 + 64) +
                  "k tmpfs ldir && cp l.db ldir/l.db && " + COUPONGEN_BINARY +
                  " generate s.yaml --ledger ldir/l.db -q -n 200000 -o codes.csv --force; rc=$?; "
                  "ls -A ldir >listing.txt; cp ldir/l.db ledger.after; exit $rc'",
              dir_);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(ErrorLines(r.err), (std::vector<std::string>{"ldir/l.db: database or disk is full"}));
  EXPECT_EQ(ReadFile(dir_ + "/listing.txt"), "l.db\n") << "no journal left beside the ledger";
  EXPECT_TRUE(ReadFile(dir_ + "/ledger.after") == ledger_) << "the ledger is unchanged";
  unlink((dir_ + "/listing.txt").c_str());
  unlink((dir_ + "/ledger.after").c_str());
  rmdir((dir_ + "/ldir").c_str());
  ExpectNothingChanged();
  ExpectALaterRunIssuesNoCodeTwice();
}

TEST_F(FaultTest, FileSizeLimitMidWrite) {
  // RLIMIT_FSIZE stops the output (or the ledger, whichever grows past it first) with EFBIG.
  for (const char* blocks : {"64", "2000"}) {
    auto r = Sh(std::string("ulimit -f ") + blocks + "; exec " + GenerateCommand("-n 300000 -o codes.csv --force"), dir_);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    auto errors = ErrorLines(r.err);
    ASSERT_EQ(errors.size(), 1u) << r.err;
    EXPECT_TRUE(errors[0] == "cannot write codes.csv: File too large" ||
                errors[0] == "l.db: disk I/O error (File too large)")
        << errors[0];
    ExpectNothingChanged();
  }
  ExpectALaterRunIssuesNoCodeTwice();
}

TEST_F(FaultTest, DevFullAndOtherSpecialFiles) {
  // stdout on a full device: the ledger rolls back.
  auto r = Sh(GenerateCommand("-o - > /dev/full"), dir_);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  ASSERT_EQ(ErrorLines(r.err).size(), 1u) << r.err;
  EXPECT_EQ(ErrorLines(r.err)[0].rfind("cannot write to stdout", 0), 0u) << r.err;
  ExpectNothingChanged();
  // -o naming a device or a FIFO, even with --force: refused, never renamed over (as root that
  // would replace /dev/full itself). A FIFO here stands in for the device.
  ASSERT_EQ(mkfifo((dir_ + "/fifo").c_str(), 0600), 0);
  auto fifo = Generate({"-o", "fifo", "--force"});
  EXPECT_EQ(fifo.exit_code, 1);
  EXPECT_EQ(ErrorLines(fifo.err), (std::vector<std::string>{
                                      "fifo is not a regular file (a device, pipe or socket): to write to a stream, "
                                      "use -o - and redirect stdout"}));
  struct stat st;
  ASSERT_EQ(stat((dir_ + "/fifo").c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  auto dev = Generate({"-o", "/dev/full", "--force"});
  EXPECT_EQ(dev.exit_code, 1);
  ASSERT_EQ(stat("/dev/full", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "/dev/full is still the device";
  ExpectNothingChanged({"fifo"});
  ExpectALaterRunIssuesNoCodeTwice();
}

// --- The output directory is not writable -----------------------------------------------------

TEST_F(FaultTest, OutputDirectoryNotWritableByTheUser) {
  // out/ (0555) holds the earlier output. As root, the run drops to nobody, for whom the bits
  // apply; the ledger directory is made theirs.
  const bool root = geteuid() == 0;
  ASSERT_EQ(mkdir((dir_ + "/out").c_str(), 0755), 0);
  WriteFile(dir_ + "/out/codes.csv", kPrecious);
  ASSERT_EQ(chmod((dir_ + "/out").c_str(), 0555), 0);
  const uid_t nobody = 65534;
  std::string binary = COUPONGEN_BINARY, bin_dir;
  if (root) {
    // The build tree may sit below a directory nobody cannot search (a mktemp -d clone): run a
    // copy of the binary from a directory they can.
    bin_dir = MakeTempDir();
    ASSERT_EQ(chmod(bin_dir.c_str(), 0755), 0);
    binary = bin_dir + "/coupongen";
    std::error_code ec;
    ASSERT_TRUE(std::filesystem::copy_file(COUPONGEN_BINARY, binary, ec)) << ec.message();
    ASSERT_EQ(chmod(binary.c_str(), 0755), 0);
    for (const char* p : {"", "/l.db"}) ASSERT_EQ(chown((dir_ + p).c_str(), nobody, nobody), 0);
    ASSERT_EQ(chmod(dir_.c_str(), 0755), 0);
    // nobody must reach the directory: every parent must be searchable.
    for (std::string p = dir_; p.size() > 1; p = p.substr(0, p.rfind('/'))) {
      struct stat st;
      if (stat(p.c_str(), &st) != 0 || !(st.st_mode & S_IXOTH)) GTEST_SKIP() << p << " is not searchable by nobody";
      if (p.rfind('/') == 0) break;
    }
  }
  int err_pipe[2];
  ASSERT_EQ(pipe(err_pipe), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(err_pipe[1], 2);
    close(err_pipe[0]);
    if (chdir(dir_.c_str()) != 0) _exit(126);
    if (root && (setgroups(0, nullptr) != 0 || setgid(nobody) != 0 || setuid(nobody) != 0)) _exit(125);
    execl(binary.c_str(), binary.c_str(), "generate", "s.yaml", "--ledger", "l.db", "-q", "-o", "out/codes.csv",
          "--force", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(err_pipe[1]);
  std::string err;
  char buf[4096];
  for (ssize_t n; (n = read(err_pipe[0], buf, sizeof buf)) > 0;) err.append(buf, static_cast<size_t>(n));
  close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!bin_dir.empty()) std::filesystem::remove_all(bin_dir);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1) << err;
  EXPECT_EQ(ErrorLines(err), (std::vector<std::string>{"cannot create a file in out: Permission denied"}));
  EXPECT_EQ(ListDir(dir_ + "/out"), (std::vector<std::string>{"codes.csv"}));
  EXPECT_EQ(ReadFile(dir_ + "/out/codes.csv"), kPrecious);
  chmod((dir_ + "/out").c_str(), 0755);
  unlink((dir_ + "/out/codes.csv").c_str());
  rmdir((dir_ + "/out").c_str());
  ExpectNothingChanged();
  ExpectALaterRunIssuesNoCodeTwice();
}

TEST_F(FaultTest, OutputDirectoryOnAReadOnlyMount) {
  if (!CanMount()) GTEST_SKIP() << "needs a private mount namespace (root, unshare -m) for a read-only bind mount";
  // Root's real case: the output's file system is mounted read-only (the ledger's is not).
  ASSERT_EQ(mkdir((dir_ + "/out").c_str(), 0755), 0);
  WriteFile(dir_ + "/out/codes.csv", kPrecious);
  const std::string out = dir_ + "/out";
  auto r = Sh("unshare -m sh -c 'mount --bind " + out + " " + out + " && mount -o remount,ro,bind " + out + " && " +
                  GenerateCommand("-o out/codes.csv --force") + "'",
              dir_);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(ErrorLines(r.err), (std::vector<std::string>{"cannot create a file in out: Read-only file system"}));
  EXPECT_EQ(ListDir(out), (std::vector<std::string>{"codes.csv"}));
  EXPECT_EQ(ReadFile(out + "/codes.csv"), kPrecious);
  unlink((out + "/codes.csv").c_str());
  rmdir(out.c_str());
  ExpectNothingChanged();
  ExpectALaterRunIssuesNoCodeTwice();
}

TEST_F(FaultTest, OutputDirectoryThatCannotExist) {
  struct Case {
    const char* output;
    const char* error;
  } cases[] = {
      {"first.csv/codes.csv", "cannot create a file in first.csv: Not a directory"},  // the parent is a file
      {"/proc/self/codes.csv", "/proc/self/codes.csv is under /dev or /proc: to write to a stream, use -o - and redirect stdout"},
      {"no/such/dir/codes.csv", "cannot create a file in no/such/dir: No such file or directory"},
  };
  for (const auto& c : cases) {
    auto r = Generate({"-o", c.output, "--force"});
    EXPECT_EQ(r.exit_code, 1) << c.output;
    EXPECT_EQ(ErrorLines(r.err), (std::vector<std::string>{c.error}));
    ExpectNothingChanged();
  }
  ExpectALaterRunIssuesNoCodeTwice();
}

// --- SIGINT and SIGTERM mid-run ------------------------------------------------------------------

// Starts `coupongen generate SPEC --ledger l.db -q -o codes.csv --force` in the directory, waits
// until codes are being written (the temporary file grows), sends `sig` and checks the run dies
// of it saying so.
void InterruptMidRun(const std::string& dir, const std::string& spec, int sig) {
  std::string err_path = MakeTempDir() + "/err";
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (chdir(dir.c_str()) != 0) _exit(126);
    int fd = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 2);
    execl(COUPONGEN_BINARY, COUPONGEN_BINARY, "generate", spec.c_str(), "--ledger", "l.db", "-q", "-o", "codes.csv",
          "--force", static_cast<char*>(nullptr));
    _exit(127);
  }
  std::string temp;
  for (int i = 0; i < 1000 && temp.empty(); ++i) {
    for (const auto& name : ListDir(dir)) {
      struct stat st;
      if (name.rfind(".codes.csv.coupongen-", 0) == 0 && stat((dir + "/" + name).c_str(), &st) == 0 && st.st_size > 0)
        temp = name;
    }
    if (temp.empty()) usleep(10000);
  }
  if (temp.empty()) kill(pid, SIGKILL);
  ASSERT_FALSE(temp.empty()) << "the run never started writing";
  usleep(100000);
  kill(pid, sig);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == sig) << "dies of the signal it got";
  std::string name = sig == SIGINT ? "SIGINT" : "SIGTERM";
  EXPECT_EQ(ErrorLines(ReadFile(err_path)), (std::vector<std::string>{"interrupted by " + name + ": nothing was committed"}));
}

TEST_F(FaultTest, InterruptedMidRun) {
  for (int sig : {SIGINT, SIGTERM}) {
    InterruptMidRun(dir_, "big.yaml", sig);
    ExpectNothingChanged();  // no temporary file, no ledger journal
  }
  ExpectALaterRunIssuesNoCodeTwice();
}

TEST_F(FaultTest, InterruptedKeyedRun) {
  // Keyed mode records a range, not each code: the output's next buffer notices the signal.
  auto key = RunCoupongen({"keygen", "k.key"}, "", dir_);
  ASSERT_EQ(key.exit_code, 0) << key.err;
  WriteFile(dir_ + "/keyed.yaml",
            "version: 1\ncampaign: faults-keyed\ncodes:\n  count: 50000000\n  length: 12\n  mode: keyed\n"
            "  key_file: k.key\n");
  for (int sig : {SIGINT, SIGTERM}) {
    InterruptMidRun(dir_, "keyed.yaml", sig);
    ExpectNothingChanged({"k.key", "keyed.yaml"});
  }
  ExpectALaterRunIssuesNoCodeTwice();
}

// --- The ledger locked by another process ------------------------------------------------------

TEST_F(FaultTest, LedgerLockedByAnotherProcess) {
  // Another process holds the ledger's write lock (an open BEGIN IMMEDIATE) until told to stop.
  int ready[2], release[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(release), 0);
  pid_t holder = fork();
  ASSERT_GE(holder, 0);
  if (holder == 0) {
    close(ready[0]);
    close(release[1]);
    sqlite3* db = nullptr;
    if (sqlite3_open_v2((dir_ + "/l.db").c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) _exit(1);
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) _exit(2);
    char c = 'x';
    if (write(ready[1], &c, 1) != 1) _exit(3);
    while (read(release[0], &c, 1) > 0) {
    }
    _exit(0);  // the lock goes with the process
  }
  close(ready[1]);
  close(release[0]);
  char c;
  ASSERT_EQ(read(ready[0], &c, 1), 1) << "the lock holder started";
  // The run waits (30 s, the ledger's busy timeout) and gives up.
  auto r = Generate({"-o", "codes.csv", "--force"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(ErrorLines(r.err), (std::vector<std::string>{"ledger l.db is locked by another run"}));
  close(release[1]);
  int status = 0;
  waitpid(holder, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  close(ready[0]);
  ExpectNothingChanged();
  ExpectALaterRunIssuesNoCodeTwice();
}

// --- The ledger file corrupt --------------------------------------------------------------------

TEST_F(FaultTest, CorruptLedger) {
  const std::string good = ledger_;
  std::string noise(good.size(), '\0');
  for (size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<char>((i * 7 + 3) & 0xff);
  std::string cut = good.substr(0, good.size() / 2);
  std::string trashed = good;
  for (size_t i = 2 * 4096; i < trashed.size(); ++i) trashed[i] = '\xff';  // every page past the schema
  std::string header = good;
  header.replace(0, 16, std::string("SQLite format 4\0", 16));
  struct Case {
    const char* what;
    std::string bytes;
    const char* error;
  } cases[] = {
      {"noise", noise, "ledger l.db: file is not a database"},
      {"cut in half", cut, "ledger l.db: database disk image is malformed"},
      {"pages overwritten", trashed, "ledger l.db: database disk image is malformed"},
      {"bad header", header, "ledger l.db: file is not a database"},
      {"truncated to nothing", "", "ledger l.db: the file is empty, not a coupongen ledger (damaged? restore it from a backup)"},
  };
  for (const auto& c : cases) {
    WriteFile(dir_ + "/l.db", c.bytes);
    ledger_ = c.bytes;
    // Refused, and again on the next run: a damaged ledger is never taken for an empty one.
    for (int run = 0; run < 2; ++run) {
      auto r = Generate({"-o", "codes.csv", "--force"});
      EXPECT_EQ(r.exit_code, 1) << c.what;
      EXPECT_EQ(ErrorLines(r.err), (std::vector<std::string>{c.error})) << c.what;
      ExpectNothingChanged();
    }
  }
  // Restored from its backup, the ledger goes on as if nothing happened.
  WriteFile(dir_ + "/l.db", good);
  ledger_ = good;
  ExpectALaterRunIssuesNoCodeTwice();
}

// --- An exclusion file that cannot be read -------------------------------------------------------

TEST_F(FaultTest, ExclusionFileUnreadable) {
  // chmod 000 stops no root: unreadable here means a directory, a path through a file, a file that
  // is not what it claims, or /proc/self/mem (which fails to read).
  ASSERT_EQ(mkdir((dir_ + "/old.csv").c_str(), 0755), 0);
  std::string gz = ReadFile(COUPONGEN_SOURCE_DIR "/samples/existing/cl-export.csv.gz");
  WriteFile(dir_ + "/cut.csv.gz", gz.substr(0, gz.size() / 2));
  WriteFile(dir_ + "/binary.dat", std::string("\x7f" "ELF\x02\x01\x01\0\0\0", 10));
  struct Case {
    const char* file;
    int exit_code;
    const char* error;
  } cases[] = {
      {"old.csv", 1, "exclusion file old.csv: cannot open: Is a directory"},
      {"first.csv/old.csv", 1, "exclusion file first.csv/old.csv: cannot open: Not a directory"},
      {"missing.csv", 1, "exclusion file missing.csv: cannot open: No such file or directory"},
      {"/proc/self/mem", 1, "exclusion file /proc/self/mem: read error: Input/output error"},
      {"cut.csv.gz", 3, "exclusion file cut.csv.gz: truncated gzip data (the compressed stream ends early)"},
      {"binary.dat", 3, "exclusion file binary.dat: binary data, not a coupon file (expected CSV with a 'code' column, "
                        "a JSON array of coupons, JSON:API or imports documents, or one code per line)"},
  };
  for (const auto& c : cases) {
    auto r = Generate({"-o", "codes.csv", "--force", "--exclude", c.file});
    EXPECT_EQ(r.exit_code, c.exit_code) << c.file << "\n" << r.err;
    EXPECT_EQ(ErrorLines(r.err), (std::vector<std::string>{c.error})) << c.file;
    ExpectNothingChanged({"binary.dat", "cut.csv.gz", "old.csv"});
  }
  // A readable exclusion file next time: its codes are avoided too.
  std::string excluded_text;
  std::set<std::string> excluded;
  for (int i = 0; i < 100000; i += 7) {  // 14,286 codes, ~1.4% of the keyspace
    char code[16];
    std::snprintf(code, sizeof code, "F-%06d", i * 10 + 3);
    excluded_text += std::string(code) + "\n";
    excluded.insert(code);
  }
  WriteFile(dir_ + "/old.txt", excluded_text);
  ExpectALaterRunIssuesNoCodeTwice({"--exclude", "old.txt"}, excluded);
}

}  // namespace
}  // namespace coupongen
