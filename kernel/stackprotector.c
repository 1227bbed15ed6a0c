/*
 * kernel/stackprotector.c - the canary and what happens when it dies (see
 * stackprotector.h).
 */
#include "kernel/stackprotector.h"
#include "kernel/ksyms.h"
#include <vmos/printk.h>
#include "kernel/random.h"

u64 __stack_chk_guard = STACK_CANARY_BOOT;

__no_stack_protector void stack_protector_init(void)
{
	/* The low byte is zero, as in glibc and Linux: an overflow by a
	 * string copy (strcpy, a %s) cannot write the canary back, because
	 * it stops at the NUL it would have to write first. */
	__stack_chk_guard = random_u64() & ~0xffull;
}

/*
 * __stack_chk_fail - called by a function whose canary was overwritten,
 * instead of returning through a return address that may be overwritten
 * too.  Its return address is in that function.
 */
__no_stack_protector __noreturn void __stack_chk_fail(void)
{
	char where[KSYM_NAME_BUF];

	ksym_format_return((u64)__builtin_return_address(0), where, sizeof(where));
	panic("stack protector: stack smashed in %s: a local buffer overflowed "
	      "over the canary below the return address", where);
}
