/*
 * fs/poll.c - waiting for several files at once: poll, ppoll,
 * select, pselect6.
 *
 * The simplest correct design: one global wait queue, poll_wait, that
 * every pipe and the tty wake (poll_notify) whenever they may have become
 * ready.  poll() checks all its files with interrupts disabled (the tty
 * is filled from an interrupt); if none is ready it sleeps on poll_wait
 * until a notification, a signal, or its deadline, and checks again.  A
 * wake-up that concerns other files costs a spurious re-check, which is
 * cheap for the handful of processes a teaching system runs, and no
 * wake-up can be lost between the check and the sleep.
 */
#include <vmos/errno.h>
#include "fs/internal.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "mm/kmalloc.h"
#include <asm/arch.h>

static struct wait_queue poll_wait;

void poll_notify(void)
{
	wake_up(&poll_wait);
}

/* The scheduler's timer tick wakes a sleeping task whose wake_at_ns has
 * passed, and takes it off the wait queue it sleeps on (sched.c). */
int wait_sleep_deadline(struct wait_queue *wq, u64 deadline)
{
	int r;

	if (deadline && arch_clock_ns() >= deadline)
		return 0;
	current->wake_at_ns = deadline;
	r = wait_sleep(wq);
	current->wake_at_ns = 0;
	return r;
}

/* ---- checking files ---- */

#define POLL_ALWAYS (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)
#define POLL_ALWAYS_REPORTED (POLLERR | POLLHUP | POLLNVAL)
#define POLLIN_SET (POLLIN | POLLRDNORM | POLLHUP | POLLERR) /* select: readable */
#define POLLOUT_SET (POLLOUT | POLLWRNORM | POLLERR)          /* writable */
#define POLLEX_SET POLLPRI                                   /* exceptional */
#define NSEC_PER_MSEC 1000000ull
#define NSEC_PER_USEC 1000ull
#define NSEC_PER_SEC 1000000000ull
#define BITS_PER_WORD 64
#define FDSET_WORDS (NR_OPEN_DEFAULT / BITS_PER_WORD)

struct k_pollfd {
	s32 fd;
	s16 events;
	s16 revents;
};

struct k_timespec_poll {
	s64 tv_sec, tv_nsec;
};

struct k_timeval_poll {
	s64 tv_sec, tv_usec;
};

/* file_poll_mask - what fd is ready for now; POLLNVAL if it is not open.
 * Regular files and devices without a poll operation are always ready. */
static unsigned file_poll_mask(int fd)
{
	struct file *f = fd_get(current->files, fd);
	unsigned mask;

	if (!f)
		return POLLNVAL;
	mask = f->fops->poll ? f->fops->poll(f) : POLL_ALWAYS;
	file_put(f);
	return mask;
}

/* A set of waits: poll's array or select's bitmaps, checked as one. */
struct poll_set {
	struct k_pollfd *pfds; /* poll: nfds entries */
	u64 *in, *out, *ex;    /* select: FDSET_WORDS each (in, out, ex: the
				  asked; results replace them) */
	u64 *res;              /* select: 3 * FDSET_WORDS of results */
	int nfds;
	bool select;           /* bitmaps, not the array */
};

/* check_poll - fill revents; the number of ready descriptors. */
static int check_poll(struct poll_set *s)
{
	int ready = 0;

	for (int i = 0; i < s->nfds; i++) {
		struct k_pollfd *p = &s->pfds[i];
		unsigned mask = p->fd < 0 ? 0 : file_poll_mask(p->fd);

		p->revents = (s16)(mask & ((u16)p->events | POLL_ALWAYS_REPORTED));
		if (p->revents)
			ready++;
	}
	return ready;
}

static bool fd_isset(const u64 *set, int fd)
{
	return set && (set[fd / BITS_PER_WORD] >> (fd % BITS_PER_WORD) & 1);
}

static void fd_setbit(u64 *set, int fd)
{
	set[fd / BITS_PER_WORD] |= 1ull << (fd % BITS_PER_WORD);
}

/* check_select - fill the result bitmaps: the number of bits set, or
 * -EBADF if a descriptor in a set is not open. */
