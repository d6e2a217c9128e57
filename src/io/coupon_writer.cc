#include "io/coupon_writer.h"

#include <charconv>
#include <cstdio>

#include "base/strings.h"
#include "io/escape.h"
#include "io/xlsx_table.h"

namespace coupongen {
namespace {

constexpr size_t kFlushBytes = 1 << 20;  // hand the sink 1 MiB at a time

void AppendInt(std::string& out, int64_t v) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, p);
}

std::string JoinTags(const std::vector<std::string>& tags) { return Join(tags, ","); }

// One coupon's text with holes for the code and, when a batch gives each coupon its own, the
// recipient email. The coupons of a batch share everything else, so that is serialised once per
// batch and each coupon costs a few copies and the escaping of its code.
struct RowTemplate {
  std::string before_code;
  std::string after_code;   // up to the email hole, or to the end of the row
  bool email_hole = false;
  std::string after_email;
};

// Fills a RowTemplate front to back: text(), a hole, more text(), ...
class TemplateBuilder {
 public:
  explicit TemplateBuilder(RowTemplate* t) : t_(t), out_(&t->before_code) {
    t->before_code.clear();
    t->after_code.clear();
    t->after_email.clear();
    t->email_hole = false;
  }
  std::string& text() { return *out_; }
  void CodeHole() { out_ = &t_->after_code; }
  void EmailHole() {
    t_->email_hole = true;
    out_ = &t_->after_email;
  }

 private:
  RowTemplate* t_;
  std::string* out_;
};

// Appends `,"key":`. The code always comes first, so every other member follows a comma.
void Member(std::string& out, const char* key) {
  out.append(",\"");
  out.append(key);
  out.append("\":");
}

// The attributes shared by the flat form and the JSON:API form, in the contract's order, from
// `"code":` on. The email is a hole when `email_hole`, else the coupon's own (or none).
void AttributesTemplate(TemplateBuilder& b, const Coupon& c, bool email_hole, bool with_rule, bool with_tags) {
  b.text().append("\"code\":");
  b.CodeHole();
  std::string& out = b.text();
  if (with_rule && c.promotion_rule_id) {
    Member(out, "promotion_rule_id");
    AppendJsonString(out, *c.promotion_rule_id);
  }
  if (c.usage_limit) {
    Member(out, "usage_limit");
    AppendInt(out, *c.usage_limit);
  }
  if (c.customer_single_use) {
    Member(out, "customer_single_use");
    out.append(*c.customer_single_use ? "true" : "false");
  }
  if (email_hole) {
    Member(out, "recipient_email");
    b.EmailHole();
  } else if (c.recipient_email) {
    Member(out, "recipient_email");
    AppendJsonString(out, *c.recipient_email);
  }
  std::string& rest = b.text();
  if (c.expires_at) {
    Member(rest, "expires_at");
    AppendJsonString(rest, *c.expires_at);
  }
  if (c.reference) {
    Member(rest, "reference");
    AppendJsonString(rest, *c.reference);
  }
  if (c.reference_origin) {
    Member(rest, "reference_origin");
    AppendJsonString(rest, *c.reference_origin);
  }
  if (c.metadata) {
    Member(rest, "metadata");
    rest.append(*c.metadata);  // already compact JSON
  }
  if (with_tags && !c.tags.empty()) {
    Member(rest, "_add_tags");
    AppendJsonString(rest, JoinTags(c.tags));
  }
}

// A flat coupon object ({"code":…}), the `json` and `imports` input form.
void FlatCouponTemplate(TemplateBuilder& b, const Coupon& c, bool email_hole) {
  b.text().push_back('{');
  AttributesTemplate(b, c, email_hole, /*with_rule=*/true, /*with_tags=*/true);
  b.text().push_back('}');
}

// Every writer: a template per batch, one row per code into a reusable buffer, handed to the sink
// 1 MiB at a time. Write() is a batch of one, so both paths write the same bytes.
class BufferedWriter : public CouponWriter {
 public:
  Status Write(const Coupon& c) final {
    // A code from anywhere (convert writes what it read): escaped as it needs.
    std::string_view code = c.code;
    return WriteRows(c, {&code, 1}, {}, /*plain_codes=*/false);
  }
  Status WriteBatch(const Coupon& base, std::span<const std::string_view> codes,
                    std::span<const std::string> emails) final {
    return WriteRows(base, codes, emails, plain_codes_);
  }

