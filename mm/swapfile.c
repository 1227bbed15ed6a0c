/*
 * mm/swapfile.c - swap areas: swapon(2) and swapoff(2), moving a slot's
 * page to and from the area's disk, and /proc/swaps.  The header rules,
 * the slot maps and the choice of an area are pure code in swapslots.c;
 * the layout is in swapfile.h (docs/swap.md tells the whole story).
 *
 * An area is a block device (a virtio disk, /dev/vdX) that mkswap has
 * prepared.  A swap file on our root file system is refused, as Linux
 * refuses one on ramfs or tmpfs: such a file has no blocks on a disk to
 * write pages to.
 *
 * Locking: none (one CPU, no preemption).  swapon marks the area's table
 * entry SWP_USED before anything can sleep, so a second swapon of the
 * same device meets it; swapoff clears SWP_WRITEOK before swap_unuse(),
 * so no slot of the area is handed out while it is being emptied.
 */
#include "kernel/capability.h"
#include "drivers/blkdev.h"
#include <vmos/errno.h>
#include "fs/procfmt.h"
#include "fs/vfs.h"
#include <vmos/printk.h>
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "mm/kmalloc.h"
#include "mm/swapfile.h"
#include "mm/vmscan.h"
#include <vmos/mutex.h>
#include <asm/page_types.h>

#define SWAPS_LINE_MAX 640 /* a 128-byte name escaped, and the numbers */

_Static_assert(sizeof(union swap_header) == SWAP_PAGE_SIZE &&
	       SWAP_PAGE_SIZE == PAGE_SIZE, "a swap header is one page");
_Static_assert(SWAP_BADPAGES_OFFSET == 1536, "Linux's header layout");

/* ---- finding the area ---- */

/* free_type - an unused entry of the table, or -EPERM when all
 * MAX_SWAPFILES are taken (Linux's errno for it). */
static int free_type(void)
{
	for (unsigned t = 0; t < MAX_SWAPFILES; t++)
		if (!swap_areas[t].flags)
			return (int)t;
	return -EPERM;
}

/* type_on - the area in use on disk dev, or -1. */
static int type_on(const struct blkdev *dev)
{
	if (!dev)
		return -1;
	for (unsigned t = 0; t < MAX_SWAPFILES; t++)
		if ((swap_areas[t].flags & SWP_USED) && swap_areas[t].bdev == dev)
			return (int)t;
	return -1;
}

/*
 * open_user_path - open the file a user's path names for reading and
 * writing, as Linux's swapon and swapoff do: the file, or NULL with *err
 * (-EFAULT, -ENAMETOOLONG, -ENOENT, -ENOTDIR, -EISDIR, -EACCES, ...).
 */
static struct file *open_user_path(const char __user *upath, int *err)
{
	char *path = kmalloc(PATH_MAX);
	struct file *f = NULL;
	long len;

	if (!path) {
		*err = -ENOMEM;
		return NULL;
	}
	len = strncpy_from_user(path, upath, PATH_MAX);
	*err = len < 0 ? (int)len : 0;
	if (!*err)
		f = vfs_open(path, O_RDWR, 0, err);
	kfree(path);
	return f;
}

/*
 * claim_device - the disk behind area a's file (a->bdev): 0, or -EINVAL
 * (not a block device: a regular file is logged), -EBUSY (an area is in
 * use on that disk, by this name or another).
 */
static int claim_device(struct swap_area *a)
{
	const struct inode *inode = a->file->inode;
	struct blkdev *dev;

	if (S_ISREG(inode->mode)) {
		pr_err("swapon: %s: swap files are not supported on this file "
		       "system (it has no blocks on a disk): use a disk, "
		       "/dev/vdX\n", a->path);
		return -EINVAL;
	}
	if (!S_ISBLK(inode->mode))
		return -EINVAL;
	dev = blkdev_by_rdev(inode->rdev);
	if (!dev)
		return -ENXIO; /* open checked it; kept for safety */
	if (type_on(dev) >= 0)
		return -EBUSY;
	a->bdev = dev;
	return 0;
}

/*
 * read_header - read and check page 0 of a's disk and set up the slot
 * map from it: 0, -EINVAL (a bad header, or no usable page), -ENOMEM,
 * or the disk's error.
 */
static int read_header(struct swap_area *a)
{
	union swap_header *h = kmalloc(sizeof(*h)); /* direct map, for I/O */
	u64 dev_pages = a->bdev->sectors / SECTORS_PER_PAGE;
	long max;
	int err;

	if (!h)
		return -ENOMEM;
	err = blkdev_read_page(a->bdev, 0, h);
	max = err ? err : swap_header_check(h, dev_pages, a->path);
	if (max > 0) {
		u8 *count = kmalloc((size_t)max);

		if (!count)
			err = -ENOMEM;
		else if (!swap_map_init(&a->map, count, (u64)max, h)) {
			pr_err("swapon: %s: Empty swap-file: no usable page\n",
			       a->path);
			kfree(count);
			a->map.count = NULL;
			err = -EINVAL;
		}
	} else {
		err = (int)max;
	}
	kfree(h);
	return err;
}

/* release - give back what a holds and free its entry (a failed swapon,
 * or the end of swapoff). */
static void release(unsigned type)
{
	struct swap_area *a = &swap_areas[type];

	kfree(a->map.count);
	if (a->file)
		file_put(a->file);
	swap_area_forget(type);
}

/* ---- the system calls ---- */

/* Held across a whole swapon or swapoff: swapon sleeps while the disk
 * reads the header, with its area half set up (Linux's swapon_mutex). */
