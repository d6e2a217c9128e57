#include "codes/key_file.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace coupongen {
namespace {

/// PREDICTABLE: hands out 0, 1, 2, ... (or fails), for tests only.
class CountingBytes : public RandomSource {
 public:
  explicit CountingBytes(bool fail = false) : fail_(fail) {}
  Status Fill(std::span<uint8_t> out) override {
    if (fail_) return Status::IoError("no randomness: test source");
    for (auto& b : out) b = next_++;
    return Status::Ok();
  }

 private:
  bool fail_;
  uint8_t next_ = 0;
};

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/coupongen_key_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  void Write(const std::string& path, const std::string& content, mode_t mode) {
    std::ofstream(path, std::ios::binary) << content;
    ASSERT_EQ(chmod(path.c_str(), mode), 0);
  }

  static mode_t ModeOf(const std::string& path) {
    struct stat st;
    EXPECT_EQ(stat(path.c_str(), &st), 0);
    return st.st_mode & 07777;
  }

  static std::vector<uint8_t> Counting() {
    std::vector<uint8_t> v;
    for (int i = 0; i < 32; ++i) v.push_back(static_cast<uint8_t>(i));
    return v;
  }

  static std::vector<uint8_t> Bytes(const SecretKey& key) { return {key.bytes().begin(), key.bytes().end()}; }

  std::string dir_;
};

TEST_F(KeyFileTest, CreatesA0600FileWith32RandomBytesWhateverTheUmask) {
  for (mode_t mask : {mode_t{0}, mode_t{022}, mode_t{0277}}) {
    mode_t old = umask(mask);
    std::string path = Path("key" + std::to_string(mask) + ".bin");
    CountingBytes random;
    auto key = CreateKeyFile(path, random);
    umask(old);
    ASSERT_TRUE(key.ok()) << key.status().message();
    EXPECT_EQ(Bytes(*key), Counting());
    EXPECT_EQ(ModeOf(path), 0600u) << "umask " << mask;
    EXPECT_EQ(std::filesystem::file_size(path), 32u);
    auto loaded = LoadKeyFile(path);
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    EXPECT_EQ(Bytes(*loaded), Counting());
  }
}

TEST_F(KeyFileTest, NeverOverwrites) {
  std::string path = Path("key.bin");
  Write(path, "precious", 0600);
  CountingBytes random;
  auto key = CreateKeyFile(path, random);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), Status::Code::kIoError);
  EXPECT_EQ(key.status().message(), "key file " + path + " already exists; not overwriting it");
  std::ifstream in(path);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "precious");

  // Nor through a symlink, even a dangling one.
  std::string link = Path("link.bin");
  ASSERT_EQ(symlink(Path("elsewhere.bin").c_str(), link.c_str()), 0);
  EXPECT_FALSE(CreateKeyFile(link, random).ok());
  EXPECT_FALSE(std::filesystem::exists(Path("elsewhere.bin")));
}

TEST_F(KeyFileTest, CreateFailuresLeaveNoFile) {
  CountingBytes broken(/*fail=*/true);
  auto key = CreateKeyFile(Path("key.bin"), broken);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().message(), "no randomness: test source");
  EXPECT_FALSE(std::filesystem::exists(Path("key.bin")));

  CountingBytes random;
  auto nodir = CreateKeyFile(Path("missing/key.bin"), random);
  ASSERT_FALSE(nodir.ok());
  EXPECT_EQ(nodir.status().message(), "cannot create key file " + Path("missing/key.bin") + ": No such file or directory");
}

TEST_F(KeyFileTest, MissingFile) {
  auto key = LoadKeyFile(Path("key.bin"));
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), Status::Code::kIoError);
  EXPECT_EQ(key.status().message(), "key file " + Path("key.bin") + " does not exist (create one with: coupongen keygen " +
                                        Path("key.bin") + ")");
}

TEST_F(KeyFileTest, RefusesFilesOthersCanReadOrWrite) {
  const std::string raw(32, 'k');
  struct Case {
    mode_t mode;
    const char* what;
  } cases[] = {
      {0644, "readable by others (mode 0644)"},
      {0604, "readable by others (mode 0604)"},
      {0640, "readable by its group (mode 0640)"},
      {0660, "readable and writable by its group (mode 0660)"},
      {0602, "writable by others (mode 0602)"},
      {0610, "executable by its group (mode 0610)"},
      {0666, "readable and writable by others (mode 0666)"},
  };
  std::string path = Path("key.bin");
  for (const Case& c : cases) {
    Write(path, raw, c.mode);
    auto key = LoadKeyFile(path);
    ASSERT_FALSE(key.ok()) << c.what;
    EXPECT_EQ(key.status().code(), Status::Code::kInvalid);
    EXPECT_EQ(key.status().message(), path + " is " + c.what + ": chmod 600 " + path);
  }
  for (mode_t ok : {mode_t{0600}, mode_t{0400}}) {
    Write(path, raw, ok);
    EXPECT_TRUE(LoadKeyFile(path).ok()) << ok;
  }
}

