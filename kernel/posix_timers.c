/*
 * kernel/posix_timers.c - POSIX per-process timers: timer_create,
 * timer_settime, timer_gettime, timer_getoverrun, timer_delete.
 *
 * A timer runs on CLOCK_REALTIME, CLOCK_MONOTONIC or CLOCK_BOOTTIME (a
 * ktimer on the monotonic clock; an absolute CLOCK_REALTIME time is
 * converted when armed, the date never being set here), or on
 * CLOCK_PROCESS_CPUTIME_ID / CLOCK_THREAD_CPUTIME_ID (a cpu_timer the tick
 * checks).  When it expires it notifies as its sigevent says:
 *   SIGEV_SIGNAL     a signal to the process (si_code SI_TIMER, with the
 *                    timer's ID, overrun count and sigev_value);
 *   SIGEV_THREAD_ID  the same signal to one thread of the process (musl's
 *                    SIGEV_THREAD: its helper thread waits for it with
 *                    sigwaitinfo and calls the function);
 *   SIGEV_NONE       nothing: the program polls timer_gettime.
 * A signal is queued once per timer: while it is still pending, further
 * expirations only count as overruns, which the pending siginfo's
 * si_overrun shows when it is delivered and timer_getoverrun afterwards.
 * The timers belong to the process: not inherited by fork, deleted by
 * execve and exit.
 */
#include <vmos/errno.h>
#include "kernel/itimer.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include <vmos/string.h>
#include "mm/kmalloc.h"
#include <limits.h>
#include <asm/arch.h>


#define SIGEV_SIGNAL 0
#define SIGEV_NONE 1
#define SIGEV_THREAD 2
#define SIGEV_THREAD_ID 4

#define NSEC_PER_SEC 1000000000ull
#define TIMER_NS_MAX (1ull << 62)
#define POSIX_TIMERS_MAX 1024 /* per process */

struct k_timespec {
	s64 tv_sec, tv_nsec;
};

struct k_itimerspec {
	struct k_timespec it_interval, it_value;
};

/* struct sigevent as the x86-64 kernel reads it (64 bytes). */
struct k_sigevent {
	u64 sigev_value;
	s32 sigev_signo;
	s32 sigev_notify;
	s32 sigev_tid; /* SIGEV_THREAD_ID */
	s32 pad[11];
};

/* The timer fields of siginfo (Linux's _timer), in k_siginfo's union. */
struct timer_siginfo {
	s32 tid;      /* the timer's ID */
	s32 overrun;
	u64 sigval;
	s32 sys_private;
};

struct k_itimer {
	int id;
	int clock;
	int notify, signo, tid; /* tid: SIGEV_THREAD_ID's thread */
	u64 sigval;
	int cpu_tid;            /* CLOCK_THREAD_CPUTIME_ID: whose time */
	struct ktimer kt;       /* on a wall clock */
	struct cpu_timer ct;    /* on a CPU clock */
	u64 overrun;            /* expirations since its signal was queued */
	u64 overrun_last;       /* ...those of the signal delivered before */
	int tgid;
	struct k_itimer *next;  /* the process's list */
};

static bool is_cpu_clock(int clock)
{
	return clock == CLOCK_PROCESS_CPUTIME_ID || clock == CLOCK_THREAD_CPUTIME_ID;
}

/* ---- firing ---- */

/* The siginfo of tm's signal while it is still pending, or NULL. */
static struct k_siginfo *queued_info(const struct k_itimer *tm)
{
	struct task *leader = task_find(tm->tgid);
	struct timer_siginfo f;

	if (!leader || leader->group_leader != leader)
		return NULL;
	for_each_thread(leader, t) {
		struct k_siginfo *si = &t->sig.info[tm->signo - 1];

		if (!(t->sig.pending & sigmask(tm->signo)) || si->si_code != SI_TIMER)
			continue;
		memcpy(&f, si->f.raw, sizeof(f));
		if (f.tid == tm->id)
			return si;
	}
	return NULL;
}

static s32 overrun_int(u64 overrun)
{
	return overrun > INT_MAX ? INT_MAX : (s32)overrun; /* DELAYTIMER_MAX */
}

