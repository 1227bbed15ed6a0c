/*
 * kernel/bkl.c - the kernel lock (vmos/bkl.h): who may run task code in
 * the kernel, and the interrupt work deferred until it is free.
 *
 * A word set with an atomic exchange, as a spinlock, and the number of the
 * CPU that holds it.  It is not a struct spinlock: its holder sleeps and
 * switches tasks with it held, which a spinlock's holder must never do,
 * and the lock checker does not follow it.
 */
#include <vmos/bkl.h>
#include <vmos/printk.h>
#include <asm/arch.h>
#include <asm/cpu.h>
#include <asm/irq.h>
#include <asm/percpu.h>

#define NO_OWNER (~0u)

static struct {
	u32 locked;
	u32 owner; /* the holder's CPU number, NO_OWNER when free */
} bkl = { 0, NO_OWNER };

bool kernel_locked_here(void)
{
	return __atomic_load_n(&bkl.locked, __ATOMIC_RELAXED) &&
	       __atomic_load_n(&bkl.owner, __ATOMIC_RELAXED) == smp_processor_id();
}

bool kernel_trylock(void)
{
	if (__atomic_load_n(&bkl.locked, __ATOMIC_RELAXED) ||
	    __atomic_exchange_n(&bkl.locked, 1, __ATOMIC_ACQUIRE))
		return false;
	__atomic_store_n(&bkl.owner, smp_processor_id(), __ATOMIC_RELAXED);
	return true;
}

void kernel_lock(void)
{
	u64 flags;

	if (kernel_trylock())
		return;
	if (kernel_locked_here())
		panic("kernel_lock: CPU %u takes the kernel lock, which it holds "
		      "already", smp_processor_id());
	/* Spin with interrupts on: the holder may be waiting for this CPU to
	 * answer an IPI (a TLB shootdown). */
	flags = arch_irq_save();
	arch_irq_enable();
	while (!kernel_trylock())
		cpu_relax();
	arch_irq_restore(flags);
}

void kernel_run_irq_work(void)
{
	this_cpu()->irq_depth++; /* handlers' work: in_irq(), it cannot sleep */
	irq_run_deferred();
	this_cpu()->irq_depth--;
}

void kernel_unlock(void)
{
	u64 flags = arch_irq_save();

	if (!kernel_locked_here())
		panic("kernel_unlock: CPU %u does not hold the kernel lock",
		      smp_processor_id());
	do {
		kernel_run_irq_work();
		__atomic_store_n(&bkl.owner, NO_OWNER, __ATOMIC_RELAXED);
		__atomic_store_n(&bkl.locked, 0, __ATOMIC_RELEASE);
		/* An interrupt on another CPU may have deferred work after the
		 * run above, and found the lock still held: take it back for
		 * that work, unless someone else has it now (then they run it). */
	} while (irq_deferred_pending() && kernel_trylock());
	arch_irq_restore(flags);
}

void kernel_irq_exit(void)
{
	if (irq_deferred_pending() && kernel_trylock())
		kernel_unlock();
}
