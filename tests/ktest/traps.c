/*
 * tests/ktest/traps.c - ktest=traps: CPU exceptions reach the right handler
 * with the right vector, and the kernel carries on.
 */
#include "kernel/catch.h"
#include "kernel/ktest.h"
#include <asm/trap.h>

static void divide_by_zero(void *arg)
{
	volatile u64 zero = 0;

	(void)arg;
	asm volatile("divq %1" : : "a"(1ul), "r"(zero), "d"(0ul));
}

static void invalid_opcode(void *arg)
{
	(void)arg;
	asm volatile("ud2");
}

static void breakpoint(void *arg)
{
	(void)arg;
	asm volatile("int3");
}

static void non_canonical(void *arg)
{
	(void)arg;
	(void)*(volatile u64 *)0x0000800000000000ul; /* just past user space */
}

static void expect_vector(void (*fn)(void *), u64 vector)
{
	struct catcher c;

	ktest_catch(&c, fn, NULL);
	ktest_check(c.caught == CAUGHT_TRAP && c.vector == vector,
		    "%s arrives as vector %lu", trap_name(vector), vector);
}

static void ktest_traps(void)
{
	expect_vector(divide_by_zero, VEC_DIVIDE);
	expect_vector(invalid_opcode, VEC_INVALID_OPCODE);
	expect_vector(breakpoint, VEC_BREAKPOINT);
	expect_vector(non_canonical, VEC_GP);
}

KTEST(ktest_traps, "traps",
      "CPU exceptions reach their handlers", true);
