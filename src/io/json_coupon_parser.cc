// The JSON coupon parsers: a JSON array of flat coupons, and JSON:API documents (jsonapi coupons,
// imports, list responses). See io/coupon_reader.h for the formats and row numbers.
//
// Each array element or document is first delimited in the stream (ReadContext::ScanJsonValue),
// then parsed from memory with a JsonCursor, which validates every byte it reads; parts only
// needed to find other parts are skipped unchecked and validated when they are parsed.
#include <optional>
#include <string>

#include "io/coupon_fields.h"
#include "io/coupon_parsers.h"
#include "io/json_cursor.h"
#include "io/text_scan.h"

namespace coupongen {
namespace {

constexpr std::string_view kCouponsType = "coupons";
constexpr std::string_view kRuleType = "coupon_codes_promotion_rules";

std::string Quoted(std::string_view s) { return QuoteForMessage(s); }

// Fails with the cursor's error, at the context's row.
bool SyntaxError(ReadContext* ctx, const JsonCursor& cur) {
  return ctx->Fail(ctx->Where(), "invalid JSON at " + ctx->Locate(cur.error_pos()) + ": " + cur.error());
}

// Reads the members of a flat coupon object (at the cursor) into row->coupon; unknown keys are
// skipped. False on a JSON syntax error.
bool ReadFlatCoupon(JsonCursor& cur, const ReadContext& ctx, CouponRow* row) {
  if (!cur.EnterObject()) return false;
  unsigned seen = 0;
  std::string_view key;
  JsonValue v;
  while (cur.NextKey(&key)) {
    std::optional<Field> f = FieldFromName(key, /*ignore_case=*/false);
    if (!f) {
      if (!cur.SkipValue()) return false;
      continue;
    }
    if (!cur.ReadValue(&v)) return false;
    unsigned bit = 1u << static_cast<unsigned>(*f);
    if (seen & bit) {
      ctx.AddProblem(row, FieldName(*f), "given twice");
      continue;
    }
    seen |= bit;
    std::string why = SetFieldFromJson(*f, v, &row->coupon);
    if (!why.empty()) ctx.AddProblem(row, FieldName(*f), std::move(why));
  }
  return !cur.failed();
}

// Reads {"promotion_rule":{"data":{"type":"coupon_codes_promotion_rules","id":"..."}}, ...}.
bool ReadRelationships(JsonCursor& cur, const ReadContext& ctx, CouponRow* row) {
  if (!cur.EnterObject()) return false;
  std::string_view key;
  JsonValue v;
  while (cur.NextKey(&key)) {
    if (key != "promotion_rule" || cur.Peek() != '{') {
      if (!cur.SkipValue()) return false;
      continue;
    }
    cur.EnterObject();
    while (cur.NextKey(&key)) {
      if (key != "data" || cur.Peek() != '{') {
        if (!cur.SkipValue()) return false;
        continue;
      }
      cur.EnterObject();
      while (cur.NextKey(&key)) {
        bool is_id = key == "id", is_type = key == "type";
        if (!cur.ReadValue(&v)) return false;
        if (is_id) {
          std::string why = SetFieldFromJson(Field::kPromotionRuleId, v, &row->coupon);
          if (!why.empty()) ctx.AddProblem(row, "promotion_rule_id", std::move(why));
        } else if (is_type && (v.kind != JsonKind::kString || v.text != kRuleType)) {
          ctx.AddProblem(row, "promotion_rule",
                         "type must be \"coupon_codes_promotion_rules\" (got " + ShowJson(v.raw) + ")");
        }
      }
    }
  }
  return !cur.failed();
}

// Reads a JSON:API coupon resource {"type":"coupons","attributes":{...},"relationships":{...}}.
bool ReadResource(JsonCursor& cur, const ReadContext& ctx, CouponRow* row) {
  if (!cur.EnterObject()) return false;
  std::optional<std::string> type;
  std::string_view key;
  JsonValue v;
  while (cur.NextKey(&key)) {
    if (key == "type") {
      if (!cur.ReadValue(&v)) return false;
      type = v.kind == JsonKind::kString ? std::string(v.text) : ShowJson(v.raw);
    } else if (key == "attributes" && cur.Peek() == '{') {
      if (!ReadFlatCoupon(cur, ctx, row)) return false;
    } else if (key == "relationships" && cur.Peek() == '{') {
      if (!ReadRelationships(cur, ctx, row)) return false;
    } else if (key == "attributes") {
      if (!cur.ReadValue(&v)) return false;
      if (v.kind != JsonKind::kNull) ctx.AddProblem(row, "attributes", "must be a JSON object (got " + ShowJson(v.raw) + ")");
    } else if (!cur.SkipValue()) {
      return false;
    }
  }
  if (cur.failed()) return false;
  if (type && *type != kCouponsType) ctx.AddProblem(row, "type", "must be \"coupons\" (got " + Quoted(*type) + ")");
  return true;
}

// An element that is not an object: it is a row (so it reaches the rejects), with a problem.
bool ReadNonObject(JsonCursor& cur, const ReadContext& ctx, CouponRow* row) {
  JsonValue v;
  if (!cur.ReadValue(&v)) return false;
  ctx.AddProblem(row, "", "not a coupon object (got " + ShowJson(v.raw) + ")");
  return true;
}

// ---------------------------------------------------------------------------------------------

class JsonArrayParser : public CouponParser {
 public:
  explicit JsonArrayParser(ReadContext* ctx) : ctx_(ctx) { ctx_->Advance(1); }  // the '['

