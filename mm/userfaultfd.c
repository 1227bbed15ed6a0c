/*
 * mm/userfaultfd.c - page faults handled by user space: userfaultfd(2),
 * as Linux 6.1's fs/userfaultfd.c and mm/userfaultfd.c, for anonymous
 * memory and mappings of ramfs files (memfd: Linux's shmem), in MISSING
 * and MINOR modes.
 *
 * A program (the monitor) makes a userfaultfd, negotiates features with
 * UFFDIO_API, and registers ranges of an address space with it
 * (UFFDIO_REGISTER): the regions get VM_UFFD_MISSING and a pointer to the
 * context.  From then on a fault on an empty entry there does not get a
 * zero page: handle_userfault() (called by mm/fault.c where Linux's
 * do_anonymous_page() and shmem fault call it; in a file region,
 * "missing" means a hole in the file) queues a struct uffd_msg
 * (UFFD_EVENT_PAGEFAULT, the address, write or read) and puts the
 * faulting thread to sleep.  The monitor reads the message from the fd
 * (read, poll) and resolves the page from another thread: UFFDIO_COPY
 * fills it with a copy of its own memory, UFFDIO_ZEROPAGE with zeros; both
 * wake the threads waiting in that range (unless ..._MODE_DONTWAKE;
 * UFFDIO_WAKE wakes them alone).  A woken thread retries its access.
 *
 * Non-cooperative events (features the monitor asks for): fork of a
 * registered address space (UFFD_EVENT_FORK: the child gets a userfaultfd
 * of its own, which read() installs as a new fd of the reader), mremap of
 * a registered region (UFFD_EVENT_REMAP), madvise(MADV_DONTNEED) in one
 * (UFFD_EVENT_REMOVE).  The thread causing one sleeps until the monitor
 * has read it.  UFFD_FEATURE_SIGBUS: a missing fault raises SIGBUS instead.
 *
 * Nothing here lets a user hang the kernel: every wait is interruptible
 * (a faulting user thread by any signal, a kernel access or an event's
 * sender by SIGKILL), and closing the userfaultfd unregisters its regions
 * and wakes every waiter (their retried faults then get zero pages).
 *
 * Lifetimes: a context is freed when its file is closed and no waiter is
 * left (refcount).  It watches its address space without keeping it: the
 * address space lists its contexts (mm->uffd_ctxs), and when it goes (its
 * last task exits or execs) userfaultfd_exit_mm() leaves them without one
 * (their ioctls then fail, as Linux's: -ESRCH to fill pages, -ENOMEM to
 * (un)register).  Regions point to a
 * context without a reference: closing the file clears those pointers.  One CPU and a kernel that is not preempted: the lists below
 * change only between sleeps (interrupts never touch them).
 *
 * Minor faults (UFFDIO_REGISTER_MODE_MINOR, shared ramfs regions): the file
 * has the page but this mapping does not map it yet; the monitor may
 * change the page through another mapping and then map it with
 * UFFDIO_CONTINUE.
 *
 * Not implemented (reported absent by UFFDIO_API, as on a kernel built
 * without them): write-protect mode, UFFD_EVENT_UNMAP, hugetlbfs,
 * /dev/userfaultfd.
 */
#include "mm/userfaultfd.h"
#include <vmos/errno.h>
#include "fs/internal.h"
#include "fs/vfs.h"
#include "kernel/capability.h"
#include <vmos/printk.h>
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include <vmos/string.h>
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include "mm/pagetable.h"
#include <asm/page.h>
#include <asm/pgtable.h>

u64 sysctl_unprivileged_userfaultfd;

/* ---- the ABI (include/uapi/linux/userfaultfd.h) ---- */

#define UFFD_API 0xaaull
#define UFFD_USER_MODE_ONLY 1

#define UFFD_EVENT_PAGEFAULT 0x12
#define UFFD_EVENT_FORK 0x13
#define UFFD_EVENT_REMAP 0x14
#define UFFD_EVENT_REMOVE 0x15

#define UFFD_PAGEFAULT_FLAG_WRITE (1u << 0)
#define UFFD_PAGEFAULT_FLAG_MINOR (1u << 2)

#define UFFD_FEATURE_PAGEFAULT_FLAG_WP (1u << 0)
#define UFFD_FEATURE_EVENT_FORK (1u << 1)
#define UFFD_FEATURE_EVENT_REMAP (1u << 2)
#define UFFD_FEATURE_EVENT_REMOVE (1u << 3)
#define UFFD_FEATURE_MISSING_SHMEM (1u << 5)
#define UFFD_FEATURE_SIGBUS (1u << 7)
#define UFFD_FEATURE_THREAD_ID (1u << 8)
#define UFFD_FEATURE_MINOR_SHMEM (1u << 10)
#define UFFD_FEATURE_EXACT_ADDRESS (1u << 11)
/* Every feature Linux 6.1 knows (bits 0-12): asking for one is valid... */
#define UFFD_API_FEATURES 0x1fffull
/* ...but only these are reported, and only these act. */
#define UFFD_FEATURES_IMPLEMENTED                                          \
	(UFFD_FEATURE_EVENT_FORK | UFFD_FEATURE_EVENT_REMAP |              \
	 UFFD_FEATURE_EVENT_REMOVE | UFFD_FEATURE_MISSING_SHMEM |          \
	 UFFD_FEATURE_SIGBUS | UFFD_FEATURE_MINOR_SHMEM |                  \
	 UFFD_FEATURE_THREAD_ID | UFFD_FEATURE_EXACT_ADDRESS)

