// AtomicFile when the disk fails: through the test Env (testing/fault_env.h), a full disk at the
// Nth write, an I/O error at fsync, at close, at the rename and at the directory sync, a
// read-only file system at creation. Without root or a mount namespace. After each failure: an
// error naming the target and the system's reason, the target untouched, no temporary file left.
#include <gtest/gtest.h>

#include <cerrno>

#include "io/atomic_file.h"
#include "testing/fault_env.h"
#include "testing/subprocess.h"

namespace coupongen {
namespace {

using testing::FaultEnv;
using testing::ListDir;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;
using Op = FaultEnv::Op;

const char kPrecious[] = "an earlier output: precious\n";

class AtomicFileFaultTest : public ::testing::Test {
 protected:
  void SetUp() override { WriteFile(target_, kPrecious); }

  // Writes `chunks` chunks of 1 MiB to the target through env_, then closes and commits; returns
  // the first failure. The AtomicFile is gone (destroyed) when this returns.
  Status WriteAndCommit(int chunks) {
    auto file = AtomicFile::Create(target_, /*overwrite=*/true, &env_);
    if (!file.ok()) return file.status();
    const std::string chunk(1 << 20, 'c');
    for (int i = 0; i < chunks; ++i) COUPONGEN_RETURN_IF_ERROR((*file)->Append(chunk));
    COUPONGEN_RETURN_IF_ERROR((*file)->Close());
    COUPONGEN_RETURN_IF_ERROR((*file)->CheckCommit());
    return (*file)->Commit();
  }

  void ExpectTargetUntouched() {
    EXPECT_EQ(ReadFile(target_), kPrecious) << "the target is untouched";
    EXPECT_EQ(ListDir(dir_.path()), (std::vector<std::string>{"codes.csv"})) << "no temporary file left";
  }

  TempDir dir_;
  std::string target_ = dir_ / "codes.csv";
  FaultEnv env_;
};

TEST_F(AtomicFileFaultTest, DiskFullAtTheNthWrite) {
  // The first write, one in the middle, and one past the 8 MiB streamed to disk as we go.
  for (int nth : {1, 5, 20}) {
    env_.FailAt(Op::kWrite, ENOSPC, nth);
    Status s = WriteAndCommit(24);
    EXPECT_EQ(s.message(), "cannot write " + target_ + ": No space left on device") << "write " << nth;
    EXPECT_EQ(SysErrno(s), ENOSPC);
    EXPECT_EQ(s.exit_code(), 1);
    ExpectTargetUntouched();
    env_.Clear();
  }
}

TEST_F(AtomicFileFaultTest, IoErrorAtFsyncOrClose) {
  for (Op op : {Op::kSync, Op::kClose}) {
    env_.FailAt(op, EIO);
    Status s = WriteAndCommit(2);
    EXPECT_EQ(s.message(), "cannot write " + target_ + ": Input/output error");
    ExpectTargetUntouched();
    env_.Clear();
  }
}

TEST_F(AtomicFileFaultTest, IoErrorAtTheRename) {
  env_.FailAt(Op::kRename, EIO);
  Status s = WriteAndCommit(1);
  EXPECT_EQ(s.message(), "cannot rename into " + target_ + ": Input/output error");
  ExpectTargetUntouched();
  // Without overwrite (renameat2 RENAME_NOREPLACE) the same.
  const std::string fresh = dir_ / "fresh.csv";
  auto file = AtomicFile::Create(fresh, false, &env_);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Append("x").ok());
  EXPECT_EQ((*file)->Commit().message(), "cannot rename into " + fresh + ": Input/output error");
  file = Status::IoError("gone");  // destroys the AtomicFile
  ExpectTargetUntouched();
}

TEST_F(AtomicFileFaultTest, ReadOnlyFileSystemAtCreation) {
  env_.FailAt(Op::kCreate, EROFS);
  Status s = WriteAndCommit(1);
  EXPECT_EQ(s.message(), "cannot create a file in " + dir_.path() + ": Read-only file system");
  ExpectTargetUntouched();
}

TEST_F(AtomicFileFaultTest, IoErrorAtTheDirectorySyncIsReportedAfterTheRename) {
  // The rename has happened (the new content is in place) but may not survive a power cut: the
  // caller hears of it.
  env_.FailAt(Op::kSyncDir, EIO);
  Status s = WriteAndCommit(1);
  EXPECT_EQ(s.message(), "cannot sync directory " + dir_.path() + ": Input/output error");
  EXPECT_EQ(ReadFile(target_), std::string(1 << 20, 'c'));
  EXPECT_EQ(ListDir(dir_.path()), (std::vector<std::string>{"codes.csv"}));
}

TEST_F(AtomicFileFaultTest, FaultsAimedElsewhereChangeNothing) {
  env_.FailAt(Op::kWrite, ENOSPC, 1, "other.csv");
  ASSERT_TRUE(WriteAndCommit(3).ok());
  EXPECT_EQ(ReadFile(target_).size(), 3u << 20);
  EXPECT_EQ(env_.Calls(Op::kWrite), 0) << "calls on other paths are not counted";
}

}  // namespace
}  // namespace coupongen
