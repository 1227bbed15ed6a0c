/*
 * kernel/panic.h - panic with a trap frame (registers and backtrace of the
 * interrupted code).  Plain panic() is declared in include/vmos/printk.h.
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <stdarg.h>
#include <vmos/types.h>

struct trap_frame;

#define PANIC_EXIT_STATUS 127 /* QEMU exit code 255 under isa-debug-exit */

__printf(2, 3) __noreturn void panic_frame(const struct trap_frame *tf,
					   const char *fmt, ...);

/* arch_panic_dump - registers (when tf is given) and a backtrace. */
void arch_panic_dump(const struct trap_frame *tf);

#endif
