#include "io/coupon_writer.h"

#include <charconv>
#include <cstdio>

#include "base/strings.h"
#include "io/escape.h"

namespace coupongen {
namespace {

constexpr size_t kFlushBytes = 1 << 20;  // hand the sink 1 MiB at a time

void AppendInt(std::string& out, int64_t v) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, p);
}

std::string JoinTags(const std::vector<std::string>& tags) { return Join(tags, ","); }

// Appends `,"key":` (or `"key":` for the first member).
void Key(std::string& out, bool* first, const char* key) {
  if (!*first) out.push_back(',');
  *first = false;
  out.push_back('"');
  out.append(key);
  out.append("\":");
}

// The attributes shared by the flat form and the JSON:API form, in the contract's order.
void AppendAttributes(std::string& out, const Coupon& c, bool* first, bool with_rule, bool with_tags) {
  Key(out, first, "code");
  AppendJsonString(out, c.code);
  if (with_rule && c.promotion_rule_id) {
    Key(out, first, "promotion_rule_id");
    AppendJsonString(out, *c.promotion_rule_id);
  }
  if (c.usage_limit) {
    Key(out, first, "usage_limit");
    AppendInt(out, *c.usage_limit);
  }
  if (c.customer_single_use) {
    Key(out, first, "customer_single_use");
    out.append(*c.customer_single_use ? "true" : "false");
  }
  if (c.recipient_email) {
    Key(out, first, "recipient_email");
    AppendJsonString(out, *c.recipient_email);
  }
  if (c.expires_at) {
    Key(out, first, "expires_at");
    AppendJsonString(out, *c.expires_at);
  }
  if (c.reference) {
    Key(out, first, "reference");
    AppendJsonString(out, *c.reference);
  }
  if (c.reference_origin) {
    Key(out, first, "reference_origin");
    AppendJsonString(out, *c.reference_origin);
  }
  if (c.metadata) {
    Key(out, first, "metadata");
    out.append(*c.metadata);  // already compact JSON
  }
  if (with_tags && !c.tags.empty()) {
    Key(out, first, "_add_tags");
    AppendJsonString(out, JoinTags(c.tags));
  }
}

class BufferedWriter : public CouponWriter {
 protected:
  explicit BufferedWriter(OutputSink& sink) : sink_(sink) { buf_.reserve(kFlushBytes + 64 * 1024); }
  Status MaybeFlush() { return buf_.size() >= kFlushBytes ? Flush() : Status::Ok(); }
  Status Flush() {
    Status s = sink_.Append(buf_);
    buf_.clear();
    return s;
  }
  std::string buf_;

 private:
  OutputSink& sink_;
};

class CsvWriter : public BufferedWriter {
 public:
  CsvWriter(const WriterOptions& o, OutputSink& sink) : BufferedWriter(sink), fields_(o.fields) {
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

  Status Write(const Coupon& c) override {
    AppendCsvField(buf_, c.code);
    auto text = [&](Field f, const std::optional<std::string>& v) {
      if (!fields_.Has(f)) return;
      buf_.push_back(',');
      if (v) AppendCsvField(buf_, *v);
    };
    text(Field::kPromotionRuleId, c.promotion_rule_id);
    if (fields_.Has(Field::kUsageLimit)) {
      buf_.push_back(',');
      if (c.usage_limit) AppendInt(buf_, *c.usage_limit);
    }
    if (fields_.Has(Field::kCustomerSingleUse)) {
      buf_.push_back(',');
      if (c.customer_single_use) buf_.append(*c.customer_single_use ? "true" : "false");
    }
    text(Field::kRecipientEmail, c.recipient_email);
    text(Field::kExpiresAt, c.expires_at);
    text(Field::kReference, c.reference);
    text(Field::kReferenceOrigin, c.reference_origin);
    if (fields_.Has(Field::kTags)) {
      buf_.push_back(',');
      if (!c.tags.empty()) AppendCsvField(buf_, JoinTags(c.tags));
    }
    buf_.push_back('\n');
    return MaybeFlush();
  }

  Status Finish() override { return Flush(); }

 private:
  FieldSet fields_;
};

// `json`: one JSON array, one flat object per line.
class JsonWriter : public BufferedWriter {
 public:
  explicit JsonWriter(OutputSink& sink) : BufferedWriter(sink) { buf_.append("["); }
  Status Write(const Coupon& c) override {
    buf_.append(count_++ ? ",\n" : "\n");
    AppendFlatCouponJson(buf_, c);
    return MaybeFlush();
  }
  Status Finish() override {
    buf_.append(count_ ? "\n]\n" : "]\n");
    return Flush();
  }

 private:
  uint64_t count_ = 0;
};

// `jsonapi`: one POST /api/coupons body per line.
class JsonApiWriter : public BufferedWriter {
 public:
  explicit JsonApiWriter(OutputSink& sink) : BufferedWriter(sink) {}
  Status Write(const Coupon& c) override {
    buf_.append("{\"data\":{\"type\":\"coupons\",\"attributes\":{");
    bool first = true;
    AppendAttributes(buf_, c, &first, /*with_rule=*/false, /*with_tags=*/false);
    buf_.append("}");
    if (c.promotion_rule_id) {
      buf_.append(",\"relationships\":{\"promotion_rule\":{\"data\":{\"type\":\"coupon_codes_promotion_rules\",\"id\":");
      AppendJsonString(buf_, *c.promotion_rule_id);
      buf_.append("}}}");
    }
    buf_.append("}}\n");
    return MaybeFlush();
  }
  Status Finish() override { return Flush(); }
};

// `imports`: one POST /api/imports body per line, at most chunk_size inputs each.
class ImportsWriter : public BufferedWriter {
 public:
  ImportsWriter(const WriterOptions& o, OutputSink& sink)
      : BufferedWriter(sink), campaign_(o.campaign), parent_(o.parent_rule_id), chunk_size_(o.chunk_size ? o.chunk_size : 10000) {}

  Status Write(const Coupon& c) override {
    if (in_chunk_ == 0) OpenDocument();
    else buf_.push_back(',');
    AppendFlatCouponJson(buf_, c);
    if (++in_chunk_ == chunk_size_) CloseDocument();
    return MaybeFlush();
  }
  Status Finish() override {
    if (in_chunk_) CloseDocument();
    return Flush();
  }

 private:
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

}  // namespace

void AppendFlatCouponJson(std::string& out, const Coupon& c) {
  out.push_back('{');
  bool first = true;
  AppendAttributes(out, c, &first, /*with_rule=*/true, /*with_tags=*/true);
  out.push_back('}');
}

std::unique_ptr<CouponWriter> MakeCouponWriter(const WriterOptions& o, OutputSink& sink) {
  switch (o.format) {
    case OutputFormat::kCsv: return std::make_unique<CsvWriter>(o, sink);
    case OutputFormat::kJson: return std::make_unique<JsonWriter>(sink);
    case OutputFormat::kJsonApi: return std::make_unique<JsonApiWriter>(sink);
    case OutputFormat::kImports: return std::make_unique<ImportsWriter>(o, sink);
  }
  return nullptr;
}

}  // namespace coupongen
