#!/usr/bin/env python3
"""The one test harness: `make test` runs it after building everything.

It runs, in order:
  1. the host unit tests (build/unit/test_*, cmocka, TAP output);
  2. every QEMU test in QEMU_TESTS, two at a time, each with a timeout,
     its serial log kept in build/test-logs/NAME.log; then all of them
     again on the checked kernel (build/kernel-check.elf: UBSan, poisoned
     free memory), named check/NAME, logs in build/test-logs/check-NAME.log;
     meanwhile, in the background, each libFuzzer target for a few seconds
     (fuzz/NAME);
  3. the GRUB ISO boot (build/os.iso prints the banner);
  4. the gdb tests: gdb attaches to QEMU's stub, breaks in kmain, steps,
     reads kernel variables by name (gdb/boot); then runs the commands of
     tools/gdb/vmos.py on a running shell and cat (gdb/vm).

Every TAP point (a cmocka test, a ktest check) and every boot verdict is one
test. It prints a line per test and closes with exactly "N passed, N failed";
the exit status is non-zero when anything failed.

usage: tests/run.py [--only SUBSTRING] [--jobs N] [--list] [--kernel PATH]
                    [--no-check]
"""
import argparse
import concurrent.futures
import glob
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import threading
import time

import tour

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
LOGS = os.path.join(BUILD, "test-logs")
KERNEL = os.path.join(BUILD, "kernel.elf")
KERNEL_CHECK = os.path.join(BUILD, "kernel-check.elf")
INITRD = os.path.join(BUILD, "initrd.cpio")
ISO = os.path.join(BUILD, "os.iso")
QEMU = "qemu-system-x86_64"
DEBUG_EXIT = ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]

# QEMU's exit code under isa-debug-exit: 2 * status + 1.
EXIT_OK = 1        # status 0: every check passed
EXIT_FAIL = 3      # status 1: a check failed
EXIT_PANIC = 255   # status 127: kernel panic

BANNER = r"vmos \S+ \(x86_64\): a teaching kernel"
TAP_LINE = re.compile(r"^(?:\[\s*[\d.]+\] )?(ok|not ok) (\d+)(?: -)? ?(.*)$")

# cost=N: the test's rough seconds (default 1): the longest start first.
# name, kernel command line, expected QEMU exit code, and what the log must
# (expect), must not (forbid) or must exactly once (once) contain. tap=True: each TAP line is a test.
# disks=["256M", "64K:ro"]: virtio disks, vda first, each a fresh sparse
# file of that size made for this run (build/test-logs/LOG-vda.img ...);
# ":ro" attaches it read-only; ":ioerr" makes every read and write that
# touches sector 8 (the disk's second page) fail with an I/O error (QEMU's
# blkdebug driver).
# What the kernel prints at pr_warn and KERN_ERR (kernel/syscall.c,
# kernel/entry.c, kernel/main.c...): a warning is a failure in the
# adversarial programs.
ADV_FORBID = [r"not implemented \(called by", r"is out of range \(called by",
              r"out of memory", r"WARN", r"HUNG"]

