#!/usr/bin/env python3
"""The one test harness: `make test` runs it after building everything.

The tests themselves are data in tests/table.py (QEMU_TESTS and the gdb
expectations); this file is the engine.  It runs, in order:
  1. the host unit tests (build/unit/test_*, cmocka, TAP output);
  2. every QEMU test in QEMU_TESTS, two at a time, each with a timeout,
     its serial log kept in build/test-logs/NAME.log; then all of them
     again on the checked kernel (build/kernel-check.elf: UBSan, poisoned
     free memory), named check/NAME, logs in build/test-logs/check-NAME.log;
     meanwhile, in the background, each libFuzzer target for a few seconds
     (fuzz/NAME);
  3. the GRUB ISO boot (build/os.iso prints the banner);
  4. the gdb tests: gdb attaches to QEMU's stub, breaks in kmain, steps,
     reads kernel variables by name (gdb/boot); then runs the commands of
     tools/gdb/vmos.py on a running shell and cat (gdb/vm).

Every TAP point (a cmocka test, a ktest check) and every boot verdict is one
test. It prints a line per test and closes with exactly "N passed, N failed";
the exit status is non-zero when anything failed.

usage: tests/run.py [--only SUBSTRING] [--jobs N] [--list] [--kernel PATH]
                    [--no-check]
"""
import argparse
import base64
import concurrent.futures
import glob
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import threading
import time

import tour
from table import *  # noqa: F401,F403 (the test table: paths, QEMU_TESTS, ...)

# Processors of a QEMU test that names none (smp=N in the table).
DEFAULT_SMP = {"qemu": 2, "check": 4}


def checked_variant(test):
    """test run on the checked kernel: named check/NAME; check_expect
    lists what that kernel must print in addition, check_append is its
    command line if it differs (a shorter run of the same program)."""
    return dict(test, group="check", kernel=KERNEL_CHECK,
                log="check-" + test["name"],
                append=test.get("check_append", test.get("append", "")),
                expect=test.get("expect", []) + test.get("check_expect", []))


class Recorded:
    """Results kept to be reported later, in order (a phase that runs
    beside the QEMU pool: its lines must not interleave with the pool's)."""
    def __init__(self):
        self.lines = []

    def add(self, ok, name, detail=""):
        self.lines.append((ok, name, detail))

    def replay(self, res):
        for line in self.lines:
            res.add(*line)


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.failures = []

    def add(self, ok, name, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            self.failures.append(name)
        line = f"{'ok    ' if ok else 'FAIL  '}{name}"
        print(line + (f"  ({detail})" if detail and not ok else ""), flush=True)


def parse_tap(text):
    """(ok, description) for every TAP point in text."""
    points = []
    for line in text.splitlines():
        m = TAP_LINE.match(line.strip())
        if m:
            points.append((m.group(1) == "ok", m.group(3).strip()))
    return points


# ---------------------------------------------------------------- unit tests
def run_unit_tests(res, only):
    binaries = sorted(glob.glob(os.path.join(BUILD, "unit", "test_*")))
    if not binaries and (not only or only in "unit/"):
        res.add(False, "unit: no host unit tests were built")
    for binary in binaries:
        group = os.path.basename(binary)[len("test_"):]
        if only and only not in f"unit/{group}":
            continue
        env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT="TAP")
        proc = subprocess.run([binary], capture_output=True, text=True,
                              env=env, timeout=300)
        points = parse_tap(proc.stdout)
        log = os.path.join(LOGS, f"unit-{group}.log")
        with open(log, "w") as f:
            f.write(proc.stdout + proc.stderr)
        for ok, desc in points:
            res.add(ok, f"unit/{group}: {desc}")
        if proc.returncode != 0 and all(ok for ok, _ in points):
            res.add(False, f"unit/{group}: exit status {proc.returncode}",
                    f"see {log}")
        if not points:
            res.add(False, f"unit/{group}: printed no TAP", f"see {log}")


# ---------------------------------------------------------------- QEMU tests
def qemu_command(test, extra=()):
    cmd = [QEMU, "-cpu", test.get("cpu", "max"), "-m", test.get("mem", "128M"),
           "-no-reboot", "-display", "none", "-serial", "stdio",
           "-monitor", "none"]
    if test.get("debug_exit", True):
        cmd += DEBUG_EXIT
    smp = test.get("smp", DEFAULT_SMP.get(test.get("group", "qemu"), 1))
    if str(smp) != "1":  # processors (QEMU's default is one)
        cmd += ["-smp", str(smp)]
    cmd += test.get("qemu_args", [])
    if test.get("icount"):  # guest time counts instructions: no host load in it
        cmd += ["-icount", "shift=0"]
    if "iso" in test:
        cmd += ["-cdrom", test["iso"]]
    else:
        cmd += ["-kernel", test.get("kernel", KERNEL), "-append",
                test.get("append", "")]
    if "initrd" in test:
        cmd += ["-initrd", ",".join(initrd_module(m) for m in test["initrd"])]
    for i, spec in enumerate(test.get("disks", [])):
        cmd += disk_option(test, i, spec)
    return cmd + list(extra)