#define UFFDIO_REGISTER_MODE_MISSING (1ull << 0)
#define UFFDIO_REGISTER_MODE_WP (1ull << 1)
#define UFFDIO_REGISTER_MODE_MINOR (1ull << 2)
#define UFFDIO_COPY_MODE_DONTWAKE (1ull << 0)
#define UFFDIO_COPY_MODE_WP (1ull << 1)
#define UFFDIO_ZEROPAGE_MODE_DONTWAKE (1ull << 0)
#define UFFDIO_CONTINUE_MODE_DONTWAKE (1ull << 0)

/* ioctl numbers: _IOWR/_IOR(0xAA, nr, struct) */
#define _UFFDIO_REGISTER 0x00
#define _UFFDIO_UNREGISTER 0x01
#define _UFFDIO_WAKE 0x02
#define _UFFDIO_COPY 0x03
#define _UFFDIO_ZEROPAGE 0x04
#define _UFFDIO_CONTINUE 0x07
#define _UFFDIO_API 0x3f
#define UFFDIO_IOC(dir, nr, size) (((dir) << 30) | ((size) << 16) | (0xaa << 8) | (nr))
#define IOC_READ 2u
#define IOC_RW 3u
#define UFFDIO_API UFFDIO_IOC(IOC_RW, _UFFDIO_API, 24u)
#define UFFDIO_REGISTER UFFDIO_IOC(IOC_RW, _UFFDIO_REGISTER, 32u)
#define UFFDIO_UNREGISTER UFFDIO_IOC(IOC_READ, _UFFDIO_UNREGISTER, 16u)
#define UFFDIO_WAKE UFFDIO_IOC(IOC_READ, _UFFDIO_WAKE, 16u)
#define UFFDIO_COPY UFFDIO_IOC(IOC_RW, _UFFDIO_COPY, 40u)
#define UFFDIO_ZEROPAGE UFFDIO_IOC(IOC_RW, _UFFDIO_ZEROPAGE, 32u)
#define UFFDIO_CONTINUE UFFDIO_IOC(IOC_RW, _UFFDIO_CONTINUE, 32u)

/* What a registered range supports (UFFDIO_REGISTER's answer) and what
 * the file does (UFFDIO_API's). */
#define UFFD_API_IOCTLS                                                    \
	(1ull << _UFFDIO_REGISTER | 1ull << _UFFDIO_UNREGISTER | 1ull << _UFFDIO_API)
#define UFFD_API_RANGE_IOCTLS                                              \
	(1ull << _UFFDIO_WAKE | 1ull << _UFFDIO_COPY | 1ull << _UFFDIO_ZEROPAGE)

struct uffd_msg {
	u8 event;
	u8 reserved1;
	u16 reserved2;
	u32 reserved3;
	union {
		struct { u64 flags, address; u32 ptid; } pagefault;
		struct { u32 ufd; } fork;
		struct { u64 from, to, len; } remap;
		struct { u64 start, end; } remove;
		struct { u64 reserved1, reserved2, reserved3; } reserved;
	} arg;
} __attribute__((packed));

struct uffdio_api { u64 api, features, ioctls; };
struct uffdio_range { u64 start, len; };
struct uffdio_register { struct uffdio_range range; u64 mode, ioctls; };
struct uffdio_copy { u64 dst, src, len, mode; s64 copy; };
struct uffdio_zeropage { struct uffdio_range range; u64 mode; s64 zeropage; };
struct uffdio_continue { struct uffdio_range range; u64 mode; s64 mapped; };

/* ---- the context ---- */

/*
 * uffd_wait - a fault or an event waiting for the monitor, on the stack of
 * the thread that waits (it unlinks it before it returns).
 */
struct uffd_wait {
	struct uffd_msg msg;
	struct uffd_wait *next;
	bool read;                      /* read() handed it to the monitor */
	bool done;                      /* resolved: the waiter may go on */
	struct userfaultfd_ctx *fork_ctx; /* UFFD_EVENT_FORK: the child's */
};

struct userfaultfd_ctx {
	struct mm *mm;              /* the address space watched; NULL once gone */
	struct userfaultfd_ctx *mm_next; /* the next context watching it */
	u32 refcount;               /* the file (or a fork event not yet read)
				       and each thread waiting on it */
	u64 features;               /* what UFFDIO_API was asked for */
	u32 flags;                  /* UFFD_USER_MODE_ONLY, O_CLOEXEC, O_NONBLOCK */
	bool api_done;              /* UFFDIO_API succeeded (Linux's RUNNING) */
	bool released;              /* the file is closed */
	struct uffd_wait *waits;    /* faults and events, oldest first */
	struct wait_queue fault_wq; /* faulting threads and event senders */
	struct wait_queue read_wq;  /* read() */
	/* fork: a child's context until its event is sent (fork_parent), and
	 * in the parent's, the child made by the fork under way. */
	struct userfaultfd_ctx *fork_parent;
	struct userfaultfd_ctx *fork_child;
	struct mm *fork_child_mm;
};

static const struct file_operations userfaultfd_fops;

static struct userfaultfd_ctx *ctx_alloc(struct mm *mm, u32 flags)
{
	struct userfaultfd_ctx *ctx = kzalloc(sizeof(*ctx));

	if (!ctx)
		return NULL;
	ctx->mm = mm;
	ctx->mm_next = mm->uffd_ctxs;
	mm->uffd_ctxs = ctx;
	ctx->refcount = 1;
	ctx->flags = flags;
	return ctx;
}

