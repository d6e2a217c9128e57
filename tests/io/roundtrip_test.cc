// Every format coupongen writes reads back to the same coupons, attribute for attribute, and
// converting between any two formats loses nothing the target can carry.
#include <gtest/gtest.h>

#include <sstream>

#include "io/coupon_reader.h"
#include "io/coupon_writer.h"

namespace coupongen {
namespace {

std::vector<Coupon> Sample(bool metadata, bool tags) {
  std::vector<Coupon> out;
  for (int i = 0; i < 25; ++i) {
    Coupon c;
    c.code = "RT-CODE-" + std::to_string(1000 + i);
    c.promotion_rule_id = "ABCRtyUpBa";
    if (i % 2) c.usage_limit = i;
    if (i % 3) c.customer_single_use = (i % 3 == 1);
    if (i % 4) c.recipient_email = "user" + std::to_string(i) + "@example.com";
    if (i % 5) c.expires_at = "2027-03-31T23:59:59.000Z";
    if (i % 6) c.reference = "ref, \"quoted\" " + std::to_string(i);
    if (i % 7) c.reference_origin = "crm\u00e9";
    if (metadata && i % 2) c.metadata = R"({"channel":"email","n":)" + std::to_string(i) + R"(,"nested":{"a":[1,2]}})";
    if (tags && i % 3) c.tags = {"spring", "vip " + std::to_string(i)};
    out.push_back(c);
  }
  return out;
}

std::string Write(OutputFormat f, const std::vector<Coupon>& coupons) {
  WriterOptions o;
  o.format = f;
  o.campaign = "rt";
  o.parent_rule_id = "ABCRtyUpBa";
  o.chunk_size = 7;  // several imports documents
  for (const auto& c : coupons) o.fields.Merge(FieldSet::Of(c));
  std::ostringstream out;
  OstreamSink sink(out);
  auto w = MakeCouponWriter(o, sink);
  for (const auto& c : coupons) EXPECT_TRUE(w->Write(c).ok());
  EXPECT_TRUE(w->Finish().ok());
  return out.str();
}

std::vector<Coupon> Read(const std::string& text) {
  auto r = CouponReader::FromString("x", text);
  EXPECT_TRUE(r.ok()) << r.status().message();
  std::vector<Coupon> out;
  CouponRow row;
  while ((*r)->Next(&row)) {
    EXPECT_TRUE(row.problems.empty()) << row.problems[0].ToString();
    out.push_back(row.coupon);
  }
  EXPECT_TRUE((*r)->status().ok()) << (*r)->status().message();
  return out;
}

const OutputFormat kFormats[] = {OutputFormat::kCsv, OutputFormat::kJson, OutputFormat::kJsonApi, OutputFormat::kImports};

bool CarriesMetadata(OutputFormat f) { return f != OutputFormat::kCsv; }
bool CarriesTags(OutputFormat f) { return f != OutputFormat::kJsonApi; }

TEST(RoundTripTest, EveryFormatReadsBackTheSameCoupons) {
  for (OutputFormat f : kFormats) {
    auto coupons = Sample(CarriesMetadata(f), CarriesTags(f));
    EXPECT_EQ(Read(Write(f, coupons)), coupons) << FormatName(f);
  }
}

TEST(RoundTripTest, EveryFormatPair) {
  for (OutputFormat a : kFormats) {
    for (OutputFormat b : kFormats) {
      auto coupons = Sample(CarriesMetadata(a) && CarriesMetadata(b), CarriesTags(a) && CarriesTags(b));
      auto via_a = Read(Write(a, coupons));
      auto via_b = Read(Write(b, via_a));
      EXPECT_EQ(via_b, coupons) << FormatName(a) << " -> " << FormatName(b);
      // And the bytes are stable: writing what was read gives the same file.
      EXPECT_EQ(Write(b, via_b), Write(b, coupons)) << FormatName(a) << " -> " << FormatName(b);
    }
  }
}

}  // namespace
}  // namespace coupongen
