/*
 * kernel/task.h - tasks (threads of execution) and processes.
 *
 * A task is what the scheduler runs: its own kernel stack (with a guard
 * page), saved CPU state and PID.  Every task with a user part keeps its
 * user registers in a struct trap_frame at the top of its kernel stack
 * (task_user_frame).
 *
 * A process is a thread group: one or more tasks made by clone with
 * CLONE_THREAD that share an address space (struct mm), open files, the
 * file system context and the signal handlers, each counted by users.
 * Each thread has its own PID (the TID, gettid); the group's ID (tgid,
 * getpid) is the PID of its first thread, the group leader.  The leader
 * stands for the whole process: it is what the parent's children list
 * holds, what wait4 reaps and kill names, and its group_* fields below
 * describe the group.  It stays (as a zombie if it exited first) until the
 * last thread is gone; other threads are freed as soon as they exit.
 */
#ifndef KERNEL_TASK_H
#define KERNEL_TASK_H

#include "kernel/futex.h"
#include "kernel/itimer.h"
#include "kernel/signal.h"
#include <vmos/types.h>
#include "kernel/wait.h"
#include "mm/kstack.h"
#include "mm/stats.h"
#include <asm/current.h>
#include <asm/thread.h>

#define TASK_COMM_LEN 16
#define PID_MAX 32768
#define INIT_PID 1 /* the first user process: reaps orphans, never OOM-killed first */
#define KTHREADD_PID 2 /* kthreadd, the parent of every kernel thread */

/* task->flags (Linux's PF_*, shown in /proc/PID/stat) */
#define PF_KTHREAD 0x00200000 /* a kernel thread (kernel/kthread.c) */

enum task_state {
	TASK_RUNNING,  /* on the run queue (or the one running) */
	TASK_SLEEPING, /* waiting on a wait queue or a timer; a signal wakes it */
	TASK_UNINTERRUPTIBLE, /* waiting for the disk or a mutex: only the
			       * wake-up it waits for ends it (ps: D) */
	TASK_ZOMBIE,   /* exited; its parent has not reaped it yet */
	TASK_STOPPED,  /* job control: stopped by SIGSTOP/SIGTSTP/...; only
			* SIGCONT or SIGKILL wakes it */
	TASK_TRACED,   /* stopped for its tracer (ptrace); only the tracer's
			* resume or SIGKILL wakes it */
};

/* What wait must still report about a child process (jobctl_report). */
enum jobctl_report {
	JOBCTL_NONE,
	JOBCTL_STOPPED,   /* WUNTRACED: stopped by group_stop_sig */
	JOBCTL_CONTINUED, /* WCONTINUED: resumed by SIGCONT */
};

struct mm;
struct files;
struct fs_context;

struct rusage_counts {
	u64 utime_ns, stime_ns;
	u64 minflt, majflt;
	u64 nvcsw, nivcsw;
	u64 maxrss_kb; /* peak resident set of address spaces already left
			* (exec, exit); the live one adds its own */
};

/* The user and group IDs and the capabilities of a task (Linux's struct
 * cred).  Everyone starts as root (0) with every capability; the set*id
 * calls of kernel/sys.c change the IDs, kernel/capability.c the sets. */
#define NGROUPS_KEPT 32 /* supplementary groups a task may have here */
struct task_cred {
	union { /* real, effective, saved: by name or as ids[3] (sys.c) */
		struct { u32 uid, euid, suid; };
		u32 uids[3];
	};
	union {
		struct { u32 gid, egid, sgid; };
		u32 gids[3];
	};
	u32 ngroups;
	u32 groups[NGROUPS_KEPT];
	u64 cap_inheritable, cap_permitted, cap_effective; /* capability.h */
	u64 cap_bset, cap_ambient;
	u32 securebits;            /* SECBIT_*: PR_SET_KEEPCAPS, ... */
};

