#!/usr/bin/env python3
"""make bench: vmos against Linux, side by side in the same QEMU.

usage: tools/bench.py [--runs N] [--accel auto|tcg|kvm] [--icount | --wall]
                      [--write-doc] [--only-ours] [--cpio]

Two static musl programs run on three kernels in the same QEMU:

  tests/user/vmbench.c     the microbenchmarks: system call, page faults,
                           fork, mmap, pipes (each the median of 7)
  tests/user/bench_user.c  what a user runs: a busybox sh loop, a
                           seq|sort|uniq|wc pipeline, a malloc-heavy program
                           (tests/user/bench_malloc.c), and the cost of
                           clearing and copying 4 KiB (the fault floors)

They go into one cpio archive (build/bench/bench-all.cpio): /init is
bench_user, which runs /tests/vmbench first, then its own workloads, with
busybox and its applets in /bin and /dev/console, /dev/null.  The kernels:

  vmos             build/kernel.elf
  Linux            Debian's kernel package, fetched with `apt-get download`
                   into build/peer/ once (linux-image-amd64 names it)
  Linux mit=off    the same kernel booted with mitigations=off: no security
                   tax (no page-table isolation, retpolines, buffer clears)

make bench first counts instructions: one boot of each kernel under
-icount shift=0, where the guest's clocks advance one nanosecond per
instruction, so every "ns" the programs print is a count of guest
instructions (user and kernel) - deterministic, whatever the host's load,
so one boot each, and one run of each user-level workload (bench_user -1),
is enough.  That table is the headline.  Then it measures wall time under
TCG: N boots of each kernel (default 1: each boot already reports medians,
of 7 runs in vmbench and 3 in bench_user), alternating; each cell is the
median of the per-boot medians.  (--accel auto picks KVM when a test boot
works; on this host vmos's init then faults on its first return to user
mode, so TCG is the default.)  Wall time depends on the
host's load (the table says what the load average was) and, under TCG, on
what QEMU does per instruction.  --icount measures only instructions,
--wall only time.

The fault floors: a demand-zero fault cannot cost less than a trap in and
out (the cheapest measured system-call round trip, getpid, with its loop),
clearing 4 KiB (rep stosq, as measured in the guest) and writing one
entry; a COW fault the same with copying 4 KiB (rep movsq).  The table
shows each fault path as a multiple of its floor.

The tables go to the terminal and to build/bench/results.md with a
description of the machine; --write-doc also puts them into docs/bench.md
between its "bench:begin" and "bench:end" markers.
"""
import argparse
import datetime
import glob
import os
import platform
import re
import select
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
PEER = os.path.join(BUILD, "peer")
OUT = os.path.join(BUILD, "bench")
KERNEL = os.path.join(BUILD, "kernel.elf")
VMBENCH = os.path.join(BUILD, "tests", "user", "vmbench")
BENCH_USER = os.path.join(BUILD, "tests", "user", "bench_user")
BENCH_MALLOC = os.path.join(BUILD, "tests", "user", "bench_malloc")
BENCH_SMP = os.path.join(BUILD, "tests", "user", "bench_smp")
# Several CPUs (issue 18): bench_smp's cases, and their targets.
SMP_CASES = [("two processes", "two processes faulting in parallel", 1.2),
             ("two threads of one process", "two threads of one process faulting in parallel", 1.3)]
SMP_LINE = re.compile(r"bench_smp: (.+) faulting \d+ MiB each: one ([\d.]+) ms, "
                      r"two at once ([\d.]+) ms: ([\d.]+)x")
BUSYBOX = "/bin/busybox"
APPLETS = ("sh", "echo", "seq", "sort", "uniq", "wc", "mkswap")
DOC = os.path.join(ROOT, "docs", "bench.md")
QEMU = "qemu-system-x86_64"
MEM = "512M"
RUN_TIMEOUT = 600

