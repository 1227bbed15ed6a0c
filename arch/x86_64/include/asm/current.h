/*
 * asm/current.h - current: the task the running CPU runs.
 *
 * Not a variable: this CPU's struct percpu (asm/percpu.h) holds it, read
 * through GS in one instruction.  In gdb, where GS is not at hand for a
 * breakpoint condition, `$current()` (tools/gdb/vmos.py) gives the same
 * task for the CPU gdb is looking at.
 */
#ifndef ASM_CURRENT_H
#define ASM_CURRENT_H

#include <asm/percpu.h>

static inline struct task *get_current(void)
{
	struct task *t;

	asm volatile("mov %%gs:%c1, %0" : "=r"(t) : "i"(PERCPU_CURRENT));
	return t;
}

/* set_current - the scheduler's: the running CPU now runs t. */
static inline void set_current(struct task *t)
{
	asm volatile("mov %0, %%gs:%c1" : : "r"(t), "i"(PERCPU_CURRENT) : "memory");
}

/* cpu_curr - the task CPU cpu runs (Linux's name): read under the
 * kernel lock, it stays so until the lock is given up. */
static inline struct task *cpu_curr(unsigned cpu)
{
	return percpu[cpu].current;
}

#define current get_current()

#endif
