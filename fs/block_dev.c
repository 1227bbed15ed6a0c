/*
 * fs/block_dev.c - block special files: /dev/vda and the other
 * disks of drivers/blkdev.h, opened, read, written and sought like
 * files, as Linux's block/fops.c does for a program such as dd or mkswap.
 *
 * A disk moves whole 512-byte sectors, a program any bytes at any offset:
 * each step of a read or write goes through a bounce page that holds the
 * sectors the step touches.  A write that covers part of a sector first
 * reads it (read-modify-write), holding the disk's write_lock so that
 * another task's write cannot slip in while this one sleeps for the disk.
 * No data is cached: every call goes to the disk and is on it when the
 * call returns.
 *
 * Sizes, as on Linux: stat shows st_size 0 (the node is an ordinary ramfs
 * inode), but lseek(fd, 0, SEEK_END) and the BLKGETSIZE64 ioctl give the
 * disk's size; a read at or past the end returns 0, a write there fails
 * with ENOSPC, and one that crosses the end is cut short.
 */
#include "drivers/blkdev.h"
#include <vmos/errno.h>
#include "fs/internal.h"
#include "mm/frame.h"
#include <asm/page.h>

/* ioctl requests, Linux's numbers (<linux/fs.h>). */
#define BLKROGET 0x125e      /* int: 1 if read-only */
#define BLKGETSIZE 0x1260    /* unsigned long: size in 512-byte sectors */
#define BLKFLSBUF 0x1261     /* drop cached data: there is none */
#define BLKSSZGET 0x1268     /* int: the logical sector size */
#define BLKGETSIZE64 0x80081272 /* u64: size in bytes */

/*
 * struct step - one pass through the bounce page: the n bytes at file
 * position pos live in sectors [sector, sector + nsect), at offset off of
 * the page once those sectors are in it.
 */
struct step {
	u64 sector;
	u32 nsect;
	size_t off, n;
};

/* plan_step - the step for pos with left bytes to go (left already ends
 * at or before the end of the disk). */
static struct step plan_step(u64 pos, size_t left)
{
	struct step s;

	s.off = pos % SECTOR_SIZE;
	s.n = MIN(left, PAGE_SIZE - s.off);
	s.sector = pos / SECTOR_SIZE;
	s.nsect = (u32)((s.off + s.n + SECTOR_SIZE - 1) / SECTOR_SIZE);
	return s;
}

/* partial - does the step cover only part of its first or last sector? */
static bool partial(const struct step *s)
{
	return s->off != 0 || (s->off + s->n) % SECTOR_SIZE != 0;
}

static int blkdev_file_open(struct inode *inode, struct file *f)
{
	struct blkdev *dev = blkdev_by_rdev(inode->rdev);

	if (!dev)
		return -ENXIO; /* a node without a disk behind it */
	if (file_writable(f) && dev->read_only)
		return -EACCES;
	f->private = dev;
	return 0;
}

static long blkdev_file_read(struct file *f, struct uio *u, u64 *pos)
{
	struct blkdev *dev = f->private;
	u64 size = blkdev_bytes(dev);
	phys_addr_t bounce;
	long done = 0, n = 0;

	if (*pos >= size || !u->len)
		return 0;
	if (u->len > size - *pos)
		u->len = (size_t)(size - *pos);
	bounce = frame_alloc();
	if (!bounce)
		return -ENOMEM;
	while (u->len) {
		struct step s = plan_step(*pos, u->len);
		u8 *page = phys_to_virt(bounce);
		int err = blkdev_read(dev, s.sector, page, s.nsect);

		n = err ? err : uio_copy_out(u, page + s.off, s.n);
		if (n <= 0)
			break;
		*pos += (u64)n;
		done += n;
		if ((size_t)n < s.n)
			break; /* the user's buffer ended in a hole */
	}
	frame_free(bounce);
	return done ? done : n;
}

static long blkdev_file_write(struct file *f, struct uio *u, u64 *pos)
{
	struct blkdev *dev = f->private;
	u64 size = blkdev_bytes(dev);
	phys_addr_t bounce;
	long done = 0, n = 0;

	if (!u->len)
		return 0;
	if (*pos >= size)
		return -ENOSPC;
	if (u->len > size - *pos)
		u->len = (size_t)(size - *pos);
	bounce = frame_alloc();
	if (!bounce)
		return -ENOMEM;
	while (u->len) {
		struct step s = plan_step(*pos, u->len);
		u8 *page = phys_to_virt(bounce);
		int err;

		mutex_lock(&dev->write_lock);
		err = partial(&s) ? blkdev_read(dev, s.sector, page, s.nsect) : 0;
		n = err ? err : uio_copy_in(u, page + s.off, s.n);
		if (n >= 0 && (size_t)n < s.n)
			n = -EFAULT; /* write nothing of a step we could not fill */
		if (n > 0 && (err = blkdev_write(dev, s.sector, page, s.nsect)))
			n = err;
		mutex_unlock(&dev->write_lock);
		if (n <= 0)
			break;
		*pos += (u64)n;
		done += n;
	}
	frame_free(bounce);
	return done ? done : n;
}

static long put_user_value(u64 arg, const void *value, size_t size)
{
	return copy_to_user((void __user *)arg, value, size) ? -EFAULT : 0;
}

static long blkdev_file_ioctl(struct file *f, unsigned cmd, u64 arg)
{
	struct blkdev *dev = f->private;
	u64 bytes = blkdev_bytes(dev);
	unsigned long sectors = dev->sectors;
	int ro = dev->read_only, sector_size = SECTOR_SIZE;

	switch (cmd) {
	case BLKGETSIZE64:
		return put_user_value(arg, &bytes, sizeof(bytes));
	case BLKGETSIZE:
		return put_user_value(arg, &sectors, sizeof(sectors));
	case BLKSSZGET:
		return put_user_value(arg, &sector_size, sizeof(sector_size));
	case BLKROGET:
		return put_user_value(arg, &ro, sizeof(ro));
	case BLKFLSBUF:
		return 0;
	}
	return -ENOTTY;
}

/* The end for lseek: the disk's size, not the node's (0). */
static u64 blkdev_file_size(struct file *f)
{
	return blkdev_bytes(f->private);
}

const struct file_operations blkdev_fops = {
	.open = blkdev_file_open,
	.read = blkdev_file_read,
	.write = blkdev_file_write,
	.ioctl = blkdev_file_ioctl,
	.size = blkdev_file_size,
};
