"""Check docs/tour.md as a student follows it: every command, typed.

A scripted student session in tmux, as the tour tells a student to work:
one window runs `make debug` (QEMU with the serial console, the shell, in
that window), a second runs `make gdb`.  The script then types, in order,
every command of the tour into the window it belongs to, waits for that
window's prompt, and checks the outputs the tour shows.  One boot for the
whole tour.

The tour marks what to type:

  ```console             a shell session: every line "/ # CMD" is a
  / # layout             command typed at the shell's prompt (the other
  ...                    lines are sample output, not checked)
  ```
  <!-- expect: REGEX -->  optional, after a block: that block's output
                          must match (re.M)

  ```gdb                  a gdb exercise: "(gdb) CMD" is typed into gdb,
  ^C                      "^C" is Ctrl-C pressed in gdb (the guest stops),
  (gdb) hbreak do_wp_page "/ # CMD" is typed into the shell (while gdb
  (gdb) continue          waits for its breakpoint); other lines are
  / # cow                 sample output
  (gdb) pt addr
  ```
  <!-- expect: REGEX -->  optional: gdb's output in the block, or the
                          shell's (the demo's), must match

Each shell command must exit 0 (the script asks `echo $?` after it: the
one thing it types that the tour does not).  The only change to what a
student types: `make debug GDBPORT=N` with a free port, so that the test
never meets a student's session on the same machine.  TOUR_DEBUG=OPT=-Og
(one more argument for make debug) follows the tour on the -Og kernel.
run.py calls run().
"""
import glob
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time

SHELL_LINE = re.compile(r"^/\S* # (.*)$")
GDB_LINE = re.compile(r"^\(gdb\) (.*)$")
EXPECT = re.compile(r"^<!-- expect: (.*) -->$")
CTRL_C = "^C"
STATUS = "@@tour"
WAIT = 60.0           # seconds for any one prompt (swapdemo is the slowest)
ANSI = re.compile(r"\x1b(\[[0-9;?<=>]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78M])")
GDB_ERRORS = re.compile(r"^(No symbol|Undefined command|Python Exception|"
                        r"Remote connection closed|Error occurred|"
                        r"Error in sourced command file|Cannot access memory|"
                        r"value has been optimized out|\S+: no kernel is running|"
                        r"A syntax error).*$", re.M)


def parse(path):
    """The tour's blocks: dicts with kind ("console"/"gdb"), steps
    [(window, text)] with window "shell", "gdb" or "intr" (Ctrl-C),
    expect (regexes), line (where the block starts)."""
    blocks, cur = [], None
    with open(path) as f:
        lines = f.read().splitlines()
    for n, line in enumerate(lines, 1):
        if cur is not None:
            if line.startswith("```"):
                blocks.append(cur)
                cur = None
                continue
            m = SHELL_LINE.match(line)
            if m:
                cur["steps"].append(("shell", m.group(1)))
            elif cur["kind"] == "gdb" and GDB_LINE.match(line):
                cur["steps"].append(("gdb", GDB_LINE.match(line).group(1)))
            elif cur["kind"] == "gdb" and line.strip() == CTRL_C:
                cur["steps"].append(("intr", None))
            continue
        if line.startswith("```console") or line.startswith("```gdb"):
            cur = dict(kind="console" if "console" in line else "gdb",
                       steps=[], expect=[], line=n)
            continue
        m = EXPECT.match(line.strip())
        if m and blocks:
            blocks[-1]["expect"].append(m.group(1))
    return blocks


