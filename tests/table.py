"""tests/table.py - what make test runs: the test table, as data.

tests/run.py is the engine (booting QEMU, judging logs, the unit, gdb,
ISO and docs tests); this file says which QEMU tests exist, with what
command line, exit code and log patterns (QEMU_TESTS: the comment above
it gives every key), and what the gdb tests expect.  Adding a test is
adding an entry here.
"""
import os
import re

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
# log_check=f: f(log text) returns a list of problems (empty: passed).
# smp=4: QEMU's -smp (if not given, 2 for qemu/ and 4 for check/: run.py's
# DEFAULT_SMP); qemu_args=[...]: more QEMU
# options, e.g. ["-machine", "acpi=off"].
# typed=[("prompt", "ls\n"), (0.5, "\x03")]: keys for the serial console,
# each typed after the shell's next prompt or after a pause in seconds
# (tests/run.py type_lines).
# What the kernel prints at pr_warn and KERN_ERR (kernel/entry.c,
# kernel/main.c...), and the KERN_DEBUG notice of an unimplemented call
# (kernel/syscall.c): a failure in the adversarial programs.  The notice
# reaches the console only at log level 8, so those tests boot with
# DEBUG_CONSOLE in front of init=.
DEBUG_CONSOLE = "loglevel=8"
ADV_FORBID = [r"not implemented \(called by", r"is out of range \(called by",
              r"out of memory", r"WARN", r"HUNG"]

def initrd_freed_problems(text):
    """The boot modules' memory went back to the allocator after unpacking:
    /proc/meminfo's MemTotal = the KiB managed at boot + the KiB freed,
    and the freed KiB cover the modules (each rounded in to whole pages)."""
    managed = re.search(r"Memory: \d+ KiB usable RAM, (\d+) KiB managed", text)
    freed = re.search(r"initrd: freed the boot modules' memory: (\d+)K", text)
    total = re.search(r"^MemTotal:\s+(\d+) kB", text, re.M)
    mods = re.findall(r"module \d+: \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\]", text)
    if not (managed and freed and total and mods):
        return ["log lacks the boot's Memory: line, the initrd's freed line, "
                "the modules or MemTotal"]
    pages = sum(((int(e, 16) + 1) >> 12) - ((int(s, 16) + 4095) >> 12) for s, e in mods)
    problems = []
    if int(freed[1]) != pages * 4:
        problems.append(f"freed {freed[1]} KiB, the modules hold {pages * 4} KiB of whole pages")
    if int(total[1]) != int(managed[1]) + int(freed[1]):
        problems.append(f"MemTotal {total[1]} kB is not {managed[1]} managed + {freed[1]} freed")
    return problems


# The swap suite's boot (make test runs it --quick; swap-full, below, in full).
QUICK_SWAP = dict(name="user-swap", cost=6, append="init=/tests/swap_test --quick", initrd=[INITRD],
     mem="64M", disks=["256M"], exit=EXIT_OK, tap=True, timeout=120,
     expect=[r"^# vmtrace: traced pid (\d+)$[\s\S]*vmtrace: swaptraced\[\1\] "
             r"page 0x[0-9a-f]+ evicted to swap 0:\d+$",
             r"vmtrace: swaptraced\[\d+\] read 0x[0-9a-f]+ in anonymous memory "
             r"rw-p: major fault: swap-in, read from disk",
             r"vmtrace: swaptraced\[\d+\] read 0x[0-9a-f]+ in anonymous memory "
             r"rw-p: swap-in from the swap cache"],
     forbid=[r"out of memory", r"blkdev:", r"virtio_blk: "])

# The boot line of arch/x86_64/acpi.c for QEMU's i440fx machine, given
# what it says about the CPUs.
def acpi_madt_line(cpus):
    return (r"ACPI: MADT: " + cpus + r", local APIC at 0xfee00000, "
            r"I/O APIC 0 at 0xfec00000 \(GSI base 0\), 5 interrupt overrides, "
            r"8259 PICs present\r?$")

