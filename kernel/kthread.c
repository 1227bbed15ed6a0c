/*
 * kernel/kthread.c - kernel threads and kthreadd (see kthread.h).
 *
 * A kernel thread is a task made by task_alloc() like any other, with
 * PF_KTHREAD set and nothing of a process's: no mm, no files, no fs
 * context.  Its kernel stack starts at kthread_entry(), which calls the
 * thread's function; the user frame at the top of the stack stays unused,
 * since the function never returns to task_start's trap_return.
 */
#include "kernel/kthread.h"
#include <vmos/printk.h>
#include "kernel/rlimit.h"
#include "kernel/task.h"
#include "kernel/wait.h"
#include <asm/thread.h>

static struct task *kthreadd_task;
static struct wait_queue kthreadd_wait; /* a kernel thread has ended */

/* kthread_exit - the end of a kernel thread: a zombie until kthreadd
 * frees it (it cannot free the stack it is running on). */
static __noreturn void kthread_exit(int code)
{
	struct task *t = current;

	arch_irq_disable();
	t->exit_status = code;
	t->group_live = 0;
	t->state = TASK_ZOMBIE;
	wake_up(&kthreadd_wait);
	schedule();
	panic("kthread_exit: %s[%d] was scheduled again", t->comm, t->pid);
}

/* The first function on a kernel thread's stack (arch_thread_start). */
static void kthread_entry(void *arg)
{
	struct task *t = arg;

	kthread_exit(t->kthread_fn(t->kthread_data));
}

struct task *kthread_create(int (*threadfn)(void *data), void *data,
			    const char *name)
{
	struct task *t = task_alloc(name);

	if (!t)
		return NULL;
	t->flags = PF_KTHREAD;
	t->kthread_fn = threadfn;
	t->kthread_data = data;
	t->sig.altstack.ss_flags = SS_DISABLE;
	rlimit_init_defaults(t->rlimits);
	/* Its FPU image stays zero: kernel code uses no FPU registers
	 * (-mgeneral-regs-only); a switch only saves and restores it. */
	arch_thread_start(&t->thread, t->kstack.top, kthread_entry, t);
	if (kthreadd_task) { /* kthreadd itself is nobody's child */
		t->parent = kthreadd_task;
		t->next_sibling = kthreadd_task->children;
		kthreadd_task->children = t;
	}
	return t;
}

struct task *kthread_run(int (*threadfn)(void *data), void *data,
			 const char *name)
{
	struct task *t = kthread_create(threadfn, data, name);

	if (t)
		sched_add(t);
	return t;
}

/* take_dead_child - unlink and return a child of kthreadd that has ended,
 * or NULL. */
static struct task *take_dead_child(void)
{
	for (struct task **pp = &kthreadd_task->children; *pp;
	     pp = &(*pp)->next_sibling) {
		struct task *c = *pp;

		if (c->state == TASK_ZOMBIE) {
			*pp = c->next_sibling;
			return c;
		}
	}
	return NULL;
}

/* kthreadd's loop: free each kernel thread that has ended. */
static int kthreadd(void *unused)
{
	for (;;) {
		struct task *dead;

		/* no signal reaches a kernel thread: this only returns
		 * with a dead child */
		wait_event(&kthreadd_wait, (dead = take_dead_child()) != NULL);
		task_free(dead);
	}
	return 0;
}

void kthread_init(void)
{
	kthreadd_task = kthread_run(kthreadd, NULL, "kthreadd");
	if (!kthreadd_task || kthreadd_task->pid != KTHREADD_PID)
		panic("kthread_init: cannot create kthreadd as PID %d",
		      KTHREADD_PID);
}
