#include "coupon/coupon.h"

namespace coupongen {

const char* FieldName(Field f) {
  switch (f) {
    case Field::kCode: return "code";
    case Field::kPromotionRuleId: return "promotion_rule_id";
    case Field::kUsageLimit: return "usage_limit";
    case Field::kCustomerSingleUse: return "customer_single_use";
    case Field::kRecipientEmail: return "recipient_email";
    case Field::kExpiresAt: return "expires_at";
    case Field::kReference: return "reference";
    case Field::kReferenceOrigin: return "reference_origin";
    case Field::kTags: return "_add_tags";
    case Field::kMetadata: return "metadata";
    case Field::kCount: break;
  }
  return "";
}

FieldSet FieldSet::Of(const Coupon& c) {
  FieldSet s;
  if (c.promotion_rule_id) s.Add(Field::kPromotionRuleId);
  if (c.usage_limit) s.Add(Field::kUsageLimit);
  if (c.customer_single_use) s.Add(Field::kCustomerSingleUse);
  if (c.recipient_email) s.Add(Field::kRecipientEmail);
  if (c.expires_at) s.Add(Field::kExpiresAt);
  if (c.reference) s.Add(Field::kReference);
  if (c.reference_origin) s.Add(Field::kReferenceOrigin);
  if (!c.tags.empty()) s.Add(Field::kTags);
  if (c.metadata) s.Add(Field::kMetadata);
  return s;
}

}  // namespace coupongen