/* ctx_detach - ctx no longer watches its address space. */
static void ctx_detach(struct userfaultfd_ctx *ctx)
{
	struct userfaultfd_ctx **pp;

	if (!ctx->mm)
		return;
	for (pp = &ctx->mm->uffd_ctxs; *pp != ctx; pp = &(*pp)->mm_next)
		if (!*pp)
			panic("ctx_detach: context %p is not listed", ctx);
	*pp = ctx->mm_next;
	ctx->mm = NULL;
}

void userfaultfd_exit_mm(struct mm *mm)
{
	while (mm->uffd_ctxs)
		ctx_detach(mm->uffd_ctxs);
}

static void ctx_get(struct userfaultfd_ctx *ctx)
{
	ctx->refcount++;
}

static void ctx_put(struct userfaultfd_ctx *ctx)
{
	if (ctx->refcount == 0)
		panic("ctx_put: userfaultfd context %p has no references", ctx);
	if (--ctx->refcount)
		return;
	if (ctx->waits)
		panic("ctx_put: userfaultfd context freed with waiters");
	ctx_detach(ctx);
	kfree(ctx);
}

/* has_unread - a message read() would return now. */
static struct uffd_wait *first_unread(struct userfaultfd_ctx *ctx)
{
	struct uffd_wait *event = NULL;

	/* Faults first, then events (Linux's userfaultfd_ctx_read). */
	for (struct uffd_wait *w = ctx->waits; w; w = w->next) {
		if (w->read || w->done)
			continue;
		if (w->msg.event == UFFD_EVENT_PAGEFAULT)
			return w;
		if (!event)
			event = w;
	}
	return event;
}

static void queue_wait(struct userfaultfd_ctx *ctx, struct uffd_wait *w)
{
	struct uffd_wait **pp = &ctx->waits;

	while (*pp)
		pp = &(*pp)->next;
	w->next = NULL;
	*pp = w;
	wake_up(&ctx->read_wq);
	poll_notify();
}

static void unlink_wait(struct userfaultfd_ctx *ctx, struct uffd_wait *w)
{
	for (struct uffd_wait **pp = &ctx->waits; *pp; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			return;
		}
	}
	panic("unlink_wait: %p is not queued", w);
}

/* wake_userfault - the faults waiting in [start, start + len) may go on. */
static void wake_userfault(struct userfaultfd_ctx *ctx, u64 start, u64 len)
{
	for (struct uffd_wait *w = ctx->waits; w; w = w->next) {
		u64 a = w->msg.arg.pagefault.address;

		if (w->msg.event == UFFD_EVENT_PAGEFAULT && a >= start &&
		    a - start < len)
			w->done = true;
	}
	wake_up(&ctx->fault_wq);
}

/* ctx_unregister_all - no region of ctx's address space uses ctx any more
 * (the file is closed, or a child's context is dropped). */
static void ctx_unregister_all(struct userfaultfd_ctx *ctx)
{
	struct mm *mm = ctx->mm;

	if (!mm)
		return; /* gone, and its regions with it */
	for (struct vm_area_struct *v = vma_first(&mm->vmas); v;) {
		u64 end = v->vm_end;

		if (v->vm_userfaultfd_ctx == ctx)
			mm_set_userfaultfd(mm, v->vm_start, end, 0, NULL);
		v = find_vma(&mm->vmas, end);
	}
}

/* ---- faults ---- */

/* file_page - the page of v's file mapped at addr. */
static u64 file_page(const struct vm_area_struct *v, u64 addr)
{
	return v->vm_pgoff + ((addr - v->vm_start) >> PAGE_SHIFT);
}

/* beyond_eof - is page pgoff of inode at or past its end? */
static bool beyond_eof(const struct inode *inode, u64 pgoff)
{
	return pgoff >= ALIGN_UP(inode->size, PAGE_SIZE) >> PAGE_SHIFT;
}

/* file_has_page - the frame v's file holds for page pgoff (read back
 * from swap if it went there), 0 for a hole; *err -EFAULT past its end.
 * Through the inode's map_page hook (fs/vfs.h), as the fault path. */
static phys_addr_t file_has_page(const struct vm_area_struct *v, u64 pgoff, int *err)
{
	struct inode *inode = v->vm_file->inode;
	bool major;

	return inode->iops->map_page(inode, pgoff, false, err, &major);
}

/* in_file - does v's file hold the page at addr (not a hole)? */
static bool in_file(const struct vm_area_struct *v, u64 addr)
{
	int err;

	return v->vm_file && file_has_page(v, file_page(v, addr), &err);
}

bool userfaultfd_wants_fault(struct mm *mm, struct vm_area_struct *v, u64 addr)
{
	pte_t *e = pt_walk(mm->pgd, addr, false);

	if (e && *e)
		return false; /* present, or in swap */
	if (v->vm_file && beyond_eof(v->vm_file->inode, file_page(v, addr)))
		return false;
	if (in_file(v, addr))
		return v->vm_flags & VM_UFFD_MINOR;
	return v->vm_flags & VM_UFFD_MISSING;
}

