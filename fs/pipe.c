/*
 * fs/pipe.c - pipes: pipe, pipe2.
 *
 * A pipe is an inode (S_IFIFO, on the pipefs device) holding a ring
 * buffer of PIPE_SIZE bytes, and two open files: the read end and the
 * write end.  fork and dup share the ends; the pipe counts its open ends
 * (readers, writers), not descriptors.  The ring is made of separate
 * pages, each allocated when a write first reaches it (as Linux's pipe
 * buffers are): a pipe costs one page until it holds more, and no pipe
 * needs 64 KiB of contiguous memory (under memory pressure such a block
 * was often not to be had, and pipe() failed with ENOMEM while swap had
 * room).
 *
 *   read   waits until there are bytes, or no writer is left (then 0:
 *          end of file); returns what is there, up to the request.
 *   write  waits for room; a write of at most PIPE_BUF bytes goes in
 *          whole, a longer one in pieces as readers make room.  With no
 *          reader left it fails with -EPIPE and SIGPIPE for the writer.
 *   O_NONBLOCK turns every wait into -EAGAIN.
 *
 * Each side wakes the other's wait queue, and poll() (poll_notify).
 *
 * A named pipe (mkfifo, a ramfs S_IFIFO inode) gets the same struct pipe
 * on its first open, freed at its last close (its bytes go with it, as on
 * Linux).  Opening for reading waits for a writer and for writing waits
 * for a reader (O_NONBLOCK: reading does not wait, writing fails with
 * ENXIO); O_RDWR is both ends at once and never waits.
 */
#include "kernel/capability.h"
#include <vmos/errno.h>
#include "fs/internal.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include <vmos/format.h>
#include <vmos/string.h>
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include <asm/page.h>
#include <asm/page_types.h>

#define PIPES_MAX 4096         /* open pipes in the whole system */
#define PIPE_MEMORY_SHARE 4    /* pipes may hold at most 1/4 of memory */
#define PIPE_MODE (S_IFIFO | 0600)
#define FIONREAD 0x541B

struct pipe {
	u8 **pages;      /* size / PAGE_SIZE pages of the ring (NULL: not yet) */
	u32 size;        /* PIPE_SIZE, or what F_SETPIPE_SZ made it */
	u32 head;        /* the next byte to read */
	u32 len;         /* bytes in the pipe */
	u32 readers;     /* open read ends */
	u32 writers;     /* open write ends */
	u32 r_counter, w_counter; /* opens of each end so far (named pipes) */
	u32 files;       /* a named pipe's open files: it goes with the last
			    (Linux's pipe->files) */
	struct wait_queue rd_wait, wr_wait;
};

static unsigned nr_pipes;
static u32 next_pipe_ino = 1;

/* pipes_max - how many pipes may exist: PIPES_MAX, or fewer on a machine
 * whose memory could not hold that many buffers. */
static unsigned pipes_max(void)
{
	u64 by_memory = frames_managed_count() / PIPE_MEMORY_SHARE /
			(PIPE_SIZE / PAGE_SIZE);

	return (unsigned)MIN((u64)PIPES_MAX, by_memory);
}

/* ring_at - where byte off of p's ring is (its page must exist). */
static u8 *ring_at(const struct pipe *p, u32 off)
{
	return p->pages[off / PAGE_SIZE] + off % PAGE_SIZE;
}

/* ring_run - bytes from off on that are in one page, at most max. */
static size_t ring_run(u32 off, size_t max)
{
	return MIN(max, PAGE_SIZE - off % PAGE_SIZE);
}

/* ring_pages_alloc / ring_pages_free - the page table of a ring of size
 * bytes, with no pages yet; and the ring's pages with it. */
static u8 **ring_pages_alloc(u32 size)
{
	return kzalloc(size / PAGE_SIZE * sizeof(u8 *));
}

static void ring_pages_free(u8 **pages, u32 size)
{
	for (u32 i = 0; i < size / PAGE_SIZE; i++)
		if (pages[i])
			frame_free(virt_to_phys(pages[i]));
	kfree(pages);
}

static struct pipe *pipe_of(struct file *f)
{
	return f->inode->private;
}

static void wake_writers(struct pipe *p)
{
	wake_up(&p->wr_wait);
	poll_notify();
}

static void wake_readers(struct pipe *p)
{
	wake_up(&p->rd_wait);
	poll_notify();
}

