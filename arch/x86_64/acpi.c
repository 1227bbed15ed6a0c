/*
 * arch/x86_64/acpi.c - finding the CPUs and the interrupt controllers in
 * the firmware's ACPI tables (docs/smp.md, "Finding the CPUs").
 *
 * The chain, as the ACPI specification (6.5, chapter 5.2) lays it out:
 *
 *	RSDP ("RSD PTR ", in the EBDA or the BIOS area 0xE0000-0xFFFFF)
 *	  -> RSDT (32-bit table addresses) or XSDT (64-bit, revision >= 2)
 *	       -> MADT ("APIC"): local APIC address, flags, then a list of
 *	          variable-length entries, each starting with type and length.
 *
 * Everything here is read from memory the firmware wrote, so nothing is
 * believed before it is checked: every table's length is bounded (it may
 * not pass 4 GiB, which the boot page tables map, nor be larger than
 * ACPI_TABLE_MAX) and its bytes must sum to zero before any field is read,
 * and every MADT entry must lie inside its table.  The results are copied
 * into acpi_madt; no pointer into the tables is kept, because mm_init()
 * replaces the boot page tables that map them.
 *
 * acpi_parse_madt and acpi_find_rsdp are pure (host unit tests:
 * tests/unit/test_acpi.c); acpi_init reads physical memory through
 * phys_to_virt and runs once, from arch_early_init().
 *
 * Locking: none (boot, one CPU).
 */
#include <asm/acpi.h>
#include <asm/cpu.h>
#include <asm/page.h>
#include <vmos/errno.h>
#include <vmos/format.h>
#include <vmos/printk.h>
#include <vmos/string.h>

struct acpi_madt_info acpi_madt;

/* ---- layouts (byte offsets from the ACPI 6.5 specification) */

/* Every system description table's header (5.2.6). */
#define SDT_SIGNATURE 0 /* 4 ASCII bytes */
#define SDT_LENGTH 4    /* u32: the whole table, header included */
#define SDT_HEADER_SIZE 36

/* Root System Description Pointer (5.2.5.3). */
#define RSDP_SIGNATURE "RSD PTR "
#define RSDP_ALIGN 16
#define RSDP_REVISION 15   /* u8: 0 for ACPI 1.0, 2 from ACPI 2.0 on */
#define RSDP_RSDT_ADDR 16  /* u32 */
#define RSDP_V1_SIZE 20    /* what the first checksum covers */
#define RSDP_LENGTH 20     /* u32, revision >= 2: the whole structure */
#define RSDP_XSDT_ADDR 24  /* u64, revision >= 2 */
#define RSDP_V2_SIZE 36

/* MADT (5.2.12): after the header, the local APIC address and flags. */
#define MADT_LAPIC_ADDR 36 /* u32 */
#define MADT_FLAGS 40      /* u32 */
#define MADT_ENTRIES 44
#define MADT_PCAT_COMPAT 0x1 /* bit 0: dual 8259 PICs installed */

/* Each entry: u8 type, u8 length (in bytes, these two included). */
#define ENTRY_TYPE 0
#define ENTRY_LENGTH 1
#define ENTRY_HEADER_SIZE 2

/* Type 0, Processor Local APIC (5.2.12.2): 8 bytes. */
#define MADT_LAPIC 0
#define LAPIC_APIC_ID 3 /* u8 (2 is the ACPI processor UID) */
#define LAPIC_FLAGS 4   /* u32 */
#define LAPIC_SIZE 8
/* Local APIC flags (table 5.23): usable now, or can be enabled at run time. */
#define LAPIC_ENABLED 0x1
#define LAPIC_ONLINE_CAPABLE 0x2

/* Type 1, I/O APIC (5.2.12.3): 12 bytes. */
#define MADT_IOAPIC 1
#define IOAPIC_ID 2       /* u8 */
#define IOAPIC_ADDR 4     /* u32 */
#define IOAPIC_GSI_BASE 8 /* u32 */
#define IOAPIC_SIZE 12

/* Type 2, Interrupt Source Override (5.2.12.5): 10 bytes. */
#define MADT_OVERRIDE 2
#define OVERRIDE_BUS 2    /* u8: 0, ISA */
#define OVERRIDE_SOURCE 3 /* u8: the bus-relative IRQ */
#define OVERRIDE_GSI 4    /* u32 */
#define OVERRIDE_FLAGS 8  /* u16: MPS INTI flags */
#define OVERRIDE_SIZE 10

/* Type 5, Local APIC Address Override (5.2.12.8): 12 bytes. */
#define MADT_LAPIC_OVERRIDE 5
#define LAPIC_OVERRIDE_ADDR 4 /* u64 */
#define LAPIC_OVERRIDE_SIZE 12

