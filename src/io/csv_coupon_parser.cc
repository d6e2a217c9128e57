// The CSV and plain-text coupon parsers (see io/coupon_reader.h for the formats).
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "base/strings.h"
#include "io/coupon_fields.h"
#include "io/coupon_parsers.h"
#include "io/csv_split.h"
#include "io/text_scan.h"

namespace coupongen {
namespace {

constexpr size_t kMaxRecord = 8u << 20;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Nothing but what Trim removes (spaces, tabs, line ends).
bool IsBlank(std::string_view s) { return s.empty() || (IsSpace(s[0]) && Trim(s).empty()); }

bool HasNul(std::string_view s) {
  return !IsAsciiWithoutNul(s.data(), s.size()) && std::memchr(s.data(), '\0', s.size()) != nullptr;
}

// Where a record or line starting at ctx->in.data() ends.
struct Span {
  bool found = false;  // false at the end of the input
  size_t len = 0;      // without the line end (LF or CRLF)
  size_t advance = 0;  // with it
};

Span EndAt(const char* data, size_t pos, bool newline) {
  Span s;
  s.found = true;
  s.advance = pos + (newline ? 1 : 0);
  s.len = (pos > 0 && data[pos - 1] == '\r') ? pos - 1 : pos;
  return s;
}

// Finds the end of the line at ctx->in.data(). False on an error (ctx->status).
bool FindLine(ReadContext* ctx, Span* span) {
  ctx->row = {ctx->line, 0};
  size_t pos = 0;
  while (true) {
    const char* d = ctx->in.data();
    if (const void* nl = std::memchr(d + pos, '\n', ctx->in.size() - pos)) {
      *span = EndAt(d, static_cast<const char*>(nl) - d, true);
      return true;
    }
    pos = ctx->in.size();
    if (pos > kMaxRecord) return ctx->Fail(ctx->Where(), "a line longer than 8 MiB (binary data?)");
    if (!ctx->Refill()) {
      if (!ctx->status.ok()) return false;
      *span = pos == 0 ? Span{} : EndAt(ctx->in.data(), pos, false);
      return true;
    }
  }
}

// Finds the end of the CSV record at ctx->in.data(): a line, unless a quoted field holds line
// ends. A quote opens a quoted field only at the start of a field, or right after a closing quote
// (an escaped '"'), as SplitRecord reads it. It hops from quote to quote with memchr.
bool FindRecord(ReadContext* ctx, Span* span) {
  ctx->row = {ctx->line, 0};
  bool in_quotes = false;
  size_t pos = 0;                         // the next byte to look at
  size_t after_close = 0;                 // 1 + the offset of the last closing quote, or 0
  uint32_t newlines = 0, quote_line = 0;  // line ends inside quotes; where the open field started
  while (true) {
    const char* d = ctx->in.data();
    size_t n = ctx->in.size();
    while (pos < n) {
      if (in_quotes) {
        const char* q = static_cast<const char*>(std::memchr(d + pos, '"', n - pos));
        size_t stop = q ? static_cast<size_t>(q - d) : n;
        newlines += static_cast<uint32_t>(std::count(d + pos, d + stop, '\n'));
        pos = stop;
        if (!q) break;
        in_quotes = false;
        after_close = ++pos;
        continue;
      }
      const char* nl = static_cast<const char*>(std::memchr(d + pos, '\n', n - pos));
      size_t limit = nl ? static_cast<size_t>(nl - d) : n;
      const char* q = static_cast<const char*>(std::memchr(d + pos, '"', limit - pos));
      if (!q) {
        if (nl) {
          *span = EndAt(d, limit, true);
          return true;
        }
        pos = n;
        break;
      }
      size_t qo = static_cast<size_t>(q - d);
      bool field_start = qo == 0 || d[qo - 1] == ',';
      if (field_start) quote_line = ctx->line + newlines;
      in_quotes = field_start || after_close == qo;
      pos = qo + 1;
    }
    if (pos > kMaxRecord)
      return ctx->Fail(ctx->Where(), "a CSV record longer than 8 MiB (a quoted field opened on line " +
                                         std::to_string(quote_line) + " may never close)");
    if (!ctx->Refill()) {
      if (!ctx->status.ok()) return false;
      if (in_quotes)
        return ctx->Fail(ctx->Where(), "unterminated quoted field: the '\"' opened on line " +
                                           std::to_string(quote_line) + " never closes");
      *span = pos == 0 ? Span{} : EndAt(ctx->in.data(), pos, false);
      return true;
    }
  }
}

// Splits a record (found by FindRecord) into fields; quoted fields are unquoted into *scratch,
// which the fields may point into. Returns 0, or the 1-based column of the first field with text
// after its closing quote.
size_t SplitRecord(std::string_view rec, std::vector<std::string_view>* fields, std::string* scratch) {
  fields->clear();
  scratch->clear();
  scratch->reserve(rec.size());  // no reallocation below: fields point into it
  size_t bad_column = 0;
  const char* p = rec.data();
  const char* end = p + rec.size();
  while (true) {
    if (p < end && *p == '"') {
      ++p;
      size_t start = scratch->size();
      while (true) {
        const char* q = static_cast<const char*>(std::memchr(p, '"', end - p));
        if (!q) q = end;  // cannot happen after FindRecord; take the rest
        scratch->append(p, q - p);
        p = q < end ? q + 1 : end;
        if (p < end && *p == '"') {
          scratch->push_back('"');
          ++p;
          continue;
        }
        break;
      }
      fields->emplace_back(scratch->data() + start, scratch->size() - start);
      if (p < end && *p != ',') {
        if (bad_column == 0) bad_column = fields->size();
        const char* comma = static_cast<const char*>(std::memchr(p, ',', end - p));
        p = comma ? comma : end;
      }
    } else {
      const char* comma = static_cast<const char*>(std::memchr(p, ',', end - p));
      const char* q = comma ? comma : end;
      fields->emplace_back(p, q - p);
      p = q;
    }
    if (p == end) break;
    ++p;  // the comma
  }
  return bad_column;
}

class CsvParser : public CouponParser {
 public:
  explicit CsvParser(ReadContext* ctx) : ctx_(ctx) {}

