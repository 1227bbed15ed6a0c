/*
 * kernel/itimer.c - alarm, getitimer/setitimer, RLIMIT_CPU, and what every
 * timer stands on: the list of armed monotonic-clock timers (ktimer) that
 * the tick scans, and the process's CPU time that the tick advances.
 *
 * The three interval timers, with Linux's semantics:
 *   ITIMER_REAL     counts real (monotonic) time, sends SIGALRM; alarm()
 *                   is ITIMER_REAL in whole seconds;
 *   ITIMER_VIRTUAL  counts the process's user CPU time, sends SIGVTALRM;
 *   ITIMER_PROF     counts its user + system CPU time, sends SIGPROF.
 * Each fires when its value runs out and is re-armed with its interval
 * (0: once).  A CPU-time timer is armed a tick late, as Linux arms it
 * (its value plus TICK_NSEC), so a value read back right after setting
 * can exceed the one set by up to a tick.  The timers belong to the
 * process: fork's child starts with none (alarm is cleared), execve keeps
 * them, exit deletes them.
 *
 * RLIMIT_CPU: at the soft limit (seconds of user + system time) SIGXCPU,
 * and again each second after, the soft limit moving up a second each time
 * as Linux's does; at the hard limit SIGKILL.
 */
#include "kernel/itimer.h"
#include <vmos/errno.h>
#include "kernel/rlimit.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "mm/kmalloc.h"
#include <asm/arch.h>

#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2
#define NSEC_PER_SEC 1000000000ull
#define NSEC_PER_USEC 1000ull
#define TICK_NSEC (NSEC_PER_SEC / TIMER_HZ)
#define TIMER_NS_MAX (1ull << 62) /* longer values are "never" (292 years) */

static struct ktimer *armed; /* every armed ktimer, in no order */

/* ---- ktimers ---- */

static void ktimer_unlink(struct ktimer *kt)
{
	for (struct ktimer **pp = &armed; *pp; pp = &(*pp)->next) {
		if (*pp == kt) {
			*pp = kt->next;
			break;
		}
	}
	kt->next = NULL;
	kt->expires_ns = 0;
}

void ktimer_arm(struct ktimer *kt, u64 expires_ns, u64 interval_ns)
{
	u64 flags = arch_irq_save();

	if (kt->expires_ns)
		ktimer_unlink(kt);
	kt->interval_ns = interval_ns;
	if (expires_ns) {
		kt->expires_ns = expires_ns;
		kt->next = armed;
		armed = kt;
	}
	arch_irq_restore(flags);
}

u64 ktimer_remaining(const struct ktimer *kt)
{
	u64 now = arch_clock_ns();

	if (!kt->expires_ns)
		return 0;
	return kt->expires_ns > now ? kt->expires_ns - now : 1; /* due: 1 ns */
}

/* ktimer_run - fire every armed ktimer that is due at now (the tick). */
static void ktimer_run(u64 now)
{
	struct ktimer **pp = &armed, *kt;
	u64 n;

	while ((kt = *pp)) {
		if (kt->expires_ns > now) {
			pp = &kt->next;
			continue;
		}
		n = 1;
		if (kt->interval_ns) { /* the periods that ended: skip them */
			n += (now - kt->expires_ns) / kt->interval_ns;
			kt->expires_ns += n * kt->interval_ns;
			pp = &kt->next;
		} else {
			*pp = kt->next;
			kt->next = NULL;
			kt->expires_ns = 0;
		}
		kt->fire(kt, n);
	}
}

void ktimer_catch_up(struct ktimer *kt)
{
	u64 flags = arch_irq_save(), now = arch_clock_ns(), n;

	/* A periodic timer only: a one-shot one that is due fires at the
	 * next tick, as before. */
	if (kt->expires_ns && kt->interval_ns && kt->expires_ns <= now) {
		n = 1 + (now - kt->expires_ns) / kt->interval_ns;
		kt->expires_ns += n * kt->interval_ns;
		kt->fire(kt, n);
	}
	arch_irq_restore(flags);
}

/* ---- the process's timers ---- */

/* The live process with this tgid (its leader), or NULL. */
static struct task *find_process(int tgid)
{
	struct task *t = task_find(tgid);

	return t && t->group_leader == t && process_alive(t) ? t : NULL;
}

static void real_timer_fire(struct ktimer *kt, u64 expirations)
{
	struct process_timers *pt = container_of(kt, struct process_timers, real);
	struct task *leader = find_process(pt->tgid);

	if (leader)
		send_group_signal(leader, SIGALRM, NULL);
}

struct process_timers *process_timers(struct task *leader)
{
	struct process_timers *pt = leader->timers;