enum fault_result handle_userfault(struct mm *mm, struct vm_area_struct *v,
				   const struct fault *f)
{
	struct userfaultfd_ctx *ctx = v->vm_userfaultfd_ctx;
	struct uffd_wait w = { .msg.event = UFFD_EVENT_PAGEFAULT };
	u64 irq;
	int err = 0;

	if (!ctx)
		panic("handle_userfault: region at 0x%lx registered without a "
		      "context", v->vm_start);
	if (ctx->features & UFFD_FEATURE_SIGBUS)
		return FAULT_SIGBUS;
	if (!f->user && (ctx->flags & UFFD_USER_MODE_ONLY))
		return FAULT_SIGBUS; /* the kernel's copy fails: -EFAULT */
	w.msg.arg.pagefault.flags = f->access == FAULT_WRITE ? UFFD_PAGEFAULT_FLAG_WRITE : 0;
	if (in_file(v, f->addr & PAGE_MASK))
		w.msg.arg.pagefault.flags |= UFFD_PAGEFAULT_FLAG_MINOR;
	w.msg.arg.pagefault.address = (ctx->features & UFFD_FEATURE_EXACT_ADDRESS)
					      ? f->addr : f->addr & PAGE_MASK;
	if (ctx->features & UFFD_FEATURE_THREAD_ID)
		w.msg.arg.pagefault.ptid = (u32)current->pid;
	ctx_get(ctx);
	queue_wait(ctx, &w);
	irq = arch_irq_save();
	while (!w.done && !ctx->released && !err)
		err = f->user ? wait_sleep(&ctx->fault_wq)
			      : wait_sleep_killable(&ctx->fault_wq);
	arch_irq_restore(irq);
	unlink_wait(ctx, &w);
	ctx_put(ctx);
	/* A user access is retried (after the signal, if one came); a kernel
	 * one that a signal interrupted fails, as Linux's. */
	return err && !f->user ? FAULT_SIGBUS : FAULT_OK;
}

/* ---- events ---- */

/*
 * event_wait - send the event in w to ctx and sleep (killable) until the
 * monitor has read it: true, or false if the file was closed or the
 * sender killed first.
 */
static bool event_wait(struct userfaultfd_ctx *ctx, struct uffd_wait *w)
{
	u64 irq;
	int err = 0;

	ctx_get(ctx);
	queue_wait(ctx, w);
	irq = arch_irq_save();
	while (!w->done && !ctx->released && !err)
		err = wait_sleep_killable(&ctx->fault_wq);
	arch_irq_restore(irq);
	unlink_wait(ctx, w);
	ctx_put(ctx);
	return w->done;
}

int dup_userfaultfd(struct mm *child, struct vm_area_struct *c)
{
	struct userfaultfd_ctx *octx = c->vm_userfaultfd_ctx, *nctx;

	if (!octx)
		return 0;
	if (!(octx->features & UFFD_FEATURE_EVENT_FORK) || octx->released) {
		c->vm_userfaultfd_ctx = NULL;
		c->vm_flags &= ~VM_UFFD_FLAGS;
		return 0;
	}
	if (octx->fork_child_mm == child) {
		c->vm_userfaultfd_ctx = octx->fork_child;
		return 0;
	}
	nctx = ctx_alloc(child, octx->flags);
	if (!nctx)
		return -ENOMEM;
	nctx->features = octx->features;
	nctx->api_done = true;
	nctx->fork_parent = octx;
	ctx_get(octx); /* until the event is sent */
	octx->fork_child = nctx;
	octx->fork_child_mm = child;
	c->vm_userfaultfd_ctx = nctx;
	return 0;
}

/* fork_pending - a context of child's regions whose fork event is unsent. */
static struct userfaultfd_ctx *fork_pending(struct mm *child)
{
	for (struct vm_area_struct *v = vma_first(&child->vmas); v;
	     v = vma_next(&child->vmas, v))
		if (v->vm_userfaultfd_ctx && v->vm_userfaultfd_ctx->fork_parent)
			return v->vm_userfaultfd_ctx;
	return NULL;
}

/* fork_detach - nctx is no longer the fork under way of its parent. */
static struct userfaultfd_ctx *fork_detach(struct userfaultfd_ctx *nctx)
{
	struct userfaultfd_ctx *octx = nctx->fork_parent;

	nctx->fork_parent = NULL;
	octx->fork_child = NULL;
	octx->fork_child_mm = NULL;
	return octx;
}

void dup_userfaultfd_complete(struct mm *child)
{
	struct userfaultfd_ctx *nctx;

	/* The search starts over after each event: while the parent sleeps,
	 * the monitor may already (un)register regions of the child. */
	while ((nctx = fork_pending(child))) {
		struct userfaultfd_ctx *octx = fork_detach(nctx);
		struct uffd_wait w = { .msg.event = UFFD_EVENT_FORK, .fork_ctx = nctx };

		if (!event_wait(octx, &w)) {
			/* Never read: the child's regions are not watched. */
			ctx_unregister_all(nctx);
			ctx_put(nctx);
		}
		ctx_put(octx);
	}
}

void dup_userfaultfd_fail(struct mm *child)
{
	struct userfaultfd_ctx *nctx;

	while ((nctx = fork_pending(child))) {
		ctx_put(fork_detach(nctx));
		ctx_unregister_all(nctx);
		ctx_put(nctx);
	}
}

void mremap_userfaultfd(struct mm *mm, struct userfaultfd_ctx *ctx,
			u64 uffd_flags, u64 from, u64 to, u64 len, u64 new_len)
{
	struct uffd_wait w = { .msg.event = UFFD_EVENT_REMAP };

	if (!ctx || ctx->released || !(ctx->features & UFFD_FEATURE_EVENT_REMAP))
		return;
	if (mm_set_userfaultfd(mm, to, to + new_len, uffd_flags, ctx))
		return; /* no memory to split: the new range is not watched */
	w.msg.arg.remap.from = from;
	w.msg.arg.remap.to = to;
	w.msg.arg.remap.len = len;
	event_wait(ctx, &w);
}

