/*
 * kernel/kthread.h - kernel threads: tasks that run a kernel function on
 * a kernel stack of their own and never enter user mode (Linux's kthread
 * API, include/linux/kthread.h).
 *
 * A kernel thread has no address space (mm is NULL: it runs on the
 * kernel's page tables), no open files and no user registers; the
 * scheduler runs it like any other task, and since the kernel is not
 * preempted it must sleep or call cond_resched() in long loops.  Signals
 * sent to it are ignored.  Every kernel thread is a child of kthreadd,
 * PID 2, which is a child of no one (PPID 0), as on Linux; kthreadd reaps
 * the ones whose function returns.  /proc shows them as Linux does
 * (PF_KTHREAD in stat, empty cmdline, maps and fd, `[name]` in ps).
 */
#ifndef KERNEL_KTHREAD_H
#define KERNEL_KTHREAD_H

#include <vmos/types.h>

struct task;

/* kthread_init - start kthreadd; call once, right after init (PID 1) is
 * made, so that it gets PID 2. */
void kthread_init(void);
/*
 * kthread_create - a kernel thread named name (the comm, at most 15
 * characters) that will run threadfn(data), not yet running; when
 * threadfn returns, the thread ends (kthreadd frees it).  NULL when out of
 * memory or PIDs.
 */
struct task *kthread_create(int (*threadfn)(void *data), void *data,
			    const char *name);
/* kthread_run - kthread_create, then make it runnable. */
struct task *kthread_run(int (*threadfn)(void *data), void *data,
			 const char *name);

#endif
