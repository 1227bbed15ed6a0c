"""Check docs/tour.md: every command a student is told to type must work.

The tour marks what it asks the student to do:

  ```console             a shell session; every line "vmos:DIR# CMD" is a
  vmos:/# layout         command typed at the prompt (the other lines are
  ...                    sample output, not checked)
  ```
  <!-- expect: REGEX -->  optional, after a console block: the output of
                          that block's commands must match (re.M)

  <!-- gdb: APPEND -->    before a gdb block: the kernel command line the
  ```gdb                  machine boots with while gdb runs the block
  (gdb) hbreak do_wp_page lines "(gdb) CMD" are typed into gdb; the
  (gdb) continue          others are sample output
  ```
  <!-- expect: REGEX -->  optional: gdb's output must match

All console blocks run in one boot, in order, as a shell script given to
init (/bin/sh) in an extra initrd module; each command must exit 0.  Each
gdb block gets its own boot with QEMU's gdb stub.  Every boot has the
memory of `make run` (128 MiB) and, like it, a 256 MiB disk as /dev/vda
(a fresh one each boot) for the swap stop.  run.py calls run().
"""
import os
import re
import shlex
import subprocess

PROMPT = re.compile(r"^vmos:\S*# (.*)$")
GDB_PROMPT = re.compile(r"^\(gdb\) (.*)$")
EXPECT = re.compile(r"^<!-- expect: (.*) -->$")
GDB_APPEND = re.compile(r"^<!-- gdb: (.*) -->$")
MARK = "@@tour"
DISKS = ["256M"]  # make run's build/swap.img


def parse(path):
    """The tour's blocks: dicts with kind ("console"/"gdb"), commands,
    expect (regexes), append (gdb), line (where it starts)."""
    blocks, cur, gdb_append = [], None, None
    with open(path) as f:
        lines = f.read().splitlines()
    for n, line in enumerate(lines, 1):
        if cur is not None:
            if line.startswith("```"):
                blocks.append(cur)
                cur = None
                continue
            m = (PROMPT if cur["kind"] == "console" else GDB_PROMPT).match(line)
            if m:
                cur["commands"].append(m.group(1))
            continue
        if line.startswith("```console") or line.startswith("```gdb"):
            kind = "console" if "console" in line else "gdb"
            cur = dict(kind=kind, commands=[], expect=[], line=n,
                       append=gdb_append if kind == "gdb" else None)
            gdb_append = None
            continue
        m = EXPECT.match(line.strip())
        if m and blocks:
            blocks[-1]["expect"].append(m.group(1))
        m = GDB_APPEND.match(line.strip())
        if m:
            gdb_append = m.group(1)
    return blocks


def shell_script(blocks):
    """One script running every console command, marking each block's
    output and each command's exit status."""
    out = ["cd /"]
    for i, b in enumerate(blocks):
        out.append(f"echo '{MARK} block {i}'")
        for c in b["commands"]:
            out.append(c)
            out.append(f"echo \"{MARK} status $? {i} \"{shlex.quote(c)}")
    out.append(f"echo '{MARK} end'")
    return "\n".join(out) + "\n"


def split_output(text):
    """{block index: its output} from the serial log."""
    parts, cur = {}, None
    for line in text.splitlines():
        m = re.match(rf"^{MARK} block (\d+)$", line)
        if m:
            cur = int(m.group(1))
            parts[cur] = []
        elif line.startswith(f"{MARK} end"):
            cur = None
        elif cur is not None:
            parts[cur].append(line)
    return {k: "\n".join(v) for k, v in parts.items()}


def check_console(res, blocks, text, log):
    """The verdicts of the console run: statuses and expectations."""
    outputs = split_output(text)
    for i, b in enumerate(blocks):
        where = f"tour/console (docs/tour.md:{b['line']})"
        out = outputs.get(i)
        if out is None:
            res.add(False, f"{where}: block ran", f"not reached; see {log}")
            continue
        for c in b["commands"]:
            pat = rf"^{MARK} status (\d+) {i} {re.escape(c)}$"
            m = re.search(pat, out, re.M)
            res.add(bool(m) and m.group(1) == "0", f"{where}: `{c}` exits 0",
                    f"status {m.group(1) if m else 'missing'}; see {log}")
        for e in b["expect"]:
            res.add(bool(re.search(e, out, re.M)), f"{where}: output matches /{e}/",
                    f"see {log}")


def check_gdb(res, block, out, log):
    where = f"tour/gdb (docs/tour.md:{block['line']})"
    bad = re.search(r"^(No symbol|Undefined command|Python Exception|"
                    r"Remote connection closed|"
                    r"Error occurred|Error in sourced command file|"
                    r"Cannot access memory|value has been optimized out).*$",
                    out, re.M)
    res.add(not bad, f"{where}: every command works",
            f"{bad.group(0) if bad else ''}; see {log}")
    for e in block["expect"]:
        res.add(bool(re.search(e, out, re.M)), f"{where}: output matches /{e}/",
                f"see {log}")


def gdb_script(block):
    return "\n".join(["set pagination off", "set confirm off"] +
                     block["commands"] + ["kill", "quit"]) + "\n"


def run(res, h, only):
    """h: the harness module (run.py) for its QEMU helpers."""
    path = os.path.join(h.ROOT, "docs", "tour.md")
    if only and only not in "tour/console tour/gdb":
        return
    if not os.path.exists(path):
        res.add(False, "tour: docs/tour.md exists")
        return
    blocks = parse(path)
    console = [b for b in blocks if b["kind"] == "console"]
    gdbs = [b for b in blocks if b["kind"] == "gdb"]
    res.add(len(console) > 0 and all(b["commands"] for b in blocks),
            f"tour: docs/tour.md has {len(console)} shell blocks and "
            f"{len(gdbs)} gdb blocks, each with commands")
    script = shell_script(console)
    module = h.newc_archive("tour.cpio", {"tour.sh": (0o100755, script.encode())})
    test = dict(name="tour-console", append="init=/bin/sh /tour.sh",
                initrd=[h.INITRD, module], disks=DISKS, timeout=240)
    code, text, _ = h.run_qemu(test)
    log = "build/test-logs/tour-console.log"
    res.add(code == h.EXIT_OK and "PANIC" not in text,
            "tour/console: the tour's shell session runs to a clean power-off",
            f"QEMU exit code {code}; see {log}")
    check_console(res, console, text, log)
    for n, b in enumerate(gdbs):
        name = f"tour-gdb-{n}"
        script = os.path.join(h.LOGS, name + ".gdb")
        with open(script, "w") as f:
            f.write(gdb_script(b))
        for attempt in range(2):
            out, _, _ = h.gdb_session(
                dict(name=name, append=b["append"] or "", initrd=[h.INITRD],
                     disks=DISKS),
                script, setup=[os.path.join(h.ROOT, "tools", "gdb", "vmos.py")])
            # Rarely (about one run in 40, under load) QEMU's gdb stub lets
            # the program run past a hardware breakpoint to power-off;
            # gdb then reports the closed connection.  Boot once more.
            if "Remote connection closed" not in out:
                break
            print(f"# {name}: the breakpoint was not hit; trying again", flush=True)
        check_gdb(res, b, out, f"build/test-logs/{name}.log")