struct task {
	int pid;                   /* the thread ID */
	int tgid;                  /* the process ID: the group leader's pid */
	int pgid, sid;             /* process group and session */
	char comm[TASK_COMM_LEN];  /* the program's name, as in /proc/PID/stat */
	char exe_path[128];        /* the program's path (/proc/PID/exe) */
	enum task_state state;
	unsigned flags;            /* PF_*: PF_KTHREAD */
	int (*kthread_fn)(void *); /* a kernel thread's function... */
	void *kthread_data;        /* ...and its argument (kernel/kthread.c) */
	bool need_resched;         /* switch away at the next chance */

	struct arch_thread thread; /* saved registers, FPU, TLS base */
	struct kstack kstack;

	struct mm *mm;             /* NULL for the idle task */
	struct files *files;
	struct fs_context *fs;     /* cwd, umask */

	/* Parent and children are the process's: the parent is the leader of
	 * the process that made this one (every thread points to it), and
	 * only a leader has children (whichever of its threads forked). */
	struct task *parent;
	struct task *children;     /* first child; siblings chain through next_sibling */
	struct task *next_sibling;
	int exit_status;           /* wait status, encoded as Linux's wait4 */
	struct wait_queue child_exit; /* where wait4 sleeps (the leader's) */

	/* The thread group: every thread points to its leader; the other
	 * group_* fields are used in the leader only. */
	struct task *group_leader;     /* the task whose pid is tgid (maybe itself) */
	int group_live;                /* threads that have not exited yet */
	bool group_exiting;            /* exit_group, a fatal signal or execve
					* is ending the threads */
	int group_exit_status;         /* ...and the status they end with */
	struct wait_queue thread_exit; /* woken as each thread exits (execve) */
	int group_stop_sig;            /* job control: the signal that stopped
					* the process (0: not stopped) */
	enum jobctl_report jobctl_report; /* ...what its parent's wait has
					   * not reported yet */
	bool unkillable_lifted;        /* init only: a fault signal reset its
					* action, so init can die of it (Linux
					* clears SIGNAL_UNKILLABLE) */

	struct signal_state sig;

	/* ptrace (kernel/ptrace.c): this thread's tracer and its stop; a
	 * tracer's leader lists the threads it traces. */
	struct task *ptracer;          /* the tracing process's leader, or NULL */
	struct task *ptraced;          /* (leader) first thread it traces */
	struct task *ptraced_next;     /* next in the tracer's list */
	u32 ptrace_options;            /* PTRACE_O_* */
	int ptrace_resume;             /* enum ptrace_resume */
	int ptrace_code;               /* the stop: a signal, SIGTRAP | 0x80, ... */
	int ptrace_sig;                /* the signal the tracer lets through */
	bool ptrace_report;            /* the tracer has not waited for the stop */
	bool ptrace_resumed;           /* the tracer let it go on */
	bool ptrace_step;              /* the trap flag is the tracer's */
	struct k_siginfo ptrace_info;  /* the stop's siginfo (GETSIGINFO) */

	struct task *run_next, *run_prev; /* run queue links */
	u64 cpus_allowed;                 /* the CPUs it may run on (affinity) */
	u32 cpu;                          /* the CPU it runs or last ran on */
	bool on_cpu;                      /* a CPU runs it now */
	struct task *wait_next;           /* wait queue link */
	struct wait_queue *waiting_on;    /* the queue it sleeps on, if any */
	struct task *all_next;            /* every task, for /proc and reparenting */
	u64 wake_at_ns;                   /* a timed sleep ends then (0: none) */
	u64 start_ns;                     /* when the task was created */
	u64 slice_end_ns;                 /* its turn ends then (arch_clock_ns) */

	u64 clear_child_tid;              /* set_tid_address, CLONE_CHILD_CLEARTID */
	u64 robust_list;                  /* set_robust_list's head (user address) */
	struct rusage_counts ru, ru_children;
	u64 rlimits[16][2];               /* RLIMIT_*: soft, hard */
	struct task_cred cred;

	/* vmos: the memory figures of the process's address space as it was
	 * torn down (the leader's; valid once exit_mem_valid), which a
	 * zombie's /proc/PID/status shows (see docs/memory.md). */
	struct task_mem exit_mem;
	bool exit_mem_valid;

	bool oom_victim;           /* killed by the OOM killer, memory not yet
				    * released (mm/oom.c waits for it) */