/* Type 9, Processor Local x2APIC (5.2.12.12): 16 bytes. */
#define MADT_X2APIC 9
#define X2APIC_ID 4    /* u32 */
#define X2APIC_FLAGS 8 /* u32, as LAPIC_FLAGS */
#define X2APIC_SIZE 16

#define LAPIC_ID_INVALID 0xff /* a type 0 entry for no processor */
#define X2APIC_ID_INVALID 0xffffffffu

/* ---- bounds for what the firmware says */
#define ACPI_TABLE_MAX MiB(1)      /* larger is absurd for RSDT/XSDT/MADT */
#define ACPI_PHYS_LIMIT GiB(4)     /* what the boot page tables map */
#define BDA_EBDA_SEGMENT 0x40e     /* u16: the EBDA's real-mode segment */
#define EBDA_SEARCH_LEN KiB(1)
#define BIOS_AREA_START 0xe0000
#define BIOS_AREA_END 0x100000
#define LOW_MEMORY_END 0xa0000     /* an EBDA lies below the VGA hole */

/* Little-endian fields at any alignment. */
static u16 get16(const u8 *p) { u16 v; memcpy(&v, p, sizeof(v)); return v; }
static u32 get32(const u8 *p) { u32 v; memcpy(&v, p, sizeof(v)); return v; }
static u64 get64(const u8 *p) { u64 v; memcpy(&v, p, sizeof(v)); return v; }

/* checksum_ok - ACPI's rule: the len bytes at p add up to 0 modulo 256. */
static bool checksum_ok(const u8 *p, size_t len)
{
	u8 sum = 0;

	while (len--)
		sum += *p++;
	return sum == 0;
}

/* sdt_ok - a table of len readable bytes at p is whole: its header fits,
 * its length field is no more than len, and its bytes sum to zero. */
static bool sdt_ok(const u8 *p, size_t len, const char *sig)
{
	u32 length;

	if (len < SDT_HEADER_SIZE || memcmp(p + SDT_SIGNATURE, sig, 4) != 0)
		return false;
	length = get32(p + SDT_LENGTH);
	return length >= SDT_HEADER_SIZE && length <= len &&
	       checksum_ok(p, length);
}

/* ---- the MADT */

/* add_cpu - a usable processor with local APIC id id; a second entry for
 * the same id (a type 0 and a type 9 entry for one CPU) is not a second CPU. */
static void add_cpu(struct acpi_madt_info *m, u32 id)
{
	for (unsigned i = 0; i < m->nr_cpus; i++)
		if (m->apic_id[i] == id)
			return;
	if (m->nr_cpus == ACPI_MAX_CPUS) {
		m->nr_cpus_dropped++;
		return;
	}
	m->apic_id[m->nr_cpus++] = id;
}

/* madt_cpu - a type 0 or type 9 entry: usable when enabled, or when the
 * firmware says it can be brought online (ACPI 6.3's Online Capable bit). */
static void madt_cpu(struct acpi_madt_info *m, u32 id, u32 flags, u32 invalid)
{
	if (id == invalid)
		return;
	if (!(flags & (LAPIC_ENABLED | LAPIC_ONLINE_CAPABLE))) {
		m->nr_cpus_disabled++;
		return;
	}
	add_cpu(m, id);
}

static void madt_ioapic(struct acpi_madt_info *m, const u8 *e)
{
	if (m->nr_ioapics == ACPI_MAX_IOAPICS) {
		m->nr_ioapics_dropped++;
		return;
	}
	m->ioapic[m->nr_ioapics++] = (struct acpi_ioapic){
		.id = e[IOAPIC_ID],
		.addr = get32(e + IOAPIC_ADDR),
		.gsi_base = get32(e + IOAPIC_GSI_BASE),
	};
}

static void madt_override(struct acpi_madt_info *m, const u8 *e)
{
	if (m->nr_overrides == ACPI_MAX_OVERRIDES) {
		m->nr_overrides_dropped++;
		return;
	}
	m->override[m->nr_overrides++] = (struct acpi_override){
		.bus_irq = e[OVERRIDE_SOURCE],
		.gsi = get32(e + OVERRIDE_GSI),
		.flags = get16(e + OVERRIDE_FLAGS),
	};
}

/* madt_entry - decode one entry of len bytes (len >= ENTRY_HEADER_SIZE,
 * all inside the table).  An entry shorter than its type's layout, or of
 * a type we do not use (NMI sources, GIC, ...), is skipped: newer
 * revisions may add types, and lengths grow only at the end. */
