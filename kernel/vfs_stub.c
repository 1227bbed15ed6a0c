/* TEMPORARY: a throwaway VFS for bring-up, replaced by kernel/fs/. */
#include "kernel/bootinfo.h"
#include "kernel/errno.h"
#include "kernel/fs/vfs.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include <asm/console.h>
#include <asm/page.h>

static u64 hex8(const char *p)
{
	u64 v = 0;
	for (int i = 0; i < 8; i++) {
		char c = p[i];
		v = v * 16 + (u64)(c <= '9' ? c - '0' : (c | 32) - 'a' + 10);
	}
	return v;
}

static long con_write(struct file *f, struct uio *u, u64 *pos)
{
	char buf[256];
	long total = 0;
	(void)f; (void)pos;
	while (u->len) {
		long n = uio_copy_in(u, buf, sizeof(buf));
		if (n < 0) return total ? total : n;
		arch_console_write(buf, (size_t)n);
		total += n;
	}
	return total;
}
static long con_read(struct file *f, struct uio *u, u64 *pos) { (void)f; (void)u; (void)pos; return 0; }
static const struct file_operations con_ops = { .read = con_read, .write = con_write };

static long reg_read(struct file *f, struct uio *u, u64 *pos)
{
	u64 size = f->inode->size;
	if (*pos >= size) return 0;
	long n = uio_copy_out(u, (char *)f->inode->private + *pos, MIN(u->len, size - *pos));
	if (n > 0) *pos += (u64)n;
	return n;
}
static const struct file_operations reg_ops = { .read = reg_read };

long uio_copy_out(struct uio *u, const void *src, size_t n)
{
	n = MIN(n, u->len);
	if (u->user) { if (copy_to_user((void __user *)u->addr, src, n)) return -EFAULT; }
	else memcpy((void *)u->addr, src, n);
	u->addr += n; u->len -= n;
	return (long)n;
}
long uio_copy_in(struct uio *u, void *dst, size_t n)
{
	n = MIN(n, u->len);
	if (u->user) { if (copy_from_user(dst, (const void __user *)u->addr, n)) return -EFAULT; }
	else memcpy(dst, (const void *)u->addr, n);
	u->addr += n; u->len -= n;
	return (long)n;
}

static struct file *new_file(struct inode *ino, const struct file_operations *ops, const char *path)
{
	struct file *f = kzalloc(sizeof(*f));
	f->inode = ino; f->fops = ops; f->refcount = 1;
	strlcpy(f->path, path, sizeof(f->path));
	return f;
}

struct file *vfs_open(const char *path, u32 flags, u32 mode, int *err)
{
	(void)flags; (void)mode;
	if (!strcmp(path, "/dev/console")) {
		struct inode *ino = kzalloc(sizeof(*ino));
		ino->mode = S_IFCHR | 0600;
		return new_file(ino, &con_ops, path);
	}
	for (unsigned m = 0; m < boot_info.nmodules; m++) {
		const char *a = phys_to_virt(boot_info.modules[m].start);
		u64 size = boot_info.modules[m].end - boot_info.modules[m].start, off = 0;
		while (off + 110 <= size && !memcmp(a + off, "070701", 6)) {
			const char *h = a + off;
			u64 mode_ = hex8(h + 14), fsz = hex8(h + 54), nsz = hex8(h + 94);
			const char *name = h + 110;
			u64 data = ALIGN_UP(off + 110 + nsz, 4ul);
			if (!strcmp(name, "TRAILER!!!")) break;
			const char *n = name; if (n[0] == '.') n++; if (n[0] == '/') n++;
			if (!strcmp(n, path + (path[0] == '/'))) {
				if ((mode_ & S_IFMT) == S_IFLNK) { char t[128]; memcpy(t, a + data, fsz); t[fsz] = 0;
					char full[160] = "/bin/"; if (t[0] == '/') full[0] = 0; strlcpy(full + strlen(full), t, 100);
					return vfs_open(full, flags, mode, err); }
				struct inode *ino = kzalloc(sizeof(*ino));
				ino->mode = (u32)mode_; ino->size = fsz; ino->private = (void *)(a + data);
				return new_file(ino, &reg_ops, path);
			}
			off = ALIGN_UP(data + fsz, 4ul);
		}
	}
	*err = -ENOENT;
	return NULL;
}

