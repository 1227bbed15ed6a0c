/*
 * tests/unit/test_acpi.c - the ACPI table reader (arch/x86_64/acpi.c).
 *
 * MADTs are written into a buffer by small helpers (madt_begin, the
 * madt_* entry writers, madt_end fixes the length and the checksum) and
 * parsed from an exact-size heap copy, so that AddressSanitizer sees any
 * read past the end.  acpi_find_rsdp is run over exact-size areas, and
 * acpi_init end to end over simulated physical memory (asm/page.h of the
 * unit tests) laid out as SeaBIOS leaves it: an RSDP in the BIOS area
 * or the EBDA, an RSDT or XSDT, the MADT among other tables.
 */
#include "host.h"
#include <vmos/errno.h>
#include <asm/acpi.h>

#define TBL_MAX 4096

/* A table being written. */
struct tbl {
	u8 buf[TBL_MAX];
	u32 len;
};

static struct tbl t;
static struct acpi_madt_info info;

static void put8(struct tbl *b, u8 v)
{
	assert_true(b->len < TBL_MAX);
	b->buf[b->len++] = v;
}

static void put16(struct tbl *b, u16 v) { put8(b, v); put8(b, v >> 8); }
static void put32(struct tbl *b, u32 v) { put16(b, v); put16(b, v >> 16); }
static void put64(struct tbl *b, u64 v) { put32(b, v); put32(b, v >> 32); }

static void set32(u8 *p, u32 v) { memcpy(p, &v, 4); }

static u8 sum(const u8 *p, size_t n)
{
	u8 s = 0;

	while (n--)
		s += *p++;
	return s;
}

/* sdt_begin - a 36-byte table header with signature sig (length and
 * checksum filled by sdt_end). */
static void sdt_begin(struct tbl *b, const char *sig)
{
	memset(b, 0, sizeof(*b));
	memcpy(b->buf, sig, 4);
	b->len = 4;
	put32(b, 0);              /* length */
	put8(b, 3);               /* revision */
	put8(b, 0);               /* checksum */
	for (const char *s = "VMOSTSVMOSTABL"; *s; s++) /* OEM ids: 6 + 8 */
		put8(b, *s);
	put32(b, 1);              /* OEM revision */
	put32(b, 0x43505842);     /* creator id */
	put32(b, 1);              /* creator revision */
	assert_int_equal(b->len, 36);
}

/* sdt_end - the length field is the bytes written; the checksum makes
 * them sum to zero. */
static void sdt_end(struct tbl *b)
{
	set32(b->buf + 4, b->len);
	b->buf[9] = 0;
	b->buf[9] = (u8)-sum(b->buf, b->len);
}

/* fix_checksum - after a test changed a byte, make the sum right again. */
static void fix_checksum(struct tbl *b)
{
	b->buf[9] = 0;
	b->buf[9] = (u8)-sum(b->buf, b->len);
}

static void madt_begin(struct tbl *b, u32 lapic_addr, u32 flags)
{
	sdt_begin(b, "APIC");
	put32(b, lapic_addr);
	put32(b, flags);
}

#define madt_end sdt_end
#define ENABLED 1
#define ONLINE_CAPABLE 2

static void madt_lapic(struct tbl *b, u8 uid, u8 apic_id, u32 flags)
{
	put8(b, 0); put8(b, 8); put8(b, uid); put8(b, apic_id); put32(b, flags);
}

static void madt_ioapic(struct tbl *b, u8 id, u32 addr, u32 gsi_base)
{
	put8(b, 1); put8(b, 12); put8(b, id); put8(b, 0);
	put32(b, addr); put32(b, gsi_base);
}

static void madt_override(struct tbl *b, u8 bus, u8 irq, u32 gsi, u16 flags)
{
	put8(b, 2); put8(b, 10); put8(b, bus); put8(b, irq);
	put32(b, gsi); put16(b, flags);
}

static void madt_lapic_nmi(struct tbl *b)
{
	put8(b, 4); put8(b, 6); put8(b, 0xff); put16(b, 5); put8(b, 1);
}

static void madt_lapic_override(struct tbl *b, u64 addr)
{
	put8(b, 5); put8(b, 12); put16(b, 0); put64(b, addr);
}

