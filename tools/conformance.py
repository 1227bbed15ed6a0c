#!/usr/bin/env python3
"""make conformance: Linux's own selftests on vmos and on Linux, side by side.

usage: tools/conformance.py [--only SUBSTRING] [--kernel PATH] [--jobs N]
                            [--write-doc] [--only-ours] [--subset-cpio]

  1. Debian's linux-source-6.1 is fetched with `apt-get download` into
     build/conformance/ once, and only tools/testing/selftests is taken
     out of the source tarball inside the .deb (build/conformance/selftests).
  2. The tests in TESTS below (the issue's directories, minus
     tests/conformance/exclusions.txt) are built statically with musl-gcc.
     Their sources are never edited: tests/conformance/shim.h is
     force-included (-include) and tests/conformance/include/ holds the few
     headers musl lacks; the kernel's UAPI headers are linux-libc-dev's.
  3. One cpio archive holds them, busybox (the tests run /bin/sh) and
     /init = tests/conformance/runner.c, which runs each test with a
     timeout and prints a result line per test.
  4. The archive boots on vmos (build/kernel.elf) and on Debian's Linux
     kernel (fetched by make bench's tools/bench.py into build/peer/) in
     the same QEMU (TCG).  If vmos panics, hangs or stops printing during a
     test, that test is reported as such and the run resumes after it with
     a fresh boot (--from N).
  5. One line per test with both results, then "N passed, N failed": the
     counted tests are those that pass on Linux (exit status 0); a test
     that fails or skips on Linux here is reported, not counted.

Results and each test's output on each kernel go to build/conformance/
(results.md, logs/KERNEL/NAME.log); --write-doc also puts the table into
docs/conformance.md between its "conformance:begin" and "conformance:end"
markers.  --subset-cpio only builds tests/conformance/subset.txt into
build/conformance/subset.cpio, which make test boots on vmos (TAP).
"""
import argparse
import concurrent.futures
import datetime
import glob
import json
import os
import re
import select
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (apt_download, peer_kernel, newc, machine)

ROOT = bench.ROOT
BUILD = bench.BUILD
OUT = os.path.join(BUILD, "conformance")
# The source tarball's layout is kept (a test reaches ../../../../arch/...).
LINUX = os.path.join(OUT, "linux")
SRC = os.path.join(LINUX, "tools", "testing", "selftests")
STAMP = os.path.join(OUT, "source-version")
BIN = os.path.join(OUT, "bin")
BUILD_LOGS = os.path.join(OUT, "build-logs")
RUN_LOGS = os.path.join(OUT, "logs")
KINCLUDE = os.path.join(OUT, "kinclude")
HERE = os.path.join(ROOT, "tests", "conformance")
EXCLUSIONS = os.path.join(HERE, "exclusions.txt")
SUBSET = os.path.join(HERE, "subset.txt")
SHIM = os.path.join(HERE, "shim.h")
SHIM_INCLUDE = os.path.join(HERE, "include")
RUNNER = os.path.join(HERE, "runner.c")
DOC = os.path.join(ROOT, "docs", "conformance.md")
PACKAGE = "linux-source-6.1"
MEM = "512M"
# No output from the guest for this long beyond a test's own timeout: the
# kernel is hung.
HANG_GRACE = 30


def T(name, srcs=None, flags="", args="", timeout=60, prog=None, link="static"):
    """One test: NAME is DIR/PROGRAM unless prog names the program (the
    same program with other arguments); srcs are relative to the
    selftests directory (default NAME.c), {here} is tests/conformance;
    link is static, static-pie or pie (dynamic, with musl's loader)."""
    prog = prog or name
    return dict(name=name, prog=prog, srcs=srcs or [prog + ".c"],
                flags=flags.split(), args=args.split(), timeout=timeout,
                link=link)


def vm(prog, util=False, **kw):
    srcs = [f"vm/{prog}.c"] + (["vm/vm_util.c"] if util else [])
    return T(f"vm/{prog}", srcs, **kw)


