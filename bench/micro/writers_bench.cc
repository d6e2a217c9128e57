// Micro-benchmarks of the writers: serialising coupons into a sink that keeps nothing, so what is
// measured is formatting and buffering, not the disk. Bytes/s is output bytes.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "io/coupon_writer.h"
#include "io/escape.h"

namespace coupongen {
namespace {

// Counts bytes and drops them.
class NullSink : public OutputSink {
 public:
  Status Append(std::string_view data) override {
    bytes_ += data.size();
    benchmark::DoNotOptimize(data.data());
    return Status::Ok();
  }
  Status Close() override { return Status::Ok(); }
  unsigned long long bytes_written() const override { return bytes_; }

 private:
  unsigned long long bytes_ = 0;
};

// The benchmark spec's coupon: five attributes besides the code (promotion_rule_id in the
// relationship for jsonapi).
Coupon FiveAttributes() {
  Coupon c;
  c.promotion_rule_id = "ABCRtyUpBa";
  c.usage_limit = 1;
  c.customer_single_use = true;
  c.expires_at = "2099-03-31T23:59:59.000Z";
  c.reference = "spring-2027";
  c.reference_origin = "crm";
  return c;
}

std::vector<std::string> Codes(size_t n) {
  static const char kSymbols[] = "2345679ACDEFGHJKLMNPQRSTUVWXYZ";
  std::vector<std::string> codes(n, std::string(12, ' '));
  uint64_t x = 88172645463325252ull;  // xorshift: benchmark inputs only
  for (auto& c : codes)
    for (auto& ch : c) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      ch = kSymbols[x % 30];
    }
  return codes;
}

constexpr size_t kCoupons = 100'000;

// Per-coupon Write: the base coupon with each code.
void BM_WriterWrite(benchmark::State& state, OutputFormat format, bool five) {
  const std::vector<std::string> codes = Codes(kCoupons);
  Coupon base = five ? FiveAttributes() : Coupon();
  WriterOptions o;
  o.format = format;
  o.fields = FieldSet::Of(base);
  o.campaign = "bench";
  o.parent_rule_id = base.promotion_rule_id;
  unsigned long long bytes = 0;
  for (auto _ : state) {
    NullSink sink;
    auto w = MakeCouponWriter(o, sink);
    Coupon c = base;
    for (const auto& code : codes) {
      c.code = code;
      if (!w->Write(c).ok()) state.SkipWithError("write failed");
    }
    if (!w->Finish().ok()) state.SkipWithError("finish failed");
    bytes += sink.bytes_written();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kCoupons));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK_CAPTURE(BM_WriterWrite, csv_code_only, OutputFormat::kCsv, false);
BENCHMARK_CAPTURE(BM_WriterWrite, csv_five, OutputFormat::kCsv, true);
BENCHMARK_CAPTURE(BM_WriterWrite, json_five, OutputFormat::kJson, true);
BENCHMARK_CAPTURE(BM_WriterWrite, jsonapi_five, OutputFormat::kJsonApi, true);
BENCHMARK_CAPTURE(BM_WriterWrite, imports_five, OutputFormat::kImports, true);

// WriteBatch, 4096 codes a call, as generate does: the shared text is serialised once a batch.
// The codes are still escaped here (generate also sets WriterOptions::plain_codes).
void BM_WriterWriteBatch(benchmark::State& state, OutputFormat format, bool five) {
  const std::vector<std::string> codes = Codes(kCoupons);
  const std::vector<std::string_view> views(codes.begin(), codes.end());
  const std::span<const std::string_view> all(views);
  Coupon base = five ? FiveAttributes() : Coupon();
  WriterOptions o;
  o.format = format;
  o.fields = FieldSet::Of(base);
  o.campaign = "bench";
  o.parent_rule_id = base.promotion_rule_id;
  unsigned long long bytes = 0;
  for (auto _ : state) {
    NullSink sink;
    auto w = MakeCouponWriter(o, sink);
    for (size_t done = 0; done < all.size(); done += 4096)
      if (!w->WriteBatch(base, all.subspan(done, std::min<size_t>(4096, all.size() - done)), {}).ok())
        state.SkipWithError("write failed");
    if (!w->Finish().ok()) state.SkipWithError("finish failed");
    bytes += sink.bytes_written();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kCoupons));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK_CAPTURE(BM_WriterWriteBatch, csv_code_only, OutputFormat::kCsv, false);
BENCHMARK_CAPTURE(BM_WriterWriteBatch, csv_five, OutputFormat::kCsv, true);
BENCHMARK_CAPTURE(BM_WriterWriteBatch, json_five, OutputFormat::kJson, true);
BENCHMARK_CAPTURE(BM_WriterWriteBatch, jsonapi_five, OutputFormat::kJsonApi, true);
BENCHMARK_CAPTURE(BM_WriterWriteBatch, imports_five, OutputFormat::kImports, true);

// The escaping helpers on a typical attribute (nothing to escape) and on one that needs it.
void BM_AppendJsonString(benchmark::State& state, std::string s) {
  std::string out;
  for (auto _ : state) {
    out.clear();
    AppendJsonString(out, s);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * s.size()));
}
BENCHMARK_CAPTURE(BM_AppendJsonString, plain, std::string("2099-03-31T23:59:59.000Z"));
BENCHMARK_CAPTURE(BM_AppendJsonString, escaped, std::string("spring, \"2027\"\\x\n"));

void BM_AppendCsvField(benchmark::State& state, std::string s) {
  std::string out;
  for (auto _ : state) {
    out.clear();
    AppendCsvField(out, s);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * s.size()));
}
BENCHMARK_CAPTURE(BM_AppendCsvField, plain, std::string("WYUGPDLTMTK7"));
BENCHMARK_CAPTURE(BM_AppendCsvField, quoted, std::string("spring, \"2027\""));

}  // namespace
}  // namespace coupongen
