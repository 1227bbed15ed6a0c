#!/bin/sh
# tools/install-deps.sh - install the Debian packages the build and the tests
# need, if any is missing.  Runs from `make run`, `make test` and .ci/run;
# quick when everything is there.  Uses apt-get as root, or through sudo.
set -e

# command-or-file : Debian package
NEEDS="
qemu-system-x86_64:qemu-system-x86
nasm:nasm
grub-mkrescue:grub-common
/usr/lib/grub/i386-pc/multiboot.mod:grub-pc-bin
xorriso:xorriso
mformat:mtools
gdb:gdb
python3:python3
musl-gcc:musl-tools
/usr/include/linux/mman.h:linux-libc-dev
/usr/bin/dpkg-deb:dpkg
xz:xz-utils
cpio:cpio
/usr/include/cmocka.h:libcmocka-dev
/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a:libclang-rt-14-dev
gcc:gcc
clang:clang
/bin/busybox:busybox-static
ld:binutils
make:make
tmux:tmux
"

missing=""
for need in $NEEDS; do
	what=${need%%:*}
	pkg=${need#*:}
	case "$what" in
	/*) [ -e "$what" ] && continue ;;
	*) command -v "$what" >/dev/null 2>&1 && continue ;;
	esac
	case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
if [ "$(id -u)" = 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "install-deps: need root or sudo to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