def x86(prog, extra=(), **kw):
    """The 64-bit build of an x86 entry test, as x86/Makefile's _64."""
    return T(f"x86/{prog}_64", [f"x86/{prog}.c", *extra],
             flags="-DCAN_BUILD_64 -no-pie " + kw.pop("flags", ""), **kw)


FUTEX = "-I{src}/futex/include -I{src}"
TESTS = [
    # mm (the vm directory in 6.1), as run_vmtests.sh runs them
    vm("compaction_test"), vm("gup_test"), vm("hmm-tests"),
    vm("hugepage-mmap"), vm("hugepage-mremap", args="/tmp/huge_mremap"),
    vm("hugepage-shm"), vm("hugepage-vmemmap"),
    vm("hugetlb-madvise", args="/tmp/madvise-test"),
    vm("khugepaged", util=True), vm("ksm_tests"), vm("madv_populate", util=True),
    vm("map_fixed_noreplace"), vm("map_hugetlb"), vm("map_populate"),
    vm("memfd_secret"), vm("migration"), vm("mlock-random-test"),
    vm("mlock2-tests"), vm("mrelease_test"), vm("mremap_dontunmap"),
    vm("mremap_test", timeout=120), vm("on-fault-limit"),
    vm("soft-dirty", util=True), vm("split_huge_page_test", util=True),
    vm("thuge-gen"), vm("transhuge-stress"),
    T("vm/userfaultfd-anon", ["vm/userfaultfd.c", "vm/vm_util.c"],
      prog="vm/userfaultfd", args="anon 20 16", timeout=120),
    T("vm/userfaultfd-shmem", ["vm/userfaultfd.c", "vm/vm_util.c"],
      prog="vm/userfaultfd", args="shmem 20 16", timeout=120),
    vm("va_128TBswitch"), vm("virtual_address_range"),
    T("vm/protection_keys_64", ["vm/protection_keys.c"], flags="-no-pie -mxsave"),
    vm("write_to_hugetlbfs"),
    # x86: the 64-bit builds (the IA32 ABI is out of scope)
    x86("single_step_syscall"),
    x86("sysret_ss_attrs", ["x86/thunks.S"]), x86("syscall_nt"),
    x86("test_mremap_vdso"),
    x86("check_initial_reg_state", flags="-Wl,-ereal_start"),
    x86("sigreturn"), x86("iopl"), x86("ioperm"), x86("test_vsyscall"),
    x86("mov_ss_trap"), x86("sigtrap_loop"), x86("syscall_arg_fault"),
    x86("fsgsbase_restore"), x86("sigaltstack"), x86("fsgsbase"),
    x86("sysret_rip"), x86("syscall_numbering"), x86("corrupt_xstate_header"),
    x86("amx"), x86("ldt_gdt"), x86("ptrace_syscall"),
    # exec
    T("exec/execveat"), T("exec/non-regular"), T("exec/null-argv"),
    T("exec/recursion-depth"), T("exec/binfmt_script"),
] + [
    T(f"exec/load_address.{pie}{align}",
      ["exec/load_address.c", "{here}/dl_iterate_phdr.c"],
      flags=f"-Wl,-z,max-page-size={align}",
      link="static-pie" if pie else "pie")
    for pie in ("", "static.") for align in ("0x1000", "0x200000", "0x1000000")
] + [
    T(f"proc/{p}", flags="-Wno-unused-function") for p in (
        "fd-001-lookup", "fd-002-posix-eq", "fd-003-kthread", "proc-loadavg-001",
        "proc-empty-vm", "proc-pid-vm", "proc-self-map-files-001",
        "proc-self-map-files-002", "proc-self-syscall", "proc-self-wchan",
        "proc-subset-pid", "proc-tid0", "proc-uptime-001", "proc-uptime-002",
        "read", "self", "setns-dcache", "setns-sysvipc", "thread-self",
        "proc-multiple-procfs", "proc-fsconfig-hidepid")
] + [
    T(f"futex/{p}", [f"futex/functional/{p}.c"], flags=FUTEX) for p in (
        "futex_wait_timeout", "futex_wait_wouldblock", "futex_requeue_pi",
        "futex_requeue_pi_signal_restart", "futex_requeue_pi_mismatched_ops",
        "futex_wait_uninitialized_heap", "futex_wait_private_mapped_file",
        "futex_wait", "futex_requeue", "futex_waitv")
] + [
    T("sigaltstack/sas", ["sigaltstack/sas.c", "{here}/ucontext.S",
                          "{here}/ucontext.c"]),
] + [
    T(f"timers/{p}", timeout=120) for p in (
        "posix_timers", "nanosleep", "nsleep-lat", "set-timer-lat", "mqueue-lat",
        "inconsistency-check", "raw_skew", "threadtest", "rtcpie",
        "alarmtimer-suspend", "valid-adjtimex", "adjtick", "change_skew",
        "skew_consistency", "clocksource-switch", "freq-step", "leap-a-day",
        "leapcrash", "set-tai", "set-2038", "set-tz")
] + [
    T("rseq/basic_test", ["rseq/basic_test.c", "rseq/rseq.c"], flags="-I{src}/rseq"),
    T("rseq/param_test", ["rseq/param_test.c", "rseq/rseq.c"], flags="-I{src}/rseq"),
    T("mincore/mincore_selftest"),
    T("membarrier/membarrier_test_single_thread"),
    T("membarrier/membarrier_test_multi_thread"),
    T("vDSO/vdso_test_gettimeofday", ["vDSO/vdso_test_gettimeofday.c", "vDSO/parse_vdso.c"]),
    T("vDSO/vdso_test_getcpu", ["vDSO/vdso_test_getcpu.c", "vDSO/parse_vdso.c"]),
    T("vDSO/vdso_test_abi", ["vDSO/vdso_test_abi.c", "vDSO/parse_vdso.c"]),
    T("vDSO/vdso_test_clock_getres"),
    T("vDSO/vdso_standalone_test_x86",
      ["vDSO/vdso_standalone_test_x86.c", "vDSO/parse_vdso.c"],
      # -O0, as vDSO/Makefile: its _start jumps to c_main with RSP
      # 16-byte aligned, which breaks the SSE spills of -O2.
      flags="-O0 -nostdlib -fno-asynchronous-unwind-tables -fno-stack-protector"),
    T("vDSO/vdso_test_correctness"),
    # No C library start-up, so no TLS for the stack protector's canary
    # (which Debian's gcc may turn on by default).
    T("size/get_size", flags="-ffreestanding -nostartfiles -s -fno-stack-protector"),
]
BY_NAME = {t["name"]: t for t in TESTS}

