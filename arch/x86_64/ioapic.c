/*
 * arch/x86_64/ioapic.c - the I/O APIC: the interrupt controller the
 * devices' lines go to on a machine with local APICs (Intel's 82093AA
 * datasheet; QEMU emulates one with 24 inputs at 0xfec00000).
 *
 * The firmware starts the machine with the 8259 PICs delivering, through
 * the boot CPU's LINT0.  irq.c moves every line to the I/O APIC once the
 * kernel's page tables can map it (irq_use_ioapic()): each input (a
 * global system interrupt, GSI) has a redirection entry saying which
 * vector to raise on which CPU, with which polarity and trigger.  ISA
 * IRQ n arrives on GSI n, edge-triggered and active high, unless the
 * MADT overrides it (acpi.c: QEMU puts the timer's IRQ 0 on GSI 2, and
 * makes the PCI lines 5, 9, 10 and 11 level-triggered).
 */
#include <asm/acpi.h>
#include <asm/arch.h>
#include <asm/ioapic.h>
#include <asm/page_types.h>
#include <vmos/errno.h>
#include <vmos/printk.h>
#include "mm/paging.h"

#define IOREGSEL 0          /* register select (byte offset 0) */
#define IOWIN 4             /* data window (byte offset 0x10): in u32s */
#define IOAPIC_VER 1        /* bits 16-23: the last redirection entry */
#define IOAPIC_REDTBL(pin) (0x10 + 2 * (pin)) /* low half; +1 the high */

#define RTE_ACTIVE_LOW (1u << 13)
#define RTE_LEVEL (1u << 15)
#define RTE_MASKED (1u << 16)

static volatile u32 *regs;
static unsigned nr_pins;
static u32 gsi_base;

static u32 ioapic_read(u32 reg)
{
	regs[IOREGSEL] = reg;
	return regs[IOWIN];
}

static void ioapic_write(u32 reg, u32 v)
{
	regs[IOREGSEL] = reg;
	regs[IOWIN] = v;
}

int ioapic_init(void)
{
	const struct acpi_ioapic *io = &acpi_madt.ioapic[0];

	if (!acpi_madt.nr_ioapics)
		return -ENODEV;
	regs = ioremap(io->addr, PAGE_SIZE);
	gsi_base = io->gsi_base;
	nr_pins = (ioapic_read(IOAPIC_VER) >> 16 & 0xff) + 1;
	for (unsigned pin = 0; pin < nr_pins; pin++)
		ioapic_write(IOAPIC_REDTBL(pin), RTE_MASKED);
	pr_info("ioapic: I/O APIC %u at 0x%x: GSI %u-%u\n", io->id, io->addr,
		gsi_base, gsi_base + nr_pins - 1);
	return 0;
}

u32 ioapic_isa_gsi(unsigned irq, u32 *rte_flags)
{
	*rte_flags = 0; /* ISA: edge, active high */
	for (unsigned i = 0; i < acpi_madt.nr_overrides; i++) {
		const struct acpi_override *o = &acpi_madt.override[i];

		if (o->bus_irq != irq)
			continue;
		if ((o->flags & ACPI_INTI_POLARITY_MASK) == ACPI_INTI_ACTIVE_LOW)
			*rte_flags |= RTE_ACTIVE_LOW;
		if ((o->flags & ACPI_INTI_TRIGGER_MASK) == ACPI_INTI_LEVEL)
			*rte_flags |= RTE_LEVEL;
		return o->gsi;
	}
	return irq;
}

int ioapic_route_isa_irq(unsigned irq, u8 vector, u32 apic_id)
{
	u32 flags, gsi = ioapic_isa_gsi(irq, &flags);
	unsigned pin = gsi - gsi_base;

	if (!regs || gsi < gsi_base || pin >= nr_pins)
		return -ENODEV;
	ioapic_write(IOAPIC_REDTBL(pin) + 1, apic_id << 24);
	ioapic_write(IOAPIC_REDTBL(pin), vector | flags); /* fixed, physical, unmasked */
	return 0;
}
