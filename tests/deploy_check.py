#!/usr/bin/env python3
"""Checks the examples under deploy/ against the built coupongen.

usage: deploy_check.py COUPONGEN SOURCE_DIR

- Kubernetes: the manifest parses (python3-yaml); its Job is Indexed with COUPONGEN_SHARDS equal to
  completions; the key Secret is seen only by the init container, whose copy command, run here on
  a secret-volume layout (a symlink into ..data, mode 0440), makes a key file coupongen accepts
  (and the secret's own file is refused); the ConfigMap's spec validates as a 10^9-code keyed
  campaign; and the pod's command, run as every index on a small count, makes disjoint parts that
  together are the unsharded run.
- Slurm: bash -n; the script, run as every task of a 3-task array, does the same.
- systemd: systemd-analyze verify is clean; the service's command, run twice with its paths moved
  to a temp dir, makes the week's file and a ledger, and the second run leaves the file alone.
- Every coupongen command in them uses only options that `coupongen generate --help` lists.
"""
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile

BINARY, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
DEPLOY = os.path.join(SOURCE, "deploy")
KEY_HEX = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
SCHEDULER_VARS = ["JOB_COMPLETION_INDEX", "COUPONGEN_SHARDS", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN",
                  "SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_STEP", "SLURM_ARRAY_TASK_COUNT",
                  "AWS_BATCH_JOB_ARRAY_INDEX"]
failures = []


def fail(msg):
    failures.append(msg)
    print("deploy_check: FAIL: " + msg, file=sys.stderr)


def run(argv, env=None, **kw):
    base = {k: v for k, v in os.environ.items() if k not in SCHEDULER_VARS}
    base.update(env or {})
    return subprocess.run(argv, capture_output=True, text=True, timeout=300, env=base, **kw)


def generate_options():
    r = run([BINARY, "generate", "--help"])
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*|-[a-zA-Z])(?![\w-])", r.stdout))


OPTIONS = generate_options()


def check_options(where, args):
    """args: the words after `coupongen`."""
    if not args or args[0] != "generate":
        fail(f"{where}: expected 'coupongen generate', got {args[:1]}")
        return
    for word in args[1:]:
        if word.startswith("-") and word != "-":
            name = word.split("=", 1)[0]
            if name not in OPTIONS:
                fail(f"{where}: coupongen generate has no option {name} (options: {sorted(OPTIONS)})")


def write_key(path, mode=0o600):
    with open(path, "w") as f:
        f.write(KEY_HEX)
    os.chmod(path, mode)


def csv_codes(path):
    with open(path) as f:
        lines = f.read().splitlines()
    return [line.split(",", 1)[0] for line in lines[1:]]


def expect_parts_make_the_whole(where, spec_dir, spec, parts):
    whole = run([BINARY, "generate", spec, "-q", "-o", "-"], cwd=spec_dir)
    if whole.returncode != 0:
        fail(f"{where}: the unsharded run failed: {whole.stderr}")
        return
    expected = [line.split(",", 1)[0] for line in whole.stdout.splitlines()[1:]]
    joined = []
    for p in parts:
        joined += csv_codes(p)
    if len(set(joined)) != len(joined):
        fail(f"{where}: a code is in two parts")
    if joined != expected:
        fail(f"{where}: the parts ({len(joined)} codes) are not the unsharded run ({len(expected)} codes)")
    else:
        print(f"deploy_check: {where}: {len(parts)} parts, {len(joined)} codes, disjoint, = the unsharded run")


