/*
 * tests/unit/include/asm/percpu.h - the host unit tests' CPU number: a
 * plain variable the test sets, to play several CPUs on one thread (the
 * kernel's reads it through GS), defined in host_shim.c.
 */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <asm/smp.h>

extern unsigned host_cpu_id;

static inline unsigned smp_processor_id(void)
{
	return host_cpu_id;
}

#endif