class Window:
    """One tmux window: keys go in, its output is logged to a file."""

    def __init__(self, tmux, name, command, log):
        self.tmux, self.name, self.log = tmux, name, log
        self.mark = 0      # where the output of the last command starts
        self.busy = False  # typed a command whose prompt has not come yet
        self.size, self.clean = -1, ""
        tmux("new-window", "-d", "-n", name, command)
        tmux("pipe-pane", "-t", name, "-o", f"cat >> {log}")

    def text(self):
        """The output so far, without escape sequences and carriage
        returns (cleaned again only when the log has grown)."""
        try:
            size = os.path.getsize(self.log)
            if size != self.size:
                with open(self.log, "rb") as f:
                    raw = f.read().decode("utf-8", "replace")
                self.size = size
                self.clean = ANSI.sub("", raw).replace("\r", "")
        except FileNotFoundError:
            pass
        return self.clean

    def type(self, line, enter=True):
        self.mark = len(self.text())
        self.tmux("send-keys", "-t", self.name, "-l", line)
        if enter:
            self.tmux("send-keys", "-t", self.name, "Enter")
        self.busy = True

    def wait(self, pattern, since=None, timeout=WAIT):
        """The match of pattern in the output since the last command (or
        `since`), waiting for it; None on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            m = pattern.search(self.text(), self.mark if since is None else since)
            if m or time.monotonic() > deadline:
                return m
            time.sleep(0.005)


SHELL_PROMPT = re.compile(r"\n/\S* # ")
GDB_PROMPT = re.compile(r"\n\(gdb\) ")


class Session:
    """The student: a shell window and a gdb window."""

    def __init__(self, root, logs, port):
        self.sock = f"tour-{os.getpid()}"
        self.port = port
        self.tmp = tempfile.mkdtemp(prefix="tour-", dir=logs)
        env = {k: v for k, v in os.environ.items()
               if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "TMUX")}
        conf = os.path.join(self.tmp, "tmux.conf")
        with open(conf, "w") as f:
            f.write("set -g history-limit 100000\n")
        self.env = env
        self.tmux("-f", conf, "new-session", "-d", "-s", "tour", "-x", "250",
                  "-y", "50", "-c", root, "sleep 600")
        self.logs = logs
        extra = shlex.quote(os.environ["TOUR_DEBUG"]) if os.environ.get("TOUR_DEBUG") else ""
        self.shell = Window(self.tmux, "debug",
                            f"cd {root} && make debug GDBPORT={port} {extra}; "
                            f"echo {STATUS} make debug exit $?; sleep 600",
                            os.path.join(logs, "tour-debug.log"))
        self.gdb = None
        self.statuses = []  # (command, status or None)
        self.last_shell = None

    def tmux(self, *args):
        return subprocess.run(["tmux", "-L", self.sock] + list(args),
                              env=getattr(self, "env", None), check=False,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True).stdout

    def start_gdb(self, root):
        self.gdb = Window(self.tmux, "gdb", f"cd {root} && make gdb; sleep 600",
                          os.path.join(self.logs, "tour-gdb.log"))
        self.gdb.busy = True

    def settle_shell(self):
        """Wait for the shell's prompt after the last command, then record
        its exit status."""
        if not self.shell.busy:
            return True
        ok = self.shell.wait(SHELL_PROMPT) is not None
        self.shell.busy = False
        if self.last_shell is not None:
            cmd, self.last_shell = self.last_shell, None
            self.shell.type(f'echo "{STATUS} status $?"')
            m = self.shell.wait(re.compile(rf"^{STATUS} status (\d+)$", re.M))
            ok = ok and self.shell.wait(SHELL_PROMPT) is not None
            self.shell.busy = False
            self.statuses.append((cmd, int(m.group(1)) if m else None))
        return ok

    def settle_gdb(self):
        if self.gdb.busy:
            ok = self.gdb.wait(GDB_PROMPT) is not None
            self.gdb.busy = False
            return ok
        return True

    def step(self, window, text):
        """Type one step; False if the window's prompt never came."""
        if window == "shell":
            ok = self.settle_shell()
            self.shell.type(text)
            self.last_shell = text
            return ok
        if window == "intr":
            self.gdb.tmux("send-keys", "-t", "gdb", "C-c")
            self.gdb.busy = True
            return self.settle_gdb()
        ok = self.settle_gdb()
        self.gdb.type(text)
        if text.split()[0] in ("continue", "c"):
            self.gdb.busy = True  # the prompt comes at the next stop
        return ok

    def close(self):
        """End the session; a QEMU that outlived it (the session failed
        half-way) is ended too, found by its gdb port."""
        self.tmux("kill-server")
        shutil.rmtree(self.tmp, ignore_errors=True)
        time.sleep(0.2)
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmd = f.read().split(b"\0")
            except OSError:
                continue
            if (cmd[0].endswith(b"qemu-system-x86_64") and
                    f"tcp:127.0.0.1:{self.port}".encode() in cmd):
                os.kill(int(pid), signal.SIGKILL)