static void madt_x2apic(struct tbl *b, u32 x2apic_id, u32 flags, u32 uid)
{
	put8(b, 9); put8(b, 16); put16(b, 0);
	put32(b, x2apic_id); put32(b, flags); put32(b, uid);
}

/* qemu_madt - what QEMU's i440fx machine gives at -smp n. */
static void qemu_madt(struct tbl *b, unsigned n)
{
	madt_begin(b, 0xfee00000, 1);
	for (unsigned i = 0; i < n; i++)
		madt_lapic(b, i, i, ENABLED);
	madt_ioapic(b, 0, 0xfec00000, 0);
	madt_override(b, 0, 0, 2, 0);
	madt_override(b, 0, 5, 5, 0xd);
	madt_override(b, 0, 9, 9, 0xd);
	madt_override(b, 0, 10, 10, 0xd);
	madt_override(b, 0, 11, 11, 0xd);
	madt_lapic_nmi(b);
	madt_end(b);
}

/* parse - acpi_parse_madt on an exact-size heap copy of len bytes. */
static int parse_len(const struct tbl *b, size_t len)
{
	u8 *copy = malloc(len ? len : 1);
	int r;

	memcpy(copy, b->buf, len);
	memset(&info, 0x5a, sizeof(info)); /* nothing left from before */
	r = acpi_parse_madt(copy, len, &info);
	free(copy);
	return r;
}

static int parse(const struct tbl *b)
{
	return parse_len(b, b->len);
}

/* An error leaves nothing to trust: *out is all zero. */
static void assert_refused(int r)
{
	static const struct acpi_madt_info zero;

	assert_int_equal(r, -EINVAL);
	assert_memory_equal(&info, &zero, sizeof(info));
}

/* ---- acpi_parse_madt: what it finds */

static void test_one_cpu(void **state)
{
	qemu_madt(&t, 1);
	assert_int_equal(parse(&t), 0);
	assert_int_equal(info.nr_cpus, 1);
	assert_int_equal(info.apic_id[0], 0);
	assert_int_equal(info.nr_cpus_dropped, 0);
	assert_int_equal(info.lapic_addr, 0xfee00000);
	assert_true(info.pcat_compat);
}

static void test_four_cpus_as_qemu(void **state)
{
	qemu_madt(&t, 4);
	assert_int_equal(parse(&t), 0);
	assert_int_equal(info.nr_cpus, 4);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(info.apic_id[i], i);
	assert_int_equal(info.nr_ioapics, 1);
	assert_int_equal(info.ioapic[0].id, 0);
	assert_int_equal(info.ioapic[0].addr, 0xfec00000);
	assert_int_equal(info.ioapic[0].gsi_base, 0);
	assert_int_equal(info.nr_overrides, 5);
	assert_int_equal(info.override[0].bus_irq, 0);
	assert_int_equal(info.override[0].gsi, 2);
	assert_int_equal(info.override[0].flags, 0);
	assert_int_equal(info.override[4].bus_irq, 11);
	assert_int_equal(info.override[4].flags & ACPI_INTI_TRIGGER_MASK,
			 ACPI_INTI_LEVEL);
	assert_int_equal(info.override[4].flags & ACPI_INTI_POLARITY_MASK, 1);
}

/* Beyond ACPI_MAX_CPUS: the first 64 in MADT order, the rest counted. */
static void test_more_cpus_than_max(void **state)
{
	madt_begin(&t, 0xfee00000, 0);
	for (unsigned i = 0; i < ACPI_MAX_CPUS + 6; i++)
		madt_lapic(&t, i, 2 * i, ENABLED);
	madt_end(&t);
	assert_int_equal(parse(&t), 0);
	assert_int_equal(info.nr_cpus, ACPI_MAX_CPUS);
	assert_int_equal(info.nr_cpus_dropped, 6);
	assert_int_equal(info.apic_id[ACPI_MAX_CPUS - 1], 2 * (ACPI_MAX_CPUS - 1));
	assert_false(info.pcat_compat);
}