  bool Next(CouponRow* row) override {
    if (done_) return false;
    ctx_->row = {index_, 0};
    if (!SkipToValue()) return false;
    char c = ctx_->in.data()[0];
    if (c == ']') {
      ctx_->Advance(1);
      done_ = true;
      return ExpectNothingMore();
    }
    if (index_ > 0) {
      if (c != ',')
        return ctx_->Fail(ctx_->Where(), "invalid JSON at " + ctx_->Locate(ctx_->in.data()) +
                                             ": expected ',' or ']' after element " + std::to_string(index_) +
                                             ", found " + DescribeByte(c));
      ctx_->Advance(1);
      if (!SkipToValue()) return false;
    }
    ctx_->row = {++index_, 0};
    size_t len;
    if (!ctx_->ScanJsonValue(/*element=*/true, &len)) return false;
    const char* begin = ctx_->in.data();
    row->number = ctx_->row;
    row->raw.assign(begin, len);
    JsonCursor cur(begin, begin + len);
    bool ok = cur.Peek() == '{' ? ReadFlatCoupon(cur, *ctx_, row) : ReadNonObject(cur, *ctx_, row);
    if (!ok || !cur.ExpectEnd()) return SyntaxError(ctx_, cur);
    ctx_->Advance(len);
    return true;
  }

  InputFormat format() const override { return InputFormat::kJson; }

 private:
  // Skips whitespace up to the next byte; a missing one means the array was cut short.
  bool SkipToValue() {
    if (!ctx_->SkipWhitespace()) return false;
    if (ctx_->in.size() > 0) return true;
    std::string after = index_ == 0 ? "" : " (after element " + std::to_string(index_) + ")";
    return ctx_->Fail(ctx_->Where(), "truncated JSON: the input ends before the array's closing ']'" + after);
  }

  bool ExpectNothingMore() {
    ctx_->row = {};
    if (!ctx_->SkipWhitespace()) return false;
    if (ctx_->in.size() > 0)
      return ctx_->Fail("", "unexpected text after the JSON array at " + ctx_->Locate(ctx_->in.data()));
    return false;  // the end
  }

  ReadContext* ctx_;
  uint32_t index_ = 0;  // elements read
  bool done_ = false;
};

// ---------------------------------------------------------------------------------------------

// Newline-delimited (or concatenated) JSON:API documents. The first document decides the format;
// every document is held in the buffer, at ctx->in.data(), while its rows are read.
class JsonDocumentParser : public CouponParser {
 public:
  explicit JsonDocumentParser(ReadContext* ctx) : ctx_(ctx) {}

  // Opens the first document, to learn the format.
  bool Start() {
    bool end;
    if (!OpenDocument(&end)) return false;
    if (end) return ctx_->Fail("", std::string("empty file (") + kExpectedCouponFile + ")");
    return true;
  }

  bool Next(CouponRow* row) override {
    while (true) {
      if (in_doc_) {
        bool produced;
        if (!NextInDocument(row, &produced)) return false;
        if (produced) return true;
        ctx_->Advance(doc_len_);
        in_doc_ = false;
      }
      bool end;
      if (!OpenDocument(&end)) return false;
      if (end) return false;
    }
  }

  InputFormat format() const override { return format_; }
  const std::optional<std::string>& imports_parent_resource_id() const override { return parent_; }

