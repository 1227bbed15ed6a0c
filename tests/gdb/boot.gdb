# tests/gdb/boot.gdb - what a student does in `make debug`, checked by the
# harness (tests/run.py, GDB_EXPECT). The harness connects first
# ("target remote"); QEMU waits at the first instruction (-S).
set pagination off
set confirm off

# Software breakpoints need the page tables of the moment; a hardware
# breakpoint compares linear addresses and works from the first 64-bit
# instruction on.
hbreak kmain
continue
info source
next
next
next
printf "loader=%s\n", boot_info.loader
printf "cmdline=%s\n", boot_info.cmdline
delete
hbreak kmain_late
continue
printf "kernel_pt_root=0x%lx\n", kernel_pt_root
printf "rsp=0x%lx\n", $rsp
backtrace 3
delete
detach
