// Direct tests of io/byte_source: the string, prefixed, file and gzip sources, read in short and
// long pieces, at the end of their input, and through truncated, corrupt and trailing gzip data.
#include "io/byte_source.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "testing/subprocess.h"

namespace coupongen {
namespace {

using testing::MakeTempDir;
using testing::WriteFile;

// Gzip-compresses `data` into one member (with a file name in the header when `name` is set).
std::string Gzip(const std::string& data, const char* name = nullptr) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  gz_header header{};
  if (name) {
    header.name = reinterpret_cast<Bytef*>(const_cast<char*>(name));
    EXPECT_EQ(deflateSetHeader(&z, &header), Z_OK);
  }
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// Text that compresses but not to nothing: numbered lines.
std::string Lines(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += "line " + std::to_string(i * 7919 % 100003) + ",CODE-" + std::to_string(i) + "\n";
  return s;
}

// Serves `data` at most `max` bytes per Read (a pipe or a slow disk), then fails with `error` if set.
class TrickleSource : public ByteSource {
 public:
  TrickleSource(std::string data, size_t max, std::string error = "")
      : data_(std::move(data)), max_(max), error_(std::move(error)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    EXPECT_GT(n, 0u);  // the interface's REQUIRES
    if (pos_ == data_.size() && !error_.empty()) return Status::IoError(error_);
    size_t k = std::min({n, max_, data_.size() - pos_});
    std::copy_n(data_.data() + pos_, k, buf);
    pos_ += k;
    return k;
  }

 private:
  std::string data_;
  size_t pos_ = 0;
  size_t max_;
  std::string error_;
};

struct Drained {
  std::string data;
  std::string error;  // empty when the source ended cleanly
  Status::Code code = Status::Code::kOk;
  size_t largest_read = 0;
};

// Reads `src` to its end (or first error) in pieces of `step` bytes; checks that no Read returns
// more than asked and that the end, once reached, stays the end.
Drained Drain(ByteSource& src, size_t step) {
  Drained d;
  std::vector<char> buf(step);
  for (int guard = 0; guard < 100000000; ++guard) {
    Result<size_t> got = src.Read(buf.data(), step);
    if (!got.ok()) {
      d.error = got.status().message();
      d.code = got.status().code();
      return d;
    }
    EXPECT_LE(*got, step);
    if (*got == 0) {
      Result<size_t> again = src.Read(buf.data(), step);
      EXPECT_TRUE(again.ok() && *again == 0) << "a second Read after the end did not return 0";
      return d;
    }
    d.largest_read = std::max(d.largest_read, *got);
    d.data.append(buf.data(), *got);
  }
  ADD_FAILURE() << "the source never ended";
  return d;
}

TEST(ByteSourceTest, StringSourceServesEveryByteInPiecesOfAnySize) {
  const std::string text = Lines(100);
  for (size_t step : {size_t{1}, size_t{3}, size_t{64}, text.size(), text.size() + 1, size_t{1} << 20}) {
    SCOPED_TRACE(step);
    auto src = NewStringSource(text);
    Drained d = Drain(*src, step);
    EXPECT_EQ(d.error, "");
    EXPECT_EQ(d.data, text);
    EXPECT_EQ(d.largest_read, std::min(step, text.size()));
  }
}

TEST(ByteSourceTest, EmptyStringSourceEndsAtOnce) {
  auto src = NewStringSource("");
  char c;
  Result<size_t> got = src->Read(&c, 1);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, 0u);
}

TEST(ByteSourceTest, PrefixedSourceServesThePrefixThenTheRest) {
  struct Case {
    std::string prefix, rest;
  };
  for (const Case& c : std::vector<Case>{{"ab", "cdef"}, {"", "cdef"}, {"abcd", ""}, {"", ""}}) {
    for (size_t step : {size_t{1}, size_t{3}, size_t{100}}) {
      SCOPED_TRACE(c.prefix + "|" + c.rest + " step " + std::to_string(step));
      auto src = NewPrefixedSource(c.prefix, NewStringSource(c.rest));
      Drained d = Drain(*src, step);
      EXPECT_EQ(d.error, "");
      EXPECT_EQ(d.data, c.prefix + c.rest);
    }
  }
  // A read never spans the seam: the prefix comes back short, on its own.
  auto src = NewPrefixedSource("ab", NewStringSource("cdef"));
  char buf[16];
  Result<size_t> first = src->Read(buf, sizeof buf);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(std::string(buf, *first), "ab");
}

TEST(ByteSourceTest, PrefixedSourcePassesOnErrorsFromTheRest) {
  auto src = NewPrefixedSource("ab", std::make_unique<TrickleSource>("cd", 1, "disk on fire"));
  Drained d = Drain(*src, 8);
  EXPECT_EQ(d.data, "abcd");
  EXPECT_EQ(d.error, "disk on fire");
  EXPECT_EQ(d.code, Status::Code::kIoError);
}

TEST(ByteSourceTest, FileSourceReadsAFileAndNamesItWhenItCannotOpen) {
  std::string dir = MakeTempDir();
  const std::string text = Lines(5000);  // larger than one pipe or page
  WriteFile(dir + "/in.csv", text);
  WriteFile(dir + "/empty.csv", "");

  auto src = OpenFileSource(dir + "/in.csv");
  ASSERT_TRUE(src.ok()) << src.status().message();
  Drained d = Drain(**src, 4096);
  EXPECT_EQ(d.error, "");
  EXPECT_EQ(d.data, text);

  auto empty = OpenFileSource(dir + "/empty.csv");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(Drain(**empty, 10).data, "");

  auto missing = OpenFileSource(dir + "/missing.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kIoError);
  EXPECT_EQ(missing.status().message(), dir + "/missing.csv: cannot open: No such file or directory");

  auto directory = OpenFileSource(dir);
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.status().message(), dir + ": cannot open: Is a directory");

  std::remove((dir + "/in.csv").c_str());
  std::remove((dir + "/empty.csv").c_str());
  ::rmdir(dir.c_str());
}

TEST(ByteSourceTest, FileSourceReportsAReadError) {
  // Reading /proc/self/mem at offset 0 (an unmapped address) fails with EIO.
  auto src = OpenFileSource("/proc/self/mem");
  if (!src.ok()) GTEST_SKIP() << src.status().message();
  char buf[16];
  Result<size_t> got = (*src)->Read(buf, sizeof buf);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), Status::Code::kIoError);
  EXPECT_EQ(got.status().message(), "read error: Input/output error");
}

