# tools/gdb/vmos.py - gdb commands that read vmos's memory structures:
#   pt ADDR [PID]   the four-level page-table walk of one virtual address
#   vmas [PID]      a process's regions (the VMA tree, in address order)
#   maps PID        the text of /proc/PID/maps, built from the same fields
#   ps              every task: PID, TGID, state, name
#   frames          the frame allocator's counts, checked against its table
# Sourced by tools/gdb/vmos.gdb (`make debug`); docs/gdb.md explains each
# command and the kernel structures it reads.  `help pt` (and so on) in gdb
# prints the text of each class below.
#
# Everything is read from guest memory by symbol name, so the commands work
# whenever the kernel is stopped on its own page tables (after kmain's
# paging_init).  Physical memory is read through the direct map, which
# every address space (the kernel's and each process's) maps.
import gdb

# Layout and bit values, from the headers named; the kernel is built with
# -g, so macros are not in its debug information and are repeated here.
DIRECT_MAP_BASE = 0xffff888000000000      # asm/page_types.h
DIRECT_MAP_MAX = 64 << 40
PAGE_SHIFT = 12
PAGE_SIZE = 1 << PAGE_SHIFT
PTE_ADDR_MASK = 0x000ffffffffff000        # asm/pgtable.h
PT_INDEX_BITS = 9
PT_ENTRIES = 1 << PT_INDEX_BITS
LEVEL_NAMES = {4: "PML4", 3: "PDPT", 2: "PD", 1: "PT"}
PTE_P, PTE_W, PTE_U, PTE_PS, PTE_NX = 1 << 0, 1 << 1, 1 << 2, 1 << 7, 1 << 63
PTE_SW_PROTNONE = 1 << 9
CR0_PG = 1 << 31                          # paging enabled
# Bit 7 is PS in a PDPT or PD entry and PAT in a PT entry (Intel SDM 4.5).
PTE_FLAG_NAMES = [(0, "P"), (1, "RW"), (2, "US"), (3, "PWT"), (4, "PCD"),
                  (5, "A"), (6, "D"), (7, "PS"), (8, "G"),
                  (9, "PROTNONE"), (63, "NX")]
VM_READ, VM_WRITE, VM_EXEC, VM_SHARED = 0x1, 0x2, 0x4, 0x8  # mm/vma.h
MAPS_NAME_COLUMN = 73                     # fs/procfmt.h
PID_MAX = 32768                           # kernel/task.h: bounds the walks
FRAME_TABLE_READ_MAX = 1 << 18            # frames: walk the table up to 1 GiB
PG_RESERVED, PG_FREE, PG_SLAB, PG_PAGETABLE = 0x01, 0x02, 0x08, 0x10  # mm/frame.h


# ---------------------------------------------------------------- memory

def kvar(name, file=None):
    """The kernel variable name (a static one of file, if given)."""
    expr = f"'{file}'::{name}" if file else name
    try:
        return gdb.parse_and_eval(expr)
    except gdb.MemoryError:
        raise
    except gdb.error:
        raise gdb.GdbError(f"no symbol {name} in the kernel: is "
                           "build/kernel.elf loaded (gdb build/kernel.elf)?")


def read_bytes(addr, n):
    return bytes(gdb.selected_inferior().read_memory(addr, n))


def read_u64(addr):
    return int.from_bytes(read_bytes(addr, 8), "little")


def read_phys_u64(pa):
    """The 8 bytes at physical address pa, through the direct map."""
    return read_u64(DIRECT_MAP_BASE + pa)


def c_string(array):
    """A char[N] field as a Python string (up to its first NUL)."""
    raw = read_bytes(int(array.address), array.type.sizeof)
    return raw.split(b"\0", 1)[0].decode("utf-8", "replace")