# Disk images live in memory when the machine has a tmpfs at /dev/shm: a
# swap test writes hundreds of MiB through them, and a file system on a
# disk makes QEMU's writes several times slower.  Removed after the boot.
DISK_DIR = (os.path.join("/dev/shm", f"vmos-tests-{os.getpid()}")
            if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else LOGS)


def disk_path(test, index):
    return os.path.join(DISK_DIR, f"{test.get('log', test['name'])}-vd{chr(ord('a') + index)}.img")


def remove_disks(test):
    for i in range(len(test.get("disks", []))):
        for path in (disk_path(test, i), disk_path(test, i)[:-len(".img")] + "-blkdebug.conf"):
            if os.path.exists(path):
                os.remove(path)


def disk_option(test, index, spec):
    """QEMU's -drive for disk number index of test ("256M", "64K:ro"): a
    new sparse file each run, private to this test and kernel."""
    size, _, mode = spec.partition(":")
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    nbytes = int(size[:-1]) * units[size[-1]] if size[-1] in units else int(size)
    os.makedirs(DISK_DIR, exist_ok=True)
    path = disk_path(test, index)
    with open(path, "wb") as f:
        f.truncate(nbytes)
    if mode == "ioerr":
        conf = path[:-len(".img")] + "-blkdebug.conf"
        with open(conf, "w") as f:
            for event in ("read_aio", "write_aio"):
                f.write(f'[inject-error]\nevent = "{event}"\nerrno = "5"\nsector = "8"\n\n')
        path = f"blkdebug:{conf}:{path}"
    opts = f"file={path},format=raw,if=virtio" + (",readonly=on" if mode == "ro" else "")
    return ["-drive", opts]


def newc_archive(name, files):
    """A cpio "newc" archive of {path: (mode, bytes)}, written once."""
    path = os.path.join(LOGS, name)
    out = bytearray()

    def entry(n, mode, data):
        nb = n.encode() + b"\0"
        hdr = "070701" + "".join(f"{v:08X}" for v in (
            0, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nb), 0))
        out.extend(hdr.encode() + nb)
        out.extend(b"\0" * (-len(out) % 4))
        out.extend(data)
        out.extend(b"\0" * (-len(out) % 4))
    for n, (mode, data) in files.items():
        entry(n, mode, data)
    entry("TRAILER!!!", 0, b"")
    with open(path, "wb") as f:
        f.write(out)
    return path


def initrd_module(m):
    """The path of an -initrd module: build/initrd.cpio, a made-up
    archive, or a file of random bytes."""
    if os.path.isabs(m):
        return m
    if m == "override.cpio":
        return newc_archive(m, {
            "etc/hostname": (0o100644, b"overridden\n"),
            "extra": (0o040755, b""),
            "extra/note": (0o100644, b"from the second archive\n")})
    return module_file(m)


def module_file(name, size=300 * 1024):
    """A file of pseudo-random bytes for a boot module, made once."""
    path = os.path.join(LOGS, name)
    if not os.path.exists(path):
        seed = sum(name.encode())
        data = bytearray(size)
        for i in range(size):
            seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
            data[i] = seed >> 16 & 0xFF
        with open(path, "wb") as f:
            f.write(data)
    return path


# The shell's prompt at the start of a line: busybox ash's "/ # ".
PROMPT = re.compile(rb"(^|\n)/ # ")
PROMPT_WAIT = 30.0


def type_lines(proc, lines, chunks):
    """Type each line into the serial console, as a user would: after the
    shell's next prompt (wait "prompt"), or after a pause in seconds (for
    keys typed while a command runs, as ^C and ^Z).  A prompt that does
    not come in PROMPT_WAIT seconds does not stop the typing: the test's
    expectations then say what went wrong."""
    seen = 0  # bytes of output before the last line typed
    for wait, line in lines:
        if wait == "prompt":
            deadline = time.monotonic() + PROMPT_WAIT
            while (not PROMPT.search(b"".join(chunks)[max(seen - 1, 0):])
                   and time.monotonic() < deadline and proc.poll() is None):
                time.sleep(0.02)
            time.sleep(0.05)  # ash's ESC[6n cursor query follows the prompt
        else:
            time.sleep(wait)
        seen = sum(map(len, chunks))
        try:
            proc.stdin.write(line.encode())
            proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            return