QEMU_TESTS = [
    dict(name="direct-boot", append="poweroff", exit=EXIT_OK,
         expect=[BANNER, r"Physical memory map:", r"MemFree: +\d+ kB",
                 r"Running on a guarded kernel stack",
                 r"poweroff: boot complete"]),
    dict(name="cmdline-unknown-option", append="bogus=1 quiet2 poweroff",
         exit=EXIT_OK,
         expect=[r"unknown option 'bogus' ignored",
                 r"unknown option 'quiet2' ignored", r"poweroff: boot complete"]),
    dict(name="cmdline-init-args", append='poweroff init=/sbin/init -v "two words"',
         exit=EXIT_OK, expect=[r"init=/sbin/init with 2 argument\(s\)"]),
    dict(name="acpi-poweroff", append="poweroff", debug_exit=False, exit=0,
         expect=[r"poweroff: boot complete"]),
    dict(name="ktest-all", append="ktest=all", exit=EXIT_OK, tap=True),
    dict(name="initrd-modules-kept", append="ktest=frames", exit=EXIT_OK,
         tap=True, initrd=["mod-a.bin", "mod-b.bin"],
         expect=[r"module 0: \[mem 0x[0-9a-f]+-0x[0-9a-f]+\] \S*mod-a\.bin",
                 r"module 1: \[mem 0x[0-9a-f]+-0x[0-9a-f]+\] \S*mod-b\.bin",
                 r"the 2 boot module\(s\) are untouched"]),
    dict(name="ktest-all-qemu64", append="ktest=boot,nx,traps", cpu="qemu64",
         exit=EXIT_OK, tap=True, expect=[r"SMEP: this CPU does not have it"]),
    # The block-device layer (tests/ktest/blk.c), with a writable vda and
    # a read-only vdb; every refused request is also logged.
    dict(name="ktest-blk", append="ktest=blk", exit=EXIT_OK, tap=True,
         disks=["1M", "64K:ro"],
         expect=[r"blkdev: vda: read of 8 sectors at sector 2048 is beyond the "
                 r"end \(2048 sectors\)",
                 r"blkdev: vda: read buffer 0xffffc9\w+ is not in the direct map",
                 r"blkdev: vdb: write to a read-only disk"],
         forbid=[r"# SKIP"]),
    dict(name="ktest-unknown", append="ktest=nosuchtest", exit=EXIT_FAIL,
         expect=[r"not ok 1 - ktest=nosuchtest names no known test"]),
    dict(name="memory-32M", append="ktest=boot,frames,kmalloc", mem="32M",
         exit=EXIT_OK, tap=True),
    # Issue 7's memory range: the shell runs at -m 32M, and -m 8G boots
    # with the frame table set up lazily (mm/frame.c): the log gives the
    # setup time (make bench reports it; never a timed test).
    dict(name="memory-32M-shell", cost=3, append="", initrd=[INITRD], mem="32M",
         unchecked_only=True,
         exit=EXIT_OK, timeout=60,
         typed=[(1.5, "free\n"), (0.5, "/tests/hello 0 small\n"),
                (0.5, "ls /tests | wc -l\n"), (0.5, "poweroff\n")],
         expect=[r"Mem: +\d+ +\d+ +\d+", r"argv\[2\]=small",
                 r"init: power off requested"]),
    dict(name="memory-8G", mem="8G", initrd=[INITRD],
         append='init=/bin/sh -c "free; /tests/hello 0 big"', exit=EXIT_OK,
         expect=[r"Memory: frame allocator set up in \d+ us",
                 r"MemTotal: +83\d{5} kB", r"argv\[2\]=big"]),
    dict(name="memory-5G", append="ktest=boot,pagetable,kmalloc", mem="5G",
         exit=EXIT_OK, tap=True,
         expect=[r"\[mem 0x0000000100000000-0x000000017fffffff\] usable"]),
    # User programs from the initrd, run as init (the contract: init's exit
    # status s becomes QEMU's exit code 2s+1).
    dict(name="user-hello", append="init=/tests/hello 7 x", initrd=[INITRD],
         exit=2 * 7 + 1,
         expect=[r"hello from user space: argc=3 argv\[0\]=/tests/hello "
                 r"argv\[1\]=7 argv\[2\]=x PATH=/sbin:/bin:/usr/sbin:/usr/bin",
                 r"init exited with status 7: powering off"]),
    dict(name="user-static-pie", append="init=/tests/hello-pie 3",
         initrd=[INITRD], exit=2 * 3 + 1,
         expect=[r"hello from user space: argc=2 argv\[0\]=/tests/hello-pie"]),
    dict(name="user-proc", append="init=/tests/proc_test", initrd=[INITRD],
         exit=EXIT_OK, tap=True, timeout=120,
         # an unimplemented or out-of-range number is logged once, and at
         # most 32 out-of-range numbers are (proc_test calls 40 of them)
         once=[r"syscall 1000 is out of range", r"syscall 183 \(afs_syscall\) not implemented",
               r"32 out-of-range numbers logged; no more will be"],
         forbid=[r"syscall 1039 is out of range"]),
    # Issue 14's ABI points (tests/user/abi_test.c); the same program
    # passes on Linux 6.1 (tools/abi_peer.py boots it there).
    dict(name="user-abi", append="init=/tests/abi_test", initrd=[INITRD],
         exit=EXIT_OK, tap=True, timeout=120),
    dict(name="user-procmem", append="init=/tests/procmem_test", initrd=[INITRD],
         exit=EXIT_OK, tap=True, timeout=120),
    # Timers and sleeping (tests/user/timer_test.c): alarm, itimers, POSIX
    # timers, RLIMIT_CPU, clock_nanosleep, sleep accuracy.
    dict(name="user-timers", cost=5, append="init=/tests/timer_test", initrd=[INITRD],
         exit=EXIT_OK, tap=True, timeout=120),
    # The clock keeps time on a busy host (issue 14, docs/time.md): two
    # /proc/uptime lines printed 10 guest seconds apart arrive as far apart
    # on the host, within 3%, while two busy loops (host_load) compete with
    # QEMU from before the boot (the TSC is calibrated then) to the end.
    # The guest's own reading of each line's time is what is compared, so
    # the time the guest takes to wake up and print does not count.
    # Normal kernel only, and in make fuzz, not make test: it takes 10 s,
    # and its busy loops slow every test that runs beside it (make test's
    # time budget, issue 14).
    dict(name="clock-under-load", cost=11, manual=True, initrd=[INITRD],
         exit=EXIT_OK, timeout=60,
         append='init=/bin/sh -c "cat /proc/uptime; sleep 10; cat /proc/uptime"',
         host_load=2, clock_lines=(r"^(\d+\.\d+) \d+\.\d+\r?$", 10.0, 0.03),
         unchecked_only=True),
    dict(name="user-threads", cost=3, append="init=/tests/thread_test", initrd=[INITRD],
         exit=EXIT_OK, tap=True, timeout=120),
    # SysV shared memory (issue 14): shmget/shmat/shmdt/shmctl, attach
    # counts across fork, exec and exit, /proc maps, smaps, sysvipc/shm.
    dict(name="user-sysv", append="init=/tests/sysv_test", initrd=[INITRD],
         exit=EXIT_OK, tap=True, timeout=60),
    # POSIX message queues and /dev/rtc0 (tests/user/mqueue_test.c, issue
    # 14): the rtc cases count the periodic interrupt against the guest
    # clock, so normal kernel only.
    dict(name="user-mqueue", cost=2, append="init=/tests/mqueue_test", initrd=[INITRD],
         exit=EXIT_OK, tap=True, timeout=60, unchecked_only=True),
    # The scheduling queries and capget on one CPU (issue 14).
    dict(name="user-sched-calls", append="init=/tests/sched_calls_test",
         initrd=[INITRD], exit=EXIT_OK, tap=True, timeout=60),
    # No task can stall the machine (issue 14): hogs of every kind beside
    # a sleeper, a pipe echo and two counters.
    dict(name="user-sched", cost=3, append="init=/tests/sched_test", initrd=[INITRD],
         exit=EXIT_OK, tap=True, timeout=60),
    # Futex timeouts, PI futexes, requeue-PI, futex_waitv, robust lists
    # (tests/user/futex_test.c, issue 14).
    dict(name="user-futex", append="init=/tests/futex_test", initrd=[INITRD],
         exit=EXIT_OK, tap=True, timeout=60, forbid=ADV_FORBID),
    # Fault signals cannot be blocked or ignored, int3, int $0x80, init's
    # protection, job control (issue 14).
    dict(name="user-signals", append="init=/tests/signal_test", initrd=[INITRD],
         exit=EXIT_OK, tap=True, timeout=60,
         expect=[r"signal_test\[\d+\]: int \$0x80, the 32-bit system-call entry"]),
    # The segfault lines are rate-limited as Linux's printk_ratelimit: with
    # a burst of 3 in 2 s (/proc/sys/kernel/printk_ratelimit{,_burst}; 10
    # in 5 s by default), 10 crashes in a row print 3, and the next one
    # after the interval says how many were suppressed.
    dict(name="user-segfault-ratelimit", cost=4, initrd=[INITRD], exit=EXIT_OK,
         timeout=60, unchecked_only=True,
         append='init=/bin/sh -c "echo 2 >/proc/sys/kernel/printk_ratelimit; '
                'echo 3 >/proc/sys/kernel/printk_ratelimit_burst; '
                'i=0; while [ $i -lt 10 ]; do /tests/crash 2>/dev/null; '
                'i=$((i+1)); done; sleep 2.2; /tests/crash; true"',
         expect=[r"segfault: 7 messages suppressed"]),
    # ptrace(2): what a debugger and strace need (issue 14).
    dict(name="user-ptrace", append="init=/tests/ptrace_test", initrd=[INITRD],
         exit=EXIT_OK, tap=True, timeout=60),
    # syslog(2): busybox dmesg reads the kernel's log (with each line's
    # level, -r), dmesg -c clears it.
    dict(name="user-dmesg", initrd=[INITRD], exit=EXIT_OK, timeout=60,
         append='init=/bin/sh -c "echo banner=$(dmesg | grep -c \'allocator set up in [0-9]\'); '
                'dmesg -r | head -1 | cut -c1-4; dmesg -c >/dev/null; '
                'echo after=$(dmesg | wc -l)"',
         expect=[r"^banner=1\r?$", r"^<6>\[\r?$", r"^after=0\r?$"]),
    # A PIE with a dynamic linker and 2 MiB p_align loads 2 MiB-aligned,
    # as on Linux 6.1 (kernel/exec.c: load_elf), ASLR or not.
    dict(name="user-pie-align", append="init=/tests/pie_align-2m",
         initrd=[INITRD], exit=EXIT_OK,
         expect=[r"pie_align: bias=0x[0-9a-f]*[02468ace]00000\r?$"]),
    dict(name="user-init-killed", append="init=/tests/crash", initrd=[INITRD],
         exit=2 * 126 + 1,
         expect=[r"crash\[1\]: segfault at 0 ip [0-9a-f]{16} sp [0-9a-f]{16} error 6",
                 r"crash\[1\]: write to 0x0: no region is mapped there "
                 r"\(possibly a NULL pointer dereference\)",
                 r"init killed by signal 11: powering off"]),
    # Every fatal fault gets Linux's "segfault at" line and an explanation.
    dict(name="user-fault-explanations", append="init=/tests/faults",
         initrd=[INITRD], exit=EXIT_OK, tap=True, timeout=120,
         expect=[r"faults\[\d+\]: write to 0x0: no region is mapped there "
                 r"\(possibly a NULL pointer dereference\)",
                 r"faults\[\d+\]: read from 0x[0-9a-f]+: no region is mapped there\r?$",
                 r"faults\[\d+\]: write to 0x[0-9a-f]+, \d+ KiB below the stack "
                 r"region 0x[0-9a-f]+-0x[0-9a-f]+: beyond the stack limit or into "
                 r"the guard gap \(stack overflow\)",
                 r"faults\[\d+\]: write to 0x[0-9a-f]+ in region \S+ r-xp "
                 r"\(/tests/faults\): the program's code \(text\) is read-only",
                 r"faults\[\d+\]: write to 0x[0-9a-f]+ in region \S+ r--p "
                 r"\(/tests/faults\): the region is read-only",
                 r"faults\[\d+\]: execute 0x[0-9a-f]+ in region \S+ rw-p "
                 r"\(\[stack\]\): the stack is not executable \(NX\)",
                 r"faults\[\d+\]: execute 0x[0-9a-f]+ in region \S+ rw-p "
                 r"\(\[heap\]\): the heap is not executable \(NX\)",
                 r"faults\[\d+\]: read from 0x[0-9a-f]+ in region \S+ ---p "
                 r"\(anonymous memory\): the region is PROT_NONE: a guard page",
                 r"faults\[\d+\]: read from 0xffffffff80100000: that is the "
                 r"kernel's half of the address space",
                 r"faults\[\d+\]: general protection fault ip [0-9a-f]+ sp "
                 r"[0-9a-f]+: signal 11",
                 r"faults\[\d+\]: most likely an access to a non-canonical address",
                 r"faults\[\d+\]: a privileged instruction: only the kernel "
                 r"\(ring 0\) may run it",
                 r"faults\[\d+\]: bus error at [0-9a-f]+ ip",
                 r"faults\[\d+\]: read from 0x[0-9a-f]+ in /tmp/faults-short: "
                 r"beyond the end of the file"]),
    dict(name="user-mem", append="init=/tests/mem_test", initrd=[INITRD],
         exit=EXIT_OK, tap=True, timeout=180,
         expect=[r"mem_test\[\d+\]: bus error at [0-9a-f]+ ip",
                 r"beyond the end of the file"]),
    dict(name="user-aslr", append="init=/tests/aslr_test", initrd=[INITRD],
         exit=EXIT_OK, tap=True, timeout=120),
    dict(name="user-norandmaps", append="norandmaps init=/tests/aslr_test --fixed",
         initrd=[INITRD], exit=EXIT_OK, tap=True, timeout=120),
    dict(name="user-mem-dynamic", append="init=/tests/mem_test-dyn",
         initrd=[INITRD], exit=EXIT_OK, tap=True, timeout=180),
    dict(name="user-threads-dynamic", append="init=/tests/thread_test-dyn",
         initrd=[INITRD], exit=EXIT_OK, tap=True, timeout=180),
    dict(name="user-dynamic", append="init=/tests/dyn_test", initrd=[INITRD],
         exit=EXIT_OK, tap=True),
    dict(name="user-vmtrace", append="init=/bin/vmtrace /tests/crash",
         initrd=[INITRD], exit=2 * 126 + 1,
         expect=[r"vmtrace: crash\[1\] exec 0x[0-9a-f]+ in /tests/crash r-xp: file page",
                 r"vmtrace: crash\[1\] write 0x0 in no region: SIGSEGV: no region here"]),
    # The system-call fuzzer (tests/user/sysfuzz.c): a fixed seed, so a
    # failure here replays; norandmaps, so the replay is exact.
    dict(name="user-sysfuzz", cost=8,
         append="norandmaps init=/tests/sysfuzz --seed 1 --calls 100000",
         initrd=[INITRD], exit=EXIT_OK, tap=True, timeout=120,
         expect=[r"sysfuzz: seed 1$", r"\d+ calls/s"], forbid=[r"HUNG", r"LOOPED"]),
    # make fuzz: ten million calls with a new seed each time (--only
    # sysfuzz-long; "manual" tests are not part of the default run).
    dict(name="sysfuzz-long", manual=True,
         append="norandmaps init=/tests/sysfuzz --calls 10000000 --jobs 2",
         initrd=[INITRD], exit=EXIT_OK, tap=True, timeout=3600,
         expect=[r"sysfuzz: seed \d+", r"\d+ calls/s"], forbid=[r"HUNG", r"LOOPED"]),
    # Out of memory and the limits (tests/user/oom_test.c): 64 MiB, so
    # that memory runs out fast; each OOM kill is logged.
    dict(name="user-oom", cost=3, append="init=/tests/oom_test", initrd=[INITRD],
         mem="64M", exit=EXIT_OK, tap=True, timeout=120,
         expect=[r"out of memory: killed pid \d+ \(\S+\), rss \d+ kB",
                 r"^# memory hog: pid (\d+)$[\s\S]*out of memory: killed "
                 r"pid \1 \(oom_test\), rss \d{4,} kB"]),
    # The adversarial suite (docs/robustness.md): bad pointers, bad stacks,
    # bad ELF files, forged signal frames, bad mm arguments.  Besides a
    # panic, none may draw a kernel warning (pr_warn, KERN_ERR).
] + [
    dict(name=f"user-adv-{part}", append=f"init=/tests/adv_{part}", initrd=[INITRD],
         exit=EXIT_OK, tap=True, timeout=180 if part == "ptr" else 120,
         forbid=list(ADV_FORBID))
    for part in ("ptr", "cpu", "exec", "mm", "signal")
] + [
    dict(name="user-fs", append="init=/tests/fs_test", initrd=[INITRD],
         exit=EXIT_OK, tap=True, timeout=120),
    # AF_UNIX sockets (kernel/net, tests/user/socket_test.c).
    dict(name="user-socket", append="init=/tests/socket_test", initrd=[INITRD],
         exit=EXIT_OK, tap=True, timeout=60),
    # AF_INET over the loopback (kernel/net/af_inet.c, tests/user/inet_test.c;
    # it passes on Linux 6.1 too: tools/abi_peer.py).
    dict(name="user-inet", append="init=/tests/inet_test", initrd=[INITRD],
         exit=EXIT_OK, tap=True, timeout=60),
    # Mounts, execveat, arch_prctl GS, membarrier (tests/user/misc6_test.c;
    # it passes on Linux 6.1 too: tools/abi_peer.py).
    dict(name="user-misc6", append="init=/tests/misc6_test", initrd=[INITRD],
         exit=EXIT_OK, tap=True, timeout=120),
    # userfaultfd and pidfds (tests/user/uffd_test.c; it passes on Linux
    # 6.1 too: tools/abi_peer.py).
    dict(name="user-uffd", append="init=/tests/uffd_test", initrd=[INITRD],
         exit=EXIT_OK, tap=True, timeout=60),
    # Disks (tests/user/blk_test.c): /dev/vda, vdb and a read-only vdc,
    # found by the PCI scan; without a disk there is no /dev/vda.
    dict(name="user-blk", append="init=/tests/blk_test", initrd=[INITRD],
         disks=["256M", "1M", "64K:ro"], exit=EXIT_OK, tap=True, timeout=120,
         expect=[r"^\[ *[\d.]+\] pci 0000:00:0[0-9a-f]\.0: \[1af4:1001\] class 0x010000 "
                 r"\(mass storage\)$",
                 r"virtio_blk 00:0[0-9a-f]\.0: \[vda\] 524288 512-byte sectors \(256 MiB\)",
                 r"virtio_blk 00:0[0-9a-f]\.0: \[vdb\] 2048 512-byte sectors \(1 MiB\)",
                 r"virtio_blk 00:0[0-9a-f]\.0: \[vdc\] 128 512-byte sectors \(64 KiB\), "
                 r"read-only"],
         forbid=[r"blkdev:", r"virtio_blk: "]),
    dict(name="user-blk-none", append="init=/tests/blk_test --none",
         initrd=[INITRD], exit=EXIT_OK, tap=True,
         expect=[r"pci 0000:00:00\.0: \[8086:1237\] class 0x060000 \(bridge\)"],
         forbid=[r"1af4:1001", r"virtio_blk"]),
    # A disk that fails: the device's error status reaches the program as
    # EIO and the kernel log names the request; other sectors still work.
    dict(name="user-blk-ioerr", disks=["1M:ioerr"], initrd=[INITRD], exit=EXIT_OK,
         append='init=/bin/sh -c "dd if=/dev/vda of=/dev/null bs=4096 count=1 && '
                'echo page0 ok; dd if=/dev/vda of=/dev/null bs=4096 skip=1 count=1 || '
                'echo read rc=$?; dd if=/dev/zero of=/dev/vda bs=512 seek=8 count=1 || '
                'echo write rc=$?"',
         expect=[r"^page0 ok$", r"^read rc=1$", r"^write rc=1$",
                 r"virtio_blk: vda: read of 8 sectors at 8 failed: status 1 \(I/O error\)",
                 r"virtio_blk: vda: write of 1 sectors at 8 failed: status 1 \(I/O error\)",
                 r"Input/output error"]),
    # busybox's dd and hexdump on /dev/vda, as a student would use them.
    dict(name="user-blk-busybox", disks=["1M"], initrd=[INITRD], exit=EXIT_OK,
         append='init=/bin/sh -c "echo hello disk | dd of=/dev/vda bs=1 seek=1000 '
                '2>/dev/null; dd if=/dev/vda bs=512 skip=1 count=1 2>/dev/null | '
                'hexdump -C; blockdev --getsize64 /dev/vda; ls -l /dev/vda"',
         expect=[r"^000001e0  00 00 00 00 00 00 00 00  68 65 6c 6c 6f 20 64 69  "
                 r"\|\.\.\.\.\.\.\.\.hello di\|$", r"^1048576$",
                 r"^brw-rw---- +1 root +root +254, +0 .* /dev/vda$"]),
    # Swap areas (tests/user/swapon_test.c, docs/swap.md): swapon and
    # swapoff on disks prepared by busybox's mkswap or by hand, their
    # errors, /proc/swaps, SwapTotal and SwapFree, sysinfo.
    dict(name="user-swapon", append="init=/tests/swapon_test", initrd=[INITRD],
         disks=["256M", "1M", "1M", "256M"], exit=EXIT_OK, tap=True, timeout=120,
         expect=[r"Adding 262140k swap on /dev/vda\.  Priority:-2",
                 r"swapon: /dev/vdb: Unable to find swap-space signature",
                 r"swapon: /tmp/swapfile: swap files are not supported"],
         forbid=[r"blkdev:", r"virtio_blk: "]),
    # busybox's mkswap, swapon, swapoff and free, as a student types them.
    dict(name="user-swapon-busybox", disks=["256M"], initrd=[INITRD], exit=EXIT_OK,
         append='init=/bin/sh -c "mkswap /dev/vda && swapon /dev/vda && '
                'cat /proc/swaps && free && swapoff /dev/vda && cat /proc/swaps && '
                'free | grep Swap:"',
         expect=[r"^Setting up swapspace version 1, size = 268431360 bytes",
                 r"^Filename\t+Type\t+Size\t+Used\t+Priority$",
                 r"^/dev/vda {32}partition\t262140\t\t0\t\t-2$",
                 r"^Swap: +262140 +0 +262140$",
                 r"^Swap: +0 +0 +0$"]),
    # Page replacement and swap (tests/user/swap_test.c, issue 8): 64 MiB
    # of memory, programs of up to 192 MiB, a 256 MiB swap disk.  While
    # swap has room the OOM killer must never fire; the traced process's
    # evictions and swap-ins are logged by vmtrace.
    dict(name="user-swap", cost=12, append="init=/tests/swap_test", initrd=[INITRD],
         mem="64M", disks=["256M"], exit=EXIT_OK, tap=True, timeout=120,
         expect=[r"^# vmtrace: traced pid (\d+)$[\s\S]*vmtrace: swaptraced\[\1\] "
                 r"page 0x[0-9a-f]+ evicted to swap 0:\d+$",
                 r"vmtrace: swaptraced\[\d+\] read 0x[0-9a-f]+ in anonymous memory "
                 r"rw-p: major fault: swap-in, read from disk",
                 r"vmtrace: swaptraced\[\d+\] read 0x[0-9a-f]+ in anonymous memory "
                 r"rw-p: swap-in from the swap cache"],
         forbid=[r"out of memory", r"blkdev:", r"virtio_blk: "]),
    # Races, lifetimes and isolation (tests/user/mmrace_test.c, issue 14
    # section 5), at 64 MiB with swap; mmrace-long repeats the racy cases
    # (make fuzz).
    dict(name="user-mmrace", cost=3, append="init=/tests/mmrace_test", initrd=[INITRD],
         mem="64M", disks=["256M"], exit=EXIT_OK, tap=True, timeout=120,
         forbid=[r"out of memory", r"blkdev:", r"virtio_blk: "]),
    dict(name="mmrace-long", manual=True,
         append="init=/tests/mmrace_test --rounds 20", initrd=[INITRD],
         mem="64M", disks=["256M"], exit=EXIT_OK, tap=True, timeout=1200,
         forbid=[r"out of memory", r"blkdev:", r"virtio_blk: "]),
    # More of section 5 (tests/user/mmrace2_test.c): MAP_POPULATE's undo
    # after a sleep, ftruncate of shared file mappings, mremap of shared
    # anonymous memory, /proc handles of dead processes and of other
    # users, /proc/self/exe, the last thread's exit status.
    # (Its MAP_POPULATE case makes the OOM killer kill its own hog.)
    dict(name="user-mmrace2", cost=4, append="init=/tests/mmrace2_test", initrd=[INITRD],
         mem="64M", disks=["256M"], exit=EXIT_OK, tap=True, timeout=120,
         once=[r"out of memory: killed pid"],
         forbid=[r"blkdev:", r"virtio_blk: "]),
    dict(name="mmrace2-long", manual=True,
         append="init=/tests/mmrace2_test --rounds 10", initrd=[INITRD],
         mem="64M", disks=["256M"], exit=EXIT_OK, tap=True, timeout=1200,
         forbid=[r"blkdev:", r"virtio_blk: "]),
    dict(name="user-busybox-pipeline",
         append='init=/bin/sh -c "echo hi | cat | wc -c"', initrd=[INITRD],
         exit=EXIT_OK, expect=[r"^3$"]),
    # What a student types at `make run` (README's quick start): the
    # default init, busybox's shell, a pipeline, /proc, ps, a crash and its
    # explanation, Ctrl-C, exit (init starts a new shell), poweroff.
    # (Typed at fixed times: normal kernel only, for make test's budget.)
    dict(name="user-interactive-shell", cost=7, append="", initrd=[INITRD],
         unchecked_only=True,
         exit=EXIT_OK, timeout=60,
         typed=[(1.5, "ls /\n"), (0.5, "echo hi | cat\n"),
                (0.5, "cat /proc/meminfo | head -2\n"), (0.5, "ps\n"),
                (0.5, "/tests/crash\n"), (0.8, "sleep 30\n"), (0.8, "\x03"),
                (0.5, "echo status=$?\n"), (0.5, "exit\n"),
                (1.0, "echo new shell\n"), (0.5, "poweroff\n")],
         expect=[r"Welcome to vmos", r"bin +dev +etc +lib +proc +root +sbin +tests +tmp +usr",
                 r"^hi\r?$", r"MemTotal: +\d+ kB", r"MemFree: +\d+ kB",
                 r"PID +USER +COMMAND", r"\d+ root +/sbin/init",
                 r"crash\[\d+\]: segfault at 0 ip",
                 r"crash\[\d+\]: write to 0x0: no region is mapped there",
                 r"Segmentation fault", r"status=130",
                 r"init: the shell exited with status 0; starting a new one",
                 r"^new shell\r?$",
                 r"init: power off requested \(signal 12\)"]),
    # Job control at the shell (issue 14): ^Z stops the foreground job,
    # jobs lists it, bg resumes it in the background, fg brings it back,
    # ^C ends it; kill -9 1 does nothing to init (Linux protects it).
    # (Typed at fixed times: normal kernel only; user-signals checks job
    # control on both.)
    dict(name="user-job-control", cost=7, append="", initrd=[INITRD], unchecked_only=True,
         exit=EXIT_OK, timeout=60,
         typed=[(1.5, "sleep 30\n"), (0.8, "\x1a"), (0.5, "jobs\n"),
                (0.5, "bg\n"), (0.5, "jobs\n"), (0.5, "fg\n"), (0.8, "\x03"),
                (0.5, "echo status=$?\n"), (0.5, "kill -9 1; echo init-alive\n"),
                (0.5, "poweroff\n")],
         expect=[r"\[1\]\+ +Stopped +sleep 30", r"\[1\] sleep 30",
                 r"\[1\]\+ +Running +sleep 30", r"status=130",
                 r"^init-alive\r?$", r"init: power off requested"]),
    # make bench's archive (tools/bench.py --cpio): vmbench as /init with
    # /dev/console, the one Linux boots too; one repetition of each.
    dict(name="bench-smoke", initrd=[os.path.join(BUILD, "bench", "bench.cpio")],
         append="init=/init -q", mem="256M", exit=EXIT_OK, timeout=90,
         expect=[r"^vmbench: start", r"^vmbench: done"] +
         [rf"^{n} +\d+ (ns|us|ns/page)\r?$" for n in (
             "getpid", "demand-zero", "cow", "fork-exit-16M", "fork-exec",
             "mmap-cycle", "brk-touch", "fault-16", "fault-1024", "fault-16384",
             "fault-1024-spread", "fault-16384-spread", "pipe-rtt")]),
    # Linux's own selftests that pass on vmos and on Linux 6.1
    # (tests/conformance/subset.txt), one TAP point each; make conformance
    # runs them all on both kernels (docs/conformance.md).
    # (normal kernel only: 21 s on the checked one; make conformance runs
    # them all)
    dict(name="conformance-subset", cost=5, append="init=/init --tap",
         initrd=[os.path.join(BUILD, "conformance", "subset.cpio")],
         exit=EXIT_OK, tap=True, timeout=120, unchecked_only=True),
    # Every initrd module is unpacked in order; a later one overrides.
    dict(name="user-initrd-override", initrd=[INITRD, "override.cpio"],
         append="init=/bin/cat /etc/hostname /extra/note",
         exit=EXIT_OK, expect=[r"^overridden\r?$", r"^from the second archive\r?$",
                               r"initrd: module 1 \(\S*override.cpio\): \d+ entries"]),
    dict(name="user-busybox-echo", append="init=/bin/busybox echo hi there",
         initrd=[INITRD], exit=EXIT_OK, expect=[r"^hi there$"]),
    dict(name="user-init-missing", append="init=/no/such/program",
         initrd=[INITRD], exit=EXIT_PANIC,
         expect=[r"PANIC: init: cannot run /no/such/program \(error -2\)"]),
    dict(name="panic-stack-overflow", append="ktest=stack_overflow",
         exit=EXIT_PANIC,
         expect=[r"PANIC: double fault: kernel stack overflow in recurse\S*\+0x[0-9a-f]+: "
                 r"rsp 0x[0-9a-f]+, page fault at 0x[0-9a-f]+ in the stack's guard page",
                 r"Call trace:", r"\.\.\. the same return address \d+ more times",
                 r"ktest_run\+0x", r"exit status 127"]),
    # SMEP and SMAP (-cpu max has both): the kernel may neither run user
    # code nor touch user memory outside copy_from_user / copy_to_user.
    dict(name="panic-smep", append="ktest=smep", exit=EXIT_PANIC,
         expect=[r"PANIC: page fault at 0x600000 in 0x0000000000600000: instruction "
                 r"fetch from present \(protection violation\) page \(supervisor\); "
                 r"the kernel executed a user page \(SMEP forbids it\)",
                 r"RIP: 0008:0000000000600000", r"ktest_run\+0x"],
         forbid=[r"nothing stopped it"]),
    dict(name="panic-smap", append="ktest=smap", exit=EXIT_PANIC,
         expect=[r"PANIC: page fault at 0x600000 in ktest_smap\+0x[0-9a-f]+: read "
                 r"from present \(protection violation\) page \(supervisor\); "
                 r"the kernel touched a user page outside the user-copy "
                 r"functions \(SMAP forbids it\)", r"CR4: [0-9a-f]*[3-7][0-9a-f]{5}\b"],
         forbid=[r"nothing stopped it"]),
    # UBSan sees these two bugs before the CPU or the canary check does.
    dict(name="panic-null-deref", append="ktest=null_deref", exit=EXIT_PANIC,
         reports=True, check_expect=[
             r"UBSAN: null-pointer-dereference in tests/ktest/crash.c:\d+:\d+ "
             r"\(ktest_null_deref\+0x[0-9a-f]+\)\n\[ *[\d.]+\] UBSAN:   member access within "
             r"NULL pointer of type 'struct list_node'"],
         expect=[r"PANIC: page fault at 0x8 in ktest_null_deref\+0x[0-9a-f]+: "
                 r"write to not-present page \(supervisor\); possibly a NULL "
                 r"pointer dereference",
                 r"RIP: 0008:ffffffff8", r"CR2: 0000000000000008",
                 r"\[<ffffffff8[0-9a-f]+>\] ktest_run\+0x"]),
    # The checked kernel's reports of undefined behaviour (kernel/ubsan.c).
    dict(name="ktest-ubsan", append="ktest=ubsan", exit=EXIT_OK, tap=True,
         checked_only=True, reports=True,
         expect=[r"UBSAN: signed-integer-overflow in tests/ktest/ubsan.c:\d+:\d+ "
                 r"\(signed_overflow\+0x[0-9a-f]+\)\n.*UBSAN:   2147483647 \+ 1 "
                 r"cannot be represented in type 'int'",
                 r"UBSAN:   negation of -2147483648 cannot be represented in type 'int'",
                 r"UBSAN: shift-out-of-bounds in tests/ktest/ubsan.c:\d+:\d+ .*\n"
                 r".*UBSAN:   shift exponent 40 is too large for 32-bit type "
                 r"'unsigned int'",
                 r"UBSAN:   index 4 is out of range for type 'int \[4\]'",
                 r"UBSAN:   load of misaligned address 0x[0-9a-f]+ for type 'u32', "
                 r"which requires 4-byte alignment",
                 r"UBSAN:   load of value 2, which is not a valid value for type '_Bool'"]),
    # ... and of writes to freed memory (mm/poison.c).
    dict(name="ktest-poison", append="ktest=poison", exit=EXIT_OK, tap=True,
         checked_only=True, reports=True,
         expect=[r"POISON: use after free: kmalloc object 0xffff888[0-9a-f]+ "
                 r"\(64 bytes\) was written after it was freed: byte \+0x14 is "
                 r"0x11, not 0x6b\n.*POISON:   \+0x010: 6b 6b 6b 6b 11 6b",
                 r"POISON: use after free: frame 0x[0-9a-f]+000 \(4096 bytes\) was "
                 r"written after it was freed: byte \+0x64 is 0x22, not 0x6b\n"
                 r".*POISON:   \+0x060: 6b 6b 6b 6b 22 6b"]),
    dict(name="panic-stack-smash", append="ktest=stack_smash", exit=EXIT_PANIC,
         reports=True, check_expect=[
             r"UBSAN: object-size-mismatch in tests/ktest/crash.c:\d+:\d+ "
             r"\(overflow_local\+0x[0-9a-f]+\)\n\[ *[\d.]+\] UBSAN:   store to address "
             r"0x[0-9a-f]+ with too little space for an object of type "
             r"'volatile char'"],
         expect=[r"writing 64 bytes into a 16-byte stack buffer",
                 r"PANIC: stack protector: stack smashed in overflow_local\+0x[0-9a-f]+: "
                 r"a local buffer overflowed over the canary below the return address",
                 r"Call trace:", r"__stack_chk_fail\+0x", r"exit status 127"],
         forbid=[r"the overflow went unnoticed"]),
]
# The textbook demos, vmmap and pfstat (docs/demos.md), in one boot:
# tests/user/demos.sh runs each and prints "== NAME exit N" after it.
HEX = r"0x[0-9a-f]+"
BORDER = r"0x[0-9a-f]{16} \+-+\+\n"
SEGV_CASES = [  # name, signal the handler saw, si_code, the kernel's words
    ("null", "SIGSEGV", r"SEGV_MAPERR \(no region\), si_addr 0",
     r"read from 0x0: no region is mapped there"),
    ("write-text", "SIGSEGV", r"SEGV_ACCERR \(region forbids it\), si_addr 0x4",
     r"write to 0x4[0-9a-f]+ in region \S+ r-xp \(/bin/segv\): the program.s code \(text\) is read-only"),
    ("exec-stack", "SIGSEGV", r"SEGV_ACCERR \(region forbids it\), si_addr 0x7ff",
     r"execute 0x7ff[0-9a-f]+ in region \S+ rw-p \(\[stack\]\): the stack is not executable \(NX\)"),
    ("kernel", "SIGSEGV", r"SEGV_MAPERR \(no region\), si_addr 0xffff888000000000",
     r"read from 0xffff888000000000: that is the kernel's half"),
    ("guard", "SIGSEGV", r"SEGV_ACCERR \(region forbids it\), si_addr 0x7[0-9a-f]+fff",
     r"write to 0x7[0-9a-f]+fff in region \S+ ---p \(anonymous memory\): the region is PROT_NONE"),
    ("overflow", "SIGSEGV", r"SEGV_MAPERR \(no region\), si_addr 0x7ff",
     r"write to 0x7ff[0-9a-f]+, \d+ KiB below the stack region \S+: beyond the stack "
     r"limit or into the guard gap \(stack overflow\)"),
    ("sigbus", "SIGBUS", r"BUS_ADRERR \(no such address in the file\), si_addr 0x7[ef]",
     r"read from 0x7[0-9a-f]+ in /tmp/segv-demo.txt: beyond the end of the file"),
    ("protnone", "SIGSEGV", r"SEGV_ACCERR \(region forbids it\), si_addr 0x7[ef]",
     r"read from 0x7[0-9a-f]+ in region \S+ ---p \(anonymous memory\): the region is PROT_NONE"),
]
DEMOS_EXPECT = [
    # layout: each thing in the region that should hold it
    r"^function main +" + HEX + r"  [0-9a-f]+-[0-9a-f]+ r-xp .*/bin/layout$",
    r"^zero global \(bss\) +" + HEX + r"  [0-9a-f]+-[0-9a-f]+ rw-p .*/bin/layout$",
    r"^heap block \(brk \+4 KiB\) +" + HEX + r"  [0-9a-f]+-[0-9a-f]+ rw-p .*\[heap\]$",
    r"^program break \(brk\) +" + HEX + r"  \(in no region\)$",
    r"^mmap anonymous +0x7[0-9a-f]+  7[0-9a-f]+-7[0-9a-f]+ rw-p ",
    r"^stack local +0x7ff[0-9a-f]+  .*\[stack\]$",
    r"^argv\[0\] string +0x7ff[0-9a-f]+  .*\[stack\]$",
    # lazy: size first, resident set at the writes
    r"lazy: after mmap 20 MiB +VmSize +4\d{4} kB",
    r"lazy: reserving 40960 kB added \d{1,3} kB of VmRSS; writing it added 4\d{4} kB",
    # pagemap: no frame until written; only the written pages get one
    r"fresh mmap of 4 pages, nothing touched yet:\n(?:pagemap: anon page \d +" + HEX +
    r"  not present\n){4}pagemap: after writing pages 0 and 2:\n"
    r"pagemap: anon page 0 +" + HEX + r"  present, frame 0x[1-9a-f][0-9a-f]* .*only mapping\n"
    r"pagemap: anon page 1 +" + HEX + r"  not present\n"
    r"pagemap: anon page 2 +" + HEX + r"  present, frame 0x[1-9a-f]",
    # cow
    r"cow: after fork: parent frame (0x[0-9a-f]+), child frame \1: same frame",
    r"cow: child wrote \(1 minor fault\): parent frame (0x[0-9a-f]+), "
    r"child frame (?!\1\b)0x[0-9a-f]+: different frames",
    r"cow: parent wrote \(1 minor fault\): frame (0x[0-9a-f]+), was \1: same frame, nothing copied",
    # mmap-file, mmap-anon
    r'MAP_PRIVATE mapping now "HELLO from the file"; read\(\) of the file: '
    r'"hello from the file" \(unchanged\)',
    r'MAP_SHARED mapping now "howdy from the file"; read\(\) of the file after msync: '
    r'"howdy from the file"',
    r'second process, through its own MAP_SHARED mapping: "howdy from the file"',
    r'mmap-anon: parent reads: MAP_PRIVATE "written by the parent", '
    r'MAP_SHARED "written by the child"',
    # loader: a fault loads a page, once
    r'loader: page 5 says "this is page 5 of the file" \(loaded by the handler on a fault\)\n'
    r'loader: page 5 says "this is page 5 of the file" \(already loaded, no fault\)',
    r"loader: 3 loads for 4 reads",
    # stack: grows to its limit, the overflow is caught
    r"stack: depth +448 \( 7168 KiB of frames\): \[stack\] " + HEX + "-" + HEX + r", 72\d\d KiB",
    r"stack: overflow caught on the alternate stack: SIGSEGV at " + HEX + r", \d+ KiB "
    r"below the \[stack\] region " + HEX + "-" + HEX + r" \(81\d\d KiB\)",
    # threads: two thread stacks, each right above its guard page
    r"threads: thread 2: a local at 0x7[0-9a-f]+, in [0-9a-f]+-[0-9a-f]+ rw-p",
    r"(?: +\| thread stack +rw-p[^\n]*\n" + BORDER +
    r" +\| guard page \(PROT_NONE\) +---p[^\n]*\n" + BORDER + r"){2}",
    # shlib
    r"shlib: +[0-9a-f]+-[0-9a-f]+ r-xp [0-9a-f]+ \S+ \d+ +/lib/libvmdemo\.so",
    r"shlib: child: vmdemo_add\(10\) = 111 ",
    r"shlib: vmdemo_add's page: frame (0x[0-9a-f]+) here, \1 in the child: one frame, shared",
    r"shlib: library code Rss [1-9]\d* kB, Pss [1-9]\d* kB .*: Pss is half of Rss$",
    r"shlib: parent: vmdemo_counter is still 101",
    r"\| library code +r-xp [^\n]*\|\n +\| libvmdemo\.so +\|",
    r"\| library code +r-xp [^\n]*\|\n +\| ld-musl-x86_64\.so\.1 +\|",
    r"\| text \(code\) +r-xp [^\n]*\|\n +\| shlib +\|",
    # aslr
    r"aslr: randomized \(the default\):\n(?:aslr:   run .*\n){4}"
    r"aslr:   stack: different in every run\naslr:   mmap: different in every run\n"
    r"aslr:   heap: different in every run\naslr:   text: different in every run",
    r"aslr: with personality\(ADDR_NO_RANDOMIZE\):\n(?:aslr:   run .*\n){4}"
    r"aslr:   stack: the same in every run\naslr:   mmap: the same in every run\n"
    r"aslr:   heap: the same in every run\naslr:   text: the same in every run",
    # jit
    r"jit: calling it: SIGSEGV at 0x7[0-9a-f]+: the page is not executable",
    r"jit: after mprotect\(PROT_READ \| PROT_EXEC\): f\(6, 7\) = 6 \* 7 \+ 1 = 43",
    # vmmap: the fixed boxes, the program's, the gaps, the resident sizes
    r"== vmmap --no-color\nAddress space of /bin/vmmap \(PID \d+\), highest address first:\n"
    r"0xffffffffffffffff \+-+\+\n +\| kernel space +128 TiB +\|\n"
    r" +\| the kernel half: not accessible from user mode +\|\n"
    r"0xffff800000000000 \+-+\+\n +\| non-canonical hole +16 EiB +\|\n",
    r"\| stack \(grows down\) +rw-p +\d+ KiB  resident [1-9]\d* KiB +\|\n +\| \[stack\] +\|\n"
    + BORDER + r" +\.\.\. 1 MiB guard gap \(stack_guard_gap\)",
    r"\.\.\. 12\d TiB unmapped \.\.\.",
    r"\| bss \(zero-filled data\) +rw-p",
    r"\| text \(code\) +r-xp +\d+ KiB  resident [1-9]\d* KiB +\|\n +\| vmmap +\|",
    r"^0x0000000000010000 \+-+\+\n +\| low memory +64 KiB +\|\n"
    r" +\| mmap_min_addr: never mapped, catches NULL +\|\n0x0000000000000000 \+",
    r"^\d+ regions, \d+ KiB mapped, \d+ KiB resident \(from smaps\)$",
    r"== vmmap --no-color --pagemap 1\nAddress space of /bin/busybox \(PID 1\)",
    r"\| text \(code\) +r-xp +[\d.]+ MiB  resident [1-9]\d* KiB +\|\n +\| busybox +\|",
    r"\| heap \(brk\) +rw-p +\d+ KiB  resident [1-9]\d* KiB +\|\n +\| \[heap\]",
    r"\d+ KiB resident \(from pagemap\)",
    r"== vmmap\nAddress space[^\n]*\n[^\n]*\n +\|\x1b\[2m kernel space",
    r"== vmmap piped\n[^\x1b]*?== vmmap piped end",
    r"== vmmap TERM=dumb\n[^\x1b]*?== vmmap TERM=dumb end",
    r"== vmmap --color piped\nAddress space[^\n]*\n[^\n]*\n +\|\x1b\[2m kernel space",
    r"\|\x1b\[32m stack \(grows down\)",
    # pfstat
    r"== pfstat lazy\n(?:.*\n)*?pfstat: minor faults 1\d{4}, major "
    r"faults 0, peak RSS [1-9]\d* kB, page tables [1-9]\d* kB, exit status 0\n"
    r"== pfstat exit 0",
    r"pfstat: minor faults \d+, major faults 0, peak RSS [1-9]\d* kB, page tables "
    r"[1-9]\d* kB, exit status 3\n== pfstat exit 3",
    r"pfstat: minor faults \d+, major faults 0, peak RSS [1-9]\d* kB, page tables "
    r"[1-9]\d* kB, exit status signal 11 \(Segmentation fault\)\n== pfstat exit 139",
    r"demos.sh: done",
]
for _name, _sig, _code, _kernel in SEGV_CASES:
    _death = "Bus error" if _sig == "SIGBUS" else "Segmentation fault"
    DEMOS_EXPECT += [rf"segv: {_name}: handler got {_sig}, si_code {_code}",
                     rf"segv\[\d+\]: {_kernel}",
                     rf"segv: {_name}: child killed by {_death}, as expected"]
