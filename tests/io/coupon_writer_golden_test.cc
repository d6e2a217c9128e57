// Pins the exact bytes of every format, so the batched writers can prove they write what the
// per-coupon writers wrote.
#include <gtest/gtest.h>

#include <sstream>

#include "io/coupon_writer.h"

namespace coupongen {
namespace {

Coupon Base() {
  Coupon c;
  c.promotion_rule_id = "ABCRtyUpBa";
  c.usage_limit = 3;
  c.customer_single_use = false;
  c.expires_at = "2027-03-31T23:59:59.000Z";
  c.reference = "spring, \"2027\"";
  c.reference_origin = "crm\\x";
  c.tags = {"spring", "vip"};
  return c;
}

std::vector<Coupon> Coupons() {
  std::vector<Coupon> v;
  for (const char* email : {"ann@example.com", "bob\"q@example.com", "cy@example.com"}) {
    Coupon c = Base();
    c.code = std::string("SPR-") + static_cast<char>('A' + v.size()) + "BCD";
    c.recipient_email = email;
    v.push_back(c);
  }
  return v;
}

std::string Write(OutputFormat format, const Coupon& fields_of, const std::vector<Coupon>& coupons) {
  WriterOptions o;
  o.format = format;
  o.fields = FieldSet::Of(fields_of);
  o.campaign = "spring";
  o.parent_rule_id = "ABCRtyUpBa";
  o.chunk_size = 2;
  std::ostringstream out;
  OstreamSink sink(out);
  auto w = MakeCouponWriter(o, sink);
  for (const auto& c : coupons) EXPECT_TRUE(w->Write(c).ok());
  EXPECT_TRUE(w->Finish().ok());
  return out.str();
}

TEST(CouponWriterGoldenTest, Csv) {
  std::vector<Coupon> v = Coupons();
  v[2].recipient_email.reset();  // an empty column
  EXPECT_EQ(Write(OutputFormat::kCsv, v[0], v),
            R"(code,promotion_rule_id,usage_limit,customer_single_use,recipient_email,expires_at,reference,reference_origin,_add_tags)" "\n"
            R"(SPR-ABCD,ABCRtyUpBa,3,false,ann@example.com,2027-03-31T23:59:59.000Z,"spring, ""2027""",crm\x,"spring,vip")" "\n"
            R"(SPR-BBCD,ABCRtyUpBa,3,false,"bob""q@example.com",2027-03-31T23:59:59.000Z,"spring, ""2027""",crm\x,"spring,vip")" "\n"
            R"(SPR-CBCD,ABCRtyUpBa,3,false,,2027-03-31T23:59:59.000Z,"spring, ""2027""",crm\x,"spring,vip")" "\n");
}

TEST(CouponWriterGoldenTest, Json) {
  std::vector<Coupon> v = Coupons();
  v[1].metadata = R"({"channel":"email"})";
  EXPECT_EQ(Write(OutputFormat::kJson, v[1], v),
            R"([)" "\n"
            R"({"code":"SPR-ABCD","promotion_rule_id":"ABCRtyUpBa","usage_limit":3,"customer_single_use":false,"recipient_email":"ann@example.com","expires_at":"2027-03-31T23:59:59.000Z","reference":"spring, \"2027\"","reference_origin":"crm\\x","_add_tags":"spring,vip"},)" "\n"
            R"({"code":"SPR-BBCD","promotion_rule_id":"ABCRtyUpBa","usage_limit":3,"customer_single_use":false,"recipient_email":"bob\"q@example.com","expires_at":"2027-03-31T23:59:59.000Z","reference":"spring, \"2027\"","reference_origin":"crm\\x","metadata":{"channel":"email"},"_add_tags":"spring,vip"},)" "\n"
            R"({"code":"SPR-CBCD","promotion_rule_id":"ABCRtyUpBa","usage_limit":3,"customer_single_use":false,"recipient_email":"cy@example.com","expires_at":"2027-03-31T23:59:59.000Z","reference":"spring, \"2027\"","reference_origin":"crm\\x","_add_tags":"spring,vip"})" "\n"
            R"(])" "\n");
}

TEST(CouponWriterGoldenTest, JsonApi) {
  std::vector<Coupon> v = Coupons();
  for (auto& c : v) c.tags.clear();
  EXPECT_EQ(Write(OutputFormat::kJsonApi, v[0], v),
            R"({"data":{"type":"coupons","attributes":{"code":"SPR-ABCD","usage_limit":3,"customer_single_use":false,"recipient_email":"ann@example.com","expires_at":"2027-03-31T23:59:59.000Z","reference":"spring, \"2027\"","reference_origin":"crm\\x"},"relationships":{"promotion_rule":{"data":{"type":"coupon_codes_promotion_rules","id":"ABCRtyUpBa"}}}}})" "\n"
            R"({"data":{"type":"coupons","attributes":{"code":"SPR-BBCD","usage_limit":3,"customer_single_use":false,"recipient_email":"bob\"q@example.com","expires_at":"2027-03-31T23:59:59.000Z","reference":"spring, \"2027\"","reference_origin":"crm\\x"},"relationships":{"promotion_rule":{"data":{"type":"coupon_codes_promotion_rules","id":"ABCRtyUpBa"}}}}})" "\n"
            R"({"data":{"type":"coupons","attributes":{"code":"SPR-CBCD","usage_limit":3,"customer_single_use":false,"recipient_email":"cy@example.com","expires_at":"2027-03-31T23:59:59.000Z","reference":"spring, \"2027\"","reference_origin":"crm\\x"},"relationships":{"promotion_rule":{"data":{"type":"coupon_codes_promotion_rules","id":"ABCRtyUpBa"}}}}})" "\n");
}

TEST(CouponWriterGoldenTest, Imports) {
  EXPECT_EQ(Write(OutputFormat::kImports, Coupons()[0], Coupons()),
            R"({"data":{"type":"imports","attributes":{"resource_type":"coupons","format":"json","parent_resource_id":"ABCRtyUpBa","reference":"spring-0001","reference_origin":"coupongen","inputs":[{"code":"SPR-ABCD","promotion_rule_id":"ABCRtyUpBa","usage_limit":3,"customer_single_use":false,"recipient_email":"ann@example.com","expires_at":"2027-03-31T23:59:59.000Z","reference":"spring, \"2027\"","reference_origin":"crm\\x","_add_tags":"spring,vip"},{"code":"SPR-BBCD","promotion_rule_id":"ABCRtyUpBa","usage_limit":3,"customer_single_use":false,"recipient_email":"bob\"q@example.com","expires_at":"2027-03-31T23:59:59.000Z","reference":"spring, \"2027\"","reference_origin":"crm\\x","_add_tags":"spring,vip"}]}}})" "\n"
            R"({"data":{"type":"imports","attributes":{"resource_type":"coupons","format":"json","parent_resource_id":"ABCRtyUpBa","reference":"spring-0002","reference_origin":"coupongen","inputs":[{"code":"SPR-CBCD","promotion_rule_id":"ABCRtyUpBa","usage_limit":3,"customer_single_use":false,"recipient_email":"cy@example.com","expires_at":"2027-03-31T23:59:59.000Z","reference":"spring, \"2027\"","reference_origin":"crm\\x","_add_tags":"spring,vip"}]}}})" "\n");
}

}  // namespace
}  // namespace coupongen