TEST_F(KeyFileTest, RefusesWrongSizesAndContent) {
  std::string path = Path("key.bin");
  for (const std::string& content : {std::string(), std::string(31, 'k'), std::string(33, 'k'),
                                     std::string(64, 'g'), std::string(63, 'a') + "\n", std::string(1000, 'k')}) {
    Write(path, content, 0600);
    auto key = LoadKeyFile(path);
    ASSERT_FALSE(key.ok()) << content.size();
    EXPECT_EQ(key.status().code(), Status::Code::kInvalid);
    EXPECT_EQ(key.status().message(), "key file " + path + " is not a key: it holds " + std::to_string(content.size()) +
                                          " bytes; a key file holds exactly 32 random bytes (or 64 hex digits)");
  }
  std::filesystem::create_directory(Path("dir"));
  chmod(Path("dir").c_str(), 0700);
  EXPECT_EQ(LoadKeyFile(Path("dir")).status().message(), "key file " + Path("dir") + " is not a regular file (a directory)");
}

TEST_F(KeyFileTest, RefusesFifosAndDevicesAtOnceWithoutBlocking) {
  ASSERT_EQ(mkfifo(Path("fifo").c_str(), 0600), 0);
  // Opening a FIFO for reading blocks until a writer comes: this would hang before the fix.
  EXPECT_EQ(LoadKeyFile(Path("fifo")).status().message(), "key file " + Path("fifo") + " is not a regular file (a FIFO)");
  EXPECT_EQ(LoadKeyFile("/dev/zero").status().message(), "key file /dev/zero is not a regular file (a device)");
  ASSERT_EQ(symlink("/dev/zero", Path("dev-link").c_str()), 0);
  EXPECT_EQ(LoadKeyFile(Path("dev-link")).status().code(), Status::Code::kInvalid);
  bool created = true;
  CountingBytes random;
  EXPECT_FALSE(LoadOrCreateKeyFile(Path("fifo"), random, &created).ok());
  EXPECT_FALSE(created);
}

TEST_F(KeyFileTest, RefusesAKeyFileOwnedByAnotherUser) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to give a file to another user (chown to nobody)";
  std::string hex(64, 'a');
  Write(Path("planted.key"), hex, 0600);
  ASSERT_EQ(chown(Path("planted.key").c_str(), 65534, 65534), 0);
  auto key = LoadKeyFile(Path("planted.key"));
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().message(), "key file " + Path("planted.key") +
                                        " belongs to another user (uid 65534): use a key file you own (mode 0600)");
  // root's own files are accepted (a key provisioned by root for a service user).
  ASSERT_EQ(chown(Path("planted.key").c_str(), 0, 0), 0);
  EXPECT_TRUE(LoadKeyFile(Path("planted.key")).ok());
}

TEST_F(KeyFileTest, AcceptsHexWithOrWithoutANewline) {
  const std::string hex = "000102030405060708090a0b0c0d0e0f101112131415161718191A1B1C1D1E1F";
  std::string path = Path("key.hex");
  for (const std::string& content : {hex, hex + "\n"}) {
    Write(path, content, 0600);
    auto key = LoadKeyFile(path);
    ASSERT_TRUE(key.ok()) << key.status().message();
    EXPECT_EQ(Bytes(*key), Counting());
  }
  Write(path, hex + "\n\n", 0600);
  EXPECT_FALSE(LoadKeyFile(path).ok());
}

TEST_F(KeyFileTest, FollowsSymlinksToAPrivateFile) {
  // Secret stores often mount keys as symlinks; the target's mode is what counts.
  std::string target = Path("real.bin"), link = Path("key.bin");
  Write(target, std::string(32, 'k'), 0600);
  ASSERT_EQ(symlink(target.c_str(), link.c_str()), 0);
  EXPECT_TRUE(LoadKeyFile(link).ok());
  chmod(target.c_str(), 0644);
  EXPECT_EQ(LoadKeyFile(link).status().message(), link + " is readable by others (mode 0644): chmod 600 " + link);
}

TEST_F(KeyFileTest, LoadOrCreateCreatesOnceThenLoads) {
  std::string path = Path("key.bin");
  CountingBytes random;
  bool created = false;
  auto first = LoadOrCreateKeyFile(path, random, &created);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_TRUE(created);
  auto second = LoadOrCreateKeyFile(path, random, &created);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(created);
  EXPECT_EQ(Bytes(*second), Bytes(*first));

  chmod(path.c_str(), 0644);  // an existing loose file is refused, not replaced
  EXPECT_EQ(LoadOrCreateKeyFile(path, random, &created).status().code(), Status::Code::kInvalid);
}

TEST(KeyIdTest, IsTheFirstEightBytesOfSha256InHex) {
  // python3 -c "import hashlib; print(hashlib.sha256(bytes(32)).hexdigest()[:16])"
  EXPECT_EQ(KeyId(std::vector<uint8_t>(32, 0)), "66687aadf862bd77");
  std::vector<uint8_t> counting;
  for (int i = 0; i < 32; ++i) counting.push_back(static_cast<uint8_t>(i));
  EXPECT_EQ(KeyId(counting), "630dcd2966c43366");
}

}  // namespace
}  // namespace coupongen