for _demo in ("layout", "lazy", "pagemap", "cow", "mmap-file", "mmap-anon", "segv",
              "loader", "stack", "threads", "shlib", "aslr", "jit"):
    DEMOS_EXPECT.append(rf"^== {_demo} exit 0$")
QEMU_TESTS.append(dict(name="user-demos", cost=3, append="init=/bin/sh /tests/demos.sh",
                       initrd=[INITRD], exit=EXIT_OK, timeout=90,
                       expect=DEMOS_EXPECT + [r"^== nc echo: over tcp\r?$",
                                              r"^== wget: over http\r?$",
                                              r"^== netstat: tcp +0 +0 :::8080 +:::\* +LISTEN"],
                       forbid=[r"UNEXPECTED", r"no fault!", r"\(membarrier\) not implemented"]))

# What the checked kernel prints when it finds a bug (kernel/ubsan.c,
# mm/poison.c): a test whose log has one fails, on either kernel, unless
# it provokes them on purpose (reports=True).
SANITIZER_REPORTS = [r"UBSAN:", r"POISON:"]

for t in QEMU_TESTS:
    if t["exit"] != EXIT_PANIC:
        t.setdefault("forbid", []).append(r"PANIC")
    if not t.get("reports"):
        t.setdefault("forbid", []).extend(SANITIZER_REPORTS)


