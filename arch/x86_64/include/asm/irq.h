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
/* A line's first half gets the interrupted registers (to tell user from
 * kernel time). */
typedef void (*irq_handler_t)(struct trap_frame *tf);
/* Its second half, deferred (vmos/bkl.h). */
typedef void (*irq_work_t)(void);

void pic_init(void);
/*
 * irq_register - unmask irq.  On each interrupt, ack (if not NULL) runs at
 * once, in the interrupt: it quiets the device (reads its status, which
 * lowers a level-triggered line) and touches nothing but the device and
 * this CPU's own data.  work (if not NULL) runs afterwards, once for one
 * or more interrupts, under the kernel lock with interrupts off: at the
 * end of the interrupt if the lock is free, else when its holder gives it
 * up (vmos/bkl.h).  That is where tasks are woken and signals sent.
 */
void irq_register(unsigned irq, irq_handler_t ack, irq_work_t work);
/* irq_deferred_pending - is some line's work waiting? */
extern u32 irq_deferred;
static inline bool irq_deferred_pending(void)
{
	return __atomic_load_n(&irq_deferred, __ATOMIC_RELAXED) != 0;
}
/* irq_run_deferred - run the waiting work (the kernel lock held,
 * interrupts off). */
void irq_run_deferred(void);
/* irq_use_ioapic - move every line to the I/O APIC, if the machine has
 * one (else the PICs stay); prints one line.  With interrupts off. */
void irq_use_ioapic(void);
/* irq_dispatch - from trap_dispatch: run the handler, acknowledge the
 * controller (the PIC, or the local APIC). */
void irq_dispatch(unsigned irq, struct trap_frame *tf);
/* local_timer_interrupt_ack - trap_dispatch's, for VEC_LOCAL_TIMER: the
 * tick of a CPU other than 0 (timer.c). */
void local_timer_interrupt_ack(struct trap_frame *tf);

#endif
