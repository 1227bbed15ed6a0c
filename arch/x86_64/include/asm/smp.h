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
extern unsigned nr_cpus_present; /* CPUs the firmware reported */
extern unsigned nr_cpus_online;  /* of those, running the kernel */

/* smp_init - start every other CPU the firmware reported (INIT, STARTUP,
 * STARTUP), one at a time, each on its own stacks, GDT and TSS; each
 * reports in and parks (smp.c says why).  Prints one line. */
void smp_init(void);

#endif
