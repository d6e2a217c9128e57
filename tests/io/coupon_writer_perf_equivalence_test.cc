// WriteBatch (a template per batch) must write exactly what Write (one coupon at a time) writes,
// in every format, with and without per-coupon emails, however the coupons are split in batches.
#include <gtest/gtest.h>

#include <sstream>

#include "io/coupon_writer.h"

namespace coupongen {
namespace {

struct Case {
  const char* name;
  Coupon base;
};

std::vector<Case> Bases() {
  Coupon full;
  full.promotion_rule_id = "ABCRtyUpBa";
  full.usage_limit = 3;
  full.customer_single_use = false;
  full.expires_at = "2027-03-31T23:59:59.000Z";
  full.reference = "spring, \"2027\"\n\xe2\x80\xa8";
  full.reference_origin = "crm\\x";
  full.metadata = R"({"channel":"email"})";
  full.tags = {"spring", "vip"};
  Coupon with_email = full;
  with_email.recipient_email = "base@example.com";  // the base's own email, used without a list
  Coupon five;
  five.promotion_rule_id = "ABCRtyUpBa";
  five.usage_limit = 1;
  five.customer_single_use = true;
  five.expires_at = "2099-03-31T23:59:59.000Z";
  five.reference = "spring-2027";
  return {{"bare", Coupon()}, {"full", full}, {"with_email", with_email}, {"five", five}};
}

std::vector<std::string> Codes(size_t n) {
  std::vector<std::string> codes;
  for (size_t i = 0; i < n; ++i) codes.push_back("SPR-" + std::to_string(1000 + i) + (i % 7 == 0 ? ",\"q" : ""));
  return codes;
}

std::vector<std::string> Emails(size_t n) {
  std::vector<std::string> emails;
  for (size_t i = 0; i < n; ++i) emails.push_back("r" + std::to_string(i) + (i % 5 == 0 ? "\"x@example.com" : "@example.com"));
  return emails;
}

WriterOptions Options(OutputFormat format, const Coupon& base, bool with_emails) {
  WriterOptions o;
  o.format = format;
  o.fields = FieldSet::Of(base);
  if (with_emails) o.fields.Add(Field::kRecipientEmail);
  o.campaign = "spring";
  o.parent_rule_id = base.promotion_rule_id;
  o.chunk_size = 4;
  return o;
}

std::string OneAtATime(const WriterOptions& o, const Coupon& base, const std::vector<std::string>& codes,
                       const std::vector<std::string>* emails) {
  std::ostringstream out;
  OstreamSink sink(out);
  auto w = MakeCouponWriter(o, sink);
  Coupon c = base;
  for (size_t i = 0; i < codes.size(); ++i) {
    c.code = codes[i];
    if (emails) c.recipient_email = (*emails)[i];
    EXPECT_TRUE(w->Write(c).ok());
  }
  EXPECT_TRUE(w->Finish().ok());
  return out.str();
}

std::string InBatches(const WriterOptions& o, const Coupon& base, const std::vector<std::string>& codes,
                      const std::vector<std::string>* emails, size_t batch_size) {
  std::ostringstream out;
  OstreamSink sink(out);
  auto w = MakeCouponWriter(o, sink);
  std::vector<std::string_view> views(codes.begin(), codes.end());
  std::span<const std::string_view> all(views);
  for (size_t done = 0; done < codes.size(); done += batch_size) {
    size_t n = std::min(batch_size, codes.size() - done);
    std::span<const std::string> e;
    if (emails) e = std::span<const std::string>(*emails).subspan(done, n);
    EXPECT_TRUE(w->WriteBatch(base, all.subspan(done, n), e).ok());
  }
  EXPECT_TRUE(w->Finish().ok());
  return out.str();
}

TEST(CouponWriterPerfEquivalenceTest, BatchesWriteWhatSingleCouponsWrite) {
  const auto codes = Codes(23);
  const auto emails = Emails(23);
  for (OutputFormat format : {OutputFormat::kCsv, OutputFormat::kJson, OutputFormat::kJsonApi, OutputFormat::kImports}) {
    for (const auto& [name, base] : Bases()) {
      for (bool with_emails : {false, true}) {
        WriterOptions o = Options(format, base, with_emails);
        const auto* e = with_emails ? &emails : nullptr;
        std::string expected = OneAtATime(o, base, codes, e);
        for (size_t batch : {1u, 3u, 4u, 23u, 100u})
          EXPECT_EQ(InBatches(o, base, codes, e, batch), expected)
              << FormatName(format) << " " << name << (with_emails ? " with emails" : "") << " batch " << batch;
      }
    }
  }
}

TEST(CouponWriterPerfEquivalenceTest, PlainCodesAreWrittenAsEscapedOnesWouldBe) {
  std::vector<std::string> codes;
  for (int i = 0; i < 50; ++i) codes.push_back("SPR-" + std::to_string(100000 + i * 7919) + "!#$%&()*+-./:;<=>?@[]^_`{|}~");
  const auto emails = Emails(50);
  for (OutputFormat format : {OutputFormat::kCsv, OutputFormat::kJson, OutputFormat::kJsonApi, OutputFormat::kImports}) {
    for (const auto& [name, base] : Bases()) {
      for (bool with_emails : {false, true}) {
        const WriterOptions escaping = Options(format, base, with_emails);
        WriterOptions plain = escaping;
        plain.plain_codes = true;
        const auto* e = with_emails ? &emails : nullptr;
        EXPECT_EQ(InBatches(plain, base, codes, e, 16), InBatches(escaping, base, codes, e, 16))
            << FormatName(format) << " " << name;
        // Write() is for codes from anywhere: it escapes even when the batches need not.
        EXPECT_EQ(OneAtATime(plain, base, {"A,\"B"}, nullptr), OneAtATime(escaping, base, {"A,\"B"}, nullptr))
            << FormatName(format) << " " << name;
      }
    }
  }
}

TEST(CouponWriterPerfEquivalenceTest, EmptyBatchesWriteNothing) {
  for (OutputFormat format : {OutputFormat::kCsv, OutputFormat::kJson, OutputFormat::kJsonApi, OutputFormat::kImports}) {
    WriterOptions o = Options(format, Coupon(), false);
    EXPECT_EQ(InBatches(o, Coupon(), {}, nullptr, 10), OneAtATime(o, Coupon(), {}, nullptr)) << FormatName(format);
  }
}

TEST(CouponWriterPerfEquivalenceTest, FlatCouponJsonIsTheJsonRow) {
  Coupon c = Bases()[1].base;
  c.code = "A\"B";
  c.recipient_email = "ann@example.com";
  std::string flat;
  AppendFlatCouponJson(flat, c);
  EXPECT_EQ(flat,
            R"({"code":"A\"B","promotion_rule_id":"ABCRtyUpBa","usage_limit":3,"customer_single_use":false,)"
            R"("recipient_email":"ann@example.com","expires_at":"2027-03-31T23:59:59.000Z",)"
            R"("reference":"spring, \"2027\"\n\u2028","reference_origin":"crm\\x","metadata":{"channel":"email"},)"
            R"("_add_tags":"spring,vip"})");
}

}  // namespace
}  // namespace coupongen
