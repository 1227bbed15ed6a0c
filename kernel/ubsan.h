/*
 * kernel/ubsan.h - the undefined-behaviour sanitizer's runtime, in the
 * checked kernel (build/kernel-check.elf, built with -fsanitize=undefined
 * and -DCONFIG_UBSAN; see docs/robustness.md, "The checked kernel").
 *
 * GCC puts a check before every operation whose result C leaves undefined
 * (a signed overflow, a shift by 64, an index past an array, a misaligned
 * or NULL pointer, a bool that is neither 0 nor 1...) and calls one of the
 * __ubsan_handle_* functions of kernel/ubsan.c when it fails.  Each prints
 *
 *	UBSAN: <kind> in <file>:<line>:<col> (<function>+0x<offset>)
 *	UBSAN:   <what happened, with the values>
 *
 * once per source location, and returns: the kernel goes on, as the
 * compiled code does after the check.  The test harness fails any test
 * whose log has "UBSAN:".
 */
#ifndef KERNEL_UBSAN_H
#define KERNEL_UBSAN_H

#include <vmos/types.h>

/* ubsan_report_count - how many reports were printed since boot. */
unsigned ubsan_report_count(void);
/* ubsan_was_reported - was a report of kind printed for file:line? */
bool ubsan_was_reported(const char *kind, const char *file, u32 line);

#endif