# name, unit, what it is, target ratio vmos/Linux (issue 7)
BENCHES = [
    ("getpid", "ns", "getpid round trip", 1.0),
    ("demand-zero", "ns/page", "demand-zero fault, 64 MiB", 0.5),
    ("cow", "ns/page", "COW fault after fork, 16 MiB", 0.5),
    ("fork-exit-16M", "us", "fork+exit+wait, 16 MiB touched", 1.0),
    ("fork-exit-16M-steady", "us", "fork+exit+wait, 16 MiB, steady state (per round of 200)", 1.0),
    ("fork-exec", "us", "fork+execve+wait, small static program", 1.0),
    ("mmap-cycle", "ns", "mmap+touch+munmap, one page", 0.5),
    ("brk-touch", "ns/page", "brk growth + touch", 0.5),
    ("fault-16", "ns", "fault, 16 regions", 1.0),
    ("fault-1024", "ns", "fault, 1,024 regions", 1.0),
    ("fault-16384", "ns", "fault, 16,384 regions", 1.0),
    ("fault-1024-spread", "ns", "fault, 1,024 regions, spread", 1.0),
    ("fault-16384-spread", "ns", "fault, 16,384 regions, spread", 1.0),
    ("pipe-rtt", "ns", "pipe round trip, two processes", 1.0),
]
# bench_user's workloads, the same way (issue 17, section 3)
USER_BENCHES = [
    ("sh-loop", "us", "busybox sh loop: 500 x (echo $i, pipe, wc -c)", 1.0),
    ("pipeline", "us", "pipeline: seq 100000, sort, uniq -c, wc", 1.0),
    ("malloc-256M", "us", "malloc, touch, free 256 MiB, twice", 1.0),
]
# swap throughput (bench_user -s, a boot of its own at SWAP_MEM with a
# SWAP_DISK disk): name, unit, what; higher is better
SWAP_MEM, SWAP_DISK, SWAP_TOUCH = "128M", "512M", 384
SWAP_BENCHES = [
    ("swap-write", "MiB/s", f"swap: write {SWAP_TOUCH} MiB at -m {SWAP_MEM}"),
    ("swap-read", "MiB/s", f"swap: read the {SWAP_TOUCH} MiB back"),
    ("swap-majflt", "faults/s", "swap: major faults a second, reading"),
]
# Linux's virtio drivers are modules in Debian's kernel; make bench keeps
# these from the kernel's package in build/peer/modules/ (dependencies first)
MODULES = ["virtio_ring", "virtio", "virtio_pci_legacy_dev",
           "virtio_pci_modern_dev", "virtio_pci", "virtio_blk"]
MODULE_DIR = os.path.join(PEER, "modules")
# what bench_user measures for the floors: name, unit
FLOOR_PARTS = [("rep-stosq-4k", "ns"), ("rep-movsq-4k", "ns")]
# fault path, the 4 KiB operation no kernel avoids, target multiple
FLOORS = [("demand-zero", "rep-stosq-4k", "demand-zero fault", 1.6),
          ("cow", "rep-movsq-4k", "COW fault", 1.6)]
# the kernels: key, label, extra command line for Linux
PEERS = [("linux", "Linux", ""), ("nomit", "Linux mit=off", " mitigations=off")]
BOOT_TARGET_S = 0.3
FRAME_SETUP_TARGET_US = 50000
SCALING_TARGET = 1.25
LINE = re.compile(r"^(\S+)\s+(-?\d+) (\S+)\s*$")
VULN = re.compile(r"^vulnerability: (\S+): (.*)$", re.M)
FRAME_SETUP = re.compile(r"frame allocator set up in (\d+) us")


def sudo():
    return [] if os.geteuid() == 0 else ["sudo"]


def apt_download(pkg, into):
    """apt-get download PKG into a directory; refresh the lists once if
    apt does not know the package (a fresh machine has none)."""
    for attempt in range(2):
        r = subprocess.run(["apt-get", "download", pkg], cwd=into,
                           capture_output=True, text=True)
        if r.returncode == 0:
            return
        if attempt == 0:
            subprocess.run(sudo() + ["apt-get", "update", "-q"], check=False)
    sys.exit(f"bench: apt-get download {pkg} failed:\n{r.stderr}")