 private:
  // Finds the next document and reads what it is. *end is true when there is none.
  bool OpenDocument(bool* end) {
    *end = false;
    ctx_->row = {ctx_->line, 0};
    if (!ctx_->SkipWhitespace()) return false;
    if (ctx_->in.size() == 0) {
      *end = true;
      return true;
    }
    doc_line_ = ctx_->line;
    ctx_->row = {doc_line_, 0};
    std::string where = ctx_->Where();
    if (ctx_->in.data()[0] != '{')
      return ctx_->Fail(where, "expected a JSON document starting with '{', found " + DescribeByte(ctx_->in.data()[0]));
    if (!ctx_->ScanJsonValue(/*element=*/false, &doc_len_)) return false;
    const char* begin = ctx_->in.data();
    Envelope env;
    if (!ReadEnvelope(JsonCursor(begin, begin + doc_len_), &env)) return false;

    InputFormat kind;
    if (env.data_kind == '[') {
      kind = InputFormat::kJsonApiList;
      items_.emplace(env.data_begin, env.data_end);
      items_->EnterArray();
    } else if (env.data_kind == '{' && env.type == "imports") {
      kind = InputFormat::kImports;
      if (!OpenImports(env)) return false;
    } else if (env.data_kind == '{') {
      kind = InputFormat::kJsonApi;
      if (!format_known_ && env.type && *env.type != kCouponsType)
        return ctx_->Fail(where, "a JSON:API document of type " + Quoted(*env.type) +
                                     " (expected \"coupons\", \"imports\" or a list of coupons)");
      data_begin_ = env.data_begin;
      data_end_ = env.data_end;
    } else {
      return ctx_->Fail(where, "a JSON document without a \"data\" object or array (expected JSON:API coupon or "
                               "imports documents, or a list response)");
    }
    if (!format_known_) {
      format_ = kind;
      format_known_ = true;
    } else if (kind != format_) {
      return ctx_->Fail(where, std::string(kind == InputFormat::kImports ? "an " : "a ") + InputFormatName(kind) +
                                   " document, but the file started with " + InputFormatName(format_) + " documents");
    }
    in_doc_ = true;
    pending_single_ = kind == InputFormat::kJsonApi;
    item_index_ = 0;
    return true;
  }

  struct Envelope {
    char data_kind = 0;  // '{', '[' or 0 (none, or another kind of value)
    const char* data_begin = nullptr;
    const char* data_end = nullptr;
    std::optional<std::string> type;  // data.type
    const char* attributes_begin = nullptr;
    const char* attributes_end = nullptr;
    const char* relationships_begin = nullptr;
    const char* relationships_end = nullptr;
  };

  // Walks the document's top level and its data object, validating all but the data array,
  // data.attributes and data.relationships (skipped: they are validated when parsed).
  bool ReadEnvelope(JsonCursor top, Envelope* env) {
    std::string_view key;
    JsonValue v;
    top.EnterObject();
    while (top.NextKey(&key)) {
      if (key != "data") {
        top.SkipValue();
        continue;
      }
      char c = top.Peek();
      env->data_kind = (c == '{' || c == '[') ? c : 0;
      env->data_begin = top.pos();
      if (c != '{') {
        top.SkipValueUnchecked();
      } else {
        top.EnterObject();
        while (top.NextKey(&key)) {
          if (key == "type") {
            if (top.ReadValue(&v)) env->type = v.kind == JsonKind::kString ? std::string(v.text) : ShowJson(v.raw);
          } else if (key == "attributes" || key == "relationships") {
            bool attributes = key == "attributes";
            top.Peek();
            (attributes ? env->attributes_begin : env->relationships_begin) = top.pos();
            top.SkipValueUnchecked();
            (attributes ? env->attributes_end : env->relationships_end) = top.pos();
          } else {
            top.SkipValue();
          }
        }
      }
      env->data_end = top.pos();
    }
    top.ExpectEnd();
    if (top.failed()) return SyntaxError(ctx_, top);
    return true;
  }

