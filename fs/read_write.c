/*
 * fs/read_write.c - moving bytes: read, write, readv, writev,
 * pread64, pwrite64, preadv, pwritev, lseek, sendfile.
 *
 * Each call finds the open file, checks it was opened for the direction,
 * describes the user's buffer(s) as a struct uio and lets the file's
 * operation do the copying.  read/write use and advance the file's shared
 * position; the p* calls use their own offset and leave it alone.
 */
#include <vmos/errno.h>
#include "fs/internal.h"
#include "kernel/rlimit.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "mm/kmalloc.h"
#include <asm/page_types.h>

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define SEEK_DATA 3
#define SEEK_HOLE 4
#define IOV_MAX 1024
#define SENDFILE_CHUNK PAGE_SIZE

static long vfs_read(struct file *f, struct uio *u, u64 *pos)
{
	if (!file_readable(f))
		return -EBADF;
	if (S_ISDIR(f->inode->mode))
		return -EISDIR;
	if (!f->fops->read)
		return -EINVAL;
	return f->fops->read(f, u, pos);
}

/*
 * write_limit - a write to a regular file stops at RLIMIT_FSIZE, as
 * Linux's generic_write_check_limits(): one that crosses it is cut short
 * there; one that starts at or beyond it fails with -EFBIG and SIGXFSZ
 * (whose default action kills the writer).  0 or -EFBIG.
 */
static int write_limit(struct uio *u, u64 pos)
{
	u64 lim = current->rlimits[RLIMIT_FSIZE][0];

	if (lim == RLIM_INFINITY || !u->len)
		return 0;
	if (pos >= lim) {
		send_signal(current, SIGXFSZ, NULL);
		return -EFBIG;
	}
	if (u->len > lim - pos)
		u->len = (size_t)(lim - pos);
	return 0;
}

static long vfs_write(struct file *f, struct uio *u, u64 *pos)
{
	int err;

	if (!file_writable(f))
		return -EBADF;
	if (!f->fops->write)
		return -EINVAL;
	if ((f->flags & O_APPEND) && S_ISREG(f->inode->mode))
		*pos = f->inode->size;
	if (S_ISREG(f->inode->mode) && (err = write_limit(u, *pos)))
		return err;
	return f->fops->write(f, u, pos);
}

/*
 * rw_file - read or write u on descriptor fd; at *offset when given, else
 * at (and advancing) the file's position.  u_err is what describing the
 * user's buffers gave (-EFAULT, -EINVAL, or 0: u is ready); as on Linux it
 * counts only once the descriptor proved open for the direction, so
 * read(-1, NULL, n) is EBADF, not EFAULT.
 */
static long rw_file(int fd, struct uio *u, int u_err, const s64 *offset,
		    bool write)
{
	struct file *f = fd_get(current->files, fd);
	u64 pos;
	long r;

	if (!f)
		return -EBADF;
	if (offset && (*offset < 0 || f->fops->stream)) {
		file_put(f);
		return *offset < 0 ? -EINVAL : -ESPIPE;
	}
	pos = offset ? (u64)*offset : f->pos;
	if (!(write ? file_writable(f) : file_readable(f)))
		r = -EBADF;
	else if (u_err)
		r = u_err;
	else
		r = write ? vfs_write(f, u, &pos) : vfs_read(f, u, &pos);
	if (!offset && !f->fops->stream)
		f->pos = pos;
	file_put(f);
	return r;
}

static long rw_buf(int fd, u64 buf, size_t count, const s64 *offset, bool write)
{
	struct uio u;

	uio_init(&u, buf, MIN(count, MAX_RW_COUNT), true);
	return rw_file(fd, &u, access_ok((const void __user *)buf, count) ? 0 : -EFAULT,
		       offset, write);
}

SYSCALL_DEFINE3(read, int, fd, void __user *, buf, size_t, count)
{
	return rw_buf(fd, (u64)(uintptr_t)buf, count, NULL, false);
}

SYSCALL_DEFINE3(write, int, fd, const void __user *, buf, size_t, count)
{
	return rw_buf(fd, (u64)(uintptr_t)buf, count, NULL, true);
}

SYSCALL_DEFINE4(pread64, int, fd, void __user *, buf, size_t, count, s64, pos)
{
	return rw_buf(fd, (u64)(uintptr_t)buf, count, &pos, false);
}

SYSCALL_DEFINE4(pwrite64, int, fd, const void __user *, buf, size_t, count,
		s64, pos)
{
	return rw_buf(fd, (u64)(uintptr_t)buf, count, &pos, true);
}

/* rw_vec - readv and friends: the user's iovec array into a uio. */
static long rw_vec(int fd, const struct uio_seg __user *uiov, int iovcnt,
		   const s64 *offset, bool write)
{
	struct uio_seg *iov = NULL;
	struct uio u;
	long r = 0;

	if (iovcnt < 0 || iovcnt > IOV_MAX)
		r = -EINVAL;
	else if (iovcnt > 0 && !(iov = kmalloc((size_t)iovcnt * sizeof(*iov))))
		return -ENOMEM;
	if (!r && iovcnt > 0 &&
	    copy_from_user(iov, uiov, (size_t)iovcnt * sizeof(*iov)))
		r = -EFAULT;
	if (!r)
		r = uio_init_vec(&u, iov, (unsigned)iovcnt, MAX_RW_COUNT, true);
	r = rw_file(fd, &u, (int)r, offset, write);
	kfree(iov);
	return r;
}