def as_address(text):
    """A gdb expression (0x401000, kmain, $current()->mm->brk) as an address."""
    try:
        v = gdb.parse_and_eval(text)
    except gdb.error as e:
        raise gdb.GdbError(f"cannot evaluate '{text}': {e}")
    if v.type.strip_typedefs().code in (gdb.TYPE_CODE_FUNC, gdb.TYPE_CODE_ARRAY):
        v = v.address      # as C does: a function or array names its address
    try:
        return int(v) & 0xffffffffffffffff
    except gdb.MemoryError as e:
        raise gdb.GdbError(f"cannot evaluate '{text}': {e}")
    except gdb.error:
        raise gdb.GdbError(f"'{text}' is not a number or an address")


def parse_pid(text):
    """A PID: a number, or an expression such as $current()->tgid."""
    try:
        pid = int(text, 0)
    except ValueError:
        try:
            pid = int(gdb.parse_and_eval(text))
        except gdb.error:
            raise gdb.GdbError(f"'{text}' is not a PID (a number or an "
                               "expression such as $current()->tgid; ps lists "
                               "them)")
    if pid < 0:
        raise gdb.GdbError(f"'{text}' is not a PID (PIDs are not negative)")
    return pid


# ---------------------------------------------------------------- tasks

def all_tasks():
    """Every task on all_tasks (kernel/task.c), in creation order; PID 0,
    the idle task, is not on that list (kernel/sched.c keeps it apart)."""
    t = kvar("all_tasks", "kernel/task.c")
    seen = 0
    while int(t) and seen <= PID_MAX:
        yield t
        t = t["all_next"]
        seen += 1


def idle_task(cpu=0):
    """A CPU's idle task (PID 0): kernel/sched.c's idle_tasks[cpu]."""
    return kvar("idle_tasks", "kernel/sched.c")[cpu].address


def selected_cpu():
    """The number of the CPU gdb looks at: QEMU shows CPU n as thread n + 1."""
    thread = gdb.selected_thread()
    return thread.num - 1 if thread is not None else 0


def current_task(cpu=None):
    """current on a CPU (default: the one gdb looks at), a struct task *:
    the kernel keeps it in that CPU's struct percpu (asm/current.h), read
    through GS, which gdb cannot do for a breakpoint condition."""
    return kvar("percpu")[selected_cpu() if cpu is None else cpu]["current"]


class CurrentFunction(gdb.Function):
    """$current() - the task the CPU gdb looks at runs (the kernel's current).

In C, current reads this CPU's struct percpu through GS (asm/current.h);
gdb reads the same field of percpu[] for the selected CPU (thread).  Use it
wherever C would say current: `p $current()->pid`, or a condition,
`hbreak sys_exit_group if $_streq($current()->comm, "cat")`."""

    def __init__(self):
        super().__init__("current")

    def invoke(self):
        return current_task()


def current_pid():
    """The PID of current, the task this CPU runs."""
    cur = current_task()
    if not int(cur):
        raise gdb.GdbError("no task runs yet (current is NULL until "
                           "sched_init); name a PID")
    return int(cur["pid"])


def find_task(pid):
    """The struct task * with this PID (0: the idle task), or a GdbError."""
    if pid == 0:
        return idle_task()
    for t in all_tasks():
        if int(t["pid"]) == pid:
            return t
    raise gdb.GdbError(f"no task with PID {pid} (ps lists the tasks)")


def task_mm(pid):
    """(task, its struct mm *) for a PID with a user address space."""
    t = find_task(pid)
    mm = t["mm"]
    if not int(mm):
        raise gdb.GdbError(f"PID {pid} ({c_string(t['comm'])}) has no user "
                           "address space (its mm is NULL)")
    return t, mm


def state_name(t):
    """TASK_RUNNING -> running, as ps prints it."""
    return str(t["state"]).replace("TASK_", "").lower()


# ---------------------------------------------------------------- regions