static void madt_entry(struct acpi_madt_info *m, const u8 *e, u8 len)
{
	switch (e[ENTRY_TYPE]) {
	case MADT_LAPIC:
		if (len >= LAPIC_SIZE)
			madt_cpu(m, e[LAPIC_APIC_ID], get32(e + LAPIC_FLAGS),
				 LAPIC_ID_INVALID);
		break;
	case MADT_X2APIC:
		if (len >= X2APIC_SIZE)
			madt_cpu(m, get32(e + X2APIC_ID), get32(e + X2APIC_FLAGS),
				 X2APIC_ID_INVALID);
		break;
	case MADT_IOAPIC:
		if (len >= IOAPIC_SIZE)
			madt_ioapic(m, e);
		break;
	case MADT_OVERRIDE:
		if (len >= OVERRIDE_SIZE && e[OVERRIDE_BUS] == 0)
			madt_override(m, e);
		break;
	case MADT_LAPIC_OVERRIDE:
		if (len >= LAPIC_OVERRIDE_SIZE)
			m->lapic_addr = get64(e + LAPIC_OVERRIDE_ADDR);
		break;
	}
}

int acpi_parse_madt(const void *madt, size_t len, struct acpi_madt_info *out)
{
	const u8 *t = madt;
	u32 length, off;

	memset(out, 0, sizeof(*out));
	if (!sdt_ok(t, len, "APIC"))
		return -EINVAL;
	length = get32(t + SDT_LENGTH);
	if (length < MADT_ENTRIES)
		return -EINVAL;
	out->lapic_addr = get32(t + MADT_LAPIC_ADDR);
	out->pcat_compat = get32(t + MADT_FLAGS) & MADT_PCAT_COMPAT;
	for (off = MADT_ENTRIES; off < length; off += t[off + ENTRY_LENGTH]) {
		if (length - off < ENTRY_HEADER_SIZE ||
		    t[off + ENTRY_LENGTH] < ENTRY_HEADER_SIZE ||
		    t[off + ENTRY_LENGTH] > length - off)
			goto bad;
		madt_entry(out, t + off, t[off + ENTRY_LENGTH]);
	}
	return 0;
bad:
	memset(out, 0, sizeof(*out));
	return -EINVAL;
}

/* ---- the RSDP */

/* rsdp_ok - an RSDP at p with avail readable bytes after it. */
static bool rsdp_ok(const u8 *p, size_t avail)
{
	u32 length;

	if (avail < RSDP_V1_SIZE ||
	    memcmp(p, RSDP_SIGNATURE, sizeof(RSDP_SIGNATURE) - 1) != 0 ||
	    !checksum_ok(p, RSDP_V1_SIZE))
		return false;
	if (p[RSDP_REVISION] < 2)
		return true;
	if (avail < RSDP_V2_SIZE)
		return false;
	length = get32(p + RSDP_LENGTH);
	return length >= RSDP_V2_SIZE && length <= avail &&
	       checksum_ok(p, length);
}

const void *acpi_find_rsdp(const void *area, size_t len)
{
	const u8 *p = area;
	size_t off = (RSDP_ALIGN - (uintptr_t)p % RSDP_ALIGN) % RSDP_ALIGN;

	for (; off < len; off += RSDP_ALIGN)
		if (rsdp_ok(p + off, len - off))
			return p + off;
	return NULL;
}

/* ---- at boot: physical memory through the boot page tables */

/* map_table - the table with signature sig at physical address pa, whole
 * and checksummed, or NULL.  Its length is read only once the header is
 * known to lie below ACPI_PHYS_LIMIT, and believed only up to
 * ACPI_TABLE_MAX. */
static const u8 *map_table(u64 pa, const char *sig)
{
	const u8 *t;
	u32 length;

	if (pa == 0 || pa >= ACPI_PHYS_LIMIT ||
	    ACPI_PHYS_LIMIT - pa < SDT_HEADER_SIZE)
		return NULL;
	t = phys_to_virt(pa);
	length = get32(t + SDT_LENGTH);
	if (length > ACPI_TABLE_MAX || length > ACPI_PHYS_LIMIT - pa)
		return NULL;
	return sdt_ok(t, length, sig) ? t : NULL;
}

/* find_rsdp - the EBDA's first KiB (its segment is in the BIOS data
 * area), then the BIOS read-only area, as the spec says (5.2.5.1). */
static const u8 *find_rsdp(void)
{
	u64 ebda = (u64)get16(phys_to_virt(BDA_EBDA_SEGMENT)) << 4;
	const void *p = NULL;

	if (ebda >= KiB(1) && ebda + EBDA_SEARCH_LEN <= LOW_MEMORY_END)
		p = acpi_find_rsdp(phys_to_virt(ebda), EBDA_SEARCH_LEN);
	if (!p)
		p = acpi_find_rsdp(phys_to_virt(BIOS_AREA_START),
				   BIOS_AREA_END - BIOS_AREA_START);
	return p;
}

