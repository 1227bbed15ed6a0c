#!/usr/bin/env python3
"""Write the kernel's symbol table for backtraces (see kernel/ksyms.h).

usage: ksyms.py KERNEL.ELF OUT.BIN RESERVED_SIZE

Lists the functions of KERNEL.ELF with `nm`, sorts them by address and
writes the table, padded with zeros to exactly RESERVED_SIZE bytes so that
`objcopy --update-section .ksyms=OUT.BIN` moves nothing in the image.
"""
import struct
import subprocess
import sys

MAGIC = 0x4D59534B  # "KSYM"
HEADER = struct.Struct("<IIII")
ENTRY = struct.Struct("<QII")


def functions(elf):
    out = subprocess.run(["nm", "-n", "-S", "--defined-only", elf],
                         check=True, capture_output=True, text=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4:
            addr, size, kind, name = parts
        elif len(parts) == 3:
            (addr, kind, name), size = parts, "0"
        else:
            continue
        if kind not in "Tt" or name.startswith("."):
            continue
        addr = int(addr, 16)
        if addr < 0xFFFFFFFF80000000:  # 32-bit boot code: runs before paging
            continue
        # Keep one name per address, preferring a sized (C) symbol.
        if addr not in syms or int(size, 16):
            syms[addr] = (name, int(size, 16))
    return sorted((a, n, s) for a, (n, s) in syms.items())


def main():
    elf, out, reserved = sys.argv[1], sys.argv[2], int(sys.argv[3])
    syms = functions(elf)
    names = bytearray()
    entries = bytearray()
    for addr, name, size in syms:
        entries += ENTRY.pack(addr, len(names), size)
        names += name.encode() + b"\0"
    strtab = HEADER.size + len(entries)
    blob = HEADER.pack(MAGIC, len(syms), strtab, 0) + entries + names
    if len(blob) > reserved:
        sys.exit(f"ksyms.py: {len(blob)} bytes of symbols do not fit the "
                 f"{reserved} reserved (raise KSYMS_RESERVE in the Makefile)")
    with open(out, "wb") as f:
        f.write(blob + bytes(reserved - len(blob)))


if __name__ == "__main__":
    main()
