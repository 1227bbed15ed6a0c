/*
 * kernel/mutex.c - sleeping locks (vmos/mutex.h).
 *
 * Locking: the owner field and the wait queue are changed with interrupts
 * disabled, on the one CPU that runs tasks (docs/smp.md): no interrupt
 * handler takes a mutex, so that is enough until tasks run on every CPU,
 * when each mutex gains a spinlock for these few lines.
 */
#include <vmos/mutex.h>
#include <vmos/printk.h>
#include <asm/arch.h>
#include <asm/percpu.h>
#include "kernel/task.h"
#include <vmos/lockdep.h>

static __attribute__((noinline, cold)) __noreturn void mutex_bug(const struct mutex *m,
							       const char *what)
{
	panic("mutex %s: %s (owner %s[%d], current %s[%d])", m->name, what,
	      m->owner ? m->owner->comm : "none", m->owner ? m->owner->pid : 0,
	      current->comm, current->pid);
}

__sched void mutex_lock(struct mutex *m)
{
	u64 flags;

	if (in_irq())
		mutex_bug(m, "taken in an interrupt handler");
	lockdep_assert_none_held("mutex_lock"); /* the checked kernel's check */
	flags = arch_irq_save();
	if (m->owner == current)
		mutex_bug(m, "taken again by its holder: it would wait for itself");
	while (m->owner)
		wait_sleep_uninterruptible(&m->waiters, 0);
	m->owner = current;
	arch_irq_restore(flags);
}

bool mutex_trylock(struct mutex *m)
{
	u64 flags = arch_irq_save();
	bool taken = !m->owner;

	if (taken)
		m->owner = current;
	arch_irq_restore(flags);
	return taken;
}

void mutex_unlock(struct mutex *m)
{
	u64 flags = arch_irq_save();

	if (m->owner != current)
		mutex_bug(m, "unlocked by a task that does not hold it");
	m->owner = NULL;
	wake_up(&m->waiters); /* they all look again; the first to run takes it */
	arch_irq_restore(flags);
}
