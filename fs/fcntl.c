/*
 * fs/fcntl.c - descriptors as such: dup, dup2, dup3, fcntl, and
 * ioctl (the generic requests here, the rest to the file's driver).
 */
#include <vmos/errno.h>
#include "fs/internal.h"
#include "kernel/syscall.h"
#include "kernel/task.h"

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1
#define F_UNLCK 2
#define SETFL_MASK (O_APPEND | O_NONBLOCK) /* what F_SETFL may change */

#define FIONBIO 0x5421
#define FIONCLEX 0x5450
#define FIOCLEX 0x5451

SYSCALL_DEFINE1(dup, int, fd)
{
	struct file *f = fd_get(current->files, fd);

	if (!f)
		return -EBADF;
	return fd_install_new(f, false);
}

static long do_dup3(int oldfd, int newfd, u32 flags)
{
	struct file *f;
	int err;

	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	f = fd_get(current->files, oldfd);
	if (!f)
		return -EBADF;
	err = fd_install_at(current->files, newfd, f, flags & O_CLOEXEC);
	if (err) {
		file_put(f);
		return err;
	}
	return newfd;
}

SYSCALL_DEFINE3(dup3, int, oldfd, int, newfd, u32, flags)
{
	if (oldfd == newfd)
		return -EINVAL;
	return do_dup3(oldfd, newfd, flags);
}

SYSCALL_DEFINE2(dup2, int, oldfd, int, newfd)
{
	if (oldfd == newfd) { /* nothing to do if oldfd is open */
		struct file *f = fd_get(current->files, oldfd);

		if (!f)
			return -EBADF;
		file_put(f);
		return newfd;
	}
	return do_dup3(oldfd, newfd, 0);
}

/* Record locks: one process holds all the files it cares about, so every
 * lock is granted at once (F_GETLK: nobody holds one). */
static long fcntl_lock(unsigned cmd, u64 arg)
{
	s16 type = F_UNLCK;

	if (cmd == F_GETLK &&
	    copy_to_user((void __user *)arg, &type, sizeof(type))) /* l_type */
		return -EFAULT;
	return 0;
}

static long do_fcntl(int fd, struct file *f, unsigned cmd, u64 arg)
{
	struct files *files = current->files;
	long r;

	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg >= (u64)fd_limit())
			return -EINVAL;
		file_get(f);
		r = fd_install_from(files, (int)arg, f, cmd == F_DUPFD_CLOEXEC);
		if (r < 0)
			file_put(f);
		return r;
	case F_GETFD:
		return fd_get_cloexec(files, fd) ? FD_CLOEXEC : 0;
	case F_SETFD:
		fd_set_cloexec(files, fd, arg & FD_CLOEXEC);
		return 0;
	case F_GETFL:
		return f->flags;
	case F_SETFL:
		f->flags = (f->flags & ~SETFL_MASK) | ((u32)arg & SETFL_MASK);
		return 0;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
		return fcntl_lock(cmd, arg);
	case F_GETPIPE_SZ:
	case F_SETPIPE_SZ:
		return pipe_fcntl(f, cmd, (u32)arg);
	}
	return -EINVAL;
}

SYSCALL_DEFINE3(fcntl, int, fd, unsigned, cmd, u64, arg)
{
	struct file *f = fd_get(current->files, fd);
	long r;

	if (!f)
		return -EBADF;
	r = do_fcntl(fd, f, cmd, arg);
	file_put(f);
	return r;
}

SYSCALL_DEFINE3(ioctl, int, fd, unsigned, cmd, u64, arg)
{
	struct file *f = fd_get(current->files, fd);
	long r = 0;
	int on;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case FIOCLEX:
	case FIONCLEX:
		fd_set_cloexec(current->files, fd, cmd == FIOCLEX);
		break;
	case FIONBIO:
		if (copy_from_user(&on, (const void __user *)arg, sizeof(on))) {
			r = -EFAULT;
			break;
		}
		f->flags = on ? f->flags | O_NONBLOCK : f->flags & ~O_NONBLOCK;
		break;
	default:
		r = f->fops->ioctl ? f->fops->ioctl(f, cmd, arg) : -ENOTTY;
	}
	file_put(f);
	return r;
}
