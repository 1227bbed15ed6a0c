/*
 * fs/devices.c - character devices: which driver opens a device
 * number, the simple memory devices (/dev/null, /dev/zero, /dev/random,
 * /dev/urandom), and the /dev directory made at boot.
 *
 * /dev/rtc0 is the CMOS clock (drivers/rtc.c).
 *
 * A device node is an inode with S_IFCHR and an rdev; opening it looks
 * rdev up in chrdevs[] (file.c), so a node made by the initrd or by mknod
 * works the same as one made here.  The disks the drivers found
 * (drivers/blkdev.h) get block special files, /dev/vda and on,
 * whose operations are in block_dev.c.
 */
#include "drivers/blkdev.h"
#include "drivers/rtc.h"
#include <vmos/errno.h>
#include "fs/internal.h"
#include <vmos/printk.h>
#include "kernel/random.h"
#include <vmos/format.h>
#include "mm/kmalloc.h"

#define RANDOM_CHUNK 256 /* bytes generated per step of a /dev/urandom read */

static long null_read(struct file *f, struct uio *u, u64 *pos)
{
	return 0;
}

/* Writes to /dev/null and /dev/zero succeed and go nowhere. */
static long null_write(struct file *f, struct uio *u, u64 *pos)
{
	long n = (long)u->len;

	u->len = 0;
	return n;
}

static long zero_read(struct file *f, struct uio *u, u64 *pos)
{
	return uio_zero(u, u->len);
}

static long urandom_read(struct file *f, struct uio *u, u64 *pos)
{
	u8 buf[RANDOM_CHUNK];
	long done = 0;

	while (u->len) {
		size_t chunk = MIN(u->len, sizeof(buf));
		long n;

		random_bytes(buf, chunk);
		n = uio_copy_out(u, buf, chunk);
		if (n < 0)
			return done ? done : n;
		done += n;
	}
	return done;
}

static const struct file_operations null_fops = {
	.read = null_read,
	.write = null_write,
};

static const struct file_operations zero_fops = {
	.read = zero_read,
	.write = null_write,
};

static const struct file_operations urandom_fops = {
	.read = urandom_read,
	.write = null_write, /* Linux mixes written bytes in; we drop them */
};

struct chrdev {
	u32 rdev;
	const char *name; /* its node in /dev */
	u32 mode;
	const struct file_operations *fops;
};

static const struct chrdev chrdevs[] = {
	{ DEV_NULL, "null", 0666, &null_fops },
	{ DEV_ZERO, "zero", 0666, &zero_fops },
	{ DEV_RANDOM, "random", 0666, &urandom_fops },
	{ DEV_URANDOM, "urandom", 0666, &urandom_fops },
	/* One terminal: /dev/tty (the controlling one) is the console. */
	{ DEV_TTY, "tty", 0666, &tty_fops },
	{ DEV_CONSOLE, "console", 0600, &tty_fops },
	/* The CMOS clock (drivers/rtc.c); udev also links /dev/rtc. */
	{ MKDEV(RTC_MAJOR, 0), "rtc0", 0600, &rtc_fops },
};

const struct file_operations *chrdev_fops(u32 rdev)
{
	for (size_t i = 0; i < ARRAY_SIZE(chrdevs); i++)
		if (chrdevs[i].rdev == rdev)
			return chrdevs[i].fops;
	return NULL;
}

/* make_node - /dev/name, reporting a failure other than "already there". */
static void make_node(const char *name, u32 mode, u32 rdev)
{
	char path[64];
	int err;

	ksnprintf(path, sizeof(path), "/dev/%s", name);
	err = do_mknodat(AT_FDCWD, path, mode, rdev);
	if (err && err != -EEXIST)
		pr_err("devices: cannot make %s: error %d\n", path, err);
}

void devices_init(void)
{
	struct blkdev *disk;
	int err = do_mkdirat(AT_FDCWD, "/dev", 0755);

	if (err && err != -EEXIST) {
		pr_err("devices: cannot make /dev: error %d\n", err);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(chrdevs); i++)
		make_node(chrdevs[i].name, S_IFCHR | chrdevs[i].mode, chrdevs[i].rdev);
	for (unsigned i = 0; (disk = blkdev_nth(i)); i++)
		make_node(disk->name, S_IFBLK | 0660, disk->rdev); /* Linux's mode */
	/* /dev/fd, as udev makes it: the names execveat gives a program
	 * run from a descriptor (/dev/fd/N) open for its interpreter. */
	err = do_symlinkat("/proc/self/fd", AT_FDCWD, "/dev/fd");
	if (err && err != -EEXIST)
		pr_err("devices: cannot make /dev/fd: error %d\n", err);
	err = do_symlinkat("rtc0", AT_FDCWD, "/dev/rtc");
	if (err && err != -EEXIST)
		pr_err("devices: cannot make /dev/rtc: error %d\n", err);
	rtc_init();
}
