#!/usr/bin/env bash
# The ledger's cost (issue 14): one `coupongen generate` run with and without a ledger, the
# ledger's bytes per code, and a small run against a large ledger. Medians of RUNS runs (default
# 5) of wall and CPU time; peak memory (maximum resident set size) from /usr/bin/time -v. Prints Markdown.
#
#   bench/ledger.sh                 10^6 codes with/without a new ledger; 1,000 codes against 10^7
#   BIG=1e6 bench/ledger.sh         a smaller "large ledger" (quick check)
#
# The shape is the default (12 characters of the unambiguous alphabet), csv to a file in a
# temporary directory (the ledger beside it, so both pay the same fsyncs).
# Environment: COUPONGEN (default build/coupongen), RUNS, N (default 1e6), BIG (default 1e7).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${COUPONGEN:-$root/build/coupongen}"
runs="${RUNS:-5}"
n=$(python3 -c "print(int(float('${N:-1e6}')))")
big=$(python3 -c "print(int(float('${BIG:-1e7}')))")
[ -x /usr/bin/time ] || { echo "bench/ledger.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf 'version: 1\ncampaign: bench-ledger\npromotion_rule_id: ABCRtyUpBa\ncodes:\n  count: 1\n' >"$work/s.yaml"

# One timed run: prints "wall_seconds cpu_seconds peak_kib" (CPU = user + sys: on a shared
# machine the steadier figure).
timed() {
  /usr/bin/time -v -o "$work/time.txt" "$bin" generate "$work/s.yaml" -q --force "$@" >/dev/null
  python3 - "$work/time.txt" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
w = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1).split(":")
secs = sum(float(x) * 60 ** i for i, x in enumerate(reversed(w)))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
cpu = sum(float(re.search(rf"{k} time \(seconds\): (\S+)", t).group(1)) for k in ("User", "System"))
print(f"{secs:.3f} {cpu:.3f} {rss}")
PY
}
median() { python3 -c "import statistics,sys; v=[float(x) for x in sys.argv[1:]]; print(f'{statistics.median(v):.3f}')" "$@"; }

echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| case | codes | wall s | CPU s | peak RSS MiB | ledger bytes/code |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
without=() with=() cpu_without=() cpu_with=() rss_without=0 rss_with=0 bpc=0
for ((i = 0; i < runs; i++)); do
  read -r s c r < <(timed -n "$n" -o "$work/out.csv"); without+=("$s"); cpu_without+=("$c"); rss_without=$r
  rm -f "$work/l.db"
  read -r s c r < <(timed -n "$n" -o "$work/out.csv" --ledger "$work/l.db"); with+=("$s"); cpu_with+=("$c"); rss_with=$r
  bpc=$(python3 -c "import os; print(f'{os.path.getsize(\"$work/l.db\") / $n:.1f}')")
done
echo "| no ledger | $n | $(median "${without[@]}") | $(median "${cpu_without[@]}") | $((rss_without / 1024)) | |"
echo "| new ledger | $n | $(median "${with[@]}") | $(median "${cpu_with[@]}") | $((rss_with / 1024)) | $bpc |"

# The large ledger: BIG codes issued in runs of N (as years of campaigns would), then small runs.
rm -f "$work/l.db"
for ((done = 0; done < big; done += n)); do
  "$bin" generate "$work/s.yaml" -q --force -n "$n" -o "$work/out.csv" --ledger "$work/l.db" >/dev/null
done
bpc=$(python3 -c "import os; print(f'{os.path.getsize(\"$work/l.db\") / $big:.1f}')")
small=() cpu_small=() rss_small=0
sync  # the runs below fsync the ledger: not the writes of the runs above
for ((i = 0; i < runs; i++)); do
  read -r s c r < <(timed -n 1000 -o "$work/out.csv" --ledger "$work/l.db"); small+=("$s"); cpu_small+=("$c"); rss_small=$r
done
echo "| 1,000 codes against a ledger of $big | 1000 | $(median "${small[@]}") | $(median "${cpu_small[@]}") | $((rss_small / 1024)) | $bpc |"