	/* prctl (kernel/sys.c) */
	int pdeath_signal;         /* PR_SET_PDEATHSIG: sent when the parent dies */
	bool child_subreaper;      /* PR_SET_CHILD_SUBREAPER (the leader's):
				    * adopts orphaned descendants */
	u64 timer_slack_ns;        /* PR_SET_TIMERSLACK (0: the default) */
	u64 default_timer_slack_ns;

	/* vfork (kernel/fork.c): the caller sleeps on its vfork_wq until the
	 * child (vfork_child) execs or exits, which vfork_done() tells the
	 * task named by the child's vfork_parent.  PIDs, not pointers: either
	 * may be gone first. */
	int vfork_child, vfork_parent;
	struct wait_queue vfork_wq;

	/* sched_setscheduler (kernel/sched_calls.c): stored and reported;
	 * the round robin runs every task alike. */
	int sched_policy;          /* SCHED_OTHER (0), SCHED_FIFO, ... */
	int sched_priority;        /* 1..99 for FIFO and RR, else 0 */
	bool sched_reset_on_fork;  /* SCHED_RESET_ON_FORK */

	/* rseq (kernel/rseq.c): this thread's registered struct rseq (a user
	 * address, 0: none), its length and signature; what happened since
	 * the last look (RSEQ_EVENT_*); whether the way back to user mode
	 * must update the area. */
	u64 rseq;
	u32 rseq_len, rseq_sig;
	u32 rseq_event_mask;
	bool rseq_notify;

	/* The process's timers (alarm, setitimer, timer_create), in its
	 * leader; NULL until it arms one (kernel/itimer.h). */
	struct process_timers *timers;
};

/* is_kthread - is t a kernel thread (no user part, never in user mode)? */
static inline bool is_kthread(const struct task *t)
{
	return t->flags & PF_KTHREAD;
}

/* thread_group_leader - is t the first thread of its process? */
static inline bool thread_group_leader(const struct task *t)
{
	return t->pid == t->tgid;
}

/* process_alive - has some thread of t's process not exited yet? */
static inline bool process_alive(const struct task *t)
{
	return t->group_leader->group_live > 0;
}

/* current, the task running on this CPU, is this CPU's (asm/current.h). */

/* task_user_frame - the user registers of t (valid while t has a user part). */
static inline struct trap_frame *task_user_frame(struct task *t)
{
	return arch_user_frame(t->kstack.top);
}

/* task_alloc - a new task with a PID and a kernel stack, not yet runnable;
 * NULL when out of memory or PIDs. */
struct task *task_alloc(const char *comm);
/* task_free - release a reaped task's kernel stack and structure. */
void task_free(struct task *t);
/* task_find - the task with this PID, or NULL. */
struct task *task_find(int pid);
/* task_count - tasks that exist (threads, and zombies not yet reaped);
 * the idle task is not one of them. */
unsigned task_count(void);
/* task_count_user - those of them whose real user ID is uid (Linux's
 * user->processes, which RLIMIT_NPROC bounds). */
unsigned task_count_user(u32 uid);
/* pid_last / pid_set_last - the PID given out last; setting it makes the
 * next new task get the one after (-EINVAL out of range).  Linux's
 * /proc/sys/kernel/ns_last_pid, which checkpoint-restore tools write. */
int pid_last(void);
int pid_set_last(int pid);
/* task_first - iteration over all tasks in PID order of creation. */
struct task *task_first(void);
/* task_set_comm - the name shown by ps (a program's base name). */
void task_set_comm(struct task *t, const char *path);

/* thread_first / thread_next - the tasks of g's thread group (g's own
 * included; exited ones too until they are freed), in creation order. */
struct task *thread_first(const struct task *g);
struct task *thread_next(const struct task *g, struct task *t);
/* for_each_thread - `for_each_thread(g, t) { ... }` with t declared. */
#define for_each_thread(g, t) \
	for (struct task *t = thread_first(g); t; t = thread_next(g, t))

