// ByteSource: where readers get bytes (the reading twin of OutputSink). One virtual call per
// chunk, never per byte. Sources for a file descriptor, an in-memory string, and a gzip stream
// layered on another source (zlib inflate, streaming, multi-member).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "base/status.h"

namespace coupongen {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  /// Reads up to `n` bytes (n > 0) into `buf`. Returns the count read, 0 only at the end of the
  /// input, or an error Status whose message says what went wrong without naming the file (the
  /// caller adds the name and the place).
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
};

/// Opens `path` for reading; "-" is standard input (not closed by the source).
/// Errors are Status::IoError("PATH: cannot open: REASON").
Result<std::unique_ptr<ByteSource>> OpenFileSource(const std::string& path);

/// Serves the bytes of `data`.
std::unique_ptr<ByteSource> NewStringSource(std::string data);

/// Serves `prefix` first, then the bytes of `rest` (used to put back bytes read to sniff a
/// format).
std::unique_ptr<ByteSource> NewPrefixedSource(std::string prefix, std::unique_ptr<ByteSource> rest);

/// Inflates the gzip stream read from `compressed`. Concatenated gzip members are read one after
/// the other (as gzip -d does). A stream that ends before its trailer is an error
/// ("truncated gzip data ..."), so is corrupt data or anything but another member after one.
std::unique_ptr<ByteSource> NewGzipSource(std::unique_ptr<ByteSource> compressed);

/// True when `data` starts with the gzip magic bytes 1f 8b.
inline bool HasGzipMagic(const char* data, size_t n) {
  return n >= 2 && static_cast<unsigned char>(data[0]) == 0x1f && static_cast<unsigned char>(data[1]) == 0x8b;
}

}  // namespace coupongen
