/*
 * kernel/time.c - clocks and sleeping: clock_gettime, gettimeofday,
 * nanosleep, clock_nanosleep, times.  The monotonic clock starts at boot;
 * the wall clock (CLOCK_REALTIME) is the date read from the RTC at boot
 * plus the time since.
 */
#include <vmos/errno.h>
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include <asm/arch.h>

#define NSEC_PER_SEC 1000000000ull
#define USER_HZ 100

struct k_timespec {
	s64 tv_sec;
	s64 tv_nsec;
};

struct k_timeval {
	s64 tv_sec;
	s64 tv_usec;
};

static struct k_timespec ns_to_timespec(u64 ns)
{
	return (struct k_timespec){ (s64)(ns / NSEC_PER_SEC), (s64)(ns % NSEC_PER_SEC) };
}

static u64 boot_epoch_ns; /* the date at boot, from the RTC */

void time_init(void)
{
	boot_epoch_ns = (arch_rtc_seconds() * NSEC_PER_SEC) - arch_clock_ns();
}

/*
 * real_epoch - the date at boot.  The RTC read at boot gives whole
 * seconds, so the date is up to 1 s behind, and stays so: as Linux's
 * hctosys, the wall clock never steps by itself.  (It once stepped
 * forward at the first RTC second edge to be exact to the millisecond;
 * a program timing intervals with gettimeofday across that moment, such
 * as the selftest timers/rtcpie, saw a 0.2-1 s jump.)  The edges still
 * refine the clock's rate (arch/x86_64/timer.c).
 */
static u64 real_epoch(void)
{
	return boot_epoch_ns;
}

u64 ktime_get_real_ns(void)
{
	return real_epoch() + arch_clock_ns();
}

/* clock_now - nanoseconds on clock id, or -EINVAL. */
static s64 clock_now(int id)
{
	u64 now = arch_clock_ns();

	switch (id) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		return (s64)(real_epoch() + now);
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		return (s64)now;
	case CLOCK_PROCESS_CPUTIME_ID: {
		u64 user, sys;

		process_cputime(current->group_leader, &user, &sys);
		return (s64)(user + sys);
	}
	case CLOCK_THREAD_CPUTIME_ID:
		return (s64)(current->ru.utime_ns + current->ru.stime_ns);
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE2(clock_gettime, int, id, struct k_timespec __user *, tp)
{
	s64 ns = clock_now(id);
	struct k_timespec ts;

	if (ns < 0)
		return ns;
	ts = ns_to_timespec((u64)ns);
	return copy_to_user(tp, &ts, sizeof(ts)) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(clock_getres, int, id, struct k_timespec __user *, tp)
{
	struct k_timespec ts = { 0, 1 };

	if (clock_now(id) < 0)
		return -EINVAL;
	if (tp && copy_to_user(tp, &ts, sizeof(ts)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(gettimeofday, struct k_timeval __user *, tv, void __user *, tz)
{
	u64 ns = (u64)clock_now(CLOCK_REALTIME);
	struct k_timeval v = { (s64)(ns / NSEC_PER_SEC), (s64)(ns % NSEC_PER_SEC / 1000) };

	(void)tz;
	if (tv && copy_to_user(tv, &v, sizeof(v)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE1(time, s64 __user *, t)
{
	s64 now = clock_now(CLOCK_REALTIME) / (s64)NSEC_PER_SEC;

	if (t && copy_to_user(t, &now, sizeof(now)))
		return -EFAULT;
	return now;
}

/* Sleep until absolute clock time `until` (ns since boot); on a signal,
 * write the remaining time to rem (if given) and return -EINTR. */
static long sleep_until(u64 until, struct k_timespec __user *rem)
{
	int r = sched_sleep_until(until);

	if (r == -EINTR && rem) {
		u64 now = arch_clock_ns();
		struct k_timespec left = ns_to_timespec(until > now ? until - now : 0);

		if (copy_to_user(rem, &left, sizeof(left)))
			return -EFAULT;
	}
	return r;
}

static int read_timespec(const struct k_timespec __user *u, u64 *ns)
{
	struct k_timespec ts;

	if (copy_from_user(&ts, u, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (s64)NSEC_PER_SEC)
		return -EINVAL;
	*ns = (u64)ts.tv_sec > (~0ull / NSEC_PER_SEC) - 1
		      ? ~0ull / 2
		      : (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
	return 0;
}

SYSCALL_DEFINE2(nanosleep, const struct k_timespec __user *, req,
		struct k_timespec __user *, rem)
{
	u64 ns;
	int err = read_timespec(req, &ns);

	if (err)
		return err;
	return sleep_until(arch_clock_ns() + ns, rem);
}

/*
 * clock_nanosleep - sleep for req on clock id, or until it reads req
 * (TIMER_ABSTIME).  An absolute time is converted to the monotonic clock
 * with the clock's offset from it (0 for the monotonic clocks, the boot
 * date for CLOCK_REALTIME), both read at one instant; a time already past
 * returns at once.  CPU-time clocks cannot be slept on here (-EINVAL,
 * where Linux would wait for the CPU time; rare).
 */
SYSCALL_DEFINE4(clock_nanosleep, int, id, int, flags,
		const struct k_timespec __user *, req, struct k_timespec __user *, rem)
{
	u64 mono = arch_clock_ns(), ns, offset;
	int err;

	if (clock_now(id) < 0 || id == CLOCK_PROCESS_CPUTIME_ID ||
	    id == CLOCK_THREAD_CPUTIME_ID)
		return -EINVAL;
	err = read_timespec(req, &ns);
	if (err)
		return err;
	if (!(flags & TIMER_ABSTIME))
		return sleep_until(mono + ns, rem);
	offset = (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE) ? real_epoch() : 0;
	return sleep_until(ns > offset ? ns - offset : 0, NULL);
}

struct k_tms {
	s64 utime, stime, cutime, cstime;
};

SYSCALL_DEFINE1(times, struct k_tms __user *, buf)
{
	const u64 tick = NSEC_PER_SEC / USER_HZ;
	struct task *t = current;
	struct k_tms v = { (s64)(t->ru.utime_ns / tick), (s64)(t->ru.stime_ns / tick),
			   (s64)(t->ru_children.utime_ns / tick),
			   (s64)(t->ru_children.stime_ns / tick) };

	if (buf && copy_to_user(buf, &v, sizeof(v)))
		return -EFAULT;
	return (long)(arch_clock_ns() / tick);
}
