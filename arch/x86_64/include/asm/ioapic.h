/*
 * asm/ioapic.h - the I/O APIC (arch/x86_64/ioapic.c).
 */
#ifndef ASM_IOAPIC_H
#define ASM_IOAPIC_H

#include <vmos/types.h>

/* ioapic_init - map the MADT's first I/O APIC and mask every input: 0,
 * or -ENODEV when the machine has none (no ACPI: the PICs stay). */
int ioapic_init(void);
/* ioapic_isa_gsi - the input ISA IRQ irq arrives on, and in *rte_flags
 * its polarity and trigger as redirection-entry bits (the MADT's
 * overrides, else the same number, edge, active high). */
u32 ioapic_isa_gsi(unsigned irq, u32 *rte_flags);
/* ioapic_route_isa_irq - deliver ISA IRQ irq as vector on the CPU whose
 * local APIC id is apic_id, and unmask it: 0, or -ENODEV (no I/O APIC, or
 * no such input). */
int ioapic_route_isa_irq(unsigned irq, u8 vector, u32 apic_id);

#endif
