/*
 * kernel/task.c - creating, finding and freeing tasks, and walking the
 * threads of a process.
 */
#include "kernel/capability.h"
#include "kernel/task.h"
#include <vmos/errno.h>
#include <vmos/printk.h>
#include <vmos/string.h>
#include "mm/kmalloc.h"

static struct task *all_tasks; /* every live task, newest last */
static unsigned nr_tasks;       /* on all_tasks (zombies until reaped) */
static int next_pid = 1;

int pid_last(void)
{
	return next_pid > 2 ? next_pid - 1 : PID_MAX - 1;
}

int pid_set_last(int pid)
{
	if (pid < 0 || pid >= PID_MAX - 1)
		return -EINVAL;
	next_pid = pid + 1 < 2 ? 2 : pid + 1;
	return 0;
}

/* A free PID: counts up and wraps, skipping PIDs in use (as Linux does). */
static int pid_alloc(void)
{
	for (int tries = 0; tries < PID_MAX; tries++) {
		int pid = next_pid;

		next_pid = next_pid + 1 >= PID_MAX ? 2 : next_pid + 1;
		if (!task_find(pid))
			return pid;
	}
	return -1;
}

/*
 * task_alloc - every task starts as a process of one thread (its own group
 * leader) with handlers of its own, all SIG_DFL; clone makes threads.
 */
struct task *task_alloc(const char *comm)
{
	struct task *t = kzalloc(sizeof(*t)), **pp;
	struct sighand *sh = sighand_alloc();
	int pid = pid_alloc();

	if (!t || !sh || pid < 0 || kstack_alloc(&t->kstack) < 0) {
		sighand_put(sh);
		kfree(t);
		return NULL;
	}
	signal_use_sighand(&t->sig, sh);
	t->pid = t->tgid = pid;
	t->group_leader = t;
	t->group_live = 1;
	t->state = TASK_SLEEPING; /* not runnable until sched_add() */
	t->cpus_allowed = ~0ull;  /* any CPU (sched_fork: the parent's) */
	t->start_ns = arch_clock_ns();
	cred_init_root(&t->cred); /* root's; fork copies its parent's instead */
	task_set_comm(t, comm);
	for (pp = &all_tasks; *pp; pp = &(*pp)->all_next)
		;
	*pp = t;
	nr_tasks++;
	return t;
}

void task_free(struct task *t)
{
	struct task **pp;

	for (pp = &all_tasks; *pp; pp = &(*pp)->all_next) {
		if (*pp == t) {
			*pp = t->all_next;
			nr_tasks--;
			break;
		}
	}
	signal_use_sighand(&t->sig, NULL);
	kstack_free(&t->kstack);
	kfree(t);
}

struct task *task_find(int pid)
{
	for (struct task *t = all_tasks; t; t = t->all_next)
		if (t->pid == pid)
			return t;
	return NULL;
}

unsigned task_count(void)
{
	return nr_tasks;
}

unsigned task_count_user(u32 uid)
{
	unsigned n = 0;

	for (struct task *t = all_tasks; t; t = t->all_next)
		n += t->cred.uid == uid;
	return n;
}

struct task *task_first(void)
{
	return all_tasks;
}

/* The first task at or after t (in creation order) in g's thread group. */
static struct task *thread_from(const struct task *g, struct task *t)
{
	while (t && t->tgid != g->tgid)
		t = t->all_next;
	return t;
}

/* A walk over all tasks: O(tasks), fine for the few dozen a teaching
 * system runs, and nothing to keep in step when threads come and go. */
struct task *thread_first(const struct task *g)
{
	return thread_from(g, all_tasks);
}

struct task *thread_next(const struct task *g, struct task *t)
{
	return thread_from(g, t->all_next);
}

void task_set_comm(struct task *t, const char *path)
{
	const char *base = path;

	for (const char *p = path; *p; p++)
		if (*p == '/' && p[1])
			base = p + 1;
	strlcpy(t->comm, base, sizeof(t->comm));
}
