#include "run/run_options.h"

#include "base/strings.h"

namespace coupongen {

SequenceRange ShardOf(SequenceRange run, Shard shard) {
  // 128-bit products: I * count overflows 64 bits for large runs.
  auto bound = [&](uint64_t i) {
    return static_cast<uint64_t>(static_cast<unsigned __int128>(i) * run.count / shard.count);
  };
  uint64_t begin = bound(shard.index), end = bound(shard.index + 1);
  return SequenceRange{run.start + begin, end - begin};
}

std::string RangeText(SequenceRange range) {
  return WithThousands(range.start) + ".." + WithThousands(range.last());
}

std::string ShardText(Shard s) { return std::to_string(s.index) + "/" + std::to_string(s.count); }

}  // namespace coupongen
