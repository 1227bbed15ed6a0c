/*
 * kernel/exit.c - exit, exit_group and wait4: a thread ends; when the last
 * thread of a process has ended, the process becomes a zombie that keeps
 * its exit status, and its parent reaps it.
 *
 * exit ends one thread.  exit_group (and a fatal signal) marks the whole
 * group as exiting with one status and sends SIGKILL to the other threads,
 * which exit on their way back to user mode.  A thread other than the
 * leader is freed as soon as it has switched away for the last time; the
 * leader stays, as the process, until its parent reaps it.  execve in a
 * multi-threaded process first ends the other threads the same way
 * (exec_kill_other_threads).
 */
#include "kernel/coredump.h"
#include "kernel/exit.h"
#include "kernel/ptrace.h"
#include <vmos/errno.h>
#include "fs/vfs.h"
#include "kernel/futex.h"
#include "ipc/shm.h"
#include <vmos/printk.h>
#include "kernel/pidfd.h"
#include "kernel/rusage.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include <vmos/string.h>
#include "mm/mm.h"
#include "mm/oom.h"
#include <asm/arch.h>
#include <limits.h>

#define INIT_SIGNALLED_STATUS 126 /* the contract: init killed by a signal */
#define INIT_MAX_STATUS 125

/* Init ending ends the system: its status s becomes QEMU's exit code 2s+1
 * under isa-debug-exit (the contract in README.md). */
static __noreturn void init_exited(int wait_status)
{
	int status = wait_status & 0x7f ? INIT_SIGNALLED_STATUS
					: (wait_status >> 8) & 0xff;

	if (wait_status & 0x7f)
		printk(KERN_NOTICE "init killed by signal %d: powering off\n",
		       wait_status & 0x7f);
	else
		printk(KERN_NOTICE "init exited with status %d: powering off\n",
		       status);
	if (status > INIT_MAX_STATUS && !(wait_status & 0x7f))
		status = INIT_MAX_STATUS;
	arch_power_off(status);
}

/* The wait status of a process whose last thread exits with
 * wait_status: exit_group's or the fatal signal's if there was one, else
 * the last thread's own, also when the leader left first with another
 * (as Linux 6.1: leader SYS_exit(3), last thread SYS_exit(5) gives 5). */
static int process_exit_status(const struct task *leader, int wait_status)
{
	if (leader->group_exiting)
		return leader->group_exit_status;
	return wait_status;
}

static void add_rusage(struct rusage_counts *to, const struct rusage_counts *from)
{
	to->utime_ns += from->utime_ns;
	to->stime_ns += from->stime_ns;
	to->minflt += from->minflt;
	to->majflt += from->majflt;
	to->nvcsw += from->nvcsw;
	to->nivcsw += from->nivcsw;
	to->maxrss_kb = MAX(to->maxrss_kb, from->maxrss_kb); /* a peak, not a sum */
}

/* mm_peak_rss_kb - the most mm has had resident, in kB. */
static u64 mm_peak_rss_kb(const struct mm *mm)
{
	return MAX(mm->hiwater_rss, mm->rss) * KB_PER_PAGE;
}

void rusage_note_mm(struct task *t, const struct mm *mm)
{
	struct rusage_counts *ru = &t->group_leader->ru;

	ru->maxrss_kb = MAX(ru->maxrss_kb, mm_peak_rss_kb(mm));
}

u64 task_maxrss_kb(const struct task *t)
{
	u64 kb = t->group_leader->ru.maxrss_kb;

	return t->mm ? MAX(kb, mm_peak_rss_kb(t->mm)) : kb;
}

/* Make p the parent of process c: of each of its threads (getppid). */
static void set_process_parent(struct task *c, struct task *p)
{
	for_each_thread(c, u)
		u->parent = p;
}

/* Give the ended process's children (leader's) to init, or to a child
 * subreaper above (prctl); wake it if one is already a zombie. */
static void reparent_children(struct task *leader)
{
	struct task *init, *c, **tail;

	if (!leader->children)
		return;
	init = reaper_for_orphans(leader);
	for (tail = &init->children; *tail; tail = &(*tail)->next_sibling)
		;
	for (c = leader->children; c; c = c->next_sibling)
		set_process_parent(c, init);
	*tail = leader->children;
	leader->children = NULL;
	wake_up(&init->child_exit);
}