void userfaultfd_remove(struct mm *mm, u64 start, u64 end)
{
	u64 va = start;

	while (va < end) {
		struct vm_area_struct *v = find_vma(&mm->vmas, va);
		struct userfaultfd_ctx *ctx;
		struct uffd_wait w = { .msg.event = UFFD_EVENT_REMOVE };

		if (!v || v->vm_start >= end)
			return;
		va = MIN(end, v->vm_end);
		ctx = v->vm_userfaultfd_ctx;
		if (!ctx || !(ctx->features & UFFD_FEATURE_EVENT_REMOVE))
			continue;
		w.msg.arg.remove.start = MAX(start, v->vm_start);
		w.msg.arg.remove.end = va;
		event_wait(ctx, &w); /* v may be gone after this */
	}
}

/* ---- the file: read, poll, release ---- */

/* fork_fd - the monitor reads a fork event: the child's context becomes a
 * descriptor of the reader's (taking over the event's reference). */
static int fork_fd(struct userfaultfd_ctx *nctx)
{
	int err, fd;
	struct file *f = anon_inode_getfile("[userfaultfd]", &userfaultfd_fops, nctx,
					    O_RDWR | (nctx->flags & O_NONBLOCK), &err);

	if (!f)
		return err;
	fd = fd_install(current->files, f, nctx->flags & O_CLOEXEC);
	if (fd < 0) {
		f->private = NULL; /* the event keeps the context */
		file_put(f);
	}
	return fd;
}

/* take_msg - the next message for read() into *msg: 0, or -EAGAIN when
 * there is none, or a fork event's error (the event stays queued). */
static int take_msg(struct userfaultfd_ctx *ctx, struct uffd_msg *msg)
{
	struct uffd_wait *w = first_unread(ctx);
	int fd;

	if (!w)
		return -EAGAIN;
	*msg = w->msg;
	if (w->msg.event == UFFD_EVENT_PAGEFAULT) {
		w->read = true; /* it waits on until the page is resolved */
		return 0;
	}
	if (w->msg.event == UFFD_EVENT_FORK) {
		fd = fork_fd(w->fork_ctx);
		if (fd < 0)
			return fd;
		msg->arg.fork.ufd = (u32)fd;
	}
	w->read = w->done = true; /* an event is complete once read */
	wake_up(&ctx->fault_wq);
	return 0;
}

/* userfaultfd_read - whole messages, as many as fit; blocks for the first
 * unless O_NONBLOCK.  EINVAL before UFFDIO_API or for a buffer smaller
 * than one message. */
static long userfaultfd_read(struct file *f, struct uio *u, u64 *pos)
{
	struct userfaultfd_ctx *ctx = f->private;
	struct uffd_msg msg;
	long done = 0;
	int err;
	u64 irq;

	if (!ctx->api_done || u->len < sizeof(msg))
		return -EINVAL;
	while (u->len >= sizeof(msg)) {
		irq = arch_irq_save();
		while ((err = take_msg(ctx, &msg)) == -EAGAIN && !done &&
		       !(f->flags & O_NONBLOCK)) {
			err = wait_sleep(&ctx->read_wq);
			if (err)
				break;
		}
		arch_irq_restore(irq);
		if (err)
			return done ? done : err;
		if (uio_copy_out(u, &msg, sizeof(msg)) != sizeof(msg))
			return done ? done : -EFAULT;
		done += sizeof(msg);
	}
	return done;
}

/* userfaultfd_poll - POLLIN with a message to read; POLLERR before
 * UFFDIO_API and on a blocking descriptor (Linux: poll "never guarantees
 * that read won't block" there). */
static unsigned userfaultfd_poll(struct file *f)
{
	struct userfaultfd_ctx *ctx = f->private;

	if (!ctx->api_done || !(f->flags & O_NONBLOCK))
		return POLLERR;
	return first_unread(ctx) ? POLLIN | POLLRDNORM : 0;
}

/* userfaultfd_release - the last descriptor is closed: its regions are
 * unregistered and every waiter goes on (Linux's userfaultfd_release). */
static void userfaultfd_release(struct file *f)
{
	struct userfaultfd_ctx *ctx = f->private;

	if (!ctx)
		return;
	ctx->released = true;
	ctx_unregister_all(ctx);
	for (struct uffd_wait *w = ctx->waits; w; w = w->next)
		w->done = w->msg.event == UFFD_EVENT_PAGEFAULT ? true : w->done;
	wake_up(&ctx->fault_wq);
	wake_up(&ctx->read_wq);
	ctx_put(ctx);
}

/* ---- ioctls ---- */

/* validate_range - Linux's: page-aligned, not empty, inside user space
 * above mmap_min_addr: 0 or -EINVAL. */
static int validate_range(u64 start, u64 len)
{
	if ((start | len) & (PAGE_SIZE - 1) || !len)
		return -EINVAL;
	if (start < MMAP_MIN_ADDR || start >= USER_SPACE_END ||
	    len > USER_SPACE_END - start)
		return -EINVAL;
	return 0;
}

