/*
 * kernel/stackprotector.h - the stack protector's canary (every build).
 *
 * The kernel is compiled with -fstack-protector-strong: each function with
 * a local array or a local whose address is taken keeps a copy of
 * __stack_chk_guard (the canary) between its locals and its return address,
 * and compares it before returning.  A local buffer that overflows upwards
 * overwrites the canary before it reaches the return address, and the
 * compare calls __stack_chk_fail(), which panics naming the function.
 *
 * There is no per-CPU data or TLS (%fs) in the kernel, so the canary is one
 * global word (-mstack-protector-guard=global).
 */
#ifndef KERNEL_STACKPROTECTOR_H
#define KERNEL_STACKPROTECTOR_H

#include <vmos/types.h>

/* The canary until stack_protector_init(): fixed, so early boot code is
 * checked too (against overflows, not against an attacker, who would
 * have to guess the canary). */
#define STACK_CANARY_BOOT 0x2f8a6c91d35e4b00ull

extern u64 __stack_chk_guard;

/* For the functions running while the canary changes: they compared the
 * old value on entry and would see a mismatch at their return. */
#define __no_stack_protector __attribute__((no_stack_protector))

/*
 * stack_protector_init - give the canary its random value.  Call it once,
 * as early as the random generator works, from a function that does not
 * return (kmain) or is __no_stack_protector: every protected function
 * active at that moment would fail its check.
 */
void stack_protector_init(void);

#endif
