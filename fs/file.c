/*
 * fs/file.c - open files and descriptor tables.
 *
 * A struct file is one open() of an inode: the position and the flags.
 * Descriptors point to it; dup() and fork() make more descriptors point
 * to the same file (sharing the position, as POSIX requires), counted in
 * file->refcount.  The last file_put() runs the file's release operation
 * and drops its inode.
 *
 * A descriptor table (struct files) is an array of file pointers plus a
 * close-on-exec bit per descriptor.  Threads would share one; fork copies
 * it (files_fork); exec closes the close-on-exec ones.
 */
#include <vmos/errno.h>
#include "fs/internal.h"
#include <vmos/printk.h>
#include "kernel/rlimit.h"
#include "kernel/task.h"
#include <vmos/string.h>
#include "mm/kmalloc.h"

#define BITS_PER_WORD 64

/* What an O_PATH file or a file system without its own operations gets:
 * every operation is absent, so read and write fail with -EBADF. */
static const struct file_operations empty_fops;

bool file_readable(const struct file *f)
{
	u32 acc = f->flags & O_ACCMODE;

	return !(f->flags & O_PATH) && (acc == O_RDONLY || acc == O_RDWR);
}

bool file_writable(const struct file *f)
{
	u32 acc = f->flags & O_ACCMODE;

	return !(f->flags & O_PATH) && (acc == O_WRONLY || acc == O_RDWR);
}

/* file_fops - the operations an open file of inode uses. */
static const struct file_operations *file_fops(struct inode *inode, u32 flags,
					       int *err)
{
	const struct file_operations *fops = inode->fops;

	if (flags & O_PATH)
		return &empty_fops;
	if (S_ISCHR(inode->mode)) {
		fops = chrdev_fops(inode->rdev);
		if (!fops)
			*err = -ENXIO; /* a device node without a driver */
		return fops;
	}
	if (S_ISBLK(inode->mode))
		return &blkdev_fops; /* its open() finds the disk */
	if ((inode->mode & S_IFMT) == S_IFSOCK && !fops) {
		*err = -ENXIO; /* a socket's name: connect() to it, not open() */
		return NULL;
	}
	if (S_ISFIFO(inode->mode) && !fops)
		return &fifo_fops; /* a named pipe (mkfifo) */
	return fops ? fops : &empty_fops;
}

struct file *file_open_inode(struct inode *inode, u32 flags, const char *path,
			     int *err)
{
	struct file *f;

	*err = 0;
	f = kzalloc(sizeof(*f));
	if (!f) {
		*err = -ENOMEM;
		return NULL;
	}
	f->fops = file_fops(inode, flags, err);
	if (!f->fops) {
		kfree(f);
		return NULL;
	}
	ihold(inode);
	f->inode = inode;
	f->flags = flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY | O_CLOEXEC);
	f->refcount = 1;
	strlcpy(f->path, path, sizeof(f->path));
	if (S_ISREG(inode->mode) && file_writable(f) && !(flags & O_PATH))
		*err = get_write_access(inode);
	if (!*err && f->fops->open) {
		*err = f->fops->open(inode, f);
		if (*err && S_ISREG(inode->mode) && file_writable(f) && !(flags & O_PATH))
			put_write_access(inode);
	}
	if (*err) {
		iput(inode);
		kfree(f);
		return NULL;
	}
	return f;
}

void file_get(struct file *f)
{
	if (f->refcount == 0)
		panic("file_get: file '%s' has no references", f->path);
	f->refcount++;
}

void file_put(struct file *f)
{
	if (!f)
		return;
	if (f->refcount == 0)
		panic("file_put: file '%s' put once too often", f->path);
	if (--f->refcount)
		return;
	if (f->fops->release)
		f->fops->release(f);
	if (S_ISREG(f->inode->mode) && file_writable(f) && !(f->flags & O_PATH))
		put_write_access(f->inode);
	iput(f->inode);
	kfree(f);
}

int get_write_access(struct inode *inode)
{
	if (inode->writecount < 0)
		return -ETXTBSY;
	inode->writecount++;
	return 0;
}

void put_write_access(struct inode *inode)
{
	if (inode->writecount <= 0)
		panic("put_write_access: inode %u writecount %d", inode->ino,
		      inode->writecount);
	inode->writecount--;
}