def checked_variant(test):
    """test run on the checked kernel: named check/NAME; check_expect
    lists what that kernel must print in addition."""
    return dict(test, group="check", kernel=KERNEL_CHECK,
                log="check-" + test["name"],
                expect=test.get("expect", []) + test.get("check_expect", []))


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.failures = []

    def add(self, ok, name, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            self.failures.append(name)
        line = f"{'ok    ' if ok else 'FAIL  '}{name}"
        print(line + (f"  ({detail})" if detail and not ok else ""), flush=True)


def parse_tap(text):
    """(ok, description) for every TAP point in text."""
    points = []
    for line in text.splitlines():
        m = TAP_LINE.match(line.strip())
        if m:
            points.append((m.group(1) == "ok", m.group(3).strip()))
    return points


# ---------------------------------------------------------------- unit tests
def run_unit_tests(res, only):
    binaries = sorted(glob.glob(os.path.join(BUILD, "unit", "test_*")))
    if not binaries and (not only or only in "unit/"):
        res.add(False, "unit: no host unit tests were built")
    for binary in binaries:
        group = os.path.basename(binary)[len("test_"):]
        if only and only not in f"unit/{group}":
            continue
        env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT="TAP")
        proc = subprocess.run([binary], capture_output=True, text=True,
                              env=env, timeout=300)
        points = parse_tap(proc.stdout)
        log = os.path.join(LOGS, f"unit-{group}.log")
        with open(log, "w") as f:
            f.write(proc.stdout + proc.stderr)
        for ok, desc in points:
            res.add(ok, f"unit/{group}: {desc}")
        if proc.returncode != 0 and all(ok for ok, _ in points):
            res.add(False, f"unit/{group}: exit status {proc.returncode}",
                    f"see {log}")
        if not points:
            res.add(False, f"unit/{group}: printed no TAP", f"see {log}")


