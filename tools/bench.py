#!/usr/bin/env python3
"""make bench: vmos against Linux, side by side in the same QEMU.

usage: tools/bench.py [--runs N] [--accel auto|tcg|kvm] [--icount]
                      [--write-doc] [--only-ours] [--cpio]

The benchmark is one static musl program, tests/user/vmbench.c.  It goes
into one small cpio archive as /init (with /dev/console), and the same
archive boots two kernels in the same QEMU, alternately, N times each
(default 3):

  vmos   build/kernel.elf
  Linux  Debian's kernel package, fetched with `apt-get download` into
         build/peer/ once (the linux-image-amd64 metapackage names it)

Each run gives one median per benchmark (vmbench repeats each 7 times); the
table shows the median of the runs for each kernel and the ratio
vmos/Linux, next to the issue's targets.  It also times, from the host,
QEMU start to init's first line ("vmbench: start") and to QEMU's exit after
power-off, and boots vmos once with -m 8G to read how long it took to set
up the frame allocator.

--icount runs QEMU with -icount shift=0: the guest's clocks then advance
one nanosecond per instruction, so every "ns" in the table is a count of
guest instructions (user and kernel) - deterministic, and the way to see
what an optimisation changed (docs/bench.md).

The table goes to the terminal and to build/bench/results.md with a
description of the machine; --write-doc also puts it into docs/bench.md
between its "bench:begin" and "bench:end" markers ("bench-icount:..."
with --icount).
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
BOOT_TARGET_S = 0.3
FRAME_SETUP_TARGET_US = 50000
SCALING_TARGET = 1.25
LINE = re.compile(r"^(\S+)\s+(-?\d+) (\S+)\s*$")
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


def qemu_base(accel, icount, mem=MEM):
    cmd = [QEMU, "-accel", accel, "-cpu", "max", "-smp", "1", "-m", mem,
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


def table(ours, linux, boots, setup, accel, icount, runs, version):
    unit_note = " (icount: 1 ns = 1 instruction)" if icount else ""
    lines = [f"vmos against Linux {version}, QEMU accelerator {accel.upper()}"
             f"{unit_note}, -m {MEM} -smp 1, {runs} boots of each, alternating",
             "", "| benchmark | unit | vmos | Linux | vmos/Linux | target | met |",
             "|---|---|---:|---:|---:|---:|---|"]
    met_all = []

    def row(name, unit, a, b, target, r=None):
        r = ratio(a, b) if r is None else r
        ok = None if r is None else r <= target
        met_all.append(ok)
        lines.append(f"| {name} | {unit} | {fmt(a)} | {fmt(b)} | "
                     f"{'-' if r is None else f'{r:.2f}x'} | <= {target:.2f}x | "
                     f"{'-' if ok is None else 'yes' if ok else 'NO'} |")

    med = {k: {n: statistics.median(v) for n, v in d.items() if v}
           for k, d in (("ours", ours), ("linux", linux))}
    icount_units = {"ns": "instructions", "ns/page": "instructions/page",
                    "us": "k instructions"}
    for name, unit, what, target in BENCHES:
        a = med["ours"].get(name)
        b = med["linux"].get(name)
        row(what, icount_units[unit] if icount else unit, a and round(a),
            b and round(b), target)
    lines += ["", "| vmos alone | value | target | met |", "|---|---:|---:|---|"]

    def alone(what, value, target, ok):
        lines.append(f"| {what} | {value} | {target} | "
                     f"{'-' if ok is None else 'yes' if ok else 'NO'} |")
    f16, f16k = med["ours"].get("fault-16"), med["ours"].get("fault-16384")
    s = ratio(f16k, f16)
    alone("fault at 16,384 regions / at 16", "-" if s is None else f"{s:.2f}x",
          f"<= {SCALING_TARGET}x", None if s is None else s <= SCALING_TARGET)
    for kernel, label in (("ours", "vmos"), ("linux", "Linux")):
        b = boots[kernel]
        if not b["init"] or icount:  # wall time under icount means nothing
            continue
        to_init = statistics.median(b["init"])
        to_off = statistics.median(b["off"])
        lines.append(f"| {label}: QEMU start to init's first line | "
                     f"{to_init * 1000:,.0f} ms | "
                     f"{'< 300 ms' if kernel == 'ours' else ''} | "
                     f"{('yes' if to_init < BOOT_TARGET_S else 'NO') if kernel == 'ours' else ''} |")
        lines.append(f"| {label}: QEMU start to QEMU exit (after the benchmark) | "
                     f"{to_off:,.1f} s | | |")
    if setup is not None:
        alone("frame allocator setup at -m 8G", f"{setup / 1000:.1f} ms",
              "< 50 ms", setup < FRAME_SETUP_TARGET_US)
    return "\n".join(lines)


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


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--accel", choices=("auto", "tcg", "kvm"), default="auto")
    ap.add_argument("--icount", action="store_true")
    ap.add_argument("--write-doc", action="store_true")
    ap.add_argument("--only-ours", action="store_true",
                    help="skip Linux (no download)")
    ap.add_argument("--cpio", action="store_true",
                    help="only write build/bench/bench.cpio (make test boots it)")
    args = ap.parse_args()
    if args.cpio:
        bench_cpio()
        return

    for need in (KERNEL, VMBENCH):
        if not os.path.exists(need):
            sys.exit(f"bench: {need} is missing: run make first")
    accel = args.accel
    if accel == "auto":
        accel = "kvm" if kvm_works() else "tcg"
    if args.icount and accel != "tcg":
        sys.exit("bench: --icount needs TCG")
    peer, version = (None, "-") if args.only_ours else peer_kernel()
    cpio = bench_cpio()
    kernels = [("ours", ["-kernel", KERNEL, "-initrd", cpio, "-append",
                         "quiet init=/init"])]
    if peer:
        kernels.append(("linux", ["-kernel", peer, "-initrd", cpio, "-append",
                                  "console=ttyS0 quiet panic=-1"]))
    results = {k: {n: [] for n, *_ in BENCHES} for k in ("ours", "linux")}
    boots = {k: {"init": [], "off": []} for k in ("ours", "linux")}
    print(f"bench: accelerator {accel}, {args.runs} runs of each kernel", flush=True)
    for run in range(args.runs):
        for kernel, extra in kernels:
            marked, total, code, out = boot(qemu_base(accel, args.icount) + extra)
            values = parse(out)
            missing = [n for n, *_ in BENCHES if n not in values]
            if missing or "vmbench: done" not in out:
                sys.exit(f"bench: {kernel} run {run + 1} failed (exit {code}, "
                         f"missing {missing}):\n{out[-3000:]}")
            for n, *_ in BENCHES:
                results[kernel][n].append(values[n])
            boots[kernel]["init"].append(marked)
            boots[kernel]["off"].append(total)
            print(f"bench: {kernel} run {run + 1}: {total:.1f} s", flush=True)
    setup = None if args.icount else frame_setup_us(accel)
    text = table(results["ours"], results["linux"], boots, setup, accel,
                 args.icount, args.runs, version)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    cmdline = "make bench" + (f" BENCH_ARGS='{' '.join(sys.argv[1:])}'"
                              if sys.argv[1:] else "")
    report = (f"Measured {stamp} with `{cmdline}` on: {machine()}.\n\n" + text)
    print("\n" + report)
    os.makedirs(OUT, exist_ok=True)
    name = "results-icount.md" if args.icount else "results.md"
    with open(os.path.join(OUT, name), "w") as f:
        f.write(report + "\n")
    if args.write_doc:
        write_doc(report, "bench-icount" if args.icount else "bench")


if __name__ == "__main__":
    main()