def vmas_in_order(mm):
    """The regions of mm's VMA tree (mm/vma.h), lowest address first: an
    in-order walk of the AVL tree through vm_node.left and .right."""
    tree = mm["vmas"]
    limit = int(tree["count"])
    stack, v, out = [], tree["root"], []
    while (stack or int(v)) and len(out) <= limit:
        while int(v):
            stack.append(v)
            v = v["vm_node"]["left"]
        v = stack.pop()
        out.append(v)
        v = v["vm_node"]["right"]
    if len(out) != limit:
        gdb.write(f"warning: the tree holds {len(out)} region(s) but its "
                  f"count says {limit}\n")
    return out


def region_name(mm, v):
    """The name /proc/PID/maps shows: mm_region_name() of mm/mm.c."""
    f = v["vm_file"]
    if int(f):
        return c_string(f["path"])
    start, end = int(v["vm_start"]), int(v["vm_end"])
    if start <= int(mm["brk"]) and end >= int(mm["start_brk"]):
        return "[heap]"
    if start <= int(mm["start_stack"]) <= end:
        return "[stack]"
    return ""


def region_perms(v):
    """"r-xp" style, as mm_region_perms() of mm/mm.c."""
    flags = int(v["vm_flags"])
    return ("r" if flags & VM_READ else "-") + \
           ("w" if flags & VM_WRITE else "-") + \
           ("x" if flags & VM_EXEC else "-") + \
           ("s" if flags & VM_SHARED else "p")


def vm_flag_codes(flags):
    """smaps' two-letter codes for vm_flags, from the kernel's own table
    (vma_flag_names in mm/vma.c), in its order."""
    table = kvar("vma_flag_names")
    codes = []
    for i in range(int(kvar("nr_vma_flag_names"))):
        if flags & int(table[i]["flag"]):
            codes.append(c_string(table[i]["name"]))
    return " ".join(codes)


def maps_line(mm, v):
    """One line of /proc/PID/maps, as show_maps() of fs/proc/task_mmu.c."""
    f = v["vm_file"]
    offset = dev = ino = 0
    if int(f):
        inode = f["inode"]
        offset = int(v["vm_pgoff"]) * PAGE_SIZE
        dev, ino = int(inode["dev"]), int(inode["ino"])
    line = (f"{int(v['vm_start']):08x}-{int(v['vm_end']):08x} "
            f"{region_perms(v)} {offset:08x} {dev >> 8:02x}:{dev & 0xff:02x} "
            f"{ino} ")
    name = region_name(mm, v)
    if name:
        line += " " * (MAPS_NAME_COLUMN - min(len(line), MAPS_NAME_COLUMN))
        line += name
    return line + "\n"


# ---------------------------------------------------------------- page tables

def pte_flags(entry, level):
    names = []
    for bit, name in PTE_FLAG_NAMES:
        if entry >> bit & 1:
            names.append("PAT" if name == "PS" and level == 1 else name)
    return " ".join(names) or "-"


def level_size(level):
    return 1 << (PAGE_SHIFT + PT_INDEX_BITS * (level - 1))


def pt_index(va, level):
    return (va >> (PAGE_SHIFT + PT_INDEX_BITS * (level - 1))) & (PT_ENTRIES - 1)


def size_name(n):
    return f"{n >> 30} GiB" if n >= 1 << 30 else \
           f"{n >> 20} MiB" if n >= 1 << 20 else f"{n >> 10} KiB"


def is_canonical(va):
    top = va >> 47
    return top == 0 or top == (1 << 17) - 1


def access_summary(entries):
    """What the CPU allows through every level: US and RW must be set at
    each level, and NX at any level forbids execution."""
    user = all(e & PTE_U for e in entries)
    write = all(e & PTE_W for e in entries)
    nx = any(e & PTE_NX for e in entries)
    return (("user" if user else "kernel-only") + ", " +
            ("writable" if write else "read-only") + ", " +
            ("no-execute" if nx else "executable"))