static void test_exactly_max_cpus(void **state)
{
	madt_begin(&t, 0xfee00000, 0);
	for (unsigned i = 0; i < ACPI_MAX_CPUS; i++)
		madt_lapic(&t, i, i, ENABLED);
	madt_end(&t);
	assert_int_equal(parse(&t), 0);
	assert_int_equal(info.nr_cpus, ACPI_MAX_CPUS);
	assert_int_equal(info.nr_cpus_dropped, 0);
}

/* Flags 0: a socket with no processor (QEMU's maxcpus > cpus). */
static void test_disabled_cpus_skipped(void **state)
{
	madt_begin(&t, 0xfee00000, 1);
	madt_lapic(&t, 0, 0, ENABLED);
	madt_lapic(&t, 1, 1, 0);
	madt_lapic(&t, 2, 2, ENABLED);
	madt_lapic(&t, 3, 3, 0);
	madt_end(&t);
	assert_int_equal(parse(&t), 0);
	assert_int_equal(info.nr_cpus, 2);
	assert_int_equal(info.apic_id[0], 0);
	assert_int_equal(info.apic_id[1], 2);
	assert_int_equal(info.nr_cpus_disabled, 2);
}

static void test_online_capable_counted(void **state)
{
	madt_begin(&t, 0xfee00000, 1);
	madt_lapic(&t, 0, 0, ENABLED);
	madt_lapic(&t, 1, 1, ONLINE_CAPABLE);
	madt_x2apic(&t, 300, ONLINE_CAPABLE, 2);
	madt_end(&t);
	assert_int_equal(parse(&t), 0);
	assert_int_equal(info.nr_cpus, 3);
	assert_int_equal(info.apic_id[1], 1);
	assert_int_equal(info.apic_id[2], 300);
	assert_int_equal(info.nr_cpus_disabled, 0);
}

/* x2APIC entries: 32-bit ids; an id listed twice (type 0 and type 9 for
 * one CPU) is one CPU; the invalid ids 0xff and 0xffffffff are no CPU. */
static void test_x2apic(void **state)
{
	madt_begin(&t, 0xfee00000, 1);
	madt_lapic(&t, 0, 0, ENABLED);
	madt_lapic(&t, 1, 0xff, ENABLED);
	madt_x2apic(&t, 0, ENABLED, 0);
	madt_x2apic(&t, 0x100, ENABLED, 1);
	madt_x2apic(&t, 0x12345, ENABLED, 2);
	madt_x2apic(&t, 0xffffffff, ENABLED, 3);
	madt_x2apic(&t, 0x200, 0, 4);
	madt_end(&t);
	assert_int_equal(parse(&t), 0);
	assert_int_equal(info.nr_cpus, 3);
	assert_int_equal(info.apic_id[0], 0);
	assert_int_equal(info.apic_id[1], 0x100);
	assert_int_equal(info.apic_id[2], 0x12345);
	assert_int_equal(info.nr_cpus_disabled, 1);
}

static void test_ioapics_and_overrides(void **state)
{
	madt_begin(&t, 0xfee00000, 1);
	madt_lapic(&t, 0, 0, ENABLED);
	for (unsigned i = 0; i < ACPI_MAX_IOAPICS + 2; i++)
		madt_ioapic(&t, i + 1, 0xfec00000 + i * 0x1000, i * 24);
	for (unsigned i = 0; i < ACPI_MAX_OVERRIDES + 3; i++)
		madt_override(&t, 0, i, 100 + i, i);
	madt_override(&t, 1, 7, 7, 0); /* not ISA: not an override we use */
	madt_end(&t);
	assert_int_equal(parse(&t), 0);
	assert_int_equal(info.nr_ioapics, ACPI_MAX_IOAPICS);
	assert_int_equal(info.nr_ioapics_dropped, 2);
	assert_int_equal(info.ioapic[7].id, 8);
	assert_int_equal(info.ioapic[7].addr, 0xfec07000);
	assert_int_equal(info.ioapic[7].gsi_base, 7 * 24);
	assert_int_equal(info.nr_overrides, ACPI_MAX_OVERRIDES);
	assert_int_equal(info.nr_overrides_dropped, 3);
	assert_int_equal(info.override[15].bus_irq, 15);
	assert_int_equal(info.override[15].gsi, 115);
	assert_int_equal(info.override[15].flags, 15);
}

