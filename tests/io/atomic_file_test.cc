#include "io/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

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
