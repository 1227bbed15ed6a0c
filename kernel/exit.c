/*
 * kernel/exit.c - exit, exit_group and wait4: a process ends, becomes a
 * zombie that keeps its exit status, and its parent reaps it.
 */
#include "kernel/exit.h"
#include "kernel/errno.h"
#include "kernel/fs/vfs.h"
#include "kernel/printk.h"
#include "kernel/rusage.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "mm/mm.h"
#include <asm/arch.h>

#define INIT_PID 1
#define INIT_SIGNALLED_STATUS 126 /* the contract: init killed by a signal */
#define INIT_MAX_STATUS 125

/* Init ending ends the system: its status becomes QEMU's (DEVELOPERS.md). */
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

/* Give current's children to init; wake init if one is already a zombie. */
static void reparent_children(struct task *t)
{
	struct task *init = task_find(INIT_PID), *c, **tail;

	if (!t->children)
		return;
	for (tail = &init->children; *tail; tail = &(*tail)->next_sibling)
		;
	for (c = t->children; c; c = c->next_sibling)
		c->parent = init;
	*tail = t->children;
	t->children = NULL;
	wake_up(&init->child_exit);
}

__noreturn void do_exit(int wait_status)
{
	struct task *t = current;
	struct k_siginfo info = { .si_signo = SIGCHLD };

	if (t->pid == INIT_PID)
		init_exited(wait_status);
	if (t->files)
		files_put(t->files);
	if (t->fs)
		fs_context_put(t->fs);
	t->files = NULL;
	t->fs = NULL;
	if (t->mm) {
		struct mm *mm = t->mm;

		mm_activate(NULL);
		t->mm = NULL;
		mm_put(mm);
	}
	reparent_children(t);
	t->exit_status = wait_status;
	arch_irq_disable();
	t->state = TASK_ZOMBIE;
	info.si_code = wait_status & 0x7f ? CLD_KILLED : CLD_EXITED;
	info.f.child.pid = t->pid;
	info.f.child.status = wait_status & 0x7f ? wait_status & 0x7f
						 : (wait_status >> 8) & 0xff;
	send_signal(t->parent, SIGCHLD, &info);
	wake_up(&t->parent->child_exit);
	schedule();
	panic("do_exit: zombie %d was scheduled again", t->pid);
}

SYSCALL_DEFINE1(exit, int, code)
{
	do_exit(W_EXITCODE(code));
}

SYSCALL_DEFINE1(exit_group, int, code)
{
	do_exit(W_EXITCODE(code));
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

/* A zombie child matching pid, or NULL; *any says whether any child matches. */
static struct task *find_zombie(struct task *p, int pid, bool *any)
{
	*any = false;
	for (struct task *c = p->children; c; c = c->next_sibling) {
		if (!wait_matches(p, c, pid))
			continue;
		*any = true;
		if (c->state == TASK_ZOMBIE)
			return c;
	}
	return NULL;
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

	rusage_fill(&c->ru, &kru);
	if (wstatus && copy_to_user(wstatus, &status, sizeof(status)))
		ret = -EFAULT;
	if (ru && copy_to_user(ru, &kru, sizeof(kru)))
		ret = -EFAULT;
	p->ru_children.utime_ns += c->ru.utime_ns + c->ru_children.utime_ns;
	p->ru_children.stime_ns += c->ru.stime_ns + c->ru_children.stime_ns;
	p->ru_children.minflt += c->ru.minflt + c->ru_children.minflt;
	p->ru_children.majflt += c->ru.majflt + c->ru_children.majflt;
	unlink_child(p, c);
	task_free(c);
	return ret;
}

SYSCALL_DEFINE4(wait4, int, pid, int __user *, wstatus, int, options,
		struct k_rusage __user *, ru)
{
	struct task *p = current, *c;
	bool any;
	int err;

	if (options & ~(WNOHANG | WUNTRACED | 0x08 /* WCONTINUED */ |
			0x40000000 /* __WALL */ | 0x80000000 /* __WCLONE */))
		return -EINVAL;
	for (;;) {
		c = find_zombie(p, pid, &any);
		if (c)
			return reap(p, c, wstatus, ru);
		if (!any)
			return -ECHILD;
		if (options & WNOHANG)
			return 0;
		err = wait_event(&p->child_exit, find_zombie(p, pid, &any) || !any);
		if (err)
			return err;
	}
}
