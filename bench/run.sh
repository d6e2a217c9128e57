#!/usr/bin/env bash
# The benchmark: builds coupongen and the micro-benchmarks in Release mode in their own build
# directory, then prints the tables (Markdown) of bench/measure.py.
#
#   bench/run.sh            10^6, 10^7 and 10^8 codes; formats at 10^6 and 10^7; baseline up to 10^7
#   bench/run.sh --small    10^5 codes, one run each: proves the benchmark works (CI), in well under a minute
#   bench/run.sh [--small] [measure.py options...]   e.g. --baseline-max 1e8 --formats-max 1e8 --runs 5
#
# Environment: BENCH_BUILD_DIR (default build-bench), BENCH_OUT_DIR (default bench/out: the
# files written, each deleted once measured), BENCH_JOBS (default 2).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BENCH_BUILD_DIR:-$root/build-bench}"
out="${BENCH_OUT_DIR:-$root/bench/out}"
jobs="${BENCH_JOBS:-2}"

args=()
if [ "${1:-}" = "--small" ]; then
  shift
  args=(--sizes 1e5 --runs 1 --baseline-max 1e5 --formats-max 1e5 --anchor-max 1e5 --keyed-max 1e5 --micro-min-time 0.01
        --micro-filter 'BM_(RandomFill|SymbolDraw|CodeKey|CodeSetInsert(Prefetched)?/1000000$|GeneratorNextBatch/1000000$|WriterWriteBatch)')
fi

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCOUPONGEN_BUILD_BENCH=ON -DCOUPONGEN_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$jobs" --target coupongen coupongen_micro_bench >/dev/null

# The anchor (the hand-tuned single-thread limit random mode is compared with) is built from its
# shared source when that exists; it is never copied into this repository.
anchor_src="${ANCHOR_SRC:-$root/../shared/anchors/gen_rand.cpp}"
anchor_args=()
if [ -f "$anchor_src" ]; then
  g++ -O2 -o "$build/gen_rand" "$anchor_src" -lcrypto && anchor_args=(--anchor "$build/gen_rand")
fi

exec python3 "$root/bench/measure.py" --coupongen "$build/coupongen" --micro "$build/bench/coupongen_micro_bench" \
  --out-dir "$out" "${anchor_args[@]}" "${args[@]}" "$@"