MUSL_LIB = "/usr/lib/x86_64-linux-musl"
MUSL_LOADER = "/lib/ld-musl-x86_64.so.1"
CFLAGS = ["-static", "-O2", "-g", "-D_GNU_SOURCE", "-pthread", "-w",
          "-fno-strict-aliasing", "-include", SHIM, "-I", SHIM_INCLUDE,
          "-I", KINCLUDE]
LIBS = ["-lrt", "-lm"]


# ---------------------------------------------------------------- sources
def fetch_source():
    """build/conformance/selftests, from Debian's linux-source-6.1, once."""
    if os.path.exists(STAMP) and os.path.isdir(SRC):
        return
    os.makedirs(OUT, exist_ok=True)
    print(f"conformance: fetching {PACKAGE} with apt-get download into "
          "build/conformance/", flush=True)
    for old in glob.glob(os.path.join(OUT, "*.deb")):
        os.remove(old)
    bench.apt_download(PACKAGE, OUT)
    deb = glob.glob(os.path.join(OUT, PACKAGE + "_*.deb"))[0]
    version = subprocess.run(["dpkg-deb", "-f", deb, "Version"], check=True,
                             capture_output=True, text=True).stdout.strip()
    shutil.rmtree(SRC, ignore_errors=True)
    tmp = os.path.join(OUT, "extract")
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    inner = f"./usr/src/{PACKAGE}.tar.xz"
    want = f"{PACKAGE}/tools/testing/selftests"
    # The .deb's data tarball holds the source tarball: stream one into
    # the other and keep only the selftests.
    subprocess.run(f"dpkg-deb --fsys-tarfile '{deb}' | tar -xO '{inner}' | "
                   f"tar -xJ -C '{tmp}' '{want}'", shell=True, check=True)
    os.makedirs(os.path.dirname(SRC), exist_ok=True)
    os.rename(os.path.join(tmp, want), SRC)
    shutil.rmtree(tmp)
    os.remove(deb)
    with open(STAMP, "w") as f:
        f.write(version + "\n")


