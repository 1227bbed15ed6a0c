/*
 * kernel/itimer.h - a process's timers: alarm and the interval timers
 * (kernel/itimer.c), POSIX timers (kernel/posix_timers.c), and the CPU-time
 * limit RLIMIT_CPU.  docs/time.md tells how they work.
 *
 * Two kinds of timer underneath:
 *   - a ktimer runs on the monotonic clock: armed ones sit on one list
 *     that the timer tick scans (ktimer_run), so each fires within a tick
 *     of its time;
 *   - a cpu_timer runs on the process's CPU time, which the tick advances:
 *     timers_tick checks them for the process it interrupted.
 */
#ifndef KERNEL_ITIMER_H
#define KERNEL_ITIMER_H

#include <vmos/types.h>

struct task;
struct k_itimer;

/* A timer on the monotonic clock (arch_clock_ns). */
struct ktimer {
	u64 expires_ns;       /* when it fires next; 0: not armed */
	u64 interval_ns;      /* the period after that; 0: fires once */
	struct ktimer *next;  /* the list of armed ktimers */
	/* fire - called from the tick (interrupts off) when the timer is
	 * due, with the periods that ended since (>= 1; more than one when
	 * ticks were missed); the timer is already re-armed or disarmed. */
	void (*fire)(struct ktimer *kt, u64 expirations);
};

/* A timer on the process's CPU time (user, or user + system). */
struct cpu_timer {
	u64 expires_ns;       /* the CPU time it fires at; 0: not armed */
	u64 interval_ns;
};

/* A process's timers, kept by its group leader (allocated when the
 * process first arms one; fork does not copy them, exec keeps the
 * interval timers and deletes the POSIX ones, exit deletes them all). */
struct process_timers {
	int tgid;                    /* the process (stays over exec) */
	struct ktimer real;          /* ITIMER_REAL: SIGALRM */
	struct cpu_timer virt;       /* ITIMER_VIRTUAL: SIGVTALRM, user time */
	struct cpu_timer prof;       /* ITIMER_PROF: SIGPROF, user + system */
	struct k_itimer *posix;      /* timer_create's timers */
	int nr_posix;
	int next_posix_id;
};

/* ktimer_arm - (re)arm kt to fire at expires_ns, then every interval_ns
 * (0: once); expires_ns 0 disarms it. */
void ktimer_arm(struct ktimer *kt, u64 expires_ns, u64 interval_ns);
/* ktimer_catch_up - a periodic kt whose periods ended since the last tick
 * fires for them now (signal delivery asks, so that si_overrun counts up
 * to the moment the signal is taken, as Linux's posixtimer_rearm()). */
void ktimer_catch_up(struct ktimer *kt);
/* ktimer_remaining - nanoseconds until kt fires; 0 if it is not armed. */
u64 ktimer_remaining(const struct ktimer *kt);

/* process_timers - the timers of leader's process, allocated on first
 * use; NULL when out of memory. */
struct process_timers *process_timers(struct task *leader);
/* process_cputime - the CPU time of leader's process: all its threads,
 * live and exited (user and system, ns). */
void process_cputime(const struct task *leader, u64 *user, u64 *sys);

/* timers_tick - from the tick's deferred work (sched_timer_work): charge
 * nothing (sched_tick did), fire the CPU timers and RLIMIT_CPU of the
 * processes of running[0..n) (what the CPUs run) and every ktimer due by
 * now (the clock reading). */
void timers_tick(struct task *const running[], unsigned n, u64 now);
/* timers_exec - execve of leader's process: POSIX timers are deleted. */
void timers_exec(struct task *leader);
/* timers_exit - leader's process has no thread left: delete its timers. */
void timers_exit(struct task *leader);
/* timers_take_over - exec by a thread t that becomes the leader in place
 * of old: the timers go with it. */
void timers_take_over(struct task *t, struct task *old);

/* posix_timers.c, for itimer.c */
/* posix_cpu_timers_check - fire the CPU-time POSIX timers of pt whose
 * time has come (cputime: the process's user + system ns). */
void posix_cpu_timers_check(struct process_timers *pt, u64 cputime);
/* posix_timer_catch_up - info is the siginfo of a timer signal of the
 * current process about to be taken: its timer's periods that ended
 * since the last tick count in it first. */
struct k_siginfo;
void posix_timer_catch_up(const struct k_siginfo *info);
/* posix_timers_delete_all - delete every POSIX timer of pt. */
void posix_timers_delete_all(struct process_timers *pt);

#endif
