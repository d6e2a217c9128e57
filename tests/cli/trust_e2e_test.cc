// End-to-end: the promises of issue 11, each as an attacker or an unlucky operator would break
// them. Stdout aliases and /dev/null as -o; an output that is one of the run's inputs (by path,
// symlink or hard link); checks before the ledger commits; key files that are not private files;
// out of memory; --seed's rules; temporary files a SIGKILL left; long target names; year 10000.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <utility>
#include <vector>

#include "testing/subprocess.h"

namespace coupongen {
namespace {

using testing::ErrorLines;
using testing::FileExists;
using testing::Lines;
using testing::ListDir;
using testing::ReadFile;
using testing::RunCoupongen;
using testing::RunResult;
using testing::TempDir;
using testing::WriteFile;

const char kSpec[] =
    "version: 1\n"
    "campaign: trust\n"
    "promotion_rule_id: RULE1\n"
    "codes:\n"
    "  count: 20\n"
    "  length: 8\n";
const std::string kKeyHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";

RunResult Sh(const std::string& script, const std::string& cwd) { return testing::Run({"/bin/bash", "-c", script}, "", cwd); }

std::string Bin() { return COUPONGEN_BINARY; }

// The number of data lines of a CSV (header dropped).
size_t CsvRows(const std::string& csv) {
  auto lines = Lines(csv);
  return lines.empty() ? 0 : lines.size() - 1;
}

// --- Item 2: stdout aliases, /dev/null, nothing under /dev or /proc replaced -------------------

// A binary with the bug (as root) replaces /dev/stdout or /dev/stderr with a regular file, which
// breaks every later program on the machine: put the symlinks back whatever the test finds.
struct RestoreDevLinks {
  ~RestoreDevLinks() {
    for (auto [link, target] : {std::pair{"/dev/stdout", "/proc/self/fd/1"}, std::pair{"/dev/stderr", "/proc/self/fd/2"}}) {
      struct stat st;
      if (lstat(link, &st) == 0 && S_ISREG(st.st_mode) && unlink(link) == 0) (void)symlink(target, link);
    }
  }
};

TEST(TrustE2ETest, StdoutAliasesWriteToStdoutEvenWithForce) {
  RestoreDevLinks restore;
  TempDir dir;
  WriteFile(dir / "s.yaml", kSpec);
  struct stat before;
  ASSERT_EQ(lstat("/dev/stdout", &before), 0);
  for (std::string alias : {"/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"}) {
    SCOPED_TRACE(alias);
    // The cron pattern: stdout redirected to a regular file, and --force.
    auto r = Sh(Bin() + " generate s.yaml -q --force -o " + alias + " > log", dir.path());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(CsvRows(ReadFile(dir / "log")), 20u) << "the codes went to stdout";
    EXPECT_EQ(ListDir(dir.path()), (std::vector<std::string>{"log", "s.yaml"})) << "no temporary file";
    // Through a pipe too.
    auto piped = RunCoupongen({"generate", "s.yaml", "-q", "--force", "-o", alias}, "", dir.path());
    EXPECT_EQ(piped.exit_code, 0) << piped.err;
    EXPECT_EQ(CsvRows(piped.out), 20u);
  }
  struct stat after;
  ASSERT_EQ(lstat("/dev/stdout", &after), 0);
  EXPECT_TRUE(S_ISLNK(after.st_mode)) << "/dev/stdout is still a symlink";
  EXPECT_EQ(after.st_ino, before.st_ino);
}

TEST(TrustE2ETest, DevNullDiscardsAndSucceeds) {
  TempDir dir;
  WriteFile(dir / "s.yaml", kSpec);
  for (bool force : {false, true}) {
    std::vector<std::string> args = {"generate", "s.yaml", "-o", "/dev/null"};
    if (force) args.push_back("--force");
    auto r = RunCoupongen(args, "", dir.path());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("/dev/null, discarded"), std::string::npos) << r.err;
  }
  struct stat st;
  ASSERT_EQ(stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_EQ(ListDir(dir.path()), (std::vector<std::string>{"s.yaml"}));
}

TEST(TrustE2ETest, NothingUnderDevOrProcIsReplaced) {
  RestoreDevLinks restore;
  TempDir dir;
  WriteFile(dir / "s.yaml", kSpec);
  // stderr redirected to a file makes /dev/stderr a regular file to stat: still never replaced.
  auto r = Sh(Bin() + " generate s.yaml -q --force -o /dev/stderr 2> err.log", dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(ReadFile(dir / "err.log").find("is under /dev or /proc"), std::string::npos) << ReadFile(dir / "err.log");
  struct stat st;
  ASSERT_EQ(lstat("/dev/stderr", &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  // A symlink in the working directory leading into /dev is resolved the same way.
  ASSERT_EQ(symlink("/dev", (dir / "devlink").c_str()), 0);
  const std::string name = "coupongen-trust-test-" + std::to_string(getpid());
  auto linked = RunCoupongen({"generate", "s.yaml", "-q", "--force", "-o", "devlink/" + name}, "", dir.path());
  EXPECT_EQ(linked.exit_code, 1) << linked.err;
  EXPECT_FALSE(FileExists("/dev/" + name));
  unlink(("/dev/" + name).c_str());  // (a binary with the bug created it)
}

// --- Item 3: what can be checked is checked before the ledger commits --------------------------

TEST(TrustE2ETest, DanglingSymlinkTargetFailsBeforeTheLedgerRecordsAnything) {
  TempDir dir;
  WriteFile(dir / "s.yaml", kSpec);
  ASSERT_EQ(symlink("missing/nowhere.csv", (dir / "out.csv").c_str()), 0);
  auto r = RunCoupongen({"generate", "s.yaml", "-q", "--ledger", "l.db", "-o", "out.csv"}, "", dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(ErrorLines(r.err), (std::vector<std::string>{"out.csv already exists (use --force to replace it)"}));
  // Nothing was recorded: the ledger holds no code (or was never created).
  if (FileExists(dir / "l.db")) {
    auto exported = RunCoupongen({"ledger", "export", "-f", "csv", "--ledger", "l.db"}, "", dir.path());
    EXPECT_EQ(CsvRows(exported.out), 0u) << exported.out;
  }
  // With --force the symlink itself is replaced by the file, and the ledger records the codes.
  auto forced = RunCoupongen({"generate", "s.yaml", "-q", "--ledger", "l.db", "-o", "out.csv", "--force"}, "", dir.path());
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(CsvRows(ReadFile(dir / "out.csv")), 20u);
}

TEST(TrustE2ETest, TargetOfAnotherUserInAStickyDirectoryFailsBeforeTheLedgerCommits) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to run as nobody and chown a file to another user";
  passwd* nobody = getpwnam("nobody");
  if (!nobody) GTEST_SKIP() << "no user nobody";
  TempDir dir;
  // A shared sticky directory (like /tmp) holding root's out.csv; nobody runs with --force.
  ASSERT_EQ(chmod(dir.path().c_str(), 01777), 0);
  WriteFile(dir / "s.yaml", kSpec);
  chmod((dir / "s.yaml").c_str(), 0644);
  WriteFile(dir / "out.csv", "root's file\n");
  // nobody's copy of the binary, where nobody can execute it.
  TempDir bin;
  chmod(bin.path().c_str(), 0755);
  ASSERT_EQ(Sh("cp " + Bin() + " " + bin.path() + "/coupongen && chmod 755 " + bin.path() + "/coupongen", "").exit_code, 0);
  auto r = Sh("setpriv --reuid=" + std::to_string(nobody->pw_uid) + " --regid=" + std::to_string(nobody->pw_gid) +
                  " --clear-groups " + bin.path() + "/coupongen generate s.yaml -q --ledger l.db -o out.csv --force",
              dir.path());
  if (r.exit_code == 127) GTEST_SKIP() << "cannot run as nobody here: " << r.err;
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("belongs to another user in a shared (sticky) directory"), std::string::npos) << r.err;
  EXPECT_EQ(ReadFile(dir / "out.csv"), "root's file\n");
  if (FileExists(dir / "l.db")) {
    auto exported = RunCoupongen({"ledger", "export", "-f", "csv", "--ledger", "l.db"}, "", dir.path());
    EXPECT_EQ(CsvRows(exported.out), 0u) << "the ledger recorded no code for a file that never appeared";
  }
  for (const auto& name : ListDir(dir.path())) EXPECT_EQ(name.find(".coupongen-"), std::string::npos) << name;
}

// --- Item 4: the output never replaces an input -----------------------------------------------

// A directory with a spec reading every kind of input: an exclusion file and a key file (keyed),
// and a ledger with codes in it.
class InputsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(dir_ / "old.csv", "code\nOLD11111\n");
    WriteFile(dir_ / "k.key", kKeyHex);
    chmod((dir_ / "k.key").c_str(), 0600);
    WriteFile(dir_ / "s.yaml", std::string(kSpec) + "  exclude: [old.csv]\n");
    WriteFile(dir_ / "keyed.yaml", "version: 1\ncampaign: trust-keyed\ncodes:\n  count: 20\n  length: 8\n  mode: keyed\n"
                                   "  key_file: k.key\n");
    auto first = RunCoupongen({"generate", "s.yaml", "-q", "--ledger", "L.db", "-o", "first.csv"}, "", dir_.path());
    ASSERT_EQ(first.exit_code, 0) << first.err;
  }

  // Runs generate with `-o out --force`, expects exit 2 and every input unchanged.
  void ExpectRefused(const std::string& out, const std::string& spec = "s.yaml") {
    SCOPED_TRACE(out);
    std::vector<std::string> names = {"L.db", "old.csv", "k.key", "s.yaml", "keyed.yaml"};
    std::vector<std::string> before;
    for (const auto& n : names) before.push_back(ReadFile(dir_ / n));
    auto r = RunCoupongen({"generate", spec, "-q", "--ledger", "L.db", "--exclude", "old.csv", "-o", out, "--force"}, "",
                          dir_.path());
    EXPECT_EQ(r.exit_code, 2) << r.err;
    ASSERT_EQ(ErrorLines(r.err).size(), 1u) << r.err;
    EXPECT_NE(ErrorLines(r.err)[0].find("is an input of this run"), std::string::npos) << r.err;
    for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(ReadFile(dir_ / names[i]), before[i]) << names[i] << " untouched";
    for (const auto& name : ListDir(dir_.path())) EXPECT_EQ(name.find(".coupongen-"), std::string::npos) << name;
  }

  TempDir dir_;
};

TEST_F(InputsTest, TheLedgerAndItsJournalAreNeverReplaced) {
  ExpectRefused("L.db");
  ExpectRefused("./L.db");
  ExpectRefused("L.db-journal");
  ExpectRefused("L.db-wal");
  ASSERT_EQ(symlink("L.db", (dir_ / "ledger-link").c_str()), 0);
  ExpectRefused("ledger-link");
  ASSERT_EQ(link((dir_ / "L.db").c_str(), (dir_ / "ledger-hard").c_str()), 0);
  ExpectRefused("ledger-hard");
}

TEST_F(InputsTest, TheSpecExclusionFileAndKeyFileAreNeverReplaced) {
  ExpectRefused("s.yaml");
  ExpectRefused("old.csv");
  ASSERT_EQ(symlink("old.csv", (dir_ / "old-link").c_str()), 0);
  ExpectRefused("old-link");
  ASSERT_EQ(link((dir_ / "s.yaml").c_str(), (dir_ / "spec-hard").c_str()), 0);
  ExpectRefused("spec-hard");
  ExpectRefused("k.key", "keyed.yaml");
  ASSERT_EQ(symlink("k.key", (dir_ / "key-link").c_str()), 0);
  ExpectRefused("key-link", "keyed.yaml");
  ASSERT_EQ(link((dir_ / "k.key").c_str(), (dir_ / "key-hard").c_str()), 0);
  ExpectRefused("key-hard", "keyed.yaml");
}

TEST_F(InputsTest, TheRecipientsFileIsNeverReplaced) {
  WriteFile(dir_ / "people.csv", "email\nann@example.com\nbob@example.com\n");
  WriteFile(dir_ / "r.yaml", "version: 1\ncampaign: trust-r\ncodes:\n  length: 8\nrecipients:\n  file: people.csv\n");
  ASSERT_EQ(link((dir_ / "people.csv").c_str(), (dir_ / "people-hard").c_str()), 0);
  for (std::string out : {"people.csv", "people-hard"}) {
    auto r = RunCoupongen({"generate", "r.yaml", "-q", "-o", out, "--force"}, "", dir_.path());
    EXPECT_EQ(r.exit_code, 2) << r.err;
  }
  EXPECT_EQ(ReadFile(dir_ / "people.csv"), "email\nann@example.com\nbob@example.com\n");
}

TEST_F(InputsTest, ConvertNeverReplacesItsInputNorWritesRejectsOverItsOutput) {
  WriteFile(dir_ / "in.csv", "code\nGOODCODE1\nbad code\n");
  ASSERT_EQ(link((dir_ / "in.csv").c_str(), (dir_ / "in-hard").c_str()), 0);
  ASSERT_EQ(symlink("out.json", (dir_ / "out-link").c_str()), 0);
  const std::vector<std::vector<std::string>> cases = {
      {"-o", "in.csv"},
      {"-o", "in-hard"},
      {"-o", "x.json", "--rejects", "in.csv"},
      {"-o", "out.json", "--rejects", "out.json"},
      {"-o", "out-link", "--rejects", "in-hard"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"convert", "in.csv", "-f", "json", "--force"};
    args.insert(args.end(), c.begin(), c.end());
    auto r = RunCoupongen(args, "", dir_.path());
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(ReadFile(dir_ / "in.csv"), "code\nGOODCODE1\nbad code\n");
    EXPECT_FALSE(FileExists(dir_ / "out.json"));
  }
  // `ledger export` over its own ledger.
  auto r = RunCoupongen({"ledger", "export", "-f", "csv", "--ledger", "L.db", "-o", "L.db", "--force"}, "", dir_.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

// --- Item 5: key files ------------------------------------------------------------------------

TEST(TrustE2ETest, KeyFileThatIsAFifoIsRefusedAtOnce) {
  TempDir dir;
  ASSERT_EQ(mkfifo((dir / "k.key").c_str(), 0600), 0);
  WriteFile(dir / "keyed.yaml", "version: 1\ncampaign: trust-keyed\ncodes:\n  count: 5\n  length: 8\n  mode: keyed\n"
                                "  key_file: k.key\n");
  // Would hang forever before the fix: the harness's timeout would kill it.
  auto r = testing::Run({Bin(), "generate", "keyed.yaml", "-q"}, "", dir.path(), 20);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("is not a regular file (a FIFO)"), std::string::npos) << r.err;
}

// --- Item 6: out of memory --------------------------------------------------------------------

TEST(TrustE2ETest, OutOfMemoryIsExit1WithAMessageAndNoTemporaryFile) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "ulimit -v cannot limit an AddressSanitizer build: its shadow memory reserves terabytes of address space";
#endif
  TempDir dir;
  std::string big_exclude = "code\n";
  for (int i = 0; i < 200000; ++i) big_exclude += "EXCL" + std::to_string(10000000 + i) + "\n";
  WriteFile(dir / "ex.csv", big_exclude);
  WriteFile(dir / "s.yaml", kSpec);
  // Limits (KiB of address space) where the program starts but reading 200,000 codes does not fit:
  // before the fix, std::bad_alloc aborted (exit 134) and left the temporary file.
  int out_of_memory = 0;
  for (int kib : {12000, 15000, 18000, 21000, 25000, 30000}) {
    if (Sh("ulimit -v " + std::to_string(kib) + "; " + Bin() + " --version", dir.path()).exit_code != 0) continue;
    for (const auto& c : {Bin() + " lint ex.csv", Bin() + " generate s.yaml -q -o out.csv --exclude ex.csv"}) {
      SCOPED_TRACE(c + " under ulimit -v " + std::to_string(kib));
      auto r = Sh("ulimit -v " + std::to_string(kib) + "; " + c + " > /dev/null", dir.path());
      EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.exit_code << " " << r.err;
      if (r.exit_code == 1) {
        EXPECT_NE(r.err.find("memory"), std::string::npos) << r.err;
        if (r.err.find("coupongen: error: out of memory: ") != std::string::npos) ++out_of_memory;
      }
      EXPECT_EQ(r.err.find("terminate called"), std::string::npos) << r.err;
      for (const auto& name : ListDir(dir.path())) EXPECT_EQ(name.find(".coupongen-"), std::string::npos) << name;
      unlink((dir / "out.csv").c_str());
    }
  }
  EXPECT_GT(out_of_memory, 0) << "no limit made the runs run out of memory: the test checked nothing";
}

// --- Item 10: --seed --------------------------------------------------------------------------

TEST(TrustE2ETest, SeedRules) {
  TempDir dir;
  WriteFile(dir / "s.yaml", kSpec);
  WriteFile(dir / "ledgered.yaml", std::string(kSpec) + "ledger: L.db\n");
  auto empty = RunCoupongen({"generate", "s.yaml", "--seed", ""}, "", dir.path());
  EXPECT_EQ(empty.exit_code, 2) << empty.err;
  EXPECT_EQ(empty.out, "");
  auto with_ledger = RunCoupongen({"generate", "s.yaml", "--seed", "x", "--ledger", "L.db"}, "", dir.path());
  EXPECT_EQ(with_ledger.exit_code, 2) << with_ledger.err;
  EXPECT_NE(with_ledger.err.find("--seed cannot be used with a ledger"), std::string::npos) << with_ledger.err;
  auto spec_ledger = RunCoupongen({"generate", "ledgered.yaml", "--seed", "x"}, "", dir.path());
  EXPECT_EQ(spec_ledger.exit_code, 2) << spec_ledger.err;
  EXPECT_FALSE(FileExists(dir / "L.db")) << "nothing entered a ledger";
  auto quiet = RunCoupongen({"generate", "s.yaml", "--seed", "x", "-q"}, "", dir.path());
  EXPECT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_NE(quiet.err.find("coupongen: warning: --seed makes every code predictable"), std::string::npos)
      << "the warning prints even with -q: " << quiet.err;
}

// --- Item 11: temporary files after SIGKILL, long names ---------------------------------------

TEST(TrustE2ETest, TemporaryFilesOfAKilledRunAreRemovedByTheNext) {
  TempDir dir;
  WriteFile(dir / "big.yaml", "version: 1\ncampaign: trust-big\ncodes:\n  count: 10000000\n  length: 12\n");
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (chdir(dir.path().c_str()) != 0) _exit(127);
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 2);
    execl(COUPONGEN_BINARY, COUPONGEN_BINARY, "generate", "big.yaml", "-q", "-o", "out.csv", static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait (at most 60 s) until the temporary file has data, then kill -9.
  bool started = false;
  for (int i = 0; i < 6000 && !started; ++i) {
    for (const auto& name : ListDir(dir.path())) {
      struct stat st;
      if (name.rfind(".out.csv.coupongen-", 0) == 0 && stat((dir / name).c_str(), &st) == 0 && st.st_size > 0) started = true;
    }
    if (!started) usleep(10000);
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(started) << "the run never started writing";
  std::vector<std::string> left = ListDir(dir.path());
  ASSERT_EQ(left.size(), 2u) << "the killed run left its temporary file";
  EXPECT_EQ(left[0].rfind(".out.csv.coupongen-" + std::to_string(pid) + "-", 0), 0u) << left[0];
  // A temporary file of a live process (this one), and a look-alike that is not ours to remove.
  const std::string live = ".out.csv.coupongen-" + std::to_string(getpid()) + "-abcdef";
  WriteFile(dir / live, "alive");
  WriteFile(dir / ".out.csv.coupongen-notapid", "other");
  WriteFile(dir / "small.yaml", kSpec);
  auto r = RunCoupongen({"generate", "small.yaml", "-q", "-o", "out.csv"}, "", dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ListDir(dir.path()), (std::vector<std::string>{live, ".out.csv.coupongen-notapid", "big.yaml", "out.csv",
                                                           "small.yaml"}));
}

TEST(TrustE2ETest, LongTargetNamesWork) {
  TempDir dir;
  WriteFile(dir / "s.yaml", kSpec);
  for (size_t length : {240u, 255u}) {
    SCOPED_TRACE(length);
    const std::string name = std::string(length - 4, 'n') + ".csv";
    auto r = RunCoupongen({"generate", "s.yaml", "-q", "-o", name}, "", dir.path());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(CsvRows(ReadFile(dir / name)), 20u);
    auto again = RunCoupongen({"generate", "s.yaml", "-q", "-o", name, "--force"}, "", dir.path());
    EXPECT_EQ(again.exit_code, 0) << again.err;
  }
  EXPECT_EQ(ListDir(dir.path()).size(), 3u);
}

// --- Item 12: the year 10000 ------------------------------------------------------------------

TEST(TrustE2ETest, TimesAfterTheYear9999AreErrors) {
  TempDir dir;
  WriteFile(dir / "s.yaml", std::string(kSpec) + "coupon:\n  expires_in: 7d\n");
  auto r = RunCoupongen({"generate", "s.yaml", "--now", "9999-12-31T23:59:59Z"}, "", dir.path());
  EXPECT_EQ(r.exit_code, 3) << r.err;
  ASSERT_FALSE(ErrorLines(r.err).empty()) << r.err;
  EXPECT_EQ(ErrorLines(r.err)[0].rfind("s.yaml:8:", 0), 0u) << r.err;
  EXPECT_NE(ErrorLines(r.err)[0].find("coupon.expires_in: resolves to a time after 9999-12-31T23:59:59Z"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.out, "");
  auto v = RunCoupongen({"validate", "s.yaml", "--now", "9999-12-31T23:59:59Z"}, "", dir.path());
  EXPECT_EQ(v.exit_code, 3) << v.err;
  // An offset that pushes the last day past the limit.
  auto offset = RunCoupongen({"generate", "s.yaml", "--now", "9999-12-31T23:00:00-02:00"}, "", dir.path());
  EXPECT_EQ(offset.exit_code, 2) << offset.err;
}

}  // namespace
}  // namespace coupongen