  // Reads an imports document's attributes up to its inputs.
  bool OpenImports(const Envelope& env) {
    std::string where = ctx_->Where();
    if (env.relationships_begin) {  // not used, but validated
      JsonCursor rel(env.relationships_begin, env.relationships_end);
      if (!rel.SkipValue()) return SyntaxError(ctx_, rel);
    }
    if (!env.attributes_begin) return ctx_->Fail(where, "an imports document without attributes");
    JsonCursor cur(env.attributes_begin, env.attributes_end);
    std::optional<std::string> resource_type, format;
    const char* inputs_begin = nullptr;
    const char* inputs_end = nullptr;
    parent_.reset();
    std::string_view key;
    JsonValue v;
    cur.EnterObject();
    while (cur.NextKey(&key)) {
      if (key == "inputs") {
        if (cur.Peek() != '[') {
          if (cur.Peek() == '"')
            return ctx_->Fail(where, "an imports document whose inputs are a CSV string: only JSON inputs can be read");
          return ctx_->Fail(where, "an imports document whose inputs are not an array");
        }
        inputs_begin = cur.pos();
        cur.SkipValueUnchecked();
        inputs_end = cur.pos();
        continue;
      }
      std::optional<std::string>* target = key == "resource_type"        ? &resource_type
                                           : key == "format"             ? &format
                                           : key == "parent_resource_id" ? &parent_
                                                                         : nullptr;
      if (!cur.ReadValue(&v)) break;
      if (!target || v.kind == JsonKind::kNull) continue;
      if (v.kind != JsonKind::kString)
        return ctx_->Fail(where, "the imports document's " + std::string(key) + " must be a string (got " +
                                     ShowJson(v.raw) + ")");
      *target = std::string(v.text);
    }
    if (cur.failed()) return SyntaxError(ctx_, cur);
    if (resource_type != kCouponsType)
      return ctx_->Fail(where, "an imports document for resource_type " +
                                   (resource_type ? Quoted(*resource_type) : std::string("(none)")) +
                                   " (expected \"coupons\")");
    if (format && *format != "json")
      return ctx_->Fail(where, "an imports document in format " + Quoted(*format) + ": only format \"json\" can be read");
    if (!inputs_begin) return ctx_->Fail(where, "an imports document without inputs");
    items_.emplace(inputs_begin, inputs_end);
    items_->EnterArray();
    return true;
  }

  // The next row of the open document; *produced false when it has no more.
  bool NextInDocument(CouponRow* row, bool* produced) {
    *produced = false;
    if (format_ == InputFormat::kJsonApi) {
      if (!pending_single_) return true;
      pending_single_ = false;
      ctx_->row = row->number = {doc_line_, 0};
      row->raw.assign(ctx_->in.data(), doc_len_);
      JsonCursor cur(data_begin_, data_end_);
      if (!ReadResource(cur, *ctx_, row)) return SyntaxError(ctx_, cur);
      *produced = true;
      return true;
    }
    JsonCursor& cur = *items_;
    ctx_->row = {doc_line_, 0};
    if (!cur.NextElement()) {
      if (cur.failed()) return SyntaxError(ctx_, cur);
      return true;
    }
    ctx_->row = row->number = {doc_line_, ++item_index_};
    cur.Peek();
    const char* start = cur.pos();
    bool ok;
    if (cur.Peek() != '{') ok = ReadNonObject(cur, *ctx_, row);
    else if (format_ == InputFormat::kImports) ok = ReadFlatCoupon(cur, *ctx_, row);
    else ok = ReadResource(cur, *ctx_, row);
    if (!ok) return SyntaxError(ctx_, cur);
    row->raw.assign(start, cur.pos() - start);
    if (format_ == InputFormat::kImports && !row->coupon.promotion_rule_id && parent_)
      row->coupon.promotion_rule_id = parent_;
    *produced = true;
    return true;
  }

  ReadContext* ctx_;
  InputFormat format_ = InputFormat::kJsonApi;
  bool format_known_ = false;
  // The open document, at ctx_->in.data().
  bool in_doc_ = false;
  size_t doc_len_ = 0;
  uint32_t doc_line_ = 0;
  bool pending_single_ = false;               // jsonapi: its coupon is still to be read
  const char* data_begin_ = nullptr;          // jsonapi: the data object
  const char* data_end_ = nullptr;
  std::optional<JsonCursor> items_;           // imports: the inputs; list: the data array
  uint32_t item_index_ = 0;
  std::optional<std::string> parent_;         // imports: parent_resource_id
};

}  // namespace

std::unique_ptr<CouponParser> NewJsonArrayParser(ReadContext* ctx) {
  return std::make_unique<JsonArrayParser>(ctx);
}

std::unique_ptr<CouponParser> NewJsonDocumentParser(ReadContext* ctx) {
  auto parser = std::make_unique<JsonDocumentParser>(ctx);
  if (!parser->Start()) return nullptr;
  return parser;
}

}  // namespace coupongen
