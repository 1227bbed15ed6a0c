/*
 * kernel/task.c - creating, finding and freeing tasks.
 */
#include "kernel/task.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

static struct task *all_tasks; /* every live task, newest last */
static int next_pid = 1;

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

struct task *task_alloc(const char *comm)
{
	struct task *t = kzalloc(sizeof(*t)), **pp;
	int pid = pid_alloc();

	if (!t || pid < 0) {
		kfree(t);
		return NULL;
	}
	if (kstack_alloc(&t->kstack) < 0) {
		kfree(t);
		return NULL;
	}
	t->pid = t->tgid = pid;
	t->state = TASK_SLEEPING; /* not runnable until sched_add() */
	t->start_ns = arch_clock_ns();
	task_set_comm(t, comm);
	for (pp = &all_tasks; *pp; pp = &(*pp)->all_next)
		;
	*pp = t;
	return t;
}

void task_free(struct task *t)
{
	struct task **pp;

	for (pp = &all_tasks; *pp; pp = &(*pp)->all_next) {
		if (*pp == t) {
			*pp = t->all_next;
			break;
		}
	}
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

struct task *task_first(void)
{
	return all_tasks;
}

void task_set_comm(struct task *t, const char *path)
{
	const char *base = path;

	for (const char *p = path; *p; p++)
		if (*p == '/' && p[1])
			base = p + 1;
	strlcpy(t->comm, base, sizeof(t->comm));
}