	if (pt)
		return pt;
	pt = kzalloc(sizeof(*pt));
	if (!pt)
		return NULL;
	pt->tgid = leader->tgid;
	pt->real.fire = real_timer_fire;
	leader->timers = pt;
	return pt;
}

void process_cputime(const struct task *leader, u64 *user, u64 *sys)
{
	*user = leader->ru.utime_ns; /* exited threads were added here */
	*sys = leader->ru.stime_ns;
	for_each_thread(leader, t) {
		if (t != leader && t->state != TASK_ZOMBIE) {
			*user += t->ru.utime_ns;
			*sys += t->ru.stime_ns;
		}
	}
}

void timers_exec(struct task *leader)
{
	if (leader->timers)
		posix_timers_delete_all(leader->timers);
}

void timers_exit(struct task *leader)
{
	struct process_timers *pt = leader->timers;

	if (!pt)
		return;
	ktimer_arm(&pt->real, 0, 0);
	posix_timers_delete_all(pt);
	leader->timers = NULL;
	kfree(pt);
}

void timers_take_over(struct task *t, struct task *old)
{
	t->timers = old->timers;
	old->timers = NULL;
}

/* ---- CPU time: the tick ---- */

/* Fire ct (on a clock that reads now) with sig if it is due; an interval
 * moves it on by one period, as Linux's check_cpu_itimer does. */
static void cpu_itimer_check(struct cpu_timer *ct, u64 now, struct task *leader,
			     int sig)
{
	if (!ct->expires_ns || now < ct->expires_ns)
		return;
	ct->expires_ns = ct->interval_ns ? ct->expires_ns + ct->interval_ns : 0;
	send_group_signal(leader, sig, NULL);
}

/* rlimit_cpu_check - SIGKILL at the hard limit; SIGXCPU at the soft one,
 * which then moves up a second (up to the hard one) for the next. */
static void rlimit_cpu_check(struct task *leader, u64 cputime)
{
	u64 *lim = leader->rlimits[RLIMIT_CPU];
	u64 secs = cputime / NSEC_PER_SEC;

	if (lim[1] != RLIM_INFINITY && secs >= lim[1]) {
		send_group_signal(leader, SIGKILL, NULL);
		return;
	}
	if (lim[0] != RLIM_INFINITY && secs >= lim[0]) {
		if (lim[0] < lim[1])
			lim[0]++;
		send_group_signal(leader, SIGXCPU, NULL);
	}
}

/* The CPU timers and RLIMIT_CPU of t's process. */
static void cpu_timers_check(struct task *t)
{
	struct task *leader = t->group_leader;
	struct process_timers *pt;
	u64 user, sys;

	if (t->pid && t->mm && process_alive(leader)) {
		pt = leader->timers;
		if (pt || leader->rlimits[RLIMIT_CPU][0] != RLIM_INFINITY) {
			process_cputime(leader, &user, &sys);
			if (pt) {
				cpu_itimer_check(&pt->virt, user, leader, SIGVTALRM);
				cpu_itimer_check(&pt->prof, user + sys, leader, SIGPROF);
				posix_cpu_timers_check(pt, user + sys);
			}
			rlimit_cpu_check(leader, user + sys);
		}
	}
}

void timers_tick(struct task *const running[], unsigned n, u64 now)
{
	for (unsigned i = 0; i < n; i++)
		cpu_timers_check(running[i]);
	ktimer_run(now);
}

/* ---- getitimer, setitimer, alarm ---- */

struct k_timeval {
	s64 tv_sec, tv_usec;
};

struct k_itimerval {
	struct k_timeval it_interval, it_value;
};

/* An itimer's value and interval (ns) as the process sees them now. */
struct itimer_ns {
	u64 value, interval;
};

static u64 timeval_to_ns(const struct k_timeval *tv)
{
	if ((u64)tv->tv_sec >= TIMER_NS_MAX / NSEC_PER_SEC)
		return TIMER_NS_MAX;
	return (u64)tv->tv_sec * NSEC_PER_SEC + (u64)tv->tv_usec * NSEC_PER_USEC;
}

static struct k_timeval ns_to_timeval(u64 ns)
{
	return (struct k_timeval){ (s64)(ns / NSEC_PER_SEC),
				   (s64)(ns % NSEC_PER_SEC / NSEC_PER_USEC) };
}

static bool timeval_valid(const struct k_timeval *tv)
{
	return tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < 1000000;
}

/* The CPU time an ITIMER_VIRTUAL (user) or ITIMER_PROF timer counts. */
static u64 itimer_cpu_now(struct task *leader, int which)
{
	u64 user, sys;

	process_cputime(leader, &user, &sys);
	return which == ITIMER_VIRTUAL ? user : user + sys;
}