def peer_kernel():
    """The path of Debian's kernel and its version, downloaded once."""
    done = os.path.join(PEER, "version")
    if os.path.exists(done):
        with open(done) as f:
            version = f.read().strip()
        return os.path.join(PEER, "vmlinuz"), version
    os.makedirs(PEER, exist_ok=True)
    print("bench: fetching Debian's kernel with apt-get download into build/peer/",
          flush=True)
    for old in glob.glob(os.path.join(PEER, "*.deb")):
        os.remove(old)
    apt_download("linux-image-amd64", PEER)
    meta = glob.glob(os.path.join(PEER, "linux-image-amd64_*.deb"))[0]
    depends = subprocess.run(["dpkg-deb", "-f", meta, "Depends"], check=True,
                             capture_output=True, text=True).stdout
    m = re.search(r"(linux-image-[0-9][^ ,(]*)", depends)
    if not m:
        sys.exit(f"bench: no kernel image among {depends.strip()!r}")
    apt_download(m.group(1), PEER)
    deb = glob.glob(os.path.join(PEER, m.group(1) + "_*.deb"))[0]
    root = os.path.join(PEER, "root")
    shutil.rmtree(root, ignore_errors=True)
    subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
    image = glob.glob(os.path.join(root, "boot", "vmlinuz-*"))[0]
    shutil.copy(image, os.path.join(PEER, "vmlinuz"))
    version = os.path.basename(image)[len("vmlinuz-"):]
    shutil.rmtree(root)
    for old in glob.glob(os.path.join(PEER, "*.deb")):
        os.remove(old)
    with open(done, "w") as f:
        f.write(version + "\n")
    return os.path.join(PEER, "vmlinuz"), version


def peer_modules(version):
    """The directory of Linux's virtio modules (MODULES), taken once from
    Debian's linux-image-VERSION package; None if that fails."""
    paths = [os.path.join(MODULE_DIR, m + ".ko") for m in MODULES]
    if all(os.path.exists(p) for p in paths):
        return MODULE_DIR
    print(f"bench: fetching linux-image-{version} for its virtio modules "
          "into build/peer/modules/", flush=True)
    work = os.path.join(PEER, "deb")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    try:
        apt_download(f"linux-image-{version}", work)
        deb = glob.glob(os.path.join(work, "*.deb"))[0]
        subprocess.run(["dpkg-deb", "-x", deb, work], check=True)
        os.makedirs(MODULE_DIR, exist_ok=True)
        for m in MODULES:
            found = glob.glob(os.path.join(work, "lib", "modules", version,
                                           "kernel", "drivers", "*", m + ".ko"))
            shutil.copy(found[0], os.path.join(MODULE_DIR, m + ".ko"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return MODULE_DIR


def newc(entries):
    """A cpio "newc" archive of (name, mode, rdev major, minor, data)."""
    out = bytearray()
    for ino, (name, mode, major, minor, data) in enumerate(
            entries + [("TRAILER!!!", 0, 0, 0, b"")], 1):
        nb = name.encode() + b"\0"
        fields = (ino, mode, 0, 0, 1, 0, len(data), 0, 0, major, minor,
                  len(nb), 0)
        out += b"070701" + "".join(f"{v:08X}" for v in fields).encode() + nb
        out += b"\0" * (-len(out) % 4) + data
        out += b"\0" * (-len(out) % 4)
    return bytes(out)


def bench_cpio():
    """The archive both kernels boot: /init is vmbench."""
    with open(VMBENCH, "rb") as f:
        prog = f.read()
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "bench.cpio")
    with open(path, "wb") as f:
        f.write(newc([("dev", 0o040755, 0, 0, b""),
                      ("dev/console", 0o020600, 5, 1, b""),
                      ("proc", 0o040755, 0, 0, b""),
                      ("tmp", 0o041777, 0, 0, b""),
                      ("init", 0o100755, 0, 0, prog)]))
    return path


def symlink(name, target):
    return (name, 0o120777, 0, 0, target.encode())


def all_cpio(modules=None):
    """The archive make bench boots: /init is bench_user, which runs
    /tests/vmbench and then the user-level workloads with busybox; with
    MODULES (a directory), Linux's virtio modules in /lib/modules."""
    def data(path):
        with open(path, "rb") as f:
            return f.read()
    entries = [("bin", 0o040755, 0, 0, b""),
               ("bin/busybox", 0o100755, 0, 0, data(BUSYBOX))]
    entries += [symlink("bin/" + a, "busybox") for a in APPLETS]
    entries += [("dev", 0o040755, 0, 0, b""),
                ("dev/console", 0o020600, 5, 1, b""),
                ("dev/null", 0o020666, 1, 3, b""),
                ("init", 0o100755, 0, 0, data(BENCH_USER)),
                ("proc", 0o040755, 0, 0, b""),
                ("sys", 0o040755, 0, 0, b""),
                ("tests", 0o040755, 0, 0, b""),
                ("tests/bench_malloc", 0o100755, 0, 0, data(BENCH_MALLOC)),
                ("tests/vmbench", 0o100755, 0, 0, data(VMBENCH)),
                ("tmp", 0o041777, 0, 0, b"")]
    if modules:
        entries += [("lib", 0o040755, 0, 0, b""),
                    ("lib/modules", 0o040755, 0, 0, b"")]
        entries += [(f"lib/modules/{m}.ko", 0o100644, 0, 0,
                     data(os.path.join(modules, m + ".ko"))) for m in MODULES]
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "bench-all.cpio")
    with open(path, "wb") as f:
        f.write(newc(entries))
    return path


