/*
 * fs/open.c - opening and closing files, and changing what an
 * inode says about itself: open, openat, creat, close, access, chdir,
 * getcwd, umask, chmod, chown, truncate, utimensat, fsync.
 *
 * Permission bits are checked as Unix does (inode_permission in vfs.c):
 * opening for reading or writing, creating in a directory, searching one,
 * access(), chdir, truncate and utimensat.
 */
#include "kernel/capability.h"
#include <vmos/errno.h>
#include "fs/internal.h"
#include "fs/path.h"
#include "kernel/rlimit.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include <vmos/format.h>
#include <vmos/string.h>
#include "mm/kmalloc.h"

#define R_OK 4
#define W_OK 2
#define X_OK 1
#define F_OK 0
#define AT_EACCESS 0x200
#define UTIME_NOW ((1l << 30) - 1)
#define UTIME_OMIT ((1l << 30) - 2)
#define NSEC_PER_SEC 1000000000l

/* open_create - the O_CREAT half of open: the file, made if missing. */
static int open_create(int dirfd, const char *path, u32 flags, u32 mode,
		       struct inode **res, bool *created)
{
	struct last_name last;
	struct inode *dir;
	int err;

	*created = false;
	err = vfs_lookup_parent(dirfd, path, &dir, &last);
	if (err)
		return err;
	if (last.len == 0 || last.dots) {
		iput(dir);
		return -EISDIR; /* open("/", O_CREAT): a directory */
	}
	err = lookup_one(dir, last.name, last.len, res);
	if (!err)
		follow_down(res); /* a mountpoint: the mounted root */
	if (err == -ENOENT) {
		if (last.dir)
			err = -EISDIR;
		else if (!dir->iops || !dir->iops->mknod)
			err = -EACCES;
		else if (!(err = inode_permission(dir, MAY_WRITE | MAY_EXEC)))
			err = dir->iops->mknod(dir, last.name, last.len,
					       S_IFREG | (mode & S_IALLUGO & ~current_umask()),
					       0, res);
		*created = !err;
	} else if (!err && (flags & O_EXCL)) {
		iput(*res);
		err = -EEXIST;
	} else if (!err && S_ISLNK((*res)->mode)) {
		/* An existing link is followed (to a file that must exist:
		 * Linux would create a dangling link's target). */
		iput(*res);
		err = (flags & O_NOFOLLOW) ? -ELOOP :
			vfs_lookup(dirfd, path, LOOKUP_FOLLOW, res);
	}
	iput(dir);
	return err;
}

/* may_open - can inode be opened with flags? Truncates for O_TRUNC. */
static int may_open(struct inode *inode, u32 flags, bool created)
{
	bool write = (flags & O_ACCMODE) != O_RDONLY;

	if (flags & O_PATH)
		return (flags & O_DIRECTORY) && !S_ISDIR(inode->mode) ? -ENOTDIR : 0;
	if (S_ISLNK(inode->mode))
		return -ELOOP; /* O_NOFOLLOW met a link */
	if ((flags & O_DIRECTORY) && !S_ISDIR(inode->mode))
		return -ENOTDIR;
	if (S_ISDIR(inode->mode) && (write || (flags & O_CREAT)))
		return -EISDIR;
	if (write && S_ISREG(inode->mode) && (!inode->fops || !inode->fops->write))
		return -EACCES; /* a read-only file system (/proc) */
	if (!created) { /* who makes a file may open it, whatever its mode */
		int mask = ((flags & O_ACCMODE) != O_WRONLY ? MAY_READ : 0) |
			   (write || (flags & O_TRUNC) ? MAY_WRITE : 0);
		int err = inode_permission(inode, mask);

		if (err)
			return err;
	}
	if ((flags & O_TRUNC) && write && S_ISREG(inode->mode) && !created) {
		/* A file that cannot be cut (/proc/sys) opens as it is, as on
		 * Linux: `echo 1 > /proc/sys/...` uses O_TRUNC. */
		if (!inode->iops || !inode->iops->setsize)
			return 0;
		return vfs_truncate(inode, 0);
	}
	return 0;
}

