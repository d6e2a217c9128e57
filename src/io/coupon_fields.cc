#include "io/coupon_fields.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <limits>

#include "base/strings.h"
#include "base/timestamp.h"
#include "io/text_scan.h"

namespace coupongen {
namespace {

constexpr const char* kNotUtf8 = "not valid UTF-8";

std::string Got(std::string_view text) { return " (got " + QuoteForMessage(text) + ")"; }
std::string GotJson(std::string_view raw) { return " (got " + ShowJson(raw) + ")"; }

// "-12" -> -12. Decimal digits with an optional '-', nothing else.
std::string ParseWholeNumber(std::string_view text, int64_t* out) {
  size_t i = 0;
  bool negative = !text.empty() && text[0] == '-';
  if (negative) ++i;
  if (i == text.size()) return "not a whole number";
  uint64_t v = 0;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return "not a whole number";
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - digit) / 10) return "out of range";
    v = v * 10 + digit;
  }
  uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (v > limit) return "out of range";
  *out = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return "";
}

// Sets an optional string, reusing its capacity when it is already set.
void Assign(std::string_view text, std::optional<std::string>* field) {
  if (*field) (*field)->assign(text.data(), text.size());
  else field->emplace(text);
}

template <bool kCheckUtf8>
std::string SetString(std::string_view text, std::optional<std::string>* field) {
  if (kCheckUtf8 && !IsUtf8(text)) return kNotUtf8;
  Assign(text, field);
  return "";
}

// True when `text` has the shape of the canonical form "YYYY-MM-DDTHH:MM:SS.mmmZ"; once
// ParseTimestamp accepts it, formatting would give it back unchanged.
bool HasCanonicalShape(std::string_view text) {
  return text.size() == 24 && text[10] == 'T' && text[19] == '.' && text[23] == 'Z';
}

// The last expiry text in canonical form this thread accepted: files repeat one expiry on every
// row, and a repeat needs no parsing (SetFieldFromAsciiTextQuickly).
thread_local std::string last_canonical_expiry;

std::string SetTimestamp(std::string_view text, Coupon* c) {
  std::string why;
  std::optional<TimeMs> t = ParseTimestamp(text, &why);
  if (!t) return why + Got(text);
  if (HasCanonicalShape(text)) {  // the common case, without formatting
    Assign(text, &c->expires_at);
    last_canonical_expiry.assign(text.data(), text.size());
  } else {
    c->expires_at = FormatTimestamp(*t);
  }
  return "";
}

// a == b, for the short values of coupon fields without a call: 8 bytes at a time (the last word
// overlapping the one before) for 8 to 32 bytes.
inline bool SameText(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  if (n != b.size()) return false;
  if (n < 8 || n > 32) return a == b;
  uint64_t x, y, diff = 0;
  for (size_t i = 0; i + 8 < n; i += 8) {
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    diff |= x ^ y;
  }
  std::memcpy(&x, a.data() + n - 8, 8);
  std::memcpy(&y, b.data() + n - 8, 8);
  return (diff | (x ^ y)) == 0;
}

// As Assign, skipping the copy when the field already holds `text` (a value repeated row after row).
inline void AssignIfChanged(std::string_view text, std::optional<std::string>* field) {
  if (*field && SameText(**field, text)) return;
  Assign(text, field);
}

template <bool kCheckUtf8>
std::string SetTags(std::string_view text, Coupon* c) {
  if (kCheckUtf8 && !IsUtf8(text)) return kNotUtf8;
  SplitTags(text, &c->tags);
  return "";
}

// FieldName of every field, with the lengths computed once.
const std::array<std::string_view, static_cast<size_t>(Field::kCount)>& FieldNames() {
  static const auto names = [] {
    std::array<std::string_view, static_cast<size_t>(Field::kCount)> a;
    for (size_t i = 0; i < a.size(); ++i) a[i] = FieldName(static_cast<Field>(i));
    return a;
  }();
  return names;
}

// `json` is valid JSON text holding an object.
std::string SetMetadata(std::string_view json, Coupon* c) {
  std::string compact;
  compact.reserve(json.size());
  AppendCompactJson(json, &compact);
  if (!IsUtf8(compact)) return kNotUtf8;
  c->metadata = std::move(compact);
  return "";
}

std::string SetMetadataFromText(std::string_view text, Coupon* c) {
  JsonCursor cursor(text.data(), text.data() + text.size());
  JsonValue v;
  if (cursor.Peek() != '{') return "not a JSON object" + Got(text);
  if (!cursor.ReadValue(&v) || !cursor.ExpectEnd()) return "not valid JSON: " + cursor.error() + Got(text);
  return SetMetadata(v.raw, c);
}

}  // namespace

std::optional<Field> FieldFromName(std::string_view name, bool ignore_case) {
  const auto& names = FieldNames();
  for (size_t i = 0; i < names.size(); ++i) {
    std::string_view known = names[i];
    if (ignore_case ? EqualsIgnoreCase(name, known) : name == known) return static_cast<Field>(i);
  }
  return std::nullopt;
}