static void test_lapic_address_override(void **state)
{
	madt_begin(&t, 0xfee00000, 1);
	madt_lapic(&t, 0, 0, ENABLED);
	madt_lapic_override(&t, 0x123456789000ull);
	madt_end(&t);
	assert_int_equal(parse(&t), 0);
	assert_int_equal(info.lapic_addr, 0x123456789000ull);
}

/* Types we do not use, and entries too short for their type: skipped. */
static void test_other_entries_skipped(void **state)
{
	madt_begin(&t, 0xfee00000, 1);
	madt_lapic_nmi(&t);
	put8(&t, 0x7f); put8(&t, 3); put8(&t, 0);   /* unknown type */
	put8(&t, 0); put8(&t, 4); put16(&t, 0x0101); /* short type 0 */
	put8(&t, 9); put8(&t, 8); put32(&t, 0); put16(&t, 0); /* short type 9 */
	madt_lapic(&t, 0, 7, ENABLED);
	madt_end(&t);
	assert_int_equal(parse(&t), 0);
	assert_int_equal(info.nr_cpus, 1);
	assert_int_equal(info.apic_id[0], 7);
}

static void test_no_entries(void **state)
{
	madt_begin(&t, 0xfee00000, 0);
	madt_end(&t);
	assert_int_equal(parse(&t), 0);
	assert_int_equal(info.nr_cpus, 0);
}

/* ---- acpi_parse_madt: what it refuses */

static void test_bad_checksum(void **state)
{
	qemu_madt(&t, 2);
	t.buf[9]++;
	assert_refused(parse(&t));
	t.buf[9]--;
	t.buf[50] ^= 1;
	assert_refused(parse(&t));
}

static void test_bad_signature(void **state)
{
	qemu_madt(&t, 2);
	memcpy(t.buf, "FACP", 4);
	fix_checksum(&t);
	assert_refused(parse(&t));
}

/* The header says more bytes than the caller has: nothing is read past. */
static void test_length_larger_than_buffer(void **state)
{
	qemu_madt(&t, 2);
	assert_refused(parse_len(&t, t.len - 1));
	set32(t.buf + 4, t.len + 100);
	fix_checksum(&t);
	assert_refused(parse(&t));
}

/* Shorter than the header, or than the MADT's fixed fields. */
static void test_truncated_header(void **state)
{
	qemu_madt(&t, 2);
	for (size_t len = 0; len < 44; len++)
		assert_refused(parse_len(&t, len));
	madt_begin(&t, 0xfee00000, 0);
	t.len = 40; /* a header and the LAPIC address, no flags */
	madt_end(&t);
	assert_refused(parse(&t));
}

/* Length 0 or 1 would never move to the next entry. */
static void test_entry_length_zero(void **state)
{
	for (u8 bad = 0; bad < 2; bad++) {
		madt_begin(&t, 0xfee00000, 0);
		madt_lapic(&t, 0, 0, ENABLED);
		put8(&t, 0); put8(&t, bad); put16(&t, 0); put32(&t, 1);
		madt_end(&t);
		assert_refused(parse(&t));
	}
}

static void test_entry_past_end(void **state)
{
	madt_begin(&t, 0xfee00000, 0);
	madt_lapic(&t, 0, 0, ENABLED);
	madt_ioapic(&t, 0, 0xfec00000, 0);
	t.len -= 4; /* the I/O APIC entry says 12 bytes, 8 are in the table */
	madt_end(&t);
	assert_refused(parse(&t));

	madt_begin(&t, 0xfee00000, 0);
	madt_lapic(&t, 0, 0, ENABLED);
	put8(&t, 0); /* one lone byte: a type without a length */
	madt_end(&t);
	assert_refused(parse(&t));
}

/* Every cut of a good table is refused (its length field is longer) and
 * reads nothing past the cut. */
static void test_every_truncation(void **state)
{
	qemu_madt(&t, 4);
	for (size_t len = 0; len < t.len; len++)
		assert_refused(parse_len(&t, len));
	assert_int_equal(parse(&t), 0);
}

