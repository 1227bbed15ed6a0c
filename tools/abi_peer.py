#!/usr/bin/env python3
"""Boot a static test program as /init on the Linux peer (Debian's 6.1
kernel, fetched into build/peer/ by `make bench`) and print its output:
the quick way to check that a TAP test of ours passes on Linux too.

usage: tools/abi_peer.py [build/tests/user/abi_test] [ARGS...]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def main():
    prog = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        bench.BUILD, "tests", "user", "abi_test")
    kernel, version = bench.peer_kernel()
    with open(prog, "rb") as f:
        data = f.read()
    os.makedirs(bench.OUT, exist_ok=True)
    cpio = os.path.join(bench.OUT, "abi-peer.cpio")
    with open(cpio, "wb") as f:
        f.write(bench.newc([("dev", 0o040755, 0, 0, b""),
                            ("dev/console", 0o020600, 5, 1, b""),
                            ("dev/null", 0o020666, 1, 3, b""),
                            ("dev/zero", 0o020666, 1, 5, b""),
                            ("proc", 0o040755, 0, 0, b""),
                            ("tmp", 0o041777, 0, 0, b""),
                            ("init", 0o100755, 0, 0, data)]))
    cmd = bench.qemu_base("tcg", False, "256M") + [
        "-kernel", kernel, "-initrd", cpio, "-append",
        "console=ttyS0 quiet panic=-1 -- " + " ".join(sys.argv[2:])]
    _, secs, code, out = bench.boot(cmd, marker=b"ok 1", timeout=300)
    print(out)
    print(f"# linux {version}: {secs:.1f} s, QEMU exit {code}")


if __name__ == "__main__":
    main()
