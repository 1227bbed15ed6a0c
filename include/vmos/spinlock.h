/*
 * vmos/spinlock.h - spinlocks: mutual exclusion between CPUs.
 *
 * A CPU that finds the lock held spins (pause) until it is free; the
 * holder must therefore never sleep, and holds it briefly.  Data an
 * interrupt handler also touches needs spin_lock_irqsave(): with
 * interrupts on, a handler arriving on the holder's own CPU would spin
 * on the lock forever.  Every lock has a name; all locks with one name
 * form a class, and in the checked kernel the lock checker
 * (kernel/lockdep.c) follows the order classes are taken in and reports
 * a possible deadlock the first time two classes are taken in both
 * orders, a class taken both in handlers and with interrupts on, and
 * sleeping with a spinlock held.  Taking a lock this CPU already holds
 * would spin forever: that panics in every kernel.
 * docs/smp.md lists the locks and their order.
 */
#ifndef VMOS_SPINLOCK_H
#define VMOS_SPINLOCK_H

#include <vmos/types.h>
#include <asm/arch.h>
#include <asm/cpu.h>
#include <asm/percpu.h>
#ifdef CONFIG_LOCKDEP
#include <vmos/lockdep.h>
#endif

struct spinlock {
	u32 locked;       /* 1 while held */
	u32 owner;        /* the holder's CPU number, valid while held */
	const char *name; /* its class: every lock of this name */
#ifdef CONFIG_LOCKDEP
	struct lock_class *class; /* looked up on first use */
#endif
};

#define SPINLOCK_INIT(name_) { .name = (name_) }
/* DEFINE_SPINLOCK - a lock (static or global) named as the variable. */
#define DEFINE_SPINLOCK(var) struct spinlock var = SPINLOCK_INIT(#var)

static inline void spin_lock_init(struct spinlock *l, const char *name)
{
	*l = (struct spinlock)SPINLOCK_INIT(name);
}

void spin_lock_recursion(const struct spinlock *l) __attribute__((noreturn, cold));

#ifdef CONFIG_LOCKDEP
static inline struct lock_class *spin_class(struct spinlock *l)
{
	if (!l->class)
		l->class = lockdep_class(l->name);
	return l->class;
}
#define spin_acquired(l, irqs_on) \
	lockdep_acquire(spin_class(l), (irqs_on), in_irq(), __func__)
#define spin_released(l) lockdep_release(spin_class(l), __func__)
#else
#define spin_acquired(l, irqs_on) ((void)(irqs_on))
#define spin_released(l) ((void)0)
#endif

static inline void arch_spin_lock(struct spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
		if (__atomic_load_n(&l->owner, __ATOMIC_RELAXED) == smp_processor_id())
			spin_lock_recursion(l);
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			cpu_relax();
	}
	l->owner = smp_processor_id();
}

static inline void arch_spin_unlock(struct spinlock *l)
{
	l->owner = ~0u;
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

/* spin_lock / spin_unlock - for data no interrupt handler touches. */
static inline void spin_lock(struct spinlock *l)
{
	arch_spin_lock(l);
	spin_acquired(l, arch_irqs_enabled());
}

static inline void spin_unlock(struct spinlock *l)
{
	spin_released(l);
	arch_spin_unlock(l);
}

/* spin_lock_irqsave - interrupts off on this CPU, then the lock; returns
 * the interrupt state to give spin_unlock_irqrestore(). */
static inline u64 spin_lock_irqsave(struct spinlock *l)
{
	u64 flags = arch_irq_save();

	arch_spin_lock(l);
	spin_acquired(l, false);
	return flags;
}

static inline void spin_unlock_irqrestore(struct spinlock *l, u64 flags)
{
	spin_released(l);
	arch_spin_unlock(l);
	arch_irq_restore(flags);
}

/* local_irq_save / local_irq_restore - interrupts off on this CPU only,
 * for data that is this CPU's own (Linux's names): no other CPU touches
 * it, so no lock; only a handler on this CPU could. */
static inline u64 local_irq_save(void)
{
	return arch_irq_save();
}

static inline void local_irq_restore(u64 flags)
{
	arch_irq_restore(flags);
}

/* spin_is_held_here - does this CPU hold l (assertions)? */
static inline bool spin_is_held_here(const struct spinlock *l)
{
	return __atomic_load_n(&l->locked, __ATOMIC_RELAXED) &&
	       l->owner == smp_processor_id();
}

#endif