TEST(ByteSourceTest, DashIsStandardInputAndIsNotClosed) {
  int saved = ::dup(STDIN_FILENO);  // -1 when the test runs with standard input closed
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], "from stdin\n", 11), 11);
  ::close(fds[1]);
  ASSERT_EQ(::dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
  ::close(fds[0]);
  {
    auto src = OpenFileSource("-");
    ASSERT_TRUE(src.ok());
    Drained d = Drain(**src, 4);
    EXPECT_EQ(d.data, "from stdin\n");
  }
  EXPECT_NE(::fcntl(STDIN_FILENO, F_GETFD), -1) << "the source closed standard input";
  if (saved >= 0) {
    EXPECT_EQ(::dup2(saved, STDIN_FILENO), STDIN_FILENO);
    ::close(saved);
  } else {
    ::close(STDIN_FILENO);
  }
}

TEST(ByteSourceTest, HasGzipMagic) {
  EXPECT_TRUE(HasGzipMagic("\x1f\x8b", 2));
  EXPECT_TRUE(HasGzipMagic("\x1f\x8b\x08", 3));
  EXPECT_FALSE(HasGzipMagic("\x1f", 1));
  EXPECT_FALSE(HasGzipMagic("\x1f\x8b", 1));  // only n bytes count
  EXPECT_FALSE(HasGzipMagic("\x8b\x1f", 2));
  EXPECT_FALSE(HasGzipMagic("", 0));
  EXPECT_FALSE(HasGzipMagic("PK", 2));
}

// ---------------------------------------------------------------------------------------------
// Gzip

TEST(GzipSourceTest, InflatesWithShortReadsOnBothSides) {
  const std::string text = Lines(20000);  // several times the 64 KiB input buffer once compressed
  const std::string gz = Gzip(text);
  ASSERT_GT(gz.size(), size_t{64} << 10);
  struct Case {
    size_t in_piece, out_step;
  };
  for (const Case& c : std::vector<Case>{{1 << 20, 1}, {1, 4096}, {7, 13}, {1 << 20, 1 << 20}, {65536, 65536}}) {
    SCOPED_TRACE(std::to_string(c.in_piece) + " / " + std::to_string(c.out_step));
    auto src = NewGzipSource(std::make_unique<TrickleSource>(gz, c.in_piece));
    Drained d = Drain(*src, c.out_step);
    EXPECT_EQ(d.error, "");
    EXPECT_TRUE(d.data == text) << "inflated " << d.data.size() << " bytes, expected " << text.size();
    // (Drain checks that no read is larger than asked; a gzip read may be shorter: it returns what
    // the compressed bytes at hand inflate to.)
  }
}

TEST(GzipSourceTest, AHighlyCompressedStreamComesOutInPiecesNoLargerThanAsked) {
  const std::string zeros(8 << 20, '\0');
  const std::string gz = Gzip(zeros);
  ASSERT_LT(gz.size(), size_t{64} << 10);  // all of it in one input buffer
  auto src = NewGzipSource(NewStringSource(gz));
  Drained d = Drain(*src, 100000);
  EXPECT_EQ(d.error, "");
  EXPECT_EQ(d.data.size(), zeros.size());
  EXPECT_TRUE(d.data == zeros);
  EXPECT_EQ(d.largest_read, 100000u);
}

