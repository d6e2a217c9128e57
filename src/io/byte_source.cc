#include "io/byte_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

namespace coupongen {
namespace {

class FdSource : public ByteSource {
 public:
  FdSource(int fd, bool owned) : fd_(fd), owned_(owned) {}
  ~FdSource() override {
    if (owned_) ::close(fd_);
  }
  Result<size_t> Read(char* buf, size_t n) override {
    while (true) {
      ssize_t got = ::read(fd_, buf, n);
      if (got >= 0) return static_cast<size_t>(got);
      if (errno != EINTR) return Status::IoError(std::string("read error: ") + std::strerror(errno));
    }
  }

 private:
  int fd_;
  bool owned_;
};

class StringSource : public ByteSource {
 public:
  explicit StringSource(std::string data) : data_(std::move(data)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    size_t k = std::min(n, data_.size() - pos_);
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }

 private:
  std::string data_;
  size_t pos_ = 0;
};

class PrefixedSource : public ByteSource {
 public:
  PrefixedSource(std::string prefix, std::unique_ptr<ByteSource> rest)
      : prefix_(std::move(prefix)), rest_(std::move(rest)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    if (pos_ < prefix_.size()) {
      size_t k = std::min(n, prefix_.size() - pos_);
      std::memcpy(buf, prefix_.data() + pos_, k);
      pos_ += k;
      return k;
    }
    return rest_->Read(buf, n);
  }

 private:
  std::string prefix_;
  size_t pos_ = 0;
  std::unique_ptr<ByteSource> rest_;
};

// Inflates gzip members one after another. Output is produced into the caller's buffer directly;
// compressed input goes through a 64 KiB buffer.
class GzipSource : public ByteSource {
 public:
  explicit GzipSource(std::unique_ptr<ByteSource> in) : in_(std::move(in)), inbuf_(new char[kInSize]) {
    init_status_ = inflateInit2(&z_, 16 + MAX_WBITS);  // 16: gzip wrapper only
  }
  ~GzipSource() override {
    if (init_status_ == Z_OK) inflateEnd(&z_);
  }

  Result<size_t> Read(char* buf, size_t n) override {
    if (init_status_ != Z_OK) return Status::IoError("cannot start zlib (out of memory)");
    n = std::min<size_t>(n, std::numeric_limits<uInt>::max());
    size_t produced = 0;
    while (produced == 0) {
      if (member_end_) {
        // Another member, or the end of the input.
        while (z_.avail_in < 2 && !in_eof_) COUPONGEN_RETURN_IF_ERROR(FillInput());
        if (z_.avail_in == 0) return size_t{0};
        if (!HasGzipMagic(reinterpret_cast<const char*>(z_.next_in), z_.avail_in))
          return Status::Invalid("unexpected data after the end of the gzip stream");
        inflateReset(&z_);
        member_end_ = false;
      }
      if (z_.avail_in == 0) {
        if (in_eof_) return Status::Invalid("truncated gzip data (the compressed stream ends early)");
        COUPONGEN_RETURN_IF_ERROR(FillInput());
        continue;
      }
      z_.next_out = reinterpret_cast<Bytef*>(buf);
      z_.avail_out = static_cast<uInt>(n);
      int r = inflate(&z_, Z_NO_FLUSH);
      produced = n - z_.avail_out;
      if (r == Z_STREAM_END) {
        member_end_ = true;
      } else if (r == Z_NEED_DICT || r == Z_DATA_ERROR) {
        return Status::Invalid(std::string("corrupt gzip data (") + (z_.msg ? z_.msg : "invalid data") + ")");
      } else if (r == Z_MEM_ERROR) {
        return Status::IoError("out of memory while inflating gzip data");
      }
      // Z_OK and Z_BUF_ERROR: more input or output space is needed; loop.
    }
    return produced;
  }

 private:
  static constexpr size_t kInSize = 64 << 10;

  // Moves the unread compressed bytes to the front and reads more after them.
  Status FillInput() {
    if (z_.avail_in > 0 && z_.next_in != reinterpret_cast<Bytef*>(inbuf_.get()))
      std::memmove(inbuf_.get(), z_.next_in, z_.avail_in);
    z_.next_in = reinterpret_cast<Bytef*>(inbuf_.get());
    Result<size_t> got = in_->Read(inbuf_.get() + z_.avail_in, kInSize - z_.avail_in);
    if (!got.ok()) return got.status();
    if (*got == 0) in_eof_ = true;
    z_.avail_in += static_cast<uInt>(*got);
    return Status::Ok();
  }

  std::unique_ptr<ByteSource> in_;
  std::unique_ptr<char[]> inbuf_;
  z_stream z_{};
  int init_status_ = Z_OK;
  bool in_eof_ = false;
  bool member_end_ = false;
};

}  // namespace

Result<std::unique_ptr<ByteSource>> OpenFileSource(const std::string& path) {
  if (path == "-") return std::unique_ptr<ByteSource>(new FdSource(STDIN_FILENO, false));
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return Status::IoError(path + ": cannot open: " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::IoError(path + ": cannot open: " + std::strerror(EISDIR));
  }
  return std::unique_ptr<ByteSource>(new FdSource(fd, true));
}

std::unique_ptr<ByteSource> NewStringSource(std::string data) {
  return std::make_unique<StringSource>(std::move(data));
}

std::unique_ptr<ByteSource> NewPrefixedSource(std::string prefix, std::unique_ptr<ByteSource> rest) {
  return std::make_unique<PrefixedSource>(std::move(prefix), std::move(rest));
}

std::unique_ptr<ByteSource> NewGzipSource(std::unique_ptr<ByteSource> compressed) {
  return std::make_unique<GzipSource>(std::move(compressed));
}

}  // namespace coupongen
