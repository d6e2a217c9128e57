#include "io/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "testing/subprocess.h"

namespace coupongen {
namespace {

using testing::FileExists;
using testing::ListDir;
using testing::MakeTempDir;
using testing::ReadFile;
using testing::WriteFile;

TEST(AtomicFileTest, AppearsOnlyOnCommitWithMode0600) {
  std::string dir = MakeTempDir(), target = dir + "/out.csv";
  auto f = AtomicFile::Create(target, false);
  ASSERT_TRUE(f.ok()) << f.status().message();
  ASSERT_TRUE((*f)->Append("code\nABC\n").ok());
  EXPECT_FALSE(FileExists(target));
  EXPECT_EQ(ListDir(dir).size(), 1u);  // just the temporary file
  ASSERT_TRUE((*f)->Close().ok());
  EXPECT_FALSE(FileExists(target));
  ASSERT_TRUE((*f)->Commit().ok());
  EXPECT_EQ(ReadFile(target), "code\nABC\n");
  struct stat st;
  ASSERT_EQ(stat(target.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(ListDir(dir), (std::vector<std::string>{"out.csv"}));
}

TEST(AtomicFileTest, AbandonedFileLeavesNothing) {
  std::string dir = MakeTempDir(), target = dir + "/out.csv";
  {
    auto f = AtomicFile::Create(target, false);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append("partial").ok());
  }
  EXPECT_TRUE(ListDir(dir).empty());
}

TEST(AtomicFileTest, ExistingTargetIsNeverReplacedWithoutOverwrite) {
  std::string dir = MakeTempDir(), target = dir + "/out.csv";
  WriteFile(target, "old");
  auto refused = AtomicFile::Create(target, false);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(), target + " already exists (use --force to replace it)");
  // A file that appears while writing is not replaced either.
  std::string late = dir + "/late.csv";
  auto f = AtomicFile::Create(late, false);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append("new").ok());
  WriteFile(late, "someone else's");
  Status s = (*f)->Commit();
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(ReadFile(late), "someone else's");
  f = Result<std::unique_ptr<AtomicFile>>(Status::IoError("released"));
  EXPECT_EQ(ListDir(dir), (std::vector<std::string>{"late.csv", "out.csv"}));
  // With overwrite the old file is replaced whole.
  auto g = AtomicFile::Create(target, true);
  ASSERT_TRUE(g.ok());
  ASSERT_TRUE((*g)->Append("new").ok());
  ASSERT_TRUE((*g)->Commit().ok());
  EXPECT_EQ(ReadFile(target), "new");
}

TEST(AtomicFileTest, UnwritableDirectoryAndDirectoryTarget) {
  auto f = AtomicFile::Create("/nonexistent-dir/out.csv", false);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().message(), "cannot create a file in /nonexistent-dir: No such file or directory");
  std::string dir = MakeTempDir();
  auto d = AtomicFile::Create(dir, true);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().message(), dir + " is a directory");
}

TEST(AtomicFileTest, SpecialFilesAreNeverReplaced) {
  // Renaming over a FIFO or a device would replace the special file itself (as root, /dev/full
  // would become a regular file): refused with or without overwrite, and left as it was.
  std::string dir = MakeTempDir();
  std::string fifo = dir + "/fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  for (bool overwrite : {false, true}) {
    auto f = AtomicFile::Create(fifo, overwrite);
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.status().message(), fifo + " is not a regular file (a device, pipe or socket): to write to a stream, "
                                           "use -o - and redirect stdout");
  }
  auto dev = AtomicFile::Create("/dev/null", true);
  ASSERT_FALSE(dev.ok());
  struct stat st;
  ASSERT_EQ(stat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  ASSERT_EQ(stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_EQ(ListDir(dir), (std::vector<std::string>{"fifo"}));
}

}  // namespace
}  // namespace coupongen