/* file_name - the absolute name path has from dirfd, for /proc and maps. */
static void file_name(int dirfd, const char *path, char *out, size_t size)
{
	const char *base = "/";
	struct file *dir = NULL;

	if (path[0] != '/' && dirfd == AT_FDCWD && current && current->fs)
		base = current->fs->cwd_path;
	else if (path[0] != '/' && (dir = fd_get(current->files, dirfd)))
		base = dir->path;
	path_join_lexical(base, path, out, size);
	file_put(dir);
}

/*
 * resolve_links - turn out (an absolute name) into the file's real name, as
 * Linux's d_path shows it in /proc/PID/maps and exe: while the name itself
 * is a symbolic link, replace it by the link's target (relative targets
 * from the link's directory).  At most MAXSYMLINKS steps; on any error the
 * name is left as it is.
 */
static void resolve_links(char *out, size_t size)
{
	char *target = kmalloc(PATH_MAX), *joined = kmalloc(PATH_MAX);

	for (int i = 0; target && joined && i < MAXSYMLINKS; i++) {
		struct inode *inode;
		long n;
		char *slash;

		if (vfs_lookup(AT_FDCWD, out, 0, &inode))
			break;
		n = S_ISLNK(inode->mode) && inode->iops && inode->iops->readlink
			    ? inode->iops->readlink(inode, target, PATH_MAX - 1)
			    : -EINVAL;
		iput(inode);
		if (n <= 0)
			break;
		target[n] = '\0';
		slash = strrchr(out, '/');
		if (slash)
			slash[slash == out ? 1 : 0] = '\0'; /* the link's directory */
		if (!path_join_lexical(out, target, joined, PATH_MAX) ||
		    strlen(joined) >= size)
			break;
		strlcpy(out, joined, size);
	}
	kfree(target);
	kfree(joined);
}

#define __O_TMPFILE 020000000
#define O_TMPFILE (__O_TMPFILE | O_DIRECTORY)

/*
 * open_tmpfile - O_TMPFILE: a new regular file in directory path with no
 * name, deleted at its last close.  Linux's checks (build_open_flags,
 * vfs_tmpfile): EINVAL without O_DIRECTORY, with O_CREAT, or not for
 * writing; ENOENT/ENOTDIR for the directory; EACCES without write and
 * search permission in it; EOPNOTSUPP where files cannot be made (/proc).
 * Here the file is made under a passing name and unlinked at once.
 */
static struct file *open_tmpfile(int dirfd, const char *path, u32 flags,
				 u32 mode, int *err)
{
	static u32 tmpfile_seq;
	struct inode *dir, *inode;
	struct file *f = NULL;
	char name[32], dname[sizeof(f->path)], fname[sizeof(f->path)];
	int len;

	*err = -EINVAL;
	if ((flags & (O_TMPFILE | O_CREAT)) != O_TMPFILE || (flags & O_ACCMODE) == O_RDONLY)
		return NULL;
	*err = vfs_lookup(dirfd, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &dir);
	if (*err)
		return NULL;
	*err = -EOPNOTSUPP;
	if (dir->iops && dir->iops->mknod && dir->iops->unlink)
		*err = inode_permission(dir, MAY_WRITE | MAY_EXEC);
	len = ksnprintf(name, sizeof(name), "#%u", ++tmpfile_seq);
	if (!*err)
		*err = dir->iops->mknod(dir, name, (size_t)len,
					S_IFREG | (mode & S_IALLUGO & ~current_umask()), 0, &inode);
	if (!*err) {
		file_name(dirfd, path, dname, sizeof(dname));
		ksnprintf(fname, sizeof(fname), "%s/%s", dname, name);
		f = file_open_inode(inode, flags & ~O_TMPFILE, fname, err);
		dir->iops->unlink(dir, name, (size_t)len, false);
		iput(inode);
	}
	iput(dir);
	return f;
}

