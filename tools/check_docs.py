#!/usr/bin/env python3
"""tools/check_docs.py - the docs cannot lie: every name they point at exists.

Reads README.md and docs/*.md (and the gdb scripts under tests/gdb and
tools/gdb) and checks, printing one line per problem:

  1. every `name()` in backquotes is a function defined in the sources
     (C, assembly, Python, a gdb command), a system call of
     kernel/syscall_list.h, or an outside name listed in
     tools/doc_names.txt (libc, Linux's own functions, ...); a function of
     the kernel (arch/, boot/, kernel/, mm/) must also have a caller:
     its name appears in the sources outside its own definition;
  2. every gdb breakpoint (`break X`, `hbreak X`, `tbreak X`, `b X`) names
     a function symbol of build/kernel.elf, or FILE:LINE of a file that
     exists;
  3. every path in backquotes under one of the project's folders, or a
     top-level file, exists (paths under build/ are made by the build);
  4. every `make TARGET` names a target of the Makefile;
  5. the README's count of system calls with a handler ("N of its M calls
     have a handler") is the kernel's: the strong sys_NAME symbols of
     build/kernel.elf against the entries of kernel/syscall_list.h;
  6. the README's list of textbook demos is user/demos/*.c.

Exit status 0 when nothing is wrong.  `make test` runs it (docs/links).
"""
import glob
from collections import Counter
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KERNEL = os.path.join(ROOT, "build", "kernel.elf")
FOLDERS = ("arch", "boot", "kernel", "mm", "user", "tests", "tools", "docs",
           "iso", "include", "fs", "drivers", "net", "ipc", "lib", ".ci")
TOP_FILES = ("Makefile", "linker.ld", "README.md")
# tests/run.py's test groups: `qemu/NAME` names a test, not a file
TEST_GROUPS = ("unit/", "qemu/", "check/", "iso/", "gdb/", "fuzz/", "tour/")
KERNEL_DIRS = ("arch", "boot", "kernel", "mm", "include", "fs", "drivers", "net", "ipc", "lib")


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def doc_files():
    return [os.path.join(ROOT, "README.md")] + sorted(
        glob.glob(os.path.join(ROOT, "docs", "*.md")))


def source_files():
    """Every tracked source file the docs may point into."""
    out = subprocess.run(["git", "-C", ROOT, "ls-files"], stdout=subprocess.PIPE,
                         text=True, check=True).stdout.split()
    return [f for f in out if re.search(r"\.(c|h|asm|S|py|gdb|sh|ld)$", f)]


_stripped = {}


def strip_c_comments(text):
    """text without its /* */ and // comments (their newlines kept)."""
    if text not in _stripped:
        out = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"),
                     text, flags=re.S)
        _stripped[text] = re.sub(r"//[^\n]*", "", out)
    return _stripped[text]


NOT_NAMES = ("if", "for", "while", "switch", "return", "sizeof",
             "__attribute__", "typeof", "defined")


# A definition: in C, a name followed by "(" on a line that starts at
# column 0 (kernel style indents every line of a function body, so such a
# line is a definition or a prototype), a macro with arguments, or
# SYSCALL_DEFINEn(name); an assembly label; a Python def; a gdb define.
def definitions(files):
    defined, kernel_defined = set(), {}
    col0 = re.compile(r"^[A-Za-z_][^\n]*$", re.M)
    call = re.compile(r"\b([A-Za-z_]\w*)\s*\(")
    macro = re.compile(r"^\s*#\s*define\s+([A-Za-z_]\w*)\(", re.M)
    label = re.compile(r"^([A-Za-z_]\w*):", re.M)
    pydef = re.compile(r"^\s*def\s+([A-Za-z_]\w*)\s*\(", re.M)
    gdbdef = re.compile(r"^\s*define\s+([A-Za-z_][\w-]*)", re.M)
    gdbcls = re.compile(r"super\(\)\.__init__\(\s*\"([\w-]+)\"", re.M)
    for f, text in files.items():
        names = set()
        if f.endswith((".c", ".h")):
            text = strip_c_comments(text)
            for line in col0.findall(text):
                names |= {n for n in call.findall(line) if n not in NOT_NAMES}
            names |= set(macro.findall(text))
            names |= {"sys_" + n for n in
                      re.findall(r"SYSCALL_DEFINE\d\((\w+)", text)}
        elif f.endswith((".asm", ".S")):
            names |= set(label.findall(text))
        elif f.endswith(".py"):
            names |= set(pydef.findall(text)) | set(gdbcls.findall(text))
        elif f.endswith(".gdb"):
            names |= set(gdbdef.findall(text))
        defined |= names
        if f.split("/")[0] in KERNEL_DIRS:
            for n in names:
                kernel_defined.setdefault(n, []).append(f)
    return defined, kernel_defined


