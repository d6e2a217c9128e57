#include "io/coupon_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace coupongen {
namespace {

Coupon Full(const std::string& code) {
  Coupon c;
  c.code = code;
  c.promotion_rule_id = "ABCRtyUpBa";
  c.usage_limit = 1;
  c.customer_single_use = true;
  c.recipient_email = "ann@example.com";
  c.expires_at = "2027-03-31T23:59:59.000Z";
  c.reference = "spring, \"2027\"";
  c.reference_origin = "crm";
  c.tags = {"spring", "vip"};
  return c;
}

std::string WriteAll(const WriterOptions& o, const std::vector<Coupon>& coupons) {
  std::ostringstream out;
  OstreamSink sink(out);
  auto w = MakeCouponWriter(o, sink);
  for (const auto& c : coupons) EXPECT_TRUE(w->Write(c).ok());
  EXPECT_TRUE(w->Finish().ok());
  return out.str();
}

TEST(CouponWriterTest, CsvHasOnlyTheColumnsSetInContractOrder) {
  WriterOptions o;
  o.format = OutputFormat::kCsv;
  o.fields = FieldSet::Of(Full("X"));
  EXPECT_EQ(WriteAll(o, {Full("SPR-AAAA"), Full("SPR-BBBB")}),
            "code,promotion_rule_id,usage_limit,customer_single_use,recipient_email,expires_at,reference,reference_origin,_add_tags\n"
            "SPR-AAAA,ABCRtyUpBa,1,true,ann@example.com,2027-03-31T23:59:59.000Z,\"spring, \"\"2027\"\"\",crm,\"spring,vip\"\n"
            "SPR-BBBB,ABCRtyUpBa,1,true,ann@example.com,2027-03-31T23:59:59.000Z,\"spring, \"\"2027\"\"\",crm,\"spring,vip\"\n");
  Coupon bare;
  bare.code = "ONLYCODE";
  WriterOptions plain;
  EXPECT_EQ(WriteAll(plain, {bare}), "code\nONLYCODE\n");
  // A column in the set but unset on a row is empty.
  WriterOptions some;
  some.fields.Add(Field::kUsageLimit);
  some.fields.Add(Field::kCustomerSingleUse);
  Coupon f;
  f.code = "CODE0001";
  f.customer_single_use = false;
  EXPECT_EQ(WriteAll(some, {f}), "code,usage_limit,customer_single_use\nCODE0001,,false\n");
}

TEST(CouponWriterTest, JsonIsAnArrayOfFlatObjects) {
  WriterOptions o;
  o.format = OutputFormat::kJson;
  Coupon c = Full("SPR-AAAA");
  c.metadata = R"({"channel":"email"})";
  std::string text = WriteAll(o, {c, Full("SPR-BBBB")});
  EXPECT_EQ(text.substr(0, 2), "[\n");
  auto j = nlohmann::json::parse(text);
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0].dump(),
            R"({"_add_tags":"spring,vip","code":"SPR-AAAA","customer_single_use":true,"expires_at":"2027-03-31T23:59:59.000Z","metadata":{"channel":"email"},"promotion_rule_id":"ABCRtyUpBa","recipient_email":"ann@example.com","reference":"spring, \"2027\"","reference_origin":"crm","usage_limit":1})");
  // Key order as the contract lists it.
  EXPECT_NE(text.find(R"({"code":"SPR-AAAA","promotion_rule_id":"ABCRtyUpBa","usage_limit":1,"customer_single_use":true,)"),
            std::string::npos);
  EXPECT_EQ(WriteAll(o, {}), "[]\n");
}

TEST(CouponWriterTest, JsonApiIsOneCreateBodyPerLine) {
  WriterOptions o;
  o.format = OutputFormat::kJsonApi;
  Coupon c = Full("SPR-AAAA");
  c.tags.clear();
  std::string text = WriteAll(o, {c, c});
  std::istringstream lines(text);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    ++n;
    auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["data"]["type"], "coupons");
    EXPECT_EQ(j["data"]["attributes"]["code"], "SPR-AAAA");
    EXPECT_FALSE(j["data"]["attributes"].contains("promotion_rule_id"));
    EXPECT_FALSE(j["data"]["attributes"].contains("_add_tags"));
    EXPECT_EQ(j["data"]["relationships"]["promotion_rule"]["data"]["type"], "coupon_codes_promotion_rules");
    EXPECT_EQ(j["data"]["relationships"]["promotion_rule"]["data"]["id"], "ABCRtyUpBa");
  }
  EXPECT_EQ(n, 2);
}

TEST(CouponWriterTest, ImportsChunksAtChunkSize) {
  WriterOptions o;
  o.format = OutputFormat::kImports;
  o.campaign = "spring";
  o.parent_rule_id = "ABCRtyUpBa";
  o.chunk_size = 2;
  std::vector<Coupon> coupons;
  for (int i = 0; i < 5; ++i) coupons.push_back(Full("CODE000" + std::to_string(i)));
  std::istringstream lines(WriteAll(o, coupons));
  std::string line;
  std::vector<size_t> sizes;
  int doc = 0, seen = 0;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line);
    auto& a = j["data"]["attributes"];
    EXPECT_EQ(j["data"]["type"], "imports");
    EXPECT_EQ(a["resource_type"], "coupons");
    EXPECT_EQ(a["format"], "json");
    EXPECT_EQ(a["parent_resource_id"], "ABCRtyUpBa");
    char ref[32];
    std::snprintf(ref, sizeof ref, "spring-%04d", ++doc);
    EXPECT_EQ(a["reference"], ref);
    EXPECT_EQ(a["reference_origin"], "coupongen");
    sizes.push_back(a["inputs"].size());
    for (auto& in : a["inputs"]) EXPECT_EQ(in["code"], "CODE000" + std::to_string(seen++));
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{2, 2, 1}));
}

}  // namespace
}  // namespace coupongen