/*
 * release_child_tid - a thread leaves its memory (exit, or execve): as
 * Linux, write 0 to the word set_tid_address / CLONE_CHILD_CLEARTID named
 * and wake one futex waiter there.  musl's pthread_join waits on it to know
 * that the thread no longer uses its stack.  A bad address is ignored.
 */
static void release_child_tid(struct task *t)
{
	u32 __user *tidptr = (u32 __user *)t->clear_child_tid;
	u32 zero = 0;

	vfork_done(t);
	exit_robust_list(t);
	t->clear_child_tid = 0;
	if (!tidptr || !t->mm || copy_to_user(tidptr, &zero, sizeof(zero)))
		return;
	futex_wake(tidptr, false, 1, FUTEX_BITSET_MATCH_ANY);
}

/* Drop the thread's uses of what it shares: files, fs context, memory.
 * The process's last thread first notes what its memory came to: the
 * peak for ru_maxrss, and the status figures a zombie's /proc/PID/status
 * shows (a vmos extension: Linux shows none, the memory being gone). */
static void exit_resources(struct task *t)
{
	if (t->files)
		files_put(t->files);
	if (t->fs)
		fs_context_put(t->fs);
	t->files = NULL;
	t->fs = NULL;
	if (t->mm) {
		struct mm *mm = t->mm;
		struct task *leader = t->group_leader;

		if (leader->group_live == 1) { /* the process's last thread */
			mm_task_mem(mm, &leader->exit_mem);
			leader->exit_mem_valid = true;
			rusage_note_mm(t, mm);
		}
		mm_activate(NULL);
		t->mm = NULL;
		mm_put(mm);
		oom_victim_exited(t);
	}
	shm_exit(t); /* after its attaches went with the mm, as Linux's exit_shm */
}

/* The process whose leader this is has no thread left: it becomes a zombie
 * for its parent to reap (interrupts disabled). */
static void exit_notify(struct task *leader)
{
	struct k_siginfo info = { .si_signo = SIGCHLD };
	int status = leader->exit_status;

	reparent_children(leader);
	info.si_code = !(status & 0x7f) ? CLD_EXITED
		       : (status & WCOREFLAG) ? CLD_DUMPED : CLD_KILLED;
	info.f.child.pid = leader->pid;
	info.f.child.status = status & 0x7f ? status & 0x7f : (status >> 8) & 0xff;
	send_group_signal(leader->parent, SIGCHLD, &info);
	wake_up(&leader->parent->child_exit);
	pidfd_notify();
}

__noreturn void do_exit(int wait_status)
{
	struct task *t = current, *leader = t->group_leader;

	if (leader->pid == INIT_PID && leader->group_live == 1)
		init_exited(process_exit_status(leader, wait_status));
	if (leader->group_exiting)
		coredump_task_exit(t); /* a core file shows our registers */
	release_child_tid(t);
	exit_resources(t);
	arch_irq_disable();
	ptrace_exit(t);
	t->exit_status = wait_status;
	t->state = TASK_ZOMBIE;
	if (--leader->group_live == 0) {
		timers_exit(leader);
		leader->exit_status = process_exit_status(leader, wait_status);
		exit_notify(leader);
	}
	wake_up(&leader->thread_exit);
	if (t != leader) { /* nobody reaps a thread: it goes now */
		add_rusage(&leader->ru, &t->ru);
		sched_exit_dead();
	}
	schedule();
	panic("do_exit: zombie %d was scheduled again", t->pid);
}

/* SIGKILL for every thread of t's group but t: they exit the next time
 * they would return to user mode (a sleeping one is woken for it). */
static void zap_other_threads(struct task *t)
{
	for_each_thread(t, u)
		if (u != t && u->state != TASK_ZOMBIE)
			send_signal(u, SIGKILL, NULL);
}

__noreturn void do_group_exit(int wait_status)
{
	struct task *leader = current->group_leader;

	if (leader->group_exiting) { /* another thread got here first */
		wait_status = leader->group_exit_status;
	} else {
		leader->group_exiting = true;
		leader->group_exit_status = wait_status;
		zap_other_threads(current);
	}
	do_exit(wait_status);
}

bool coredump_wait(int sig)
{
	struct task *t = current, *leader = t->group_leader;
	int err = 0;

	if (leader->group_exiting)
		return false;
	leader->group_exiting = true;
	leader->group_exit_status = sig; /* coredump_finish may add WCOREFLAG */
	zap_other_threads(t);
	while (leader->group_live > 1 && !err)
		err = wait_sleep_killable(&leader->thread_exit);
	return !err;
}

