/*
 * kernel/bkl.c - the kernel lock (vmos/bkl.h): who may run task code in
 * the kernel, and the interrupt work deferred until it is free.
 *
 * A word set with an atomic exchange, as a spinlock, and the number of the
 * CPU that holds it.  It is not a struct spinlock: its holder sleeps and
 * switches tasks with it held, which a spinlock's holder must never do,
 * and the lock checker does not follow it.
 *
 * A CPU that finds it held spins a little, then halts until the holder
 * gives it up and wakes it with a reschedule IPI (Linux's paravirtual
 * spinlocks do the same under a hypervisor): a virtual CPU that spins
 * takes the host's processor from the very CPU it waits for.  Under QEMU
 * on two host cores, spinning made `make test` five times slower.
 */
#include <vmos/bkl.h>
#include <vmos/printk.h>
#include <asm/arch.h>
#include <asm/cpu.h>
#include <asm/irq.h>
#include <asm/percpu.h>

#define SPIN_BEFORE_HALT 200 /* tries before a waiting CPU halts */

struct kernel_lock_state bkl = { 0, BKL_NO_OWNER, 0, 0 };

void kernel_lock_slow(void)
{
	u64 flags;

	if (kernel_locked_here())
		panic("kernel_lock: CPU %u takes the kernel lock, which it holds "
		      "already", smp_processor_id());
	/* Wait with interrupts on: the holder may be waiting for this CPU to
	 * answer an IPI (a TLB shootdown).  The halt: the bit first, then one
	 * more try, then sti;hlt, which takes the holder's wake-up IPI even
	 * if it came between the try and the hlt. */
	flags = arch_irq_save();
	arch_irq_enable();
	for (unsigned spins = 0; !kernel_trylock(); spins++) {
		u64 me = 1ull << smp_processor_id();
		bool got;

		if (spins < SPIN_BEFORE_HALT) {
			cpu_relax();
			continue;
		}
		arch_irq_disable();
		__atomic_or_fetch(&bkl.waiters, me, __ATOMIC_SEQ_CST);
		got = kernel_trylock();
		if (!got)
			arch_idle(); /* sti; hlt: interrupts on again */
		__atomic_and_fetch(&bkl.waiters, ~me, __ATOMIC_SEQ_CST);
		if (got)
			break;
	}
	arch_irq_restore(flags);
}

void kernel_run_irq_work(void)
{
	if (!irq_deferred_pending())
		return;
	this_cpu()->irq_depth++; /* handlers' work: in_irq(), it cannot sleep */
	irq_run_deferred();
	this_cpu()->irq_depth--;
}

/* The slow half of kernel_unlock(): the lock is held still (held: work to
 * run first) or was given up already (a waiter to wake, or work a handler
 * deferred after the check; another CPU may hold it by now). */
void kernel_unlock_slow(bool held)
{
	u64 flags = arch_irq_save();

	if (held && !kernel_locked_here())
		panic("kernel_unlock: CPU %u does not hold the kernel lock",
		      smp_processor_id());
	for (;;) {
		if (held) {
			kernel_run_irq_work();
			__atomic_store_n(&bkl.owner, BKL_NO_OWNER, __ATOMIC_RELAXED);
			__atomic_exchange_n(&bkl.locked, 0, __ATOMIC_SEQ_CST);
		}
		/* Wake one CPU halted for the lock (the lowest): its bit was
		 * set before its last try. */
		u64 w = __atomic_load_n(&bkl.waiters, __ATOMIC_SEQ_CST);

		if (w)
			arch_send_reschedule((unsigned)__builtin_ctzll(w));
		/* An interrupt on another CPU may have deferred work after the
		 * run above and found the lock still held: take it back for
		 * that work, unless someone else has it now (then they run it). */
		if (!irq_deferred_pending() || !kernel_trylock())
			break;
		held = true;
	}
	arch_irq_restore(flags);
}

void kernel_irq_exit_slow(void)
{
	u32 owner;

	if (kernel_trylock()) {
		kernel_unlock();
		return;
	}
	/* The holder halted for this interrupt's work (a disk answer) on
	 * another CPU: the device's interrupt came here, so wake it. */
	owner = __atomic_load_n(&bkl.owner, __ATOMIC_RELAXED);
	if (__atomic_load_n(&bkl.holder_halted, __ATOMIC_ACQUIRE) &&
	    owner != BKL_NO_OWNER && owner != smp_processor_id())
		arch_send_reschedule(owner);
}

void kernel_wait_irq(void)
{
	__atomic_store_n(&bkl.holder_halted, 1, __ATOMIC_SEQ_CST);
	if (!irq_deferred_pending())
		arch_wait_irq(); /* sti; hlt; cli */
	__atomic_store_n(&bkl.holder_halted, 0, __ATOMIC_RELAXED);
	kernel_run_irq_work();
}
