#!/bin/sh
# tools/gdb/debug.sh KERNEL [APPEND] - `make debug`: start QEMU paused at its
# first instruction with the gdb stub on localhost:1234 (or $GDB_PORT), then
# gdb with the kernel's symbols and tools/gdb/vmos.gdb loaded.  Quitting gdb
# stops QEMU.  The kernel's serial console goes to build/debug-serial.log.
set -e
kernel=${1:-build/kernel.elf}
append=${2:-}
port=${GDB_PORT:-1234}
log=build/debug-serial.log

qemu-system-x86_64 -cpu max -m 128M -no-reboot -display none \
	-serial "file:$log" -monitor none \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-kernel "$kernel" -initrd "${INITRD:-build/initrd.cpio}" -append "$append" \
	-S -gdb "tcp:127.0.0.1:$port" &
qemu=$!
trap 'kill $qemu 2>/dev/null || true' EXIT INT TERM
echo "QEMU is paused (pid $qemu); kernel messages go to $log (tail -f it)."
gdb -q -nx -ex "target remote 127.0.0.1:$port" -x tools/gdb/vmos.gdb "$kernel"
