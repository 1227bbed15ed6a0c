/*
 * vmos/bkl.h - the kernel lock: one CPU at a time runs task code in the
 * kernel (Linux's "big kernel lock" of 2.0-2.6, lock_kernel()).
 *
 * This is a stage of issue 18, not the end.  Every CPU runs tasks in user
 * mode at the same time, but a task that enters the kernel (a system
 * call, a fault, or the way back to user mode when it must switch tasks
 * or take a signal) first takes the kernel lock, and gives it up on its
 * way back to user mode.  So the kernel's own data (the run queue, the
 * address spaces, the files, the pipes...) is touched by one CPU at a
 * time, as when vmos ran on one CPU, while programs compute in parallel.
 * The lock belongs to the CPU, not to the task: a task that sleeps
 * switches to the next one with the lock held, and that task goes on
 * holding it (schedule() is always called with it); a CPU whose tasks all
 * sleep gives it up in its idle loop.
 *
 * Interrupt handlers never wait for it (the holder may be the very code
 * they interrupted).  A device's handler only quiets its device at once;
 * the rest of its work (waking the tasks that waited, sending signals)
 * is deferred and runs under the kernel lock: at the end of the
 * interrupt if the lock is free, or else when its holder gives it up,
 * switches tasks, or waits for an interrupt (kernel_run_irq_work()).
 *
 * The next steps take the lock out of path after path (the page-fault
 * path under its address space's mmap_lock first), each replaced by the
 * locks its data needs, until no big lock is left; docs/smp.md follows it.
 */
#ifndef VMOS_BKL_H
#define VMOS_BKL_H

#include <vmos/types.h>
#include <asm/irq.h>
#include <asm/percpu.h>

#define BKL_NO_OWNER (~0u)

/* The lock's state (kernel/bkl.c); the fast paths below are inline: every
 * system call and fault takes and gives up the lock. */
struct kernel_lock_state {
	u32 locked;        /* 1 while held */
	u32 owner;         /* the holder's CPU number, BKL_NO_OWNER when free */
	u64 waiters;       /* CPUs halted until it is free (bit n: CPU n) */
	u32 holder_halted; /* its holder waits for an interrupt (kernel_wait_irq) */
};
extern struct kernel_lock_state bkl;

void kernel_lock_slow(void);
void kernel_unlock_slow(bool held);

/* kernel_trylock - take it if it is free; never spins. */
static inline bool kernel_trylock(void)
{
	if (__atomic_load_n(&bkl.locked, __ATOMIC_RELAXED) ||
	    __atomic_exchange_n(&bkl.locked, 1, __ATOMIC_ACQUIRE))
		return false;
	__atomic_store_n(&bkl.owner, smp_processor_id(), __ATOMIC_RELAXED);
	return true;
}

/* kernel_locked_here - does this CPU hold it? */
static inline bool kernel_locked_here(void)
{
	return __atomic_load_n(&bkl.locked, __ATOMIC_RELAXED) &&
	       __atomic_load_n(&bkl.owner, __ATOMIC_RELAXED) == smp_processor_id();
}

/* kernel_lock - take the kernel lock, waiting (with interrupts on, so
 * that other CPUs' requests are answered meanwhile) while another CPU
 * holds it.  Panics if this CPU holds it already. */
static inline void kernel_lock(void)
{
	if (!kernel_trylock())
		kernel_lock_slow();
}

/* kernel_unlock - run the deferred interrupt work, then give the lock up
 * (and wake a CPU that waits for it).  True if it took the slow way (work
 * ran, which may have woken a task: exit_to_user_mode() looks again). */
static inline bool kernel_unlock(void)
{
#ifdef CONFIG_LOCKDEP /* the checked kernel: an unlock of a lock not held */
	if (!kernel_locked_here())
		kernel_unlock_slow(true); /* panics, naming the CPU */
#endif
	if (irq_deferred_pending()) {
		kernel_unlock_slow(true);
		return true;
	}
	__atomic_store_n(&bkl.owner, BKL_NO_OWNER, __ATOMIC_RELAXED);
	/* An exchange: a full barrier before the waiters are read (a CPU
	 * sets its bit, then tries once more, then halts). */
	__atomic_exchange_n(&bkl.locked, 0, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&bkl.waiters, __ATOMIC_RELAXED) || irq_deferred_pending()) {
		kernel_unlock_slow(false); /* wakes one; the work a handler left */
		return true;
	}
	return false;
}

/* kernel_run_irq_work - run the deferred interrupt work now: this CPU
 * holds the lock, interrupts are off (schedule(), and a task that waited
 * for an interrupt with the lock held). */
void kernel_run_irq_work(void);
/* kernel_irq_exit - at the end of an interrupt: run its deferred work if
 * the lock is free (else its holder will, woken if it waits for it). */
void kernel_irq_exit_slow(void);
static inline void kernel_irq_exit(void)
{
	if (irq_deferred_pending())
		kernel_irq_exit_slow();
}
/* kernel_wait_irq - the holder, interrupts off: wait for an interrupt
 * (on any CPU: the device's goes to CPU 0, whose kernel_irq_exit() wakes
 * this one), then run the work deferred meanwhile. */
void kernel_wait_irq(void);

#endif
