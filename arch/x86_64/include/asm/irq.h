/*
 * asm/irq.h - hardware interrupt lines: IRQ 0-15, through the 8259 PICs
 * at boot and the I/O APIC after irq_use_ioapic() (irq.c).
 */
#ifndef ASM_IRQ_H
#define ASM_IRQ_H

#include <vmos/types.h>

#define IRQ_TIMER 0
#define NR_IRQS 16

struct trap_frame;
/* A handler gets the interrupted registers (to tell user from kernel time). */
typedef void (*irq_handler_t)(struct trap_frame *tf);

void pic_init(void);
/* irq_register - call handler on irq and unmask the line. */
void irq_register(unsigned irq, irq_handler_t handler);
/* irq_use_ioapic - move every line to the I/O APIC, if the machine has
 * one (else the PICs stay); prints one line.  With interrupts off. */
void irq_use_ioapic(void);
/* irq_dispatch - from trap_dispatch: run the handler, acknowledge the
 * controller (the PIC, or the local APIC). */
void irq_dispatch(unsigned irq, struct trap_frame *tf);

#endif