# ---------------------------------------------------------------- QEMU tests
def qemu_command(test, extra=()):
    cmd = [QEMU, "-cpu", test.get("cpu", "max"), "-m", test.get("mem", "128M"),
           "-no-reboot", "-display", "none", "-serial", "stdio",
           "-monitor", "none"]
    if test.get("debug_exit", True):
        cmd += DEBUG_EXIT
    if "iso" in test:
        cmd += ["-cdrom", test["iso"]]
    else:
        cmd += ["-kernel", test.get("kernel", KERNEL), "-append",
                test.get("append", "")]
    if "initrd" in test:
        cmd += ["-initrd", ",".join(initrd_module(m) for m in test["initrd"])]
    for i, spec in enumerate(test.get("disks", [])):
        cmd += disk_option(test, i, spec)
    return cmd + list(extra)


# Disk images live in memory when the machine has a tmpfs at /dev/shm: a
# swap test writes hundreds of MiB through them, and a file system on a
# disk makes QEMU's writes several times slower.  Removed after the boot.
DISK_DIR = (os.path.join("/dev/shm", f"vmos-tests-{os.getpid()}")
            if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else LOGS)


def disk_path(test, index):
    return os.path.join(DISK_DIR, f"{test.get('log', test['name'])}-vd{chr(ord('a') + index)}.img")