def kernel_headers():
    """The kernel's UAPI headers for musl-gcc (which sees only musl's):
    linux-libc-dev's, through symbolic links in build/conformance/kinclude;
    and our desc_defs.h where x86/sigreturn.c looks for the kernel's."""
    desc = os.path.join(LINUX, "arch", "x86", "include", "asm", "desc_defs.h")
    if not os.path.lexists(desc):
        os.makedirs(os.path.dirname(desc), exist_ok=True)
        os.symlink(os.path.join(SHIM_INCLUDE, "desc_defs.h"), desc)
    os.makedirs(KINCLUDE, exist_ok=True)
    for name, target in (("linux", "/usr/include/linux"),
                         ("asm", "/usr/include/x86_64-linux-gnu/asm"),
                         ("asm-generic", "/usr/include/asm-generic"),
                         ("mtd", "/usr/include/mtd"), ("misc", "/usr/include/misc")):
        link = os.path.join(KINCLUDE, name)
        if not os.path.lexists(link) and os.path.exists(target):
            os.symlink(target, link)


def read_exclusions():
    """{name: reason} from tests/conformance/exclusions.txt."""
    out = {}
    with open(EXCLUSIONS) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                name, _, reason = line.partition(" ")
                out[name] = reason.strip()
    return out


# ---------------------------------------------------------------- building
def build_one(t):
    """Compile test t; returns None or the compiler's complaint."""
    exe = os.path.join(BIN, t["prog"])
    os.makedirs(os.path.dirname(exe), exist_ok=True)
    srcs = [os.path.join(SRC, s.format(here=HERE)) for s in t["srcs"]]
    flags = [f.format(src=SRC) for f in t["flags"]]
    deps = srcs + [SHIM, __file__] + glob.glob(os.path.join(SHIM_INCLUDE, "**"),
                                                recursive=True)
    if os.path.exists(exe) and all(os.path.getmtime(exe) >= os.path.getmtime(d)
                                   for d in deps if os.path.isfile(d)):
        return None
    cmd = ["musl-gcc"] + CFLAGS + flags + ["-o", exe] + srcs + LIBS
    if t["link"] == "pie":
        cmd = [c for c in cmd if c != "-static"] + ["-fPIE", "-pie"]
    elif t["link"] == "static-pie":
        # Debian's musl-gcc turns -static-pie into a dynamic PIE: link with
        # musl's self-relocating start file by hand (as the Makefile's
        # hello-pie).
        crt = lambda f: os.path.join(MUSL_LIB, f)
        cmd = ([c for c in cmd[:-len(srcs) - len(LIBS)] if c != "-static"] +
               ["-fPIE", "-static-pie", "-nostartfiles", "-Wl,-static",
                "-Wl,--no-dynamic-linker", crt("rcrt1.o"), crt("crti.o")] +
               srcs + LIBS + [crt("crtn.o")])
    r = subprocess.run(cmd, capture_output=True, text=True)
    log = os.path.join(BUILD_LOGS, t["prog"].replace("/", "-") + ".log")
    os.makedirs(BUILD_LOGS, exist_ok=True)
    with open(log, "w") as f:
        f.write(" ".join(cmd) + "\n" + r.stdout + r.stderr)
    if r.returncode:
        if os.path.exists(exe):
            os.remove(exe)
        errors = [ln for ln in r.stderr.splitlines() if "error" in ln]
        return (errors or r.stderr.splitlines() or ["?"])[0][:200]
    return None


