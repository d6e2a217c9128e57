#!/usr/bin/env bash
# Keyed mode beside random mode: codes/s and peak memory (maximum resident set size) of one
# `coupongen generate` run, measured with /usr/bin/time -v. Prints a Markdown table.
#
#   bench/keyed.sh                 10^7 and 10^8 codes, both modes, CSV to /dev/null
#   bench/keyed.sh 1e5 1e6         other sizes
#   BENCH_FILE=1 bench/keyed.sh    write a real output file (temporary, deleted) instead of /dev/null
#
# The shape is the default (12 characters of the 30-symbol unambiguous alphabet, 5.3e17 codes), the
# format csv with a promotion_rule_id column. codes/s is given against wall time and against CPU
# time (user + sys): on a shared machine the second is the steadier figure.
# Environment: COUPONGEN (default build/coupongen), MODES (default "random keyed").
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${COUPONGEN:-$root/build/coupongen}"
modes="${MODES:-random keyed}"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1e7 1e8)
[ -x /usr/bin/time ] || { echo "bench/keyed.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$bin" keygen "$work/bench.key" 2>/dev/null
for mode in $modes; do
  {
    printf 'version: 1\ncampaign: bench-%s\npromotion_rule_id: ABCRtyUpBa\ncodes:\n  count: 1\n' "$mode"
    [ "$mode" = keyed ] && printf '  mode: keyed\n  key_file: bench.key\n'
  } >"$work/$mode.yaml"
done

echo "| mode | codes | wall s | CPU s | codes/s (wall) | codes/s (CPU) | peak RSS |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for size in "${sizes[@]}"; do
  n=$(python3 -c "print(int(float('$size')))")
  for mode in $modes; do
    out=-
    [ -n "${BENCH_FILE:-}" ] && out="$work/out.csv"
    /usr/bin/time -v -o "$work/time.txt" "$bin" generate "$work/$mode.yaml" -n "$n" -o "$out" -q --force >/dev/null
    rm -f "$work/out.csv"
    python3 - "$work/time.txt" "$mode" "$n" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
mode, n = sys.argv[2], int(sys.argv[3])
def field(name):
    return re.search(re.escape(name) + r":\s*(\S+)", text).group(1)
parts = [float(p) for p in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")]
wall = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
rss = int(field("Maximum resident set size (kbytes)")) / 1024
print(f"| {mode} | {n:,} | {wall:.1f} | {cpu:.1f} | {n / wall:,.0f} | {n / cpu:,.0f} | {rss:,.1f} MiB |")
PY
  done
done
