#!/usr/bin/env python3
"""Count the instructions of page faults, function by function.

usage: tools/faultprof.py [--faults N] [--kernel PATH] [--trace]

Boots build/kernel.elf in QEMU, paused, with `vmbench -p` as init (from
build/bench/bench.cpio): it makes 16 demand-zero faults at 0x100000000000
and then, in a forked child, 16 copy-on-write faults on the same pages.
gdb breaks on the page-fault entry (trap_stub_14); for each of the first N
faults of each kind (default 4) whose address (CR2) is in that range, it
single-steps every instruction until the CPU is back in user mode, and
names the function of each one.  It prints, per kind, the instructions per
fault and where they went (also in build/bench/faultprof.txt).  The first
fault of a kind may also allocate a page table; the median is the typical
one.  A `rep stos` counts once per repetition, as
QEMU's icount does.  Deterministic: run it before and after a change
(docs/bench.md shows it so).  --trace also writes each kind's median
fault instruction by instruction, with its function and source line
(build/bench/faultprof-KIND.trace), and a count by source line at the
end of it.

The same file is the gdb script (gdb's Python imports `gdb`; a host
Python does not).
"""
import os
import subprocess
import sys

PROFILE_BASE = 0x100000000000
PROFILE_PAGES = 16
USER_END = 0x0000800000000000

try:
    import gdb
    if not hasattr(gdb, "execute"):  # a host package of the same name
        gdb = None
except ImportError:
    gdb = None


def symbol_of(pc, cache={}):
    if pc not in cache:
        block = None
        try:
            block = gdb.block_for_pc(pc)
        except RuntimeError:
            pass
        while block is not None and block.function is None:
            block = block.superblock
        if block is not None:
            cache[pc] = block.function.name
        else:
            out = gdb.execute(f"info symbol {pc:#x}", to_string=True)
            cache[pc] = out.split(" in section")[0].split(" + ")[0].strip()
    return cache[pc]


def where(pc):
    sal = gdb.find_pc_line(pc)
    if sal.symtab is None:
        return "?"
    return f"{sal.symtab.filename}:{sal.line}"


def write_trace(path, pcs):
    by_line = {}
    with open(path, "w") as f:
        for pc in pcs:
            line = f"{symbol_of(pc)} {where(pc)}"
            by_line[line] = by_line.get(line, 0) + 1
            f.write(f"{pc:#x} {line}\n")
        f.write("\nby source line:\n")
        for line, c in sorted(by_line.items(), key=lambda x: -x[1]):
            f.write(f"  {c:6d}  {line}\n")


def profile(per_kind, out_path, trace):
    seen = {}
    counts = {"demand-zero": [], "cow": []}
    funcs = {"demand-zero": [], "cow": []}  # per fault: {function: count}
    traces = {"demand-zero": [], "cow": []}  # per fault: the pcs
    gdb.execute("set pagination off")
    gdb.execute("break trap_stub_14", to_string=True)
    while any(len(v) < per_kind for v in counts.values()):
        try:
            gdb.execute("continue", to_string=True)
        except gdb.error:
            break  # QEMU exited
        cr2 = int(gdb.parse_and_eval("$cr2")) & 0xFFFFFFFFFFFFFFFF
        if not PROFILE_BASE <= cr2 < PROFILE_BASE + PROFILE_PAGES * 4096:
            continue
        page = cr2 >> 12
        kind = "demand-zero" if page not in seen else "cow"
        seen[page] = True
        if len(counts[kind]) >= per_kind:
            continue
        n, by_func, pcs = 0, {}, []
        pc = int(gdb.parse_and_eval("$pc"))
        while pc >= USER_END:
            if trace:
                pcs.append(pc)
            name = symbol_of(pc)
            by_func[name] = by_func.get(name, 0) + 1
            n += 1
            gdb.execute("stepi", to_string=True)
            pc = int(gdb.parse_and_eval("$pc")) & 0xFFFFFFFFFFFFFFFF
        counts[kind].append(n)
        funcs[kind].append(by_func)
        traces[kind].append(pcs)
    lines = []
    for kind, ns in counts.items():
        if not ns:
            lines.append(f"{kind}: no fault seen")
            continue
        median = sorted(range(len(ns)), key=lambda i: ns[i])[len(ns) // 2]
        lines.append(f"{kind} fault: median {ns[median]} instructions (each of "
                     f"{len(ns)}: {', '.join(map(str, ns))}); the median one by function:")
        for name, c in sorted(funcs[kind][median].items(), key=lambda x: -x[1]):
            lines.append(f"  {c:6d}  {name}")
        if trace:
            write_trace(os.path.join(os.path.dirname(out_path),
                                     f"faultprof-{kind}.trace"), traces[kind][median])
    with open(out_path, "w") as f:
        f.write("\n".join(lines) + "\n")
    gdb.execute("delete")
    gdb.execute("kill")


def main():
    import argparse
    import socket
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--faults", type=int, default=4)
    ap.add_argument("--kernel", default=os.path.join(root, "build", "kernel.elf"))
    ap.add_argument("--trace", action="store_true",
                    help="also write build/bench/faultprof-KIND.trace")
    args = ap.parse_args()
    cpio = os.path.join(root, "build", "bench", "bench.cpio")
    out = os.path.join(root, "build", "bench", "faultprof.txt")
    if os.path.exists(out):
        os.remove(out)
    if not os.path.exists(cpio):
        sys.exit("faultprof: build/bench/bench.cpio is missing: make build/bench/bench.cpio")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    qemu = subprocess.Popen(
        ["qemu-system-x86_64", "-cpu", "max", "-m", "256M", "-no-reboot",
         "-display", "none", "-serial", "null", "-monitor", "none",
         "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
         "-kernel", args.kernel, "-initrd", cpio, "-append", "quiet init=/init -p",
         "-S", "-gdb", f"tcp:127.0.0.1:{port}"], stdin=subprocess.DEVNULL)
    try:
        r = subprocess.run(
            ["gdb", "-batch", "-nx", "-ex", f"target remote 127.0.0.1:{port}",
             "-ex", f"python FAULTS, OUT, TRACE = {args.faults}, {out!r}, {args.trace}",
             "-x", os.path.abspath(__file__), args.kernel], cwd=root,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
        if not os.path.exists(out):
            sys.exit("faultprof: gdb gave no profile:\n" + r.stdout[-3000:])
        with open(out) as f:
            print(f.read(), end="")
    finally:
        qemu.kill()
        qemu.wait()


if gdb is not None:
    profile(FAULTS, OUT, TRACE)
elif __name__ == "__main__":
    main()