def run_qemu(test):
    """Boot one test; returns (exit code or None on timeout, log text, secs).

    A test with "typed" lines gets them on its serial console, as a user
    at the keyboard would type them (type_lines)."""
    start = time.monotonic()
    loops = [subprocess.Popen(["sh", "-c", "while :; do :; done"])
             for _ in range(test.get("host_load", 0))]
    proc = subprocess.Popen(qemu_command(test), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    chunks, stamps = [], []  # stamps: (host time, bytes received by then)

    def read_all():
        for data in iter(lambda: proc.stdout.read1(4096), b""):
            chunks.append(data)
            stamps.append((time.monotonic(), sum(map(len, chunks))))
    reader = threading.Thread(target=read_all, daemon=True)
    reader.start()
    if test.get("typed"):
        threading.Thread(target=type_lines, args=(proc, test["typed"], chunks),
                         daemon=True).start()
    else:
        proc.stdin.close()
    try:
        code = proc.wait(timeout=test.get("timeout", 60))
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        code = None
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()
    reader.join(5)
    remove_disks(test)
    out = b"".join(chunks)
    if "clock_lines" in test:
        test["line_times"] = line_times(out, stamps, test["clock_lines"][0])
    text = out.decode("utf-8", "replace").replace("\r", "")
    with open(os.path.join(LOGS, test.get("log", test["name"]) + ".log"), "w") as f:
        f.write(text)
    return code, text, time.monotonic() - start


def line_times(out, stamps, pattern):
    """(guest seconds, host arrival time) of each line matching pattern,
    whose group 1 is the guest's time stamp."""
    return [(float(m.group(1)), next(t for t, n in stamps if n >= m.end()))
            for m in re.finditer(pattern.encode(), out, re.M)]


def clock_problems(test):
    """How the host time between test's first two time-stamped lines
    differs from the guest's."""
    _, least, tolerance = test["clock_lines"]
    lines = test.get("line_times", [])
    if len(lines) < 2:
        return ["fewer than two time-stamped lines"]
    (g0, h0), (g1, h1) = lines[:2]
    guest, host = g1 - g0, h1 - h0
    print(f"# {test['name']}: {guest:.2f} guest seconds took {host:.3f} host "
          f"seconds ({(host - guest) / guest * 100:+.2f}%)", flush=True)
    if guest < least:
        return [f"the guest slept {guest:.2f} s, not {least} s"]
    if abs(host - guest) > guest * tolerance:
        return [f"{guest:.2f} guest seconds took {host:.3f} host seconds"]
    return []


def core_gdb_problems(test, text):
    """The core file tests/user/core_test printed (a base64 line per 4 KiB
    page, "Z" for zeros), rebuilt in build/test-logs/ and read by the
    host's gdb with the unstripped program: the backtrace must name the
    crashing functions and rip must be where the kernel said it faulted."""
    m = re.search(r"^# core-begin (\d+)\n([\s\S]*?)^# core-end", text, re.M)
    if not m:
        return ["no core file printed"]
    data = bytearray()
    for line in m.group(2).split("\n"):
        data += bytes(4096) if line == "Z" else base64.b64decode(line)
    core = os.path.join(LOGS, test.get("log", test["name"]) + ".core")
    with open(core, "wb") as f:
        f.write(data[:int(m.group(1))])
    prog = os.path.join(BUILD, "tests", "user", "core_test")
    out = subprocess.run(["gdb", "-batch", "-nx", "-ex", "bt", "-ex", "info registers rip",
                          prog, core], capture_output=True, text=True, timeout=60).stdout
    faults = re.findall(r"core_test\[\d+\]: segfault at 0 ip ([0-9a-f]+)", text[:m.start()])
    problems = [f"gdb's backtrace lacks {fn}" for fn in ("crash_here", "crash_caller", "main")
                if not re.search(rf"^#\d+ .*\b{fn} \(", out, re.M)]
    rip = re.search(r"^rip +0x([0-9a-f]+) ", out, re.M)
    if not faults or not rip or int(rip.group(1), 16) != int(faults[-1], 16):
        problems.append(f"gdb's rip {rip and rip.group(1)} is not the fault's "
                        f"{faults and faults[-1]}")
    return [p + f" (gdb said: {out.strip()[-300:]!r})" for p in problems]


def judge_qemu(res, test, code, text, secs):
    name = f"{test.get('group', 'qemu')}/{test['name']}"
    if test.get("tap"):
        for ok, desc in parse_tap(text):
            res.add(ok, f"{name}: {desc}")
    problems = []
    if code is None:
        problems.append("timed out (the kernel stopped answering)")
    elif code != test["exit"]:
        problems.append(f"QEMU exit code {code}, expected {test['exit']}")
    for pattern in test.get("expect", []):
        if not re.search(pattern, text, re.M):
            problems.append(f"log lacks /{pattern}/")
    for pattern in test.get("forbid", []):
        if re.search(pattern, text, re.M):
            problems.append(f"log has /{pattern}/")
    if "clock_lines" in test:
        problems += clock_problems(test)
    if "log_check" in test:
        problems += test["log_check"](text)
    if test.get("core_gdb") and test.get("group") != "check":
        problems += core_gdb_problems(test, text)
    for pattern in test.get("once", []):
        n = len(re.findall(pattern, text, re.M))
        if n != 1:
            problems.append(f"log has /{pattern}/ {n} times, not once")
    res.add(not problems, f"{name}: boots and ends as expected ({secs:.2f} s)",
            "; ".join(problems) +
            f"; log: build/test-logs/{test.get('log', test['name'])}.log")


def run_qemu_tests(res, only, jobs, kernel, check, beside=None):
    """The QEMU tests on kernel, then (check) on the checked kernel.
    beside: a function run on a worker of its own beside them (it returns
    a Recorded, reported after the QEMU tests)."""
    def chosen(t):
        name = f"{t.get('group', 'qemu')}/{t['name']}"
        if t.get("manual"): # only when named in full
            return bool(only) and name.endswith(only) and only in name
        return not only or only in name
    tests = [dict(t, kernel=kernel) for t in QEMU_TESTS
             if not t.get("checked_only") and chosen(t)]
    if check:
        checked = [t for t in map(checked_variant, QEMU_TESTS)
                   if chosen(t) and not t.get("unchecked_only")]
        if checked and not os.path.exists(KERNEL_CHECK):
            res.add(False, "check: build/kernel-check.elf is missing",
                    "make kernel-check builds it")
            checked = []
        tests += checked
    # The longest first (a test's "cost": its rough seconds, 1 if not
    # given; the checked kernel is slower), so that no long test starts
    # last and leaves one core idle; results are still reported in order.
    def cost(t):
        return t.get("cost", 1) * (2 if t.get("group") == "check" else 1)
    tests += [t for t in lab_checks(kernel) if chosen(t)]
    # beside gets a worker of its own: it waits more than it computes
    # (gdb, the tour's typing), and in the pool it held a core idle.
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs + bool(beside)) as pool:
        futures = {}
        side = pool.submit(beside) if beside else None
        for i in sorted(range(len(tests)), key=lambda i: -cost(tests[i])):
            futures[i] = pool.submit(run_qemu, tests[i])
        for i, test in enumerate(tests):
            test.get("judge", judge_qemu)(res, test, *futures[i].result())
        if side:
            side.result().replay(res)


