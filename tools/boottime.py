#!/usr/bin/env python3
"""Measure boot time under QEMU: wall time from starting QEMU to the
kernel's banner on the serial port, and to QEMU exiting after power-off.

usage: tools/boottime.py [RUNS] [--shell] [-- extra kernel options]

Boots build/kernel.elf directly (-kernel) with "poweroff" RUNS times (default
11) and prints the median and range of both times.  With --shell it boots
with build/initrd.cpio instead and measures QEMU start to the busybox
shell's prompt.  Wall time includes QEMU's own start-up, as a user sees it.
"""
import os
import statistics
import sys

import bench  # tools/bench.py: boot() runs QEMU and times its output

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BANNER = b"a teaching kernel"
PROMPT = b"/ # "


def boot_once(append, shell=False):
    """One boot: (seconds to the banner, seconds to power-off or to the
    prompt, QEMU's exit code: 1 for a power-off, None at the prompt)."""
    cmd = ["qemu-system-x86_64", "-cpu", "max", "-m", "128M", "-no-reboot",
           "-display", "none", "-serial", "stdio", "-monitor", "none",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
           "-kernel", os.path.join(ROOT, "build", "kernel.elf"),
           "-append", append]
    if shell:
        cmd += ["-initrd", os.path.join(ROOT, "build", "initrd.cpio")]
    banner, at, code, _ = bench.boot(cmd, marker=BANNER,
                                     until=PROMPT if shell else None, timeout=10)
    return banner, at, code


def main():
    args = sys.argv[1:]
    extra = []
    if "--" in args:
        extra = args[args.index("--") + 1:]
        args = args[:args.index("--")]
    shell = "--shell" in args
    args = [a for a in args if a != "--shell"]
    runs = int(args[0]) if args else 11
    append = " ".join(([] if shell else ["poweroff"]) + extra)
    banners, offs = [], []
    for _ in range(runs):
        banner, off, code = boot_once(append, shell)
        if code != (None if shell else 1):
            raise SystemExit(f"boottime: QEMU exit code {code}, expected 1")
        banners.append(banner)
        offs.append(off)

    def fmt(xs):
        return (f"median {statistics.median(xs) * 1000:.0f} ms "
                f"(min {min(xs) * 1000:.0f}, max {max(xs) * 1000:.0f})")
    print(f"direct -kernel boot under {runs} runs, append '{append}':")
    print(f"  QEMU start -> banner:    {fmt(banners)}")
    print(f"  QEMU start -> {'shell prompt' if shell else 'power-off'}: "
          f"{fmt(offs)}")


if __name__ == "__main__":
    main()