def build(tests, jobs):
    """Build tests in parallel; returns {name: error} for those that failed."""
    kernel_headers()
    progs = {}
    for t in tests:
        progs.setdefault(t["prog"], t)
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        errors = dict(zip(progs, pool.map(build_one, progs.values())))
    return {t["name"]: errors[t["prog"]] for t in tests if errors[t["prog"]]}


def build_runner():
    exe = os.path.join(OUT, "runner")
    if not os.path.exists(exe) or os.path.getmtime(exe) < os.path.getmtime(RUNNER):
        subprocess.run(["musl-gcc", "-static", "-O2", "-Wall", "-Wextra",
                        "-Werror", "-o", exe, RUNNER], check=True)
    return exe


def read_file(path):
    with open(path, "rb") as f:
        return f.read()


def archive(tests, path):
    """The cpio archive: /init (the runner), /conformance/list, the tests,
    and busybox as /bin/sh and its applets (some tests run a shell)."""
    entries = [(d, 0o040755, 0, 0, b"") for d in
               ("bin", "dev", "proc", "sys", "etc", "lib", "conformance")]
    entries += [("tmp", 0o041777, 0, 0, b""),
                ("dev/console", 0o020600, 5, 1, b""),
                ("init", 0o100755, 0, 0, read_file(build_runner())),
                ("bin/busybox", 0o100755, 0, 0, read_file("/bin/busybox")),
                # exec/non-regular runs /bin/true by another name, which
                # busybox would take for an applet's
                ("bin/true", 0o100755, 0, 0, b"#!/bin/sh\nexit 0\n"),
                ("lib/ld-musl-x86_64.so.1", 0o100755, 0, 0,
                 read_file(os.path.realpath(MUSL_LOADER)))]
    applets = subprocess.run(["/bin/busybox", "--list"], capture_output=True,
                             text=True).stdout.split()
    entries += [(f"bin/{a}", 0o120777, 0, 0, b"busybox") for a in applets
                if a not in ("busybox", "true")]
    dirs, progs, lines = set(), set(), []
    for t in tests:
        d = os.path.dirname(t["prog"])
        if d not in dirs:
            dirs.add(d)
            entries.append((f"conformance/{d}", 0o040755, 0, 0, b""))
        if t["prog"] not in progs:
            progs.add(t["prog"])
            entries.append((f"conformance/{t['prog']}", 0o100755, 0, 0,
                            read_file(os.path.join(BIN, t["prog"]))))
        lines.append(" ".join([t["name"], str(t["timeout"]), t["prog"]] + t["args"]))
    entries += extra_files(dirs, {t["name"] for t in tests})
    entries.append(("conformance/list", 0o100644, 0, 0,
                    ("\n".join(lines) + "\n").encode()))
    with open(path, "wb") as f:
        f.write(bench.newc(entries))
    return path


def extra_files(dirs, names):
    """What a test's Makefile puts beside it (exec/Makefile's script,
    subdir and itself; execveat.symlink and execveat.denatured when
    exec/execveat is among the tests names: only it uses them, and a subset
    without it has no execveat binary built)."""
    if "exec" not in dirs:
        return []
    files = [("conformance/exec/script", 0o100755, 0, 0, b"#!/bin/sh\nexit $*\n"),
             ("conformance/exec/subdir", 0o040755, 0, 0, b""),
             ("conformance/exec/Makefile", 0o100644, 0, 0,
              read_file(os.path.join(SRC, "exec", "Makefile")))]
    if "exec/execveat" in names:
        exe = read_file(os.path.join(BIN, "exec", "execveat"))
        files += [("conformance/exec/execveat.symlink", 0o120777, 0, 0, b"execveat"),
                  ("conformance/exec/execveat.denatured", 0o100644, 0, 0, exe)]
    return files


# ---------------------------------------------------------------- running
START = re.compile(r"^@@conf start (\d+) (\S+)\s*$")
END = re.compile(r"^@@conf end (\d+) (\S+) (\S+)\s*$")


