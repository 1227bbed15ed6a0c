/*
 * fs/stat.c - what an inode says about itself: stat, lstat, fstat,
 * newfstatat, statx, and the file system's totals: statfs, fstatfs.
 */
#include <vmos/errno.h>
#include "fs/internal.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include <vmos/string.h>
#include "mm/frame.h"
#include <asm/page_types.h>

#define STAT_BLKSIZE 4096  /* st_blksize: the best I/O size */
#define NSEC_PER_SEC 1000000000ull
#define AT_NO_AUTOMOUNT 0x800
#define TMPFS_MAGIC 0x01021994
#define PROC_SUPER_MAGIC 0x9fa0
#define RAMFS_MAGIC 0x858458f6
#define STATFS_FILES_MAX (1ul << 20) /* f_files: inodes, nominal */

/* struct stat on x86-64 Linux (144 bytes). */
struct k_stat {
	u64 st_dev;
	u64 st_ino;
	u64 st_nlink;
	u32 st_mode;
	u32 st_uid;
	u32 st_gid;
	u32 pad0;
	u64 st_rdev;
	s64 st_size;
	s64 st_blksize;
	s64 st_blocks; /* 512-byte units */
	s64 st_atime, st_atime_nsec;
	s64 st_mtime, st_mtime_nsec;
	s64 st_ctime, st_ctime_nsec;
	s64 unused[3];
};
_Static_assert(sizeof(struct k_stat) == 144, "struct stat is 144 bytes");

/* struct statfs on x86-64 Linux (120 bytes). */
struct k_statfs {
	s64 f_type;
	s64 f_bsize;
	u64 f_blocks, f_bfree, f_bavail;
	u64 f_files, f_ffree;
	s32 f_fsid[2];
	s64 f_namelen;
	s64 f_frsize;
	s64 f_flags;
	s64 f_spare[4];
};
_Static_assert(sizeof(struct k_statfs) == 120, "struct statfs is 120 bytes");

static void fill_stat(const struct inode *inode, struct k_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = inode->dev;
	st->st_ino = inode->ino;
	st->st_nlink = inode->nlink;
	st->st_mode = inode->mode;
	st->st_uid = inode->uid;
	st->st_gid = inode->gid;
	st->st_rdev = inode->rdev;
	st->st_size = (s64)inode->size;
	st->st_blksize = STAT_BLKSIZE;
	st->st_blocks = (s64)inode->blocks;
	st->st_atime = (s64)(inode->atime_ns / NSEC_PER_SEC);
	st->st_atime_nsec = (s64)(inode->atime_ns % NSEC_PER_SEC);
	st->st_mtime = (s64)(inode->mtime_ns / NSEC_PER_SEC);
	st->st_mtime_nsec = (s64)(inode->mtime_ns % NSEC_PER_SEC);
	st->st_ctime = (s64)(inode->ctime_ns / NSEC_PER_SEC);
	st->st_ctime_nsec = (s64)(inode->ctime_ns % NSEC_PER_SEC);
}

static long put_stat(const struct inode *inode, void __user *buf)
{
	struct k_stat st;

	fill_stat(inode, &st);
	return copy_to_user(buf, &st, sizeof(st)) ? -EFAULT : 0;
}

static long stat_at(int dirfd, const char __user *upath, void __user *buf,
		    int flags)
{
	struct inode *inode;
	int err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return -EINVAL;
	err = user_path_at(dirfd, upath, flags & ~AT_NO_AUTOMOUNT, &inode);
	if (err)
		return err;
	err = (int)put_stat(inode, buf);
	iput(inode);
	return err;
}

SYSCALL_DEFINE4(newfstatat, int, dirfd, const char __user *, path,
		void __user *, buf, int, flags)
{
	return stat_at(dirfd, path, buf, flags);
}

SYSCALL_DEFINE2(stat, const char __user *, path, void __user *, buf)
{
	return stat_at(AT_FDCWD, path, buf, 0);
}

SYSCALL_DEFINE2(lstat, const char __user *, path, void __user *, buf)
{
	return stat_at(AT_FDCWD, path, buf, AT_SYMLINK_NOFOLLOW);
}

SYSCALL_DEFINE2(fstat, int, fd, void __user *, buf)
{
	struct file *f = fd_get(current->files, fd);
	long err;

	if (!f)
		return -EBADF;
	err = put_stat(f->inode, buf);
	file_put(f);
	return err;
}

/* ---- statx: the same facts in the extensible layout ---- */

#define AT_STATX_SYNC_TYPE 0x6000 /* FORCE_SYNC | DONT_SYNC: one or none */
#define STATX_BASIC_STATS 0x7ffu  /* type, mode, nlink, uid, gid, times,
				   * ino, size, blocks: what is filled */
