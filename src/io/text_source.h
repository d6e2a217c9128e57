// Text files as people export them, as UTF-8 bytes: gzip-compressed or not, UTF-8 (with or
// without a BOM) or UTF-16 little- or big-endian with a BOM (Excel's "Unicode text"), which is
// transcoded. For the recipients reader; the coupon readers detect formats themselves.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "io/byte_source.h"

namespace coupongen {

/// Opens `path` ("-" = stdin) as UTF-8 text (see above). `*encoding` (optional) is set to "utf-8",
/// "utf-16le" or "utf-16be".
Result<std::unique_ptr<ByteSource>> OpenTextSource(const std::string& path, std::string* encoding = nullptr);

/// Transcodes UTF-16 (without its BOM) read from `source` into UTF-8. An unpaired surrogate or
/// an odd number of bytes is an error.
std::unique_ptr<ByteSource> NewUtf16Source(std::unique_ptr<ByteSource> source, bool big_endian);

}  // namespace coupongen