def check_kubernetes(tmp):
    try:
        import yaml
    except ImportError:
        fail("python3 has no yaml module: install python3-yaml (scripts/bootstrap.sh does)")
        return
    with open(os.path.join(DEPLOY, "kubernetes", "coupongen-job.yaml")) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    by_kind = {d["kind"]: d for d in docs}
    if sorted(by_kind) != ["ConfigMap", "Job", "PersistentVolumeClaim"]:
        return fail(f"kubernetes: kinds {sorted(by_kind)}")
    job = by_kind["Job"]["spec"]
    pod = job["template"]["spec"]
    if job.get("completionMode") != "Indexed":
        fail("kubernetes: the Job is not Indexed")
    main = pod["containers"][0]
    init = pod["initContainers"][0]
    env = {e["name"]: e for e in main["env"]}
    if env.get("COUPONGEN_SHARDS", {}).get("value") != str(job["completions"]):
        fail(f"kubernetes: COUPONGEN_SHARDS {env.get('COUPONGEN_SHARDS')} is not completions {job['completions']}")
    volumes = {v["name"]: v for v in pod["volumes"]}
    secret = [v for v in volumes.values() if "secret" in v]
    if len(secret) != 1 or secret[0]["secret"].get("defaultMode") != 0o440:
        fail(f"kubernetes: expected one secret volume with defaultMode 0440: {secret}")
    secret_name = secret[0]["name"]
    if any(m["name"] == secret_name for m in main["volumeMounts"]):
        fail("kubernetes: the main container mounts the secret itself")
    if not pod["securityContext"].get("runAsNonRoot"):
        fail("kubernetes: the pod may run as root")
    mounts = {m["name"]: m["mountPath"] for m in main["volumeMounts"]}
    init_mounts = {m["name"]: m["mountPath"] for m in init["volumeMounts"]}

    # The init container's copy, on a secret-volume layout: campaign.key -> ..data/campaign.key, 0440.
    secret_dir = os.path.join(tmp, "secret")
    os.makedirs(os.path.join(secret_dir, "..2027_01_01"))
    write_key(os.path.join(secret_dir, "..2027_01_01", "campaign.key"), 0o440)
    os.symlink("..2027_01_01", os.path.join(secret_dir, "..data"))
    os.symlink("..data/campaign.key", os.path.join(secret_dir, "campaign.key"))
    key_dir = os.path.join(tmp, "key")
    os.makedirs(key_dir)
    moves = {init_mounts[secret_name]: secret_dir}
    for name, path in init_mounts.items():
        if name != secret_name:
            moves[path] = os.path.join(tmp, name)

    def moved(word):
        for path, to in moves.items():
            word = word.replace(path, to)
        return word

    copy = run([moved(w) for w in init["command"]])
    if copy.returncode != 0:
        return fail(f"kubernetes: the init container's command failed: {copy.stderr}")

    # The spec: with the key where the main container sees the copy.
    spec_text = by_kind["ConfigMap"]["data"]["campaign.yaml"]
    key_path = re.search(r"key_file:\s*(\S+)", spec_text).group(1)
    if os.path.dirname(key_path) != mounts["key"] or mounts["key"] != init_mounts["key"]:
        fail(f"kubernetes: key_file {key_path} is not in the key volume ({mounts['key']}, {init_mounts['key']})")
    copied = os.path.join(key_dir, os.path.basename(key_path))
    st = os.lstat(copied)
    if not stat.S_ISREG(st.st_mode) or stat.S_IMODE(st.st_mode) != 0o400 or st.st_uid != os.getuid():
        fail(f"kubernetes: the copy is not a regular file of this user, mode 0400: {oct(st.st_mode)}")
    spec_dir = os.path.join(tmp, "spec")
    os.makedirs(spec_dir)
    spec = os.path.join(spec_dir, "campaign.yaml")
    with open(spec, "w") as f:
        f.write(spec_text.replace(key_path, copied))
    v = run([BINARY, "validate", spec])
    if v.returncode != 0 or not re.search(r"count\s+1,000,000,000", v.stdout) or "keyed" not in v.stdout:
        fail(f"kubernetes: the ConfigMap's spec does not validate as 10^9 keyed codes:\n{v.stdout}{v.stderr}")
    # The secret's own file (symlink, 0440) is refused: the reason for the copy.
    with open(spec, "w") as f:
        f.write(spec_text.replace(key_path, os.path.join(secret_dir, "campaign.key")))
    if run([BINARY, "validate", spec]).returncode == 0:
        fail("kubernetes: coupongen accepted the secret volume's group-readable key: the init copy is untested")

    # Every pod's command on 3001 codes: I from JOB_COMPLETION_INDEX, N from COUPONGEN_SHARDS.
    with open(spec, "w") as f:
        f.write(spec_text.replace(key_path, copied).replace("count: 1000000000", "count: 3001"))
    command = main["command"] + main["args"]
    if command[0] != "coupongen":
        return fail(f"kubernetes: the container runs {command[0]}, not coupongen")
    check_options("kubernetes", command[1:])
    out_dir = os.path.join(tmp, "out")
    os.makedirs(out_dir)
    moves = {mounts["spec"]: spec_dir, mounts["output"]: out_dir}
    parts = []
    shards = int(env["COUPONGEN_SHARDS"]["value"])
    for i in range(shards):
        argv = [BINARY] + [moved(w).replace("$(PART)", str(i)) for w in command[1:]]
        r = run(argv, env={"JOB_COMPLETION_INDEX": str(i), "COUPONGEN_SHARDS": str(shards)})
        if r.returncode != 0:
            return fail(f"kubernetes: pod {i}: {r.stderr}")
        parts.append(argv[argv.index("-o") + 1])
    expect_parts_make_the_whole("kubernetes", spec_dir, spec, parts)


