/*
 * kernel/catch.h - recovering from an expected fault or panic.
 *
 * Self-tests that must show a fault happening (a write to kernel text, a
 * double free) arm a catcher, do the bad thing, and find out what the trap
 * handler or panic() saw instead of dying:
 *
 *	struct catcher c;
 *	if (catch_begin(&c) == 0) {
 *		*(volatile char *)_text = 0;    // faults
 *		catch_end(&c);                  // not reached
 *	}
 *	catch_end(&c);
 *	// c.caught, c.vector, c.fault describe what happened
 *
 * Only one catcher is armed at a time; catch_end() disarms it.
 */
#ifndef KERNEL_CATCH_H
#define KERNEL_CATCH_H

#include <vmos/types.h>
#include "mm/fault.h"

struct arch_jmp_buf {
	u64 rbx, rbp, r12, r13, r14, r15, rsp, rip, rflags;
};
int arch_setjmp(struct arch_jmp_buf *buf) __attribute__((returns_twice));
__noreturn void arch_longjmp(struct arch_jmp_buf *buf, int v);

enum catch_kind { CAUGHT_NOTHING, CAUGHT_TRAP, CAUGHT_PANIC };

struct catcher {
	struct arch_jmp_buf ctx;
	enum catch_kind caught;
	u64 vector;          /* CAUGHT_TRAP: the exception vector */
	u64 error_code;
	struct fault fault;  /* CAUGHT_TRAP of a page fault */
	char message[160];   /* CAUGHT_PANIC: the panic message */
};

extern struct catcher *active_catcher;

/* catch_begin - arm c; returns 0 now and 1 when something was caught. */
#define catch_begin(c) \
	((c)->caught = CAUGHT_NOTHING, active_catcher = (c), arch_setjmp(&(c)->ctx))

static inline void catch_end(struct catcher *c)
{
	(void)c;
	active_catcher = NULL;
}

/* Called by the trap handler / panic(): jump back if a catcher is armed. */
void catch_trap(u64 vector, u64 error_code, const struct fault *f);
void catch_panic(const char *message);

#endif
