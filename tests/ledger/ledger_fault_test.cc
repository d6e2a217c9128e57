// Creating a SQLite ledger when the disk fails: through the test Env (testing/fault_env.h), a
// read-only file system or a full disk at the temporary file's creation, an I/O error at its
// close and at the rename that publishes it. Without root or a mount namespace. After each
// failure: "<path>: cannot create ledger: <the system's reason>", no ledger and no temporary
// file left; a later Open with a working disk creates the ledger.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

#include "ledger/ledger.h"
#include "testing/fault_env.h"
#include "testing/subprocess.h"

namespace coupongen {
namespace {

using Op = testing::FaultEnv::Op;

class LedgerFaultTest : public ::testing::Test {
 protected:
  Result<std::unique_ptr<Ledger>> Open() {
    LedgerOptions options;
    options.env = &env_;
    return Ledger::Open(path_, options);
  }

  testing::TempDir dir_;
  std::string path_ = dir_ / "ledger.db";
  testing::FaultEnv env_;
};

TEST_F(LedgerFaultTest, CreatedThroughTheEnv) {
  auto ledger = Open();
  ASSERT_TRUE(ledger.ok()) << ledger.status().message();
  EXPECT_EQ(env_.Calls(Op::kCreate), 1);
  EXPECT_EQ(env_.Calls(Op::kRename), 1);
  EXPECT_EQ(env_.Calls(Op::kSyncDir), 1);
  EXPECT_EQ(testing::ListDir(dir_.path()), (std::vector<std::string>{"ledger.db"})) << "no temporary file left";
  ledger = Open();  // exists now: nothing is created
  ASSERT_TRUE(ledger.ok()) << ledger.status().message();
  EXPECT_EQ(env_.Calls(Op::kCreate), 1);
}

TEST_F(LedgerFaultTest, FailuresLeaveNoLedgerAndNoTemporaryFile) {
  struct Case {
    Op op;
    int err;
  };
  for (const Case& c : {Case{Op::kCreate, EROFS}, Case{Op::kCreate, ENOSPC}, Case{Op::kClose, EIO},
                        Case{Op::kRename, EIO}}) {
    env_.FailAt(c.op, c.err);
    auto ledger = Open();
    ASSERT_FALSE(ledger.ok()) << "op " << static_cast<int>(c.op);
    EXPECT_EQ(ledger.status().message(), path_ + ": cannot create ledger: " + std::strerror(c.err));
    EXPECT_EQ(SysErrno(ledger.status()), c.err);
    EXPECT_EQ(ledger.status().exit_code(), 1);
    EXPECT_TRUE(testing::ListDir(dir_.path()).empty()) << "op " << static_cast<int>(c.op) << ": nothing left behind";
    env_.Clear();
  }
  auto ledger = Open();
  EXPECT_TRUE(ledger.ok()) << ledger.status().message();
}

TEST_F(LedgerFaultTest, AFailedDirectorySyncStillCreatesTheLedger) {
  // Best effort, as ever: the ledger is in place, and each commit syncs its directory.
  env_.FailAt(Op::kSyncDir, EIO);
  auto ledger = Open();
  ASSERT_TRUE(ledger.ok()) << ledger.status().message();
  EXPECT_EQ(env_.Calls(Op::kSyncDir), 1);
}

TEST_F(LedgerFaultTest, NotCreatedWhenNotAskedTo) {
  LedgerOptions options;
  options.env = &env_;
  options.create_if_missing = false;
  auto ledger = Ledger::Open(path_, options);
  ASSERT_FALSE(ledger.ok());
  EXPECT_EQ(ledger.status().message(), path_ + ": no such ledger");
  EXPECT_EQ(env_.Calls(Op::kCreate), 0);
}

}  // namespace
}  // namespace coupongen