def pt_walk(root, va, read=read_phys_u64):
    """Print the walk of va from the PML4 at physical root; return the
    physical address va maps to, or None when it is not mapped.  read(pa)
    gives the 8 bytes at physical address pa (tests pass made-up tables)."""
    table, entries = root, []
    for level in range(4, 0, -1):
        index = pt_index(va, level)
        entry = read(table + 8 * index)
        entries.append(entry)
        name = LEVEL_NAMES[level]
        line = f"  {name:<4}[{index:3}] = 0x{entry:016x}"
        if not entry & PTE_P:
            gdb.write(line + f"  {pte_flags(entry, level)}\n")
            if level == 1 and entry & PTE_SW_PROTNONE:
                gdb.write(f"0x{va:x} is not mapped for the CPU: a PROT_NONE page "
                          f"that keeps frame 0x{(entry & PTE_ADDR_MASK) >> PAGE_SHIFT:x}"
                          f" (phys 0x{entry & PTE_ADDR_MASK:x})\n")
            else:
                gdb.write(f"0x{va:x} is not mapped: the {name} entry is not "
                          "present" + (" (empty)" if not entry else "") + "\n")
            return None
        large = level in (3, 2) and entry & PTE_PS
        points = entry & PTE_ADDR_MASK & ~(level_size(level) - 1 if large else 0)
        what = f"{size_name(level_size(level))} page" if large or level == 1 \
            else f"{LEVEL_NAMES[level - 1]}"
        gdb.write(line + f" -> 0x{points:x} ({what})  {pte_flags(entry, level)}\n")
        if large or level == 1:
            size = level_size(level)
            pa = points + (va & (size - 1))
            gdb.write(f"0x{va:x}: frame 0x{pa >> PAGE_SHIFT:x}, phys 0x{pa:x} "
                      f"(in a {size_name(size)} page at 0x{points:x}; "
                      f"direct map 0x{DIRECT_MAP_BASE + pa:x})\n")
            gdb.write(f"access: {access_summary(entries)}\n")
            return pa
        if points >= DIRECT_MAP_MAX:
            raise gdb.GdbError(f"phys 0x{points:x} is beyond the direct map "
                               "(64 TiB): this entry cannot be a real one")
        table = points
    return None


# ---------------------------------------------------------------- commands

class VmosCommand(gdb.Command):
    """A command whose failures are one clear line, never a traceback."""

    def invoke(self, arg, from_tty):
        # Without a live target gdb would read the ELF file's data instead.
        if not gdb.selected_inferior().threads():
            raise gdb.GdbError(f"{self.name}: no kernel is running under gdb "
                               "(make debug connects to QEMU; did it exit?)")
        try:
            self.run(gdb.string_to_argv(arg))
        except gdb.GdbError:
            raise
        except gdb.MemoryError as e:
            raise gdb.GdbError(f"{self.name}: cannot read kernel memory ({e}); "
                               "the kernel must be running on its own page "
                               "tables (after paging_init, e.g. in kmain_late)")
        except (gdb.error, ValueError, OverflowError) as e:
            raise gdb.GdbError(f"{self.name}: {e}")

    def usage(self):
        raise gdb.GdbError("usage: " + self.__doc__.split("\n")[0])