/* The task to signal: the process, or SIGEV_THREAD_ID's thread if it is
 * still one of the process's; NULL if gone. */
static struct task *timer_target(const struct k_itimer *tm)
{
	struct task *t;

	if (tm->notify & SIGEV_THREAD_ID) {
		t = task_find(tm->tid);
		return t && t->tgid == tm->tgid && t->state != TASK_ZOMBIE ? t : NULL;
	}
	t = task_find(tm->tgid);
	return t && t->group_leader == t && process_alive(t) ? t : NULL;
}

/* timer_fire - tm expired `expirations` times (interrupts off). */
static void timer_fire(struct k_itimer *tm, u64 expirations)
{
	struct k_siginfo info = { .si_signo = tm->signo, .si_code = SI_TIMER };
	struct timer_siginfo f = { .tid = tm->id, .sigval = tm->sigval };
	struct k_siginfo *pending;
	struct task *target;

	if (tm->notify == SIGEV_NONE)
		return;
	pending = queued_info(tm);
	if (pending) { /* not delivered yet: count, and show it there */
		tm->overrun += expirations;
		memcpy(&f, pending->f.raw, sizeof(f));
		f.overrun = overrun_int(tm->overrun);
		memcpy(pending->f.raw, &f, sizeof(f));
		return;
	}
	target = timer_target(tm);
	if (!target)
		return;
	tm->overrun_last = tm->overrun;
	tm->overrun = expirations - 1;
	f.overrun = overrun_int(tm->overrun);
	memcpy(info.f.raw, &f, sizeof(f));
	if (tm->notify & SIGEV_THREAD_ID)
		send_signal(target, tm->signo, &info);
	else
		send_group_signal(target, tm->signo, &info);
}

static void wall_timer_fire(struct ktimer *kt, u64 expirations)
{
	timer_fire(container_of(kt, struct k_itimer, kt), expirations);
}

/* The CPU time tm's clock reads: the process's, or its thread's. */
static u64 timer_cpu_now(const struct k_itimer *tm, u64 process_cputime)
{
	struct task *t;

	if (tm->clock == CLOCK_PROCESS_CPUTIME_ID)
		return process_cputime;
	t = task_find(tm->cpu_tid);
	return t && t->tgid == tm->tgid ? t->ru.utime_ns + t->ru.stime_ns : 0;
}

void posix_cpu_timers_check(struct process_timers *pt, u64 cputime)
{
	for (struct k_itimer *tm = pt->posix; tm; tm = tm->next) {
		struct cpu_timer *ct = &tm->ct;
		u64 now, n = 1;

		if (!is_cpu_clock(tm->clock) || !ct->expires_ns)
			continue;
		now = timer_cpu_now(tm, cputime);
		if (now < ct->expires_ns)
			continue;
		if (ct->interval_ns) {
			n += (now - ct->expires_ns) / ct->interval_ns;
			ct->expires_ns += n * ct->interval_ns;
		} else {
			ct->expires_ns = 0;
		}
		timer_fire(tm, n);
	}
}

/* ---- the system calls ---- */

/* timer_clock_valid - 0, or why timer_create refuses clock. */
static int timer_clock_valid(int clock)
{
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		return 0;
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_REALTIME_ALARM: /* no RTC alarm to wake a sleeping system */
	case CLOCK_BOOTTIME_ALARM:
		return -EOPNOTSUPP;
	default:
		return -EINVAL;
	}
}

/* sigevent_valid - Linux's good_sigevent: 0 or -EINVAL. */
static int sigevent_valid(const struct k_sigevent *ev)
{
	struct task *t;

	switch (ev->sigev_notify) {
	case SIGEV_SIGNAL | SIGEV_THREAD_ID:
		t = task_find(ev->sigev_tid);
		if (!t || t->tgid != current->tgid || t->state == TASK_ZOMBIE)
			return -EINVAL;
		/* fall through */
	case SIGEV_SIGNAL:
	case SIGEV_THREAD:
		return ev->sigev_signo >= 1 && ev->sigev_signo <= NSIG ? 0 : -EINVAL;
	case SIGEV_NONE:
		return 0;
	default:
		return -EINVAL;
	}
}

