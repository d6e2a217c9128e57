#include "io/text_source.h"

#include <cstring>

namespace coupongen {
namespace {

class Utf16Source : public ByteSource {
 public:
  Utf16Source(std::unique_ptr<ByteSource> in, bool big_endian) : in_(std::move(in)), big_endian_(big_endian) {}

  Result<size_t> Read(char* buf, size_t n) override {
    while (out_.size() - out_pos_ == 0) {
      out_.clear();
      out_pos_ = 0;
      if (done_) return size_t{0};
      COUPONGEN_RETURN_IF_ERROR(Fill());
    }
    size_t k = std::min(n, out_.size() - out_pos_);
    std::memcpy(buf, out_.data() + out_pos_, k);
    out_pos_ += k;
    return k;
  }

 private:
  Status Fill() {
    char chunk[64 << 10];
    auto got = in_->Read(chunk, sizeof chunk);
    if (!got.ok()) return got.status();
    if (*got == 0) {
      done_ = true;
      if (!pending_.empty()) return Status::Invalid("truncated UTF-16 text (an odd number of bytes)");
      if (high_) return Status::Invalid("invalid UTF-16 text (a lone surrogate at the end)");
      return Status::Ok();
    }
    pending_.append(chunk, *got);
    size_t i = 0;
    for (; i + 2 <= pending_.size(); i += 2) {
      unsigned char a = static_cast<unsigned char>(pending_[i]), b = static_cast<unsigned char>(pending_[i + 1]);
      uint32_t u = big_endian_ ? (a << 8 | b) : (b << 8 | a);
      if (high_) {
        if (u < 0xDC00 || u > 0xDFFF) return Status::Invalid("invalid UTF-16 text (an unpaired surrogate)");
        Append(0x10000 + ((high_ - 0xD800) << 10) + (u - 0xDC00));
        high_ = 0;
      } else if (u >= 0xD800 && u <= 0xDBFF) {
        high_ = u;
      } else if (u >= 0xDC00 && u <= 0xDFFF) {
        return Status::Invalid("invalid UTF-16 text (an unpaired surrogate)");
      } else {
        Append(u);
      }
    }
    pending_.erase(0, i);
    return Status::Ok();
  }

  void Append(uint32_t cp) {
    if (cp < 0x80) {
      out_.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out_.push_back(static_cast<char>(0xC0 | cp >> 6));
      out_.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out_.push_back(static_cast<char>(0xE0 | cp >> 12));
      out_.push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3F)));
      out_.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out_.push_back(static_cast<char>(0xF0 | cp >> 18));
      out_.push_back(static_cast<char>(0x80 | (cp >> 12 & 0x3F)));
      out_.push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3F)));
      out_.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  std::unique_ptr<ByteSource> in_;
  bool big_endian_;
  std::string pending_;  // bytes of an incomplete code unit
  uint32_t high_ = 0;    // a high surrogate waiting for its pair
  std::string out_;
  size_t out_pos_ = 0;
  bool done_ = false;
};

// Reads up to `n` bytes from the start of `source` (fewer only at the end of the input).
Result<std::string> Peek(ByteSource& source, size_t n) {
  std::string head(n, '\0');
  size_t got = 0;
  while (got < n) {
    auto r = source.Read(head.data() + got, n - got);
    if (!r.ok()) return r.status();
    if (*r == 0) break;
    got += *r;
  }
  head.resize(got);
  return head;
}

}  // namespace

std::unique_ptr<ByteSource> NewUtf16Source(std::unique_ptr<ByteSource> source, bool big_endian) {
  return std::make_unique<Utf16Source>(std::move(source), big_endian);
}

Result<std::unique_ptr<ByteSource>> OpenTextSource(const std::string& path, std::string* encoding) {
  auto opened = OpenFileSource(path);
  if (!opened.ok()) return opened.status();
  std::unique_ptr<ByteSource> source = std::move(opened).value();
  auto head = Peek(*source, 2);
  if (!head.ok()) return head.status();
  if (HasGzipMagic(head->data(), head->size())) {
    source = NewGzipSource(NewPrefixedSource(std::move(*head), std::move(source)));
    head = Peek(*source, 2);
    if (!head.ok()) return head.status();
  }
  if (encoding) *encoding = "utf-8";
  if (*head == "\xFF\xFE" || *head == "\xFE\xFF") {
    bool big = *head == "\xFE\xFF";
    if (encoding) *encoding = big ? "utf-16be" : "utf-16le";
    return NewUtf16Source(std::move(source), big);  // the BOM is not passed on
  }
  return NewPrefixedSource(std::move(*head), std::move(source));
}

}  // namespace coupongen
