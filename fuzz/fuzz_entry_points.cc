#include "fuzz_entry_points.h"

#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

#include "base/email.h"
#include "base/timestamp.h"
#include "cli/diagnostics.h"
#include "cli/output.h"
#include "codes/alphabet.h"
#include "codes/code_set.h"
#include "codes/generator.h"
#include "codes/random_source.h"
#include "io/coupon_reader.h"
#include "io/coupon_writer.h"
#include "io/sink.h"
#include "lint/coupon_checks.h"
#include "spec/campaign_parser.h"
#include "spec/plan.h"

namespace coupongen::fuzz {
namespace {

// An invariant that must hold for every input: abort (a finding) when it does not.
#define FUZZ_CHECK(cond, what)                                                   \
  do {                                                                           \
    if (!(cond)) {                                                               \
      std::fprintf(stderr, "fuzz invariant failed: %s: %s\n", #cond, (what));   \
      std::abort();                                                              \
    }                                                                            \
  } while (0)

// 2027-02-01T00:00:00Z: a fixed clock, so a finding replays the same way.
constexpr TimeMs kNow = 1801440000000;

std::string Gzip(std::string_view data) {
  z_stream z{};
  if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) std::abort();
  std::string out(deflateBound(&z, data.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) std::abort();
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// Reads every row of `content`, through lint's checks; returns the rows read (or -1 when the file
// was rejected as unreadable).
long ReadAll(const std::string& name, std::string content, std::vector<Coupon>* coupons = nullptr) {
  auto reader = CouponReader::FromString(name, std::move(content));
  if (!reader.ok()) {
    FUZZ_CHECK(!reader.status().message().empty(), "an unreadable file says why");
    return -1;
  }
  CheckOptions options;
  options.now = kNow;
  CouponChecker checker(options);
  checker.BeginFile((*reader)->name());
  CouponRow row;
  Problems problems;
  long rows = 0;
  while ((*reader)->Next(&row)) {
    ++rows;
    checker.Check(row, &problems);
    for (const auto& p : problems) FUZZ_CHECK(!p.ToString().empty(), "a problem has text");
    problems.clear();
    if (coupons) coupons->push_back(row.coupon);
  }
  (void)InputFormatName((*reader)->format());
  (void)(*reader)->csv_header();
  return (*reader)->status().ok() ? rows : -1;
}

}  // namespace

void RunSpec(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Problems problems;
  // A spec in a directory that does not exist: relative paths in it (recipients, exclusions)
  // never reach a real file.
  Campaign c = ParseCampaign(text, "/nonexistent-coupongen-fuzz/spec.yaml", &problems);
  if (c.recipients.file) c.recipients.file = "recipients.csv";
  PlanOptions options;
  options.now = kNow;
  Plan plan = BuildPlan(c, options, &problems);
  // Every problem renders, with its caret line.
  std::ostringstream err;
  Diagnostics diag(err, false);
  diag.ReportAll(problems, c.text);
  for (const auto& p : problems) FUZZ_CHECK(!p.message.empty(), "a problem says what is wrong");
  if (HasErrors(problems)) return;

  // A valid plan: its keyspace is sane and a few codes have its shape.
  FUZZ_CHECK(plan.count >= 1, "a valid plan makes at least one code");
  FUZZ_CHECK(plan.alphabet.size() >= 2, "a valid alphabet has two symbols");
  FUZZ_CHECK(plan.shape.random_length() >= 1, "a valid shape has a random character");
  FUZZ_CHECK(plan.shape.length() >= 1 && plan.shape.length() <= 1000, "code length bounded");
  (void)plan.keyspace.SizeText();
  (void)OddsText(plan.keyspace.GuessOdds(static_cast<long double>(plan.count)));
  if (!CheckFeasibility(plan, 0).ok()) return;
  if (plan.mode == CodeMode::kKeyed) return;  // needs its key file (never read here)
  PredictableSeededRandom random("fuzz");
  CodeSet seen(8);
  CodeGenerator gen(plan.shape, plan.alphabet, random, seen);
  gen.UseRules(plan.rules);  // the check character and the blocklist, as generate does
  CodeKeyer keyer(plan.shape, plan.alphabet);
  std::ostringstream written;
  OstreamSink sink(written);
  WriterOptions wo = WriterOptionsFor(plan);
  auto writer = MakeCouponWriter(wo, sink);
  std::vector<Coupon> made;
  Coupon coupon = plan.base;
  const uint64_t n = plan.count < 4 ? plan.count : 4;
  for (uint64_t i = 0; i < n; ++i) {
    FUZZ_CHECK(gen.Next(&coupon.code).ok(), "a feasible plan makes its codes");
    FUZZ_CHECK(coupon.code.size() == plan.shape.length(), "a code has the shape's length");
    FUZZ_CHECK(plan.shape.LiteralsMatch(coupon.code), "a code has the shape's literal text");
    FUZZ_CHECK(keyer.Key(coupon.code).has_value(), "a code has a key");
    (void)plan.shape.Masked(coupon.code);
    if (!plan.recipients.empty()) coupon.recipient_email = plan.recipients[i];
    FUZZ_CHECK(writer->Write(coupon).ok(), "writing to memory succeeds");
    made.push_back(coupon);
  }
  FUZZ_CHECK(writer->Finish().ok(), "writing to memory succeeds");
  // What coupongen writes, coupongen reads back as the same codes.
  std::vector<Coupon> read;
  long rows = ReadAll("out", written.str(), &read);
  FUZZ_CHECK(rows == static_cast<long>(made.size()), "the output reads back row for row");
  for (size_t i = 0; i < made.size(); ++i) FUZZ_CHECK(read[i].code == made[i].code, "the output reads back code for code");
}

void RunReader(const uint8_t* data, size_t size) {
  std::string content(reinterpret_cast<const char*>(data), size);
  long plain = ReadAll("in", content);
  // The same bytes gzip-compressed read the same way (the reader detects 1f 8b).
  // (Not for input that already is gzip data: compressed twice, it is binary data once unpacked.)
  if (size <= 1 << 16 && !(size >= 2 && data[0] == 0x1f && data[1] == 0x8b)) {
    long gzipped = ReadAll("in.gz", Gzip(content));
    FUZZ_CHECK(plain == gzipped, "a gzipped file reads like the plain one");
  }
}

void RunText(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  if (auto t = ParseTimestamp(text, &error)) {
    // Years 0000..9999: the canonical form reads back as the same instant.
    if (*t >= -62167219200000LL && *t < 253402300800000LL) {
      std::string canonical = FormatTimestamp(*t);
      std::string again_error;
      auto again = ParseTimestamp(canonical, &again_error);
      FUZZ_CHECK(again && *again == *t, canonical.c_str());
    }
  } else {
    FUZZ_CHECK(!error.empty(), "a rejected timestamp says why");
  }
  error.clear();
  if (auto d = ParseDuration(text, &error)) FUZZ_CHECK(*d > 0, "a duration is positive");
  else FUZZ_CHECK(!error.empty(), "a rejected duration says why");
  error.clear();
  if (IsValidEmail(text, &error)) {
    FUZZ_CHECK(text.size() <= 254, "an address is at most 254 characters");
    size_t at = text.rfind('@');
    FUZZ_CHECK(at != std::string_view::npos && at > 0 && at + 1 < text.size(), "an address is local@domain");
  } else {
    FUZZ_CHECK(!error.empty(), "a rejected address says why");
  }
  error.clear();
  if (auto a = Alphabet::Parse(text, &error)) {
    FUZZ_CHECK(a->size() >= 2, "an alphabet has two symbols");
    FUZZ_CHECK(a->folded_size() >= 1 && a->folded_size() <= a->size(), "folding never adds symbols");
    for (size_t i = 0; i < a->size(); ++i) {
      FUZZ_CHECK(IsSafeCodeChar(a->symbol(i)), "alphabet symbols are safe characters");
      int f = a->FoldedIndex(a->symbol(i));
      FUZZ_CHECK(f >= 0 && static_cast<size_t>(f) < a->folded_size(), "every symbol folds into range");
      for (size_t j = 0; j < i; ++j) FUZZ_CHECK(a->symbol(i) != a->symbol(j), "symbols are distinct");
    }
  } else {
    FUZZ_CHECK(!error.empty(), "a rejected alphabet says why");
  }
}

}  // namespace coupongen::fuzz