SYSCALL_DEFINE3(readv, int, fd, const struct uio_seg __user *, iov, int, iovcnt)
{
	return rw_vec(fd, iov, iovcnt, NULL, false);
}

SYSCALL_DEFINE3(writev, int, fd, const struct uio_seg __user *, iov, int, iovcnt)
{
	return rw_vec(fd, iov, iovcnt, NULL, true);
}

/* preadv/pwritev pass the offset as two halves; on x86-64 the low one
 * holds all of it. */
SYSCALL_DEFINE4(preadv, int, fd, const struct uio_seg __user *, iov, int, iovcnt,
		s64, pos)
{
	return rw_vec(fd, iov, iovcnt, &pos, false);
}

SYSCALL_DEFINE4(pwritev, int, fd, const struct uio_seg __user *, iov,
		int, iovcnt, s64, pos)
{
	return rw_vec(fd, iov, iovcnt, &pos, true);
}

/* new_position - where lseek moves f: the offset, or -errno. */
static s64 new_position(struct file *f, s64 offset, int whence)
{
	bool fixed = f->fops->size; /* a disk: no position past its end */
	s64 size = (s64)(fixed ? f->fops->size(f) : f->inode->size), base;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (s64)f->pos;
		break;
	case SEEK_END:
		base = size;
		break;
	case SEEK_DATA: /* holes count as data: the whole file is */
		return offset >= 0 && offset < size ? offset : -ENXIO;
	case SEEK_HOLE:
		return offset >= 0 && offset < size ? size : -ENXIO;
	default:
		return -EINVAL;
	}
	if ((offset > 0 && base > SSIZE_MAX - offset) || base + offset < 0)
		return -EINVAL;
	if (fixed && base + offset > size)
		return -EINVAL; /* as Linux's fixed_size_llseek() */
	return base + offset;
}

SYSCALL_DEFINE3(lseek, int, fd, s64, offset, int, whence)
{
	struct file *f = fd_get(current->files, fd);
	s64 pos;

	if (!f)
		return -EBADF;
	if (f->fops->stream)
		pos = -ESPIPE;
	else
		pos = new_position(f, offset, whence);
	if (pos >= 0)
		f->pos = (u64)pos;
	file_put(f);
	return pos;
}

/*
 * sendfile - copy count bytes from in_fd (at *offset if given, else at
 * its position) to out_fd, through a kernel buffer one page at a time.
 */
static long do_sendfile(struct file *in, struct file *out, u64 *pos, size_t count)
{
	u8 *buf = kmalloc(SENDFILE_CHUNK);
	long done = 0;

	if (!buf)
		return -ENOMEM;
	while ((size_t)done < count) {
		size_t chunk = MIN(count - (size_t)done, SENDFILE_CHUNK);
		u64 out_pos = out->pos;
		struct uio u;
		long n, w;

		uio_init(&u, (u64)(uintptr_t)buf, chunk, false);
		n = vfs_read(in, &u, pos);
		if (n <= 0) {
			if (!done)
				done = n;
			break;
		}
		uio_init(&u, (u64)(uintptr_t)buf, (size_t)n, false);
		w = vfs_write(out, &u, &out_pos);
		if (!out->fops->stream)
			out->pos = out_pos;
		if (w <= 0) {
			if (!done)
				done = w;
			break;
		}
		done += w;
		if (w < n || (size_t)n < chunk)
			break; /* a short read: a pipe or tty has no more now */
	}
	kfree(buf);
	return done;
}

SYSCALL_DEFINE4(sendfile, int, out_fd, int, in_fd, s64 __user *, uoffset,
		size_t, count)
{
	struct file *in = fd_get(current->files, in_fd);
	struct file *out = fd_get(current->files, out_fd);
	s64 offset = 0;
	u64 pos;
	long r;

	r = in && out ? 0 : -EBADF;
	if (!r && uoffset && copy_from_user(&offset, uoffset, sizeof(offset)))
		r = -EFAULT;
	if (!r && (offset < 0 || (uoffset && in->fops->stream)))
		r = offset < 0 ? -EINVAL : -ESPIPE;
	if (!r) {
		pos = uoffset ? (u64)offset : in->pos;
		r = do_sendfile(in, out, &pos, MIN(count, MAX_RW_COUNT));
		if (uoffset) {
			offset = (s64)pos;
			if (copy_to_user(uoffset, &offset, sizeof(offset)))
				r = -EFAULT;
		} else if (!in->fops->stream) {
			in->pos = pos;
		}
	}
	file_put(in);
	file_put(out);
	return r;
}