/* reaper_for_orphans - sys.c, for exit.c: send each child of the ended
 * process leader its parent-death signal (PR_SET_PDEATHSIG) and return
 * who adopts them: the nearest live ancestor that is a child subreaper
 * (PR_SET_CHILD_SUBREAPER), else init. */
struct task *reaper_for_orphans(struct task *leader);

/* vfork_done - fork.c, for exit.c: t leaves its memory (exits or execs):
 * wake the vfork caller waiting for it, if any. */
void vfork_done(struct task *t);

/* sched.c */
/* sched_init - the running boot code becomes the idle task (PID 0). */
void sched_init(struct kstack *idle_stack);
/* sched_ap_main - another CPU, started (arch/x86_64/smp.c), becomes its
 * idle task on idle_stack, and runs tasks once sched_start_others() was
 * called. */
__noreturn void sched_ap_main(struct kstack *idle_stack);
/* sched_start_others - CPU 0's scheduler and devices are up: the other
 * CPUs may run tasks. */
void sched_start_others(void);
/* sched_add - make t runnable. */
void sched_add(struct task *t);
/* schedule - give the CPU to the next runnable task (current may be asleep). */
void schedule(void);
/* sched_tick - from the timer interrupt (from_user: it interrupted user mode). */
void sched_tick(bool from_user);
/* sched_fork - the child's policy and priority (kernel/sched_calls.c). */
void sched_fork(struct task *child, const struct task *parent);
/* sched_move - t's affinity changed: if its CPU is no longer allowed,
 * it leaves it at its next return to user mode. */
void sched_move(struct task *t);
/* sched_idle_ns - the time the CPUs have been idle, summed (their idle
 * tasks' time); sched_cpu_idle_ns - one CPU's. */
u64 sched_idle_ns(void);
u64 sched_cpu_idle_ns(unsigned cpu);
/* sched_yield - let the others run first. */
void sched_yield(void);
/* sched_sleep_until - sleep until the clock reaches ns or a signal arrives:
 * 0, or -EINTR. */
int sched_sleep_until(u64 ns);
/* sched_idle_loop - the idle task: runs when nothing else can. */
__noreturn void sched_idle_loop(void);
/* sched_nr_running - tasks on the run queue. */
unsigned sched_nr_running(void);
/* cond_resched - a kernel thread's chance to let others run: schedule()
 * if its slice is over and another task waits (the kernel is not
 * preempted, so a long loop in a kernel thread must call it). */
void cond_resched(void);
/* sched_can_sleep - may the running code sleep here: a task (not the idle
 * loop, not an interrupt handler) with interrupts on?  A driver waits
 * without sleeping where it may not (at boot, in ktest=blk). */
bool sched_can_sleep(void);
/* get_wchan - where sleeping task t waits: the address of the first
 * function on its kernel stack outside the scheduler (__sched), or 0 if
 * it runs or the walk finds none (Linux's get_wchan). */
u64 get_wchan(struct task *t);
/* sched_exit_dead - the last switch of an exited thread that nobody reaps:
 * it is freed by the next task to run (no task can free the stack it is
 * running on).  With interrupts disabled. */
__noreturn void sched_exit_dead(void);

/* Wait-queue operations that name a task (wait.h has the rest). */
/* wait_add - put t at the tail of wq (it is woken in order of arrival). */
void wait_add(struct wait_queue *wq, struct task *t);
/* wake_up_task - take t off the queue it sleeps on and make it runnable. */
void wake_up_task(struct task *t);
/* wait_sleep_killable - as wait_sleep, but only SIGKILL ends the sleep
 * early or prevents it: 0, or -EINTR. */
int wait_sleep_killable(struct wait_queue *wq);

/* group_stop_pending - is t's process stopping or stopped (job control)? */
static inline bool group_stop_pending(const struct task *t)
{
	return t->group_leader->group_stop_sig != 0;
}

/* signal_pending - does t have an unblocked pending signal, or must its
 * process stop (job control)?  Either ends an interruptible sleep.
 * Inline: every return to user mode asks. */
static inline bool signal_pending(const struct task *t)
{
	return (t->sig.pending & ~t->sig.blocked) || group_stop_pending(t);
}

#endif
