/*
 * tests/unit/include/asm/current.h - the host unit tests' current: a plain
 * variable the test sets (the kernel's reads it through GS).
 */
#ifndef ASM_CURRENT_H
#define ASM_CURRENT_H

struct task;
extern struct task *host_current;
#define current host_current

static inline void set_current(struct task *t)
{
	host_current = t;
}

#endif
