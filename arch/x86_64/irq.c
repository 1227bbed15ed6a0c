/*
 * arch/x86_64/irq.c - hardware interrupt lines: the 8259 PICs, then the
 * I/O APIC.
 *
 * The two PICs deliver IRQ 0-15.  They are remapped to vectors 32-47 so
 * they do not collide with CPU exceptions, and every line stays masked
 * until a handler is registered.  That is how the machine boots.  Once
 * the kernel can map the I/O APIC (kmain_late), irq_use_ioapic() moves
 * every line to it: the same vectors, delivered to the boot CPU through
 * its local APIC; the PICs are then masked and the boot CPU's LINT0 (the
 * PICs' way in) too.  A machine without an I/O APIC (no ACPI) keeps the
 * PICs.  Either way a line is IRQ n, vector 32 + n, for the drivers.
 */
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/ioapic.h>
#include <asm/irq.h>
#include <asm/trap.h>
#include <asm/smp.h>
#include <vmos/format.h>
#include <vmos/printk.h>

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xA0
#define PIC2_DATA 0xA1
#define PIC_EOI 0x20
#define ICW1_INIT_ICW4 0x11
#define ICW4_8086 0x01
#define PIC_CASCADE_IRQ 2

static irq_handler_t acks[NR_IRQS];
static irq_work_t works[NR_IRQS];
u32 irq_deferred; /* lines whose work waits: set by any CPU, atomically */
static u16 irq_mask = 0xffff & ~(1u << PIC_CASCADE_IRQ);
static bool use_ioapic; /* the lines come through the I/O APIC */

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

/* Deliver irq through the I/O APIC to the boot CPU (which takes every
 * device interrupt until the scheduler runs on all CPUs). */
static void route(unsigned irq)
{
	if (ioapic_route_isa_irq(irq, VEC_IRQ_BASE + irq, cpu_info[0].apic_id) < 0)
		panic("irq: the I/O APIC has no input for IRQ %u", irq);
}

void irq_register(unsigned irq, irq_handler_t ack, irq_work_t work)
{
	acks[irq] = ack;
	works[irq] = work;
	irq_mask &= ~(1u << irq);
	if (use_ioapic)
		route(irq);
	else
		write_mask();
}

void irq_use_ioapic(void)
{
	char moved[NR_IRQS * 16] = "", level[NR_IRQS * 4] = "";
	size_t m = 0, l = 0;

	if (ioapic_init() < 0) {
		pr_info("irq: no I/O APIC: the 8259 PICs deliver IRQ 0-15\n");
		return;
	}
	use_ioapic = true;
	outb(PIC1_DATA, 0xff); /* the PICs: every line masked */
	outb(PIC2_DATA, 0xff);
	lapic_mask_lint0();
	for (unsigned irq = 0; irq < NR_IRQS; irq++) {
		u32 flags, gsi = ioapic_isa_gsi(irq, &flags);

		if (acks[irq] || works[irq])
			route(irq);
		if (gsi != irq)
			m += ksnprintf(moved + m, sizeof(moved) - m, ", IRQ %u on GSI %u",
				       irq, gsi);
		if (flags)
			l += ksnprintf(level + l, sizeof(level) - l, " %u", irq);
	}
	pr_info("irq: device interrupts come through the I/O APIC to CPU 0 from "
		"now on (IRQ n on GSI n%s; not edge and active high:%s); the 8259 "
		"PICs are masked\n", moved, l ? level : " none");
}

void irq_dispatch(unsigned irq, struct trap_frame *tf)
{
	if (irq < NR_IRQS) {
		if (acks[irq])
			acks[irq](tf);
		if (works[irq])
			__atomic_or_fetch(&irq_deferred, 1u << irq, __ATOMIC_RELEASE);
	}
	if (use_ioapic) {
		lapic_eoi(); /* a level-triggered line: the I/O APIC hears it too */
		return;
	}
	/* IRQ 7 and 15 may be spurious; acknowledging them is harmless here
	 * because every other line is masked until registered. */
	if (irq >= 8)
		outb(PIC2_CMD, PIC_EOI);
	outb(PIC1_CMD, PIC_EOI);
}

void irq_run_deferred(void)
{
	u32 lines;

	while ((lines = __atomic_exchange_n(&irq_deferred, 0, __ATOMIC_ACQUIRE)))
		for (unsigned irq = 0; lines; irq++, lines >>= 1)
			if (lines & 1)
				works[irq]();
}
