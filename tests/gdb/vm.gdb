# tests/gdb/vm.gdb - the commands of tools/gdb/vmos.py on a running system,
# checked by the harness (tests/run.py, run_gdb_vm_test). The harness
# connects and runs tools/gdb/vmos.gdb first, as `make debug` does; it boots
#   init=/bin/sh -c "cat /proc/self/maps; echo done"
# so the shell is PID 1 and cat, PID 4 (after the kernel threads kthreadd,
# 2, and kswapd0, 3), prints its own maps on the serial
# console, then calls exit_group, where we stop: cat's regions are then
# exactly what it printed. "== name" lines split the output for the harness.
set pagination off
set confirm off
set python print-stack full
# Start with no breakpoint, as a student does after make gdb.
delete

# At the reset vector paging is off: the commands say so, no traceback.
echo == early\n
python
for c in ("pt 0x1000", "ps"):
    try:
        gdb.execute(c)
    except gdb.error as e:
        print(f"[{c}] error: {e}")
end

# In kmain no task runs yet and the kernel's own tables do not exist.
hbreak kmain
continue
echo == kmain\n
python
for c in ("vmas", "pt 0x1000 0"):
    try:
        gdb.execute(c)
    except gdb.error as e:
        print(f"[{c}] error: {e}")
end
delete

# The demand-zero case of the fault path is a function of its own: the
# first page fault that zero-fills a page stops in it, under the decision
# tree (exec's own zero-fills, which reach it through fault_in_page(), do
# not count: the condition wants page_fault among the callers).
hbreak do_anonymous_page if $_any_caller_matches("^page_fault$", 6)
continue
echo == anon-fault\n
bt 5
printf "fault-addr=0x%lx\n", addr
delete

hbreak sys_exit_group
continue
echo == ps\n
ps
echo == vmas\n
vmas
echo == maps\n
maps 4
echo == pt-user\n
pt $current()->mm->start_stack
printf "user=0x%lx direct=0x%lx\n", *(unsigned long *)$current()->mm->start_stack, *(unsigned long *)(0xffff888000000000 + $pt_phys)
echo == pt-pid1\n
# PID 1's stack is not mapped in cat's tables (CR3): only its mm->pgd has
# it. Its first word is the shell's argc: 3 (/bin/sh, -c, the command).
set $sh_stack = ((struct task *)'kernel/task.c'::all_tasks)->mm->start_stack
pt $sh_stack 1
printf "sh-argc=%ld\n", *(long *)(0xffff888000000000 + $pt_phys)
echo == pt-kernel-text\n
pt kmain
echo == pt-direct-map\n
pt 0xffff888000200000
echo == pt-unmapped\n
pt 0
printf "pt_phys=%ld\n", $pt_phys
pt 0x800000000000
echo == pt-made-up\n
# Tables no kernel path builds, walked by the same code through a fake
# physical memory: NX, read-only and kernel-only entries above the leaf
# (each rules the whole walk), a 1 GiB page, an entry pointing beyond the
# direct map,
# and a PROT_NONE page (P clear, our software bit set).
python
T = {0x1000 + 8 * 0: 0x2000 | PTE_P | PTE_W | PTE_U | PTE_NX,
     0x2000 + 8 * 0: 0x3000 | PTE_P | PTE_U,
     0x3000 + 8 * 0: 0x4000 | PTE_P | PTE_W,
     0x4000 + 8 * 1: 0x5000 | PTE_P | PTE_W | PTE_U | 1 << 7,
     0x4000 + 8 * 2: 0x6000 | PTE_W | PTE_U | PTE_SW_PROTNONE,
     0x2000 + 8 * 1: 0x40000000 | PTE_P | PTE_W | PTE_U | PTE_PS,
     0x3000 + 8 * 1: 0xf000000000000 | PTE_P}
fake = lambda pa: T.get(pa, 0)
pt_walk(0x1000, 0x1234, read=fake)
pt_walk(0x1000, 0x2000, read=fake)
pt_walk(0x1000, 0x40012345, read=fake)
try:
    pt_walk(0x1000, 0x200000, read=fake)
except gdb.GdbError as e:
    print(f"[garbage] error: {e}")
end
echo == frames\n
frames
echo == cpus\n
cpus
echo == bad\n
python
for c in ("pt", "pt 0x1000 99", "pt nosuchsymbol", "vmas 0", "vmas 99",
          "maps", "maps abc", "maps -1", "ps extra"):
    try:
        gdb.execute(c)
        print(f"[{c}] no error")
    except gdb.error as e:
        print(f"[{c}] error: {e}")
end
delete
detach
# Without a live target gdb would read the ELF file: the commands refuse.
echo == detached\n
python
try:
    gdb.execute("ps")
except gdb.error as e:
    print(f"[ps] error: {e}")
end
echo == end\n