/* Random bytes after a good header never crash and never loop. */
static void test_random_entries(void **state)
{
	srand(18);
	for (int round = 0; round < 2000; round++) {
		madt_begin(&t, 0xfee00000, 1);
		unsigned n = rand() % 64;
		for (unsigned i = 0; i < n; i++)
			put8(&t, (rand() % 4) ? rand() % 12 : rand());
		madt_end(&t);
		int r = parse(&t);
		assert_true(r == 0 || r == -EINVAL);
		assert_true(info.nr_cpus <= ACPI_MAX_CPUS);
	}
}

/* ---- acpi_find_rsdp */

#define RSDP_AREA 256

/* rsdp_write - an RSDP at p: revision 0 (20 bytes) or 2 (36 bytes). */
static void rsdp_write(u8 *p, u8 rev, u32 rsdt, u64 xsdt)
{
	memset(p, 0, rev >= 2 ? 36 : 20);
	memcpy(p, "RSD PTR ", 8);
	memcpy(p + 9, "VMOSTS", 6);
	p[15] = rev;
	memcpy(p + 16, &rsdt, 4);
	if (rev >= 2) {
		u32 len = 36;

		memcpy(p + 20, &len, 4);
		memcpy(p + 24, &xsdt, 8);
	}
	p[8] = (u8)-sum(p, 20);
	if (rev >= 2)
		p[32] = (u8)-sum(p, 36);
}

/* An area of len bytes on the heap (16-byte aligned by malloc), zeroed. */
static u8 *area(size_t len)
{
	u8 *a = malloc(len);

	assert_true((uintptr_t)a % 16 == 0);
	memset(a, 0, len);
	return a;
}

static void test_rsdp_revision0(void **state)
{
	u8 *a = area(RSDP_AREA);

	rsdp_write(a + 64, 0, 0x7fe0000, 0);
	assert_ptr_equal(acpi_find_rsdp(a, RSDP_AREA), a + 64);
	free(a);
}

static void test_rsdp_revision2(void **state)
{
	u8 *a = area(RSDP_AREA);

	rsdp_write(a + 32, 2, 0x7fe0000, 0x7fe1000);
	assert_ptr_equal(acpi_find_rsdp(a, RSDP_AREA), a + 32);
	a[32 + 33] = 1; /* a reserved byte: the extended checksum fails */
	assert_null(acpi_find_rsdp(a, RSDP_AREA));
	free(a);
}

static void test_rsdp_bad_checksum(void **state)
{
	u8 *a = area(RSDP_AREA);

	rsdp_write(a + 16, 0, 0x7fe0000, 0);
	a[16 + 16]++;
	assert_null(acpi_find_rsdp(a, RSDP_AREA));
	rsdp_write(a + 48, 0, 0x7fe0000, 0); /* the next good one is found */
	assert_ptr_equal(acpi_find_rsdp(a, RSDP_AREA), a + 48);
	free(a);
}

static void test_rsdp_misaligned(void **state)
{
	u8 *a = area(RSDP_AREA);

	rsdp_write(a + 8, 0, 0x7fe0000, 0);
	assert_null(acpi_find_rsdp(a, RSDP_AREA));
	/* An area that starts off the 16-byte grid: the grid still counts. */
	memset(a, 0, RSDP_AREA);
	rsdp_write(a + 32, 0, 0x7fe0000, 0);
	assert_ptr_equal(acpi_find_rsdp(a + 4, RSDP_AREA - 4), a + 32);
	free(a);
}

/* A signature in the last bytes of the area: no read past its end. */
static void test_rsdp_at_the_end(void **state)
{
	u8 *a = area(RSDP_AREA);

	memcpy(a + RSDP_AREA - 16, "RSD PTR ", 8);
	assert_null(acpi_find_rsdp(a, RSDP_AREA));
	rsdp_write(a + RSDP_AREA - 32, 0, 0x7fe0000, 0); /* 20 of 32 bytes */
	assert_ptr_equal(acpi_find_rsdp(a, RSDP_AREA), a + RSDP_AREA - 32);
	free(a);

	/* Revision 2 with only its first 20 bytes inside the area. */
	u8 big[64] __attribute__((aligned(16)));
	rsdp_write(big + 16, 2, 0x7fe0000, 0x7fe1000);
	a = area(48);
	memcpy(a + 16, big + 16, 32);
	assert_null(acpi_find_rsdp(a, 48));
	free(a);
	a = area(36); /* and with only 20: not even its length field */
	memcpy(a + 16, big + 16, 20);
	assert_null(acpi_find_rsdp(a, 36));
	free(a);
	assert_null(acpi_find_rsdp(big, 0));
}