class PtCommand(VmosCommand):
    """pt ADDR [PID]: walk the page tables for the virtual address ADDR.

ADDR is any gdb expression: 0x401000, kmain, $current()->mm->start_stack
(quote it if it has spaces: pt "buf + 8").  Without PID the walk starts at
the current CR3, the tables the CPU uses now; with PID it starts at that
task's mm->pgd (kernel_pt_root for a task without an mm, such as PID 0).
Each level (PML4, PDPT, PD, PT) prints its index in the table, the raw
entry, the physical address it points to and its flags: P present, RW
writable, US user, PWT/PCD caching, A accessed, D dirty, PS large page
(PAT at the PT level), G global, NX no-execute, and our software bit
PROTNONE (a PROT_NONE page keeping its frame).  The walk stops at a
non-present entry or at a large page.  At the end: the frame and physical
address of ADDR, and the access all levels together allow.
Sets $pt_phys to that physical address (-1 when ADDR is not mapped)."""

    def __init__(self):
        self.name = "pt"
        super().__init__("pt", gdb.COMMAND_DATA)

    def run(self, argv):
        if len(argv) not in (1, 2):
            self.usage()
        va = as_address(argv[0])
        gdb.set_convenience_variable("pt_phys", -1)
        if len(argv) == 2:
            root, source = self.task_root(parse_pid(argv[1]))
        else:
            if not int(gdb.parse_and_eval("$cr0")) & CR0_PG:
                gdb.write("paging is off (CR0.PG is clear): addresses are "
                          "physical, no page table translates them yet\n")
                return
            cr3 = int(gdb.parse_and_eval("$cr3"))
            root = cr3 & PTE_ADDR_MASK    # the low 12 bits are PCID/flags
            source = f"CR3 0x{cr3:x}"
        gdb.write(f"pt 0x{va:x}: PML4 at phys 0x{root:x}, from {source}\n")
        if not is_canonical(va):
            gdb.write(f"0x{va:x} is not canonical (bits 63..47 differ): "
                      "no page table can map it\n")
            return
        pa = pt_walk(root, va)
        if pa is not None:
            gdb.set_convenience_variable("pt_phys", pa)

    @staticmethod
    def task_root(pid):
        """The PML4 a task runs on: its mm's, or for a kernel task (no mm)
        the kernel's own, kernel_pt_root (mm_activate(NULL) loads it)."""
        t = find_task(pid)
        who = f"PID {pid} ({c_string(t['comm'])})"
        if int(t["mm"]):
            return int(t["mm"]["pgd"]) & PTE_ADDR_MASK, f"{who}: mm->pgd"
        root = int(kvar("kernel_pt_root"))
        if not root:
            raise gdb.GdbError("kernel_pt_root is 0: paging_init has not "
                               "built the kernel's page tables yet")
        return root, f"{who}: no mm, so kernel_pt_root"


class VmasCommand(VmosCommand):
    """vmas [PID]: the regions of a process (default: the current one).

One line per struct vm_area_struct in the VMA tree of the process's mm
(mm->vmas, an AVL tree ordered by address; mm/vma.h), lowest first:
start, end, size, permissions, vm_flags (hex and smaps' two-letter codes)
and what backs it: the file and its page offset, [heap], [stack] or
anonymous memory."""

    def __init__(self):
        self.name = "vmas"
        super().__init__("vmas", gdb.COMMAND_DATA)

    def run(self, argv):
        if len(argv) > 1:
            self.usage()
        pid = parse_pid(argv[0]) if argv else current_pid()
        t, mm = task_mm(pid)
        regions = vmas_in_order(mm)
        gdb.write(f"PID {pid} ({c_string(t['comm'])}): {len(regions)} regions, "
                  f"mm 0x{int(mm):x}, pgd 0x{int(mm['pgd']):x}\n")
        gdb.write(f"{'START':<16} {'END':<16} {'SIZE':>8} PERM "
                  f"{'VM_FLAGS':>8}  BACKING                  SMAPS FLAGS\n")
        for v in regions:
            start, end = int(v["vm_start"]), int(v["vm_end"])
            name = region_name(mm, v)
            if int(v["vm_file"]):
                name += f" +0x{int(v['vm_pgoff']) * PAGE_SIZE:x}"
            flags = int(v["vm_flags"])
            gdb.write(f"{start:016x} {end:016x} {(end - start) >> 10:>7}K "
                      f"{region_perms(v)} {flags:>8x}  "
                      f"{name or '(anonymous)':<24} {vm_flag_codes(flags)}\n")


