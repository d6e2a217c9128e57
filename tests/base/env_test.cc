// The POSIX Env (base/env.h): the path helpers, exclusive creation and its modes, renaming with
// and without replacing, reading a whole file, and the errno every failure carries.
#include "base/env.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "testing/subprocess.h"

namespace coupongen {
namespace {

using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

mode_t ModeOf(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
}

TEST(EnvPathTest, DirNameAndBaseName) {
  EXPECT_EQ(DirName("codes.csv"), ".");
  EXPECT_EQ(DirName("/codes.csv"), "/");
  EXPECT_EQ(DirName("out/codes.csv"), "out");
  EXPECT_EQ(DirName("/a/b/codes.csv"), "/a/b");
  EXPECT_EQ(BaseName("codes.csv"), "codes.csv");
  EXPECT_EQ(BaseName("/a/b/codes.csv"), "codes.csv");
  EXPECT_EQ(BaseName("dir/"), "");
}

TEST(EnvTest, NewFileIsExclusiveAndSetsTheModeAsAsked) {
  TempDir dir;
  Env* env = Env::Default();
  mode_t old = umask(0277);
  auto exact = env->NewFile(dir / "secret", 0600, CreateMode::kExact);
  umask(022);
  auto shared = env->NewFile(dir / "shared", 0666, CreateMode::kLessUmask);
  umask(old);
  ASSERT_TRUE(exact.ok()) << exact.status().message();
  ASSERT_TRUE(shared.ok()) << shared.status().message();
  ASSERT_TRUE((*exact)->Append("key").ok());
  ASSERT_TRUE((*exact)->Sync().ok());
  ASSERT_TRUE((*exact)->Close().ok());
  EXPECT_EQ(ModeOf(dir / "secret"), 0600u) << "whatever the umask";
  EXPECT_EQ(ModeOf(dir / "shared"), 0644u) << "less the umask";
  EXPECT_EQ(ReadFile(dir / "secret"), "key");

  auto again = env->NewFile(dir / "secret", 0600, CreateMode::kExact);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(SysErrno(again.status()), EEXIST);
  EXPECT_EQ(again.status().message(), "File exists");
  EXPECT_EQ(ReadFile(dir / "secret"), "key");
  // Never through a symlink, even a dangling one.
  ASSERT_EQ(symlink((dir / "elsewhere").c_str(), (dir / "link").c_str()), 0);
  EXPECT_EQ(SysErrno(env->NewFile(dir / "link", 0600, CreateMode::kExact).status()), EEXIST);
  EXPECT_FALSE(env->Exists(dir / "elsewhere"));
}

TEST(EnvTest, TempFilesRenameAndReadBack) {
  TempDir dir;
  Env* env = Env::Default();
  std::string temp = dir / "t-XXXXXX";
  auto file = env->NewTempFile(&temp);
  ASSERT_TRUE(file.ok()) << file.status().message();
  EXPECT_NE(temp, dir / "t-XXXXXX");
  EXPECT_EQ(ModeOf(temp), 0600u);
  std::string big(3 << 20, 'x');
  ASSERT_TRUE((*file)->Append(big).ok());
  (*file)->StartWriteback(0, big.size());
  (*file)->DropWritten(0, big.size());
  ASSERT_TRUE((*file)->Close().ok());

  WriteFile(dir / "taken", "someone else's");
  Status refused = env->RenameNoReplace(temp, dir / "taken");
  EXPECT_EQ(SysErrno(refused), EEXIST);
  EXPECT_EQ(ReadFile(dir / "taken"), "someone else's");
  ASSERT_TRUE(env->RenameNoReplace(temp, dir / "fresh").ok());
  EXPECT_FALSE(env->Exists(temp));
  auto text = env->ReadFile(dir / "fresh");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, big);
  ASSERT_TRUE(env->Rename(dir / "fresh", dir / "taken").ok());
  EXPECT_EQ(ReadFile(dir / "taken"), big);
  EXPECT_TRUE(env->SyncDir(dir.path()).ok());
  auto names = env->ListDir(dir.path());
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"taken"}));
}

TEST(EnvTest, FailuresCarryTheirErrno) {
  TempDir dir;
  Env* env = Env::Default();
  auto missing = env->ReadFile(dir / "missing");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(SysErrno(missing.status()), ENOENT);
  Status named = Because("cannot read " + (dir / "missing"), missing.status());
  EXPECT_EQ(named.message(), "cannot read " + (dir / "missing") + ": No such file or directory");
  EXPECT_EQ(SysErrno(named), ENOENT);
  EXPECT_EQ(SysErrno(env->Unlink(dir / "missing")), ENOENT);
  EXPECT_EQ(SysErrno(env->Stat(dir / "missing").status()), ENOENT);
  EXPECT_EQ(SysErrno(env->SyncDir(dir / "missing")), ENOENT);
  EXPECT_EQ(SysErrno(env->NewFile(dir / "no/such", 0600, CreateMode::kExact).status()), ENOENT);
  auto info = env->Stat(dir.path());
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(S_ISDIR(info->mode));
  EXPECT_TRUE(env->CheckWritableDir(dir.path()).ok());
  EXPECT_EQ(env->RealPath(dir / "missing"), dir / "missing");
  // Anything but an I/O error passes through Because unchanged.
  EXPECT_EQ(Because("x", Status::Invalid("bad")).message(), "bad");
}

}  // namespace
}  // namespace coupongen
