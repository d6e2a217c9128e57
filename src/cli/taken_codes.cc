#include "cli/taken_codes.h"

#include "io/coupon_reader.h"

namespace coupongen {

Result<TakenCounts> AddExcludedCodes(const std::vector<std::string>& paths, const CodeKeyer& keyer, CodeSet* taken) {
  TakenCounts counts;
  CouponRow row;
  for (const auto& path : paths) {
    auto reader = CouponReader::Open(path);
    if (!reader.ok()) {
      const Status& s = reader.status();
      return s.code() == Status::Code::kIoError ? Status::IoError("exclusion file " + s.message())
                                                : Status::Invalid("exclusion file " + s.message());
    }
    ++counts.files;
    while ((*reader)->Next(&row)) {
      if (row.coupon.code.empty()) continue;
      ++counts.codes;
      if (auto key = keyer.Key(row.coupon.code))
        if (taken->Insert(*key)) ++counts.relevant;
    }
    if (!(*reader)->status().ok()) return Status::Invalid("exclusion file " + (*reader)->status().message());
  }
  return counts;
}

}  // namespace coupongen