static long uffdio_api(struct userfaultfd_ctx *ctx, struct uffdio_api __user *uarg)
{
	struct uffdio_api a;
	int err = -EINVAL;

	if (ctx->api_done)
		return -EINVAL;
	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.api != UFFD_API || (a.features & ~UFFD_API_FEATURES))
		goto refuse;
	err = -EPERM;
	if ((a.features & UFFD_FEATURE_EVENT_FORK) && !capable(CAP_SYS_PTRACE))
		goto refuse;
	ctx->features = a.features & UFFD_FEATURES_IMPLEMENTED;
	a.features = UFFD_FEATURES_IMPLEMENTED;
	a.ioctls = UFFD_API_IOCTLS;
	if (copy_to_user(uarg, &a, sizeof(a)))
		return -EFAULT;
	ctx->api_done = true;
	return 0;
refuse:
	memset(&a, 0, sizeof(a));
	return copy_to_user(uarg, &a, sizeof(a)) ? -EFAULT : err;
}

/* vma_can_userfault - may v be registered for uffd_flags?  Anonymous
 * memory (a private /dev/zero mapping too), and mappings of files that
 * give their pages (ramfs, memfd and shared anonymous memory's shmem
 * objects: Linux's shmem), shared or private; minor faults, shared
 * mappings of such files only (Linux: private ones too). */
static bool vma_can_userfault(const struct vm_area_struct *v, u64 uffd_flags)
{
	bool paged = v->vm_file && v->vm_file->inode->iops->map_page;

	if (v->vm_flags & (VM_SPECIAL | VM_HUGETLB))
		return false;
	if (uffd_flags & VM_UFFD_MINOR)
		return paged && (v->vm_flags & VM_SHARED);
	return vma_is_anonymous(v) || paged;
}

/*
 * check_range - the regions of [start, end) of mm, for (un)registering:
 * 0, -ENOMEM (nothing at or above start), -EINVAL (no region in the range,
 * or one that cannot be registered), -EPERM (not writable, ever), -EBUSY
 * (registered with another userfaultfd; ctx NULL: any is fine).
 */
static int check_range(struct mm *mm, u64 start, u64 end,
		       struct userfaultfd_ctx *ctx, u64 uffd_flags)
{
	struct vm_area_struct *v = find_vma(&mm->vmas, start);

	if (!v)
		return -ENOMEM;
	if (v->vm_start >= end)
		return -EINVAL;
	for (; v && v->vm_start < end; v = vma_next(&mm->vmas, v)) {
		if (!vma_can_userfault(v, uffd_flags))
			return -EINVAL;
		if (!(v->vm_flags & VM_MAYWRITE))
			return -EPERM;
		if (ctx && v->vm_userfaultfd_ctx && v->vm_userfaultfd_ctx != ctx)
			return -EBUSY;
	}
	return 0;
}

static long uffdio_register(struct userfaultfd_ctx *ctx,
			    struct uffdio_register __user *uarg)
{
	struct uffdio_register r;
	u64 ioctls = UFFD_API_RANGE_IOCTLS, flags = 0;
	int err;

	if (copy_from_user(&r, uarg, offsetof(struct uffdio_register, ioctls)))
		return -EFAULT;
	/* The write-protect mode is not built in (EINVAL, as a kernel
	 * without CONFIG_HAVE_ARCH_USERFAULTFD_WP). */
	if (!r.mode || (r.mode & ~(UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_MINOR)))
		return -EINVAL;
	if (r.mode & UFFDIO_REGISTER_MODE_MISSING)
		flags |= VM_UFFD_MISSING;
	if (r.mode & UFFDIO_REGISTER_MODE_MINOR) {
		flags |= VM_UFFD_MINOR;
		ioctls |= 1ull << _UFFDIO_CONTINUE;
	}
	err = validate_range(r.range.start, r.range.len);
	if (!err && !ctx->mm)
		err = -ENOMEM; /* the address space is gone (Linux's answer) */
	if (!err)
		err = check_range(ctx->mm, r.range.start, r.range.start + r.range.len,
				  ctx, flags);
	if (!err)
		err = mm_set_userfaultfd(ctx->mm, r.range.start,
					 r.range.start + r.range.len, flags, ctx);
	if (err)
		return err;
	return copy_to_user(&uarg->ioctls, &ioctls, sizeof(ioctls)) ? -EFAULT : 0;
}

static long uffdio_unregister(struct userfaultfd_ctx *ctx,
			      struct uffdio_range __user *uarg)
{
	struct mm *mm = ctx->mm;
	struct uffdio_range r;
	u64 end;
	int err;

	if (copy_from_user(&r, uarg, sizeof(r)))
		return -EFAULT;
	err = validate_range(r.start, r.len);
	if (!err && !mm)
		err = -ENOMEM; /* the address space is gone */
	end = r.start + r.len;
	if (!err)
		err = check_range(mm, r.start, end, NULL, 0);
	if (err)
		return err;
	/* Wake the faults waiting there: nothing would resolve them now. */
	for (struct vm_area_struct *v = find_vma(&mm->vmas, r.start);
	     v && v->vm_start < end; v = vma_next(&mm->vmas, v))
		if (v->vm_userfaultfd_ctx)
			wake_userfault(v->vm_userfaultfd_ctx, r.start, r.len);
	return mm_set_userfaultfd(mm, r.start, end, 0, NULL);
}

static long uffdio_wake(struct userfaultfd_ctx *ctx, struct uffdio_range __user *uarg)
{
	struct uffdio_range r;
	int err;

	if (copy_from_user(&r, uarg, sizeof(r)))
		return -EFAULT;
	err = validate_range(r.start, r.len);
	if (err)
		return err;
	wake_userfault(ctx, r.start, r.len);
	return 0;
}