void coredump_finish(bool dumped)
{
	if (dumped)
		current->group_leader->group_exit_status |= WCOREFLAG;
}

SYSCALL_DEFINE1(exit, int, code)
{
	do_exit(W_EXITCODE(code));
}

SYSCALL_DEFINE1(exit_group, int, code)
{
	do_group_exit(W_EXITCODE(code));
}

/*
 * take_leadership - in execve, thread t (the only one left) takes the
 * place of its exited group leader old: its PID, its place among its
 * parent's children, its children, process group, session, start time and
 * accounting; old is freed.  Interrupts disabled.
 */
static void take_leadership(struct task *t, struct task *old)
{
	struct task **pp;

	t->pid = old->pid;
	t->group_leader = t;
	t->group_live = old->group_live;
	t->parent = old->parent;
	if (old->parent) { /* init has none */
		for (pp = &old->parent->children; *pp != old;
		     pp = &(*pp)->next_sibling)
			;
		*pp = t;
		t->next_sibling = old->next_sibling;
	}
	t->children = old->children;
	old->children = NULL;
	for (struct task *c = t->children; c; c = c->next_sibling)
		set_process_parent(c, t);
	t->pgid = old->pgid;
	t->sid = old->sid;
	t->start_ns = old->start_ns;
	add_rusage(&t->ru, &old->ru);
	t->ru_children = old->ru_children;
	timers_take_over(t, old);
	task_free(old);
}

/* Give t handlers of its own (spare, or none if NULL) if they are still
 * shared now that its threads are gone; a spare not needed is freed. */
static void unshare_sighand(struct task *t, struct sighand *spare)
{
	if (spare && t->sig.sighand->count > 1) {
		memcpy(spare->action, t->sig.action, sizeof(spare->action));
		signal_use_sighand(&t->sig, spare);
		return;
	}
	sighand_put(spare);
}

int exec_kill_other_threads(void)
{
	struct task *t = current, *leader = t->group_leader;
	struct sighand *spare = NULL;
	int err = 0;
	u64 flags;

	if (leader->group_exiting || fatal_signal_pending(t))
		return -EINTR;
	if (t->sig.sighand->count > 1) { /* allocate before anything changes */
		spare = sighand_alloc();
		if (!spare)
			return -ENOMEM;
	}
	flags = arch_irq_save();
	if (leader->group_live > 1) {
		leader->group_exiting = true; /* they exit without killing us */
		leader->group_exit_status = SIGKILL; /* if we are killed meanwhile */
		zap_other_threads(t);
		while (leader->group_live > 1 && !err)
			err = wait_sleep_killable(&leader->thread_exit);
		if (err) {
			arch_irq_restore(flags);
			sighand_put(spare);
			return -EINTR;
		}
		leader->group_exiting = false;
	}
	if (t != leader)
		take_leadership(t, leader);
	arch_irq_restore(flags);
	unshare_sighand(t, spare);
	release_child_tid(t);
	return 0;
}

/* Does child c match wait4's pid argument for parent p? */
static bool wait_matches(const struct task *p, const struct task *c, int pid)
{
	if (pid > 0)
		return c->pid == pid;
	if (pid == -1)
		return true;
	if (pid == 0)
		return c->pgid == p->pgid;
	return c->pgid == -pid;
}

/* Has child process c ended (its last thread too), ready to be reaped? */
static bool child_ended(const struct task *c)
{
	return c->state == TASK_ZOMBIE && !process_alive(c);
}

/* Is there a job-control change of child c that wait may report with
 * these options (WUNTRACED: it stopped, WCONTINUED: it resumed)? */
static bool jobctl_reportable(const struct task *c, int options)
{
	if (c->jobctl_report == JOBCTL_STOPPED)
		return (options & WUNTRACED) && c->group_stop_sig;
	return c->jobctl_report == JOBCTL_CONTINUED && (options & WCONTINUED);
}

/* A child matching pid that wait may report with these options (WEXITED:
 * ended; WUNTRACED, WCONTINUED: see jobctl_reportable), or NULL; *any is
 * set if any child matches (and left alone otherwise).  A child is a
 * process (a leader): ended only once its last thread has exited. */
static struct task *find_waitable(struct task *p, int pid, int options, bool *any)
{
	for (struct task *c = p->children; c; c = c->next_sibling) {
		if (!wait_matches(p, c, pid))
			continue;
		*any = true;
		if (child_ended(c) ? (options & WEXITED)
				   : jobctl_reportable(c, options))
			return c;
	}
	return NULL;
}

