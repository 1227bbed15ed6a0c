#!/bin/sh
# tools/mkinitrd.sh STAGING OUT.cpio PROGRAM... - build the initrd.
#
# The root file system the kernel unpacks at boot: busybox (copied from
# Debian's busybox-static package, never committed) with a link for each of
# its applets in /bin, our own programs (user/*: /sbin/init, demos in
# /bin), the test programs (tests/user/*: /tests), and the usual empty
# directories.  Written as a cpio "newc" archive.
set -e
staging=$1
out=$2
shift 2

busybox=/bin/busybox
if [ ! -x "$busybox" ]; then
	echo "mkinitrd: $busybox is missing: install Debian's busybox-static" >&2
	exit 1
fi
if readelf -l "$busybox" | grep -q 'Requesting program interpreter'; then
	echo "mkinitrd: $busybox is dynamically linked: install busybox-static" >&2
	exit 1
fi

rm -rf "$staging"
mkdir -p "$staging"/bin "$staging"/sbin "$staging"/lib "$staging"/etc "$staging"/dev \
	"$staging"/proc "$staging"/tmp "$staging"/root "$staging"/tests \
	"$staging"/usr/bin "$staging"/usr/sbin "$staging"/dev/shm
chmod 1777 "$staging"/tmp
cp "$busybox" "$staging"/bin/busybox
for applet in $("$busybox" --list); do
	[ -e "$staging/bin/$applet" ] || ln -s busybox "$staging/bin/$applet"
done

mkdir -p "$staging"/lib
# musl's dynamic linker is its libc.so; dynamically linked programs name it
# /lib/ld-musl-x86_64.so.1 in PT_INTERP.
cp "$(readlink -f /lib/ld-musl-x86_64.so.1)" "$staging"/lib/ld-musl-x86_64.so.1

for prog in "$@"; do
	case "$prog" in
	*.so) cp "$prog" "$staging"/lib/ ;;
	*/user/init) cp "$prog" "$staging"/sbin/init ;;
	tests/user/* | */tests/user/*) cp "$prog" "$staging"/tests/ ;;
	*) # a program named like a busybox applet replaces the applet's
	   # link (copying through the link would overwrite busybox)
	   rm -f "$staging/bin/$(basename "$prog")"
	   cp "$prog" "$staging"/bin/ ;;
	esac
done

printf 'root:x:0:0:root:/root:/bin/sh\n' > "$staging"/etc/passwd
printf 'root:x:0:\n' > "$staging"/etc/group
printf 'vmos\n' > "$staging"/etc/hostname
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n' > "$staging"/etc/hosts

(cd "$staging" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$out"
