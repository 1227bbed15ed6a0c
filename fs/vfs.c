/*
 * fs/vfs.c - inodes, moving bytes (struct uio), kernel_read and
 * kernel_write, and bringing the file system up at boot.
 *
 * An inode lives as long as something refers to it: a directory entry,
 * an open file, a cwd, a mapping.  Each holds one reference (ihold); the
 * last iput() asks the file system to free its data (evict) and frees the
 * inode.  An unlinked file that is still open therefore keeps its data
 * until the last close, as on Linux.
 */
#include "kernel/capability.h"
#include "kernel/time.h"
#include <vmos/errno.h>
#include "fs/internal.h"
#include <vmos/printk.h>
#include "kernel/task.h"
#include <vmos/string.h>
#include "mm/kmalloc.h"
#include <asm/arch.h>

/* File times follow the wall clock, kernel/time.c's CLOCK_REALTIME (the
 * RTC's date at boot plus the time since). */


struct inode *vfs_root;

u64 vfs_now_ns(void)
{
	return ktime_get_real_ns();
}

void uio_init(struct uio *u, u64 addr, size_t len, bool user)
{
	*u = (struct uio){ .addr = addr, .len = len, .user = user,
			   .seg_len = len, .next_seg = NULL };
}

int uio_init_vec(struct uio *u, const struct uio_seg *segs, unsigned n,
		 size_t max, bool user)
{
	size_t total = 0;

	for (unsigned i = 0; i < n; i++) {
		if (segs[i].len > (u64)SSIZE_MAX - total)
			return -EINVAL;
		if (user && !access_ok((const void __user *)segs[i].base,
				       segs[i].len))
			return -EFAULT;
		total += segs[i].len;
	}
	uio_init(u, 0, MIN(total, max), user);
	u->seg_len = 0;
	u->next_seg = segs; /* the first copy steps onto segs[0] */
	return 0;
}

/* uio_step - the length of the next run of bytes (at most n) at u->addr,
 * moving to the next piece when this one is used up. */
static size_t uio_step(struct uio *u, size_t n)
{
	while (!u->seg_len && u->len) {
		u->addr = u->next_seg->base;
		u->seg_len = u->next_seg->len;
		u->next_seg++;
	}
	return MIN(n, MIN(u->seg_len, u->len));
}

/* uio_advance - m bytes at u->addr were moved. */
static void uio_advance(struct uio *u, size_t m)
{
	u->addr += m;
	u->seg_len -= m;
	u->len -= m;
}

long uio_copy_out(struct uio *u, const void *src, size_t n)
{
	size_t done = 0;

	n = MIN(n, u->len);
	while (done < n) {
		size_t m = uio_step(u, n - done);

		if (u->user) {
			if (copy_to_user((void __user *)u->addr,
					 (const u8 *)src + done, m))
				return done ? (long)done : -EFAULT;
		} else {
			memcpy((void *)u->addr, (const u8 *)src + done, m);
		}
		uio_advance(u, m);
		done += m;
	}
	return (long)done;
}

long uio_copy_in(struct uio *u, void *dst, size_t n)
{
	size_t done = 0;

	n = MIN(n, u->len);
	while (done < n) {
		size_t m = uio_step(u, n - done);

		if (u->user) {
			if (copy_from_user((u8 *)dst + done,
					   (const void __user *)u->addr, m))
				return done ? (long)done : -EFAULT;
		} else {
			memcpy((u8 *)dst + done, (const void *)u->addr, m);
		}
		uio_advance(u, m);
		done += m;
	}
	return (long)done;
}

long uio_zero(struct uio *u, size_t n)
{
	size_t done = 0;

	n = MIN(n, u->len);
	while (done < n) {
		size_t m = uio_step(u, n - done);

		if (u->user) {
			if (clear_user((void __user *)u->addr, m))
				return done ? (long)done : -EFAULT;
		} else {
			memset((void *)u->addr, 0, m);
		}
		uio_advance(u, m);
		done += m;
	}
	return (long)done;
}

struct inode *inode_alloc(u32 dev, u32 ino, u32 mode,
			  const struct inode_operations *iops,
			  const struct file_operations *fops)
{
	struct inode *inode = kzalloc(sizeof(*inode));

	if (!inode)
		return NULL;
	inode->dev = dev;
	inode->ino = ino;
	inode->mode = mode;
	inode->nlink = 1;
	inode->refcount = 1;
	inode->iops = iops;
	inode->fops = fops;
	inode->atime_ns = inode->mtime_ns = inode->ctime_ns = vfs_now_ns();
	return inode;
}

void ihold(struct inode *inode)
{
	if (inode->refcount == 0)
		panic("ihold: inode %u (dev %u:%u) has no references", inode->ino,
		      MAJOR(inode->dev), MINOR(inode->dev));
	inode->refcount++;
}

void iput(struct inode *inode)
{
	if (!inode)
		return;
	if (inode->refcount == 0)
		panic("iput: inode %u (dev %u:%u) put once too often",
		      inode->ino, MAJOR(inode->dev), MINOR(inode->dev));
	if (--inode->refcount)
		return;
	if (inode->iops && inode->iops->evict)
		inode->iops->evict(inode);
	kfree(inode);
}