#define STATX__RESERVED 0x80000000u

struct statx_timestamp {
	s64 tv_sec;
	u32 tv_nsec;
	s32 reserved;
};

/* struct statx on Linux (256 bytes, include/uapi/linux/stat.h). */
struct k_statx {
	u32 stx_mask, stx_blksize;
	u64 stx_attributes;
	u32 stx_nlink, stx_uid, stx_gid;
	u16 stx_mode, spare0;
	u64 stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
	u32 stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	u64 stx_mnt_id;
	u32 stx_dio_mem_align, stx_dio_offset_align;
	u64 spare3[12];
};
_Static_assert(sizeof(struct k_statx) == 256, "struct statx is 256 bytes");

static struct statx_timestamp statx_time(u64 ns)
{
	return (struct statx_timestamp){ .tv_sec = (s64)(ns / NSEC_PER_SEC),
					 .tv_nsec = (u32)(ns % NSEC_PER_SEC) };
}

static void fill_statx(const struct inode *inode, struct k_statx *sx)
{
	memset(sx, 0, sizeof(*sx));
	sx->stx_mask = STATX_BASIC_STATS;
	sx->stx_blksize = STAT_BLKSIZE;
	sx->stx_nlink = inode->nlink;
	sx->stx_uid = inode->uid;
	sx->stx_gid = inode->gid;
	sx->stx_mode = (u16)inode->mode;
	sx->stx_ino = inode->ino;
	sx->stx_size = inode->size;
	sx->stx_blocks = inode->blocks;
	sx->stx_atime = statx_time(inode->atime_ns);
	sx->stx_ctime = statx_time(inode->ctime_ns);
	sx->stx_mtime = statx_time(inode->mtime_ns);
	sx->stx_rdev_major = MAJOR(inode->rdev);
	sx->stx_rdev_minor = MINOR(inode->rdev);
	sx->stx_dev_major = MAJOR(inode->dev);
	sx->stx_dev_minor = MINOR(inode->dev);
}

/* statx, in Linux's order of checks (do_statx, vfs_statx): a sync type
 * of both kinds or a reserved mask bit, then unknown flags: -EINVAL.
 * Whatever mask asks, the basic facts are what there is (stx_mask). */
SYSCALL_DEFINE5(statx, int, dirfd, const char __user *, path, int, flags,
		unsigned, mask, void __user *, buf)
{
	struct inode *inode;
	struct k_statx sx;
	int err;

	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE ||
	    (mask & STATX__RESERVED))
		return -EINVAL;
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT |
		      AT_STATX_SYNC_TYPE))
		return -EINVAL;
	err = user_path_at(dirfd, path,
			   flags & (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH), &inode);
	if (err)
		return err;
	fill_statx(inode, &sx);
	iput(inode);
	return copy_to_user(buf, &sx, sizeof(sx)) ? -EFAULT : 0;
}

/* Every file system shares the machine's memory: its totals are free and
 * managed frames (as tmpfs without a size limit). */
static long put_statfs(const struct inode *inode, void __user *buf)
{
	struct k_statfs st = { 0 };

	st.f_type = inode->dev == PROCFS_DEV ? PROC_SUPER_MAGIC :
		    !strcmp(mount_fs_name(inode), "ramfs") ? RAMFS_MAGIC :
		    TMPFS_MAGIC;
	st.f_bsize = st.f_frsize = PAGE_SIZE;
	if (inode->dev != PROCFS_DEV) {
		st.f_blocks = frames_managed_count();
		st.f_bfree = st.f_bavail = frames_free_count();
		st.f_files = STATFS_FILES_MAX;
		st.f_ffree = STATFS_FILES_MAX;
	}
	st.f_fsid[0] = (s32)inode->dev;
	st.f_namelen = NAME_MAX;
	return copy_to_user(buf, &st, sizeof(st)) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(statfs, const char __user *, upath, void __user *, buf)
{
	struct inode *inode;
	char *path;
	int err;

	path = getname(upath, &err);
	if (!path)
		return err;
	err = vfs_lookup(AT_FDCWD, path, LOOKUP_FOLLOW, &inode);
	putname(path);
	if (err)
		return err;
	err = (int)put_statfs(inode, buf);
	iput(inode);
	return err;
}

SYSCALL_DEFINE2(fstatfs, int, fd, void __user *, buf)
{
	struct file *f = fd_get(current->files, fd);
	long err;

	if (!f)
		return -EBADF;
	err = put_statfs(f->inode, buf);
	file_put(f);
	return err;
}