/* What is left of ct at CPU time now: a due timer shows a tick (Linux). */
static u64 cpu_timer_left(const struct cpu_timer *ct, u64 now)
{
	if (!ct->expires_ns)
		return 0;
	return ct->expires_ns > now ? ct->expires_ns - now : TICK_NSEC;
}

/* do_getitimer - timer `which` of leader's process (interrupts off). */
static struct itimer_ns do_getitimer(struct task *leader, int which)
{
	struct process_timers *pt = leader->timers;
	struct cpu_timer *ct;

	if (!pt)
		return (struct itimer_ns){ 0, 0 };
	if (which == ITIMER_REAL) {
		u64 left = ktimer_remaining(&pt->real);

		/* a due timer reads 1 us, as on Linux */
		return (struct itimer_ns){ left && left < NSEC_PER_USEC ? NSEC_PER_USEC : left,
					   pt->real.interval_ns };
	}
	ct = which == ITIMER_VIRTUAL ? &pt->virt : &pt->prof;
	return (struct itimer_ns){ cpu_timer_left(ct, itimer_cpu_now(leader, which)),
				   ct->interval_ns };
}

/* do_setitimer - arm timer `which` (value 0: disarm); *old gets what it
 * was.  0 or -ENOMEM. */
static int do_setitimer(int which, struct itimer_ns set, struct itimer_ns *old)
{
	struct task *leader = current->group_leader;
	struct process_timers *pt = process_timers(leader);
	u64 flags, now;
	struct cpu_timer *ct;

	if (!pt)
		return -ENOMEM;
	flags = arch_irq_save();
	*old = do_getitimer(leader, which);
	if (which == ITIMER_REAL) {
		now = arch_clock_ns();
		ktimer_arm(&pt->real, set.value ? now + set.value : 0,
			   set.value ? set.interval : 0);
	} else {
		ct = which == ITIMER_VIRTUAL ? &pt->virt : &pt->prof;
		now = itimer_cpu_now(leader, which);
		ct->expires_ns = set.value ? now + set.value + TICK_NSEC : 0;
		ct->interval_ns = set.interval;
	}
	arch_irq_restore(flags);
	return 0;
}

static int itimer_which_valid(int which)
{
	return which == ITIMER_REAL || which == ITIMER_VIRTUAL || which == ITIMER_PROF;
}

static int put_itimerval(struct k_itimerval __user *u, struct itimer_ns v)
{
	struct k_itimerval k = { ns_to_timeval(v.interval), ns_to_timeval(v.value) };

	return copy_to_user(u, &k, sizeof(k)) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(getitimer, int, which, struct k_itimerval __user *, value)
{
	struct itimer_ns v;
	u64 flags;

	if (!itimer_which_valid(which))
		return -EINVAL;
	flags = arch_irq_save();
	v = do_getitimer(current->group_leader, which);
	arch_irq_restore(flags);
	return put_itimerval(value, v);
}

/* setitimer - a NULL value disarms, as on Linux (which warns about it). */
SYSCALL_DEFINE3(setitimer, int, which, const struct k_itimerval __user *, value,
		struct k_itimerval __user *, ovalue)
{
	struct k_itimerval k = { { 0, 0 }, { 0, 0 } };
	struct itimer_ns set, old;
	int err;

	if (value && copy_from_user(&k, value, sizeof(k)))
		return -EFAULT;
	if (!timeval_valid(&k.it_value) || !timeval_valid(&k.it_interval))
		return -EINVAL;
	if (!itimer_which_valid(which))
		return -EINVAL;
	set = (struct itimer_ns){ timeval_to_ns(&k.it_value),
				  timeval_to_ns(&k.it_interval) };
	err = do_setitimer(which, set, &old);
	if (err || !ovalue)
		return err;
	return put_itimerval(ovalue, old);
}

/* alarm - ITIMER_REAL in seconds, once; returns the seconds that were left
 * of the previous alarm, rounded to nearest, and never 0 if one was set. */
SYSCALL_DEFINE1(alarm, unsigned, seconds)
{
	struct itimer_ns old;
	u64 secs, frac;
	int err = do_setitimer(ITIMER_REAL,
			       (struct itimer_ns){ (u64)seconds * NSEC_PER_SEC, 0 }, &old);

	if (err)
		return err;
	secs = old.value / NSEC_PER_SEC;
	frac = old.value % NSEC_PER_SEC;
	if ((!secs && frac) || frac >= NSEC_PER_SEC / 2)
		secs++;
	return (long)secs;
}
