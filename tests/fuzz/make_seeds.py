#!/usr/bin/env python3
"""Write the committed seed corpora of the fuzz targets (tests/fuzz/corpus).

Each seed is a small hand-made input that reaches deep into its parser:
valid ELF programs (static, dynamic with PT_INTERP, two segments sharing a
page), newc and crc cpio archives, typical kernel command lines; plus a
few near misses.  Run it from anywhere after changing it; the output is
deterministic, so the files only change when this script does.  (Real
programs and archives from build/fixtures join the working corpus in
build/fuzz/ at run time: compiled binaries are never committed.)

usage: tests/fuzz/make_seeds.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")

# ---------------------------------------------------------------- ELF
EHDR_SIZE, PHDR_SIZE = 64, 56
ET_EXEC, ET_DYN, EM_X86_64 = 2, 3, 62
PT_LOAD, PT_INTERP, PT_PHDR, PT_GNU_STACK = 1, 3, 6, 0x6474e551
PF_X, PF_W, PF_R = 1, 2, 4
# mov eax, 60 (exit); xor edi, edi; syscall
EXIT_CODE = bytes.fromhex("b83c000000" "31ff" "0f05")


def ehdr(e_type, entry, phnum, elf_class=2):
    ident = b"\x7fELF" + bytes([elf_class, 1, 1, 0]) + bytes(8)
    return ident + struct.pack("<HHIQQQIHHHHHH", e_type, EM_X86_64, 1, entry,
                               EHDR_SIZE, 0, 0, EHDR_SIZE, PHDR_SIZE, phnum,
                               0, 0, 0)


def phdr(p_type, flags, offset, vaddr, filesz, memsz, align=0x1000):
    return struct.pack("<IIQQQQQQ", p_type, flags, offset, vaddr, vaddr,
                       filesz, memsz, align)


def elf(e_type, entry, phdrs, body):
    """The header, the program headers, then body (at their end)."""
    return ehdr(e_type, entry, len(phdrs)) + b"".join(phdrs) + body


def elf_seeds():
    seeds = {}
    # A static program: one R+X segment holding the whole file.
    start = EHDR_SIZE + 2 * PHDR_SIZE
    size = start + len(EXIT_CODE)
    seeds["exec-min"] = elf(ET_EXEC, 0x400000 + start, [
        phdr(PT_LOAD, PF_R | PF_X, 0, 0x400000, size, size),
        phdr(PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16),
    ], EXIT_CODE)

    # A PIE with a dynamic linker: PT_PHDR, PT_INTERP, headers, code.
    interp = b"/lib/ld-musl-x86_64.so.1\0"
    nph = 5
    table = nph * PHDR_SIZE
    interp_at = EHDR_SIZE + table
    code_at = interp_at + len(interp)
    size = code_at + len(EXIT_CODE)
    seeds["dyn-interp"] = elf(ET_DYN, 0x1000 + code_at, [
        phdr(PT_PHDR, PF_R, EHDR_SIZE, EHDR_SIZE, table, table, 8),
        phdr(PT_INTERP, PF_R, interp_at, interp_at, len(interp), len(interp),
             1),
        phdr(PT_LOAD, PF_R, 0, 0, code_at, code_at),
        phdr(PT_LOAD, PF_R | PF_X, 0, 0x1000, size, size),
        phdr(PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16),
    ], interp + EXIT_CODE)

    # Read-only data and data (with .bss) sharing page 0x400000, from the
    # same file page, then the code.
    start = EHDR_SIZE + 3 * PHDR_SIZE
    size = start + len(EXIT_CODE)
    seeds["shared-page"] = elf(ET_EXEC, 0x402000 + start, [
        phdr(PT_LOAD, PF_R, 0, 0x400000, 0x80, 0x80),
        phdr(PT_LOAD, PF_R | PF_W, 0x80, 0x400080, 0x20, 0x1000),
        phdr(PT_LOAD, PF_R | PF_X, 0, 0x402000, size, size),
    ], EXIT_CODE)

    # Near misses: a 32-bit header, a writable and executable segment.
    seeds["elf32"] = ehdr(ET_EXEC, 0x8048000, 0, elf_class=1)
    bad = bytearray(seeds["exec-min"])
    struct.pack_into("<I", bad, EHDR_SIZE + 4, PF_R | PF_W | PF_X)
    seeds["wx"] = bytes(bad)
    return seeds


# ---------------------------------------------------------------- cpio
S_IFDIR, S_IFREG, S_IFLNK = 0o040000, 0o100000, 0o120000


def pad4(b):
    return b + bytes(-len(b) % 4)


def cpio_entry(name, mode, data=b"", crc=False, ino=1):
    name = name.encode() + b"\0"
    check = sum(data) & 0xffffffff if crc and mode & 0o170000 == S_IFREG \
        else 0
    fields = [ino, mode, 0, 0, 1, 0x65000000, len(data), 8, 1, 0, 0,
              len(name), check]
    header = (b"070702" if crc else b"070701") + \
        b"".join(b"%08X" % f for f in fields)
    return pad4(header + name) + pad4(data)


def cpio_archive(crc=False):
    entries = [(".", S_IFDIR | 0o755, b""),
               ("bin", S_IFDIR | 0o755, b""),
               ("bin/sh", S_IFREG | 0o755, b"#!/bin/echo\n"),
               ("link", S_IFLNK | 0o777, b"bin/sh"),
               ("empty", S_IFREG | 0o644, b""),
               ("TRAILER!!!", 0, b"")]
    return b"".join(cpio_entry(n, m, d, crc, i + 1)
                    for i, (n, m, d) in enumerate(entries))


def cpio_seeds():
    return {
        "newc": cpio_archive(),
        "crc": cpio_archive(crc=True),
        "odc-magic": b"070707" + b"0" * 70,
        "trailer-only": cpio_entry("TRAILER!!!", 0)[:121],
    }


# ---------------------------------------------------------------- cmdline
def cmdline_seeds():
    return {
        "basic": b"loglevel=4 ktest=frames,nx quiet init=/bin/prog -v file",
        "quoted": b'msg="hello world" poweroff init=/sbin/init -v "two words"',
        "numbers": b"mem=18446744073709551615 n=123abc loglevel= = =x init=",
        "many": b" ".join(b"o%d=%d" % (i, i) for i in range(40)),
    }


# ---------------------------------------------------------------- path
def path_seeds():
    """A size byte (255: 4096), the base directory, a NUL, the path."""
    return {
        "relative": b"\xff/home/user\0../lib/./x//y/",
        "absolute": b"\xff/tmp\0/usr/bin/../lib",
        "dotdot-above-root": b"\x40/\0../../../a/..",
        "tight": b"\x08/abc\0defgh/ij",
    }


# ---------------------------------------------------------------- ldisc
def ldisc_seeds():
    """Typing, ^H, ^U, ^W, ^V, ^D, ^C, a read; raw mode with VMIN 3."""
    return {
        "canonical": b"echo hi\x08\x08ello\n\xc8\x20ls -l\x17\x15pwd\n\xc8\x10"
                     b"\x16\x03x\x04\xc8\x10\x03",
        "raw": b"\xc9\x00\x00\x03\x00abcdef\xc8\x02\xc8\x10\xca",
        "literal": b"\xcb\xff\xcb\xc8\n\xc8\x08",
    }


def main():
    for kind, seeds in (("elf", elf_seeds()), ("cpio", cpio_seeds()),
                        ("cmdline", cmdline_seeds()), ("path", path_seeds()),
                        ("ldisc", ldisc_seeds())):
        folder = os.path.join(CORPUS, kind)
        os.makedirs(folder, exist_ok=True)
        for name, data in seeds.items():
            with open(os.path.join(folder, name), "wb") as f:
                f.write(data)
        print(f"{folder}: {len(seeds)} seeds")


if __name__ == "__main__":
    main()
