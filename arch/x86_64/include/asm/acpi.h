/*
 * asm/acpi.h - what the firmware's ACPI tables say about the CPUs and the
 * interrupt controllers (arch/x86_64/acpi.c, docs/smp.md).
 *
 * The firmware leaves a Root System Description Pointer (RSDP) in the
 * BIOS area; it points at the RSDT (32-bit table addresses) or the XSDT
 * (64-bit), whose entries point at the other tables.  One of them, the
 * MADT (signature "APIC"), lists every processor's local APIC id, the
 * I/O APICs, and how the 16 ISA interrupts map onto the I/O APICs' global
 * system interrupts (GSIs).  Layouts: ACPI 6.5, sections 5.2.5 (RSDP),
 * 5.2.6 (table header), 5.2.7/5.2.8 (RSDT/XSDT), 5.2.12 (MADT).
 */
#ifndef ASM_ACPI_H
#define ASM_ACPI_H

#include <vmos/types.h>

#define ACPI_MAX_CPUS 64
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_OVERRIDES 16

/* The local APIC's MMIO base when there is no ACPI (Intel SDM vol. 3, 11.4.1). */
#define APIC_DEFAULT_PHYS_BASE 0xfee00000u

struct acpi_ioapic { u32 id, addr, gsi_base; };
struct acpi_override { u8 bus_irq; u32 gsi; u16 flags; }; /* MADT Interrupt Source Override */

/* Interrupt Source Override flags (MPS INTI flags, ACPI 6.5 table 5.26). */
#define ACPI_INTI_POLARITY_MASK 0x3 /* 0 bus default, 1 active high, 3 active low */
#define ACPI_INTI_TRIGGER_MASK 0xc  /* 0 bus default, 4 edge, 0xc level */
#define ACPI_INTI_ACTIVE_LOW 0x3
#define ACPI_INTI_LEVEL 0xc

struct acpi_madt_info {
	u64 lapic_addr;                 /* local APIC MMIO base (MADT field, or the 64-bit override entry) */
	bool pcat_compat;               /* dual 8259 PICs present (MADT flags bit 0) */
	unsigned nr_cpus;               /* processors usable: enabled, or online-capable */
	u32 apic_id[ACPI_MAX_CPUS];     /* their local APIC ids, in MADT order */
	unsigned nr_ioapics;
	struct acpi_ioapic ioapic[ACPI_MAX_IOAPICS];
	unsigned nr_overrides;
	struct acpi_override override[ACPI_MAX_OVERRIDES];
	/* What did not fit: usable CPUs beyond ACPI_MAX_CPUS, I/O APICs and
	 * overrides beyond theirs (each listed entry is still counted here). */
	unsigned nr_cpus_dropped, nr_ioapics_dropped, nr_overrides_dropped;
	unsigned nr_cpus_disabled; /* entries neither enabled nor online-capable */
};

/* acpi_parse_madt - decode a whole MADT ("APIC" table, header included) of len bytes into *out: 0, or -EINVAL (bad signature, checksum, length, or an entry that runs past the end or has length < 2) with nothing trusted. Processor Local APIC (type 0) and Local x2APIC (type 9) entries, I/O APIC (1), Interrupt Source Override (2), Local APIC Address Override (5). More CPUs than ACPI_MAX_CPUS: the first ACPI_MAX_CPUS, and say so through a count of those dropped. */
int acpi_parse_madt(const void *madt, size_t len, struct acpi_madt_info *out);
/* acpi_find_rsdp - the first valid RSDP ("RSD PTR ", 16-byte aligned, checksum of the first 20 bytes, and of the whole extended structure for revision >= 2) in [area, area+len), or NULL. */
const void *acpi_find_rsdp(const void *area, size_t len);
/* acpi_init - at boot: find the RSDP (the EBDA's first KiB, then 0xE0000-0xFFFFF), the RSDT or XSDT (XSDT when revision >= 2), the MADT among its tables, all checksummed, and fill acpi_madt; print one line. -ENODEV (and acpi_madt says one CPU, the boot CPU, with the default LAPIC address 0xfee00000) when there is no usable ACPI. */
int acpi_init(void);
extern struct acpi_madt_info acpi_madt;

#endif
