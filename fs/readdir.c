/*
 * fs/readdir.c - getdents64: reading a directory's entries.
 *
 * The file system emits entries from the file's position on (a position
 * is whatever the file system chooses: ramfs uses entry cookies); each is
 * written as a struct linux_dirent64 into a kernel buffer and the buffer
 * is copied out at the end.  d_off of an entry is the position after it,
 * which lseek() accepts to continue from there (seekdir/telldir).
 */
#include <vmos/errno.h>
#include "fs/internal.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include <vmos/string.h>
#include "mm/kmalloc.h"

#define DIRENT_ALIGN 8
#define GETDENTS_BUF_MAX (64ul << 10) /* bytes gathered per call at most */

/* struct linux_dirent64: 19 bytes, then the NUL-terminated name, padded. */
struct k_dirent64 {
	u64 d_ino;
	s64 d_off;
	u16 d_reclen;
	u8 d_type;
	char d_name[];
} __packed;

struct getdents_ctx {
	struct dir_context ctx;
	u8 *buf;
	size_t size, used;
	struct k_dirent64 *prev; /* its d_off is the position of the next */
	bool full;               /* an entry did not fit */
};

static bool getdents_emit(struct dir_context *ctx, const char *name,
			  size_t len, u64 ino, unsigned type)
{
	struct getdents_ctx *g = container_of(ctx, struct getdents_ctx, ctx);
	size_t reclen = ALIGN_UP(offsetof(struct k_dirent64, d_name) + len + 1,
				 (size_t)DIRENT_ALIGN);
	struct k_dirent64 *d;

	if (g->used + reclen > g->size) {
		g->full = true;
		return false;
	}
	if (g->prev)
		g->prev->d_off = (s64)ctx->pos;
	d = (struct k_dirent64 *)(g->buf + g->used);
	memset(d, 0, reclen);
	d->d_ino = ino;
	d->d_reclen = (u16)reclen;
	d->d_type = (u8)type;
	memcpy(d->d_name, name, len);
	g->used += reclen;
	g->prev = d;
	return true;
}

SYSCALL_DEFINE3(getdents64, int, fd, void __user *, dirp, unsigned, count)
{
	struct getdents_ctx g = { .ctx.emit = getdents_emit };
	struct file *f = fd_get(current->files, fd);
	long r;

	if (!f)
		return -EBADF;
	if (!S_ISDIR(f->inode->mode) || !f->fops->readdir) {
		file_put(f);
		return -ENOTDIR;
	}
	g.size = MIN(count, GETDENTS_BUF_MAX);
	g.buf = kmalloc(g.size ? g.size : 1);
	if (!g.buf) {
		file_put(f);
		return -ENOMEM;
	}
	g.ctx.pos = f->pos;
	r = f->fops->readdir(f, &g.ctx);
	if (!r && g.prev)
		g.prev->d_off = (s64)g.ctx.pos;
	if (!r && !g.used && g.full)
		r = -EINVAL; /* the buffer is too small for even one entry */
	if (!r && g.used && copy_to_user(dirp, g.buf, g.used))
		r = -EFAULT;
	if (!r) {
		f->pos = g.ctx.pos;
		r = (long)g.used;
	}
	kfree(g.buf);
	file_put(f);
	return r;
}