static struct k_itimer *find_timer(struct process_timers *pt, int id)
{
	for (struct k_itimer *tm = pt ? pt->posix : NULL; tm; tm = tm->next)
		if (tm->id == id)
			return tm;
	return NULL;
}

/* A free timer ID: counting up from 0 as Linux does, wrapping at INT_MAX. */
static int next_timer_id(struct process_timers *pt)
{
	int id;

	do {
		id = pt->next_posix_id;
		pt->next_posix_id = id == INT_MAX ? 0 : id + 1;
	} while (find_timer(pt, id));
	return id;
}

/* Unlink tm from pt's list and free it (interrupts off). */
static void timer_free(struct process_timers *pt, struct k_itimer *tm)
{
	for (struct k_itimer **pp = &pt->posix; *pp; pp = &(*pp)->next) {
		if (*pp == tm) {
			*pp = tm->next;
			break;
		}
	}
	ktimer_arm(&tm->kt, 0, 0);
	pt->nr_posix--;
	kfree(tm);
}

void posix_timers_delete_all(struct process_timers *pt)
{
	u64 flags = arch_irq_save();

	while (pt->posix)
		timer_free(pt, pt->posix);
	arch_irq_restore(flags);
}

SYSCALL_DEFINE3(timer_create, int, clock, struct k_sigevent __user *, uev,
		int __user *, created)
{
	struct task *leader = current->group_leader;
	struct k_sigevent ev = { .sigev_signo = SIGALRM, .sigev_notify = SIGEV_SIGNAL };
	struct process_timers *pt;
	struct k_itimer *tm;
	int err = timer_clock_valid(clock);
	u64 flags;

	if (err)
		return err;
	if (uev && copy_from_user(&ev, uev, sizeof(ev)))
		return -EFAULT;
	err = sigevent_valid(&ev);
	if (err)
		return err;
	pt = process_timers(leader);
	tm = pt ? kzalloc(sizeof(*tm)) : NULL;
	if (!tm)
		return -EAGAIN; /* Linux's answer when out of memory */
	flags = arch_irq_save();
	if (pt->nr_posix >= POSIX_TIMERS_MAX) {
		arch_irq_restore(flags);
		kfree(tm);
		return -EAGAIN;
	}
	*tm = (struct k_itimer){ .id = next_timer_id(pt), .clock = clock,
				 .notify = ev.sigev_notify, .signo = ev.sigev_signo,
				 .tid = ev.sigev_tid, .sigval = ev.sigev_value,
				 .cpu_tid = current->pid, .tgid = leader->tgid,
				 .kt.fire = wall_timer_fire, .next = pt->posix };
	if (!uev) /* the default: SIGALRM carrying the timer's ID */
		tm->sigval = (u64)tm->id;
	pt->posix = tm;
	pt->nr_posix++;
	arch_irq_restore(flags);
	if (copy_to_user(created, &tm->id, sizeof(tm->id))) {
		flags = arch_irq_save();
		timer_free(pt, tm);
		arch_irq_restore(flags);
		return -EFAULT;
	}
	return 0;
}

static u64 timespec_ns(const struct k_timespec *ts)
{
	if ((u64)ts->tv_sec >= TIMER_NS_MAX / NSEC_PER_SEC)
		return TIMER_NS_MAX;
	return (u64)ts->tv_sec * NSEC_PER_SEC + (u64)ts->tv_nsec;
}

static struct k_timespec ns_timespec(u64 ns)
{
	return (struct k_timespec){ (s64)(ns / NSEC_PER_SEC), (s64)(ns % NSEC_PER_SEC) };
}

static bool timespec_valid(const struct k_timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < (s64)NSEC_PER_SEC;
}

/* The process's CPU time now (user + system). */
static u64 cpu_now(const struct k_itimer *tm)
{
	u64 user, sys;

	process_cputime(current->group_leader, &user, &sys);
	return timer_cpu_now(tm, user + sys);
}

/* timer_get - what is left of tm and its interval (interrupts off). */
static struct k_itimerspec timer_get(const struct k_itimer *tm)
{
	u64 left, now;

