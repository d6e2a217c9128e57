#include "run/taken_codes.h"

#include <algorithm>

#include "base/strings.h"
#include "io/coupon_reader.h"

namespace coupongen {
namespace {

// How a run keeps clear of the ledger's codes. A ledger holding few codes next to the run's count
// is read into the uniqueness table (its packed keys of this shape straight in, other codes keyed
// one by one). A ledger holding far more (a small run against years of campaigns) is not: each
// code drawn is looked up in the ledger's index instead (Ledger::Find), which costs ~10 us a code
// against ~30 ns a code read, so reading wins unless the ledger holds hundreds of codes per code
// of the run.
bool LookUpInLedger(uint64_t ledger_codes, uint64_t count) {
  return ledger_codes > 65536 && ledger_codes / 256 > count;
}

Status ExclusionFileError(const Status& s) {
  return s.code() == Status::Code::kIoError ? Status::IoError("exclusion file " + s.message())
                                            : Status::Invalid("exclusion file " + s.message());
}

// Random mode, a ledger small enough to read: its keys into `taken`. Returns the relevant ones.
Result<uint64_t> ReadLedgerKeys(const Plan& plan, const CodeKeyer& keyer, Ledger& ledger, CodeSet* taken,
                                RunNotices& notices) {
  uint64_t issued = 0, relevant = 0;
  Status s = ledger.ForEachPackedKey(plan.shape, plan.alphabet, [&](uint64_t packed) {
    ++issued;
    if (taken->Insert(packed + 1)) ++relevant;  // CodeKeyer's exact key of the same shape
  });
  if (s.ok())
    s = ledger.ForEachCodeExcept(plan.shape, plan.alphabet, [&](std::string_view code) {
      ++issued;
      if (auto key = keyer.Key(code))
        if (taken->Insert(*key)) ++relevant;
      return Status::Ok();
    });
  if (!s.ok()) return Status::IoError("ledger " + s.message());  // e.g. a damaged page found while reading
  notices.Info(LedgerCodesNotice(ledger, issued, relevant));
  return relevant;
}

}  // namespace

Result<uint64_t> ReadExcludedCodes(const std::vector<std::string>& paths, const TakeCode& take, RunNotices& notices) {
  if (paths.empty()) return uint64_t{0};
  uint64_t files = 0, codes = 0, relevant = 0;
  CouponRow row;
  for (const auto& path : paths) {
    auto reader = CouponReader::Open(path);
    if (!reader.ok()) return ExclusionFileError(reader.status());
    ++files;
    while ((*reader)->Next(&row)) {
      if (row.coupon.code.empty()) continue;
      ++codes;
      relevant += take(row.coupon.code) ? 1 : 0;
    }
    if (!(*reader)->status().ok()) return Status::Invalid("exclusion file " + (*reader)->status().message());
  }
  notices.Info("coupongen: excluding " + WithThousands(codes) + " codes from " + WithThousands(files) +
               (files == 1 ? " file" : " files") + " (" + WithThousands(relevant) + " of this shape)");
  return relevant;
}

std::string LedgerCodesNotice(const Ledger& ledger, uint64_t issued, uint64_t relevant) {
  return "coupongen: ledger " + ledger.path() + " holds " + WithThousands(issued) + " issued codes (" +
         WithThousands(relevant) + " of this shape)";
}

Result<uint64_t> LoadTakenCodes(const Plan& plan, const CodeKeyer& keyer, Ledger* ledger, CodeSet* taken, bool* lookup,
                                RunNotices& notices) {
  auto excluded = ReadExcludedCodes(plan.exclude_paths, [&](std::string_view code) {
    auto key = keyer.Key(code);
    return key && taken->Insert(*key);
  }, notices);
  if (!excluded.ok() || !ledger) return excluded;
  auto counts = ledger->CountForShape(plan.shape, plan.alphabet);
  if (!counts.ok()) return Status::IoError("ledger " + counts.status().message());
  *lookup = LookUpInLedger(counts->same + counts->other, plan.count);
  if (*lookup) {
    notices.Info("coupongen: ledger " + ledger->path() + " holds " + WithThousands(counts->same + counts->other) +
                 " codes that may have this shape: each code drawn is looked up in it");
    return *excluded + counts->same + counts->other;
  }
  auto read = ReadLedgerKeys(plan, keyer, *ledger, taken, notices);
  if (!read.ok()) return read.status();
  return *excluded + *read;
}

Result<TakenSequences> FindTakenSequences(const Plan& plan, Ledger* ledger, KeyedGenerator& gen, RunNotices& notices) {
  TakenSequences t;
  const SequenceRange range = gen.range();
  auto take = [&](std::string_view code) {
    auto n = gen.SequenceOf(code);
    if (!n) return false;
    ++t.relevant;
    if (*n >= range.start && *n - range.start < range.count) t.in_part.push_back(*n);
    return true;
  };
  auto excluded = ReadExcludedCodes(plan.exclude_paths, take, notices);
  if (!excluded.ok()) return excluded.status();
  if (ledger) {
    uint64_t issued = 0, relevant = 0;
    Status s = ledger->ForEachCode([&](std::string_view code) {
      ++issued;
      relevant += take(code) ? 1 : 0;
      return Status::Ok();
    });
    if (!s.ok()) return Status::IoError("ledger " + s.message());
    notices.Info(LedgerCodesNotice(*ledger, issued, relevant));
  }
  std::sort(t.in_part.begin(), t.in_part.end());
  t.in_part.erase(std::unique(t.in_part.begin(), t.in_part.end()), t.in_part.end());
  return t;
}

}  // namespace coupongen
