/*
 * asm/irq.h - hardware interrupt lines (the legacy 8259 PIC pair).
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
/* irq_dispatch - from trap_dispatch: run the handler, acknowledge the PIC. */
void irq_dispatch(unsigned irq, struct trap_frame *tf);

#endif