static long pipe_read(struct file *f, struct uio *u, u64 *pos)
{
	struct pipe *p = pipe_of(f);
	long done = 0;
	int err;

	if (!u->len)
		return 0;
	while (!p->len && p->writers) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		err = wait_event(&p->rd_wait, p->len || !p->writers);
		if (err)
			return err;
	}
	while (p->len && u->len) { /* a run a page: the ring may wrap */
		size_t run = ring_run(p->head, MIN(p->len, p->size - p->head));
		long n = uio_copy_out(u, ring_at(p, p->head), run);

		if (n < 0) {
			if (!done)
				done = n;
			break;
		}
		p->head = (u32)((p->head + (u64)n) % p->size);
		p->len -= (u32)n;
		done += n;
		if ((size_t)n < run)
			break;
	}
	if (done > 0)
		wake_writers(p);
	return done;
}

/* ring_reserve - make sure the pages of the next len bytes after p's
 * tail exist: 0 or -ENOMEM.  Before a write, so that one of at most
 * PIPE_BUF bytes goes in whole or not at all. */
static int ring_reserve(struct pipe *p, size_t len)
{
	u32 tail = (u32)((p->head + p->len) % p->size);

	for (size_t off = 0; off < len; off += ring_run((u32)((tail + off) % p->size), len - off)) {
		u8 **page = &p->pages[(tail + off) % p->size / PAGE_SIZE];
		phys_addr_t pa;

		if (*page)
			continue;
		if (!(pa = frame_alloc()))
			return -ENOMEM;
		*page = phys_to_virt(pa);
	}
	return 0;
}

/* pipe_put - up to the room there is from u into p: bytes, -EFAULT, or
 * -ENOMEM when the ring's pages could not be had (nothing written). */
static long pipe_put(struct pipe *p, struct uio *u)
{
	long done = 0;

	if (ring_reserve(p, MIN((size_t)(p->size - p->len), u->len)))
		return -ENOMEM;
	while (p->len < p->size && u->len) {
		u32 tail = (u32)((p->head + p->len) % p->size);
		size_t run = ring_run(tail, MIN(p->size - p->len, p->size - tail));
		long n = uio_copy_in(u, ring_at(p, tail), run);

		if (n < 0)
			return done ? done : n;
		p->len += (u32)n;
		done += n;
		if ((size_t)n < run)
			break;
	}
	return done;
}

static long pipe_write(struct file *f, struct uio *u, u64 *pos)
{
	struct pipe *p = pipe_of(f);
	size_t need = u->len <= PIPE_BUF ? u->len : 1; /* room to go on */
	long done = 0, n;
	int err;

	while (u->len) {
		if (!p->readers) {
			send_signal(current, SIGPIPE, NULL);
			return done ? done : -EPIPE;
		}
		if (p->size - p->len >= need) {
			n = pipe_put(p, u);
			if (n < 0)
				return done ? done : n;
			done += n;
			wake_readers(p);
			continue;
		}
		if (f->flags & O_NONBLOCK)
			return done ? done : -EAGAIN;
		err = wait_event(&p->wr_wait,
				 p->size - p->len >= need || !p->readers);
		if (err)
			return done ? done : err;
	}
	return done;
}

static unsigned pipe_poll(struct file *f)
{
	struct pipe *p = pipe_of(f);
	unsigned mask = 0;

	if (file_readable(f)) {
		if (p->len)
			mask |= POLLIN | POLLRDNORM;
		if (!p->writers)
			mask |= POLLHUP;
	}
	if (file_writable(f)) {
		if (p->size - p->len >= PIPE_BUF)
			mask |= POLLOUT | POLLWRNORM;
		if (!p->readers)
			mask |= POLLERR;
	}
	return mask;
}

/* FIONREAD: the bytes waiting in the pipe. */
static long pipe_ioctl(struct file *f, unsigned cmd, u64 arg)
{
	int n = (int)pipe_of(f)->len;

	if (cmd != FIONREAD)
		return -ENOTTY;
	return copy_to_user((void __user *)arg, &n, sizeof(n)) ? -EFAULT : 0;
}

/* Opening an end (pipe() does, for both) counts it. */
static int pipe_open(struct inode *inode, struct file *f)
{
	struct pipe *p = inode->private;

	if (file_readable(f))
		p->readers++;
	if (file_writable(f))
		p->writers++;
	return 0;
}