# ---------------------------------------------------------------- labs
def lab_checks(kernel):
    """The graded labs' boots (tools/lab.py, docs/labs/README.md): each
    lab's tests on the reference kernel, which must score full marks
    (lab/NAME), and on its skeleton kernel build/labs/NAME/kernel.elf,
    which must score 0 and end cleanly: no panic, no hang
    (lab/NAME-skeleton).  A lab whose markers are gone (a student's tree)
    has no skeleton to check."""
    sys.modules.setdefault("run", sys.modules[__name__])  # lab.py imports run
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    import lab
    marked = lab.marked_files()
    tests = []
    for name in lab.lab_names():
        tests += [dict(t, group="lab", judge=judge_lab) for t in lab.lab_tests(name, kernel)]
        if name in marked:
            skeleton = os.path.join(BUILD, "labs", name, "kernel.elf")
            tests += [dict(t, group="lab", judge=judge_lab, skeleton=True)
                      for t in lab.lab_tests(name, skeleton, "skeleton")]
    return tests


def run_lab_check(res, only):
    """tools/lab.py check: every lab has its handout, title and points,
    and every marker is paired."""
    if only and only not in "lab/check":
        return
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    import lab
    found = lab.problems()
    for p in found:
        res.add(False, f"lab/check: {p}")
    res.add(not found, f"lab/check: {len(lab.lab_names())} labs, each with a handout, "
            "tests with points, and paired markers")


def judge_lab(res, test, code, text, secs):
    """A lab test's score (tools/lab.py score): full marks on the
    reference; on the skeleton, 0 and a clean end."""
    import lab
    lines = lab.score(test, code, text, secs)
    won, possible = sum(l[0] for l in lines), sum(l[1] for l in lines)
    log = f"log: build/test-logs/{test['log']}.log"
    if not test.get("skeleton"):
        lost = [f"{d} ({w}/{p})" for w, p, d, _ in lines if w != p]
        res.add(possible > 0 and not lost,
                f"lab/{test['name']}: the reference scores {won}/{possible} ({secs:.2f} s)",
                "; ".join(lost) + "; " + log)
        return
    problems = [f"scores {won}/{possible}"] if won else []
    if code is None:
        problems.append("timed out")
    elif code == EXIT_PANIC or re.search(r"panic", text, re.I):
        problems.append(f"the kernel panicked (QEMU exit code {code})")
    res.add(not problems, f"lab/{test['name']}: the skeleton scores 0/{possible} "
            f"and ends without a panic ({secs:.2f} s)", "; ".join(problems) + "; " + log)


