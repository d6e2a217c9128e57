#!/usr/bin/env bash
# Runs each fuzz target on its seed corpus (fuzz/corpus/<target>/) and the saved regressions
# (tests/regressions/<target>/) for SECONDS seconds, one at a time, one worker. New inputs go to a
# scratch corpus (never into the committed seeds); a crash is written to ARTIFACTS/ and fails the run.
#   fuzz/run.sh BUILD_DIR [SECONDS] [TARGET...]      (default 60 s, every target)
# Environment: FUZZ_WORK (scratch directory, default a fresh temporary one), FUZZ_ARTIFACTS
# (where crashes go, default $FUZZ_WORK/artifacts).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build_dir=$(cd "${1:?usage: fuzz/run.sh BUILD_DIR [SECONDS] [TARGET...]}" && pwd)
seconds=${2:-60}
shift $(( $# >= 2 ? 2 : 1 ))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(spec_fuzzer reader_fuzzer text_fuzzer)
work=${FUZZ_WORK:-$(mktemp -d)}
mkdir -p "$work"
work=$(cd "$work" && pwd)
artifacts=${FUZZ_ARTIFACTS:-$work/artifacts}
mkdir -p "$artifacts"
artifacts=$(cd "$artifacts" && pwd)
status=0
for t in "${targets[@]}"; do
  mkdir -p "$work/$t"
  dict=()
  case "$t" in
    spec_fuzzer) dict=(-dict="$root/fuzz/spec.dict") ;;
    reader_fuzzer) dict=(-dict="$root/fuzz/reader.dict") ;;
  esac
  inputs=("$root/fuzz/corpus/$t")
  # (git keeps no empty directory: a target without saved regressions has none)
  [ -d "$root/tests/regressions/$t" ] && inputs+=("$root/tests/regressions/$t")
  log="$work/$t.log"
  echo "fuzz: $t for ${seconds}s" >&2
  # -rss_limit_mb: the reader may hold a whole JSON document; -timeout: a slow input is a finding.
  # From the scratch directory: with -jobs, libFuzzer writes fuzz-<job>.log into the current one.
  if ! (cd "$work" && "$build_dir/fuzz/$t" "${dict[@]}" -max_total_time="$seconds" -jobs=1 -workers=1 \
       -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/$t-" \
       "$work/$t" "${inputs[@]}") >"$log" 2>&1; then
    echo "fuzz: $t FOUND A PROBLEM (input in $artifacts):" >&2
    grep -E "ERROR|invariant|SUMMARY|Test unit written" "$log" >&2 || tail -30 "$log" >&2
    status=1
    continue
  fi
  # Executions, coverage (edges) and features, from libFuzzer's final stats and last status line.
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
  echo "fuzz: $t ok: ${runs:-?} executions in ${seconds}s, cov ${cov:-?} edges, ft ${ft:-?} features, corpus ${corp:-?}" >&2
done
exit $status