	if (is_cpu_clock(tm->clock)) {
		now = cpu_now(tm);
		left = !tm->ct.expires_ns ? 0 :
		       tm->ct.expires_ns > now ? tm->ct.expires_ns - now : 1;
		return (struct k_itimerspec){ ns_timespec(tm->ct.interval_ns),
					      ns_timespec(left) };
	}
	return (struct k_itimerspec){ ns_timespec(tm->kt.interval_ns),
				      ns_timespec(ktimer_remaining(&tm->kt)) };
}

/* timer_set - arm tm: value 0 disarms; an absolute time already past
 * fires at the next tick (interrupts off). */
static void timer_set(struct k_itimer *tm, int flags, u64 value, u64 interval)
{
	u64 now, at;

	tm->overrun = tm->overrun_last = 0;
	if (is_cpu_clock(tm->clock)) {
		now = cpu_now(tm);
		at = (flags & TIMER_ABSTIME) ? value : now + value;
		tm->ct.expires_ns = value ? (at ? at : 1) : 0;
		tm->ct.interval_ns = interval;
		return;
	}
	now = arch_clock_ns();
	if (flags & TIMER_ABSTIME) {
		u64 offset = tm->clock == CLOCK_REALTIME ? ktime_get_real_ns() - now : 0;

		at = value > offset ? value - offset : 1;
	} else {
		at = now + value;
	}
	ktimer_arm(&tm->kt, value ? (at ? at : 1) : 0, interval);
}

SYSCALL_DEFINE4(timer_settime, int, id, int, flags,
		const struct k_itimerspec __user *, unew, struct k_itimerspec __user *, uold)
{
	struct k_itimerspec set, old;
	struct k_itimer *tm;
	u64 irq;

	if (!unew)
		return -EINVAL;
	if (copy_from_user(&set, unew, sizeof(set)))
		return -EFAULT;
	if (!timespec_valid(&set.it_value) || !timespec_valid(&set.it_interval))
		return -EINVAL;
	irq = arch_irq_save();
	tm = find_timer(current->group_leader->timers, id);
	if (!tm) {
		arch_irq_restore(irq);
		return -EINVAL;
	}
	old = timer_get(tm);
	timer_set(tm, flags, timespec_ns(&set.it_value), timespec_ns(&set.it_interval));
	arch_irq_restore(irq);
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(timer_gettime, int, id, struct k_itimerspec __user *, ucur)
{
	struct k_itimerspec cur;
	struct k_itimer *tm;
	u64 irq = arch_irq_save();

	tm = find_timer(current->group_leader->timers, id);
	if (tm)
		cur = timer_get(tm);
	arch_irq_restore(irq);
	if (!tm)
		return -EINVAL;
	return copy_to_user(ucur, &cur, sizeof(cur)) ? -EFAULT : 0;
}

void posix_timer_catch_up(const struct k_siginfo *info)
{
	struct timer_siginfo f;
	struct k_itimer *tm;

	memcpy(&f, info->f.raw, sizeof(f));
	tm = find_timer(current->group_leader->timers, f.tid);
	if (tm && !is_cpu_clock(tm->clock))
		ktimer_catch_up(&tm->kt);
}

/* timer_getoverrun - the overruns of the signal last delivered: while a
 * newer one is pending, those counted before it was queued. */
SYSCALL_DEFINE1(timer_getoverrun, int, id)
{
	struct k_itimer *tm;
	long r = -EINVAL;
	u64 irq = arch_irq_save();

	tm = find_timer(current->group_leader->timers, id);
	if (tm)
		r = overrun_int(queued_info(tm) ? tm->overrun_last : tm->overrun);
	arch_irq_restore(irq);
	return r;
}

SYSCALL_DEFINE1(timer_delete, int, id)
{
	struct process_timers *pt = current->group_leader->timers;
	struct k_itimer *tm;
	u64 irq = arch_irq_save();

	tm = find_timer(pt, id);
	if (tm)
		timer_free(pt, tm);
	arch_irq_restore(irq);
	return tm ? 0 : -EINVAL;
}