# ---------------------------------------------------------------- fuzzing
FUZZ_SMOKE_SECONDS = 2


def start_fuzz_smoke(only):
    """Each libFuzzer target (tests/fuzz) for a few seconds: no crash.
    Started in the background while the QEMU tests run (each target runs
    for a fixed time, so it costs them some CPU, not the suite its 20 s);
    finish_fuzz_smoke() collects it."""
    if only and only not in "fuzz/":
        return None
    return subprocess.Popen([sys.executable, os.path.join(ROOT, "tests", "fuzz", "run.py"),
                             "--seconds", str(FUZZ_SMOKE_SECONDS)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, cwd=ROOT)


def finish_fuzz_smoke(res, proc):
    if proc is None:
        return
    try:
        out, _ = proc.communicate(timeout=600)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    with open(os.path.join(LOGS, "fuzz-smoke.log"), "w") as f:
        f.write(out)
    points = parse_tap(out)
    for ok, desc in points:
        res.add(ok, f"fuzz/{desc}", "see build/test-logs/fuzz-smoke.log")
    if not points:
        res.add(False, "fuzz: the smoke run printed no TAP",
                "see build/test-logs/fuzz-smoke.log")


# ---------------------------------------------------------------- GRUB ISO
def run_iso_test(res, only):
    name = "iso/grub-boot"
    if only and only not in name:
        return
    test = dict(name="iso-grub-boot", iso=ISO, debug_exit=True)
    cmd = qemu_command(test)
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    seen = b""
    deadline = start + 90
    done = re.compile(rb"/ # ")  # busybox's prompt: GRUB got all the way
    while time.monotonic() < deadline and not done.search(seen):
        ready, _, _ = select.select([proc.stdout], [], [], 1)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            seen += chunk
    proc.kill()
    proc.wait()
    text = seen.decode("utf-8", "replace").replace("\r", "")
    with open(os.path.join(LOGS, "iso-grub-boot.log"), "w") as f:
        f.write(text)
    ok = bool(re.search(BANNER, text)) and "Boot loader: GRUB" in text and \
        "initrd.cpio" in text and bool(done.search(seen)) and "PANIC" not in text
    res.add(ok, f"{name}: GRUB boots build/os.iso with the initrd to the shell "
                f"prompt ({time.monotonic() - start:.2f} s)",
            "see build/test-logs/iso-grub-boot.log")


# ---------------------------------------------------------------- gdb
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]