namespace coupongen {
namespace {

// Item 3 of issue 11: what the rename needs is checked before the caller commits elsewhere.
TEST(AtomicFileCheckCommitTest, SeesWhatWouldMakeTheRenameFail) {
  testing::TempDir dir;
  const std::string target = dir / "out.csv";
  auto ready = [&](bool overwrite) {
    auto f = AtomicFile::Create(target, overwrite);
    EXPECT_TRUE(f.ok()) << f.status().message();
    EXPECT_TRUE((*f)->Append("code\n").ok());
    EXPECT_TRUE((*f)->Close().ok());
    return std::move(f).value();
  };
  {
    auto f = ready(false);
    EXPECT_TRUE(f->CheckCommit().ok());
    // The target became a directory while we wrote.
    ASSERT_EQ(mkdir(target.c_str(), 0700), 0);
    EXPECT_EQ(f->CheckCommit().message(), target + " already exists (use --force to replace it)");
  }
  {
    ASSERT_EQ(rmdir(target.c_str()), 0);
    auto f = ready(true);
    ASSERT_EQ(mkdir(target.c_str(), 0700), 0);
    EXPECT_EQ(f->CheckCommit().message(), target + " is a directory");
    ASSERT_EQ(rmdir(target.c_str()), 0);
    // A dangling symlink appeared: with overwrite it is replaced (the link, not what it names).
    ASSERT_EQ(symlink("missing/x", target.c_str()), 0);
    EXPECT_TRUE(f->CheckCommit().ok());
    ASSERT_TRUE(f->Commit().ok());
    struct stat st;
    ASSERT_EQ(lstat(target.c_str(), &st), 0);
    EXPECT_TRUE(S_ISREG(st.st_mode));
  }
  {
    ASSERT_EQ(unlink(target.c_str()), 0);
    auto f = ready(false);
    ASSERT_EQ(symlink("missing/x", target.c_str()), 0);  // dangling: rename without overwrite would fail
    EXPECT_EQ(f->CheckCommit().message(), target + " already exists (use --force to replace it)");
    ASSERT_EQ(unlink(target.c_str()), 0);
    // The temporary file was removed by someone else.
    ASSERT_EQ(unlink(f->temp_path().c_str()), 0);
    EXPECT_FALSE(f->CheckCommit().ok());
  }
  if (geteuid() != 0) {  // root writes anywhere: permission bits stop nothing
    auto f = ready(false);
    ASSERT_EQ(chmod(dir.path().c_str(), 0500), 0);
    EXPECT_FALSE(f->CheckCommit().ok());
    ASSERT_EQ(chmod(dir.path().c_str(), 0700), 0);
  }
}

TEST(AtomicFileCheckCommitTest, ADanglingSymlinkIsAnExistingTargetWithoutOverwrite) {
  testing::TempDir dir;
  ASSERT_EQ(symlink("missing/x", (dir / "out.csv").c_str()), 0);
  auto f = AtomicFile::Create(dir / "out.csv", false);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().message(), dir / "out.csv" + " already exists (use --force to replace it)");
  EXPECT_EQ(ListDir(dir.path()), (std::vector<std::string>{"out.csv"}));
}

// Item 11: temporary names carry the PID and fit NAME_MAX; a dead process's are removed.
TEST(AtomicFileTempNameTest, CarriesThePidAndFitsTheNameLimit) {
  testing::TempDir dir;
  for (size_t length : {1u, 200u, 226u, 227u, 240u, 255u}) {
    SCOPED_TRACE(length);
    const std::string target = dir / std::string(length, 'x');
    auto f = AtomicFile::Create(target, true);
    ASSERT_TRUE(f.ok()) << f.status().message();
    const std::string name = f->get()->temp_path().substr(dir.path().size() + 1);
    EXPECT_LE(name.size(), 255u);
    EXPECT_NE(name.find(".coupongen-" + std::to_string(getpid()) + "-"), std::string::npos) << name;
    ASSERT_TRUE((*f)->Append("x").ok());
    ASSERT_TRUE((*f)->Commit().ok());
    EXPECT_EQ(ReadFile(target), "x");
  }
}

TEST(AtomicFileTempNameTest, RemovesOnlyTheTemporaryFilesOfDeadProcesses) {
  testing::TempDir dir;
  // A process that is surely gone: a child that has exited and been reaped.
  pid_t dead = fork();
  ASSERT_GE(dead, 0);
  if (dead == 0) _exit(0);
  int status;
  waitpid(dead, &status, 0);
  const std::string mine = ".out.csv.coupongen-" + std::to_string(dead) + "-Ab12Cd";
  const std::string alive = ".out.csv.coupongen-1-Ab12Cd";                                 // pid 1 lives
  const std::string other_target = ".other.csv.coupongen-" + std::to_string(dead) + "-Ab12Cd";  // another target
  const std::string odd = ".out.csv.coupongen-" + std::to_string(dead) + "-Ab12Cd.bak";       // not our naming
  for (const auto& n : {mine, alive, other_target, odd}) WriteFile(dir / n, "codes");
  ASSERT_EQ(mkdir((dir / (".out.csv.coupongen-" + std::to_string(dead) + "-dirdir")).c_str(), 0700), 0);
  auto f = AtomicFile::Create(dir / "out.csv", false);
  ASSERT_TRUE(f.ok());
  f->reset();
  auto names = ListDir(dir.path());
  EXPECT_EQ(std::count(names.begin(), names.end(), mine), 0) << "the dead run's file is removed";
  for (const auto& n : {alive, other_target, odd, ".out.csv.coupongen-" + std::to_string(dead) + "-dirdir"})
    EXPECT_EQ(std::count(names.begin(), names.end(), n), 1) << n << " stays";
}

}  // namespace
}  // namespace coupongen