int deny_write_access(struct inode *inode)
{
	if (inode->writecount > 0)
		return -ETXTBSY;
	inode->writecount--;
	return 0;
}

void allow_write_access(struct inode *inode)
{
	if (inode->writecount >= 0)
		panic("allow_write_access: inode %u writecount %d", inode->ino,
		      inode->writecount);
	inode->writecount++;
}

/* ---- descriptor tables ---- */

int fd_limit(void)
{
	u64 lim = current ? current->rlimits[RLIMIT_NOFILE][0] : NR_OPEN_DEFAULT;

	/* A task that never had limits set (the kernel's own) gets the table. */
	if (lim == 0 || lim > NR_OPEN_DEFAULT)
		lim = NR_OPEN_DEFAULT;
	return (int)lim;
}

void fd_set_cloexec(struct files *files, int fd, bool on)
{
	u64 bit = 1ull << (fd % BITS_PER_WORD);

	if (on)
		files->cloexec[fd / BITS_PER_WORD] |= bit;
	else
		files->cloexec[fd / BITS_PER_WORD] &= ~bit;
}

bool fd_get_cloexec(const struct files *files, int fd)
{
	return files->cloexec[fd / BITS_PER_WORD] >> (fd % BITS_PER_WORD) & 1;
}

struct files *files_alloc(void)
{
	struct files *files = kzalloc(sizeof(*files));

	if (files)
		files->refcount = 1;
	return files;
}

struct files *files_fork(struct files *src)
{
	struct files *files = files_alloc();

	if (!files || !src)
		return files;
	for (int fd = 0; fd < NR_OPEN_DEFAULT; fd++) {
		if (!src->fd[fd])
			continue;
		file_get(src->fd[fd]);
		files->fd[fd] = src->fd[fd];
	}
	memcpy(files->cloexec, src->cloexec, sizeof(files->cloexec));
	return files;
}

void files_put(struct files *files)
{
	if (!files)
		return;
	if (files->refcount == 0)
		panic("files_put: descriptor table put once too often");
	if (--files->refcount)
		return;
	for (int fd = 0; fd < NR_OPEN_DEFAULT; fd++)
		if (files->fd[fd])
			file_put(files->fd[fd]);
	kfree(files);
}

void files_close_on_exec(struct files *files)
{
	for (int fd = 0; fd < NR_OPEN_DEFAULT; fd++) {
		if (files->fd[fd] && fd_get_cloexec(files, fd))
			fd_close(files, fd);
	}
}

int fd_install_from(struct files *files, int min, struct file *f, bool cloexec)
{
	int limit = fd_limit();

	if (min < 0 || min >= limit)
		return -EINVAL;
	for (int fd = min; fd < limit; fd++) {
		if (!files->fd[fd]) {
			files->fd[fd] = f;
			fd_set_cloexec(files, fd, cloexec);
			return fd;
		}
	}
	return -EMFILE;
}

int fd_install(struct files *files, struct file *f, bool cloexec)
{
	return fd_install_from(files, 0, f, cloexec);
}

int fd_install_new(struct file *f, bool cloexec)
{
	int fd = fd_install(current->files, f, cloexec);

	if (fd < 0)
		file_put(f);
	return fd;
}

int fd_install_at(struct files *files, int fd, struct file *f, bool cloexec)
{
	struct file *old;

	if (fd < 0 || fd >= fd_limit())
		return -EBADF;
	old = files->fd[fd];
	files->fd[fd] = f;
	fd_set_cloexec(files, fd, cloexec);
	file_put(old); /* after the switch: release may sleep or look here */
	return 0;
}

struct file *fd_get(struct files *files, int fd)
{
	struct file *f;

	if (!files || fd < 0 || fd >= NR_OPEN_DEFAULT)
		return NULL;
	f = files->fd[fd];
	if (f)
		file_get(f);
	return f;
}

int fd_close(struct files *files, int fd)
{
	struct file *f;

	if (!files || fd < 0 || fd >= NR_OPEN_DEFAULT || !files->fd[fd])
		return -EBADF;
	f = files->fd[fd];
	files->fd[fd] = NULL;
	fd_set_cloexec(files, fd, false);
	file_put(f);
	return 0;
}
