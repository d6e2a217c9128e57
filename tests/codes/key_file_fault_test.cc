// Key files when the disk fails, through the test Env (testing/fault_env.h), without root: a full
// disk or an I/O error while creating one leaves no file behind and says why; an I/O error while
// reading one is a clear error, not a short key.
#include <gtest/gtest.h>

#include <cerrno>

#include "codes/key_file.h"
#include "testing/fault_env.h"
#include "testing/subprocess.h"

namespace coupongen {
namespace {

using testing::FaultEnv;
using testing::ListDir;
using testing::TempDir;
using Op = FaultEnv::Op;

TEST(KeyFileFaultTest, CreateFailuresLeaveNoFileAndSayWhy) {
  struct Case {
    Op op;
    int err;
    const char* error;  // after "<path>"
  } cases[] = {
      {Op::kCreate, EROFS, "cannot create key file %: Read-only file system"},
      {Op::kWrite, ENOSPC, "cannot write key file %: No space left on device"},
      {Op::kSync, EIO, "cannot write key file %: Input/output error"},
      {Op::kClose, EIO, "cannot write key file %: Input/output error"},
  };
  for (const auto& c : cases) {
    TempDir dir;
    const std::string path = dir / "k.key";
    FaultEnv env;
    env.FailAt(c.op, c.err);
    OpenSslRandom random;
    std::string expected = c.error;
    expected.replace(expected.find('%'), 1, path);
    auto key = CreateKeyFile(path, random, &env);
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.status().message(), expected);
    EXPECT_EQ(key.status().exit_code(), 1);
    EXPECT_TRUE(ListDir(dir.path()).empty()) << expected;
    // LoadOrCreate (generate --create-key) fails the same way, and leaves nothing either.
    bool created = true;
    auto again = LoadOrCreateKeyFile(path, random, &created, &env);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.status().message(), expected);
    EXPECT_FALSE(created);
    EXPECT_TRUE(ListDir(dir.path()).empty());
  }
}

TEST(KeyFileFaultTest, DirectorySyncFailureIsNotAnError) {
  // The key file itself is synced; the directory sync is best effort (some file systems refuse it).
  TempDir dir;
  FaultEnv env;
  env.FailAt(Op::kSyncDir, EIO);
  OpenSslRandom random;
  auto key = CreateKeyFile(dir / "k.key", random, &env);
  ASSERT_TRUE(key.ok()) << key.status().message();
  auto loaded = LoadKeyFile(dir / "k.key");
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(KeyId(loaded->bytes()), KeyId(key->bytes()));
}

TEST(KeyFileFaultTest, ReadErrorIsAnIoError) {
  TempDir dir;
  OpenSslRandom random;
  ASSERT_TRUE(CreateKeyFile(dir / "k.key", random).ok());
  FaultEnv env;
  env.FailAt(Op::kRead, EIO);
  auto key = LoadKeyFile(dir / "k.key", &env);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), Status::Code::kIoError);
  EXPECT_EQ(key.status().message(), "cannot read key file " + (dir / "k.key") + ": Input/output error");
}

}  // namespace
}  // namespace coupongen