def kernel_uses(files):
    """name -> how often the kernel's C and assembly (with the in-kernel
    tests of tests/ktest/) use it: every occurrence outside comments that
    is not a definition or prototype (a column-0 "name(") and not an
    assembly label, global or extern."""
    uses = Counter()
    col0_call = re.compile(r"^[A-Za-z_][^\n]*", re.M)
    call = re.compile(r"\b([A-Za-z_]\w*)\s*\(")
    for f, text in files.items():
        if f.split("/")[0] not in KERNEL_DIRS and not f.startswith("tests/ktest/"):
            continue
        if f.endswith((".c", ".h")):
            text = strip_c_comments(text)
            uses.update(re.findall(r"\b[A-Za-z_]\w*", text))
            for line in col0_call.findall(text):
                uses.subtract(call.findall(line))
        elif f.endswith((".asm", ".S", ".ld")):
            text = re.sub(r";[^\n]*", "", text)
            text = re.sub(r"^\s*(global|extern)\b[^\n]*", "", text, flags=re.M)
            text = re.sub(r"^[A-Za-z_]\w*:", "", text, flags=re.M)
            uses.update(re.findall(r"\b[A-Za-z_]\w*", text))
    return uses


def built_or_exists(path):
    """path exists, or is a program the build makes from path.c (a test
    program tests/user/NAME, or its -pie and -dyn variants)."""
    full = os.path.join(ROOT, path)
    base = re.sub(r"-(pie|dyn)$", "", full)
    return os.path.exists(full) or os.path.exists(base + ".c")


def syscalls():
    text = read(os.path.join(ROOT, "kernel", "syscall_list.h"))
    return re.findall(r"^SYSCALL\(\d+,\s*(\w+)\)", text, re.M)


def kernel_symbols():
    out = subprocess.run(["nm", KERNEL], stdout=subprocess.PIPE, text=True,
                         check=True).stdout
    funcs, strong = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            kind, name = parts[1], parts[2]
            if kind in "Tt":
                funcs.add(name)
            if kind == "T":
                strong.add(name)
    return funcs, strong


def outside_names():
    path = os.path.join(ROOT, "tools", "doc_names.txt")
    names = set()
    for line in read(path).splitlines():
        line = line.split("#", 1)[0].split()
        names |= set(line)
    return names


def make_targets():
    text = read(os.path.join(ROOT, "Makefile"))
    targets = set()
    for m in re.finditer(r"^([\w./$()%-][\w ./$()%-]*?)\s*:(?!=)", text, re.M):
        targets |= set(m.group(1).split())
    for m in re.finditer(r"^\.PHONY\s*:(.*)$", text, re.M):
        targets |= set(m.group(1).split())
    return targets


