// Micro-benchmarks of code generation: random bytes, symbol mapping, keys, the set, the generator.
// Items are codes (or bytes, for the sources); compare runs on the same machine only.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "codes/code_set.h"
#include "codes/generator.h"
#include "codes/random_source.h"
#include "codes/symbol_drawer.h"

namespace coupongen {
namespace {

Alphabet Unambiguous() {
  std::string err;
  return *Alphabet::Parse("unambiguous", &err);
}

// Random bytes from each source, 64 KiB at a time (the drawer's refill size).
template <typename Source>
void BM_RandomFill(benchmark::State& state) {
  Source src = [] {
    if constexpr (std::is_same_v<Source, PredictableSeededRandom>) return Source("bench");
    else return Source();
  }();
  std::vector<uint8_t> buf(64 * 1024);
  for (auto _ : state) {
    if (!src.Fill(buf).ok()) state.SkipWithError("no randomness");
    benchmark::DoNotOptimize(buf.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * buf.size()));
}
BENCHMARK(BM_RandomFill<OpenSslRandom>);
BENCHMARK(BM_RandomFill<PredictableSeededRandom>);

// Symbol mapping: 12 symbol indexes per code from a 30-symbol alphabet, by rejection sampling,
// 256 codes per call as the generator asks (the random source's time included). Items are codes.
void BM_SymbolDraw(benchmark::State& state) {
  PredictableSeededRandom src("bench");
  SymbolDrawer drawer(src, 30);
  std::vector<uint8_t> out(256 * 12);
  for (auto _ : state) {
    if (!drawer.Draw(out.data(), out.size()).ok()) state.SkipWithError("draw failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 256));
}
BENCHMARK(BM_SymbolDraw);

// Packing 12 folded indexes into a key.
void BM_CodeKey(benchmark::State& state) {
  Alphabet a = Unambiguous();
  CodeShape shape = CodeShape::FromParts("", 12, 0, "-", "");
  CodeKeyer keyer(shape, a);
  std::vector<uint8_t> folded(12 * 1024);
  std::mt19937 rng(1);  // benchmark inputs only
  for (auto& f : folded) f = static_cast<uint8_t>(rng() % 30);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(keyer.KeyFromFolded(&folded[12 * (i++ & 1023)], 12));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_CodeKey);

// The set: a table sized for N keys, filled with N random keys (allocation and zeroing included,
// as in a run). Past the caches, each insert is a cache miss unless it was prefetched.
std::vector<uint64_t> RandomKeys(size_t n) {
  std::vector<uint64_t> keys(n);
  std::mt19937_64 rng(7);  // benchmark inputs only
  for (auto& k : keys) k = (rng() >> 5) + 1;
  return keys;
}

void BM_CodeSetInsert(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  std::vector<uint64_t> keys = RandomKeys(n);
  for (auto _ : state) {
    CodeSet set(n);
    for (uint64_t k : keys) benchmark::DoNotOptimize(set.Insert(k));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_CodeSetInsert)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

// The same keys, 256 at a time: prefetch each one's slot, then insert them in order (what the
// generator does). The difference from BM_CodeSetInsert is the cache-miss latency hidden.
void BM_CodeSetInsertPrefetched(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  std::vector<uint64_t> keys = RandomKeys(n);
  for (auto _ : state) {
    CodeSet set(n);
    for (size_t i = 0; i < n; i += 256) {
      const size_t end = std::min(n, i + 256);
      for (size_t j = i; j < end; ++j) set.Prefetch(keys[j]);
      for (size_t j = i; j < end; ++j) benchmark::DoNotOptimize(set.Insert(keys[j]));
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_CodeSetInsertPrefetched)->Arg(1'000'000)->Arg(10'000'000)->Arg(100'000'000)->Unit(benchmark::kMillisecond);

// The generator end to end (draw, key, set, render): N codes of the default shape.
void BM_GeneratorNext(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  Alphabet a = Unambiguous();
  CodeShape shape = CodeShape::FromParts("", 12, 0, "-", "");
  for (auto _ : state) {
    PredictableSeededRandom src("bench");
    CodeSet seen(n);
    CodeGenerator gen(shape, a, src, seen);
    std::string code;
    for (size_t i = 0; i < n; ++i) {
      if (!gen.Next(&code).ok()) state.SkipWithError("generator failed");
      benchmark::DoNotOptimize(code.data());
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_GeneratorNext)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

// The same in batches of 4096 (what generate does): prefetched inserts, no per-code call.
void BM_GeneratorNextBatch(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  Alphabet a = Unambiguous();
  CodeShape shape = CodeShape::FromParts("", 12, 0, "-", "");
  for (auto _ : state) {
    PredictableSeededRandom src("bench");
    CodeSet seen(n);
    CodeGenerator gen(shape, a, src, seen);
    CodeBatch batch;
    for (size_t done = 0; done < n; done += batch.size()) {
      if (!gen.NextBatch(std::min<size_t>(4096, n - done), &batch).ok()) state.SkipWithError("generator failed");
      benchmark::DoNotOptimize(batch[0].data());
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_GeneratorNextBatch)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace coupongen
