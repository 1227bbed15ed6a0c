/*
 * kernel/sigwait.c - rt_sigtimedwait (sigwaitinfo, sigtimedwait, sigwait):
 * take a pending signal of a set synchronously instead of running its
 * handler.  musl's SIGEV_THREAD timers need it: their helper thread waits
 * for the timer's signal this way (kernel/posix_timers.c).
 */
#include <vmos/errno.h>
#include "kernel/syscall.h"
#include "kernel/task.h"
#include <vmos/string.h>
#include <asm/arch.h>

#define NSEC_PER_SEC 1000000000ull

struct k_timespec {
	s64 tv_sec, tv_nsec;
};

/* The lowest-numbered signal of set pending for t, or 0. */
static int first_pending(const struct task *t, ksigset_t set)
{
	ksigset_t ready = t->sig.pending & set;

	return ready ? __builtin_ctzll(ready) + 1 : 0;
}

/*
 * rt_sigtimedwait - wait until a signal of *uset is pending for this
 * thread, take it off the pending set and return its number (its siginfo
 * to uinfo if given).  The signals of the set are unblocked while waiting
 * (as Linux does), so sending one wakes the thread.  -EAGAIN when the
 * timeout (NULL: none; 0: just look) passes, -EINTR when another signal,
 * one the thread does not block, comes first.
 */
SYSCALL_DEFINE4(rt_sigtimedwait, const ksigset_t __user *, uset,
		struct k_siginfo __user *, uinfo, const struct k_timespec __user *, uts,
		size_t, sigsetsize)
{
	struct task *t = current;
	struct k_siginfo info;
	struct k_timespec ts;
	ksigset_t set, saved;
	u64 deadline = 0, flags;
	int sig = 0, r = 0;

	if (sigsetsize != sizeof(ksigset_t))
		return -EINVAL;
	if (copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	set &= ~(sigmask(SIGKILL) | sigmask(SIGSTOP));
	if (uts) {
		if (copy_from_user(&ts, uts, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (s64)NSEC_PER_SEC)
			return -EINVAL;
		deadline = arch_clock_ns() + ((u64)ts.tv_sec >= (1ull << 62) / NSEC_PER_SEC
					      ? 1ull << 62
					      : (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec);
	}
	flags = arch_irq_save();
	saved = t->sig.blocked;
	t->sig.blocked &= ~set;
	while (!(sig = first_pending(t, set))) {
		if (signal_pending(t)) {
			r = -EINTR;
			break;
		}
		if (uts && arch_clock_ns() >= deadline) {
			r = -EAGAIN;
			break;
		}
		t->state = TASK_SLEEPING;
		t->wake_at_ns = deadline;
		schedule();
		t->wake_at_ns = 0;
	}
	t->sig.blocked = saved;
	if (sig) {
		if (t->sig.info[sig - 1].si_code == SI_TIMER)
			posix_timer_catch_up(&t->sig.info[sig - 1]);
		info = t->sig.info[sig - 1];
		t->sig.pending &= ~sigmask(sig);
	}
	arch_irq_restore(flags);
	if (!sig)
		return r;
	if (uinfo && copy_to_user(uinfo, &info, sizeof(info)))
		return -EFAULT;
	return sig;
}