def qemu_base(accel, icount, mem=MEM, smp=1):
    cmd = [QEMU, "-accel", accel, "-cpu", "max", "-smp", str(smp), "-m", mem,
           "-no-reboot", "-display", "none", "-serial", "stdio",
           "-monitor", "none",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    if icount:
        cmd += ["-icount", "shift=0"]
    return cmd


def boot(cmd, marker=b"vmbench: start", until=None, timeout=RUN_TIMEOUT):
    """Run QEMU; returns (seconds to marker or None, seconds to exit,
    exit code, output).  With until, QEMU is stopped when that appears
    (the second figure is then the time to it, the exit code None)."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seen, marked = b"", None
    while True:
        ready, _, _ = select.select([proc.stdout], [], [], timeout)
        if not ready:
            proc.kill()
            proc.wait()
            sys.exit(f"no output for {timeout} s from {' '.join(cmd)}\n"
                     + seen.decode(errors="replace")[-2000:])
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            break
        seen += chunk
        if marked is None and marker in seen:
            marked = time.monotonic() - start
        if until and until in seen:
            at = time.monotonic() - start
            proc.kill()
            proc.wait()
            return marked, at, None, seen.decode(errors="replace")
    code = proc.wait()
    return marked, time.monotonic() - start, code, seen.decode(errors="replace")


def parse(text):
    values = {}
    for line in text.replace("\r", "").splitlines():
        m = LINE.match(line)
        if m:
            values[m.group(1)] = int(m.group(2))
    return values


def kvm_works():
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return False
    try:
        r = subprocess.run(qemu_base("kvm", False, "128M") +
                           ["-kernel", KERNEL, "-append", "poweroff"],
                           capture_output=True, timeout=30)
    except subprocess.TimeoutExpired:
        return False
    return r.returncode == 1


def frame_setup_us(accel, mem="8G"):
    """vmos's frame-allocator setup time at -m 8G, from its boot log."""
    _, _, _, out = boot(qemu_base(accel, False, mem) +
                        ["-kernel", KERNEL, "-append", "poweroff"],
                        marker=b"powering off")
    m = FRAME_SETUP.search(out)
    return int(m.group(1)) if m else None


def machine():
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    qemu = subprocess.run([QEMU, "--version"], capture_output=True,
                          text=True).stdout.splitlines()[0]
    return (f"{cpu}, {os.cpu_count()} cores; host {platform.system()} "
            f"{platform.release()}; {qemu}")


def fmt(v):
    return "-" if v is None else f"{v:,}"


def ratio(a, b):
    return None if a is None or not b else a / b


def cell_ratio(r):
    return "-" if r is None else f"{r:.2f}x"


def table(results, boots, setup, accel, icount, runs, version, kernels):
    """The markdown tables of one pass (icount or wall); results maps a
    kernel key to {benchmark: [one value per boot]}."""
    keys = [k for k, _ in kernels]
    label = dict(kernels)
    peers = [k for k in keys if k != "ours"]
    unit_note = " (icount: 1 ns = 1 instruction)" if icount else ""
    lines = [f"vmos against Linux {version}, QEMU accelerator {accel.upper()}"
             f"{unit_note}, -m {MEM} -smp 1, {runs} boots of each kernel, "
             "alternating"]
    med = {k: {n: statistics.median(v) for n, v in results[k].items() if v}
           for k in keys}
    icount_units = {"ns": "instructions", "ns/page": "instructions/page",
                    "us": "k instructions"}
    head = "| benchmark | unit | vmos |" + "".join(
        f" {label[k]} | vmos/{label[k]} |" for k in peers) + " target | met |"

    def section(title, benches):
        lines.extend(["", title, "", head,
                      "|---|---|---:|" + "---:|---:|" * len(peers) + "---:|---|"])
        for name, unit, what, target in benches:
            a = med["ours"].get(name)
            cells, oks = [], []
            for k in peers:
                b = med[k].get(name)
                r = ratio(a, b)
                oks.append(None if r is None else r <= target)
                cells.append(f" {fmt(b and round(b))} | {cell_ratio(r)} |")
            met = ("-" if not oks or None in oks else "yes" if all(oks)
                   else "NO" if not oks[0] else "vs Linux only")
            lines.append(f"| {what} | {icount_units[unit] if icount else unit} | "
                         f"{fmt(a and round(a))} |" + "".join(cells) +
                         f" <= {target:.2f}x | {met} |")

    for k in peers:
        vuln = boots[k]["vuln"]
        if vuln:
            states = {}
            for name, state in vuln:
                states.setdefault(state.split(";")[0].split(":")[0], []).append(name)
            lines.append("")
            lines.append(f"{label[k]}'s CPU checks (/sys/devices/system/cpu/"
                         "vulnerabilities): " + "; ".join(
                             f"{st}: {', '.join(sorted(n))}"
                             for st, n in sorted(states.items())))
    section("Microbenchmarks (tests/user/vmbench.c)", BENCHES)
    section("What a user runs (tests/user/bench_user.c)", USER_BENCHES)
    if icount:
        floor_table(lines, med, keys, label)
    if any(n in med["ours"] for n, *_ in SWAP_BENCHES):
        peers = [k for k in peers if "swap-write" in med[k]]
        lines.extend(["", f"Swap (one boot of vmos and of Linux at -m {SWAP_MEM}, a "
                      f"{SWAP_DISK} virtio disk made swap space by mkswap and "
                      "swapon; higher is better, so the ratio is vmos/peer "
                      "and above 1.00x vmos is faster)", "",
                      "| benchmark | unit | vmos |" + "".join(
                          f" {label[k]} | vmos/{label[k]} |" for k in peers),
                      "|---|---|---:|" + "---:|---:|" * len(peers)])
        for name, unit, what in SWAP_BENCHES:
            a = med["ours"].get(name)
            lines.append(f"| {what} | {unit} | {fmt(a and round(a))} |" + "".join(
                f" {fmt(med[k].get(name) and round(med[k][name]))} | "
                f"{cell_ratio(ratio(a, med[k].get(name)))} |" for k in peers))
    lines += ["", "| vmos alone | value | target | met |", "|---|---:|---:|---|"]

    def alone(what, value, target, ok):
        lines.append(f"| {what} | {value} | {target} | "
                     f"{'-' if ok is None else 'yes' if ok else 'NO'} |")
    f16, f16k = med["ours"].get("fault-16"), med["ours"].get("fault-16384")
    s = ratio(f16k, f16)
    alone("fault at 16,384 regions / at 16", "-" if s is None else f"{s:.2f}x",
          f"<= {SCALING_TARGET}x", None if s is None else s <= SCALING_TARGET)
    for kernel in keys:
        b = boots[kernel]
        if not b["init"] or icount:  # wall time under icount means nothing
            continue
        to_init = statistics.median(b["init"])
        to_off = statistics.median(b["off"])
        ours = kernel == "ours"
        lines.append(f"| {label[kernel]}: QEMU start to init's first line | "
                     f"{to_init * 1000:,.0f} ms | "
                     f"{'< 300 ms' if ours else ''} | "
                     f"{('yes' if to_init < BOOT_TARGET_S else 'NO') if ours else ''} |")
        lines.append(f"| {label[kernel]}: QEMU start to QEMU exit (after the "
                     f"benchmarks) | {to_off:,.1f} s | | |")
    if setup is not None:
        alone("frame allocator setup at -m 8G", f"{setup / 1000:.1f} ms",
              "< 50 ms", setup < FRAME_SETUP_TARGET_US)
    return "\n".join(lines)


def floor_table(lines, med, keys, label):
    """Each fault path as a multiple of what no kernel can avoid: a trap
    in and out (the cheapest getpid round trip measured, loop included),
    clearing or copying 4 KiB as QEMU counts it, and one entry written."""
    traps = [med[k]["getpid"] for k in keys if "getpid" in med[k]]
    if not traps:
        return
    trap = min(traps)
    lines.extend(["", "Fault paths against their floors (trap in and out = "
                  f"{round(trap):,} instructions, the cheapest getpid round "
                  "trip above; + the 4 KiB clear or copy, the cheapest measured, call "
                  "included; + 1 entry written)",
                  "", "| fault path | 4 KiB part | floor | vmos | vmos/floor |"
                  + "".join(f" {label[k]}/floor |" for k in keys if k != "ours")
                  + " target | met |",
                  "|---|---:|---:|---:|---:|" + "---:|" * (len(keys) - 1)
                  + "---:|---|"])
    for name, part, what, target in FLOORS:
        # the same user-mode code on every kernel: the cheapest count is
        # the one with the fewest interrupts in it
        reps = [med[k][part] for k in keys if part in med[k]]
        rep = min(reps) if reps else None
        a = med["ours"].get(name)
        if rep is None or a is None:
            continue
        floor = trap + rep + 1
        r = a / floor
        peers = "".join(f" {cell_ratio(ratio(med[k].get(name), floor))} |"
                        for k in keys if k != "ours")
        lines.append(f"| {what} | {round(rep):,} | {round(floor):,} | "
                     f"{round(a):,} | {r:.2f}x |{peers} <= {target:.1f}x | "
                     f"{'yes' if r <= target else 'NO'} |")


def write_doc(text, tag):
    with open(DOC) as f:
        doc = f.read()
    begin, end = f"<!-- {tag}:begin -->", f"<!-- {tag}:end -->"
    if begin not in doc or end not in doc:
        sys.exit(f"bench: {DOC} has no {begin} ... {end} markers")
    head, rest = doc.split(begin, 1)
    tail = rest.split(end, 1)[1]
    with open(DOC, "w") as f:
        f.write(head + begin + "\n" + text + "\n" + end + tail)


def swap_boots(kernels, cmdlines, accel, results):
    """One boot of vmos and of Linux at SWAP_MEM with a fresh SWAP_DISK
    disk (in /dev/shm when there is one: the disk then costs no host I/O),
    one pass each (a Linux pass takes about 25 s under TCG; mitigations=off
    changes nothing the disk waits for)."""
    names = [n for n, *_ in SWAP_BENCHES]
    where = "/dev/shm" if os.access("/dev/shm", os.W_OK) else OUT
    img = os.path.join(where, f"vmos-bench-{os.getpid()}-swap.img")
    for kernel, _ in kernels:
        if kernel == "nomit":
            continue
        with open(img, "wb") as f:
            f.truncate(int(SWAP_DISK[:-1]) << 20)
        try:
            _, total, code, out = boot(
                qemu_base(accel, False, SWAP_MEM) + cmdlines[kernel] +
                ["-drive", f"file={img},format=raw,if=virtio"],
                marker=b"benchuser: start")
        finally:
            os.remove(img)
        values = parse(out)
        missing = [n for n in names if n not in values]
        if missing:
            sys.exit(f"bench: {kernel} swap boot failed (exit {code}, "
                     f"missing {missing}):\n{out[-3000:]}")
        for n in names:
            results[kernel].setdefault(n, []).append(values[n])
        print(f"bench: {kernel} swap boot: {total:.1f} s", flush=True)


def run_pass(kernels, cmdlines, accel, icount, runs):
    """Boot every kernel RUNS times, alternating; each boot runs both
    programs.  Returns (results, boots)."""
    names = [n for n, *_ in BENCHES + USER_BENCHES] + [n for n, _ in FLOOR_PARTS]
    results = {k: {n: [] for n in names} for k, _ in kernels}
    boots = {k: {"init": [], "off": [], "vuln": []} for k, _ in kernels}
    what = "instructions (-icount shift=0)" if icount else "wall time"
    print(f"bench: {what}, accelerator {accel}, {runs} boot(s) of each kernel",
          flush=True)
    for run in range(runs):
        for kernel, _ in kernels:
            marked, total, code, out = boot(qemu_base(accel, icount) +
                                            cmdlines[kernel],
                                            marker=b"benchuser: start")
            values = parse(out)
            missing = [n for n in names if n not in values]
            if missing or "benchuser: done" not in out:
                sys.exit(f"bench: {kernel} run {run + 1} failed (exit {code}, "
                         f"missing {missing}):\n{out[-3000:]}")
            for n in names:
                results[kernel][n].append(values[n])
            boots[kernel]["init"].append(marked)
            boots[kernel]["off"].append(total)
            boots[kernel]["vuln"] = VULN.findall(out.replace("\r", ""))
            print(f"bench: {kernel} run {run + 1}: {total:.1f} s", flush=True)
    return results, boots


def smp_pass(peer, accel):
    """Faults on two CPUs at once against one (bench_smp, -smp 2, wall
    time measured by the guest's own clock): a markdown table."""
    with open(BENCH_SMP, "rb") as f:
        prog = f.read()
    path = os.path.join(OUT, "bench-smp.cpio")
    with open(path, "wb") as f:
        f.write(newc([("dev", 0o040755, 0, 0, b""),
                      ("dev/console", 0o020600, 5, 1, b""),
                      ("proc", 0o040755, 0, 0, b""),
                      ("init", 0o100755, 0, 0, prog)]))
    runs = [("vmos", ["-kernel", KERNEL, "-initrd", path, "-append", "quiet init=/init"])]
    if peer:
        runs.append(("Linux", ["-kernel", peer, "-initrd", path, "-append",
                               "console=ttyS0 quiet panic=-1"]))
    found = {}
    for label, args in runs:
        _, _, _, out = boot(qemu_base(accel, False, "512M", smp=2) + args,
                            marker=b"bench_smp:")
        for m in SMP_LINE.finditer(out.replace("\r", "")):
            found[(label, m.group(1))] = (float(m.group(2)), float(m.group(3)),
                                          float(m.group(4)))
    lines = ["| benchmark (32 MiB a worker, median of 5) | vmos: one, two at once | "
             "vmos ratio | Linux: one, two at once | Linux ratio | target | met |",
             "|---|---:|---:|---:|---:|---:|---|"]
    def cells(r):
        """'one, two at once' and the ratio of one kernel's run, or dashes."""
        return f"{r[0]:.1f} ms, {r[1]:.1f} ms | {r[2]:.2f}x" if r else "- | -"
    for key, name, target in SMP_CASES:
        ours, linux = found.get(("vmos", key)), found.get(("Linux", key))
        met = "yes" if ours and ours[2] <= target else "NO"
        lines.append(f"| {name} | {cells(ours)} | {cells(linux)} | <= {target}x | {met} |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1,
                    help="boots of each kernel for wall time (default 1: "
                    "each boot already takes medians)")
    ap.add_argument("--accel", choices=("auto", "tcg", "kvm"), default="tcg",
                    help="for wall time; instructions are counted under TCG")
    ap.add_argument("--icount", action="store_true",
                    help="count instructions only")
    ap.add_argument("--wall", action="store_true", help="wall time only")
    ap.add_argument("--no-swap", action="store_true",
                    help="skip the swap boots (wall time only)")
    ap.add_argument("--write-doc", action="store_true")
    ap.add_argument("--only-ours", action="store_true",
                    help="skip Linux (no download)")
    ap.add_argument("--smp", action="store_true",
                    help="only the faults on two CPUs against one (wall time)")
    ap.add_argument("--cpio", action="store_true",
                    help="only write build/bench/bench.cpio and bench-all.cpio "
                    "(make test boots them)")
    args = ap.parse_args()
    if args.cpio:
        bench_cpio()
        all_cpio()
        return

    for need in (KERNEL, VMBENCH, BENCH_USER, BENCH_MALLOC, BENCH_SMP, BUSYBOX):
        if not os.path.exists(need):
            sys.exit(f"bench: {need} is missing: run make first")
    if args.icount and args.wall:
        sys.exit("bench: --icount and --wall exclude each other")
    peer, version = (None, "-") if args.only_ours else peer_kernel()
    if args.smp:
        print(smp_pass(peer, "tcg"))
        return
    swap = not args.icount and not args.no_swap
    cpio = all_cpio(peer_modules(version) if peer and swap else None)
    kernels = [("ours", "vmos")] + ([(k, l) for k, l, _ in PEERS] if peer else [])

    def cmdlines(init_args):
        """QEMU's arguments for each kernel; INIT_ARGS go to bench_user."""
        out = {"ours": ["-kernel", KERNEL, "-initrd", cpio, "-append",
                        "quiet init=/init" + init_args]}
        for key, _, extra in PEERS if peer else []:
            out[key] = ["-kernel", peer, "-initrd", cpio, "-append",
                        "console=ttyS0 quiet panic=-1" + extra + " --" + init_args]
        return out
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    cmdline = "make bench" + (f" BENCH_ARGS='{' '.join(sys.argv[1:])}'"
                              if sys.argv[1:] else "")
    report = [f"Measured {stamp} with `{cmdline}` on: {machine()}."]
    passes = []
    if not args.wall:
        # deterministic: one boot of each kernel, one run of each
        # workload (-1) say all there is
        results, boots = run_pass(kernels, cmdlines(" -1"), "tcg", True, 1)
        passes.append(("bench-icount", "### Instructions (`-icount shift=0`): "
                       "the headline", table(results, boots, None, "tcg", True,
                                             1, version, kernels)))
    if not args.icount:
        accel = args.accel
        if accel == "auto":
            accel = "kvm" if kvm_works() else "tcg"
        load = os.getloadavg()[0]
        results, boots = run_pass(kernels, cmdlines(""), accel, False, args.runs)
        if swap:
            swap_boots(kernels, cmdlines(f" -1 -s {SWAP_TOUCH}"), accel, results)
        load_after = os.getloadavg()[0]
        setup = frame_setup_us(accel)
        note = (f"host load average (1 min) {load:.2f} before and "
                f"{load_after:.2f} after, on {os.cpu_count()} cores"
                + (": a loaded machine, the times are slower than alone"
                   if max(load, load_after) > 1.0 else ""))
        passes.append(("bench", f"### Wall time ({accel.upper()}; {note})",
                       table(results, boots, setup, accel, False, args.runs,
                             version, kernels)))
        passes.append(("bench-smp", "### Several CPUs (`-smp 2`, TCG, wall time "
                       "by the guest's clock: two workers at once against one)",
                       smp_pass(peer, accel)))
    for _, title, text in passes:
        report += ["", title, "", text]
    text = "\n".join(report)
    print("\n" + text)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "results.md"), "w") as f:
        f.write(text + "\n")
    if args.write_doc:
        for tag, title, body in passes:
            write_doc(report[0] + "\n\n" + title + "\n\n" + body, tag)


if __name__ == "__main__":
    main()