def qemu_command(kernel, linux, cpio, start):
    cmd = bench.qemu_base("tcg", False, MEM) + ["-kernel", kernel, "-initrd", cpio]
    if linux:
        append = "console=ttyS0 quiet panic=-1 rdinit=/init"
        return cmd + ["-append", append + (f" -- --from {start}" if start else "")]
    return cmd + ["-append", "quiet init=/init" + (f" --from {start}" if start else "")]


def run_kernel(label, kernel, linux, cpio, tests):
    """Boot the archive on one kernel until every test has a result;
    returns {name: (result, output)}.  A boot that ends or goes silent
    inside a test gives that test "panic" or "hang" and a new boot starts
    after it."""
    results, start = {}, 0
    longest = max(t["timeout"] for t in tests)
    while start < len(tests):
        proc = subprocess.Popen(qemu_command(kernel, linux, cpio, start),
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        buf, current, output, done = b"", None, [], False
        limit = longest + HANG_GRACE + 60  # the boot itself
        while True:
            if current is not None:
                limit = tests[current]["timeout"] + HANG_GRACE
            ready, _, _ = select.select([proc.stdout], [], [], limit)
            if not ready:
                proc.kill()
                break
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for raw in lines:
                line = raw.decode("utf-8", "replace").replace("\r", "")
                m = START.match(line)
                if m:
                    current, output = int(m.group(1)), []
                    continue
                m = END.match(line)
                if m and current is not None:
                    results[tests[current]["name"]] = (m.group(3), "\n".join(output))
                    log_result(label, tests[current]["name"], m.group(3),
                               "\n".join(output))
                    print(f"conformance: {label} {tests[current]['name']}: "
                          f"{m.group(3)}", flush=True)
                    current, start = None, int(m.group(1)) + 1
                    continue
                if line.startswith("@@conf done"):
                    done = True
                if current is not None:
                    output.append(line)
                elif not done:
                    output.append(line)
        code = proc.wait()
        if done or start >= len(tests):
            break
        tail = "\n".join(output[-40:])
        if current is None:  # died before or between tests
            current = start
        what = "panic" if code not in (None, -9) and "PANIC" in tail else \
            "hang" if code == -9 else f"died(qemu {code})"
        results[tests[current]["name"]] = (what, "\n".join(output))
        log_result(label, tests[current]["name"], what, "\n".join(output))
        print(f"conformance: {label} {tests[current]['name']}: {what}; "
              f"rebooting after it", flush=True)
        start = current + 1
    # A run of some tests (--only) updates the stored results of the rest.
    stored = dict(saved(label), **results)
    with open(os.path.join(OUT, f"results-{label}.json"), "w") as f:
        json.dump(stored, f)
    return results


def log_result(label, name, res, out):
    """build/conformance/logs/KERNEL/NAME.log: the result and the output."""
    os.makedirs(os.path.join(RUN_LOGS, label), exist_ok=True)
    with open(os.path.join(RUN_LOGS, label, name.replace("/", "-") + ".log"),
              "w") as f:
        f.write(f"{name}: {res}\n{out}\n")


def saved(label):
    """The results of the last run on one kernel (build/conformance/)."""
    path = os.path.join(OUT, f"results-{label}.json")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return {k: tuple(v) for k, v in json.load(f).items()}


def verdict(res):
    """pass, skip (kselftest's exit status 4) or the failure itself."""
    if res == "exit=0":
        return "pass"
    if res == "exit=4":
        return "skip"
    return res


def table(tests, ours, linux, excluded, broken):
    """The lines of the side-by-side table and the counts."""
    rows, passed, failed, notcounted = [], 0, 0, 0
    for t in tests:
        n = t["name"]
        a = verdict(ours[n][0]) if n in ours else "-"
        b = verdict(linux[n][0]) if n in linux else "-"
        if b == "pass":
            counted = "yes"
            if a == "pass":
                passed += 1
            else:
                failed += 1
        else:
            counted = "no"
            notcounted += 1
        rows.append((n, a, b, counted))
    for n, err in sorted(broken.items()):
        rows.append((n, "build failed", "build failed", "no"))
    return rows, passed, failed, notcounted


def report(rows, passed, failed, notcounted, excluded, version, peer_version):
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"Run {stamp} with `make conformance`: selftests of {PACKAGE} "
             f"{version}, Linux {peer_version} as the peer, QEMU TCG, -m {MEM}.",
             "", "| test | vmos | Linux 6.1 | counted |", "|---|---|---|---|"]
    for n, a, b, c in rows:
        mark = "" if c == "no" or a == "pass" else " **FAIL**"
        lines.append(f"| {n} | {a}{mark} | {b} | {c} |")
    lines += ["", f"Counted (passing on Linux): {passed + failed}; vmos passes "
              f"{passed}, fails {failed}.  Not counted (failing or skipping on "
              f"Linux, or not built): {notcounted}.  Excluded: {len(excluded)} "
              f"(tests/conformance/exclusions.txt)."]
    return "\n".join(lines)