/* An extended length beyond the area, or shorter than the structure. */
static void test_rsdp_bad_length(void **state)
{
	u8 *a = area(64);
	u32 len;

	rsdp_write(a, 2, 0x7fe0000, 0x7fe1000);
	len = 100;
	memcpy(a + 20, &len, 4);
	a[8] = 0; a[8] = (u8)-sum(a, 20);
	a[32] = 0; a[32] = (u8)-sum(a, 36);
	assert_null(acpi_find_rsdp(a, 64));
	len = 20;
	memcpy(a + 20, &len, 4);
	a[8] = 0; a[8] = (u8)-sum(a, 20);
	assert_null(acpi_find_rsdp(a, 64));
	free(a);
}

/* ---- acpi_init over simulated physical memory */

#define SIM_MEM MiB(2)
#define TABLES 0x100000 /* where the tables go: just above 1 MiB */

static void sim_reset(void)
{
	host_reset();
	host_mem_init(SIM_MEM);
	memset(host_phys_mem, 0, SIM_MEM);
}

/* place - copy a finished table to physical address pa. */
static void place(u64 pa, const struct tbl *b)
{
	assert_true(pa + b->len <= SIM_MEM);
	memcpy(host_phys_mem + pa, b->buf, b->len);
}

/* sim_tables - a FACP, the MADT of qemu_madt(n), and the root table
 * (RSDT or XSDT) listing them at TABLES; returns the root's address. */
static u64 sim_tables(bool xsdt, unsigned n)
{
	struct tbl root;
	u64 facp = TABLES, madt = TABLES + 0x1000, rootpa = TABLES + 0x2000;

	sdt_begin(&t, "FACP");
	for (int i = 0; i < 100; i++)
		put8(&t, i);
	sdt_end(&t);
	place(facp, &t);
	qemu_madt(&t, n);
	place(madt, &t);
	sdt_begin(&root, xsdt ? "XSDT" : "RSDT");
	if (xsdt) {
		put64(&root, facp);
		put64(&root, madt);
	} else {
		put32(&root, facp);
		put32(&root, madt);
	}
	sdt_end(&root);
	place(rootpa, &root);
	return rootpa;
}

static void assert_no_acpi(int r)
{
	assert_int_equal(r, -ENODEV);
	assert_int_equal(acpi_madt.nr_cpus, 1);
	assert_int_equal(acpi_madt.lapic_addr, 0xfee00000);
	assert_int_equal(acpi_madt.nr_ioapics, 0);
}

static void test_init_rsdt(void **state)
{
	sim_reset();
	rsdp_write(host_phys_mem + 0xf5a30, 0, sim_tables(false, 4), 0);
	assert_int_equal(acpi_init(), 0);
	assert_int_equal(acpi_madt.nr_cpus, 4);
	assert_int_equal(acpi_madt.nr_overrides, 5);
	assert_non_null(strstr(host_printk_log(),
		"ACPI: MADT: 4 CPUs (local APIC ids 0 1 2 3), local APIC at "
		"0xfee00000, I/O APIC 0 at 0xfec00000 (GSI base 0), "
		"5 interrupt overrides, 8259 PICs present\n"));
}

/* Revision 2: the XSDT is used, not the RSDT (here a bad address). */
static void test_init_xsdt(void **state)
{
	sim_reset();
	rsdp_write(host_phys_mem + 0xe0000, 2, 0xdead0000, sim_tables(true, 1));
	assert_int_equal(acpi_init(), 0);
	assert_int_equal(acpi_madt.nr_cpus, 1);
	assert_non_null(strstr(host_printk_log(), "1 CPU (local APIC id 0),"));
}

