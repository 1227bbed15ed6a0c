#!/bin/sh
# tools/run.sh [--gdb PORT KERNEL] QEMU-ARGS... - `make run`, `make
# run-direct` and `make debug`: run QEMU with the serial console (and
# QEMU's monitor, Ctrl-A c) on this terminal and a swap disk of its own.
#
# The disk, /dev/vda, is a fresh 256 MiB sparse file under build/ made for
# this run and removed when QEMU exits, so two runs never share an image
# (QEMU locks the file it writes: a second run on the same one would fail).
#
# With --gdb, QEMU also listens for gdb on 127.0.0.1:PORT, and this script
# writes build/debug-session/ (a copy of KERNEL and session.gdb, the
# commands that load it and connect) for `make gdb` in a second terminal;
# it removes them at exit.  A port in use is refused here, in words, before
# QEMU starts.  Set PAUSE=1 to have QEMU wait at its first instruction
# until gdb says `continue` (to debug the boot itself).  SMP=N gives the
# machine N CPUs: 2 by default, 1 under gdb (docs/smp.md says why).
set -e
build=${BUILD:-build}
port=""
smp=${SMP:-2}
if [ "$1" = --gdb ]; then
	port=$2
	kernel=$3
	shift 3
	smp=${SMP:-1}
fi

# in_use PORT: true when something listens on 127.0.0.1:PORT.
in_use() {
	python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(0)
sys.exit(1)
EOF
}

mkdir -p "$build"
disk=$(mktemp "$build/swap-XXXXXX.img")
session="$build/debug-session"
cleanup() {
	rm -f "$disk"
	[ -z "$port" ] || rm -rf "$session"
}
trap cleanup EXIT
trap 'exit 130' HUP INT TERM
truncate -s 256M "$disk"

gdb_flags=""
if [ -n "$port" ]; then
	if in_use "$port"; then
		echo "make debug: port $port is in use: another make debug (yours or" \
			"another user's)? Quit it, or set GDBPORT=... for both make" \
			"debug and make gdb." >&2
		exit 1
	fi
	rm -rf "$session"
	mkdir -p "$session"
	cp "$kernel" "$session/kernel.elf"
	printf 'file %s\ntarget remote 127.0.0.1:%s\n' \
		"$session/kernel.elf" "$port" > "$session/session.gdb"
	gdb_flags="-gdb tcp:127.0.0.1:$port"
	[ "${PAUSE:-0}" = 0 ] || gdb_flags="$gdb_flags -S"
	echo "vmos: QEMU's gdb stub is on port $port; the console is this terminal"
	echo "vmos: (Ctrl-A x quits QEMU).  In a second terminal, run:  make gdb"
	[ "${PAUSE:-0}" = 0 ] ||
		echo "vmos: QEMU waits at its first instruction until gdb says continue."
fi
# shellcheck disable=SC2086
qemu-system-x86_64 -cpu max -m 128M -smp "$smp" -no-reboot -display none \
	-serial mon:stdio \
	-drive "file=$disk,format=raw,if=virtio" $gdb_flags "$@"