 protected:
  enum class Quoting { kCsv, kJson };  // how codes and emails are written

  BufferedWriter(const WriterOptions& o, OutputSink& sink, Quoting quoting)
      : sink_(sink), quoting_(quoting), plain_codes_(o.plain_codes) {
    buf_.reserve(kFlushBytes + 64 * 1024);
  }

  /// WriteBatch, with the codes copied as they are when `plain_codes` (see WriterOptions). By
  /// default one row after another (csv, jsonapi); formats with separators or documents override it.
  virtual Status WriteRows(const Coupon& base, std::span<const std::string_view> codes,
                           std::span<const std::string> emails, bool plain_codes) {
    BuildTemplate(base, !emails.empty());
    for (size_t i = 0; i < codes.size(); ++i) {
      AppendRow(codes, emails, i, plain_codes);
      COUPONGEN_RETURN_IF_ERROR(MaybeFlush());
    }
    return Status::Ok();
  }
  Status Finish() override { return Flush(); }

  /// Serialises what every coupon of the batch shares into row_.
  virtual void BuildTemplate(const Coupon& base, bool email_hole) = 0;

  /// The row of coupon i of a batch, from row_.
  void AppendRow(std::span<const std::string_view> codes, std::span<const std::string> emails, size_t i,
                 bool plain_codes) {
    buf_.append(row_.before_code);
    if (plain_codes) AppendPlain(codes[i]);
    else AppendQuoted(codes[i]);
    buf_.append(row_.after_code);
    if (row_.email_hole) {
      AppendQuoted(emails[i]);
      buf_.append(row_.after_email);
    }
  }
  Status MaybeFlush() { return buf_.size() >= kFlushBytes ? Flush() : Status::Ok(); }
  Status Flush() {
    Status s = sink_.Append(buf_);
    buf_.clear();
    return s;
  }

  std::string buf_;
  RowTemplate row_;

 private:
  void AppendQuoted(std::string_view s) {
    if (quoting_ == Quoting::kCsv) AppendCsvField(buf_, s);
    else AppendJsonString(buf_, s);
  }
  void AppendPlain(std::string_view s) {  // what AppendQuoted writes when s needs no escapes
    if (quoting_ == Quoting::kCsv) {
      buf_.append(s);
      return;
    }
    buf_.push_back('"');
    buf_.append(s);
    buf_.push_back('"');
  }

  OutputSink& sink_;
  Quoting quoting_;
  bool plain_codes_;
};

class CsvWriter : public BufferedWriter {
 public:
  CsvWriter(const WriterOptions& o, OutputSink& sink) : BufferedWriter(o, sink, Quoting::kCsv), fields_(o.fields) {
    bool first = true;
    for (unsigned f = 0; f < static_cast<unsigned>(Field::kCount); ++f) {
      Field field = static_cast<Field>(f);
      if (field == Field::kMetadata || !fields_.Has(field)) continue;
      if (!first) buf_.push_back(',');
      first = false;
      buf_.append(FieldName(field));
    }
    buf_.push_back('\n');
  }

 private:
  void BuildTemplate(const Coupon& c, bool email_hole) override {
    TemplateBuilder b(&row_);
    b.CodeHole();
    auto text = [&](Field f, const std::optional<std::string>& v) {
      if (!fields_.Has(f)) return;
      b.text().push_back(',');
      if (v) AppendCsvField(b.text(), *v);
    };
    text(Field::kPromotionRuleId, c.promotion_rule_id);
    if (fields_.Has(Field::kUsageLimit)) {
      b.text().push_back(',');
      if (c.usage_limit) AppendInt(b.text(), *c.usage_limit);
    }
    if (fields_.Has(Field::kCustomerSingleUse)) {
      b.text().push_back(',');
      if (c.customer_single_use) b.text().append(*c.customer_single_use ? "true" : "false");
    }
    if (email_hole && fields_.Has(Field::kRecipientEmail)) {
      b.text().push_back(',');
      b.EmailHole();
    } else {
      text(Field::kRecipientEmail, c.recipient_email);
    }
    text(Field::kExpiresAt, c.expires_at);
    text(Field::kReference, c.reference);
    text(Field::kReferenceOrigin, c.reference_origin);
    if (fields_.Has(Field::kTags)) {
      b.text().push_back(',');
      if (!c.tags.empty()) AppendCsvField(b.text(), JoinTags(c.tags));
    }
    b.text().push_back('\n');
  }