def remove_disks(test):
    for i in range(len(test.get("disks", []))):
        for path in (disk_path(test, i), disk_path(test, i)[:-len(".img")] + "-blkdebug.conf"):
            if os.path.exists(path):
                os.remove(path)


def disk_option(test, index, spec):
    """QEMU's -drive for disk number index of test ("256M", "64K:ro"): a
    new sparse file each run, private to this test and kernel."""
    size, _, mode = spec.partition(":")
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    nbytes = int(size[:-1]) * units[size[-1]] if size[-1] in units else int(size)
    os.makedirs(DISK_DIR, exist_ok=True)
    path = disk_path(test, index)
    with open(path, "wb") as f:
        f.truncate(nbytes)
    if mode == "ioerr":
        conf = path[:-len(".img")] + "-blkdebug.conf"
        with open(conf, "w") as f:
            for event in ("read_aio", "write_aio"):
                f.write(f'[inject-error]\nevent = "{event}"\nerrno = "5"\nsector = "8"\n\n')
        path = f"blkdebug:{conf}:{path}"
    opts = f"file={path},format=raw,if=virtio" + (",readonly=on" if mode == "ro" else "")
    return ["-drive", opts]


def newc_archive(name, files):
    """A cpio "newc" archive of {path: (mode, bytes)}, written once."""
    path = os.path.join(LOGS, name)
    out = bytearray()

    def entry(n, mode, data):
        nb = n.encode() + b"\0"
        hdr = "070701" + "".join(f"{v:08X}" for v in (
            0, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nb), 0))
        out.extend(hdr.encode() + nb)
        out.extend(b"\0" * (-len(out) % 4))
        out.extend(data)
        out.extend(b"\0" * (-len(out) % 4))
    for n, (mode, data) in files.items():
        entry(n, mode, data)
    entry("TRAILER!!!", 0, b"")
    with open(path, "wb") as f:
        f.write(out)
    return path


def initrd_module(m):
    """The path of an -initrd module: build/initrd.cpio, a made-up
    archive, or a file of random bytes."""
    if os.path.isabs(m):
        return m
    if m == "override.cpio":
        return newc_archive(m, {
            "etc/hostname": (0o100644, b"overridden\n"),
            "extra": (0o040755, b""),
            "extra/note": (0o100644, b"from the second archive\n")})
    return module_file(m)


def module_file(name, size=300 * 1024):
    """A file of pseudo-random bytes for a boot module, made once."""
    path = os.path.join(LOGS, name)
    if not os.path.exists(path):
        seed = sum(name.encode())
        data = bytearray(size)
        for i in range(size):
            seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
            data[i] = seed >> 16 & 0xFF
        with open(path, "wb") as f:
            f.write(data)
    return path


def type_lines(proc, lines):
    """Type each line into the serial console, a pause before each."""
    for delay, line in lines:
        time.sleep(delay)
        try:
            proc.stdin.write(line.encode())
            proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            return