def check_gdb_text(res, where, out, expect, log):
    bad = GDB_ERRORS.search(out)
    res.add(not bad, f"{where}: every command works",
            f"{bad.group(0) if bad else ''}; see {log}")
    for e in expect:
        res.add(bool(re.search(e, out, re.M)), f"{where}: output matches /{e}/",
                f"see {log}")


def run_blocks(res, s, blocks, logs):
    """Type every block; add a verdict per expectation."""
    slog, glog = "build/test-logs/tour-debug.log", "build/test-logs/tour-gdb.log"
    for b in blocks:
        kind = b["kind"]
        where = f"tour/{kind} (docs/tour.md:{b['line']})"
        win = s.shell if kind == "console" else s.gdb
        start = len(win.text())
        shell_start = len(s.shell.text())
        nstat = len(s.statuses)
        t0 = time.monotonic()
        ok = True
        for window, text in b["steps"]:
            ok = s.step(window, text) and ok
        ok = s.settle_shell() and ok  # a gdb block ends running the guest
        out = win.text()[start:]
        if kind == "gdb":  # and the demo's own output counts too
            out += "\n" + s.shell.text()[shell_start:]
        print(f"# {where}: {time.monotonic() - t0:.2f} s", flush=True)
        res.add(ok, f"{where}: every prompt came back",
                f"see {slog if kind == 'console' else glog}")
        for cmd, status in s.statuses[nstat:]:
            res.add(status == 0, f"{where}: `{cmd}` exits 0",
                    f"status {status}; see {slog}")
        if kind == "console":
            for e in b["expect"]:
                res.add(bool(re.search(e, out, re.M)),
                        f"{where}: output matches /{e}/", f"see {slog}")
        else:
            check_gdb_text(res, where, out, b["expect"], glog)
        if not ok:
            return False
    return True


def welcome_matches(res, root, boot_text):
    """The README's copy of init's welcome is what the boot printed."""
    with open(os.path.join(root, "README.md")) as f:
        readme = f.read()
    m = re.search(r"^Welcome to vmos.*?^with `poweroff`\.$", readme, re.M | re.S)
    b = re.search(r"^Welcome to vmos.*?^with `poweroff`\.$", boot_text, re.M | re.S)
    res.add(bool(m and b) and m.group(0) == b.group(0),
            "tour/session: the README quotes init's welcome text as printed",
            "see build/test-logs/tour-debug.log")