TEST(GzipSourceTest, ReadsConcatenatedMembersAndHeaderFields) {
  const std::string gz = Gzip("code\n", "a.csv") + Gzip("") + Gzip("A1\nB2\n") + Gzip("C3\n", "c.csv");
  for (size_t step : {size_t{1}, size_t{5}, size_t{4096}}) {
    for (size_t piece : {size_t{1}, size_t{3}, size_t{4096}}) {
      SCOPED_TRACE(std::to_string(step) + " / " + std::to_string(piece));
      auto src = NewGzipSource(std::make_unique<TrickleSource>(gz, piece));
      Drained d = Drain(*src, step);
      EXPECT_EQ(d.error, "");
      EXPECT_EQ(d.data, "code\nA1\nB2\nC3\n");
    }
  }
}

TEST(GzipSourceTest, AnEmptyMemberIsAnEmptyInput) {
  auto src = NewGzipSource(NewStringSource(Gzip("")));
  Drained d = Drain(*src, 16);
  EXPECT_EQ(d.error, "");
  EXPECT_EQ(d.data, "");
}

TEST(GzipSourceTest, AStreamCutAnywhereIsTruncatedAndWhatCameBeforeIsCorrect) {
  const std::string text = "code,value\nA1,10\nB2,20\n";
  const std::string gz = Gzip(text);
  // Every cut: inside the header, the deflate data and the 8-byte trailer. 0 bytes is no gzip at all.
  for (size_t cut = 0; cut < gz.size(); ++cut) {
    SCOPED_TRACE(cut);
    auto src = NewGzipSource(NewStringSource(gz.substr(0, cut)));
    Drained d = Drain(*src, 3);
    EXPECT_EQ(d.error, "truncated gzip data (the compressed stream ends early)");
    EXPECT_EQ(d.code, Status::Code::kInvalid);
    EXPECT_EQ(text.substr(0, d.data.size()), d.data);
  }
  // A second member cut short is truncated too, after the first member's bytes.
  const std::string two = Gzip("first\n") + Gzip("second\n");
  auto src = NewGzipSource(NewStringSource(two.substr(0, two.size() - 4)));
  Drained d = Drain(*src, 64);
  EXPECT_EQ(d.error, "truncated gzip data (the compressed stream ends early)");
  EXPECT_EQ(d.data.substr(0, 6), "first\n");
}

TEST(GzipSourceTest, CorruptOrTrailingDataFailsWithTheExactError) {
  const std::string gz = Gzip("code\nA1\nB2\n");
  auto flip = [&](size_t from_end) {
    std::string s = gz;
    s[s.size() - from_end] ^= 0x01;
    return s;
  };
  struct Case {
    std::string name, input, error;
    Status::Code code;
  };
  const std::vector<Case> cases = {
      {"not gzip", "code\nA1\n", "corrupt gzip data (incorrect header check)", Status::Code::kInvalid},
      {"bad block type", std::string("\x1f\x8b\x08\x00junkjunkjunk", 16), "corrupt gzip data (invalid block type)",
       Status::Code::kInvalid},
      {"bad CRC", flip(8), "corrupt gzip data (incorrect data check)", Status::Code::kInvalid},
      {"bad length", flip(4), "corrupt gzip data (incorrect length check)", Status::Code::kInvalid},
      {"trailing text", gz + "trailing", "unexpected data after the end of the gzip stream", Status::Code::kInvalid},
      {"one trailing byte", gz + "x", "unexpected data after the end of the gzip stream", Status::Code::kInvalid},
      {"trailing magic only", gz + "\x1f\x8b", "truncated gzip data (the compressed stream ends early)",
       Status::Code::kInvalid},
  };
  for (const Case& c : cases) {
    for (size_t piece : {size_t{1}, size_t{1} << 20}) {
      SCOPED_TRACE(c.name + " piece " + std::to_string(piece));
      auto src = NewGzipSource(std::make_unique<TrickleSource>(c.input, piece));
      Drained d = Drain(*src, 4096);
      EXPECT_EQ(d.error, c.error);
      EXPECT_EQ(d.code, c.code);
    }
  }
}

TEST(GzipSourceTest, ErrorsFromTheCompressedSourceArePassedOn) {
  const std::string gz = Gzip(Lines(1000));
  auto src = NewGzipSource(std::make_unique<TrickleSource>(gz.substr(0, gz.size() / 2), 100, "read error: EIO"));
  Drained d = Drain(*src, 4096);
  EXPECT_EQ(d.error, "read error: EIO");
  EXPECT_EQ(d.code, Status::Code::kIoError);
  EXPECT_EQ(Lines(1000).substr(0, d.data.size()), d.data);
}

TEST(GzipSourceTest, ReadsAGzipFileThroughTheFileSource) {
  std::string dir = MakeTempDir(), path = dir + "/codes.csv.gz";
  const std::string text = Lines(3000);
  WriteFile(path, Gzip(text) + Gzip("tail\n"));
  auto file = OpenFileSource(path);
  ASSERT_TRUE(file.ok()) << file.status().message();
  auto src = NewGzipSource(std::move(*file));
  Drained d = Drain(*src, 1000);
  EXPECT_EQ(d.error, "");
  EXPECT_TRUE(d.data == text + "tail\n");
  std::remove(path.c_str());
  ::rmdir(dir.c_str());
}

}  // namespace
}  // namespace coupongen