def run_qemu(test):
    """Boot one test; returns (exit code or None on timeout, log text, secs).

    A test with "typed" lines gets them on its serial console, as a user
    at the keyboard would type them."""
    start = time.monotonic()
    loops = [subprocess.Popen(["sh", "-c", "while :; do :; done"])
             for _ in range(test.get("host_load", 0))]
    proc = subprocess.Popen(qemu_command(test), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    chunks, stamps = [], []  # stamps: (host time, bytes received by then)

    def read_all():
        for data in iter(lambda: proc.stdout.read1(4096), b""):
            chunks.append(data)
            stamps.append((time.monotonic(), sum(map(len, chunks))))
    reader = threading.Thread(target=read_all, daemon=True)
    reader.start()
    if test.get("typed"):
        threading.Thread(target=type_lines, args=(proc, test["typed"]),
                         daemon=True).start()
    else:
        proc.stdin.close()
    try:
        code = proc.wait(timeout=test.get("timeout", 60))
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        code = None
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()
    reader.join(5)
    remove_disks(test)
    out = b"".join(chunks)
    if "clock_lines" in test:
        test["line_times"] = line_times(out, stamps, test["clock_lines"][0])
    text = out.decode("utf-8", "replace").replace("\r", "")
    with open(os.path.join(LOGS, test.get("log", test["name"]) + ".log"), "w") as f:
        f.write(text)
    return code, text, time.monotonic() - start


def line_times(out, stamps, pattern):
    """(guest seconds, host arrival time) of each line matching pattern,
    whose group 1 is the guest's time stamp."""
    return [(float(m.group(1)), next(t for t, n in stamps if n >= m.end()))
            for m in re.finditer(pattern.encode(), out, re.M)]


def clock_problems(test):
    """How the host time between test's first two time-stamped lines
    differs from the guest's."""
    _, least, tolerance = test["clock_lines"]
    lines = test.get("line_times", [])
    if len(lines) < 2:
        return ["fewer than two time-stamped lines"]
    (g0, h0), (g1, h1) = lines[:2]
    guest, host = g1 - g0, h1 - h0
    print(f"# {test['name']}: {guest:.2f} guest seconds took {host:.3f} host "
          f"seconds ({(host - guest) / guest * 100:+.2f}%)", flush=True)
    if guest < least:
        return [f"the guest slept {guest:.2f} s, not {least} s"]
    if abs(host - guest) > guest * tolerance:
        return [f"{guest:.2f} guest seconds took {host:.3f} host seconds"]
    return []


def judge_qemu(res, test, code, text, secs):
    name = f"{test.get('group', 'qemu')}/{test['name']}"
    if test.get("tap"):
        for ok, desc in parse_tap(text):
            res.add(ok, f"{name}: {desc}")
    problems = []
    if code is None:
        problems.append("timed out (the kernel stopped answering)")
    elif code != test["exit"]:
        problems.append(f"QEMU exit code {code}, expected {test['exit']}")
    for pattern in test.get("expect", []):
        if not re.search(pattern, text, re.M):
            problems.append(f"log lacks /{pattern}/")
    for pattern in test.get("forbid", []):
        if re.search(pattern, text, re.M):
            problems.append(f"log has /{pattern}/")
    if "clock_lines" in test:
        problems += clock_problems(test)
    for pattern in test.get("once", []):
        n = len(re.findall(pattern, text, re.M))
        if n != 1:
            problems.append(f"log has /{pattern}/ {n} times, not once")
    res.add(not problems, f"{name}: boots and ends as expected ({secs:.2f} s)",
            "; ".join(problems) +
            f"; log: build/test-logs/{test.get('log', test['name'])}.log")


def run_qemu_tests(res, only, jobs, kernel, check):
    """The QEMU tests on kernel, then (check) on the checked kernel."""
    def chosen(t):
        name = f"{t.get('group', 'qemu')}/{t['name']}"
        if t.get("manual"): # only when named in full
            return bool(only) and name.endswith(only) and only in name
        return not only or only in name
    tests = [dict(t, kernel=kernel) for t in QEMU_TESTS
             if not t.get("checked_only") and chosen(t)]
    if check:
        checked = [t for t in map(checked_variant, QEMU_TESTS)
                   if chosen(t) and not t.get("unchecked_only")]
        if checked and not os.path.exists(KERNEL_CHECK):
            res.add(False, "check: build/kernel-check.elf is missing",
                    "make kernel-check builds it")
            checked = []
        tests += checked
    # The longest first (a test's "cost": its rough seconds, 1 if not
    # given; the checked kernel is slower), so that no long test starts
    # last and leaves one core idle; results are still reported in order.
    def cost(t):
        return t.get("cost", 1) * (2 if t.get("group") == "check" else 1)
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {}
        for i in sorted(range(len(tests)), key=lambda i: -cost(tests[i])):
            futures[i] = pool.submit(run_qemu, tests[i])
        for i, test in enumerate(tests):
            judge_qemu(res, test, *futures[i].result())


# ---------------------------------------------------------------- fuzzing
FUZZ_SMOKE_SECONDS = 2


def start_fuzz_smoke(only):
    """Each libFuzzer target (tests/fuzz) for a few seconds: no crash.
    Started in the background while the QEMU tests run (each target runs
    for a fixed time, so it costs them some CPU, not the suite its 20 s);
    finish_fuzz_smoke() collects it."""
    if only and only not in "fuzz/":
        return None
    return subprocess.Popen([sys.executable, os.path.join(ROOT, "tests", "fuzz", "run.py"),
                             "--seconds", str(FUZZ_SMOKE_SECONDS)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, cwd=ROOT)


def finish_fuzz_smoke(res, proc):
    if proc is None:
        return
    try:
        out, _ = proc.communicate(timeout=600)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    with open(os.path.join(LOGS, "fuzz-smoke.log"), "w") as f:
        f.write(out)
    points = parse_tap(out)
    for ok, desc in points:
        res.add(ok, f"fuzz/{desc}", "see build/test-logs/fuzz-smoke.log")
    if not points:
        res.add(False, "fuzz: the smoke run printed no TAP",
                "see build/test-logs/fuzz-smoke.log")


# ---------------------------------------------------------------- GRUB ISO
def run_iso_test(res, only):
    name = "iso/grub-boot"
    if only and only not in name:
        return
    test = dict(name="iso-grub-boot", iso=ISO, debug_exit=True)
    cmd = qemu_command(test)
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    seen = b""
    deadline = start + 90
    done = re.compile(rb"/ # ")  # busybox's prompt: GRUB got all the way
    while time.monotonic() < deadline and not done.search(seen):
        ready, _, _ = select.select([proc.stdout], [], [], 1)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            seen += chunk
    proc.kill()
    proc.wait()
    text = seen.decode("utf-8", "replace").replace("\r", "")
    with open(os.path.join(LOGS, "iso-grub-boot.log"), "w") as f:
        f.write(text)
    ok = bool(re.search(BANNER, text)) and "Boot loader: GRUB" in text and \
        "initrd.cpio" in text and bool(done.search(seen)) and "PANIC" not in text
    res.add(ok, f"{name}: GRUB boots build/os.iso with the initrd to the shell "
                f"prompt ({time.monotonic() - start:.2f} s)",
            "see build/test-logs/iso-grub-boot.log")


# ---------------------------------------------------------------- gdb
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


GDB_EXPECT = [
    ("a hardware breakpoint stops in kmain", r"Breakpoint 1, kmain \("),
    ("gdb shows kmain's source", r"kernel/main\.c"),
    ("next steps a source line", r"multiboot_parse\(magic, mbi, &boot_info\);"),
    ("reads boot_info.loader by name", r'^loader=qemu$'),
    ("reads the command line", r'^cmdline=ktest=boot$'),
    ("stops in kmain_late on the guarded stack", r"Breakpoint 2, kmain_late"),
    ("reads kernel_pt_root", r"^kernel_pt_root=0x[0-9a-f]+000$"),
    ("$rsp is in the kernel stack area", r"^rsp=0xffffc9"),
    ("backtrace names the caller", r"#1 .*arch_call_on_stack"),
]


def gdb_session(test, script, setup=()):
    """Boot QEMU paused (-S) with its gdb stub for test (a QEMU_TESTS-style
    dict), run gdb -batch on script, wait for QEMU to exit.  Returns gdb's
    output (stdout and stderr in order), the serial log and QEMU's exit
    code; both texts go to build/test-logs/NAME.log.  setup: gdb scripts
    to run after connecting, before script (as tools/gdb/debug.sh does)."""
    port = free_port()
    qemu = subprocess.Popen(qemu_command(test, ["-S", "-gdb", f"tcp:127.0.0.1:{port}"]),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    cmd = ["gdb", "-batch", "-nx", "-ex", f"target remote 127.0.0.1:{port}"]
    for f in list(setup) + [script]:
        cmd += ["-x", f]
    try:
        gdb = subprocess.run(cmd + [KERNEL], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, timeout=120,
                             cwd=ROOT)
        out = gdb.stdout
    except subprocess.TimeoutExpired as e:
        out = "gdb timed out\n" + str(e.stdout or "")
    try:
        qout, _ = qemu.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        qemu.kill()
        qout, _ = qemu.communicate()
    serial = qout.decode("utf-8", "replace").replace("\r", "")
    with open(os.path.join(LOGS, test["name"] + ".log"), "w") as f:
        f.write(out + "\n--- serial ---\n" + serial)
    return out, serial, qemu.returncode


def run_gdb_test(res, only):
    if only and only not in "gdb/boot":
        return
    out, _, code = gdb_session(dict(name="gdb", append="ktest=boot"),
                               os.path.join(ROOT, "tests", "gdb", "boot.gdb"))
    for desc, pattern in GDB_EXPECT:
        res.add(bool(re.search(pattern, out, re.M)), f"gdb/boot: {desc}",
                "see build/test-logs/gdb.log")
    res.add(code == EXIT_OK,
            "gdb/boot: the kernel runs on to a clean power-off after gdb detaches",
            f"QEMU exit code {code}")


# tests/gdb/vm.gdb: tools/gdb/vmos.py's commands, loaded as `make debug`
# loads them (tools/gdb/vmos.gdb), stopped in cat's exit_group (cat is
# PID 4, its parent the shell, PID 1; 2 and 3 are the kernel threads
# kthreadd and kswapd0).
GDB_VM_APPEND = 'init=/bin/sh -c "cat /proc/self/maps; echo done"'
MAPS_LINE = re.compile(r"^[0-9a-f]{8,}-[0-9a-f]{8,} [-r][-w][-x][ps] .*\n", re.M)


def pt_levels(text):
    """The levels a pt walk printed with P set: ["PML4", "PDPT", ...]."""
    return re.findall(r"^  (PML4|PDPT|PD|PT) *\[ *\d+\] = 0x[0-9a-f]{16} -> "
                      r"0x[0-9a-f]+ \(.*\)  P\b", text, re.M)


def frames_consistent(text):
    """frames' numbers agree: free + used = managed, the free lists plus
    the frames not set up yet and the frame table plus those count the same
    free frames, the table the same used ones, and its slab pages are
    kmalloc's slab_pages."""
    m = re.search(r"frames: (\d+) managed \(\d+ KiB\), (\d+) free, (\d+) used", text)
    lists = re.search(r"^free lists .* = (\d+) frames; (\d+) more free", text, re.M)
    slab = re.search(r"^kmalloc: (\d+) slab pages", text, re.M)
    table = re.search(r"^frame table: \d+ entries: (\d+) free, (\d+) used "
                      r"\((\d+) page tables, (\d+) slab\)", text, re.M)
    if not (m and lists and slab and table):
        return False
    managed, free, used = map(int, m.groups())
    t_free, t_used, t_pt, t_slab = map(int, table.groups())
    pending = int(lists[2])
    return (free + used == managed and int(lists[1]) + pending == free and
            t_free + pending == free and t_used == used and t_pt > 0 and
            t_slab == int(slab[1]) > 0)


GDB_VM_BAD = [
    ("pt", r"usage: pt ADDR \[PID\]"),
    ("pt 0x1000 99", r"no task with PID 99 \(ps lists the tasks\)"),
    ("pt nosuchsymbol", r"cannot evaluate 'nosuchsymbol'"),
    ("vmas 0", r"PID 0 \(swapper\) has no user address space \(its mm is NULL\)"),
    ("vmas 99", r"no task with PID 99"),
    ("maps", r"usage: maps PID"),
    ("maps abc", r"'abc' is not a PID"),
    ("maps -1", r"'-1' is not a PID"),
    ("ps extra", r"usage: ps"),
]


def gdb_vm_checks(out, serial):
    """(description, passed) for each behaviour of the commands."""
    sec = dict(zip(*[iter(re.split(r"^== (\S+)\n", out, flags=re.M)[1:])] * 2))
    g = lambda name: sec.get(name, "")
    console_maps = "".join(MAPS_LINE.findall(serial))
    ranges = lambda text: re.findall(r"^([0-9a-f]+)-([0-9a-f]+) ", text, re.M)
    vmas_ranges = [(s.lstrip("0") or "0", e.lstrip("0"))
                   for s, e in re.findall(r"^([0-9a-f]{16}) ([0-9a-f]{16}) ", g("vmas"), re.M)]
    user = re.search(r"^user=(0x[0-9a-f]+) direct=(0x[0-9a-f]+)$", g("pt-user"), re.M)
    cr3_root = re.search(r"PML4 at phys (0x[0-9a-f]+), from CR3", g("pt-user"))
    pid_root = re.search(r"PML4 at phys (0x[0-9a-f]+), from PID 1 \(sh\): mm->pgd",
                         g("pt-pid1"))
    checks = [
        ("with paging off, pt says so and ps explains why it cannot read memory",
         "paging is off (CR0.PG is clear)" in g("early") and
         re.search(r"^\[ps\] error: ps: cannot read kernel memory .*own page tables",
                   g("early"), re.M)),
        ("in kmain: vmas says no task runs yet, pt PID 0 that there are no "
         "kernel tables yet",
         re.search(r"^\[vmas\] error: no task runs yet \(current is NULL", g("kmain"), re.M) and
         re.search(r"^\[pt 0x1000 0\] error: kernel_pt_root is 0: paging_init has not",
                   g("kmain"), re.M)),
        ("hbreak do_anonymous_page stops on a demand-zero fault, called by "
         "handle_pte_fault, resolve, handle_mm_fault and page_fault",
         re.search(r"^#0 +do_anonymous_page \(.*\n#1 .*handle_pte_fault .*\n"
                   r"#2 .*resolve .*\n#3 .*handle_mm_fault .*\n#4 .*page_fault ",
                   g("anon-fault"), re.M) and
         re.search(r"^fault-addr=0x[0-9a-f]+$", g("anon-fault"), re.M)),
        ("ps lists the idle task, init (sh) as PID 1, the kernel threads "
         "and cat as PID 4, current",
         re.search(r"^  +0 +0 +- +running +swapper ", g("ps"), re.M) and
         re.search(r"^  +1 +1 +- +sleeping +sh +0xffff888", g("ps"), re.M) and
         re.search(r"^  +2 +2 +- +\w+ +kthreadd ", g("ps"), re.M) and
         re.search(r"^  +3 +3 +2 +\w+ +kswapd0 ", g("ps"), re.M) and
         re.search(r"^\* +4 +4 +1 +running +cat +0xffff888", g("ps"), re.M)),
        ("vmas lists cat's regions in address order, as its /proc/self/maps",
         re.search(r"^PID 4 \(cat\): \d+ regions", g("vmas"), re.M) and
         vmas_ranges and vmas_ranges == [(s.lstrip("0") or "0", e.lstrip("0"))
                                         for s, e in ranges(console_maps)]),
        ("vmas names the text (file offset, smaps 'ex'), [heap] and [stack] ('gd')",
         re.search(r" r-xp +\w+  /bin/busybox \+0x[0-9a-f]+ +rd ex ", g("vmas")) and
         re.search(r" rw-p +\w+  \[heap\] ", g("vmas")) and
         re.search(r" rw-p +\w+  \[stack\] .* gd$", g("vmas"), re.M)),
        ("maps 4 is byte for byte the /proc/self/maps cat printed",
         len(console_maps.splitlines()) >= 5 and g("maps") == console_maps),
        ("pt walks a user stack address from CR3 through four present levels",
         cr3_root and pt_levels(g("pt-user")) == ["PML4", "PDPT", "PD", "PT"] and
         re.search(r"\(4 KiB page\)  P RW US .*NX$", g("pt-user"), re.M) and
         "access: user, writable, no-execute" in g("pt-user")),
        ("pt's physical address holds what the user address holds",
         user and user[1] == user[2] and
         re.search(r"^0x[0-9a-f]+: frame 0x[0-9a-f]+, phys 0x[0-9a-f]+ ",
                   g("pt-user"), re.M)),
        ("pt ADDR 1 walks PID 1's mm->pgd: the shell's argc at its stack",
         pid_root and cr3_root and pid_root[1] != cr3_root[1] and
         pt_levels(g("pt-pid1")) == ["PML4", "PDPT", "PD", "PT"] and
         re.search(r"^sh-argc=3$", g("pt-pid1"), re.M)),
        ("pt kmain: a global 4 KiB page, kernel-only, read-only, executable",
         pt_levels(g("pt-kernel-text")) == ["PML4", "PDPT", "PD", "PT"] and
         re.search(r"^  PT +\[.*\(4 KiB page\)  P A G$", g("pt-kernel-text"), re.M) and
         "access: kernel-only, read-only, executable" in g("pt-kernel-text")),
        ("pt on the direct map stops at a 2 MiB page (PS) at the PD level",
         pt_levels(g("pt-direct-map")) == ["PML4", "PDPT", "PD"] and
         re.search(r"^  PD +\[  1\] = 0x[0-9a-f]+ -> 0x200000 \(2 MiB page\)  "
                   r"P RW .*PS G NX$", g("pt-direct-map"), re.M) and
         "0xffff888000200000: frame 0x200, phys 0x200000 " in g("pt-direct-map")),
        ("pt on an unmapped or non-canonical address says so",
         re.search(r"^0x0 is not mapped: the (PML4|PDPT|PD|PT) entry is not present",
                   g("pt-unmapped"), re.M) and "pt_phys=-1" in g("pt-unmapped") and
         "0x800000000000 is not canonical" in g("pt-unmapped")),
        ("pt (made-up tables): NX, read-only and kernel-only above the leaf "
         "rule the access; bit 7 of a PT entry is PAT",
         re.search(r"^  PT +\[  1\] = .*\(4 KiB page\)  P RW US PAT\n"
                   r"0x1234: frame 0x5, phys 0x5234 .*\naccess: kernel-only, "
                   r"read-only, no-execute$", g("pt-made-up"), re.M)),
        ("pt (made-up tables): a PROT_NONE page keeps its frame, not present",
         "0x2000 is not mapped for the CPU: a PROT_NONE page that keeps frame 0x6 "
         "(phys 0x6000)" in g("pt-made-up")),
        ("pt (made-up tables): a 1 GiB page (PS) at the PDPT level",
         re.search(r"^  PDPT\[  1\] = 0x0+40000087 -> 0x40000000 \(1 GiB page\)  "
                   r"P RW US PS\n0x40012345: frame 0x40012, phys 0x40012345 ",
                   g("pt-made-up"), re.M)),
        ("pt (made-up tables): an entry pointing beyond the direct map is refused",
         "[garbage] error: phys 0xf000000000000 is beyond the direct map" in g("pt-made-up")),
        ("frames: free + used = managed, and the free lists and frame table agree",
         frames_consistent(g("frames"))),
    ]
    for cmd, message in GDB_VM_BAD:
        checks.append((f"'{cmd}' fails with a clear message",
                       re.search(r"^\[" + re.escape(cmd) + r"\] error: .*" + message,
                                 g("bad"), re.M)))
    checks.append(("after detach the commands refuse to read the ELF file instead",
                   re.search(r"^\[ps\] error: ps: no kernel is running under gdb",
                             g("detached"), re.M)))
    checks.append(("no Python traceback anywhere",
                   "Traceback" not in out and "Python Exception" not in out and
                   "== end" in out))
    return checks


def run_gdb_vm_test(res, only):
    if only and only not in "gdb/vm":
        return
    start = time.monotonic()
    out, serial, code = gdb_session(
        dict(name="gdb-vm", append=GDB_VM_APPEND, initrd=[INITRD]),
        os.path.join(ROOT, "tests", "gdb", "vm.gdb"),
        setup=[os.path.join(ROOT, "tools", "gdb", "vmos.gdb")])
    for desc, ok in gdb_vm_checks(out, serial):
        res.add(bool(ok), f"gdb/vm: {desc}", "see build/test-logs/gdb-vm.log")
    res.add(code == EXIT_OK and re.search(r"^done$", serial, re.M),
            f"gdb/vm: the system runs on to a clean power-off after gdb detaches "
            f"({time.monotonic() - start:.2f} s)", f"QEMU exit code {code}")


def run_docs_check(res, only):
    """tools/check_docs.py: every function, breakpoint, path and make
    target the docs name exists (and a kernel function has a caller)."""
    if only and only not in "docs/check":
        return
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "check_docs.py")],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    problems = [l for l in proc.stdout.splitlines()
                if l.startswith("check_docs: ") and " problems" not in l]
    for p in problems:
        res.add(False, "docs/check: " + p[len("check_docs: "):])
    res.add(proc.returncode == 0 and not problems,
            "docs/check: README.md and docs/*.md name only functions, breakpoints, "
            "files and make targets that exist", proc.stdout.strip().splitlines()[-1:]
            and proc.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", default="", help="run tests whose name contains this")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--kernel", default=KERNEL,
                    help="the kernel the qemu/ tests boot (default build/kernel.elf)")
    ap.add_argument("--no-check", action="store_true",
                    help="skip the check/ tests (the QEMU tests on the checked kernel)")
    args = ap.parse_args()
    if args.list:
        for t in QEMU_TESTS:
            if not t.get("checked_only"):
                print(f"qemu/{t['name']}: {t.get('append', '')}")
        for t in QEMU_TESTS:
            if not t.get("unchecked_only"):
                print(f"check/{t['name']}: {t.get('append', '')}")
        print("iso/grub-boot\ngdb/boot\ngdb/vm\ndocs/check\nunit/* (build/unit/test_*)")
        return 0
    os.makedirs(LOGS, exist_ok=True)
    res = Results()
    start = time.monotonic()
    run_unit_tests(res, args.only)
    run_docs_check(res, args.only)
    fuzz = start_fuzz_smoke(args.only)
    run_qemu_tests(res, args.only, args.jobs, args.kernel, not args.no_check)
    finish_fuzz_smoke(res, fuzz)
    run_iso_test(res, args.only)
    run_gdb_test(res, args.only)
    tour.run(res, sys.modules[__name__], args.only)
    run_gdb_vm_test(res, args.only)
    if DISK_DIR != LOGS and os.path.isdir(DISK_DIR):
        shutil.rmtree(DISK_DIR, ignore_errors=True)
    print(f"# {time.monotonic() - start:.1f} s; logs in build/test-logs/")
    for name in res.failures:
        print(f"# failed: {name}")
    print(f"{res.passed} passed, {res.failed} failed")
    return 1 if res.failed else 0


if __name__ == "__main__":
    sys.exit(main())