void inode_touch(struct inode *inode)
{
	inode->mtime_ns = inode->ctime_ns = vfs_now_ns();
}

unsigned inode_dtype(u32 mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR:
		return DT_DIR;
	case S_IFREG:
		return DT_REG;
	case S_IFLNK:
		return DT_LNK;
	case S_IFCHR:
		return DT_CHR;
	case S_IFBLK:
		return DT_BLK;
	case S_IFIFO:
		return DT_FIFO;
	case S_IFSOCK:
		return DT_SOCK;
	}
	return DT_UNKNOWN;
}

u32 current_fsuid(void)
{
	return current ? current->cred.euid : 0;
}

u32 current_fsgid(void)
{
	return current ? current->cred.egid : 0;
}

/* dac_override - Linux's generic_permission once the mode bits said no:
 * may the capabilities caps override them?  A directory: reading and
 * searching with CAP_DAC_READ_SEARCH, anything with CAP_DAC_OVERRIDE.  A
 * file: reading with CAP_DAC_READ_SEARCH; reading and writing with
 * CAP_DAC_OVERRIDE, and executing too if some execute bit is set. */
static bool dac_override(const struct inode *inode, int mask, u64 caps)
{
	bool read_search = caps & CAP_TO_MASK(CAP_DAC_READ_SEARCH);
	bool override = caps & CAP_TO_MASK(CAP_DAC_OVERRIDE);

	if (S_ISDIR(inode->mode))
		return (!(mask & MAY_WRITE) && read_search) || override;
	if (mask == MAY_READ && read_search)
		return true;
	return override && (!(mask & MAY_EXEC) || (inode->mode & S_IXUGO));
}

int inode_permission_as(const struct inode *inode, int mask, u32 uid, u64 caps)
{
	u32 mode = inode->mode;

	mask &= MAY_READ | MAY_WRITE | MAY_EXEC;
	/* A read-only mount refuses changes to files, directories and links
	 * (devices and FIFOs stay writable), root's too: Linux's sb_permission. */
	if ((mask & MAY_WRITE) && (S_ISREG(mode) || S_ISDIR(mode) || S_ISLNK(mode)) &&
	    mnt_want_write(inode))
		return -EROFS;
	if (uid == inode->uid)
		mode >>= 6;
	else if (in_group_p(inode->gid))
		mode >>= 3;
	if (!(mask & ~mode & 7))
		return 0;
	return dac_override(inode, mask, caps) ? 0 : -EACCES;
}

int inode_permission(const struct inode *inode, int mask)
{
	return inode_permission_as(inode, mask, current_fsuid(),
				   current ? current->cred.cap_effective : CAP_FULL_SET);
}

int inode_permission_exec(const struct inode *inode)
{
	if (!S_ISREG(inode->mode) || mnt_noexec(inode))
		return -EACCES; /* Linux's path_noexec() too */
	return inode_permission(inode, MAY_EXEC);
}

struct file *vfs_open(const char *path, u32 flags, u32 mode, int *err)
{
	return do_open(AT_FDCWD, path, flags, mode, err);
}

struct file *open_exec(const char *path, int *err)
{
	return open_exec_at(AT_FDCWD, path, 0, err);
}

struct file *open_exec_at(int dirfd, const char *path, int flags, int *err)
{
	struct file *pf, *f = NULL;

	if (!path[0] && (flags & AT_EMPTY_PATH)) {
		pf = fd_get(current->files, dirfd);
		*err = pf ? 0 : -EBADF;
	} else {
		pf = do_open(dirfd, path, O_PATH | ((flags & AT_SYMLINK_NOFOLLOW) ?
						    O_NOFOLLOW : 0), 0, err);
	}
	if (!pf)
		return NULL;
	*err = S_ISLNK(pf->inode->mode) ? -ELOOP : inode_permission_exec(pf->inode);
	if (!*err)
		f = file_open_inode(pf->inode, O_RDONLY, pf->path, err);
	file_put(pf);
	if (f && (*err = deny_write_access(f->inode))) {
		file_put(f);
		f = NULL;
	}
	return f;
}

long kernel_read(struct file *f, void *buf, size_t n, u64 off)
{
	struct uio u;

	uio_init(&u, (u64)(uintptr_t)buf, n, false);
	if (!file_readable(f) || !f->fops->read)
		return -EBADF;
	return f->fops->read(f, &u, &off);
}

long kernel_write(struct file *f, const void *buf, size_t n, u64 off)
{
	struct uio u;

	uio_init(&u, (u64)(uintptr_t)buf, n, false);
	if (!file_writable(f) || !f->fops->write)
		return -EBADF;
	return f->fops->write(f, &u, &off);
}

void vfs_init(void)
{
	vfs_root = ramfs_create_root();
	if (!vfs_root)
		panic("vfs_init: no memory for the root directory");
	initrd_unpack_all();
	devices_init();
	mount_init();
	tty_init();
}