QEMU_TESTS = [
    # KERN_DEBUG messages go to the log only (kernel/printk.c), unless
    # the console's level is 8 (loglevel=8, below).
    dict(name="direct-boot", append="poweroff", exit=EXIT_OK, smp=1,
         expect=[BANNER, acpi_madt_line(r"1 CPU \(local APIC id 0\)"),
                 r"Physical memory map:", r"MemFree: +\d+ kB",
                 r"Running on a guarded kernel stack",
                 r"ioapic: I/O APIC 0 at 0xfec00000: GSI 0-23",
                 r"irq: device interrupts come through the I/O APIC to CPU 0 from "
                 r"now on \(IRQ n on GSI n, IRQ 0 on GSI 2; not edge and active "
                 r"high: 5 9 10 11\); the 8259 PICs are masked",
                 r"poweroff: boot complete"],
         forbid=[r"printk: console log level"]),
    dict(name="cmdline-unknown-option", append="bogus=1 quiet2 loglevel=8 poweroff",
         exit=EXIT_OK,
         expect=[r"unknown option 'bogus' ignored",
                 r"unknown option 'quiet2' ignored", r"poweroff: boot complete",
                 r"printk: console log level 8: debug messages are shown"]),
    dict(name="cmdline-init-args", append='poweroff init=/sbin/init -v "two words"',
         exit=EXIT_OK, expect=[r"init=/sbin/init with 2 argument\(s\)"]),
    dict(name="acpi-poweroff", append="poweroff", debug_exit=False, exit=0,
         expect=[r"poweroff: boot complete"]),
    # The CPUs and interrupt controllers from the MADT (arch/x86_64/acpi.c):
    # QEMU's i440fx tables at -smp 4, with two more hot-pluggable sockets
    # (disabled entries), and a machine without ACPI (one CPU assumed).
    dict(name="acpi-madt-smp4", append="poweroff", smp="4,maxcpus=6",
         exit=EXIT_OK, expect=[acpi_madt_line(r"4 CPUs \(local APIC ids 0 1 2 3\), 2 disabled"),
                               # and they start (arch/x86_64/smp.c)
                               r"smp: 4 CPUs online: CPU 0 \(APIC id 0\) runs the kernel; "
                               r"CPUs 1-3 \(APIC ids 1 2 3\) started in \d+ us and parked"],
         forbid=[r"did not start", r"smp: no memory"]),
    dict(name="smp-8", append='init=/bin/sh -c "nproc; cat /proc/stat /proc/cpuinfo"',
         initrd=[INITRD],
         smp=8, exit=EXIT_OK,
         expect=[r"smp: 8 CPUs online: CPU 0 \(APIC id 0\) runs the kernel; "
                 r"CPUs 1-7 \(APIC ids 1 2 3 4 5 6 7\) started in \d+ us and parked",
                 r"^8$", # nproc: sched_getaffinity's CPUs
                 # /proc/stat: all CPUs, then each
                 r"^cpu  \d+ 0 \d+ \d+ 0 0 0 0 0 0$", r"^cpu0 \d+ 0 \d+ \d+ 0 0 0 0 0 0$",
                 r"^cpu7 \d+ 0 \d+ \d+ 0 0 0 0 0 0$",
                 # /proc/cpuinfo: a block per CPU, with its APIC id
                 r"^processor\t: 7\nvendor_id\t: \w+\ncpu family\t: \d+\n",
                 r"^apicid\t\t: 7\ninitial apicid\t: 7$", r"^siblings\t: 8$",
                 r"^address sizes\t: \d+ bits physical, 48 bits virtual$"],
         forbid=[r"did not start", r"smp: no memory"]),
    # Without ACPI there is no I/O APIC either: the 8259 PICs keep
    # delivering, and the timer's interrupt still ends a sleep.
    dict(name="acpi-none", append='init=/bin/sh -c "sleep 0.1; echo slept"',
         initrd=[INITRD], qemu_args=["-machine", "acpi=off"],
         exit=EXIT_OK, unchecked_only=True,
         expect=[r"ACPI: no RSDP: one CPU, local APIC at 0xfee00000",
                 r"smp: 1 CPU \(APIC id 0\)",
                 r"irq: no I/O APIC: the 8259 PICs deliver IRQ 0-15", r"^slept"],
         forbid=[r"ACPI: MADT", r"I/O APIC 0 at"]),
    dict(name="ktest-all", append="ktest=all", exit=EXIT_OK, tap=True),
    # IPIs and the TLB shootdown on 4 CPUs (tests/ktest/smp.c); ktest-all
    # above runs it on two (four on the checked kernel).
    dict(name="ktest-smp", append="ktest=smp", smp=4, exit=EXIT_OK, tap=True,
         expect=[r"the other CPUs still read A: their TLBs hold the old translation"],
         forbid=[r"did not answer", r"SKIP"]),
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
    dict(name="memory-32M-shell", cost=1, append="", initrd=[INITRD], mem="32M",
         unchecked_only=True,
         exit=EXIT_OK, timeout=60,
         typed=[("prompt", "free\n"), ("prompt", "/tests/hello 0 small\n"),
                ("prompt", "ls /tests | wc -l\n"), ("prompt", "poweroff\n")],
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
         # most 32 out-of-range numbers are (proc_test calls 40 of them and
         # counts the lines in dmesg); at KERN_DEBUG, so the console shows
         # only the one called after `dmesg -n 8`
         once=[r"syscall 184 \(tuxcall\) not implemented \(called by proc_test"],
         forbid=[r"syscall 183 \(afs_syscall\) not implemented",
                 r"is out of range \(called by", r"out-of-range numbers logged"]),
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
    # Several CPUs (issue 18): threads pinned apart run at once; mprotect,
    # munmap+remap and a COW break seen at once by a reader on another
    # CPU (the shootdown); exit_group, futexes, pipes across CPUs;
    # parallel faults; fork while threads write.  At -smp 2 here, -smp 4
    # on the checked kernel, and at one CPU (the cases say so and pass).
    dict(name="user-smp", cost=2, append="init=/tests/smp_test", initrd=[INITRD],
         mem="256M", exit=EXIT_OK, tap=True, timeout=120),
    dict(name="user-smp-1", smp=1, append="init=/tests/smp_test", initrd=[INITRD],
         mem="256M", exit=EXIT_OK, tap=True, timeout=120),
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
    dict(name="user-futex", append=f"{DEBUG_CONSOLE} init=/tests/futex_test", initrd=[INITRD],
         exit=EXIT_OK, tap=True, timeout=60, forbid=ADV_FORBID),
    # Core files (tests/user/core_test.c, kernel/coredump.c): limits,
    # names, contents, threads; core_gdb: the host's gdb reads the one
    # the program prints (tests/run.py core_gdb_problems).
    dict(name="user-core", append="init=/tests/core_test --dump", initrd=[INITRD],
         exit=EXIT_OK, tap=True, timeout=60, core_gdb=True,
         check_append="init=/tests/core_test --once"),
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
    dict(name="user-sysfuzz", cost=3,
         # workers on every CPU (issue 18): 2 at -smp 2, 4 on the checked
         # kernel's -smp 4
         append="norandmaps init=/tests/sysfuzz --seed 1 --calls 100000 --jobs 2",
         check_append="norandmaps init=/tests/sysfuzz --seed 1 --calls 100000 --jobs 4",
         initrd=[INITRD], exit=EXIT_OK, tap=True, timeout=120,
         expect=[r"sysfuzz: seed 1$", r"\d+ calls/s"], forbid=[r"HUNG", r"LOOPED"]),
    # The watchdog itself: worker 2 runs without calls, as a kernel that
    # retries a fault forever would leave it; it must be called LOOPED
    # (and nothing else, however long the other workers' calls take).
    dict(name="user-sysfuzz-spin",
         append="norandmaps init=/tests/sysfuzz --seed 1 --calls 8000 --warmup 0 --spin 2",
         initrd=[INITRD], exit=EXIT_FAIL, timeout=60,
         once=[r"^# LOOPED worker 2 \(seed 1\): stuck outside a call for \d+ ms, "
               r"\d+ ms of it on the CPU"],
         expect=[r"^not ok 3 - no worker looped .*: 1 looped$"], forbid=[r"HUNG"]),
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
    dict(name=f"user-adv-{part}", append=f"{DEBUG_CONSOLE} init=/tests/adv_{part}", initrd=[INITRD],
         exit=EXIT_OK, tap=True, timeout=180 if part == "ptr" else 120,
         forbid=list(ADV_FORBID))
    for part in ("ptr", "cpu", "exec", "mm", "signal")
] + [
    dict(name="user-fs", append="init=/tests/fs_test", initrd=[INITRD],
         exit=EXIT_OK, tap=True, timeout=120),
    # AF_UNIX sockets (net, tests/user/socket_test.c).
    dict(name="user-socket", append="init=/tests/socket_test", initrd=[INITRD],
         exit=EXIT_OK, tap=True, timeout=60),
    # AF_INET over the loopback (net/af_inet.c, tests/user/inet_test.c;
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
    # make test runs it --quick (without the three longest pressure cases:
    # the time budget); make fuzz runs them all, on both kernels
    # (swap-full).
    QUICK_SWAP,
    # ... and swap-full, the same boot without --quick
    dict(QUICK_SWAP, name="swap-full", cost=12, manual=True,
         forbid=list(QUICK_SWAP["forbid"]),
         append="init=/tests/swap_test"),
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
         # one kill a round of t_populate_undo, which runs a second round
         # when the other thread missed the race (more often on 2 CPUs)
         expect=[r"out of memory: killed pid"],
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
    dict(name="user-interactive-shell", cost=3, append="", initrd=[INITRD],
         unchecked_only=True,
         exit=EXIT_OK, timeout=60,
         typed=[("prompt", "ls /\n"), ("prompt", "echo hi | cat\n"),
                ("prompt", "cat /proc/meminfo | head -2\n"), ("prompt", "ps\n"),
                ("prompt", "/tests/crash\n"), ("prompt", "sleep 30\n"), (0.5, "\x03"),
                ("prompt", "echo status=$?\n"), ("prompt", "exit\n"),
                ("prompt", "echo new shell\n"), ("prompt", "poweroff\n")],
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
    dict(name="user-job-control", cost=3, append="", initrd=[INITRD], unchecked_only=True,
         exit=EXIT_OK, timeout=60,
         typed=[("prompt", "sleep 30\n"), (0.5, "\x1a"), ("prompt", "jobs\n"),
                ("prompt", "bg\n"), ("prompt", "jobs\n"), ("prompt", "fg\n"), (0.5, "\x03"),
                ("prompt", "echo status=$?\n"), ("prompt", "kill -9 1; echo init-alive\n"),
                ("prompt", "poweroff\n")],
         expect=[r"\[1\]\+ +Stopped +sleep 30", r"\[1\] sleep 30",
                 r"\[1\]\+ +Running +sleep 30", r"status=130",
                 r"^init-alive\r?$", r"init: power off requested"]),
    # make bench's archive (tools/bench.py --cpio): vmbench as /init with
    # /dev/console, the one Linux boots too; one repetition of each.
    dict(name="bench-smoke", initrd=[os.path.join(BUILD, "bench", "bench.cpio")],
         append="init=/init -q", mem="256M", exit=EXIT_OK, timeout=90,
         expect=[r"^vmbench: start", r"^vmbench: done"] +
         [rf"^{n} +\d+ (ns|us|ns/page)\r?$" for n in (
             "getpid", "demand-zero", "cow", "fork-exit-16M", "fork-exit-16M-steady", "fork-exec",
             "mmap-cycle", "brk-touch", "fault-16", "fault-1024", "fault-16384",
             "fault-1024-spread", "fault-16384-spread", "pipe-rtt")]),
    # make bench's user-level workloads (tests/user/bench_user.c, issue 17)
    # in their small -q versions, without vmbench (-n): busybox sh, a
    # pipeline and bench_malloc from bench-all.cpio, the archive Linux
    # boots too.  (normal kernel only: the checked one runs bench-smoke,
    # and busybox pipelines in user-busybox-pipeline; about 0.7 s)
    dict(name="bench-user-smoke", append="init=/init -q -n", mem="256M",
         unchecked_only=True,
         initrd=[os.path.join(BUILD, "bench", "bench-all.cpio")],
         exit=EXIT_OK, timeout=90,
         expect=[r"^benchuser: start", r"^benchuser: done"] +
         [rf"^{n} +\d+ (ns|us)\r?$" for n in (
             "rep-stosq-4k", "rep-movsq-4k", "sh-loop", "pipeline",
             "malloc-256M")]),
    # Linux's own selftests that pass on vmos and on Linux 6.1
    # (tests/conformance/subset.txt), one TAP point each; make conformance
    # runs them all on both kernels (docs/conformance.md).
    # (normal kernel only: 21 s on the checked one; make conformance runs
    # them all)
    dict(name="conformance-subset", cost=5, append="init=/init --tap",
         initrd=[os.path.join(BUILD, "conformance", "subset.cpio")],
         exit=EXIT_OK, tap=True, timeout=120, unchecked_only=True),
    # Every initrd module is unpacked in order; a later one overrides.
    # Then the modules' memory is freed: MemTotal is what was managed at
    # boot plus what the modules held.
    dict(name="user-initrd-override", initrd=[INITRD, "override.cpio"],
         append="init=/bin/cat /etc/hostname /extra/note /proc/meminfo",
         exit=EXIT_OK, expect=[r"^overridden\r?$", r"^from the second archive\r?$",
                               r"initrd: module 1 \(\S*override.cpio\): \d+ entries"],
         log_check=initrd_freed_problems),
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
    # ... and of lock-order bugs (kernel/lockdep.c), at -smp 2: the held
    # stacks are each CPU's.
    dict(name="ktest-lockdep", append="ktest=lockdep", smp=2, exit=EXIT_OK,
         tap=True, checked_only=True, reports=True,
         expect=[r"lockdep: checking lock order \(256 classes max\)",
                 r"lockdep: possible deadlock: taking ktest_a while holding "
                 r"ktest_b, but ktest_a -> ktest_b was seen\n.*lockdep:   now: "
                 r"ktest_b \(taken in ktest_lockdep_inversion\) held, taking "
                 r"ktest_a in ktest_lockdep_inversion\n.*lockdep:   before: "
                 r"ktest_a \(taken in take\) held, took ktest_b in take",
                 r"lockdep: class ktest_irq is taken in interrupt handlers and "
                 r"with interrupts on \(at ktest_lockdep_irqs_on with interrupts "
                 r"on, at ktest_lockdep_handler in an interrupt handler\)",
                 r"lockdep: sleeping \(in ktest_lockdep_sleep\) while holding "
                 r"spinlock ktest_a \(taken in take\)",
                 r"lockdep: releasing ktest_b in ktest_lockdep_release, but this "
                 r"CPU does not hold it",
                 r"CPU 0 holds 1 lock, CPU 1 holds 0"],
         forbid=[r"SKIP"]),
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
# tlbdemo (at -smp 2 here, 4 on the checked kernel): the reader on CPU 1
# faults at once after CPU 0's mprotect, which asked one shootdown
DEMOS_EXPECT += [r"tlbdemo: reader thread on CPU 1 reads the page in a loop",
                 r"tlbdemo: mprotect returned; the reader read [01] more time\(s\), "
                 r"then faulted \(SIGSEGV\)",
                 r"tlbdemo: during mprotect: shootdowns asked \(nr_tlb_remote_flush\) "
                 r"\+1, flushes done by other CPUs \(nr_tlb_remote_flush_received\) \+1"]
for _demo in ("layout", "lazy", "pagemap", "cow", "mmap-file", "mmap-anon", "segv",
              "loader", "stack", "threads", "shlib", "aslr", "jit", "tlbdemo"):
    DEMOS_EXPECT.append(rf"^== {_demo} exit 0$")
QEMU_TESTS.append(dict(name="user-demos", cost=3,
                       append=f"{DEBUG_CONSOLE} init=/bin/sh /tests/demos.sh",
                       initrd=[INITRD], exit=EXIT_OK, timeout=90,
                       expect=DEMOS_EXPECT + [r"^== nc echo: over tcp\r?$",
                                              r"^== wget: over http\r?$",
                                              r"^== netstat: tcp +0 +0 :::8080 +:::\* +LISTEN"],
                       forbid=[r"UNEXPECTED", r"no fault!", r"\(membarrier\) not implemented"]))

# What the checked kernel prints when it finds a bug (kernel/ubsan.c,
# mm/poison.c, the lock checker kernel/lockdep.c): a test whose log has
# one fails, on either kernel, unless it provokes them on purpose
# (reports=True).  The checker's boot line is not a report.
SANITIZER_REPORTS = [r"UBSAN:", r"POISON:", r"lockdep: (?!checking lock order)"]

for t in QEMU_TESTS:
    if t["exit"] != EXIT_PANIC:
        t.setdefault("forbid", []).append(r"PANIC")
    if not t.get("reports"):
        t.setdefault("forbid", []).extend(SANITIZER_REPORTS)


# ---- the gdb tests (run.py: run_gdb_test, run_gdb_vm_test)
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
