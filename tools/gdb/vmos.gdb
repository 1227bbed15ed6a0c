# tools/gdb/vmos.gdb - loaded by `make gdb`, after it has loaded the symbols
# of the kernel `make debug` runs and connected to QEMU's gdb stub
# (build/debug-session/session.gdb).  Connecting stops the guest where it
# is; `continue` lets it run on, Ctrl-C stops it again.  No breakpoint is
# set here: you choose them.  Use hardware breakpoints (hbreak, at most
# four): they compare linear addresses, so they work from the first 64-bit
# instruction on (make debug PAUSE=1 waits there), before the kernel's own
# page tables exist.
set pagination off
set confirm off
set disassembly-flavor intel
# The commands pt, vmas, maps, ps and frames (docs/gdb.md; `help pt`).
source tools/gdb/vmos.py
echo \n
echo vmos: the guest is stopped.  `continue` runs it (the shell works again);\n
echo       Ctrl-C here stops it.  Try:  hbreak sys_exit_group, continue, run a\n
echo       demo in the shell, then: ps | vmas | maps PID | pt ADDR [PID] | frames\n
echo \n