  FieldSet fields_;
};

// `json`: one JSON array, one flat object per line.
class JsonWriter : public BufferedWriter {
 public:
  JsonWriter(const WriterOptions& o, OutputSink& sink) : BufferedWriter(o, sink, Quoting::kJson) { buf_.append("["); }

  Status WriteRows(const Coupon& base, std::span<const std::string_view> codes, std::span<const std::string> emails,
                   bool plain_codes) override {
    BuildTemplate(base, !emails.empty());
    for (size_t i = 0; i < codes.size(); ++i) {
      buf_.append(count_++ ? ",\n" : "\n");
      AppendRow(codes, emails, i, plain_codes);
      COUPONGEN_RETURN_IF_ERROR(MaybeFlush());
    }
    return Status::Ok();
  }
  Status Finish() override {
    buf_.append(count_ ? "\n]\n" : "]\n");
    return Flush();
  }

 private:
  void BuildTemplate(const Coupon& c, bool email_hole) override {
    TemplateBuilder b(&row_);
    FlatCouponTemplate(b, c, email_hole);
  }

  uint64_t count_ = 0;
};

// `jsonapi`: one POST /api/coupons body per line.
class JsonApiWriter : public BufferedWriter {
 public:
  JsonApiWriter(const WriterOptions& o, OutputSink& sink) : BufferedWriter(o, sink, Quoting::kJson) {}

 private:
  void BuildTemplate(const Coupon& c, bool email_hole) override {
    TemplateBuilder b(&row_);
    b.text().append("{\"data\":{\"type\":\"coupons\",\"attributes\":{");
    AttributesTemplate(b, c, email_hole, /*with_rule=*/false, /*with_tags=*/false);
    b.text().append("}");
    if (c.promotion_rule_id) {
      b.text().append(",\"relationships\":{\"promotion_rule\":{\"data\":{\"type\":\"coupon_codes_promotion_rules\",\"id\":");
      AppendJsonString(b.text(), *c.promotion_rule_id);
      b.text().append("}}}");
    }
    b.text().append("}}\n");
  }
};

// `imports`: one POST /api/imports body per line, at most chunk_size inputs each.
class ImportsWriter : public BufferedWriter {
 public:
  ImportsWriter(const WriterOptions& o, OutputSink& sink)
      : BufferedWriter(o, sink, Quoting::kJson),
        campaign_(o.campaign),
        parent_(o.parent_rule_id),
        chunk_size_(o.chunk_size ? o.chunk_size : 10000) {}

  Status WriteRows(const Coupon& base, std::span<const std::string_view> codes, std::span<const std::string> emails,
                   bool plain_codes) override {
    BuildTemplate(base, !emails.empty());
    for (size_t i = 0; i < codes.size(); ++i) {
      if (in_chunk_ == 0) OpenDocument();
      else buf_.push_back(',');
      AppendRow(codes, emails, i, plain_codes);
      if (++in_chunk_ == chunk_size_) CloseDocument();
      COUPONGEN_RETURN_IF_ERROR(MaybeFlush());
    }
    return Status::Ok();
  }
  Status Finish() override {
    if (in_chunk_) CloseDocument();
    return Flush();
  }

 private:
  void BuildTemplate(const Coupon& c, bool email_hole) override {
    TemplateBuilder b(&row_);
    FlatCouponTemplate(b, c, email_hole);
  }
  void OpenDocument() {
    ++documents_;
    buf_.append("{\"data\":{\"type\":\"imports\",\"attributes\":{\"resource_type\":\"coupons\",\"format\":\"json\",");
    if (parent_) {
      buf_.append("\"parent_resource_id\":");
      AppendJsonString(buf_, *parent_);
      buf_.push_back(',');
    }
    char ref[32];
    std::snprintf(ref, sizeof ref, "-%04llu", static_cast<unsigned long long>(documents_));
    buf_.append("\"reference\":");
    AppendJsonString(buf_, campaign_ + ref);
    buf_.append(",\"reference_origin\":\"coupongen\",\"inputs\":[");
  }
  void CloseDocument() {
    buf_.append("]}}}\n");
    in_chunk_ = 0;
  }

