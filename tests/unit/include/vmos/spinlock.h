/*
 * tests/unit/include/vmos/spinlock.h - the host unit tests' spinlocks:
 * one thread and no interrupts, so there is nothing to exclude.  (A test
 * that expects a panic leaves the function that panicked half-way, lock
 * and all: a flag here would then refuse every later call.)
 */
#ifndef VMOS_SPINLOCK_H
#define VMOS_SPINLOCK_H

#include <vmos/types.h>

struct spinlock {
	const char *name;
};

#define SPINLOCK_INIT(name_) { .name = (name_) }
#define DEFINE_SPINLOCK(var) struct spinlock var = SPINLOCK_INIT(#var)

static inline void spin_lock_init(struct spinlock *l, const char *name)
{
	l->name = name;
}

static inline void spin_lock(struct spinlock *l) { (void)l; }
static inline void spin_unlock(struct spinlock *l) { (void)l; }

static inline u64 spin_lock_irqsave(struct spinlock *l)
{
	(void)l;
	return 0;
}

static inline void spin_unlock_irqrestore(struct spinlock *l, u64 flags)
{
	(void)l;
	(void)flags;
}

static inline u64 local_irq_save(void)
{
	return 0;
}

static inline void local_irq_restore(u64 flags)
{
	(void)flags;
}

/* The host's CPU number: asm/percpu.h's host_cpu_id (0 unless a test
 * plays another CPU). */
#include <asm/percpu.h>

#endif
