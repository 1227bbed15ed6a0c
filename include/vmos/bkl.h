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

/* kernel_lock - take the kernel lock, spinning (with interrupts on, so
 * that other CPUs' requests are answered meanwhile) while another CPU
 * holds it.  Panics if this CPU holds it already. */
void kernel_lock(void);
/* kernel_unlock - run the deferred interrupt work, then give the lock up. */
void kernel_unlock(void);
/* kernel_trylock - take it if it is free; never spins. */
bool kernel_trylock(void);
/* kernel_locked_here - does this CPU hold it? */
bool kernel_locked_here(void);
/* kernel_run_irq_work - run the deferred interrupt work now: this CPU
 * holds the lock, interrupts are off (schedule(), and a task that waited
 * for an interrupt with the lock held). */
void kernel_run_irq_work(void);
/* kernel_irq_exit - at the end of an interrupt: run its deferred work if
 * the lock is free (else its holder will, woken if it waits for it). */
void kernel_irq_exit(void);
/* kernel_wait_irq - the holder, interrupts off: wait for an interrupt
 * (on any CPU: the device's goes to CPU 0, whose kernel_irq_exit() wakes
 * this one), then run the work deferred meanwhile. */
void kernel_wait_irq(void);

#endif
