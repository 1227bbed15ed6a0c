/*
 * kernel/panic.c - the end of the line for a kernel bug.
 */
#include "kernel/panic.h"
#include "kernel/catch.h"
#include <vmos/printk.h>
#include <vmos/format.h>
#include <asm/arch.h>

static bool in_panic;

static __noreturn void vpanic(const struct trap_frame *tf, const char *fmt,
			      va_list ap)
{
	char msg[256];

	arch_irq_disable();
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	catch_panic(msg); /* a self-test expecting this panic resumes */
	if (in_panic) {
		printk(KERN_EMERG "PANIC while panicking: %s\n", msg);
		arch_power_off(PANIC_EXIT_STATUS);
	}
	in_panic = true;
	printk(KERN_EMERG "PANIC: %s\n", msg);
	arch_panic_dump(tf);
	printk(KERN_EMERG "Kernel panic: powering off (exit status %d)\n",
	       PANIC_EXIT_STATUS);
	arch_power_off(PANIC_EXIT_STATUS);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpanic(NULL, fmt, ap);
}

void panic_frame(const struct trap_frame *tf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpanic(tf, fmt, ap);
}
