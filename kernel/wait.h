/*
 * kernel/wait.h - wait queues: a list of tasks sleeping until something
 * happens (a child exits, a pipe gets data, a key is pressed).
 *
 *	while (!condition) {                  // what wait_event() does
 *		r = wait_sleep(&wq);          // -ERESTARTSYS if a signal came
 *		...
 *	}
 *	wake_up(&wq);                         // the other side
 *
 * One CPU and a kernel that is not preempted: only an interrupt handler
 * can change the condition between the test and the sleep, so wait_event()
 * tests it with interrupts disabled and wait_sleep() must be called so.
 */
#ifndef KERNEL_WAIT_H
#define KERNEL_WAIT_H

#include <vmos/types.h>
#include <asm/arch.h>

struct task;

struct wait_queue {
	struct task *head;
};

/* wait_sleep - with interrupts disabled: sleep on wq until woken; 0, or
 * -ERESTARTSYS if a signal is pending (then it does not sleep at all): the
 * system call returns it, and the signal code turns it into -EINTR or a
 * restart (SA_RESTART). */
int wait_sleep(struct wait_queue *wq);
/* wait_sleep_uninterruptible - with interrupts disabled: sleep on wq until
 * woken, or until the clock reaches until_ns (0: no limit).  A signal does
 * not end it: for waits that must finish (a disk request, a mutex);
 * /proc shows the task in state D. */
void wait_sleep_uninterruptible(struct wait_queue *wq, u64 until_ns);
/* wake_up - make every task sleeping on wq runnable. */
void wake_up(struct wait_queue *wq);
/* wait_remove - take t off wq (a signal or timeout woke it elsewhere). */
void wait_remove(struct wait_queue *wq, struct task *t);

/* wait_event - sleep until cond holds: 0, or -ERESTARTSYS if a signal
 * came first.  cond is tested once more after a signal: what the task
 * waited for wins over a signal that came with it (a child that exits
 * sends SIGCHLD too; wait4 must still return it, as on Linux). */
#define wait_event(wq, cond)                                   \
	({                                                     \
		int __r = 0;                                   \
		u64 __flags = arch_irq_save();                 \
		while (!(cond)) {                              \
			__r = wait_sleep(wq);                  \
			if (__r) {                             \
				if (cond)                      \
					__r = 0;               \
				break;                         \
			}                                      \
		}                                              \
		arch_irq_restore(__flags);                     \
		__r;                                           \
	})

#endif