struct file *do_open(int dirfd, const char *path, u32 flags, u32 mode, int *err)
{
	if (flags & __O_TMPFILE)
		return open_tmpfile(dirfd, path, flags, mode, err);
	char name[sizeof(((struct file *)0)->path)];
	struct inode *inode;
	struct file *f = NULL;
	bool created = false;
	unsigned lookup = 0;

	if (flags & O_CREAT) {
		*err = open_create(dirfd, path, flags, mode, &inode, &created);
	} else {
		if (!(flags & O_NOFOLLOW))
			lookup |= LOOKUP_FOLLOW;
		if (flags & O_DIRECTORY)
			lookup |= LOOKUP_DIRECTORY;
		*err = vfs_lookup(dirfd, path, lookup, &inode);
	}
	if (*err)
		return NULL;
	*err = may_open(inode, flags, created);
	if (!*err) {
		file_name(dirfd, path, name, sizeof(name));
		if (lookup & LOOKUP_FOLLOW)
			resolve_links(name, sizeof(name));
		f = file_open_inode(inode, flags, name, err);
	}
	iput(inode);
	return f;
}

/* vfs_truncate - a file growing past RLIMIT_FSIZE gets -EFBIG and the
 * caller SIGXFSZ, as Linux's inode_newsize_ok(). */
int vfs_truncate(struct inode *inode, u64 size)
{
	u64 lim = current->rlimits[RLIMIT_FSIZE][0];

	if (S_ISDIR(inode->mode))
		return -EISDIR;
	if (!S_ISREG(inode->mode))
		return -EINVAL;
	if (mnt_want_write(inode))
		return -EROFS;
	if (!inode->iops || !inode->iops->setsize)
		return -EACCES;
	if (size > inode->size && lim != RLIM_INFINITY && size > lim) {
		send_signal(current, SIGXFSZ, NULL);
		return -EFBIG;
	}
	return inode->iops->setsize(inode, size);
}

/* ---- open and close ---- */

static long user_openat(int dirfd, const char __user *upath, u32 flags, u32 mode)
{
	struct file *f;
	char *path;
	int err;

	path = getname(upath, &err);
	if (!path)
		return err;
	f = do_open(dirfd, path, flags, mode, &err);
	putname(path);
	if (!f)
		return err;
	return fd_install_new(f, flags & O_CLOEXEC);
}

SYSCALL_DEFINE4(openat, int, dirfd, const char __user *, path, u32, flags,
		u32, mode)
{
	return user_openat(dirfd, path, flags, mode);
}

SYSCALL_DEFINE3(open, const char __user *, path, u32, flags, u32, mode)
{
	return user_openat(AT_FDCWD, path, flags, mode);
}