static int check_select(struct poll_set *s)
{
	u64 *rin = s->res, *rout = rin + FDSET_WORDS, *rex = rout + FDSET_WORDS;
	int ready = 0;

	for (int i = 0; i < 3 * FDSET_WORDS; i++)
		s->res[i] = 0;
	for (int fd = 0; fd < s->nfds; fd++) {
		bool in = fd_isset(s->in, fd), out = fd_isset(s->out, fd),
		     ex = fd_isset(s->ex, fd);
		unsigned mask;

		if (!in && !out && !ex)
			continue;
		mask = file_poll_mask(fd);
		if (mask & POLLNVAL)
			return -EBADF;
		if (in && (mask & POLLIN_SET)) {
			fd_setbit(rin, fd);
			ready++;
		}
		if (out && (mask & POLLOUT_SET)) {
			fd_setbit(rout, fd);
			ready++;
		}
		if (ex && (mask & POLLEX_SET)) {
			fd_setbit(rex, fd);
			ready++;
		}
	}
	return ready;
}

/*
 * do_wait - check the set until something is ready, the deadline passes
 * (ns since boot; 0: none) or a signal comes; nonblock: check once.
 * The count of ready ones (0 at the deadline), -EBADF, or -ERESTARTNOHAND
 * when a signal came: restarted if no handler runs, else -EINTR (poll and
 * select are not restarted after a handler, as on Linux).
 */
static int do_wait(struct poll_set *s, u64 deadline, bool nonblock)
{
	u64 flags = arch_irq_save();
	int r;

	for (;;) {
		r = s->select ? check_select(s) : check_poll(s);
		if (r || nonblock || (deadline && arch_clock_ns() >= deadline))
			break;
		if (wait_sleep_deadline(&poll_wait, deadline)) {
			r = -ERESTARTNOHAND;
			break;
		}
	}
	arch_irq_restore(flags);
	return r;
}

/* swap_sigmask - ppoll/pselect6: block *mask while waiting (and give the
 * old mask back in *mask).  The mask is restored before returning, so a
 * signal unblocked only for the wait is handled when the program unblocks
 * it (Linux delivers it first). */
static int swap_sigmask(const ksigset_t __user *umask, size_t size,
			ksigset_t *saved, bool *swapped)
{
	ksigset_t m;

	*swapped = false;
	if (!umask)
		return 0;
	if (size != sizeof(ksigset_t))
		return -EINVAL;
	if (copy_from_user(&m, umask, sizeof(m)))
		return -EFAULT;
	*saved = current->sig.blocked;
	current->sig.blocked = m & ~(sigmask(SIGKILL) | sigmask(SIGSTOP));
	*swapped = true;
	return 0;
}

/* timespec_deadline - a relative timeout as a deadline: 0 (none, for
 * NULL), or *nonblock for a zero timeout; -EINVAL if malformed. */
static int timespec_deadline(const struct k_timespec_poll __user *uts,
			     u64 *deadline, bool *nonblock)
{
	struct k_timespec_poll ts;

	*deadline = 0;
	*nonblock = false;
	if (!uts)
		return 0;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || (u64)ts.tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	if (!ts.tv_sec && !ts.tv_nsec)
		*nonblock = true;
	else
		*deadline = arch_clock_ns() + (u64)ts.tv_sec * NSEC_PER_SEC +
			    (u64)ts.tv_nsec;
	return 0;
}

/* ---- poll, ppoll ---- */

static long do_poll(struct k_pollfd __user *ufds, u32 nfds, u64 deadline,
		    bool nonblock)
{
	struct poll_set s = { .nfds = (int)nfds };
	size_t bytes = nfds * sizeof(struct k_pollfd);
	long r;

	if (nfds > (u32)fd_limit())
		return -EINVAL;
	if (!nfds)
		return nonblock ? 0 : do_wait(&s, deadline, nonblock);
	s.pfds = kmalloc(bytes);
	if (!s.pfds)
		return -ENOMEM;
	r = copy_from_user(s.pfds, ufds, bytes) ? -EFAULT : 0;
	if (!r)
		r = do_wait(&s, deadline, nonblock);
	if (r >= 0 && copy_to_user(ufds, s.pfds, bytes))
		r = -EFAULT;
	kfree(s.pfds);
	return r;
}

SYSCALL_DEFINE3(poll, struct k_pollfd __user *, fds, u32, nfds, int, timeout_ms)
{
	u64 deadline = 0;

	if (timeout_ms > 0)
		deadline = arch_clock_ns() + (u64)timeout_ms * NSEC_PER_MSEC;
	return do_poll(fds, nfds, deadline, timeout_ms == 0);
}

SYSCALL_DEFINE5(ppoll, struct k_pollfd __user *, fds, u32, nfds,
		const struct k_timespec_poll __user *, tsp,
		const ksigset_t __user *, sigmask, size_t, sigsetsize)
{
	ksigset_t saved;
	bool nonblock, swapped;
	u64 deadline;
	long r;

	r = timespec_deadline(tsp, &deadline, &nonblock);
	if (!r)
		r = swap_sigmask(sigmask, sigsetsize, &saved, &swapped);
	if (r)
		return r;
	r = do_poll(fds, nfds, deadline, nonblock);
	if (swapped)
		current->sig.blocked = saved;
	return r;
}