def check(problems):
    files = {f: read(os.path.join(ROOT, f)) for f in source_files()}
    defined, kernel_defined = definitions(files)
    uses = kernel_uses(files)
    calls = syscalls()
    outside = outside_names()
    funcs, strong = kernel_symbols()
    targets = make_targets()
    docs = doc_files()
    gdb_scripts = sorted(glob.glob(os.path.join(ROOT, "tests", "gdb", "*.gdb")) +
                         glob.glob(os.path.join(ROOT, "tools", "gdb", "*.gdb")))

    for path in docs:
        rel = os.path.relpath(path, ROOT)
        text = read(path)
        in_code = False
        for lineno, line in enumerate(text.splitlines(), 1):
            where = f"{rel}:{lineno}"
            # 1. `name()`
            for name in re.findall(r"`([A-Za-z_]\w*)\(\)`", line):
                if name in outside or name in calls:
                    continue
                if name not in defined:
                    problems.append(f"{where}: `{name}()` is defined nowhere "
                                    "(not in the sources, not a system call, "
                                    "not in tools/doc_names.txt)")
                elif (name in kernel_defined and not uses.get(name)
                      and not (name.startswith("sys_") and name[4:] in calls)):
                    problems.append(f"{where}: `{name}()` has no caller "
                                    f"(defined in {kernel_defined[name][0]})")
            # 3. paths
            for token in re.findall(r"`([^`\s]+)`", line):
                token = token.rstrip(".,:;")
                head = token.split("/")[0]
                if not (("/" in token and head in FOLDERS) or token in TOP_FILES):
                    continue
                if re.search(r"[*<>{}$|\[\]]|\.\.\.|NAME|PID|\bN\b", token):
                    continue  # a pattern, not a path
                token = re.sub(r":\d+(-\d+)?$", "", token)  # file:line
                token = re.sub(r"\(\)$", "", token)
                if token in outside or token.split("/")[0] + "/" in TEST_GROUPS:
                    continue
                if not built_or_exists(token):
                    problems.append(f"{where}: `{token}` does not exist")
            # 4. make targets (in backquotes or in a code block)
            if line.lstrip().startswith("```"):
                in_code = not in_code
            pattern = (r"^\s*(?:\$ )?make\s+((?:[A-Z_]+=\S+\s+)*)([a-z][\w-]*)" if in_code
                       else r"`make\s+((?:[A-Z_]+=\S+\s+)*)([a-z][\w-]*)")
            for target in re.findall(pattern, line):
                name = target[1]
                if name not in targets:
                    problems.append(f"{where}: `make {name}` is not a Makefile target")
        # 2. breakpoints in the docs' code
        check_breaks(rel, text, funcs, problems)
    for path in gdb_scripts:
        check_breaks(os.path.relpath(path, ROOT), read(path), funcs, problems)

    # 5. the README's count of handlers
    readme = read(os.path.join(ROOT, "README.md"))
    have = sum(1 for n in set(calls) if "sys_" + n in strong)
    m = re.search(r"(\d+)\s+of its\s+(\d+)\s+calls\s+have\s+a\s+handler", readme)
    if not m:
        problems.append("README.md: no \"N of its M calls have a handler\" line")
    elif (int(m.group(1)), int(m.group(2))) != (have, len(calls)):
        problems.append(f"README.md: says {m.group(1)} of {m.group(2)} calls have "
                        f"a handler; the kernel has {have} of {len(calls)}")
    # 6. the README's demos
    demos = sorted(os.path.basename(f)[:-2] for f in
                   glob.glob(os.path.join(ROOT, "user", "demos", "*.c")))
    m = re.search(r"^\| `layout`,.*?\|", readme, re.M)
    if m:
        listed = re.findall(r"`([\w-]+)`", m.group(0))
        textbook = [d for d in demos if d != "swapdemo"]
        if sorted(listed) != textbook:
            problems.append(f"README.md: the demo table lists {sorted(listed)}; "
                            f"user/demos has {textbook}")
    return have, len(calls)


def check_breaks(rel, text, funcs, problems):
    for lineno, line in enumerate(text.splitlines(), 1):
        m = re.match(r"^\s*(?:\(gdb\)\s*)?(?:hbreak|tbreak|break|b)\s+(\S+)", line)
        if not m:
            continue
        target = m.group(1)
        if target.startswith("*"):
            continue  # an address
        if ":" in target:
            path = target.split(":")[0]
            if not any(os.path.exists(os.path.join(ROOT, d, path))
                       for d in ("",) + KERNEL_DIRS):
                problems.append(f"{rel}:{lineno}: break at {target}: no such file")
        elif target not in funcs:
            problems.append(f"{rel}:{lineno}: break {target}: not a function "
                            "of build/kernel.elf")


def main():
    problems = []
    have, total = check(problems)
    for p in problems:
        print("check_docs:", p)
    print(f"check_docs: {len(doc_files())} documents, {have} of {total} "
          f"system calls have a handler; {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
