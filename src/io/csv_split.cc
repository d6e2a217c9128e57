#include "io/csv_split.h"

#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace coupongen {
namespace {

// The record ends at `nl` (the offset of its '\n' from `start`): the last field, the '\r'.
SplitResult Finish(const char* start, size_t field_start, size_t nl, std::vector<std::string_view>* fields,
                   PlainRecord* rec) {
  size_t len = (nl > 0 && start[nl - 1] == '\r') ? nl - 1 : nl;
  // A "\r\n" right after a comma: the '\r' is not in the last field (which is then empty).
  fields->emplace_back(start + field_start, len >= field_start ? len - field_start : 0);
  rec->len = len;
  rec->advance = nl + 1;
  return SplitResult::kSplit;
}

}  // namespace

SplitResult SplitPlainRecord(const char* p, const char* end, std::vector<std::string_view>* fields, PlainRecord* rec) {
#if defined(__SSE2__)
  fields->clear();
  rec->ascii = true;
  rec->nul = false;
  const char* const start = p;
  const size_t n = static_cast<size_t>(end - p);
  size_t field_start = 0;  // offset of the current field
  const __m128i comma = _mm_set1_epi8(','), newline = _mm_set1_epi8('\n'), quote = _mm_set1_epi8('"');
  const __m128i zero = _mm_setzero_si128();
  unsigned odd = 0;  // bytes >= 0x80 or NUL so far (rare: then the record is looked at again)
  for (size_t base = 0; base < n; base += 16) {
    __m128i v;
    size_t avail = n - base;
    unsigned valid = 0xFFFF;
    if (avail >= 16) {
      v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + base));
    } else {  // the last bytes of the buffer: never read past its end
      alignas(16) char tail[16] = {};
      std::memcpy(tail, p + base, avail);
      v = _mm_load_si128(reinterpret_cast<const __m128i*>(tail));
      valid = (1u << avail) - 1;
    }
    unsigned commas = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, comma))) & valid;
    unsigned stops = static_cast<unsigned>(_mm_movemask_epi8(
                         _mm_or_si128(_mm_cmpeq_epi8(v, newline), _mm_cmpeq_epi8(v, quote)))) & valid;
    unsigned odd_here = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(v, _mm_cmpeq_epi8(v, zero)))) & valid;
    unsigned stop_bit = 0;
    if (stops) {
      stop_bit = static_cast<unsigned>(__builtin_ctz(stops));
      unsigned before = (1u << stop_bit) - 1;  // the bytes of this block before the stop
      commas &= before;
      odd_here &= before;
    }
    for (; commas; commas &= commas - 1) {
      size_t at = base + static_cast<unsigned>(__builtin_ctz(commas));
      fields->emplace_back(start + field_start, at - field_start);
      field_start = at + 1;
    }
    odd |= odd_here;
    if (stops) {
      size_t at = base + stop_bit;
      if (p[at] == '"') return SplitResult::kQuote;
      if (odd) {  // a byte >= 0x80 or a NUL: which
        for (size_t k = 0; k < at; ++k) {
          if (static_cast<unsigned char>(p[k]) >= 0x80) rec->ascii = false;
          if (p[k] == '\0') rec->nul = true;
        }
      }
      return Finish(start, field_start, at, fields, rec);
    }
  }
  return SplitResult::kNoNewline;
#else
  return SplitPlainRecordBytewise(p, end, fields, rec);
#endif
}

SplitResult SplitPlainRecordBytewise(const char* p, const char* end, std::vector<std::string_view>* fields,
                                     PlainRecord* rec) {
  fields->clear();
  const size_t n = static_cast<size_t>(end - p);
  size_t field_start = 0;
  bool high = false, nul = false;
  for (size_t at = 0; at < n; ++at) {
    char c = p[at];
    if (c == ',') {
      fields->emplace_back(p + field_start, at - field_start);
      field_start = at + 1;
    } else if (c == '\n') {
      rec->ascii = !high;
      rec->nul = nul;
      return Finish(p, field_start, at, fields, rec);
    } else if (c == '"') {
      return SplitResult::kQuote;
    } else {
      high |= static_cast<unsigned char>(c) >= 0x80;
      nul |= c == '\0';
    }
  }
  return SplitResult::kNoNewline;
}

}  // namespace coupongen
