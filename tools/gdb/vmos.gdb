# tools/gdb/vmos.gdb - loaded by `make debug` (tools/gdb/debug.sh).
# QEMU waits at the reset vector; paging is off until boot.asm enables it,
# so use hardware breakpoints (hbreak): they match linear addresses and work
# from the first 64-bit instruction on.  Software breakpoints (break) work
# too once the kernel runs on its own page tables.
set pagination off
set confirm off
set disassembly-flavor intel
# The commands pt, vmas, maps, ps and frames (docs/gdb.md; `help pt`).
source tools/gdb/vmos.py
hbreak kmain
echo \n
echo vmos: QEMU is paused at its first instruction; a hardware breakpoint waits in kmain.\n
echo Try:  continue | next | step | print boot_info.cmdline | info registers cr3\n
echo       hbreak kmain_late | backtrace | x/8gx $rsp | p frames_free_count()\n
echo       hbreak sys_exit_group, then: ps | vmas | maps PID | pt ADDR [PID] | frames\n
echo \n
