/*
 * asm/smp.h - the CPUs: how many there are, and starting the others.
 */
#ifndef ASM_SMP_H
#define ASM_SMP_H

#include <vmos/types.h>

#define NR_CPUS 64 /* the most vmos starts (ACPI_MAX_CPUS) */

/* What vmos knows about each CPU (arch/x86_64/smp.c). */
struct cpu_info {
	u32 apic_id;    /* its local APIC id (the MADT's) */
	bool online;    /* started: running the kernel */
	u64 started_ns; /* when it reported in (arch_clock_ns), 0 for the boot CPU */
};
extern struct cpu_info cpu_info[NR_CPUS];
extern unsigned nr_cpus_online;  /* of those, running the kernel */

/* smp_init - start every other CPU the firmware reported (INIT, STARTUP,
 * STARTUP), one at a time, each on its own stacks, GDT and TSS; each
 * reports in and parks (smp.c says why).  Prints one line. */
void smp_init(void);

/*
 * smp_call_function_single - run fn(arg) on CPU cpu (another one, online)
 * by an inter-processor interrupt, and wait until it has returned there.
 * fn runs in that CPU's interrupt handler: short, no sleeping.  0, or
 * -ENXIO (no such CPU online, or the running one), -ETIMEDOUT (it did
 * not answer within a second: it runs with interrupts off).
 *
 * Call with interrupts on: a CPU waiting with them off for another that
 * waits for it the same way would wait forever (Linux's rule too).
 */
int smp_call_function_single(unsigned cpu, void (*fn)(void *), void *arg);
/* smp_call_function_others - the same on every other online CPU at once:
 * every IPI is sent before any answer is waited for.  0 or -ETIMEDOUT. */
int smp_call_function_others(void (*fn)(void *), void *arg);
/* smp_call_function_many - the same on the online CPUs of mask (bit n:
 * CPU n), this one left out. */
int smp_call_function_many(u64 mask, void (*fn)(void *), void *arg);
/* smp_call_function_interrupt - trap_dispatch's, for VEC_CALL_FUNCTION. */
void smp_call_function_interrupt(void);

#endif