namespace {

template <bool kCheckUtf8>
std::string SetFromText(Field f, std::string_view text, Coupon* c) {
  switch (f) {
    case Field::kCode:
      if (kCheckUtf8 && !IsUtf8(text)) return kNotUtf8;
      c->code.assign(text.data(), text.size());
      return "";
    case Field::kPromotionRuleId: return SetString<kCheckUtf8>(text, &c->promotion_rule_id);
    case Field::kRecipientEmail: return SetString<kCheckUtf8>(text, &c->recipient_email);
    case Field::kReference: return SetString<kCheckUtf8>(text, &c->reference);
    case Field::kReferenceOrigin: return SetString<kCheckUtf8>(text, &c->reference_origin);
    case Field::kUsageLimit: {
      int64_t n;
      std::string why = ParseWholeNumber(text, &n);
      if (!why.empty()) return why + Got(text);
      c->usage_limit = n;
      return "";
    }
    case Field::kCustomerSingleUse:
      if (EqualsIgnoreCase(text, "true")) c->customer_single_use = true;
      else if (EqualsIgnoreCase(text, "false")) c->customer_single_use = false;
      else return "not true or false" + Got(text);
      return "";
    case Field::kExpiresAt: return SetTimestamp(text, c);
    case Field::kTags: return SetTags<kCheckUtf8>(text, c);
    case Field::kMetadata: return SetMetadataFromText(text, c);
    case Field::kCount: break;
  }
  return "";
}

}  // namespace

std::string SetFieldFromText(Field f, std::string_view text, Coupon* c) { return SetFromText<true>(f, text, c); }

std::string SetFieldFromUtf8Text(Field f, std::string_view text, Coupon* c) { return SetFromText<false>(f, text, c); }

bool SetFieldFromAsciiTextQuickly(Field f, std::string_view text, Coupon* c) {
  switch (f) {
    case Field::kCode:  // codes of a file usually have one length: overwrite the bytes
      if (c->code.size() == text.size()) std::memcpy(c->code.data(), text.data(), text.size());
      else c->code.assign(text.data(), text.size());
      return true;
    case Field::kPromotionRuleId: AssignIfChanged(text, &c->promotion_rule_id); return true;
    case Field::kRecipientEmail: AssignIfChanged(text, &c->recipient_email); return true;
    case Field::kReference: AssignIfChanged(text, &c->reference); return true;
    case Field::kReferenceOrigin: AssignIfChanged(text, &c->reference_origin); return true;
    case Field::kUsageLimit: {  // 1 to 18 digits: no sign, no overflow
      if (text.empty() || text.size() > 18) return false;
      int64_t n = 0;
      for (char ch : text) {
        if (ch < '0' || ch > '9') return false;
        n = n * 10 + (ch - '0');
      }
      c->usage_limit = n;
      return true;
    }
    case Field::kCustomerSingleUse:
      if (text == "true") c->customer_single_use = true;
      else if (text == "false") c->customer_single_use = false;
      else return false;
      return true;
    case Field::kExpiresAt:
      if (text.empty() || !SameText(text, last_canonical_expiry)) return false;
      AssignIfChanged(text, &c->expires_at);
      return true;
    default: return false;
  }
}

void ClearField(Field f, Coupon* c) {
  switch (f) {
    case Field::kCode: c->code.clear(); break;
    case Field::kPromotionRuleId: c->promotion_rule_id.reset(); break;
    case Field::kUsageLimit: c->usage_limit.reset(); break;
    case Field::kCustomerSingleUse: c->customer_single_use.reset(); break;
    case Field::kRecipientEmail: c->recipient_email.reset(); break;
    case Field::kExpiresAt: c->expires_at.reset(); break;
    case Field::kReference: c->reference.reset(); break;
    case Field::kReferenceOrigin: c->reference_origin.reset(); break;
    case Field::kTags: c->tags.clear(); break;
    case Field::kMetadata: c->metadata.reset(); break;
    case Field::kCount: break;
  }
}

std::string SetFieldFromJson(Field f, const JsonValue& v, Coupon* c) {
  if (v.kind == JsonKind::kNull) return "";
  switch (f) {
    case Field::kCode:
    case Field::kPromotionRuleId:
    case Field::kRecipientEmail:
    case Field::kReference:
    case Field::kReferenceOrigin:
    case Field::kExpiresAt:
    case Field::kTags:
      if (v.kind != JsonKind::kString) return "must be a string" + GotJson(v.raw);
      if (!v.utf8_ok) return kNotUtf8;
      return SetFieldFromText(f, v.text, c);
    case Field::kUsageLimit: {
      if (v.kind != JsonKind::kNumber) return "must be a number" + GotJson(v.raw);
      int64_t n;
      std::string why = ParseWholeNumber(v.raw, &n);
      if (!why.empty()) return why + GotJson(v.raw);
      c->usage_limit = n;
      return "";
    }
    case Field::kCustomerSingleUse:
      if (v.kind != JsonKind::kTrue && v.kind != JsonKind::kFalse) return "must be true or false" + GotJson(v.raw);
      c->customer_single_use = v.kind == JsonKind::kTrue;
      return "";
    case Field::kMetadata:
      if (v.kind != JsonKind::kObject) return "must be a JSON object" + GotJson(v.raw);
      return SetMetadata(v.raw, c);
    case Field::kCount: break;
  }
  return "";
}

void ClearCoupon(Coupon* c) {
  c->code.clear();
  c->promotion_rule_id.reset();
  c->usage_limit.reset();
  c->customer_single_use.reset();
  c->recipient_email.reset();
  c->expires_at.reset();
  c->reference.reset();
  c->reference_origin.reset();
  c->metadata.reset();
  c->tags.clear();
}

void SplitTags(std::string_view text, std::vector<std::string>* out) {
  std::vector<std::string>& tags = *out;
  tags.clear();
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view tag = Trim(text.substr(start, comma - start));
    if (!tag.empty()) tags.emplace_back(tag);
    start = comma + 1;
  }
}

std::string ShowJson(std::string_view raw) {
  std::string compact;
  AppendCompactJson(raw, &compact);
  constexpr size_t kMax = 40;
  if (compact.size() <= kMax) return compact;
  size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(compact[cut]) & 0xC0) == 0x80) --cut;
  compact.resize(cut);
  return compact + "...";
}

}  // namespace coupongen