/* The last close of an end: the other side may now see EOF or EPIPE. */
static void pipe_release(struct file *f)
{
	struct pipe *p = pipe_of(f);

	if (file_readable(f) && !--p->readers)
		wake_writers(p);
	if (file_writable(f) && !--p->writers)
		wake_readers(p);
}

/* pipe_evict_pipe - free p and its buffer. */
static void pipe_evict_pipe(struct pipe *p)
{
	ring_pages_free(p->pages, p->size);
	kfree(p);
	nr_pipes--;
}

static void pipe_evict(struct inode *inode)
{
	pipe_evict_pipe(inode->private);
}

/* fifo_free - a named pipe's last end closed: its pipe goes. */
static void fifo_free(struct inode *inode)
{
	pipe_evict_pipe(inode->private);
	inode->private = NULL;
}

static const struct file_operations pipe_fops = {
	.open = pipe_open,
	.read = pipe_read,
	.write = pipe_write,
	.ioctl = pipe_ioctl,
	.poll = pipe_poll,
	.release = pipe_release,
	.stream = true,
};

static const struct inode_operations pipe_iops = {
	.evict = pipe_evict,
};

/* ---- named pipes ---- */

/* pipe_alloc - a pipe with an empty buffer of PIPE_SIZE (*err 0), or NULL
 * with *err -ENFILE (too many pipes) or -ENOMEM. */
static struct pipe *pipe_alloc(int *err)
{
	struct pipe *p;

	*err = -ENFILE;
	if (nr_pipes >= pipes_max())
		return NULL;
	*err = -ENOMEM;
	p = kzalloc(sizeof(*p));
	if (!p)
		return NULL;
	p->pages = ring_pages_alloc(PIPE_SIZE);
	if (!p->pages) {
		kfree(p);
		return NULL;
	}
	p->size = PIPE_SIZE;
	nr_pipes++;
	*err = 0;
	return p;
}

/* fifo_wait - sleep until *counter moves on from seen (the other end was
 * opened): 0, or -ERESTARTSYS for a signal. */
static int fifo_wait(struct pipe *p, u32 *counter, u32 seen)
{
	int err = wait_event(&p->rd_wait, *counter != seen);

	wake_writers(p);
	return err;
}

/* fifo_open - as Linux's fifo_open(): see the comment at the top. */
static int fifo_open(struct inode *inode, struct file *f)
{
	struct pipe *p = inode->private;
	bool rd = file_readable(f), wr = file_writable(f);
	int err = 0;

	if (!p) {
		p = pipe_alloc(&err);
		if (!p)
			return err;
		inode->private = p;
	}
	if (!rd && !wr) { /* access mode 3: neither end (Linux: EINVAL) */
		err = -EINVAL;
		goto out;
	}
	if (wr && !rd && (f->flags & O_NONBLOCK) && !p->readers) {
		err = -ENXIO;
		goto out;
	}
	pipe_open(inode, f);
	p->files++;
	p->r_counter += rd;
	p->w_counter += wr;
	wake_up(&p->rd_wait); /* whoever waits for a partner */
	wake_up(&p->wr_wait);
	if (rd && !wr && !p->writers && !(f->flags & O_NONBLOCK))
		err = fifo_wait(p, &p->w_counter, p->w_counter);
	else if (wr && !rd && !p->readers)
		err = fifo_wait(p, &p->r_counter, p->r_counter);
	if (err) {
		pipe_release(f);
		p->files--;
	}
out:
	if (!p->files)
		fifo_free(inode);
	return err;
}

static void fifo_release(struct file *f)
{
	pipe_release(f);
	if (!--pipe_of(f)->files)
		fifo_free(f->inode);
}

const struct file_operations fifo_fops = {
	.open = fifo_open,
	.read = pipe_read,
	.write = pipe_write,
	.ioctl = pipe_ioctl,
	.poll = pipe_poll,
	.release = fifo_release,
	.stream = true,
};

/* ---- F_SETPIPE_SZ, F_GETPIPE_SZ ---- */

unsigned pipe_max_size = 1u << 20; /* /proc/sys/fs/pipe-max-size */

/* pipe_resize - the buffer of p becomes size bytes, its bytes kept in
 * order: 0, -EBUSY if they would not fit, -ENOMEM. */