/* jobctl_status - the wait status of child c's job-control change. */
static int jobctl_status(const struct task *c)
{
	return c->jobctl_report == JOBCTL_STOPPED ? W_STOPCODE(c->group_stop_sig)
						  : W_CONTINUED;
}

static void unlink_child(struct task *p, struct task *c)
{
	struct task **pp;

	for (pp = &p->children; *pp; pp = &(*pp)->next_sibling) {
		if (*pp == c) {
			*pp = c->next_sibling;
			return;
		}
	}
}

/* child_rusage - what wait4 and waitid report of zombie c's usage: its
 * own, with ru_maxrss the larger of its peak and its children's (Linux). */
static void child_rusage(const struct task *c, struct k_rusage *kru)
{
	rusage_fill(&c->ru, kru);
	kru->maxrss = (s64)MAX(c->ru.maxrss_kb, c->ru_children.maxrss_kb);
}

/*
 * Reap zombie c: its memory goes away, its status and rusage to the
 * caller.  As on Linux, the child is reaped even if the caller's pointers
 * are bad: the call then returns -EFAULT.
 */
static long reap(struct task *p, struct task *c, int __user *wstatus,
		 struct k_rusage __user *ru)
{
	int pid = c->pid, status = c->exit_status;
	struct k_rusage kru;
	long ret = pid;

	child_rusage(c, &kru);
	if (wstatus && copy_to_user(wstatus, &status, sizeof(status)))
		ret = -EFAULT;
	if (ru && copy_to_user(ru, &kru, sizeof(kru)))
		ret = -EFAULT;
	p->ru_children.utime_ns += c->ru.utime_ns + c->ru_children.utime_ns;
	p->ru_children.stime_ns += c->ru.stime_ns + c->ru_children.stime_ns;
	p->ru_children.minflt += c->ru.minflt + c->ru_children.minflt;
	p->ru_children.majflt += c->ru.majflt + c->ru_children.majflt;
	p->ru_children.maxrss_kb = MAX(p->ru_children.maxrss_kb, (u64)kru.maxrss);
	unlink_child(p, c);
	task_free(c);
	pidfd_notify();
	return ret;
}

/*
 * report_jobctl - wait4's answer for child c, which stopped or resumed: its
 * pid, the status (W_STOPCODE or W_CONTINUED) and its usage so far; the
 * change is reported once.
 */
static long report_jobctl(struct task *c, int __user *wstatus,
			  struct k_rusage __user *ru)
{
	int status = jobctl_status(c);
	struct k_rusage kru;

	c->jobctl_report = JOBCTL_NONE;
	child_rusage(c, &kru);
	if ((wstatus && copy_to_user(wstatus, &status, sizeof(status))) ||
	    (ru && copy_to_user(ru, &kru, sizeof(kru))))
		return -EFAULT;
	return c->pid;
}

/* find_reportable - what wait4 reports next: a stop of a thread p traces
 * (*traced set), else find_waitable's child; *any: whether any tracee or
 * child matches pid. */
static struct task *find_reportable(struct task *p, int pid, int options,
				    bool *any, bool *traced)
{
	struct task *c;

	*any = false;
	c = ptrace_waitable(p, pid, any);
	*traced = c != NULL;
	return c ? c : find_waitable(p, pid, options, any);
}

/* report_ptrace - wait4's answer for tracee t's stop (ptrace). */
static long report_ptrace(struct task *t, int __user *wstatus,
			  struct k_rusage __user *ru)
{
	int status = ptrace_report(t);
	struct k_rusage kru;

	child_rusage(t, &kru);
	if ((wstatus && copy_to_user(wstatus, &status, sizeof(status))) ||
	    (ru && copy_to_user(ru, &kru, sizeof(kru))))
		return -EFAULT;
	return t->pid;
}

/* wait4: any thread waits for the children of its process: ended ones,
 * and with WUNTRACED / WCONTINUED stopped and resumed ones; and for the
 * stops of the threads it traces (ptrace). */