/* find_dst_vma - the registered region holding all of [dst, dst + len), or
 * NULL (Linux's rule: UFFDIO_COPY and ZEROPAGE give -ENOENT then). */
static struct vm_area_struct *find_dst_vma(struct mm *mm, u64 dst, u64 len)
{
	struct vm_area_struct *v = vma_lookup(&mm->vmas, dst);

	if (!v || dst + len > v->vm_end || !v->vm_userfaultfd_ctx)
		return NULL;
	return v;
}

/*
 * shmem_frame - a shared file region: the new page goes into the file
 * (Linux's shmem_mfill_atomic_pte).  The file's frame for page pgoff,
 * filled from frame pa (which is freed), with a reference for the
 * mapping: 0 and *out, -EEXIST (the file has the page), -EFAULT (beyond
 * its end), -ENOMEM.
 */
static int shmem_frame(struct inode *inode, u64 pgoff, phys_addr_t pa,
		       phys_addr_t *out)
{
	phys_addr_t fpa;
	bool major;
	int err;

	if (inode->iops->map_page(inode, pgoff, false, &err, &major))
		return -EEXIST;
	if (err)
		return err; /* -EFAULT: beyond its end */
	fpa = inode->iops->map_page(inode, pgoff, true, &err, &major);
	if (!fpa)
		return err ? err : -ENOMEM;
	copy_page(phys_to_virt(fpa), phys_to_virt(pa));
	frame_free(pa);
	page_get(phys_to_page(fpa));
	*out = fpa;
	return 0;
}

/*
 * mfill_page - fill the page at dst of mm with a new frame: a copy of the
 * caller's page at src, or zeros (src 0).  0, -EEXIST (the page is there
 * already), -ENOENT (dst is not in a registered region), -EFAULT (src
 * unreadable, or beyond the end of a file), -ENOMEM.
 */
static int mfill_page(struct userfaultfd_ctx *ctx, u64 dst, u64 src)
{
	phys_addr_t pa = frame_alloc();
	struct vm_area_struct *v;
	struct mm *mm;
	pte_t *e;
	int err;

	if (!pa)
		return -ENOMEM;
	if (src)
		err = copy_from_user(phys_to_virt(pa), (const void __user *)src, PAGE_SIZE);
	else
		err = (memset(phys_to_virt(pa), 0, PAGE_SIZE), 0);
	if (err)
		goto fail;
	/* The copy may have slept (a fault on src): look again, also at
	 * whether the address space is still there. */
	err = -ESRCH;
	mm = ctx->mm;
	if (!mm)
		goto fail;
	err = -ENOENT;
	v = find_dst_vma(mm, dst, PAGE_SIZE);
	if (!v)
		goto fail;
	err = -ENOMEM;
	e = pt_walk(mm->pgd, dst, true);
	if (!e)
		goto fail;
	err = -EEXIST;
	if (*e)
		goto fail;
	if (v->vm_file && (v->vm_flags & VM_SHARED)) {
		/* A private mapping gets a private page, as anonymous memory. */
		err = shmem_frame(v->vm_file->inode, file_page(v, dst), pa, &pa);
		if (err)
			goto fail;
	}
	err = install_frame(mm, v, dst, e, pa);
	if (err)
		page_put(phys_to_page(pa)); /* the file keeps a shmem page */
	return err;
fail:
	frame_free(pa);
	return err;
}

/*
 * mfill_range - UFFDIO_COPY (src != 0) or UFFDIO_ZEROPAGE of len bytes at
 * dst: the bytes filled, or the error of the first page (Linux's
 * __mcopy_atomic: -ENOENT when the range is not inside one registered
 * region; a SIGKILL stops it).
 */
static s64 mfill_range(struct userfaultfd_ctx *ctx, u64 dst, u64 src, u64 len)
{
	u64 done = 0;
	int err = 0;

	if (!ctx->mm)
		return -ESRCH;
	if (!find_dst_vma(ctx->mm, dst, len))
		return -ENOENT;
	while (done < len && !err) {
		err = mfill_page(ctx, dst + done, src ? src + done : 0);
		if (!err)
			done += PAGE_SIZE;
		if (!err && done < len && fatal_signal_pending(current))
			err = -EINTR;
	}
	return done ? (s64)done : err;
}

/* mfill_answer - store what mfill_range() gave at *res, wake the range
 * unless dontwake: 0, -EAGAIN (only part was filled), or its error. */
static long mfill_answer(struct userfaultfd_ctx *ctx, s64 ret, s64 __user *res,
			 u64 dst, u64 len, bool dontwake)
{
	if (copy_to_user(res, &ret, sizeof(ret)))
		return -EFAULT;
	if (ret < 0)
		return ret;
	if (!dontwake)
		wake_userfault(ctx, dst, (u64)ret);
	return (u64)ret == len ? 0 : -EAGAIN;
}

static long uffdio_copy(struct userfaultfd_ctx *ctx, struct uffdio_copy __user *uarg)
{
	struct uffdio_copy c;
	int err;

	if (copy_from_user(&c, uarg, offsetof(struct uffdio_copy, copy)))
		return -EFAULT;
	err = validate_range(c.dst, c.len);
	if (err)
		return err;
	if (c.src + c.len <= c.src || (c.mode & ~(UFFDIO_COPY_MODE_DONTWAKE | UFFDIO_COPY_MODE_WP)))
		return -EINVAL;
	if (c.mode & UFFDIO_COPY_MODE_WP)
		return -EINVAL; /* no region is registered for write-protect */
	return mfill_answer(ctx, mfill_range(ctx, c.dst, c.src, c.len), &uarg->copy,
			    c.dst, c.len, c.mode & UFFDIO_COPY_MODE_DONTWAKE);
}