  std::string campaign_;
  std::optional<std::string> parent_;
  size_t chunk_size_;
  size_t in_chunk_ = 0;
  uint64_t documents_ = 0;
};

// `xlsx`: the csv columns in one sheet of text cells, header frozen (io/xlsx_table.h).
class XlsxWriter : public CouponWriter {
 public:
  XlsxWriter(const WriterOptions& o, OutputSink& sink) : fields_(o.fields), sink_(sink) {}

  Status Write(const Coupon& c) override {
    COUPONGEN_RETURN_IF_ERROR(Start());
    std::string usage = c.usage_limit ? std::to_string(*c.usage_limit) : "";
    std::string tags = JoinTags(c.tags);
    std::vector<std::string_view> cells;
    auto add = [&](Field f, std::string_view v) {
      if (fields_.Has(f)) cells.push_back(v);
    };
    auto opt = [](const std::optional<std::string>& v) { return v ? std::string_view(*v) : std::string_view(); };
    cells.push_back(c.code);
    add(Field::kPromotionRuleId, opt(c.promotion_rule_id));
    add(Field::kUsageLimit, usage);
    add(Field::kCustomerSingleUse, c.customer_single_use ? (*c.customer_single_use ? "true" : "false") : "");
    add(Field::kRecipientEmail, opt(c.recipient_email));
    add(Field::kExpiresAt, opt(c.expires_at));
    add(Field::kReference, opt(c.reference));
    add(Field::kReferenceOrigin, opt(c.reference_origin));
    add(Field::kTags, tags);
    return table_->AddRow(cells);
  }
  Status WriteBatch(const Coupon& base, std::span<const std::string_view> codes,
                    std::span<const std::string> emails) override {
    Coupon c = base;
    for (size_t i = 0; i < codes.size(); ++i) {
      c.code.assign(codes[i]);
      if (!emails.empty()) c.recipient_email = emails[i];
      COUPONGEN_RETURN_IF_ERROR(Write(c));
    }
    return Status::Ok();
  }
  Status Finish() override {
    COUPONGEN_RETURN_IF_ERROR(Start());
    return table_->Finish();
  }

 private:
  Status Start() {
    if (table_) return Status::Ok();
    std::vector<std::string> header;
    for (unsigned f = 0; f < static_cast<unsigned>(Field::kCount); ++f) {
      Field field = static_cast<Field>(f);
      if (field != Field::kMetadata && fields_.Has(field)) header.push_back(FieldName(field));
    }
    auto t = XlsxTable::Open(sink_, header, "coupons");
    if (!t.ok()) return t.status();
    table_ = std::move(t).value();
    return Status::Ok();
  }

  FieldSet fields_;
  OutputSink& sink_;
  std::unique_ptr<XlsxTable> table_;
};

}  // namespace

void AppendFlatCouponJson(std::string& out, const Coupon& c) {
  RowTemplate row;
  TemplateBuilder b(&row);
  FlatCouponTemplate(b, c, /*email_hole=*/false);
  out.append(row.before_code);
  AppendJsonString(out, c.code);
  out.append(row.after_code);
}

std::unique_ptr<CouponWriter> MakeCouponWriter(const WriterOptions& o, OutputSink& sink) {
  switch (o.format) {
    case OutputFormat::kCsv: return std::make_unique<CsvWriter>(o, sink);
    case OutputFormat::kJson: return std::make_unique<JsonWriter>(o, sink);
    case OutputFormat::kJsonApi: return std::make_unique<JsonApiWriter>(o, sink);
    case OutputFormat::kImports: return std::make_unique<ImportsWriter>(o, sink);
    case OutputFormat::kXlsx: return std::make_unique<XlsxWriter>(o, sink);
  }
  return nullptr;
}

}  // namespace coupongen
