#!/usr/bin/env python3
"""End-to-end benchmark of `coupongen generate`, printed as Markdown tables (bench/run.sh runs it).

Every figure is measured in this run on this machine: wall time (best of --runs), codes per
second, output MB/s (MB = 10^6 bytes), and peak resident memory (from `/usr/bin/time -v`, or from
wait4's rusage when that is not installed), beside bench/baseline.py (Python `secrets.choice` and
a `set`) at the same count. Each run writes a fresh file in --out-dir (an existing one is removed
first, untimed) and the file is deleted after it has been checked.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

MIB = 1 << 20
BYTES_PER_CODE_BOUND = 24  # the memory bound: 24 bytes per code plus 16 MiB
BOUND_SLACK = 16 * MIB
TARGET_CODES_PER_S = 10_000_000
TARGET_JSON_MB_S = 200
TARGET_KEYED_CODES_PER_S = 10_000_000
KEYED_PEAK_BOUND = 64 * MIB
TARGET_LINT_MB_S = 300

CODES_SPEC = """version: 1
campaign: bench
codes:
  count: 1000
  length: 12
output:
  format: csv
"""

# Five attributes besides the code (promotion_rule_id goes to the relationship in jsonapi).
FIVE_SPEC = """version: 1
campaign: bench
promotion_rule_id: ABCRtyUpBa
codes:
  count: 1000
  length: 12
coupon:
  usage_limit: 1
  customer_single_use: true
  expires_at: 2099-12-31T23:59:59Z
  reference: spring-2027
output:
  format: csv
