// Keyed mode's constant-memory promise, checked by counting heap allocations rather than timing:
// once the generator and a writer are set up, making and writing codes allocates nothing, so
// memory cannot grow with the count (no table of codes, unlike random mode's CodeSet).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "codes/code_rules.h"
#include "codes/keyed_generator.h"
#include "io/coupon_writer.h"
#include "io/sink.h"

namespace {
thread_local bool g_counting = false;
std::atomic<uint64_t> g_allocations{0};
}  // namespace

// Replaces the global allocator of the test binary with one that can count this thread's calls
// (every form of it, so sanitizers' own operators never pair with these).
// GCC 12 sees std::free in a replaced operator delete and, not knowing operator new is replaced too,
// warns of a mismatched pair: these two are the pair.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t size) {
  if (g_counting) ++g_allocations;
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  if (g_counting) ++g_allocations;
  return std::malloc(size ? size : 1);
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept { return operator new(size, tag); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace coupongen {
namespace {

TEST(KeyedMemoryTest, MakingAndWritingCodesAllocatesNothingPerCode) {
  std::string err;
  Alphabet alphabet = *Alphabet::Parse("unambiguous", &err);
  // With the typo rules on: a check character (the 13th slot) and the built-in blocklist.
  BlocklistSpec builtin;
  builtin.builtin = true;
  auto rules = CodeRules::Make(alphabet, 12, /*check=*/true, builtin);
  ASSERT_TRUE(rules.ok());
  CodeShape shape = CodeShape::FromParts("SUM-", 13, 4, "-", "");
  for (OutputFormat format : {OutputFormat::kCsv, OutputFormat::kJson, OutputFormat::kJsonApi, OutputFormat::kImports}) {
    auto gen = KeyedGenerator::Create(shape, alphabet, std::vector<uint8_t>(32, 9), "summer", {0, 300000}, &*rules);
    ASSERT_TRUE(gen.ok());
    Coupon coupon;
    coupon.promotion_rule_id = "ABCRtyUpBa";
    coupon.usage_limit = 1;
    WriterOptions wo;
    wo.format = format;
    wo.fields = FieldSet::Of(coupon);
    wo.campaign = "summer";
    wo.parent_rule_id = coupon.promotion_rule_id;
    DiscardSink sink;
    auto writer = MakeCouponWriter(wo, sink);
    // Warm up: buffers reach their working size.
    for (int i = 0; i < 100000; ++i) {
      ASSERT_TRUE(gen->Next(&coupon.code).ok());
      ASSERT_TRUE(writer->Write(coupon).ok());
    }
    g_allocations = 0;
    g_counting = true;
    delete new std::string(100, 'x');  // the counter sees this thread's allocations
    ASSERT_GE(g_allocations.load(), 1u);
    g_allocations = 0;
    for (int i = 0; i < 200000; ++i) {
      if (!gen->Next(&coupon.code).ok() || !writer->Write(coupon).ok()) break;
    }
    g_counting = false;
    EXPECT_EQ(g_allocations.load(), 0u) << FormatName(format);
    EXPECT_EQ(gen->remaining(), 0u);
    EXPECT_TRUE(writer->Finish().ok());
    EXPECT_GT(sink.bytes_written(), 300000u * 14);
  }
}

}  // namespace
}  // namespace coupongen