SYSCALL_DEFINE2(creat, const char __user *, path, u32, mode)
{
	return user_openat(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

SYSCALL_DEFINE1(close, int, fd)
{
	return fd_close(current->files, fd);
}

/* ---- access ---- */

static long user_faccessat(int dirfd, const char __user *upath, int mode,
			   int flags)
{
	const struct task_cred *c = &current->cred;
	struct inode *inode;
	int err;

	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = user_path_at(dirfd, upath, flags & ~AT_EACCESS, &inode);
	if (err)
		return err;
	/* X_OK, W_OK, R_OK are MAY_EXEC, MAY_WRITE, MAY_READ; access asks
	 * for the real user unless AT_EACCESS (the walk used the effective
	 * one: a simplification, as the two differ only in set-uid programs).
	 * The real user has the permitted capabilities if it is root, else
	 * none (Linux's access_override_creds). */
	if (flags & AT_EACCESS)
		err = inode_permission(inode, mode);
	else
		err = inode_permission_as(inode, mode, c->uid,
					  c->uid == 0 ? c->cap_permitted : 0);
	iput(inode);
	return err;
}

SYSCALL_DEFINE3(faccessat, int, dirfd, const char __user *, path, int, mode)
{
	return user_faccessat(dirfd, path, mode, 0);
}

SYSCALL_DEFINE4(faccessat2, int, dirfd, const char __user *, path, int, mode,
		int, flags)
{
	return user_faccessat(dirfd, path, mode, flags);
}

SYSCALL_DEFINE2(access, const char __user *, path, int, mode)
{
	return user_faccessat(AT_FDCWD, path, mode, 0);
}

/* ---- the current directory ---- */

/* set_cwd - make dir (a referenced directory) the caller's cwd. */
static void set_cwd(struct inode *dir)
{
	struct fs_context *fs = current->fs;

	if (vfs_path_of(dir, fs->cwd_path, sizeof(fs->cwd_path)) < 0)
		strlcpy(fs->cwd_path, "/", sizeof(fs->cwd_path));
	iput(fs->cwd);
	fs->cwd = dir;
}

SYSCALL_DEFINE1(chdir, const char __user *, upath)
{
	struct inode *dir;
	char *path;
	int err;

	if (!current->fs)
		return -ENOENT;
	path = getname(upath, &err);
	if (!path)
		return err;
	err = vfs_lookup(AT_FDCWD, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &dir);
	putname(path);
	if (!err && (err = inode_permission(dir, MAY_EXEC)))
		iput(dir);
	if (!err)
		set_cwd(dir);
	return err;
}

SYSCALL_DEFINE1(fchdir, int, fd)
{
	struct file *f = fd_get(current->files, fd);
	int err = 0;

	if (!f)
		return -EBADF;
	if (!current->fs)
		err = -ENOENT;
	else if (!S_ISDIR(f->inode->mode))
		err = -ENOTDIR;
	else
		err = inode_permission(f->inode, MAY_EXEC);
	if (!err) {
		ihold(f->inode);
		set_cwd(f->inode);
	}
	file_put(f);
	return err;
}

/* getcwd walks up from the cwd each time, so it sees renames; a removed
 * cwd gives -ENOENT, as on Linux. */
SYSCALL_DEFINE2(getcwd, char __user *, ubuf, size_t, size)
{
	char *buf = kmalloc(PATH_MAX);
	long len;

	if (!buf)
		return -ENOMEM;
	len = vfs_path_of(current->fs && current->fs->cwd ? current->fs->cwd : vfs_root,
			  buf, PATH_MAX);
	if (len >= 0 && (size_t)len + 1 > size)
		len = -ERANGE;
	if (len >= 0 && copy_to_user(ubuf, buf, (size_t)len + 1))
		len = -EFAULT;
	kfree(buf);
	return len < 0 ? len : len + 1;
}

SYSCALL_DEFINE1(umask, u32, mask)
{
	u32 old;

	if (!current->fs)
		return 0;
	old = current->fs->umask;
	current->fs->umask = mask & 0777;
	return old;
}

/* ---- attributes: mode, owner, size, times ---- */

/* fd_inode - the inode behind descriptor fd (referenced). */
static int fd_inode(int fd, struct inode **res)
{
	struct file *f = fd_get(current->files, fd);

	if (!f)
		return -EBADF;
	*res = f->inode;
	ihold(*res);
	file_put(f);
	return 0;
}

/* owner_or_root - may the caller change inode's attributes?  As Linux:
 * its owner or CAP_FOWNER, else -EPERM. */
static int owner_or_root(const struct inode *inode)
{
	return current_fsuid() == inode->uid || capable(CAP_FOWNER) ? 0 : -EPERM;
}

static int set_mode(struct inode *inode, u32 mode)
{
	int err = mnt_want_write(inode) ?: owner_or_root(inode);

	if (err)
		return err;
	inode->mode = (inode->mode & S_IFMT) | (mode & S_IALLUGO);
	inode->ctime_ns = vfs_now_ns();
	return 0;
}

static long chmod_at(int dirfd, const char __user *path, u32 mode, int flags)
{
	struct inode *inode;
	int err = user_path_at(dirfd, path, flags, &inode);

	if (err)
		return err;
	err = set_mode(inode, mode);
	iput(inode);
	return err;
}

SYSCALL_DEFINE3(fchmodat, int, dirfd, const char __user *, path, u32, mode)
{
	return chmod_at(dirfd, path, mode, 0);
}

SYSCALL_DEFINE2(chmod, const char __user *, path, u32, mode)
{
	return chmod_at(AT_FDCWD, path, mode, 0);
}

SYSCALL_DEFINE2(fchmod, int, fd, u32, mode)
{
	struct inode *inode;
	int err = fd_inode(fd, &inode);

	if (err)
		return err;
	err = set_mode(inode, mode);
	iput(inode);
	return err;
}

/* set_owner - uid and gid; (u32)-1 keeps one as it is.  Only CAP_CHOWN
 * gives a file away; an owner may set the group to one of its own groups,
 * as Linux: -EPERM otherwise.  A file (not a directory) loses its
 * set-user-ID bit, and its set-group-ID bit if group-executable. */
static int set_owner(struct inode *inode, u32 uid, u32 gid)
{
	if (mnt_want_write(inode))
		return -EROFS;
	if (!capable(CAP_CHOWN) &&
	    (current_fsuid() != inode->uid || (uid != (u32)-1 && uid != inode->uid) ||
	     (gid != (u32)-1 && gid != inode->gid && !in_group_p(gid))))
		return -EPERM;
	if (uid != (u32)-1)
		inode->uid = uid;
	if (gid != (u32)-1)
		inode->gid = gid;
	if (!S_ISDIR(inode->mode)) { /* a set-ID bit never passes to a new owner */
		inode->mode &= ~S_ISUID;
		if ((inode->mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
			inode->mode &= ~S_ISGID;
	}
	inode->ctime_ns = vfs_now_ns();
	return 0;
}

static long chown_at(int dirfd, const char __user *path, u32 uid, u32 gid,
		     int flags)
{
	struct inode *inode;
	int err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = user_path_at(dirfd, path, flags, &inode);
	if (err)
		return err;
	err = set_owner(inode, uid, gid);
	iput(inode);
	return err;
}

SYSCALL_DEFINE5(fchownat, int, dirfd, const char __user *, path, u32, uid,
		u32, gid, int, flags)
{
	return chown_at(dirfd, path, uid, gid, flags);
}

SYSCALL_DEFINE3(chown, const char __user *, path, u32, uid, u32, gid)
{
	return chown_at(AT_FDCWD, path, uid, gid, 0);
}

SYSCALL_DEFINE3(lchown, const char __user *, path, u32, uid, u32, gid)
{
	return chown_at(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

SYSCALL_DEFINE3(fchown, int, fd, u32, uid, u32, gid)
{
	struct inode *inode;
	int err = fd_inode(fd, &inode);

	if (err)
		return err;
	err = set_owner(inode, uid, gid);
	iput(inode);
	return err;
}

SYSCALL_DEFINE2(truncate, const char __user *, path, s64, length)
{
	struct inode *inode;
	int err;

	if (length < 0)
		return -EINVAL;
	err = user_path_at(AT_FDCWD, path, 0, &inode);
	if (err)
		return err;
	err = S_ISDIR(inode->mode) ? -EISDIR : inode_permission(inode, MAY_WRITE);
	if (!err && inode->writecount < 0)
		err = -ETXTBSY; /* a running program (Linux's get_write_access) */
	if (!err)
		err = vfs_truncate(inode, (u64)length);
	iput(inode);
	return err;
}

SYSCALL_DEFINE2(ftruncate, int, fd, s64, length)
{
	struct file *f = fd_get(current->files, fd);
	int err;

	if (!f)
		return -EBADF;
	if (length < 0 || !file_writable(f))
		err = -EINVAL;
	else
		err = vfs_truncate(f->inode, (u64)length);
	file_put(f);
	return err;
}

#define FALLOC_FL_KEEP_SIZE 0x01
#define FALLOC_FL_PUNCH_HOLE 0x02
#define FALLOC_FL_COLLAPSE_RANGE 0x08
#define FALLOC_FL_ZERO_RANGE 0x10
#define FALLOC_FL_INSERT_RANGE 0x20
#define FALLOC_FL_UNSHARE_RANGE 0x40
#define FALLOC_FL_KNOWN (FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE |        \
			 FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_ZERO_RANGE |     \
			 FALLOC_FL_INSERT_RANGE | FALLOC_FL_UNSHARE_RANGE)
#define MAX_FILE_SIZE 0x7ffffffffffffffful

/*
 * fallocate: checked in Linux's order (vfs_fallocate): EINVAL for a
 * negative offset or a length <= 0, EOPNOTSUPP for unknown modes, EBADF
 * if not open for writing, ESPIPE for a pipe, EISDIR, ENODEV for other
 * non-regular files, EFBIG past the largest size.  ramfs then does mode
 * 0 (the file grows to offset + len; its pages come on first write),
 * FALLOC_FL_KEEP_SIZE (nothing to reserve) and FALLOC_FL_PUNCH_HOLE (with
 * KEEP_SIZE: the range reads as zeros, its whole pages freed and unmapped
 * everywhere, private copies of them kept); other modes EOPNOTSUPP.
 */
SYSCALL_DEFINE4(fallocate, int, fd, int, mode, s64, offset, s64, len)
{
	struct file *f = fd_get(current->files, fd);
	struct inode *inode;
	int err = 0;

	if (!f)
		return -EBADF;
	inode = f->inode;
	if (offset < 0 || len <= 0)
		err = -EINVAL;
	else if ((mode & ~FALLOC_FL_KNOWN) ||
		 ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE)))
		err = -EOPNOTSUPP;
	else if (!file_writable(f))
		err = -EBADF;
	else if (S_ISFIFO(inode->mode))
		err = -ESPIPE;
	else if (S_ISDIR(inode->mode))
		err = -EISDIR;
	else if (!S_ISREG(inode->mode))
		err = -ENODEV;
	else if ((u64)offset + (u64)len > MAX_FILE_SIZE)
		err = -EFBIG;
	else if ((mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE)) ||
		 !inode->iops->map_page)
		err = -EOPNOTSUPP;
	else if ((mode & FALLOC_FL_PUNCH_HOLE) && !inode->iops->punch_hole)
		err = -EOPNOTSUPP;
	else if (mode & FALLOC_FL_PUNCH_HOLE)
		inode->iops->punch_hole(inode, (u64)offset, (u64)(offset + len));
	else if (!mode && (u64)(offset + len) > inode->size)
		err = vfs_truncate(inode, (u64)(offset + len));
	file_put(f);
	return err;
}

#define POSIX_FADV_NOREUSE 5 /* the last of NORMAL..NOREUSE (0..5) */

/* fadvise64: advice about caching, which has nothing to do in memory:
 * as Linux for ramfs and tmpfs, EBADF, ESPIPE for a pipe, EINVAL for a
 * negative length or an unknown advice, else 0. */
SYSCALL_DEFINE4(fadvise64, int, fd, s64, offset, s64, len, int, advice)
{
	struct file *f = fd_get(current->files, fd);
	int err = 0;

	if (!f)
		return -EBADF;
	if (S_ISFIFO(f->inode->mode))
		err = -ESPIPE;
	else if (len < 0 || advice < 0 || advice > POSIX_FADV_NOREUSE)
		err = -EINVAL;
	file_put(f);
	return err;
}

struct k_timespec_utime {
	s64 tv_sec;
	s64 tv_nsec;
};

/* utime_ns - a requested time: *ns set, or left alone for UTIME_OMIT. */
static int utime_ns(const struct k_timespec_utime *t, u64 now, u64 *ns)
{
	if (t->tv_nsec == UTIME_OMIT)
		return 0;
	if (t->tv_nsec == UTIME_NOW) {
		*ns = now;
		return 0;
	}
	if (t->tv_nsec < 0 || t->tv_nsec >= NSEC_PER_SEC || t->tv_sec < 0)
		return -EINVAL;
	*ns = (u64)t->tv_sec * NSEC_PER_SEC + (u64)t->tv_nsec;
	return 0;
}

/*
 * may_set_times - as Linux: setting both times to now needs ownership or
 * write permission (-EACCES); any other time needs ownership (-EPERM).
 */
static int may_set_times(const struct inode *inode,
			 const struct k_timespec_utime t[2])
{
	bool to_now = t[0].tv_nsec == UTIME_NOW && t[1].tv_nsec == UTIME_NOW;

	if (mnt_want_write(inode))
		return -EROFS;
	if (!owner_or_root(inode))
		return 0;
	if (to_now)
		return inode_permission(inode, MAY_WRITE);
	if (t[0].tv_nsec == UTIME_OMIT && t[1].tv_nsec == UTIME_OMIT)
		return 0;
	return -EPERM;
}

/* utimensat(dirfd, NULL, ...) is futimens(dirfd, ...). */
SYSCALL_DEFINE4(utimensat, int, dirfd, const char __user *, path,
		const struct k_timespec_utime __user *, utimes, int, flags)
{
	struct k_timespec_utime t[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
	u64 now = vfs_now_ns(), atime, mtime;
	struct inode *inode;
	int err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (utimes && copy_from_user(t, utimes, sizeof(t)))
		return -EFAULT;
	err = path ? user_path_at(dirfd, path, flags, &inode) : fd_inode(dirfd, &inode);
	if (err)
		return err;
	atime = inode->atime_ns;
	mtime = inode->mtime_ns;
	err = may_set_times(inode, t);
	if (!err)
		err = utime_ns(&t[0], now, &atime);
	if (!err)
		err = utime_ns(&t[1], now, &mtime);
	if (!err) {
		inode->atime_ns = atime;
		inode->mtime_ns = mtime;
		inode->ctime_ns = now;
	}
	iput(inode);
	return err;
}

/* ---- syncing: everything is in memory already ---- */

SYSCALL_DEFINE0(sync)
{
	return 0;
}

static long fd_valid(int fd)
{
	struct file *f = fd_get(current->files, fd);

	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

SYSCALL_DEFINE1(syncfs, int, fd)
{
	return fd_valid(fd);
}

SYSCALL_DEFINE1(fsync, int, fd)
{
	return fd_valid(fd);
}

SYSCALL_DEFINE1(fdatasync, int, fd)
{
	return fd_valid(fd);
}

/* ---- memfd_create ---- */

#define MFD_CLOEXEC 0x0001u
#define MFD_ALLOW_SEALING 0x0002u
#define MFD_HUGETLB 0x0004u
#define MFD_NAME_MAX 249 /* Linux: NAME_MAX minus "memfd:" */

/*
 * memfd_create - an anonymous regular file in memory: a ramfs file in no
 * directory, open for reading and writing, which lives while a descriptor
 * or a mapping holds it.  Its name shows as "/memfd:NAME (deleted)" in
 * /proc/PID/fd and maps, as on Linux.  Linux's checks: EINVAL for an
 * unknown flag, MFD_HUGETLB (no hugetlbfs here) or a name longer than
 * 249 bytes; EFAULT for a bad name.  MFD_ALLOW_SEALING is accepted; seals
 * are not kept (F_ADD_SEALS is not implemented).
 */
SYSCALL_DEFINE2(memfd_create, const char __user *, uname, unsigned int, flags)
{
	char name[MFD_NAME_MAX + 2], path[sizeof(((struct file *)0)->path)];
	struct inode *inode;
	struct file *f;
	long len;
	int err;

	if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB))
		return -EINVAL;
	if (flags & MFD_HUGETLB)
		return -EINVAL;
	len = strncpy_from_user(name, uname, sizeof(name));
	if (len < 0)
		return len;
	if (len > MFD_NAME_MAX)
		return -EINVAL;
	inode = ramfs_new_file(0777);
	if (!inode)
		return -ENOMEM;
	ksnprintf(path, sizeof(path), "/memfd:%s (deleted)", name);
	f = file_open_inode(inode, O_RDWR, path, &err);
	iput(inode);
	if (!f)
		return err;
	return fd_install_new(f, flags & MFD_CLOEXEC);
}
