// AtomicFile hands the disk 8 MiB at a time and drops what has reached it from the page cache.
// Whatever the chunking, the file must hold exactly the bytes appended, appear only on Commit,
// and keep mode 0600.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "io/atomic_file.h"
#include "testing/subprocess.h"

namespace coupongen {
namespace {

TEST(AtomicFileStreamingTest, ManyChunksArriveIntact) {
  std::string dir = testing::MakeTempDir(), target = dir + "/big.csv";
  auto f = AtomicFile::Create(target, false);
  ASSERT_TRUE(f.ok()) << f.status().message();
  // 37 MiB and a bit, in uneven pieces, so chunk boundaries fall inside appends.
  std::string expected;
  uint32_t x = 12345;
  for (size_t piece = 0; expected.size() < (37u << 20) + 4321; ++piece) {
    std::string data((piece * 7919) % (3u << 20) + 1, '\0');
    for (auto& c : data) {
      x = x * 1103515245u + 12345u;  // test data only
      c = static_cast<char>('A' + (x >> 16) % 26);
    }
    ASSERT_TRUE((*f)->Append(data).ok());
    expected += data;
  }
  EXPECT_EQ((*f)->bytes_written(), expected.size());
  EXPECT_FALSE(testing::FileExists(target));
  ASSERT_TRUE((*f)->Close().ok());
  ASSERT_TRUE((*f)->Commit().ok());
  EXPECT_TRUE(testing::ReadFile(target) == expected);  // not EXPECT_EQ: no 37 MiB diff on failure
  struct stat st;
  ASSERT_EQ(stat(target.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(testing::ListDir(dir), (std::vector<std::string>{"big.csv"}));
}

}  // namespace
}  // namespace coupongen
