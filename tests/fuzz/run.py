#!/usr/bin/env python3
"""Run the libFuzzer targets for a while each and report in TAP.

The targets (tests/fuzz/fuzz_*.c) are built by `make fuzz-build` into
build/fuzz/.  Each one runs for --seconds on its working corpus,
build/fuzz/corpus/NAME, which starts from the committed seeds
(tests/fuzz/corpus/NAME, read but never written) and the real files of
build/fixtures, and keeps what the fuzzer finds between runs.  A crash
leaves its input in build/fuzz/crashes/NAME/ and the fuzzer's report in
build/fuzz/NAME.log.  One TAP line per target:

  ok 1 - fuzz_elf: 1234567 executions in 8 s (154320/s), no crash
  not ok 2 - fuzz_cpio: crash after 5000 executions: build/fuzz/crashes/...

Replay a crash with: build/fuzz/fuzz_NAME build/fuzz/crashes/NAME/crash-...

The exit status is 0 even when a target fails (the TAP says so), unless
--strict is given (make fuzz-smoke and make fuzz use it).

usage: tests/fuzz/run.py [--seconds N] [--only NAME] [--jobs N] [--strict]
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, "build")
FUZZ = os.path.join(BUILD, "fuzz")
FIXTURES = os.path.join(BUILD, "fixtures")
SEEDS = os.path.join(ROOT, "tests", "fuzz", "corpus")

# name, the largest input worth trying, and the fixtures that seed it.
TARGETS = [
    dict(name="elf", max_len=65536,
         fixtures=["hello-static", "hello-static-pie", "hello-dynamic",
                   "busybox"]),
    dict(name="cpio", max_len=16384,
         fixtures=["tree.cpio", "tree-crc.cpio", "sub.cpio"]),
    dict(name="cmdline", max_len=4096, fixtures=[]),
    dict(name="path", max_len=4096, fixtures=[]),
    dict(name="ldisc", max_len=8192, fixtures=[]),
]

DONE = re.compile(r"^Done (\d+) runs in (\d+) second", re.M)
EXECUTED = re.compile(r"^stat::number_of_executed_units: (\d+)", re.M)
ARTIFACT = re.compile(r"Test unit written to (\S+)")
SUMMARY = re.compile(r"^(?:SUMMARY: .*|==\d+== ?ERROR: .*|\S+: broken "
                     r"promise: .*)$", re.M)


def rel(path):
    return os.path.relpath(path, ROOT)


def prepare_corpus(target):
    """The working corpus, with the fixtures copied in (if built)."""
    corpus = os.path.join(FUZZ, "corpus", target["name"])
    os.makedirs(corpus, exist_ok=True)
    for name in target["fixtures"]:
        src = os.path.join(FIXTURES, name)
        if os.path.exists(src):
            shutil.copyfile(src, os.path.join(corpus, "fixture-" + name))
    return corpus


def run_target(target, seconds):
    """Run one fuzzer; returns (ok, description, diagnostic lines)."""
    name = "fuzz_" + target["name"]
    binary = os.path.join(FUZZ, name)
    if not os.access(binary, os.X_OK):
        return False, f"{name}: {rel(binary)} is not built " \
            "(run make fuzz-build)", []
    corpus = prepare_corpus(target)
    crashes = os.path.join(FUZZ, "crashes", target["name"])
    os.makedirs(crashes, exist_ok=True)
    log = os.path.join(FUZZ, target["name"] + ".log")
    seeds = os.path.join(SEEDS, target["name"])
    cmd = [binary, corpus] + ([seeds] if os.path.isdir(seeds) else []) + [
        f"-max_total_time={seconds}", f"-max_len={target['max_len']}",
        "-timeout=10", "-rss_limit_mb=2048", "-print_final_stats=1",
        f"-artifact_prefix={crashes}/"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              errors="replace", timeout=seconds + 120,
                              cwd=ROOT)
        out, status = proc.stdout + proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") + \
            (e.stderr or b"").decode(errors="replace")
        status = "timeout"
    with open(log, "w") as f:
        f.write(" ".join(cmd) + "\n" + out)
    return verdict(name, status, out, log)


def verdict(name, status, out, log):
    """Read libFuzzer's output: its final stats, or the crash it found."""
    done = DONE.search(out)
    executed = EXECUTED.search(out)
    runs = int(executed.group(1)) if executed else \
        int(done.group(1)) if done else 0
    if status == 0 and done:
        secs = max(int(done.group(2)), 1)
        return True, f"{name}: {runs} executions in {secs} s " \
            f"({runs // secs}/s), no crash", []
    artifact = ARTIFACT.search(out)
    where = rel(artifact.group(1)) if artifact else f"see {rel(log)}"
    what = "timed out" if status == "timeout" else "crash"
    diag = SUMMARY.findall(out)[:4] + [f"log: {rel(log)}"]
    if artifact:
        diag.append(f"replay: {rel(os.path.join(FUZZ, name))} {where}")
    return False, f"{name}: {what} after {runs} executions: {where}", diag


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=8,
                        help="how long each target runs (default 8)")
    parser.add_argument("--only", help="run only this target (elf, cpio...)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="targets run at the same time")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 if a target failed")
    args = parser.parse_args()

    targets = [t for t in TARGETS if not args.only or args.only in t["name"]]
    print(f"1..{len(targets)}", flush=True)
    with concurrent.futures.ThreadPoolExecutor(max(args.jobs, 1)) as pool:
        results = list(pool.map(lambda t: run_target(t, args.seconds),
                                targets))
    failed = 0
    for number, (ok, desc, diag) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {number} - {desc}")
        for line in diag:
            print(f"# {line}")
        failed += not ok
    sys.stdout.flush()
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