/* find_madt - the MADT among the tables of the RSDT (4-byte entries) or
 * the XSDT (8-byte entries), or NULL. */
static const u8 *find_madt(const u8 *rsdp)
{
	bool x = rsdp[RSDP_REVISION] >= 2 && get64(rsdp + RSDP_XSDT_ADDR);
	const u8 *root = x ? map_table(get64(rsdp + RSDP_XSDT_ADDR), "XSDT")
			   : map_table(get32(rsdp + RSDP_RSDT_ADDR), "RSDT");
	size_t esize = x ? 8 : 4, n, i;

	if (!root)
		return NULL;
	n = (get32(root + SDT_LENGTH) - SDT_HEADER_SIZE) / esize;
	for (i = 0; i < n; i++) {
		const u8 *e = root + SDT_HEADER_SIZE + i * esize;
		u64 pa = x ? get64(e) : get32(e);
		const u8 *t;

		/* Peek at the signature only where map_table would read. */
		if (pa == 0 || pa >= ACPI_PHYS_LIMIT - SDT_HEADER_SIZE)
			continue;
		t = phys_to_virt(pa);
		if (memcmp(t, "APIC", 4) == 0 && (t = map_table(pa, "APIC")))
			return t;
	}
	return NULL;
}

/* boot_apic_id - this CPU's initial local APIC id (CPUID leaf 1, EBX
 * bits 31:24), for when there are no tables to ask. */
static u32 boot_apic_id(void)
{
	u32 a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	return b >> 24;
}

static void acpi_madt_default(void)
{
	memset(&acpi_madt, 0, sizeof(acpi_madt));
	acpi_madt.lapic_addr = APIC_DEFAULT_PHYS_BASE;
	acpi_madt.pcat_compat = true;
	acpi_madt.nr_cpus = 1;
	acpi_madt.apic_id[0] = boot_apic_id();
}

/* print_madt - the one boot line: CPUs, local APIC, I/O APICs, overrides. */
static void print_madt(const struct acpi_madt_info *m)
{
	char buf[640];
	size_t n = 0;

#define ADD(...) (n += ksnprintf(buf + MIN(n, sizeof(buf)), \
				 sizeof(buf) - MIN(n, sizeof(buf)), __VA_ARGS__))
	ADD("%u CPU%s (local APIC id%s", m->nr_cpus, m->nr_cpus == 1 ? "" : "s",
	    m->nr_cpus == 1 ? "" : "s");
	for (unsigned i = 0; i < m->nr_cpus; i++)
		ADD(" %u", m->apic_id[i]);
	ADD(")");
	if (m->nr_cpus_dropped)
		ADD(", %u more not used (ACPI_MAX_CPUS %u)", m->nr_cpus_dropped,
		    ACPI_MAX_CPUS);
	if (m->nr_cpus_disabled)
		ADD(", %u disabled", m->nr_cpus_disabled);
	ADD(", local APIC at 0x%lx", (unsigned long)m->lapic_addr);
	for (unsigned i = 0; i < m->nr_ioapics; i++)
		ADD(", I/O APIC %u at 0x%x (GSI base %u)", m->ioapic[i].id,
		    m->ioapic[i].addr, m->ioapic[i].gsi_base);
	if (!m->nr_ioapics)
		ADD(", no I/O APIC");
	ADD(", %u interrupt override%s", m->nr_overrides,
	    m->nr_overrides == 1 ? "" : "s");
	if (m->pcat_compat)
		ADD(", 8259 PICs present");
#undef ADD
	pr_info("ACPI: MADT: %s\n", buf);
}

int acpi_init(void)
{
	const u8 *rsdp, *madt;

	acpi_madt_default();
	rsdp = find_rsdp();
	if (!rsdp) {
		pr_info("ACPI: no RSDP: one CPU, local APIC at 0x%x\n",
			APIC_DEFAULT_PHYS_BASE);
		return -ENODEV;
	}
	madt = find_madt(rsdp);
	if (!madt || acpi_parse_madt(madt, get32(madt + SDT_LENGTH),
				     &acpi_madt) < 0 || acpi_madt.nr_cpus == 0) {
		acpi_madt_default();
		pr_info("ACPI: no usable MADT: one CPU, local APIC at 0x%x\n",
			APIC_DEFAULT_PHYS_BASE);
		return -ENODEV;
	}
	print_madt(&acpi_madt);
	return 0;
}