static DEFINE_MUTEX(swapon_mutex);

static long do_swapon(const char __user *path, int flags);
static long do_swapoff(const char __user *path);

SYSCALL_DEFINE2(swapon, const char __user *, path, int, flags)
{
	long r;

	mutex_lock(&swapon_mutex);
	r = do_swapon(path, flags);
	mutex_unlock(&swapon_mutex);
	return r;
}

SYSCALL_DEFINE1(swapoff, const char __user *, path)
{
	long r;

	mutex_lock(&swapon_mutex);
	reclaim_lock(); /* no batch of victims half written meanwhile */
	r = do_swapoff(path);
	reclaim_unlock();
	mutex_unlock(&swapon_mutex);
	return r;
}

static long do_swapon(const char __user *path, int flags)
{
	struct swap_area *a;
	struct file *f;
	int type, err;

	if (flags & ~SWAP_FLAGS_VALID)
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	type = free_type();
	if (type < 0)
		return type;
	f = open_user_path(path, &err);
	if (!f)
		return err;
	a = &swap_areas[type];
	a->flags = SWP_USED;
	a->file = f;
	a->path = f->path;
	err = claim_device(a);
	if (!err)
		err = read_header(a);
	if (err) {
		release((unsigned)type);
		return err;
	}
	swap_area_enable((unsigned)type, (flags & SWAP_FLAG_PREFER)
						 ? flags & SWAP_FLAG_PRIO_MASK
						 : -1);
	pr_info("Adding %luk swap on %s.  Priority:%d extents:1 across:%luk\n",
		a->map.pages * (PAGE_SIZE / 1024), a->path, a->prio,
		a->map.pages * (PAGE_SIZE / 1024));
	return 0;
}

static long do_swapoff(const char __user *path)
{
	struct swap_area *a;
	struct file *f;
	int type = -1, err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	f = open_user_path(path, &err);
	if (!f)
		return err;
	if (S_ISBLK(f->inode->mode))
		type = type_on(blkdev_by_rdev(f->inode->rdev));
	file_put(f);
	if (type < 0 || !(swap_areas[type].flags & SWP_WRITEOK))
		return -EINVAL; /* not an active area (or one already going) */
	a = &swap_areas[type];
	swap_area_disable((unsigned)type);
	err = swap_unuse((unsigned)type);
	if (err) {
		/* still active, nothing lost, and with the same priority
		 * (Linux gives it a new lowest default one) */
		a->flags |= SWP_WRITEOK;
		return err;
	}
	if (a->map.inuse)
		panic("swapoff: %s: %lu slots still in use after swap_unuse",
		      a->path, a->map.inuse);
	pr_info("Removed swap on %s\n", a->path);
	release((unsigned)type);
	return 0;
}

/* ---- a slot's page on the disk ---- */

/* io_area - the area of slot e, which must be allocated (reading or
 * writing a free slot is a bug in the caller). */
static struct swap_area *io_area(swp_entry_t e, const char *who)
{
	if (!swap_slot_count(e))
		panic("%s: entry 0x%lx (area %u, slot %lu) is not allocated",
		      who, e.val, swp_type(e), swp_offset(e));
	return &swap_areas[swp_type(e)];
}

/* The area of n allocated slots from first on: the disk request. */
static int transfer_slots(swp_entry_t first, void *const *pages, unsigned n,
			  bool write, const struct blk_io *io)
{
	const char *who = write ? "swap_write_pages" : "swap_read_pages";
	struct swap_area *a = io_area(first, who);
	int err;

	for (unsigned i = 1; i < n; i++)
		io_area(swp_entry(swp_type(first), swp_offset(first) + i), who);
	err = write ? blkdev_write_pages(a->bdev, swp_offset(first), pages, n, io)
		    : blkdev_read_pages(a->bdev, swp_offset(first), pages, n, io);
	if (err)
		pr_err("swap: %s slots %lu..%lu of %s failed (error %d)\n",
		       write ? "writing" : "reading", swp_offset(first),
		       swp_offset(first) + n - 1, a->path, err);
	return err ? -EIO : 0;
}

int swap_write_pages(swp_entry_t first, void *const *pages, unsigned n)
{
	return transfer_slots(first, pages, n, true, NULL);
}

int swap_read_pages(swp_entry_t first, void *const *pages, unsigned n)
{
	return transfer_slots(first, pages, n, false, NULL);
}

int swap_read_pages_io(swp_entry_t first, void *const *pages, unsigned n,
		       const struct blk_io *io)
{
	return transfer_slots(first, pages, n, false, io);
}

int swap_write_pages_io(swp_entry_t first, void *const *pages, unsigned n,
			const struct blk_io *io)
{
	return transfer_slots(first, pages, n, true, io);
}

int swap_write_page(swp_entry_t e, const void *kbuf)
{
	void *page = (void *)kbuf; /* only read: a write's one buffer */

	return transfer_slots(e, &page, 1, true, NULL);
}

/* ---- /proc/swaps ---- */

void swap_show(struct pbuf *b)
{
	char line[SWAPS_LINE_MAX];

	pbuf_printf(b, "%s", SWAPS_HEADER);
	for (unsigned t = 0; t < MAX_SWAPFILES; t++) {
		const struct swap_area *a = &swap_areas[t];

		if (!(a->flags & SWP_USED) || !a->map.count)
			continue;
		swap_area_line(a, line, sizeof(line));
		pbuf_printf(b, "%s", line);
	}
}