def check_slurm(tmp):
    script = os.path.join(DEPLOY, "slurm", "coupongen-array.sbatch")
    if run(["bash", "-n", script]).returncode != 0:
        return fail("slurm: bash -n fails")
    text = open(script).read()
    array = re.search(r"^#SBATCH --array=(\S+)", text, re.M)
    if not array or not re.fullmatch(r"\d+-\d+(:\d+)?(%\d+)?", array.group(1)):
        fail(f"slurm: the array is not contiguous: {array and array.group(1)}")
    line = [l for l in text.splitlines() if re.match(r"\s*(exec\s+|srun\s+)?coupongen\s", l)]
    if len(line) != 1:
        return fail(f"slurm: expected one coupongen line, found {line}")
    words = shlex.split(line[0])
    check_options("slurm", words[words.index("coupongen") + 1:])
    # The script as tasks 1, 2, 3 of `sbatch --array=1-3`.
    spec_dir = os.path.join(tmp, "campaign")
    os.makedirs(spec_dir)
    write_key(os.path.join(spec_dir, "c.key"))
    spec = os.path.join(spec_dir, "spec.yaml")
    with open(spec, "w") as f:
        f.write("version: 1\ncampaign: slurm\ncodes:\n  mode: keyed\n  key_file: c.key\n  count: 3001\n")
    bin_dir = os.path.join(tmp, "bin")
    os.makedirs(bin_dir)
    os.symlink(os.path.abspath(BINARY), os.path.join(bin_dir, "coupongen"))
    out = os.path.join(tmp, "out")
    for task in (1, 2, 3):
        env = {"PATH": bin_dir + ":" + os.environ.get("PATH", "/usr/bin:/bin"), "SPEC": spec, "OUT": out,
               "SLURM_ARRAY_TASK_ID": str(task), "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "3",
               "SLURM_ARRAY_TASK_STEP": "1", "SLURM_ARRAY_TASK_COUNT": "3"}
        r = run(["bash", script], env=env, cwd=tmp)
        if r.returncode != 0:
            return fail(f"slurm: task {task}: {r.stderr}")
        if f"--shard auto: shard {task - 1}/3" not in r.stderr:
            fail(f"slurm: task {task} did not say its shard: {r.stderr}")
    parts = [os.path.join(out, f"part-{i}.csv") for i in range(3)]
    for p in parts:
        if stat.S_IMODE(os.stat(p).st_mode) != 0o600:
            fail(f"slurm: {p} is not mode 0600")
    expect_parts_make_the_whole("slurm", spec_dir, spec, parts)