static int pipe_resize(struct pipe *p, u32 size)
{
	struct pipe np = { .size = size };
	u32 done = 0;

	if (p->len > size)
		return -EBUSY;
	np.pages = ring_pages_alloc(size);
	if (!np.pages)
		return -ENOMEM;
	if (ring_reserve(&np, p->len)) { /* the pages the bytes will fill */
		ring_pages_free(np.pages, size);
		return -ENOMEM;
	}
	/* The bytes, in order, to the start of the new ring: a run at a
	 * time, each within one page of both rings. */
	while (done < p->len) {
		u32 from = (p->head + done) % p->size;
		size_t run = ring_run(done, ring_run(from, p->len - done));

		memcpy(ring_at(&np, done), ring_at(p, from), run);
		done += (u32)run;
	}
	ring_pages_free(p->pages, p->size);
	p->pages = np.pages;
	p->head = 0;
	p->size = size;
	wake_writers(p); /* there may be room now */
	return 0;
}

/*
 * pipe_fcntl - F_GETPIPE_SZ and F_SETPIPE_SZ as Linux's: the size is
 * rounded up to a power of two pages (at least one); above 2^31 bytes is
 * EINVAL, above pipe-max-size EPERM for all but root, less than the bytes
 * in the pipe EBUSY.  Returns the size, or -errno (-EBADF: not a pipe).
 */
long pipe_fcntl(struct file *f, unsigned cmd, u32 arg)
{
	struct pipe *p = S_ISFIFO(f->inode->mode) ? f->inode->private : NULL;
	u64 size = PAGE_SIZE;
	int err;

	if (!p || (f->fops != &pipe_fops && f->fops != &fifo_fops))
		return -EBADF;
	if (cmd == F_GETPIPE_SZ)
		return p->size;
	if (arg > (1u << 31))
		return -EINVAL;
	while (size < arg)
		size <<= 1;
	if (size > p->size && size > pipe_max_size && !capable(CAP_SYS_RESOURCE))
		return -EPERM;
	if (size == p->size)
		return (long)size;
	err = pipe_resize(p, (u32)size);
	return err ? err : (long)size;
}

/* new_pipe - the pipe's inode (one reference), or NULL with *err. */
static struct inode *new_pipe(int *err)
{
	struct pipe *p = pipe_alloc(err);
	struct inode *inode;

	if (!p)
		return NULL;
	inode = inode_alloc(PIPEFS_DEV, next_pipe_ino++, PIPE_MODE, &pipe_iops,
			    &pipe_fops);
	if (!inode) {
		*err = -ENOMEM;
		pipe_evict_pipe(p);
		return NULL;
	}
	inode->private = p;
	return inode;
}

/* create_pipe - a new pipe's read and write ends: 0 or -errno. */
static int create_pipe(u32 flags, struct file **rd, struct file **wr)
{
	char name[32];
	struct inode *inode;
	int err;

	inode = new_pipe(&err);
	if (!inode)
		return err;
	ksnprintf(name, sizeof(name), "pipe:[%u]", inode->ino);
	*rd = file_open_inode(inode, O_RDONLY | (flags & O_NONBLOCK), name, &err);
	*wr = *rd ? file_open_inode(inode, O_WRONLY | (flags & O_NONBLOCK),
				    name, &err) : NULL;
	iput(inode); /* the ends hold it now */
	if (!*wr) {
		file_put(*rd);
		return err;
	}
	return 0;
}

static long do_pipe2(int __user *ufds, u32 flags)
{
	struct files *files = current->files;
	struct file *rd = NULL, *wr = NULL;
	int fds[2], err;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	err = create_pipe(flags, &rd, &wr);
	if (err)
		return err;
	fds[0] = fd_install(files, rd, flags & O_CLOEXEC);
	if (fds[0] < 0) {
		file_put(rd);
		file_put(wr);
		return fds[0];
	}
	fds[1] = fd_install(files, wr, flags & O_CLOEXEC);
	if (fds[1] < 0) {
		fd_close(files, fds[0]);
		file_put(wr);
		return fds[1];
	}
	if (copy_to_user(ufds, fds, sizeof(fds))) {
		fd_close(files, fds[0]);
		fd_close(files, fds[1]);
		return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE2(pipe2, int __user *, ufds, u32, flags)
{
	return do_pipe2(ufds, flags);
}

SYSCALL_DEFINE1(pipe, int __user *, ufds)
{
	return do_pipe2(ufds, 0);
}
