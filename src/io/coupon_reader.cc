#include "io/coupon_reader.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstring>

#include "io/coupon_fields.h"
#include "io/coupon_parsers.h"
#include "io/json_cursor.h"
#include "io/text_scan.h"

namespace coupongen {
namespace {

constexpr size_t kSniffBytes = 4096;
constexpr size_t kMaxJsonValue = 256u << 20;

Status WithMessage(const Status& s, std::string message) {
  switch (s.code()) {
    case Status::Code::kIoError: return Status::IoError(std::move(message));
    case Status::Code::kUsage: return Status::Usage(std::move(message));
    case Status::Code::kInfeasible: return Status::Infeasible(std::move(message));
    default: return Status::Invalid(std::move(message));
  }
}

std::string Prefix(std::string_view name, std::string_view where) {
  std::string s(name);
  if (!where.empty()) {
    s += ':';
    s += where;
  }
  return s + ": ";
}

bool IsWs(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// Text files hold no NUL and no control characters but tab, line ends and form feed.
// Binary: a NUL byte, or control bytes more often than a stray one in a text file. A few stray
// control characters in a CSV are the rows' problems (with their row numbers), not the file's.
bool LooksBinary(const char* p, size_t n) {
  size_t controls = 0;
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(p[i]);
    if (c == 0) return true;
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') ++controls;
  }
  return controls > 3 && controls * 64 > n;
}

}  // namespace

const char* const kExpectedCouponFile =
    "expected CSV with a 'code' column, a JSON array of coupons, JSON:API or imports documents, or one "
    "code per line";

const char* InputFormatName(InputFormat f) {
  switch (f) {
    case InputFormat::kCsv: return "csv";
    case InputFormat::kJson: return "json";
    case InputFormat::kJsonApi: return "jsonapi";
    case InputFormat::kImports: return "imports";
    case InputFormat::kJsonApiList: return "jsonapi-list";
    case InputFormat::kText: return "text";
  }
  return "";
}

std::string RowNumber::ToString() const {
  std::string s = std::to_string(number);
  if (sub != 0) s += ':' + std::to_string(sub);
  return s;
}

std::string RowWhere(std::string_view file, RowNumber row) {
  std::string s(file);
  s += ':';
  s += row.ToString();
  return s;
}

// ---------------------------------------------------------------------------------------------
// Context

void ReadContext::Advance(size_t n) {
  const char* p = in.data();
  const char* end = p + n;
  const char* last_newline = nullptr;
  while (const void* q = std::memchr(p, '\n', end - p)) {
    last_newline = static_cast<const char*>(q);
    ++line;
    p = last_newline + 1;
  }
  column = last_newline ? static_cast<size_t>(end - last_newline - 1) : column + n;
  in.Consume(n);
}

bool ReadContext::Refill() {
  if (in.Refill()) return true;
  if (!in.status().ok()) status = WithMessage(in.status(), Prefix(name, Where()) + in.status().message());
  return false;
}

bool ReadContext::SkipWhitespace() {
  while (true) {
    size_t n = 0;
    while (n < in.size() && IsWs(in.data()[n])) ++n;
    Advance(n);
    if (in.size() > 0) return true;
    if (!Refill()) return status.ok();
  }
}

bool ReadContext::Fail(std::string_view where, const std::string& message) {
  status = Status::Invalid(Prefix(name, where) + message);
  return false;
}

std::string ReadContext::Locate(const char* p) const {
  uint32_t l = line;
  size_t c = column + static_cast<size_t>(p - in.data());
  for (const char* q = in.data(); q < p; ++q) {
    if (*q == '\n') {
      ++l;
      c = static_cast<size_t>(p - q - 1);
    }
  }
  return "line " + std::to_string(l) + ", column " + std::to_string(c + 1);
}

bool ReadContext::ScanJsonValue(bool element, size_t* len) {
  auto what = [&] { return element ? "element " + Where() : std::string("the document"); };
  JsonValueEnd scanner;
  size_t scanned = 0;
  while (true) {
    size_t used = 0;
    JsonValueEnd::State state = scanner.Scan(in.data() + scanned, in.data() + in.size(), &used);
    if (state == JsonValueEnd::State::kDone) {
      *len = scanned + used;
      return true;
    }
    if (state == JsonValueEnd::State::kError)
      return Fail(Where(), "invalid JSON at " + Locate(in.data() + scanned + scanner.error_offset()) + ": " +
                             scanner.error());
    scanned = in.size();
    if (scanned > kMaxJsonValue)
      return Fail(Where(), what() + " (starting on line " + std::to_string(line) +
                             ") is larger than 256 MiB; is a bracket or quote missing?");
    if (!Refill()) {
      if (!status.ok()) return false;
      if (scanner.Finish() == JsonValueEnd::State::kDone) {
        *len = scanned;
        return true;
      }
      return Fail(Where(), "truncated JSON: the input ends inside " + what() + " (which starts on line " +
                             std::to_string(line) + ")");
    }
  }
}

void ReadContext::AddProblem(CouponRow* row, std::string_view key, std::string message) const {
  Problem p;
  p.where = RowWhere(name, row->number);
  p.key = std::string(key);
  p.message = std::move(message);
  row->problems.push_back(std::move(p));
}

void CouponParser::Clear(Coupon* c) { ClearCoupon(c); }

const std::string& CouponParser::csv_header() const {
  static const std::string kEmpty;
  return kEmpty;
}

const std::optional<std::string>& CouponParser::imports_parent_resource_id() const {
  static const std::optional<std::string> kNone;
  return kNone;
}

// ---------------------------------------------------------------------------------------------
// CouponReader

CouponReader::~CouponReader() = default;

Result<std::unique_ptr<CouponReader>> CouponReader::Open(const std::string& path) {
  Result<std::unique_ptr<ByteSource>> source = OpenFileSource(path);
  if (!source.ok()) return source.status();
  Result<std::unique_ptr<CouponReader>> reader = FromSource(path == "-" ? "<stdin>" : path, std::move(source).value());
  if (reader.ok() && path != "-") (*reader)->EstimateRows(path);
  return reader;
}

// The rows of a plain CSV or text file are about its size over the average line length of the
// bytes already buffered (the first 64 KiB of them at most).
void CouponReader::EstimateRows(const std::string& path) {
  InputFormat f = format();
  if (gzipped_ || (f != InputFormat::kCsv && f != InputFormat::kText)) return;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;
  const InputBuffer& in = context_->in;
  unsigned long long size = static_cast<unsigned long long>(st.st_size);
  if (size <= in.consumed()) return;
  size_t scanned = std::min<size_t>(in.size(), 64 << 10);
  if (scanned == 0) return;
  size_t lines = static_cast<size_t>(std::count(in.data(), in.data() + scanned, '\n'));
  if (lines == 0) return;
  expected_rows_ = static_cast<size_t>((size - in.consumed()) * lines / scanned);
}

Result<std::unique_ptr<CouponReader>> CouponReader::FromString(std::string name, std::string content) {
  return FromSource(std::move(name), NewStringSource(std::move(content)));
}

Result<std::unique_ptr<CouponReader>> CouponReader::FromSource(std::string name, std::unique_ptr<ByteSource> source) {
  // Sniff the gzip magic on the raw bytes, then put them back.
  std::string head(2, '\0');
  size_t got = 0;
  while (got < head.size()) {
    Result<size_t> n = source->Read(head.data() + got, head.size() - got);
    if (!n.ok()) return WithMessage(n.status(), Prefix(name, "") + n.status().message());
    if (*n == 0) break;
    got += *n;
  }
  head.resize(got);
  std::unique_ptr<CouponReader> reader(new CouponReader);
  reader->gzipped_ = HasGzipMagic(head.data(), head.size());
  source = NewPrefixedSource(std::move(head), std::move(source));
  if (reader->gzipped_) source = NewGzipSource(std::move(source));
  reader->context_ = std::make_unique<Context>(std::move(name), std::move(source));
  Context& ctx = *reader->context_;

  if (!ctx.in.Ensure(kSniffBytes)) {
    ctx.Refill();  // sets the status with the file name
    return ctx.status;
  }
  if (ctx.in.size() >= 3 && std::memcmp(ctx.in.data(), "\xEF\xBB\xBF", 3) == 0) {
    ctx.in.Consume(3);  // a UTF-8 byte order mark
  }
  if (ctx.in.size() >= 2 && (std::memcmp(ctx.in.data(), "\xFF\xFE", 2) == 0 || std::memcmp(ctx.in.data(), "\xFE\xFF", 2) == 0))
    return Status::Invalid(Prefix(ctx.name, "") + "UTF-16 text; save the file as UTF-8 (" + kExpectedCouponFile + ")");
  if (LooksBinary(ctx.in.data(), std::min(ctx.in.size(), kSniffBytes)))
    return Status::Invalid(Prefix(ctx.name, "") + "binary data, not a coupon file (" + kExpectedCouponFile + ")");

  // The first non-blank byte tells JSON from CSV and text.
  size_t off = 0;
  while (true) {
    while (off < ctx.in.size() && IsWs(ctx.in.data()[off])) ++off;
    if (off < ctx.in.size()) break;
    if (!ctx.Refill()) {
      if (!ctx.status.ok()) return ctx.status;
      return Status::Invalid(Prefix(ctx.name, "") + "empty file (" + kExpectedCouponFile + ")");
    }
  }
  char first = ctx.in.data()[off];
  if (first == '[' || first == '{') {
    ctx.Advance(off);
    reader->parser_ = first == '[' ? NewJsonArrayParser(&ctx) : NewJsonDocumentParser(&ctx);
  } else {
    reader->parser_ = NewCsvOrTextParser(&ctx);
  }
  if (!reader->parser_) return ctx.status;
  return reader;
}

bool CouponReader::Next(CouponRow* row) {
  if (!context_->status.ok()) return false;
  row->number = {};
  parser_->Clear(&row->coupon);
  row->problems.clear();
  row->raw.clear();
  return parser_->Next(row);
}

const Status& CouponReader::status() const { return context_->status; }
const std::string& CouponReader::name() const { return context_->name; }
InputFormat CouponReader::format() const { return parser_->format(); }
const std::string& CouponReader::csv_header() const { return parser_->csv_header(); }
const std::optional<std::string>& CouponReader::imports_parent_resource_id() const {
  return parser_->imports_parent_resource_id();
}
unsigned long long CouponReader::bytes_read() const { return context_->in.consumed(); }

}  // namespace coupongen