def check_systemd(tmp):
    unit_dir = os.path.join(DEPLOY, "systemd")
    service = os.path.join(unit_dir, "coupongen-weekly.service")
    timer = os.path.join(unit_dir, "coupongen-weekly.timer")
    if shutil.which("systemd-analyze"):
        # --man=no: the pages are checked below, in the source tree (they are not installed here).
        r = run(["systemd-analyze", "verify", "--man=no", service, timer])
        if r.returncode != 0 or r.stderr.strip() or r.stdout.strip():
            fail(f"systemd: systemd-analyze verify: {r.returncode}\n{r.stdout}{r.stderr}")
        else:
            print("deploy_check: systemd: systemd-analyze verify is clean")
    else:
        print("deploy_check: systemd: SKIPPED systemd-analyze verify: systemd-analyze is not installed "
              "(Debian package systemd)", file=sys.stderr)
    text = open(service).read() + open(timer).read()
    for page, section in re.findall(r"man:([\w-]+)\((\d)\)", text):
        if not os.path.exists(os.path.join(SOURCE, "man", f"{page}.{section}")):
            fail(f"systemd: Documentation names {page}({section}), which is not in man/")
    exec_start = re.search(r"^ExecStart=(.*)$", open(service).read(), re.M).group(1)
    words = shlex.split(exec_start)
    if words[:2] != ["/bin/sh", "-c"]:
        return fail(f"systemd: ExecStart is not /bin/sh -c: {words[:2]}")
    # systemd's escapes: %% is %, $$ is $.
    shell = words[2].replace("%%", "%").replace("$$", "$")
    inner = shlex.split(shell)
    check_options("systemd", inner[inner.index("/usr/bin/coupongen") + 1:])
    # Run it with its paths in a temp dir: the week's file and the ledger, then a second run that
    # must leave the file alone (exit 1).
    etc, state = os.path.join(tmp, "etc"), os.path.join(tmp, "state")
    os.makedirs(etc)
    os.makedirs(os.path.join(state, "out"))
    shutil.copy(os.path.join(SOURCE, "samples", "weekly-ledger.yaml"), os.path.join(etc, "weekly.yaml"))
    shell = (shell.replace("/usr/bin/coupongen", os.path.abspath(BINARY)).replace("/etc/coupongen", etc)
             .replace("/var/lib/coupongen", state))
    first = run(["/bin/sh", "-c", shell])
    weeks = os.listdir(os.path.join(state, "out"))
    if first.returncode != 0 or len(weeks) != 1 or not re.fullmatch(r"week-\d{4}-\d{2}\.csv", weeks[0]):
        return fail(f"systemd: the service's command: {first.returncode} {weeks} {first.stderr}")
    if not os.path.exists(os.path.join(state, "ledger.db")):
        fail("systemd: no ledger in the state directory")
    week = os.path.join(state, "out", weeks[0])
    before = open(week).read()
    second = run(["/bin/sh", "-c", shell])
    if second.returncode != 1 or open(week).read() != before:
        fail(f"systemd: a second run in one week: exit {second.returncode}, file changed: {open(week).read() != before}")
    print(f"deploy_check: systemd: the service's command made {weeks[0]} ({len(before.splitlines()) - 1} codes)")


def main():
    if not OPTIONS or "--shard" not in OPTIONS:
        print(f"deploy_check: cannot read the options of {BINARY} generate --help", file=sys.stderr)
        return 1
    for check in (check_kubernetes, check_slurm, check_systemd):
        tmp = tempfile.mkdtemp(prefix="coupongen-deploy-")
        try:
            check(tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print(f"deploy_check: {len(failures)} problems", file=sys.stderr)
        return 1
    print("deploy_check: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
