#!/usr/bin/env python3
"""Independent reader: runs the built coupongen on every sample in every format and checks the
output with Python's own csv and json modules against the contract (not with our reader)."""
import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile

BINARY, SAMPLES = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
NOW = "2027-02-01T00:00:00Z"
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
CSV_COLUMNS = ["code", "promotion_rule_id", "usage_limit", "customer_single_use", "recipient_email",
               "expires_at", "reference", "reference_origin", "_add_tags"]
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)


def generate(spec, fmt, count=None):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "out")
        # A ledger in the temporary directory, never beside the samples.
        args = [BINARY, "generate", os.path.join(SAMPLES, spec), "--now", NOW, "-f", fmt, "-o", out, "-q",
                "--ledger", os.path.join(d, "ledger.db")]
        if count:
            args += ["-n", str(count)]
        r = subprocess.run(args, capture_output=True, text=True, cwd=d)  # a mailing or rejects file lands here
        if r.returncode != 0:
            return None, r.stderr
        mode = os.stat(out).st_mode & 0o777
        check(mode == 0o600, f"{spec} {fmt}: mode {oct(mode)}")
        with open(out, "rb") as f:
            return f.read(), r.stderr


def flat_checks(where, c):
    check(8 <= len(c["code"]) <= 40, f"{where}: code length {len(c['code'])}")
    if "expires_at" in c:
        check(TIMESTAMP.match(c["expires_at"]), f"{where}: expires_at {c['expires_at']}")
    if "usage_limit" in c:
        check(isinstance(c["usage_limit"], int) and c["usage_limit"] > 0, f"{where}: usage_limit")
    if "customer_single_use" in c:
        check(isinstance(c["customer_single_use"], bool), f"{where}: customer_single_use")


def unique(where, codes):
    check(len({c.upper() for c in codes}) == len(codes), f"{where}: duplicate codes ignoring case")


specs = [s for s in sorted(os.listdir(SAMPLES)) if s.endswith(".yaml")]
for spec in specs:
    for fmt in ["csv", "json", "jsonapi", "imports"]:
        data, err = generate(spec, fmt, None if "onpack" not in spec else 25000)
        if data is None:
            # Only the contract's format rules may refuse a sample: metadata in csv, tags in jsonapi.
            ok = ("cannot be written as csv" in err and fmt == "csv") or ("cannot be sent in jsonapi" in err and fmt == "jsonapi")
            check(ok, f"{spec} {fmt}: unexpected failure: {err.strip()}")
            continue
        where = f"{spec} {fmt}"
        text = data.decode("utf-8")
        check(not text.startswith("\ufeff"), f"{where}: BOM")
        if fmt == "csv":
            check("\r" not in text and "\n\n" not in text and text.endswith("\n"), f"{where}: line ends")
            rows = list(csv.reader(io.StringIO(text)))
            header = rows[0]
            check(header[0] == "code", f"{where}: code first")
            check(header == [c for c in CSV_COLUMNS if c in header], f"{where}: column order {header}")
            check(len(text.splitlines()) == len(rows), f"{where}: newline inside a field")
            for r in rows[1:]:
                check(len(r) == len(header), f"{where}: ragged row")
                rec = dict(zip(header, r))
                check(8 <= len(rec["code"]) <= 40, f"{where}: code length")
                if rec.get("expires_at"):
                    check(TIMESTAMP.match(rec["expires_at"]), f"{where}: timestamp")
                if "customer_single_use" in rec:
                    check(rec["customer_single_use"] in ("true", "false", ""), f"{where}: boolean")
            unique(where, [r[0] for r in rows[1:]])
        elif fmt == "json":
            arr = json.loads(text)
            check(isinstance(arr, list) and arr, f"{where}: not a non-empty array")
            for i, c in enumerate(arr):
                flat_checks(f"{where}[{i}]", c)
            unique(where, [c["code"] for c in arr])
        elif fmt == "jsonapi":
            codes = []
            for n, line in enumerate(text.splitlines(), 1):
                doc = json.loads(line)
                d = doc["data"]
                check(d["type"] == "coupons", f"{where}:{n}: type")
                check("_add_tags" not in d["attributes"] and "promotion_rule_id" not in d["attributes"], f"{where}:{n}: attrs")
                rel = d["relationships"]["promotion_rule"]["data"]
                check(rel["type"] == "coupon_codes_promotion_rules" and rel["id"], f"{where}:{n}: relationship")
                flat_checks(f"{where}:{n}", d["attributes"])
                codes.append(d["attributes"]["code"])
            unique(where, codes)
        else:
            codes = []
            for n, line in enumerate(text.splitlines(), 1):
                a = json.loads(line)["data"]["attributes"]
                check(a["resource_type"] == "coupons" and a["format"] == "json", f"{where}:{n}: header")
                check(a["parent_resource_id"], f"{where}:{n}: parent")
                check(re.match(r".+-\d{4}$", a["reference"]) and a["reference"].endswith(f"-{n:04d}"), f"{where}:{n}: reference")
                check(1 <= len(a["inputs"]) <= 10000, f"{where}:{n}: chunk size {len(a['inputs'])}")
                for c in a["inputs"]:
                    flat_checks(f"{where}:{n}", c)
                    codes.append(c["code"])
            unique(where, codes)

for f in failures[:50]:
    print("FAIL:", f)
checked = len(specs) * 4
print(f"{checked - len({f.split(':')[0] for f in failures})} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