/* ---- select, pselect6 ---- */

/* get_fdset - a user fd_set of nfds bits into set (zeroed beyond). */
static int get_fdset(const u64 __user *uset, int nfds, u64 *set)
{
	size_t bytes = ALIGN_UP((size_t)nfds, (size_t)BITS_PER_WORD) / 8;

	for (int i = 0; i < FDSET_WORDS; i++)
		set[i] = 0;
	return uset && copy_from_user(set, uset, bytes) ? -EFAULT : 0;
}

static int put_fdset(u64 __user *uset, int nfds, const u64 *set)
{
	size_t bytes = ALIGN_UP((size_t)nfds, (size_t)BITS_PER_WORD) / 8;

	return uset && copy_to_user(uset, set, bytes) ? -EFAULT : 0;
}

static long do_select(int nfds, u64 __user *uin, u64 __user *uout,
		      u64 __user *uex, u64 deadline, bool nonblock)
{
	struct poll_set s = { .nfds = nfds, .select = true };
	u64 *sets;
	long r;

	if (nfds < 0 || nfds > fd_limit())
		return -EINVAL;
	sets = kmalloc(6 * FDSET_WORDS * sizeof(u64));
	if (!sets)
		return -ENOMEM;
	s.in = uin ? sets : NULL;
	s.out = uout ? sets + FDSET_WORDS : NULL;
	s.ex = uex ? sets + 2 * FDSET_WORDS : NULL;
	s.res = sets + 3 * FDSET_WORDS;
	r = get_fdset(uin, nfds, sets);
	if (!r)
		r = get_fdset(uout, nfds, sets + FDSET_WORDS);
	if (!r)
		r = get_fdset(uex, nfds, sets + 2 * FDSET_WORDS);
	if (!r)
		r = do_wait(&s, deadline, nonblock);
	if (r >= 0 && (put_fdset(uin, nfds, s.res) ||
		       put_fdset(uout, nfds, s.res + FDSET_WORDS) ||
		       put_fdset(uex, nfds, s.res + 2 * FDSET_WORDS)))
		r = -EFAULT;
	kfree(sets);
	return r;
}

/* select writes back the time left, as Linux does. */
SYSCALL_DEFINE5(select, int, nfds, u64 __user *, in, u64 __user *, out,
		u64 __user *, ex, struct k_timeval_poll __user *, utv)
{
	struct k_timeval_poll tv;
	bool nonblock = false;
	u64 deadline = 0, now;
	long r;

	if (utv) {
		if (copy_from_user(&tv, utv, sizeof(tv)))
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0)
			return -EINVAL;
		nonblock = !tv.tv_sec && !tv.tv_usec;
		deadline = arch_clock_ns() + (u64)tv.tv_sec * NSEC_PER_SEC +
			   (u64)tv.tv_usec * NSEC_PER_USEC;
	}
	r = do_select(nfds, in, out, ex, nonblock ? 0 : deadline, nonblock);
	if (utv && !nonblock) {
		u64 left;

		now = arch_clock_ns();
		left = now < deadline ? deadline - now : 0;
		tv.tv_sec = (s64)(left / NSEC_PER_SEC);
		tv.tv_usec = (s64)(left % NSEC_PER_SEC / NSEC_PER_USEC);
		copy_to_user(utv, &tv, sizeof(tv)); /* ignored if it fails, as Linux */
	}
	return r;
}

/* pselect6's sixth argument: the signal mask and its size. */
struct k_sigset_arg {
	const ksigset_t __user *ss;
	size_t ss_len;
};

SYSCALL_DEFINE6(pselect6, int, nfds, u64 __user *, in, u64 __user *, out,
		u64 __user *, ex, const struct k_timespec_poll __user *, tsp,
		const struct k_sigset_arg __user *, usig)
{
	struct k_sigset_arg sig = { NULL, 0 };
	bool nonblock, swapped;
	ksigset_t saved;
	u64 deadline;
	long r;

	r = timespec_deadline(tsp, &deadline, &nonblock);
	if (!r && usig && copy_from_user(&sig, usig, sizeof(sig)))
		r = -EFAULT;
	if (!r)
		r = swap_sigmask(sig.ss, sig.ss_len, &saved, &swapped);
	if (r)
		return r;
	r = do_select(nfds, in, out, ex, deadline, nonblock);
	if (swapped)
		current->sig.blocked = saved;
	return r;
}