"""


def load_average():
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


class Measurement:
    def __init__(self, wall, cpu, peak_kib, out_bytes, load):
        self.wall, self.cpu, self.peak_kib, self.out_bytes, self.load = wall, cpu, peak_kib, out_bytes, load


def run_once(cmd, out_path):
    """Runs cmd once; returns (wall seconds, CPU seconds (user + system), peak RSS KiB, output bytes)."""
    if os.path.exists(out_path):
        os.remove(out_path)
    time_bin = shutil.which("time", path="/usr/bin")
    if NICE["n"] is not None:
        cmd = ["nice", "-n", str(NICE["n"])] + cmd
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        full = [time_bin, "-v", "-o", tf.name] + cmd if time_bin else cmd
        start = time.perf_counter()
        proc = subprocess.Popen(full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, rusage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read().decode(errors="replace")
        proc.stderr.close()
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err.strip()}")
        cpu = rusage.ru_utime + rusage.ru_stime  # the child's and its waited-for children's
        peak_kib = rusage.ru_maxrss  # fallback: the child's own rusage (KiB on Linux)
        if time_bin:
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", tf.read())
            if m:
                peak_kib = int(m.group(1))
    out_bytes = os.path.getsize(out_path)
    return wall, cpu, peak_kib, out_bytes


QUIET = {"below": None, "wait": 0}
NICE = {"n": None}


def wait_for_quiet():
    """On a shared machine: wait (up to --quiet-wait s) until the 1-minute load is below --quiet-below."""
    if QUIET["below"] is None:
        return
    deadline = time.monotonic() + QUIET["wait"]
    while load_average() >= QUIET["below"] and time.monotonic() < deadline:
        time.sleep(5)


def measure(cmd, out_path, runs, check=None):
    """Best wall time of `runs` runs; the largest peak memory of them (the conservative one)."""
    best = None
    for _ in range(runs):
        wait_for_quiet()
        load = load_average()
        wall, cpu, peak, size = run_once(cmd, out_path)
        if check:
            check(out_path)
        os.remove(out_path)
        if best is None or wall < best.wall:
            best = Measurement(wall, cpu, max(peak, best.peak_kib if best else 0), size, load)
        else:
            best.peak_kib = max(best.peak_kib, peak)
    return best


def count_lines_check(expected_lines):
    def check(path):
        with open(path, "rb") as f:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 24), b""))
        if lines != expected_lines:
            raise RuntimeError(f"{path}: {lines} lines, expected {expected_lines}")
    return check


def human_count(n):
    exp = len(str(n)) - 1
    return f"10^{exp}" if n == 10 ** exp else f"{n:,}"


def fmt_rate(x):
    return f"{x / 1e6:,.1f} M" if x >= 1e6 else f"{x / 1e3:,.1f} k"


def bound_bytes(n):
    return BYTES_PER_CODE_BOUND * n + BOUND_SLACK


def machine_lines(coupongen):
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"model name\s*:\s*(.*)", f.read())
            if m:
                cpu = m.group(1).strip()
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    rev = subprocess.run(["git", "-C", os.path.dirname(os.path.abspath(__file__)), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True).stdout.strip() or "unknown"
    return [
        f"- date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {cpu}, {os.cpu_count()} CPUs, {mem:.1f} GiB RAM, Linux {platform.release()}",
        f"- coupongen: {coupongen} (Release), commit {rev}; Python {platform.python_version()}",
        f"- load average at start: {load_average():.2f} (the machine may be shared: see the load column)",
    ] + ([f"- measured programs ran under nice -n {NICE['n']}"] if NICE["n"] is not None else [])


def codes_table(args, out_dir, spec):
    """The headline: 12 random characters, default alphabet, csv, code only; against the baseline."""
    rows, verdicts, per_code = [], [], {}
    header = ("| codes | coupongen wall s | codes/s | CPU s | output MB/s | peak MiB | bytes/code | within 24 B/code + 16 MiB "
              "| load | baseline wall s | baseline CPU s | baseline peak MiB | baseline codes/s | speed-up |")
    rows.append(header)
    rows.append("|---:|---:|---:|---:|---:|---:|---:|:---:|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        out = os.path.join(out_dir, "codes.csv")
        m = measure([args.coupongen, "generate", spec, "-n", str(n), "-o", out, "-q"], out, args.runs,
                    count_lines_check(n + 1))
        rate = n / m.wall
        peak = m.peak_kib * 1024
        ok = peak <= bound_bytes(n)
        base_cells = ["not run", "", "", "", ""]
        if n <= args.baseline_max:
            b = measure([sys.executable, args.baseline, str(n), os.path.join(out_dir, "base.csv")],
                        os.path.join(out_dir, "base.csv"), args.baseline_runs, count_lines_check(n + 1))
            base_cells = [f"{b.wall:.2f}", f"{b.cpu:.2f}", f"{b.peak_kib / 1024:,.0f}", fmt_rate(n / b.wall),
                          f"{b.wall / m.wall:,.0f}x"]
        rows.append(f"| {human_count(n)} | {m.wall:.3f} | {fmt_rate(rate)} | {m.cpu:.2f} | {m.out_bytes / m.wall / 1e6:,.0f} "
                    f"| {peak / MIB:,.1f} | {peak / n:.1f} | {'yes' if ok else 'NO'} | {m.load:.1f} | "
                    + " | ".join(base_cells) + " |")
        verdicts.append((f"peak memory at {human_count(n)} codes <= 24 B/code + 16 MiB ({bound_bytes(n) / MIB:,.0f} MiB)",
                         ok, f"{peak / MIB:,.1f} MiB"))
        if n == 10_000_000:
            verdicts.append((f"codes/s at {human_count(n)} >= 10 M", rate >= TARGET_CODES_PER_S, fmt_rate(rate)))
        per_code[n] = m.wall / n
    # Growth: time per code at each size against the 10^7 one (1.0 is perfectly linear).
    if 10_000_000 in per_code:
        for n in sorted(per_code):
            if n > 10_000_000:
                growth = per_code[n] / per_code[10_000_000]
                verdicts.append((f"time per code at {human_count(n)} / at 10^7 (1.0 = linear; memory bound above)",
                                 None, f"{growth:.2f}"))
    return rows, verdicts


def anchor_table(args, out_dir, spec):
    """Random mode beside the hand-tuned single-thread anchor (shared/anchors/gen_rand.cpp, `packed
    tuned`), run in this same benchmark run, alternating: the ratio of the best wall times."""
    if not args.anchor or not os.path.exists(args.anchor):
        return ["(anchor not built: bench/run.sh builds it from $ANCHOR_SRC, default "
                "/work/shared/anchors/gen_rand.cpp, when that file exists)"], []
    rows = ["| codes | coupongen wall s | coupongen CPU s | coupongen peak MiB | anchor wall s | anchor CPU s | anchor peak MiB "
            "| ratio (coupongen / anchor) | load |", "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    verdicts = []
    for n in [s for s in args.sizes if s <= args.anchor_max]:
        out = os.path.join(out_dir, "codes.csv")
        aout = os.path.join(out_dir, "anchor.txt")
        best_c = best_a = None
        for _ in range(args.runs):  # alternate, so both see the same moments of a shared machine
            c = measure([args.coupongen, "generate", spec, "-n", str(n), "-o", out, "-q"], out, 1, count_lines_check(n + 1))
            a = measure([args.anchor, str(n), aout, "packed", "tuned"], aout, 1, count_lines_check(n))
            best_c = c if best_c is None or c.wall < best_c.wall else best_c
            best_a = a if best_a is None or a.wall < best_a.wall else best_a
        ratio = best_c.wall / best_a.wall
        rows.append(f"| {human_count(n)} | {best_c.wall:.3f} | {best_c.cpu:.2f} | {best_c.peak_kib / 1024:,.1f} | {best_a.wall:.3f} "
                    f"| {best_a.cpu:.2f} | {best_a.peak_kib / 1024:,.1f} | {ratio:.2f} | {best_c.load:.1f} |")
        if n == 10_000_000:
            verdicts.append(("random mode at 10^7 within the anchor's time (ratio <= 1.0)", ratio <= 1.0, f"{ratio:.2f}"))
    return rows, verdicts


def keyed_table(args, out_dir):
    """Keyed mode (FF1): 12 characters, default alphabet and blocklist, csv to a file."""
    key = os.path.join(out_dir, "bench.key")
    spec = os.path.join(out_dir, "keyed.yaml")
    if os.path.exists(key):
        os.remove(key)
    subprocess.run([args.coupongen, "keygen", key], check=True, capture_output=True)
    with open(spec, "w") as f:
        f.write(CODES_SPEC.replace("codes:\n", "codes:\n  mode: keyed\n  key_file: bench.key\n"))
    rows = ["| codes | wall s | codes/s | CPU s | peak MiB | within 64 MiB | load |", "|---:|---:|---:|---:|---:|:---:|---:|"]
    verdicts = []
    for n in [s for s in args.sizes if s <= args.keyed_max]:
        out = os.path.join(out_dir, "keyed.csv")
        m = measure([args.coupongen, "generate", spec, "-n", str(n), "-o", out, "-q"], out, args.runs, count_lines_check(n + 1))
        peak = m.peak_kib * 1024
        rows.append(f"| {human_count(n)} | {m.wall:.3f} | {fmt_rate(n / m.wall)} | {m.cpu:.2f} | {peak / MIB:,.1f} "
                    f"| {'yes' if peak <= KEYED_PEAK_BOUND else 'NO'} | {m.load:.1f} |")
        if n == 10_000_000:
            verdicts.append(("keyed codes/s at 10^7 >= 10 M", n / m.wall >= TARGET_KEYED_CODES_PER_S, fmt_rate(n / m.wall)))
            verdicts.append(("keyed peak memory at 10^7 <= 64 MiB", peak <= KEYED_PEAK_BOUND, f"{peak / MIB:,.1f} MiB"))
    os.remove(spec)
    os.remove(key)
    return rows, verdicts


def formats_table(args, out_dir, spec):
    rows, verdicts = [], []
    rows.append("| format | coupons | wall s | coupons/s | CPU s | output MB | output MB/s | peak MiB | within bound | load |")
    rows.append("|---|---:|---:|---:|---:|---:|---:|---:|:---:|---:|")
    for n in [s for s in args.sizes if s <= args.formats_max]:
        for fmt in ("csv", "json", "jsonapi", "imports"):
            out = os.path.join(out_dir, f"five.{fmt}")
            lines = {"csv": n + 1, "json": n + 2, "jsonapi": n, "imports": -(-n // 10000)}[fmt]
            m = measure([args.coupongen, "generate", spec, "-n", str(n), "-f", fmt, "-o", out, "-q"], out, args.runs,
                        count_lines_check(lines))
            peak = m.peak_kib * 1024
            mb_s = m.out_bytes / m.wall / 1e6
            ok = peak <= bound_bytes(n)
            rows.append(f"| {fmt} | {human_count(n)} | {m.wall:.3f} | {fmt_rate(n / m.wall)} | {m.cpu:.2f} | {m.out_bytes / 1e6:,.0f} "
                        f"| {mb_s:,.0f} | {peak / MIB:,.1f} | {'yes' if ok else 'NO'} | {m.load:.1f} |")
            if fmt in ("jsonapi", "imports") and n == 1_000_000:
                verdicts.append((f"{fmt} output at 10^6 coupons >= 200 MB/s", mb_s >= TARGET_JSON_MB_S, f"{mb_s:,.0f} MB/s"))
    return rows, verdicts


def lint_table(args, out_dir, spec):
    """Reading (`coupongen lint`): not this change's; measured once the command exists."""
    probe = subprocess.run([args.coupongen, "lint", "--help"], capture_output=True)
    if probe.returncode != 0:
        return ["| input | rows | wall s | input MB/s |", "|---|---:|---:|---:|",
                "| lint: pending the reader | | | (`coupongen lint` is not in this build: skipped) |"], []
    rows = ["| input | rows | wall s | input MB/s | load |", "|---|---:|---:|---:|---:|"]
    verdicts = []
    n = min(1_000_000, max(args.sizes))
    for fmt in ("csv", "json"):
        path = os.path.join(out_dir, f"lint-input.{fmt}")
        if os.path.exists(path):
            os.remove(path)
        subprocess.run([args.coupongen, "generate", spec, "-n", str(n), "-f", fmt, "-o", path, "-q"], check=True)
        size = os.path.getsize(path)
        best = None
        for _ in range(args.runs):
            wait_for_quiet()
            load = load_average()
            start = time.perf_counter()
            subprocess.run([args.coupongen, "lint", path], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wall = time.perf_counter() - start
            if best is None or wall < best[0]:
                best = (wall, load)
        os.remove(path)
        mb_s = size / best[0] / 1e6
        rows.append(f"| {fmt} | {human_count(n)} | {best[0]:.3f} | {mb_s:,.0f} | {best[1]:.1f} |")
        if n == 1_000_000:
            target = TARGET_LINT_MB_S if fmt == "csv" else 100
            verdicts.append((f"lint {fmt} at 10^6 rows >= {target} MB/s", mb_s >= target, f"{mb_s:,.0f} MB/s"))
    return rows, verdicts


def micro_table(args):
    if not args.micro or not os.path.exists(args.micro):
        return ["(micro-benchmarks not built)"]
    cmd = [args.micro, "--benchmark_format=json", f"--benchmark_min_time={args.micro_min_time}"]
    if args.micro_filter:
        cmd.append(f"--benchmark_filter={args.micro_filter}")
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    data = json.loads(res.stdout)
    rows = ["| benchmark | ns per item | items/s | bytes/s |", "|---|---:|---:|---:|"]
    for b in data["benchmarks"]:
        per = f"{1e9 / b['items_per_second']:,.1f}" if "items_per_second" in b else ""
        items = f"{b['items_per_second'] / 1e6:,.1f} M" if "items_per_second" in b else ""
        byts = f"{b['bytes_per_second'] / 1e9:,.2f} GB/s" if "bytes_per_second" in b else ""
        rows.append(f"| {b['name']} | {per} | {items} | {byts} |")
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--coupongen", required=True)
    p.add_argument("--micro", help="the coupongen_micro_bench binary")
    p.add_argument("--sizes", default="1e6,1e7,1e8", help="code counts, comma-separated")
    p.add_argument("--runs", type=int, default=3, help="runs per coupongen figure (best wall time is kept)")
    p.add_argument("--baseline-runs", type=int, default=1)
    p.add_argument("--baseline-max", type=float, default=1e7, help="largest count the baseline is run at")
    p.add_argument("--anchor", help="the anchor binary (gen_rand from shared/anchors), run beside random mode")
    p.add_argument("--anchor-max", type=float, default=1e8, help="largest count the anchor is run at")
    p.add_argument("--keyed-max", type=float, default=1e8, help="largest count for keyed mode")
    p.add_argument("--formats-max", type=float, default=1e7, help="largest count for the five-attribute formats")
    p.add_argument("--micro-min-time", default="0.2")
    p.add_argument("--micro-filter", default="")
    p.add_argument("--quiet-below", type=float, help="before each run, wait until the 1-minute load average is below this")
    p.add_argument("--quiet-wait", type=float, default=600, help="longest wait for --quiet-below, in seconds")
    p.add_argument("--nice", type=int, help="run the measured programs (coupongen and the baseline alike) under nice -n N; "
                   "a negative N (root) gives them a core on a machine busy with other work")
    p.add_argument("--out-dir", required=True)
    p.add_argument("--baseline", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "baseline.py"))
    args = p.parse_args()
    args.sizes = [int(float(s)) for s in args.sizes.split(",") if s]
    QUIET["below"], QUIET["wait"] = args.quiet_below, args.quiet_wait
    NICE["n"] = args.nice
    sys.stdout.reconfigure(line_buffering=True)
    os.makedirs(args.out_dir, exist_ok=True)
    codes_spec = os.path.join(args.out_dir, "codes.yaml")
    five_spec = os.path.join(args.out_dir, "five.yaml")
    with open(codes_spec, "w") as f:
        f.write(CODES_SPEC)
    with open(five_spec, "w") as f:
        f.write(FIVE_SPEC)

    print("# coupongen benchmark\n")
    print("\n".join(machine_lines(args.coupongen)))
    print("\n## Unique codes: 12 random characters, default alphabet, csv to a file\n")
    print("Wall time is the best of %d runs, end to end (spec parsing, generation, writing, fsync and "
          "rename), with the CPU time (user + system) of that run; the baseline (bench/baseline.py: "
          "`secrets.choice` + `set`) is run %d time(s). Peak memory is the largest of the runs. "
          "MB = 10^6 bytes, MiB = 2^20." % (args.runs, args.baseline_runs))
    print()
    rows, verdicts = codes_table(args, args.out_dir, codes_spec)
    print("\n".join(rows))
    print("\n## Random mode beside the anchor (shared/anchors/gen_rand.cpp, packed tuned; best of %d, alternating)\n" % args.runs)
    rows, v = anchor_table(args, args.out_dir, codes_spec)
    verdicts += v
    print("\n".join(rows))
    print("\n## Keyed mode (FF1): 12 characters, default alphabet and blocklist, csv to a file\n")
    rows, v = keyed_table(args, args.out_dir)
    verdicts += v
    print("\n".join(rows))
    print("\n## Output formats: five attributes per coupon\n")
    rows, v = formats_table(args, args.out_dir, five_spec)
    verdicts += v
    print("\n".join(rows))
    print("\n## Reading: `coupongen lint`\n")
    rows, v = lint_table(args, args.out_dir, five_spec)
    verdicts += v
    print("\n".join(rows))
    print("\n## Inner pieces (Google Benchmark, bench/micro)\n")
    print("\n".join(micro_table(args)))
    print("\n## Targets\n")
    for what, ok, value in verdicts:
        print(f"- {'measured' if ok is None else 'met' if ok else 'NOT MET'}: {what}: {value}")
    for name in ("codes.yaml", "five.yaml"):
        os.remove(os.path.join(args.out_dir, name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