def refuses_taken_port(res, root):
    """make debug's script says a taken port is taken, before QEMU."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen(1)
        port = held.getsockname()[1]
        p = subprocess.run(["tools/run.sh", "--gdb", str(port), "build/kernel.elf"],
                           cwd=root, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=30)
    res.add(p.returncode == 1 and f"port {port} is in use" in p.stdout,
            "tour/session: make debug refuses a gdb port in use, in words",
            f"exit {p.returncode}: {p.stdout.strip()}")


def swap_images(root):
    return set(glob.glob(os.path.join(root, "build", "swap-*.img")))


def run(res, h, only):
    """h: the harness module (run.py), for ROOT, LOGS and free_port."""
    path = os.path.join(h.ROOT, "docs", "tour.md")
    if only and only not in "tour/console tour/gdb tour/session":
        return
    if not os.path.exists(path):
        res.add(False, "tour: docs/tour.md exists")
        return
    with open(path) as f:
        doc = f.read()
    blocks = parse(path)
    console = [b for b in blocks if b["kind"] == "console"]
    gdbs = [b for b in blocks if b["kind"] == "gdb"]
    res.add(len(console) > 0 and len(gdbs) > 0 and all(b["steps"] for b in blocks)
            and "make debug" in doc and "make gdb" in doc
            and all(b["steps"][-1] == ("gdb", "continue") for b in gdbs),
            f"tour: docs/tour.md has {len(console)} shell blocks and "
            f"{len(gdbs)} gdb blocks, each with commands (a gdb block ends "
            "with `continue`), and says make debug and make gdb")
    if shutil.which("tmux") is None:
        res.add(False, "tour/session: tmux is installed (tools/install-deps.sh)")
        return
    for name in ("tour-debug.log", "tour-gdb.log"):
        if os.path.exists(os.path.join(h.LOGS, name)):
            os.remove(os.path.join(h.LOGS, name))
    refuses_taken_port(res, h.ROOT)
    start = time.monotonic()
    before = swap_images(h.ROOT)
    ours = set()
    s = Session(h.ROOT, h.LOGS, h.free_port())
    try:
        booted = s.shell.wait(SHELL_PROMPT, since=0, timeout=120) is not None
        print(f"# tour/session: booted in {time.monotonic() - start:.2f} s", flush=True)
        res.add(booted, "tour/session: make debug boots to the shell's prompt",
                "see build/test-logs/tour-debug.log")
        if booted:
            s.shell.busy = False
            welcome_matches(res, h.ROOT, s.shell.text())
            ours = swap_images(h.ROOT) - before
            s.start_gdb(h.ROOT)
            attached = s.gdb.wait(GDB_PROMPT, since=0) is not None
            hello = s.gdb.text()
            res.add(attached and "reakpoint" not in hello and
                    "the guest is stopped" in hello,
                    "tour/session: make gdb connects, sets no breakpoint, says "
                    "what to do", "see build/test-logs/tour-gdb.log")
            if run_blocks(res, s, blocks, h.LOGS):
                s.shell.type("poweroff")
            # (not at a line start: a terminal's answer to the shell's
            # cursor query can arrive after QEMU gave the terminal back,
            # and the host's tty echoes it as ^[[50;5R)
            m = s.shell.wait(re.compile(rf"{STATUS} make debug exit (\d+)$", re.M),
                             timeout=60)
            text = s.shell.text()
            res.add(bool(m) and m.group(1) == "0" and "PANIC" not in text,
                    f"tour/session: the whole tour in one boot, then poweroff "
                    f"ends make debug cleanly ({time.monotonic() - start:.1f} s)",
                    f"make debug exit {m.group(1) if m else 'missing'}; see "
                    "build/test-logs/tour-debug.log")
            s.gdb.type("quit")
            time.sleep(0.2)
    finally:
        s.close()
    session = os.path.join(h.ROOT, "build", "debug-session")
    res.add(len(ours) == 1 and not (ours & swap_images(h.ROOT)) and
            not os.path.exists(session),
            "tour/session: make debug had a swap disk of its own and removed "
            "it, and its build/debug-session/, at exit",
            f"disks {sorted(ours)}; session dir left: {os.path.exists(session)}")
    p = subprocess.run(["make", "-s", "gdb"], cwd=h.ROOT, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, env=s.env)
    res.add(p.returncode != 0 and "no make debug runs" in p.stdout,
            "tour/session: make gdb without make debug says so",
            p.stdout.strip())
    p = subprocess.run(["make", "-n", "debug", "OPT=-Og", "GDBPORT=1"], cwd=h.ROOT,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, env=s.env)
    res.add("tools/run.sh --gdb 1 build/opt-Og/kernel.elf" in p.stdout,
            "tour/session: make debug OPT=-Og boots build/opt-Og/kernel.elf "
            "(TOUR_DEBUG=OPT=-Og runs the tour on it)", p.stdout[-300:])
