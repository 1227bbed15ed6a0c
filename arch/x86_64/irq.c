/*
 * arch/x86_64/irq.c - the 8259 programmable interrupt controllers.
 *
 * The two PICs deliver IRQ 0-15.  They are remapped to vectors 32-47 so
 * they do not collide with CPU exceptions, and every line stays masked
 * until a handler is registered.
 */
#include <asm/cpu.h>
#include <asm/irq.h>
#include <asm/trap.h>
#include <vmos/printk.h>

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xA0
#define PIC2_DATA 0xA1
#define PIC_EOI 0x20
#define ICW1_INIT_ICW4 0x11
#define ICW4_8086 0x01
#define PIC_CASCADE_IRQ 2

static irq_handler_t handlers[NR_IRQS];
static u16 irq_mask = 0xffff & ~(1u << PIC_CASCADE_IRQ);

static void write_mask(void)
{
	outb(PIC1_DATA, irq_mask & 0xff);
	outb(PIC2_DATA, irq_mask >> 8);
}

void pic_init(void)
{
	outb(PIC1_CMD, ICW1_INIT_ICW4);
	outb(PIC2_CMD, ICW1_INIT_ICW4);
	outb(PIC1_DATA, VEC_IRQ_BASE);     /* ICW2: vector offset */
	outb(PIC2_DATA, VEC_IRQ_BASE + 8);
	outb(PIC1_DATA, 1 << PIC_CASCADE_IRQ); /* ICW3: slave on IRQ 2 */
	outb(PIC2_DATA, PIC_CASCADE_IRQ);
	outb(PIC1_DATA, ICW4_8086);
	outb(PIC2_DATA, ICW4_8086);
	write_mask();
}

void irq_register(unsigned irq, irq_handler_t handler)
{
	handlers[irq] = handler;
	irq_mask &= ~(1u << irq);
	write_mask();
}

void irq_dispatch(unsigned irq, struct trap_frame *tf)
{
	if (irq < NR_IRQS && handlers[irq])
		handlers[irq](tf);
	/* IRQ 7 and 15 may be spurious; acknowledging them is harmless here
	 * because every other line is masked until registered. */
	if (irq >= 8)
		outb(PIC2_CMD, PIC_EOI);
	outb(PIC1_CMD, PIC_EOI);
}