def gdb_session(test, script, setup=()):
    """Boot QEMU paused (-S) with its gdb stub for test (a QEMU_TESTS-style
    dict), run gdb -batch on script, wait for QEMU to exit.  Returns gdb's
    output (stdout and stderr in order), the serial log and QEMU's exit
    code; both texts go to build/test-logs/NAME.log.  setup: gdb scripts
    to run after connecting, before script (as tools/gdb/debug.sh does)."""
    port = free_port()
    qemu = subprocess.Popen(qemu_command(test, ["-S", "-gdb", f"tcp:127.0.0.1:{port}"]),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    cmd = ["gdb", "-batch", "-nx", "-ex", f"target remote 127.0.0.1:{port}"]
    for f in list(setup) + [script]:
        cmd += ["-x", f]
    try:
        gdb = subprocess.run(cmd + [KERNEL], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, timeout=120,
                             cwd=ROOT)
        out = gdb.stdout
    except subprocess.TimeoutExpired as e:
        out = "gdb timed out\n" + str(e.stdout or "")
    try:
        qout, _ = qemu.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        qemu.kill()
        qout, _ = qemu.communicate()
    serial = qout.decode("utf-8", "replace").replace("\r", "")
    with open(os.path.join(LOGS, test["name"] + ".log"), "w") as f:
        f.write(out + "\n--- serial ---\n" + serial)
    return out, serial, qemu.returncode


def run_gdb_test(res, only):
    if only and only not in "gdb/boot":
        return
    out, _, code = gdb_session(dict(name="gdb", append="ktest=boot"),
                               os.path.join(ROOT, "tests", "gdb", "boot.gdb"))
    for desc, pattern in GDB_EXPECT:
        res.add(bool(re.search(pattern, out, re.M)), f"gdb/boot: {desc}",
                "see build/test-logs/gdb.log")
    res.add(code == EXIT_OK,
            "gdb/boot: the kernel runs on to a clean power-off after gdb detaches",
            f"QEMU exit code {code}")


# tests/gdb/vm.gdb: tools/gdb/vmos.py's commands, loaded as `make debug`
# loads them (tools/gdb/vmos.gdb), stopped in cat's exit_group (cat is
# PID 4, its parent the shell, PID 1; 2 and 3 are the kernel threads
# kthreadd and kswapd0).
GDB_VM_APPEND = 'init=/bin/sh -c "cat /proc/self/maps; echo done"'
MAPS_LINE = re.compile(r"^[0-9a-f]{8,}-[0-9a-f]{8,} [-r][-w][-x][ps] .*\n", re.M)


def pt_levels(text):
    """The levels a pt walk printed with P set: ["PML4", "PDPT", ...]."""
    return re.findall(r"^  (PML4|PDPT|PD|PT) *\[ *\d+\] = 0x[0-9a-f]{16} -> "
                      r"0x[0-9a-f]+ \(.*\)  P\b", text, re.M)


def frames_consistent(text):
    """frames' numbers agree: free + used = managed, the free lists plus
    the frame cache plus the frames not set up yet and the frame table plus
    those count the same free frames, the table the same used ones, and its
    slab pages are kmalloc's slab_pages."""
    m = re.search(r"frames: (\d+) managed \(\d+ KiB\), (\d+) free, (\d+) used", text)
    lists = re.search(r"^free lists .* = (\d+) frames; (\d+) in the frame cache; "
                      r"(\d+) more free", text, re.M)
    slab = re.search(r"^kmalloc: (\d+) slab pages", text, re.M)
    table = re.search(r"^frame table: \d+ entries: (\d+) free, (\d+) used "
                      r"\((\d+) page tables, (\d+) slab\)", text, re.M)
    if not (m and lists and slab and table):
        return False
    managed, free, used = map(int, m.groups())
    t_free, t_used, t_pt, t_slab = map(int, table.groups())
    cached, pending = int(lists[2]), int(lists[3])
    return (free + used == managed and int(lists[1]) + cached + pending == free and
            t_free + pending == free and t_used == used and t_pt > 0 and
            t_slab == int(slab[1]) > 0)




def gdb_vm_checks(out, serial):
    """(description, passed) for each behaviour of the commands."""
    sec = dict(zip(*[iter(re.split(r"^== (\S+)\n", out, flags=re.M)[1:])] * 2))
    g = lambda name: sec.get(name, "")
    console_maps = "".join(MAPS_LINE.findall(serial))
    ranges = lambda text: re.findall(r"^([0-9a-f]+)-([0-9a-f]+) ", text, re.M)
    vmas_ranges = [(s.lstrip("0") or "0", e.lstrip("0"))
                   for s, e in re.findall(r"^([0-9a-f]{16}) ([0-9a-f]{16}) ", g("vmas"), re.M)]
    user = re.search(r"^user=(0x[0-9a-f]+) direct=(0x[0-9a-f]+)$", g("pt-user"), re.M)
    cr3_root = re.search(r"PML4 at phys (0x[0-9a-f]+), from CR3", g("pt-user"))
    pid_root = re.search(r"PML4 at phys (0x[0-9a-f]+), from PID 1 \(sh\): mm->pgd",
                         g("pt-pid1"))
    checks = [
        ("with paging off, pt says so and ps explains why it cannot read memory",
         "paging is off (CR0.PG is clear)" in g("early") and
         re.search(r"^\[ps\] error: ps: cannot read kernel memory .*own page tables",
                   g("early"), re.M)),
        ("in kmain: vmas says no task runs yet, pt PID 0 that there are no "
         "kernel tables yet",
         re.search(r"^\[vmas\] error: no task runs yet \(current is NULL", g("kmain"), re.M) and
         re.search(r"^\[pt 0x1000 0\] error: kernel_pt_root is 0: paging_init has not",
                   g("kmain"), re.M)),
        ("hbreak do_anonymous_page stops on a demand-zero fault, called by "
         "handle_pte_fault, resolve, handle_mm_fault and page_fault",
         re.search(r"^#0 +do_anonymous_page \(.*\n#1 .*handle_pte_fault .*\n"
                   r"#2 .*resolve .*\n#3 .*handle_mm_fault .*\n#4 .*page_fault ",
                   g("anon-fault"), re.M) and
         re.search(r"^fault-addr=0x[0-9a-f]+$", g("anon-fault"), re.M)),
        ("ps lists the idle task, init (sh) as PID 1, the kernel threads "
         "and cat as PID 4, current",
         re.search(r"^  +0 +0 +- +running +swapper ", g("ps"), re.M) and
         re.search(r"^  +1 +1 +- +sleeping +sh +0xffff888", g("ps"), re.M) and
         re.search(r"^  +2 +2 +- +\w+ +kthreadd ", g("ps"), re.M) and
         re.search(r"^  +3 +3 +2 +\w+ +kswapd0 ", g("ps"), re.M) and
         re.search(r"^\* +4 +4 +1 +running +cat +0xffff888", g("ps"), re.M)),
        ("vmas lists cat's regions in address order, as its /proc/self/maps",
         re.search(r"^PID 4 \(cat\): \d+ regions", g("vmas"), re.M) and
         vmas_ranges and vmas_ranges == [(s.lstrip("0") or "0", e.lstrip("0"))
                                         for s, e in ranges(console_maps)]),
        ("vmas names the text (file offset, smaps 'ex'), [heap] and [stack] ('gd')",
         re.search(r" r-xp +\w+  /bin/busybox \+0x[0-9a-f]+ +rd ex ", g("vmas")) and
         re.search(r" rw-p +\w+  \[heap\] ", g("vmas")) and
         re.search(r" rw-p +\w+  \[stack\] .* gd$", g("vmas"), re.M)),
        ("maps 4 is byte for byte the /proc/self/maps cat printed",
         len(console_maps.splitlines()) >= 5 and g("maps") == console_maps),
        ("pt walks a user stack address from CR3 through four present levels",
         cr3_root and pt_levels(g("pt-user")) == ["PML4", "PDPT", "PD", "PT"] and
         re.search(r"\(4 KiB page\)  P RW US .*NX$", g("pt-user"), re.M) and
         "access: user, writable, no-execute" in g("pt-user")),
        ("pt's physical address holds what the user address holds",
         user and user[1] == user[2] and
         re.search(r"^0x[0-9a-f]+: frame 0x[0-9a-f]+, phys 0x[0-9a-f]+ ",
                   g("pt-user"), re.M)),
        ("pt ADDR 1 walks PID 1's mm->pgd: the shell's argc at its stack",
         pid_root and cr3_root and pid_root[1] != cr3_root[1] and
         pt_levels(g("pt-pid1")) == ["PML4", "PDPT", "PD", "PT"] and
         re.search(r"^sh-argc=3$", g("pt-pid1"), re.M)),
        ("pt kmain: a global 4 KiB page, kernel-only, read-only, executable",
         pt_levels(g("pt-kernel-text")) == ["PML4", "PDPT", "PD", "PT"] and
         re.search(r"^  PT +\[.*\(4 KiB page\)  P A G$", g("pt-kernel-text"), re.M) and
         "access: kernel-only, read-only, executable" in g("pt-kernel-text")),
        ("pt on the direct map stops at a 2 MiB page (PS) at the PD level",
         pt_levels(g("pt-direct-map")) == ["PML4", "PDPT", "PD"] and
         re.search(r"^  PD +\[  1\] = 0x[0-9a-f]+ -> 0x200000 \(2 MiB page\)  "
                   r"P RW .*PS G NX$", g("pt-direct-map"), re.M) and
         "0xffff888000200000: frame 0x200, phys 0x200000 " in g("pt-direct-map")),
        ("pt on an unmapped or non-canonical address says so",
         re.search(r"^0x0 is not mapped: the (PML4|PDPT|PD|PT) entry is not present",
                   g("pt-unmapped"), re.M) and "pt_phys=-1" in g("pt-unmapped") and
         "0x800000000000 is not canonical" in g("pt-unmapped")),
        ("pt (made-up tables): NX, read-only and kernel-only above the leaf "
         "rule the access; bit 7 of a PT entry is PAT",
         re.search(r"^  PT +\[  1\] = .*\(4 KiB page\)  P RW US PAT\n"
                   r"0x1234: frame 0x5, phys 0x5234 .*\naccess: kernel-only, "
                   r"read-only, no-execute$", g("pt-made-up"), re.M)),
        ("pt (made-up tables): a PROT_NONE page keeps its frame, not present",
         "0x2000 is not mapped for the CPU: a PROT_NONE page that keeps frame 0x6 "
         "(phys 0x6000)" in g("pt-made-up")),
        ("pt (made-up tables): a 1 GiB page (PS) at the PDPT level",
         re.search(r"^  PDPT\[  1\] = 0x0+40000087 -> 0x40000000 \(1 GiB page\)  "
                   r"P RW US PS\n0x40012345: frame 0x40012, phys 0x40012345 ",
                   g("pt-made-up"), re.M)),
        ("pt (made-up tables): an entry pointing beyond the direct map is refused",
         "[garbage] error: phys 0xf000000000000 is beyond the direct map" in g("pt-made-up")),
        ("frames: free + used = managed, and the free lists and frame table agree",
         frames_consistent(g("frames"))),
        ("cpus (-smp 2): each CPU online, where it is and its current task",
         # '*': the CPU that hit sys_exit_group (cat runs on either)
         re.search(r"^[* ]\s+0\s+0 online\s+\S.*; current: pid \d+ \(\S+\)$",
                   g("cpus"), re.M) and
         re.search(r"^[* ]\s+1\s+1 online\s+\S.*; current: pid \d+ \(\S+\)$",
                   g("cpus"), re.M) and
         re.search(r"; current: pid 4 \(cat\)$", g("cpus"), re.M)),
    ]
    for cmd, message in GDB_VM_BAD:
        checks.append((f"'{cmd}' fails with a clear message",
                       re.search(r"^\[" + re.escape(cmd) + r"\] error: .*" + message,
                                 g("bad"), re.M)))
    checks.append(("after detach the commands refuse to read the ELF file instead",
                   re.search(r"^\[ps\] error: ps: no kernel is running under gdb",
                             g("detached"), re.M)))
    checks.append(("no Python traceback anywhere",
                   "Traceback" not in out and "Python Exception" not in out and
                   "== end" in out))
    return checks


def run_gdb_vm_test(res, only):
    if only and only not in "gdb/vm":
        return
    start = time.monotonic()
    out, serial, code = gdb_session(
        dict(name="gdb-vm", append=GDB_VM_APPEND, initrd=[INITRD], smp=2),
        os.path.join(ROOT, "tests", "gdb", "vm.gdb"),
        setup=[os.path.join(ROOT, "tools", "gdb", "vmos.gdb")])
    for desc, ok in gdb_vm_checks(out, serial):
        res.add(bool(ok), f"gdb/vm: {desc}", "see build/test-logs/gdb-vm.log")
    res.add(code == EXIT_OK and re.search(r"^done$", serial, re.M),
            f"gdb/vm: the system runs on to a clean power-off after gdb detaches "
            f"({time.monotonic() - start:.2f} s)", f"QEMU exit code {code}")


def run_docs_check(res, only):
    """tools/check_docs.py: every function, breakpoint, path and make
    target the docs name exists (and a kernel function has a caller)."""
    if only and only not in "docs/check":
        return
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "check_docs.py")],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    problems = [l for l in proc.stdout.splitlines()
                if l.startswith("check_docs: ") and " problems" not in l]
    for p in problems:
        res.add(False, "docs/check: " + p[len("check_docs: "):])
    res.add(proc.returncode == 0 and not problems,
            "docs/check: README.md and docs/*.md name only functions, breakpoints, "
            "files and make targets that exist", proc.stdout.strip().splitlines()[-1:]
            and proc.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", default="", help="run tests whose name contains this")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--kernel", default=KERNEL,
                    help="the kernel the qemu/ tests boot (default build/kernel.elf)")
    ap.add_argument("--no-check", action="store_true",
                    help="skip the check/ tests (the QEMU tests on the checked kernel)")
    args = ap.parse_args()
    if args.list:
        for t in QEMU_TESTS:
            if not t.get("checked_only"):
                print(f"qemu/{t['name']}: {t.get('append', '')}")
        for t in QEMU_TESTS:
            if not t.get("unchecked_only"):
                print(f"check/{t['name']}: {t.get('append', '')}")
        for t in lab_checks(args.kernel):
            print(f"lab/{t['name']}: {t.get('append', '')}")
        print("lab/check\niso/grub-boot\ngdb/boot\ngdb/vm\ndocs/check\nunit/* (build/unit/test_*)")
        return 0
    os.makedirs(LOGS, exist_ok=True)
    res = Results()
    start = time.monotonic()
    run_docs_check(res, args.only)
    run_lab_check(res, args.only)
    fuzz = start_fuzz_smoke(args.only)

    def one_at_a_time():
        """What runs one step after another (the host unit tests, then
        the boots of GRUB's ISO, gdb and the tour): beside the QEMU
        tests, rather than before and after them with a core idle."""
        r = Recorded()
        run_unit_tests(r, args.only)
        run_iso_test(r, args.only)
        run_gdb_test(r, args.only)
        tour.run(r, sys.modules[__name__], args.only)
        run_gdb_vm_test(r, args.only)
        return r
    run_qemu_tests(res, args.only, args.jobs, args.kernel, not args.no_check,
                   beside=one_at_a_time)
    finish_fuzz_smoke(res, fuzz)
    if DISK_DIR != LOGS and os.path.isdir(DISK_DIR):
        shutil.rmtree(DISK_DIR, ignore_errors=True)
    print(f"# {time.monotonic() - start:.1f} s; logs in build/test-logs/")
    for name in res.failures:
        print(f"# failed: {name}")
    print(f"{res.passed} passed, {res.failed} failed")
    return 1 if res.failed else 0


if __name__ == "__main__":
    sys.exit(main())
