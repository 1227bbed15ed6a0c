/*
 * asm/apic.h - the local APIC: each CPU's own interrupt controller, and
 * how one CPU sends another an interrupt (an IPI).
 *
 * vmos still takes its device and timer interrupts through the 8259 PICs
 * (arch/x86_64/irq.c), which reach the boot CPU through its local APIC's
 * LINT0 ("virtual wire" mode, as the firmware left it).  The local APIC is
 * used to start the other CPUs (INIT and STARTUP IPIs, arch/x86_64/smp.c).
 * Registers: Intel SDM vol. 3, chapter 11 ("Advanced Programmable
 * Interrupt Controller"); the xAPIC's memory-mapped page, 0xfee00000 by
 * default (IA32_APIC_BASE MSR).
 */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <vmos/types.h>

/* lapic_init - map the local APIC's registers and enable the boot CPU's
 * (spurious vector VEC_SPURIOUS; the firmware's LINT0/LINT1 setup kept:
 * the PICs reach the CPU through it). */
void lapic_init(void);
/* lapic_init_ap - enable the local APIC of the CPU running this, an
 * application processor: LINT0 and LINT1 masked (the PICs' interrupts go
 * to the boot CPU only). */
void lapic_init_ap(void);
/* lapic_mask_lint0 - the 8259 PICs no longer reach this CPU (irq.c). */
void lapic_mask_lint0(void);
/* lapic_id - the local APIC id of the CPU running this. */
u32 lapic_id(void);
/* lapic_send_init / lapic_send_startup - an INIT IPI (the CPU resets and
 * waits), a STARTUP IPI (it starts in real mode at vector << 12), to the
 * CPU whose local APIC id is apic_id.  0, or -ETIMEDOUT if the local APIC
 * never reported the IPI sent. */
int lapic_send_init(u32 apic_id);
/* lapic_send_ipi - interrupt vector on the CPU with local APIC id
 * apic_id (fixed delivery): 0, or -ETIMEDOUT. */
int lapic_send_ipi(u32 apic_id, u8 vector);
/* lapic_eoi - the interrupt this CPU's local APIC delivered is handled. */
void lapic_eoi(void);
int lapic_send_startup(u32 apic_id, u8 vector);
/* lapic_timer_calibrate - on the boot CPU, once the clock runs: how many
 * counts of the local APIC timer make a tick (1/TIMER_HZ s).  Every
 * CPU's timer runs at the same rate. */
void lapic_timer_calibrate(void);
/* lapic_timer_start / lapic_timer_stop - this CPU's timer interrupts
 * (VEC_LOCAL_TIMER) TIMER_HZ times a second, or not at all. */
void lapic_timer_start(void);
void lapic_timer_stop(void);

#endif