class MapsCommand(VmosCommand):
    """maps PID: the text /proc/PID/maps would show for the process PID.

PID is a number or an expression: `maps $current()->tgid` at a breakpoint
shows the maps of the process that hit it.

Built as show_maps() in fs/proc/task_mmu.c builds it, from the regions in
address order: start-end, perms, file offset, device major:minor, inode,
and from column 73 the name (the file's path, [heap] for the region that
overlaps mm->start_brk..brk, [stack] for the one holding
mm->start_stack)."""

    def __init__(self):
        self.name = "maps"
        super().__init__("maps", gdb.COMMAND_DATA)

    def run(self, argv):
        if len(argv) != 1:
            self.usage()
        _, mm = task_mm(parse_pid(argv[0]))
        gdb.write("".join(maps_line(mm, v) for v in vmas_in_order(mm)))


class PsCommand(VmosCommand):
    """ps: every task: PID, TGID (its process), parent, state and name.

Walks all_tasks (kernel/task.c) through task->all_next, after the idle
task (PID 0, kernel/sched.c).  '*' marks current, the task this CPU runs;
MM is its address space (- for a kernel task)."""

    def __init__(self):
        self.name = "ps"
        super().__init__("ps", gdb.COMMAND_STATUS)

    def run(self, argv):
        if argv:
            self.usage()
        cur = int(current_task())
        gdb.write(f"  {'PID':>5} {'TGID':>5} {'PPID':>5} {'STATE':<9} "
                  f"{'COMM':<16} MM\n")
        for t in [idle_task()] + list(all_tasks()):
            parent = t["parent"]
            ppid = str(int(parent["tgid"])) if int(parent) else "-"
            mm = f"0x{int(t['mm']):x}" if int(t["mm"]) else "-"
            mark = "*" if int(t) == cur else " "
            gdb.write(f"{mark} {int(t['pid']):>5} {int(t['tgid']):>5} {ppid:>5} "
                      f"{state_name(t):<9} {c_string(t['comm']):<16} {mm}\n")


class CpusCommand(VmosCommand):
    """cpus: each CPU: its number, local APIC id, state and where it is.

QEMU's gdb stub shows each CPU as a thread (thread 1 is CPU 0, the boot
CPU).  For each, from arch/x86_64/smp.c's cpu_info[]: the local APIC id and
whether it is online; and, from that CPU's own registers, the function it
is in, and its current task (its idle task, PID 0 "swapper", when it has
nothing to run).  '*' marks the CPU gdb is looking at now."""

    def __init__(self):
        self.name = "cpus"
        super().__init__("cpus", gdb.COMMAND_STATUS)

    def run(self, argv):
        if argv:
            self.usage()
        info = kvar("cpu_info", "arch/x86_64/smp.c")
        online = int(kvar("nr_cpus_online", "arch/x86_64/smp.c"))
        selected = gdb.selected_thread()
        threads = sorted(gdb.selected_inferior().threads(), key=lambda t: t.num)
        gdb.write(f"  {'CPU':>3} {'APIC':>4} {'STATE':<7} WHERE\n")
        try:
            for cpu, thread in enumerate(threads):
                thread.switch()
                pc = int(gdb.parse_and_eval("$pc")) & 0xFFFFFFFFFFFFFFFF
                where = gdb.execute(f"info symbol {pc:#x}", to_string=True)
                where = where.split(" in section")[0].strip()
                if where.startswith("No symbol"):
                    where = f"0x{pc:x}"
                state = "online" if cpu < online and bool(info[cpu]["online"]) \
                    else "offline"
                cur = current_task(cpu) if state == "online" else None
                if cur is not None and int(cur):
                    where += (f"; current: pid {int(cur['pid'])} "
                              f"({c_string(cur['comm'])})")
                apic = int(info[cpu]["apic_id"]) if cpu < online else "-"
                mark = "*" if thread == selected else " "
                gdb.write(f"{mark} {cpu:>3} {apic:>4} {state:<7} {where}\n")
        finally:
            selected.switch()