SYSCALL_DEFINE4(wait4, int, pid, int __user *, wstatus, int, options,
		struct k_rusage __user *, ru)
{
	struct task *p = current->group_leader, *c;
	bool any;
	int err;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WALL | __WCLONE))
		return -EINVAL;
	/* pid < -1 names process group -pid, and -INT_MIN is no int (the
	 * checked kernel's UBSan found the overflow): Linux says ESRCH. */
	if (pid == INT_MIN)
		return -ESRCH;
	options |= WEXITED;
	for (;;) {
		bool traced;

		c = find_reportable(p, pid, options, &any, &traced);
		if (c && traced)
			return report_ptrace(c, wstatus, ru);
		if (c)
			return child_ended(c) ? reap(p, c, wstatus, ru)
					      : report_jobctl(c, wstatus, ru);
		if (!any)
			return -ECHILD;
		if (options & WNOHANG)
			return 0;
		err = wait_event(&p->child_exit,
				 find_reportable(p, pid, options, &any, &traced) || !any);
		if (err)
			return err;
	}
}

/* waitid_pid - waitid's (idtype, id) as wait4's pid argument, or false
 * if they name no valid set of children. */
static bool waitid_pid(int idtype, int id, int *pid)
{
	switch (idtype) {
	case P_ALL:
		*pid = -1;
		return true;
	case P_PID:
		*pid = id;
		return id > 0;
	case P_PGID: /* 0: the caller's own process group */
		if (id < 0) /* -INT_MIN would overflow */
			return false;
		*pid = -id;
		return true;
	}
	return false;
}

/* fill_child_info - the siginfo waitid reports for child c: ended, or
 * stopped or resumed. */
static void fill_child_info(const struct task *c, struct k_siginfo *info)
{
	int status = c->exit_status, sig = status & 0x7f;

	memset(info, 0, sizeof(*info));
	info->si_signo = SIGCHLD;
	info->si_code = !sig ? CLD_EXITED
			     : (status & WCOREFLAG) ? CLD_DUMPED : CLD_KILLED;
	info->f.child.pid = c->pid;
	info->f.child.uid = c->cred.uid;
	info->f.child.status = sig ? sig : (status >> 8) & 0xff;
	if (!child_ended(c)) {
		bool stopped = c->jobctl_report == JOBCTL_STOPPED;

		info->si_code = stopped ? CLD_STOPPED : CLD_CONTINUED;
		info->f.child.status = stopped ? c->group_stop_sig : SIGCONT;
	}
}

/*
 * waitid: as wait4 for exited children, but the child is named by
 * (idtype, id), what happened comes back as a siginfo (si_signo SIGCHLD,
 * si_code CLD_EXITED / CLD_KILLED / CLD_DUMPED, si_pid, si_uid, si_status:
 * the exit code or the signal), and WNOWAIT leaves the child a zombie so
 * that it can still be looked at (/proc/PID) and reaped later.  WSTOPPED
 * and WCONTINUED report stopped and resumed children (CLD_STOPPED,
 * CLD_CONTINUED), once unless WNOWAIT.  WNOHANG with nothing to report
 * returns 0 with si_signo and si_pid 0.
 */
SYSCALL_DEFINE5(waitid, int, idtype, int, id, struct k_siginfo __user *, infop,
		int, options, struct k_rusage __user *, ru)
{
	struct task *p = current->group_leader, *c;
	struct k_siginfo info;
	struct k_rusage kru;
	bool any;
	int pid, err;

	if ((options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED |
			 __WALL | __WCLONE)) ||
	    !(options & (WEXITED | WSTOPPED | WCONTINUED)) ||
	    !waitid_pid(idtype, id, &pid))
		return -EINVAL;
	for (;;) {
		any = false;
		c = find_waitable(p, pid, options, &any);
		if (c)
			break;
		if (!any)
			return -ECHILD;
		if (options & WNOHANG) {
			memset(&info, 0, sizeof(info));
			return infop && copy_to_user(infop, &info, sizeof(info))
				       ? -EFAULT : 0;
		}
		err = wait_event(&p->child_exit,
				 (any = false, find_waitable(p, pid, options, &any)) ||
					 !any);
		if (err)
			return err;
	}
	fill_child_info(c, &info);
	if (infop && copy_to_user(infop, &info, sizeof(info)))
		return -EFAULT;
	if (!child_ended(c)) {
		if (!(options & WNOWAIT))
			c->jobctl_report = JOBCTL_NONE;
		child_rusage(c, &kru);
		return ru && copy_to_user(ru, &kru, sizeof(kru)) ? -EFAULT : 0;
	}
	if (options & WNOWAIT) {
		child_rusage(c, &kru);
		return ru && copy_to_user(ru, &kru, sizeof(kru)) ? -EFAULT : 0;
	}
	err = (int)reap(p, c, NULL, ru);
	return err < 0 ? err : 0;
}