long kernel_read(struct file *f, void *buf, size_t n, u64 off)
{
	struct uio u = { (u64)buf, n, false };
	return f->fops->read(f, &u, &off);
}
void file_get(struct file *f) { f->refcount++; }
void file_put(struct file *f) { if (--f->refcount == 0) { kfree(f->inode); kfree(f); } }
struct files *files_alloc(void) { struct files *fs = kzalloc(sizeof(*fs)); fs->refcount = 1; return fs; }
struct files *files_fork(struct files *src)
{
	struct files *d = files_alloc();
	for (int i = 0; i < NR_OPEN_DEFAULT; i++) if (src->fd[i]) { d->fd[i] = src->fd[i]; file_get(d->fd[i]); }
	return d;
}
void files_put(struct files *fs)
{
	if (--fs->refcount) return;
	for (int i = 0; i < NR_OPEN_DEFAULT; i++) if (fs->fd[i]) file_put(fs->fd[i]);
	kfree(fs);
}
void files_close_on_exec(struct files *fs) { (void)fs; }
int fd_install(struct files *fs, struct file *f, bool cloexec)
{
	(void)cloexec;
	for (int i = 0; i < NR_OPEN_DEFAULT; i++) if (!fs->fd[i]) { fs->fd[i] = f; return i; }
	return -EMFILE;
}
struct file *fd_get(struct files *fs, int fd)
{
	if (fd < 0 || fd >= NR_OPEN_DEFAULT || !fs->fd[fd]) return NULL;
	file_get(fs->fd[fd]); return fs->fd[fd];
}
struct fs_context *fs_context_alloc(void) { struct fs_context *c = kzalloc(sizeof(*c)); c->refcount = 1; c->umask = 022; return c; }
struct fs_context *fs_context_fork(struct fs_context *s) { struct fs_context *c = fs_context_alloc(); c->umask = s->umask; return c; }
void fs_context_put(struct fs_context *c) { if (--c->refcount == 0) kfree(c); }
int inode_permission_exec(const struct inode *i) { return S_ISREG(i->mode) && (i->mode & 0111) ? 0 : -EACCES; }
void vfs_init(void) {}

static long rw(int fd, u64 buf, size_t n, bool write)
{
	struct file *f = fd_get(current->files, fd);
	struct uio u = { buf, n, true };
	long r;
	if (!f) return -EBADF;
	r = write ? (f->fops->write ? f->fops->write(f, &u, &f->pos) : -EINVAL)
		  : (f->fops->read ? f->fops->read(f, &u, &f->pos) : -EINVAL);
	file_put(f);
	return r;
}
SYSCALL_DEFINE3(write, int, fd, u64, buf, size_t, n) { return rw(fd, buf, n, true); }
SYSCALL_DEFINE3(read, int, fd, u64, buf, size_t, n) { return rw(fd, buf, n, false); }
struct iov { u64 base, len; };
SYSCALL_DEFINE3(writev, int, fd, const struct iov __user *, iov, int, cnt)
{
	long total = 0;
	for (int i = 0; i < cnt; i++) {
		struct iov v;
		if (copy_from_user(&v, iov + i, sizeof(v))) return -EFAULT;
		long r = rw(fd, v.base, v.len, true);
		if (r < 0) return total ? total : r;
		total += r;
	}
	return total;
}
SYSCALL_DEFINE3(ioctl, int, fd, unsigned, cmd, u64, arg) { (void)fd; (void)cmd; (void)arg; return -ENOTTY; }
SYSCALL_DEFINE1(close, int, fd)
{
	struct files *fs = current->files;
	if (fd < 0 || fd >= NR_OPEN_DEFAULT || !fs->fd[fd]) return -EBADF;
	file_put(fs->fd[fd]); fs->fd[fd] = NULL; return 0;
}