class FramesCommand(VmosCommand):
    """frames: the frame allocator's counts of 4 KiB physical frames.

From mm/frame.c's globals: nr_managed frames were given to the allocator,
nr_free + nr_cached are free: on the free lists (nr_free_blocks[order] blocks of
2^order frames each), in the CPUs' frame caches (nr_cached single
frames kept off the lists for the next allocations) or, nr_pending of them, in
sections of the frame table not set up yet; the rest are used.  Then, for a check, the frame
table (one struct page per frame) is counted by its flags, in the
sections set up (frame_section_ready): PG_FREE, in use, PG_RESERVED (never
managed), and among the used PG_PAGETABLE and PG_SLAB (kmalloc's slab
pages, also counted in mm/kmalloc.c's slab_pages)."""

    def __init__(self):
        self.name = "frames"
        super().__init__("frames", gdb.COMMAND_STATUS)

    def run(self, argv):
        if argv:
            self.usage()
        managed = int(kvar("nr_managed", "mm/frame.c"))
        cached = int(kvar("nr_cached", "mm/frame.c"))
        free = int(kvar("nr_free", "mm/frame.c")) + cached
        blocks = kvar("nr_free_blocks", "mm/frame.c")
        orders = blocks.type.range()[1] + 1
        by_order = [int(blocks[o]) for o in range(orders)]
        slab = int(kvar("slab_pages", "mm/kmalloc.c"))
        large = int(kvar("large_pages", "mm/kmalloc.c"))
        gdb.write(f"frames: {managed} managed ({managed * 4} KiB), {free} free, "
                  f"{managed - free} used\n")
        pending = int(kvar("nr_pending", "mm/frame.c"))
        gdb.write("free lists (blocks x frames): " + (", ".join(
            f"{n}x{1 << o}" for o, n in enumerate(by_order) if n) or "empty") +
            f" = {sum(n << o for o, n in enumerate(by_order))} frames; "
            f"{cached} in the frame cache; "
            f"{pending} more free in sections not set up yet\n")
        gdb.write(f"kmalloc: {slab} slab pages, {large} pages in large blocks\n")
        self.count_table(1 << (orders - 1))

    def count_table(self, section):
        nr_pfns = int(kvar("frame_nr_pfns", "mm/frame.c"))
        if nr_pfns > FRAME_TABLE_READ_MAX:
            gdb.write(f"frame table: {nr_pfns} entries, too many to read "
                      "through the gdb stub here\n")
            return
        page_t = gdb.lookup_type("struct page")
        flags_off = next(f.bitpos // 8 for f in page_t.fields() if f.name == "flags")
        table = read_bytes(int(kvar("frame_table", "mm/frame.c")),
                           nr_pfns * page_t.sizeof)
        sections = (nr_pfns + section - 1) // section
        ready = read_bytes(int(kvar("frame_section_ready", "mm/frame.c")),
                           (sections + 63) // 64 * 8)
        free = reserved = pagetable = slab = unset = 0
        for pfn in range(nr_pfns):
            s = pfn // section
            if not ready[s // 8] >> (s % 8) & 1:
                unset += 1
                continue
            flags = table[pfn * page_t.sizeof + flags_off]
            free += bool(flags & PG_FREE)
            reserved += bool(flags & PG_RESERVED)
            pagetable += bool(flags & PG_PAGETABLE)
            slab += bool(flags & PG_SLAB)
        used = nr_pfns - free - reserved - unset
        gdb.write(f"frame table: {nr_pfns} entries: {free} free, {used} used "
                  f"({pagetable} page tables, {slab} slab), {reserved} reserved, "
                  f"{unset} not set up yet\n")


PtCommand()
VmasCommand()
MapsCommand()
PsCommand()
CpusCommand()
CurrentFunction()
FramesCommand()
