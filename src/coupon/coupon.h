// Coupon: one Commerce Layer coupon as coupongen writes and reads it, and the set of attributes
// (columns) a batch carries. Shared by the generator (which fills it from a spec), the writers and
// the readers of existing coupon files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace coupongen {

struct Coupon {
  std::string code;
  std::optional<std::string> promotion_rule_id;
  std::optional<int64_t> usage_limit;
  std::optional<bool> customer_single_use;
  std::optional<std::string> recipient_email;
  std::optional<std::string> expires_at;  // canonical UTC "YYYY-MM-DDTHH:MM:SS.mmmZ"
  std::optional<std::string> reference;
  std::optional<std::string> reference_origin;
  std::optional<std::string> metadata;    // a JSON object, compact text ({"k":"v"})
  std::vector<std::string> tags;          // written as _add_tags "a,b"

  bool operator==(const Coupon&) const = default;
};

/// The attributes of a coupon, in the contract's CSV column order. `code` is always present.
enum class Field : unsigned {
  kCode = 0,
  kPromotionRuleId,
  kUsageLimit,
  kCustomerSingleUse,
  kRecipientEmail,
  kExpiresAt,
  kReference,
  kReferenceOrigin,
  kTags,      // _add_tags
  kMetadata,  // JSON formats only
  kCount
};

/// The column/attribute name of a field as Commerce Layer spells it.
const char* FieldName(Field f);

/// A set of fields: which attributes a batch carries (CSV columns, JSON keys).
class FieldSet {
 public:
  FieldSet() { Add(Field::kCode); }
  void Add(Field f) { bits_ |= 1u << static_cast<unsigned>(f); }
  bool Has(Field f) const { return bits_ & (1u << static_cast<unsigned>(f)); }
  void Merge(const FieldSet& o) { bits_ |= o.bits_; }
  bool operator==(const FieldSet&) const = default;

  /// The fields a coupon sets (code always).
  static FieldSet Of(const Coupon& c);

 private:
  unsigned bits_ = 0;
};

}  // namespace coupongen