def write_doc(text):
    with open(DOC) as f:
        doc = f.read()
    begin, end = "<!-- conformance:begin -->", "<!-- conformance:end -->"
    head, rest = doc.split(begin, 1)
    tail = rest.split(end, 1)[1]
    with open(DOC, "w") as f:
        f.write(head + begin + "\n" + text + "\n" + end + tail)


def subset_cpio(jobs):
    """build/conformance/subset.cpio for make test: the tests named in
    tests/conformance/subset.txt, which pass on vmos and on Linux."""
    fetch_source()
    names = [ln.split()[0] for ln in open(SUBSET)
             if ln.strip() and not ln.startswith("#")]
    tests = [BY_NAME[n] for n in names]
    broken = build(tests, jobs)
    if broken:
        sys.exit(f"conformance: subset tests failed to build: {broken}")
    archive(tests, os.path.join(OUT, "subset.cpio"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="", help="tests whose name contains this")
    ap.add_argument("--kernel", default=bench.KERNEL)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--write-doc", action="store_true")
    ap.add_argument("--only-ours", action="store_true", help="skip Linux")
    ap.add_argument("--only-linux", action="store_true", help="skip vmos")
    ap.add_argument("--subset-cpio", action="store_true")
    ap.add_argument("--table", action="store_true",
                    help="no boots: the table from the last runs' results")
    args = ap.parse_args()
    if args.subset_cpio:
        subset_cpio(args.jobs)
        return 0
    fetch_source()
    with open(STAMP) as f:
        version = f.read().strip()
    excluded = read_exclusions()
    unknown = set(excluded) - set(BY_NAME)
    if unknown:
        sys.exit(f"conformance: exclusions.txt names unknown tests: {sorted(unknown)}")
    chosen = [t for t in TESTS if t["name"] not in excluded and args.only in t["name"]]
    broken = build(chosen, args.jobs)
    for n, err in sorted(broken.items()):
        print(f"conformance: {n}: build failed: {err}")
    tests = [t for t in chosen if t["name"] not in broken]
    cpio = archive(tests, os.path.join(OUT, "conformance.cpio"))
    peer, peer_version = (None, "-") if args.only_ours else bench.peer_kernel()
    if args.only_linux and not peer:
        sys.exit("conformance: --only-linux and --only-ours exclude each other")
    ours = saved("vmos") if args.table or args.only_linux else \
        run_kernel("vmos", args.kernel, False, cpio, tests)
    linux = saved("linux") if args.table else \
        run_kernel("linux", peer, True, cpio, tests) if peer else {}
    rows, passed, failed, notcounted = table(tests, ours, linux, excluded, broken)
    width = max(len(r[0]) for r in rows)
    print()
    for n, a, b, c in rows:
        print(f"{n:<{width}}  vmos: {a:<14} linux: {b:<14}"
              f"{'' if c == 'yes' else '  (not counted)'}")
    text = report(rows, passed, failed, notcounted, excluded, version, peer_version)
    with open(os.path.join(OUT, "results.md"), "w") as f:
        f.write(text + "\n")
    if args.write_doc:
        write_doc(text)
    print(f"{passed} passed, {failed} failed")
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
