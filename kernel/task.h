/*
 * kernel/task.h - tasks (threads of execution) and processes.
 *
 * A task is what the scheduler runs: its own kernel stack (with a guard
 * page), saved CPU state and PID.  A process is a task that owns an address
 * space (struct mm), open files and signal handlers; threads (later) share
 * those.  Every task with a user part keeps its user registers in a
 * struct trap_frame at the top of its kernel stack (task_user_frame).
 */
#ifndef KERNEL_TASK_H
#define KERNEL_TASK_H

#include "kernel/signal.h"
#include "kernel/types.h"
#include "kernel/wait.h"
#include "mm/kstack.h"
#include <asm/thread.h>

#define TASK_COMM_LEN 16
#define PID_MAX 32768

enum task_state {
	TASK_RUNNING,  /* on the run queue (or the one running) */
	TASK_SLEEPING, /* waiting on a wait queue or a timer; a signal wakes it */
	TASK_ZOMBIE,   /* exited; its parent has not reaped it yet */
};

struct mm;
struct files;
struct fs_context;

struct rusage_counts {
	u64 utime_ns, stime_ns;
	u64 minflt, majflt;
	u64 nvcsw, nivcsw;
};

struct task {
	int pid;
	int tgid;                  /* the process ID (== pid for a process) */
	int pgid, sid;             /* process group and session */
	char comm[TASK_COMM_LEN];  /* the program's name, as in /proc/PID/stat */
	char exe_path[128];        /* the program's path (/proc/PID/exe) */
	enum task_state state;
	bool need_resched;         /* switch away at the next chance */

	struct arch_thread thread; /* saved registers, FPU, TLS base */
	struct kstack kstack;

	struct mm *mm;             /* NULL for the idle task */
	struct files *files;
	struct fs_context *fs;     /* cwd, umask */

	struct task *parent;
	struct task *children;     /* first child; siblings chain through next_sibling */
	struct task *next_sibling;
	int exit_status;           /* wait status, encoded as Linux's wait4 */
	struct wait_queue child_exit; /* where wait4 sleeps */

	struct signal_state sig;

	struct task *run_next, *run_prev; /* run queue links */
	struct task *wait_next;           /* wait queue link */
	struct wait_queue *waiting_on;    /* the queue it sleeps on, if any */
	struct task *all_next;            /* every task, for /proc and reparenting */
	u64 wake_at_ns;                   /* a timed sleep ends then (0: none) */
	u64 start_ns;                     /* when the task was created */
	u64 slice_left;                   /* timer ticks before preemption */

	u64 clear_child_tid;              /* set_tid_address */
	struct rusage_counts ru, ru_children;
	u64 rlimits[16][2];               /* RLIMIT_*: soft, hard */
};

/* The task running on this CPU. */
extern struct task *current;

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
/* task_first - iteration over all tasks in PID order of creation. */
struct task *task_first(void);
/* task_set_comm - the name shown by ps (a program's base name). */
void task_set_comm(struct task *t, const char *path);

/* sched.c */
/* sched_init - the running boot code becomes the idle task (PID 0). */
void sched_init(struct kstack *idle_stack);
/* sched_add - make t runnable. */
void sched_add(struct task *t);
/* schedule - give the CPU to the next runnable task (current may be asleep). */
void schedule(void);
/* sched_tick - from the timer interrupt (from_user: it interrupted user mode). */
void sched_tick(bool from_user);
/* sched_yield - let the others run first. */
void sched_yield(void);
/* sched_sleep_until - sleep until the clock reaches ns or a signal arrives:
 * 0, or -EINTR. */
int sched_sleep_until(u64 ns);
/* sched_idle_loop - the idle task: runs when nothing else can. */
__noreturn void sched_idle_loop(void);
/* sched_nr_running - tasks on the run queue. */
unsigned sched_nr_running(void);

#endif