static long uffdio_zeropage(struct userfaultfd_ctx *ctx,
			    struct uffdio_zeropage __user *uarg)
{
	struct uffdio_zeropage z;
	int err;

	if (copy_from_user(&z, uarg, offsetof(struct uffdio_zeropage, zeropage)))
		return -EFAULT;
	err = validate_range(z.range.start, z.range.len);
	if (err)
		return err;
	if (z.mode & ~UFFDIO_ZEROPAGE_MODE_DONTWAKE)
		return -EINVAL;
	return mfill_answer(ctx, mfill_range(ctx, z.range.start, 0, z.range.len),
			    &uarg->zeropage, z.range.start, z.range.len,
			    z.mode & UFFDIO_ZEROPAGE_MODE_DONTWAKE);
}

/*
 * continue_page - UFFDIO_CONTINUE of the page at dst of mm: map the page
 * its shared file already has (a minor fault's).  0, -EEXIST (mapped
 * already), -EFAULT (a hole), -ENOENT (not in a registered region),
 * -EINVAL (not a shared ramfs region), -ENOMEM.
 */
static int continue_page(struct mm *mm, u64 dst)
{
	struct vm_area_struct *v = find_dst_vma(mm, dst, PAGE_SIZE);
	phys_addr_t pa;
	pte_t *e;
	int err;

	if (!v)
		return -ENOENT;
	if (!v->vm_file || !(v->vm_flags & VM_SHARED) || !v->vm_file->inode->iops->map_page)
		return -EINVAL;
	pa = file_has_page(v, file_page(v, dst), &err);
	if (!pa)
		return -EFAULT; /* a hole, or beyond the end */
	e = pt_walk(mm->pgd, dst, true);
	if (!e)
		return -ENOMEM;
	if (*e)
		return -EEXIST;
	page_get(phys_to_page(pa));
	err = install_frame(mm, v, dst, e, pa);
	if (err)
		page_put(phys_to_page(pa));
	return err;
}

static long uffdio_continue(struct userfaultfd_ctx *ctx,
			    struct uffdio_continue __user *uarg)
{
	struct uffdio_continue c;
	s64 done = 0;
	int err;

	if (copy_from_user(&c, uarg, offsetof(struct uffdio_continue, mapped)))
		return -EFAULT;
	err = validate_range(c.range.start, c.range.len);
	if (err)
		return err;
	if (c.mode & ~UFFDIO_CONTINUE_MODE_DONTWAKE)
		return -EINVAL;
	if (!ctx->mm)
		return -ESRCH;
	if (!find_dst_vma(ctx->mm, c.range.start, c.range.len))
		err = -ENOENT;
	while (!err && (u64)done < c.range.len) {
		err = continue_page(ctx->mm, c.range.start + (u64)done);
		if (!err)
			done += PAGE_SIZE;
	}
	return mfill_answer(ctx, done ? done : err, &uarg->mapped, c.range.start,
			    c.range.len, c.mode & UFFDIO_CONTINUE_MODE_DONTWAKE);
}

static long userfaultfd_ioctl(struct file *f, unsigned cmd, u64 arg)
{
	struct userfaultfd_ctx *ctx = f->private;
	void __user *p = (void __user *)arg;

	if (cmd == UFFDIO_API)
		return uffdio_api(ctx, p);
	if (!ctx->api_done)
		return -EINVAL;
	switch (cmd) {
	case UFFDIO_REGISTER:
		return uffdio_register(ctx, p);
	case UFFDIO_UNREGISTER:
		return uffdio_unregister(ctx, p);
	case UFFDIO_WAKE:
		return uffdio_wake(ctx, p);
	case UFFDIO_COPY:
		return uffdio_copy(ctx, p);
	case UFFDIO_ZEROPAGE:
		return uffdio_zeropage(ctx, p);
	case UFFDIO_CONTINUE:
		return uffdio_continue(ctx, p);
	}
	return -EINVAL;
}

static const struct file_operations userfaultfd_fops = {
	.read = userfaultfd_read,
	.poll = userfaultfd_poll,
	.ioctl = userfaultfd_ioctl,
	.release = userfaultfd_release,
	.stream = true,
};

/*
 * userfaultfd: a new context for the caller's address space.  EINVAL for
 * unknown flags; EPERM without CAP_SYS_PTRACE and UFFD_USER_MODE_ONLY,
 * unless /proc/sys/vm/unprivileged_userfaultfd is 1
 * (Linux's userfaultfd_syscall_allowed()).
 */
SYSCALL_DEFINE1(userfaultfd, int, flags)
{
	struct userfaultfd_ctx *ctx;
	struct file *f;
	int err;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY))
		return -EINVAL;
	if (!(flags & UFFD_USER_MODE_ONLY) && !capable(CAP_SYS_PTRACE) &&
	    !sysctl_unprivileged_userfaultfd)
		return -EPERM;
	ctx = ctx_alloc(current->mm, (u32)flags);
	if (!ctx)
		return -ENOMEM;
	f = anon_inode_getfile("[userfaultfd]", &userfaultfd_fops, ctx,
			       O_RDWR | (flags & O_NONBLOCK), &err);
	if (!f) {
		ctx_put(ctx);
		return err;
	}
	return fd_install_new(f, flags & O_CLOEXEC);
}