/* The EBDA (segment at 0x40e) is searched first. */
static void test_init_ebda(void **state)
{
	u16 seg = 0x9fc0;

	sim_reset();
	sim_tables(false, 2);
	memcpy(host_phys_mem + 0x40e, &seg, 2);
	rsdp_write(host_phys_mem + 0x9fc00 + 0x40, 0, TABLES + 0x2000, 0);
	rsdp_write(host_phys_mem + 0xe0000, 0, 0xdead0000, 0); /* not reached */
	assert_int_equal(acpi_init(), 0);
	assert_int_equal(acpi_madt.nr_cpus, 2);
}

static void test_init_no_rsdp(void **state)
{
	sim_reset();
	sim_tables(false, 4);
	assert_no_acpi(acpi_init());
	assert_non_null(strstr(host_printk_log(), "ACPI: no RSDP"));
}

/* A MADT with a bad checksum: as if there were no ACPI. */
static void test_init_bad_madt(void **state)
{
	sim_reset();
	rsdp_write(host_phys_mem + 0xf0000, 0, sim_tables(false, 4), 0);
	host_phys_mem[TABLES + 0x1000 + 40] ^= 1;
	assert_no_acpi(acpi_init());
	assert_non_null(strstr(host_printk_log(), "ACPI: no usable MADT"));
}

/* Tables above 4 GiB, or claiming more than 1 MiB, are never read. */
static void test_init_table_limits(void **state)
{
	struct tbl root;

	sim_reset();
	sim_tables(true, 4);
	sdt_begin(&root, "XSDT");
	put64(&root, 0x100000000ull);
	put64(&root, 0xfffffff0ull);
	sdt_end(&root);
	place(TABLES + 0x3000, &root);
	rsdp_write(host_phys_mem + 0xe0000, 2, 0, TABLES + 0x3000);
	assert_no_acpi(acpi_init());

	sim_reset();
	sim_tables(false, 4);
	set32(host_phys_mem + TABLES + 0x1000 + 4, MiB(1) + 36); /* MADT length */
	rsdp_write(host_phys_mem + 0xe0000, 0, TABLES + 0x2000, 0);
	assert_no_acpi(acpi_init());

	sim_reset();
	rsdp_write(host_phys_mem + 0xe0000, 2, 0, 0xfffffff0ull); /* XSDT */
	assert_no_acpi(acpi_init());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_cpu),
		cmocka_unit_test(test_four_cpus_as_qemu),
		cmocka_unit_test(test_more_cpus_than_max),
		cmocka_unit_test(test_exactly_max_cpus),
		cmocka_unit_test(test_disabled_cpus_skipped),
		cmocka_unit_test(test_online_capable_counted),
		cmocka_unit_test(test_x2apic),
		cmocka_unit_test(test_ioapics_and_overrides),
		cmocka_unit_test(test_lapic_address_override),
		cmocka_unit_test(test_other_entries_skipped),
		cmocka_unit_test(test_no_entries),
		cmocka_unit_test(test_bad_checksum),
		cmocka_unit_test(test_bad_signature),
		cmocka_unit_test(test_length_larger_than_buffer),
		cmocka_unit_test(test_truncated_header),
		cmocka_unit_test(test_entry_length_zero),
		cmocka_unit_test(test_entry_past_end),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_random_entries),
		cmocka_unit_test(test_rsdp_revision0),
		cmocka_unit_test(test_rsdp_revision2),
		cmocka_unit_test(test_rsdp_bad_checksum),
		cmocka_unit_test(test_rsdp_misaligned),
		cmocka_unit_test(test_rsdp_at_the_end),
		cmocka_unit_test(test_rsdp_bad_length),
		cmocka_unit_test(test_init_rsdt),
		cmocka_unit_test(test_init_xsdt),
		cmocka_unit_test(test_init_ebda),
		cmocka_unit_test(test_init_no_rsdp),
		cmocka_unit_test(test_init_bad_madt),
		cmocka_unit_test(test_init_table_limits),
	};

	return cmocka_run_group_tests_name("arch/acpi", tests,
					   host_group_setup,
					   host_group_teardown);
}
