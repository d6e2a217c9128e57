// The CSV reader's fast path: one pass over the bytes of a record without quotes that finds its
// line end, splits it into fields at the commas and learns whether it is all ASCII (so valid
// UTF-8: its fields need no UTF-8 check) and whether it holds a NUL byte, 16 bytes at a time (SSE2;
// a byte loop elsewhere). A record with a quote before its line end, or whose line end is not in
// the bytes given, is left to the general reader (csv_coupon_parser.cc: FindRecord, SplitRecord),
// which reads it the same way.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace coupongen {

struct PlainRecord {
  size_t len = 0;       // up to the '\n' (exclusive), a '\r' before it removed
  size_t advance = 0;   // with the line end: where the next record starts
  bool ascii = true;    // no byte >= 0x80 in the record
  bool nul = false;     // a NUL byte in the record
};

enum class SplitResult {
  kSplit,      // a record without quotes: *rec and *fields are set
  kQuote,      // a '"' before the first '\n': read it the general way
  kNoNewline,  // no '\n' in [p, end): more input is needed (or it is the last record)
};

/// Splits the record at the start of [p, end): on kSplit, *fields holds its fields (pointing into
/// [p, end); the last one ends before the line end, "\r\n" or "\n") and *rec what the record is.
/// On the other results *fields and *rec are unspecified.
SplitResult SplitPlainRecord(const char* p, const char* end, std::vector<std::string_view>* fields, PlainRecord* rec);

/// The same a byte at a time: what SplitPlainRecord does where SSE2 is not available (and what
/// the tests compare it with).
SplitResult SplitPlainRecordBytewise(const char* p, const char* end, std::vector<std::string_view>* fields,
                                     PlainRecord* rec);

}  // namespace coupongen
