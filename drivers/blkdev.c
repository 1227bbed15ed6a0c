/*
 * drivers/blkdev.c - the block-device layer: the table of disks,
 * and the checks every transfer passes before its driver sees it.
 *
 * Disks are named in the order they register, which for virtio disks is
 * PCI order: vda, vdb, ...  Disk n is /dev/vdX with device number
 * 254:(16 * n), as Linux numbers virtio disks.
 */
#include "drivers/blkdev.h"
#include <vmos/errno.h>
#include "fs/vfs.h"
#include <vmos/printk.h>
#include <vmos/string.h>
#include <asm/page_types.h>

static struct blkdev *disks[MAX_BLKDEVS];
static unsigned nr_disks;

int blkdev_register(struct blkdev *dev)
{
	if (nr_disks == MAX_BLKDEVS) {
		pr_err("blkdev: %s: no room, %d disks are the most\n",
		       dev->name, MAX_BLKDEVS);
		return -ENOSPC;
	}
	dev->rdev = MKDEV(VIRTBLK_MAJOR, nr_disks * VIRTBLK_MINORS);
	mutex_init(&dev->write_lock, "blkdev.write_lock");
	disks[nr_disks++] = dev;
	return 0;
}

struct blkdev *blkdev_get(const char *name)
{
	for (unsigned i = 0; i < nr_disks; i++)
		if (strcmp(disks[i]->name, name) == 0)
			return disks[i];
	return NULL;
}

struct blkdev *blkdev_by_rdev(u32 rdev)
{
	for (unsigned i = 0; i < nr_disks; i++)
		if (disks[i]->rdev == rdev)
			return disks[i];
	return NULL;
}

struct blkdev *blkdev_nth(unsigned n)
{
	return n < nr_disks ? disks[n] : NULL;
}

/* in_direct_map - does [buf, buf + len) lie in the direct map (so its
 * physical address is buf - DIRECT_MAP_BASE, contiguous)? */
static bool in_direct_map(const void *buf, u64 len)
{
	u64 va = (u64)(uintptr_t)buf;

	return va >= DIRECT_MAP_BASE && len <= DIRECT_MAP_MAX &&
	       va - DIRECT_MAP_BASE <= DIRECT_MAP_MAX - len;
}

/* check_request - can count sectors from sector move to or from buf? */
static int check_request(struct blkdev *dev, u64 sector, const void *buf,
			 u32 count, bool write)
{
	const char *op = write ? "write" : "read";

	if (sector > dev->sectors || count > dev->sectors - sector) {
		pr_err("blkdev: %s: %s of %u sectors at sector %lu is beyond "
		       "the end (%lu sectors)\n", dev->name, op, count, sector,
		       dev->sectors);
		return -EINVAL;
	}
	if (!in_direct_map(buf, (u64)count << SECTOR_SHIFT)) {
		pr_err("blkdev: %s: %s buffer %p is not in the direct map: the "
		       "device needs its physical address\n", dev->name, op, buf);
		return -EINVAL;
	}
	if (write && dev->read_only) {
		pr_err("blkdev: %s: write to a read-only disk\n", dev->name);
		return -EROFS;
	}
	return 0;
}

static int transfer(struct blkdev *dev, u64 sector, void *buf, u32 count,
		    bool write)
{
	int err = check_request(dev, sector, buf, count, write);

	if (err || count == 0)
		return err;
	return dev->ops->transfer(dev, sector, buf, count, write);
}

int blkdev_read(struct blkdev *dev, u64 sector, void *buf, u32 count)
{
	return transfer(dev, sector, buf, count, false);
}

/* The driver only reads buf on a write: the cast drops const for the one
 * transfer operation both directions share. */
int blkdev_write(struct blkdev *dev, u64 sector, const void *buf, u32 count)
{
	return transfer(dev, sector, (void *)buf, count, true);
}

/* page_sector - the first sector of 4 KiB page page_index; a page too far
 * for any disk gives the last u64, which check_request() refuses. */
static u64 page_sector(u64 page_index)
{
	return page_index < ~0ull / SECTORS_PER_PAGE ? page_index * SECTORS_PER_PAGE
						      : ~0ull;
}

int blkdev_read_page(struct blkdev *dev, u64 page_index, void *kbuf)
{
	return blkdev_read(dev, page_sector(page_index), kbuf, SECTORS_PER_PAGE);
}

int blkdev_write_page(struct blkdev *dev, u64 page_index, const void *kbuf)
{
	return blkdev_write(dev, page_sector(page_index), kbuf, SECTORS_PER_PAGE);
}

/* check_pages - can n pages from page_index on move to or from pages[]? */
static int check_pages(struct blkdev *dev, u64 page_index, void *const *pages,
		       unsigned n, bool write)
{
	u64 sector = page_sector(page_index);
	int err;

	if (n > BLKDEV_MAX_PAGES) {
		pr_err("blkdev: %s: %u pages in one request (at most %d)\n",
		       dev->name, n, BLKDEV_MAX_PAGES);
		return -EINVAL;
	}
	for (unsigned i = 0; i < n; i++) {
		u64 s = sector == ~0ull ? ~0ull : sector + (u64)i * SECTORS_PER_PAGE;

		err = check_request(dev, s, pages[i], SECTORS_PER_PAGE, write);
		if (err)
			return err;
	}
	return 0;
}

static int transfer_pages(struct blkdev *dev, u64 page_index, void *const *pages,
			  unsigned n, bool write, const struct blk_io *io)
{
	int err = check_pages(dev, page_index, pages, n, write);

	if (err || !n) {
		if (io)
			io->done(io->arg, err);
		return err;
	}
	if (dev->ops->transfer_pages)
		return dev->ops->transfer_pages(dev, page_sector(page_index), pages,
						n, write, io);
	for (unsigned i = 0; i < n && !err; i++)
		err = dev->ops->transfer(dev, page_sector(page_index) +
					 (u64)i * SECTORS_PER_PAGE,
					 pages[i], SECTORS_PER_PAGE, write);
	if (io)
		io->done(io->arg, err);
	return err;
}

int blkdev_read_pages(struct blkdev *dev, u64 page_index, void *const *pages,
		      unsigned n, const struct blk_io *io)
{
	return transfer_pages(dev, page_index, pages, n, false, io);
}

int blkdev_write_pages(struct blkdev *dev, u64 page_index, void *const *pages,
		       unsigned n, const struct blk_io *io)
{
	return transfer_pages(dev, page_index, pages, n, true, io);
}
