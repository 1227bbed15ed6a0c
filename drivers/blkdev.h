/*
 * drivers/blkdev.h - block devices: disks the kernel reads and
 * writes in 512-byte sectors.  A driver (virtio_blk.c) registers each disk
 * it finds; the rest of the kernel (the /dev/vdX files in
 * fs/block_dev.c, and swap) finds it by name and moves sectors or
 * 4 KiB pages with the calls below.  Every call waits until the device
 * has finished and returns 0 or -errno: an error is always reported.
 * A task waits asleep (state D) and other tasks run meanwhile; at boot,
 * with interrupts off, and for page calls without a struct blk_io, the
 * CPU waits instead (drivers/virtio_blk.c).
 *
 * Buffers are kernel memory in the direct map (kmalloc, frames_alloc),
 * because the device reads and writes them by physical address.
 */
#ifndef DRIVERS_BLKDEV_H
#define DRIVERS_BLKDEV_H

#include <vmos/types.h>
#include <vmos/mutex.h>
#include <asm/page_types.h>

#define SECTOR_SHIFT 9
#define SECTOR_SIZE (1u << SECTOR_SHIFT)              /* 512 bytes */
#define SECTORS_PER_PAGE (PAGE_SIZE >> SECTOR_SHIFT) /* 8 */
#define MAX_BLKDEVS 8                                /* vda .. vdh */
#define BLKDEV_MAX_PAGES 32 /* pages in one blkdev_read_pages/write_pages */

/* Linux's numbers for virtio disks: major 254, 16 minors per disk. */
#define VIRTBLK_MAJOR 254
#define VIRTBLK_MINORS 16

struct blkdev;
struct blk_io;

/* What a driver does for the layer: move count sectors from sector on
 * between the disk and buf (write: to the disk).  Ranges are checked. */
struct blkdev_ops {
	int (*transfer)(struct blkdev *dev, u64 sector, void *buf, u32 count,
			bool write);
	/* n pages, each anywhere in memory, consecutive on the disk from
	 * sector on: one request (n <= BLKDEV_MAX_PAGES), waiting as io
	 * says (struct blk_io below).  Optional. */
	int (*transfer_pages)(struct blkdev *dev, u64 sector, void *const *pages,
			      unsigned n, bool write, const struct blk_io *io);
};

struct blkdev {
	char name[8];  /* "vda": its node in /dev */
	u64 sectors;   /* capacity in 512-byte sectors */
	bool read_only;
	u32 rdev;      /* device number of /dev/NAME (MKDEV in vfs.h) */
	const struct blkdev_ops *ops;
	void *private; /* the driver's */
	/* Held by a write() to /dev/NAME for each step's read-modify-write
	 * (fs/block_dev.c): the task sleeps during the disk requests, and
	 * another's write to the same sector between the read and the write
	 * would be lost. */
	struct mutex write_lock;
};

/* blkdev_register - add dev (name, sectors, ops filled; the layer sets
 * rdev) to the disks: 0, or -ENOSPC when MAX_BLKDEVS are registered. */
int blkdev_register(struct blkdev *dev);
/* blkdev_get - the disk called name ("vda"), or NULL. */
struct blkdev *blkdev_get(const char *name);
/* blkdev_by_rdev - the disk whose device number is rdev, or NULL. */
struct blkdev *blkdev_by_rdev(u32 rdev);
/* blkdev_nth - the nth registered disk (0: the first), or NULL. */
struct blkdev *blkdev_nth(unsigned n);
/* blkdev_bytes - the capacity in bytes. */
static inline u64 blkdev_bytes(const struct blkdev *dev)
{
	return dev->sectors << SECTOR_SHIFT;
}

/*
 * blkdev_read / blkdev_write - move count sectors starting at sector
 * between the disk and buf (count * 512 bytes, direct-map memory).  0, or
 * -EINVAL (the range leaves the disk, or buf is not in the direct map),
 * -EROFS (a write to a read-only disk) or -EIO (the device failed or did
 * not answer); each error is also logged.
 */
int blkdev_read(struct blkdev *dev, u64 sector, void *buf, u32 count);
int blkdev_write(struct blkdev *dev, u64 sector, const void *buf, u32 count);

/* blkdev_read_page / blkdev_write_page - 4 KiB page number page_index of
 * the disk (sectors page_index * 8 ..) to or from kbuf: as above. */
int blkdev_read_page(struct blkdev *dev, u64 page_index, void *kbuf);
int blkdev_write_page(struct blkdev *dev, u64 page_index, const void *kbuf);

/*
 * struct blk_io - how a page request waits.  Without one (NULL) the CPU
 * waits, halting until the answer: for callers that cannot have other
 * tasks run meanwhile.  With one the task may sleep (if the context
 * allows), and done(arg, err) runs the moment the answer comes, from the
 * disk's interrupt, before the task wakes (Linux's bio end_io): what
 * others waiting for these pages need, even those that cannot sleep.
 */
struct blk_io {
	void (*done)(void *arg, int err);
	void *arg;
};

/* blkdev_read_pages / blkdev_write_pages - n (<= BLKDEV_MAX_PAGES) pages
 * of the disk from page_index on, to or from the frames at pages[i] (each
 * a 4 KiB direct-map buffer): one request where the driver can, so that
 * swap writes and reads a cluster at once; io as above (may be NULL).
 * Errors as above; done() is told them too. */
int blkdev_read_pages(struct blkdev *dev, u64 page_index, void *const *pages,
		      unsigned n, const struct blk_io *io);
int blkdev_write_pages(struct blkdev *dev, u64 page_index, void *const *pages,
		       unsigned n, const struct blk_io *io);

#endif