  // Reads the header record. False with ctx->status set when it has no usable 'code' column.
  bool ReadHeader() {
    Span span;
    if (!FindRecord(ctx_, &span)) return false;
    std::string where = ctx_->Where();
    header_.assign(ctx_->in.data(), span.len);
    if (HasNul(header_)) return ctx_->Fail(where, "NUL byte (binary data, not a CSV file)");
    SplitRecord(header_, &fields_, &scratch_);
    std::vector<std::string> names;
    std::vector<size_t> first_column(static_cast<size_t>(Field::kCount), 0);
    for (size_t i = 0; i < fields_.size(); ++i) {
      std::string_view name = Trim(fields_[i]);
      names.emplace_back(name);
      std::optional<Field> f = FieldFromName(name, /*ignore_case=*/true);
      columns_.push_back(f ? static_cast<int>(*f) : -1);
      if (!f) continue;
      size_t& first = first_column[static_cast<size_t>(*f)];
      if (first != 0)
        return ctx_->Fail(where, "column '" + std::string(FieldName(*f)) + "' appears twice in the CSV header (columns " +
                                     std::to_string(first) + " and " + std::to_string(i + 1) + ")");
      first = i + 1;
    }
    if (first_column[static_cast<size_t>(Field::kCode)] == 0)
      return ctx_->Fail("", "no 'code' column in the CSV header (columns: " + Join(names, ", ") + ")");
    for (size_t f = 0; f < first_column.size(); ++f)
      if (first_column[f] == 0) other_fields_ |= 1u << f;
    ctx_->Advance(span.advance);
    return true;
  }

  bool Next(CouponRow* row) override {
    if (NextRecord(row)) return true;
    ClearCoupon(&row->coupon);  // the columns' fields may hold the last row's values
    return false;
  }

  // The columns' fields are set or unset by every row (Convert): only the others are cleared
  // (they usually are already).
  void Clear(Coupon* c) override {
    auto other = [&](Field f) { return (other_fields_ >> static_cast<unsigned>(f)) & 1u; };
    if (other(Field::kPromotionRuleId)) c->promotion_rule_id.reset();
    if (other(Field::kUsageLimit)) c->usage_limit.reset();
    if (other(Field::kCustomerSingleUse)) c->customer_single_use.reset();
    if (other(Field::kRecipientEmail)) c->recipient_email.reset();
    if (other(Field::kExpiresAt)) c->expires_at.reset();
    if (other(Field::kReference)) c->reference.reset();
    if (other(Field::kReferenceOrigin)) c->reference_origin.reset();
    if (other(Field::kMetadata)) c->metadata.reset();
    if (other(Field::kTags)) c->tags.clear();
    static_assert(static_cast<unsigned>(Field::kCount) == 10, "a new field: clear it here");
  }

  InputFormat format() const override { return InputFormat::kCsv; }
  const std::string& csv_header() const override { return header_; }

 private:
  bool NextRecord(CouponRow* row) {
    while (true) {
      // The fast path: a record without quotes whose line end is in the buffer, split in one pass.
      ctx_->row = {ctx_->line, 0};
      const char* d = ctx_->in.data();
      PlainRecord plain;
      if (SplitPlainRecord(d, d + ctx_->in.size(), &fields_, &plain) == SplitResult::kSplit) {
        std::string_view rec(d, plain.len);
        bool blank = IsBlank(rec);  // a blank line holds no coupon
        if (!blank) {
          row->number.number = ctx_->line;
          if (plain.nul) return ctx_->Fail(ctx_->Where(), "NUL byte (binary data, not a CSV file)");
          row->raw.assign(rec);
          Convert(0, plain.ascii, row);
        }
        ++ctx_->line;  // the record holds one line end, its last byte
        ctx_->column = 0;
        ctx_->in.Consume(plain.advance);
        if (blank) continue;
        return true;
      }
      // Quotes, or the record's end is not in the buffer yet.
      Span span;
      if (!FindRecord(ctx_, &span)) return false;
      if (!span.found) return false;
      std::string_view rec(ctx_->in.data(), span.len);
      if (IsBlank(rec)) {  // a blank line holds no coupon
        ctx_->Advance(span.advance);
        continue;
      }
      row->number.number = ctx_->line;
      if (HasNul(rec)) return ctx_->Fail(ctx_->Where(), "NUL byte (binary data, not a CSV file)");
      row->raw.assign(rec);
      Convert(SplitRecord(rec, &fields_, &scratch_), /*ascii=*/false, row);
      ctx_->Advance(span.advance);
      return true;
    }
  }

  // The row's coupon from fields_: `bad` is SplitRecord's column with text after a closing quote
  // (0: none); `ascii` says the fields need no UTF-8 check. Every column's field is set, or unset
  // when its cell is empty, missing or has a problem.
  void Convert(size_t bad, bool ascii, CouponRow* row) {
    if (bad != 0)
      ctx_->AddProblem(row, "", "malformed CSV: text after the closing quote of field " + std::to_string(bad));
    if (fields_.size() != columns_.size())
      ctx_->AddProblem(row, "", std::to_string(fields_.size()) + (fields_.size() == 1 ? " field" : " fields") +
                                    ", but the header has " + std::to_string(columns_.size()) + " columns");
    // (Locals: the calls below could change members as far as the compiler knows.)
    const int* columns = columns_.data();
    const std::string_view* cells = fields_.data();
    const size_t column_count = columns_.size(), cell_count = fields_.size();
    for (size_t i = 0; i < column_count; ++i) {
      if (columns[i] < 0) continue;
      Field f = static_cast<Field>(columns[i]);
      if (i >= cell_count || cells[i].empty()) {
        ClearField(f, &row->coupon);
        continue;
      }
      if (ascii && SetFieldFromAsciiTextQuickly(f, cells[i], &row->coupon)) continue;
      std::string why = ascii ? SetFieldFromUtf8Text(f, cells[i], &row->coupon)
                              : SetFieldFromText(f, cells[i], &row->coupon);
      if (!why.empty()) {
        ClearField(f, &row->coupon);
        ctx_->AddProblem(row, FieldName(f), std::move(why));
      }
    }
  }

  ReadContext* ctx_;
  std::string header_;
  std::vector<int> columns_;  // the Field of each column, -1 for an ignored one
  unsigned other_fields_ = 0;  // the fields no column holds (bit 1 << Field); never the code
  std::vector<std::string_view> fields_;
  std::string scratch_;
};

class TextParser : public CouponParser {
 public:
  explicit TextParser(ReadContext* ctx) : ctx_(ctx) {}

  bool Next(CouponRow* row) override {
    while (true) {
      Span span;
      if (!FindLine(ctx_, &span)) return false;
      if (!span.found) return false;
      std::string_view line(ctx_->in.data(), span.len);
      if (HasNul(line)) return ctx_->Fail(ctx_->Where(), "NUL byte (binary data, not a text file)");
      std::string_view code = Trim(line);
      if (code.empty()) {
        ctx_->Advance(span.advance);
        continue;
      }
      row->number.number = ctx_->line;
      row->raw.assign(line);
      std::string why = SetFieldFromText(Field::kCode, code, &row->coupon);
      if (!why.empty()) ctx_->AddProblem(row, "code", std::move(why));
      ctx_->Advance(span.advance);
      return true;
    }
  }

  InputFormat format() const override { return InputFormat::kText; }

 private:
  ReadContext* ctx_;
};

}  // namespace

// The first non-blank line decides: a CSV header holds a comma or a quote, or is just "code";
// anything else is the first code of a text file.
std::unique_ptr<CouponParser> NewCsvOrTextParser(ReadContext* ctx) {
  Span span;
  while (true) {
    if (!FindLine(ctx, &span)) return nullptr;
    if (!span.found) {
      ctx->Fail("", std::string("empty file (") + kExpectedCouponFile + ")");
      return nullptr;
    }
    if (!Trim(std::string_view(ctx->in.data(), span.len)).empty()) break;
    ctx->Advance(span.advance);
  }
  std::string_view first(ctx->in.data(), span.len);
  bool has_comma = first.find_first_of(",\"") != std::string_view::npos;
  if (!has_comma && first.find('\t') != std::string_view::npos) {
    ctx->Fail(ctx->Where(),
              "tab-separated values are not read (expected comma-separated CSV with a 'code' column, or one code per line)");
    return nullptr;
  }
  if (has_comma || EqualsIgnoreCase(Trim(first), "code")) {
    auto csv = std::make_unique<CsvParser>(ctx);
    if (!csv->ReadHeader()) return nullptr;
    return csv;
  }
  return std::make_unique<TextParser>(ctx);
}

}  // namespace coupongen
