/*
 * tests/unit/test_ksyms.c - looking up addresses in a symbol table blob
 * (kernel/ksyms.c), in the layout tools/ksyms.py writes:
 *
 *   struct ksyms_header { magic, count, strtab, reserved }   16 bytes
 *   struct ksym { addr, name, size } x count, by address      16 bytes each
 *   NUL-terminated names; ksym.name is an offset from strtab
 *
 * Each blob is built in a heap buffer of exactly its size, so ASan
 * reports any read past its end.
 */
#include "host.h"
#include "kernel/ksyms.h"

struct sym {
	u64 addr;
	u32 size;
	const char *name;
};

/* A blob holding syms (sorted by the caller); *size receives its size. */
static u8 *build_blob(const struct sym *syms, u32 n, size_t *size)
{
	size_t strtab = sizeof(struct ksyms_header) + n * sizeof(struct ksym);
	size_t names = 0;
	struct ksyms_header *h;
	struct ksym *e;
	u8 *blob;

	for (u32 i = 0; i < n; i++)
		names += strlen(syms[i].name) + 1;
	*size = strtab + names;
	blob = malloc(*size);
	assert_non_null(blob);
	h = (struct ksyms_header *)blob;
	*h = (struct ksyms_header){ KSYMS_MAGIC, n, (u32)strtab, 0 };
	e = (struct ksym *)(h + 1);
	names = 0;
	for (u32 i = 0; i < n; i++) {
		e[i] = (struct ksym){ syms[i].addr, (u32)names, syms[i].size };
		strcpy((char *)blob + strtab + names, syms[i].name);
		names += strlen(syms[i].name) + 1;
	}
	return blob;
}

static struct ksyms_header *header(u8 *blob)
{
	return (struct ksyms_header *)blob;
}

static struct ksym *entry(u8 *blob, u32 i)
{
	return (struct ksym *)(blob + sizeof(struct ksyms_header)) + i;
}

static const struct sym four[] = {
	{ 0x1000, 0x20, "alpha" },
	{ 0x1020, 0x10, "beta" },
	{ 0x1040, 0, "gamma" }, /* size unknown: runs to the next symbol */
	{ 0x2000, 0x100, "delta" },
};

/* addr must resolve to name+off in the blob. */
static void check_hit(const u8 *blob, size_t size, u64 addr, const char *name,
		      u64 off)
{
	u64 got = ~0ull;
	const char *s = ksym_lookup_in(blob, size, addr, &got);

	if (!s)
		fail_msg("0x%lx: no symbol, expected %s+0x%lx", addr, name, off);
	assert_string_equal(s, name);
	assert_int_equal(got, off);
}

static void check_miss(const u8 *blob, size_t size, u64 addr)
{
	u64 off = 0x5a5a;
	const char *s = ksym_lookup_in(blob, size, addr, &off);

	if (s)
		fail_msg("0x%lx: found %s, expected nothing", addr, s);
	assert_int_equal(off, 0x5a5a); /* untouched */
}

static void test_lookup(void **state)
{
	size_t size;
	u8 *blob = build_blob(four, ARRAY_SIZE(four), &size);

	check_hit(blob, size, 0x1000, "alpha", 0);
	check_hit(blob, size, 0x1010, "alpha", 0x10);
	check_hit(blob, size, 0x101f, "alpha", 0x1f);
	check_hit(blob, size, 0x1020, "beta", 0);
	check_hit(blob, size, 0x102f, "beta", 0xf);
	check_miss(blob, size, 0x1030); /* past beta's end, before gamma */
	check_miss(blob, size, 0x103f);
	check_hit(blob, size, 0x1040, "gamma", 0);
	check_hit(blob, size, 0x1fff, "gamma", 0xfbf);
	check_hit(blob, size, 0x2000, "delta", 0);
	check_hit(blob, size, 0x20ff, "delta", 0xff);
	check_miss(blob, size, 0x2100); /* past the last symbol's end */
	check_miss(blob, size, UINT64_MAX);
	check_miss(blob, size, 0xfff);  /* before the first */
	check_miss(blob, size, 0);
	assert_string_equal(ksym_lookup_in(blob, size, 0x1004, NULL), "alpha");
	free(blob);
}

static void test_single_symbol(void **state)
{
	static const struct sym one[] = { { 0xffffffff80100000ull, 0,
					    "only" } };
	size_t size;
	u8 *blob = build_blob(one, 1, &size);

	check_hit(blob, size, 0xffffffff80100000ull, "only", 0);
	check_hit(blob, size, UINT64_MAX, "only", 0x7feffffful);
	check_miss(blob, size, 0xffffffff800fffffull);
	free(blob);
}

#define MANY 1000

/* Every symbol of a large table is found at its start, middle and end. */
static void test_many_symbols(void **state)
{
	static struct sym syms[MANY];
	static char names[MANY][12];
	size_t size;
	u8 *blob;

	for (u32 i = 0; i < MANY; i++) {
		snprintf(names[i], sizeof(names[i]), "f%u", i);
		syms[i] = (struct sym){ 0x100000 + i * 0x40ull, 0x30,
					names[i] };
	}
	blob = build_blob(syms, MANY, &size);
	for (u32 i = 0; i < MANY; i++) {
		check_hit(blob, size, syms[i].addr, names[i], 0);
		check_hit(blob, size, syms[i].addr + 0x17, names[i], 0x17);
		check_hit(blob, size, syms[i].addr + 0x2f, names[i], 0x2f);
		check_miss(blob, size, syms[i].addr + 0x30);
	}
	free(blob);
}

static void test_empty_and_tiny_blobs(void **state)
{
	static const u8 zeros[64] __aligned(8);
	size_t size;
	u8 *blob = build_blob(four, 0, &size); /* a header only */

	assert_int_equal(size, sizeof(struct ksyms_header));
	check_miss(blob, size, 0x1000);
	free(blob);

	/* An empty table followed by padding, as in the kernel image. */
	blob = calloc(1, 256);
	*header(blob) = (struct ksyms_header){ KSYMS_MAGIC, 0, 16, 0 };
	check_miss(blob, 256, 0x1000);
	free(blob);

	check_miss(NULL, 0, 0x1000);
	check_miss(zeros, sizeof(zeros), 0);
	for (size_t n = 0; n < sizeof(struct ksyms_header); n++) {
		blob = build_blob(four, ARRAY_SIZE(four), &size);
		check_miss(blob, n, 0x1000); /* cut inside the header */
		free(blob);
	}
}

static void test_bad_header(void **state)
{
	size_t size;
	u8 *blob = build_blob(four, ARRAY_SIZE(four), &size);
	struct ksyms_header good = *header(blob);

	header(blob)->magic = 0x4b53594d; /* byte-swapped */
	check_miss(blob, size, 0x1000);
	*header(blob) = good;

	header(blob)->count = good.count + 1; /* entries run into names */
	check_miss(blob, size, 0x1000);
	header(blob)->count = 0xffffffffu;
	check_miss(blob, size, 0x1000);
	header(blob)->count = (u32)(size / sizeof(struct ksym)); /* too many */
	check_miss(blob, size, 0x1000);
	*header(blob) = good;

	header(blob)->strtab = good.strtab - 1; /* overlaps the entries */
	check_miss(blob, size, 0x1000);
	header(blob)->strtab = (u32)size; /* just past the end */
	check_miss(blob, size, 0x1000);
	header(blob)->strtab = 0xffffffffu;
	check_miss(blob, size, 0x1000);
	*header(blob) = good;

	check_hit(blob, size, 0x1000, "alpha", 0); /* intact again */
	free(blob);
}

static void test_bad_names(void **state)
{
	size_t size;
	u8 *blob = build_blob(four, ARRAY_SIZE(four), &size);
	u32 names = (u32)(size - header(blob)->strtab);

	entry(blob, 1)->name = names; /* just past the end */
	check_miss(blob, size, 0x1020);
	entry(blob, 1)->name = 0xffffffffu;
	check_miss(blob, size, 0x1020);
	entry(blob, 1)->name = names - 1; /* the last name's NUL: "" */
	assert_string_equal(ksym_lookup_in(blob, size, 0x1020, NULL), "");
	check_hit(blob, size, 0x2000, "delta", 0);
	free(blob);

	/* The last name loses its NUL: it would run off the end. */
	blob = build_blob(four, ARRAY_SIZE(four), &size);
	check_miss(blob, size - 1, 0x2000);
	check_hit(blob, size - 1, 0x1000, "alpha", 0); /* others still fine */
	blob[size - 1] = 'X';
	check_miss(blob, size, 0x2010);
	free(blob);
}

/* The kernel's own table: a small one, as tools/ksyms.py would write it. */
__asm__(".section .rodata\n"
	".balign 16\n"
	".globl _ksyms, _ksyms_end\n"
	"_ksyms:\n"
	".long 0x4d59534b, 2, 48, 0\n"
	".quad 0xffffffff80100000\n"
	".long 0, 0x40\n"
	".quad 0xffffffff80100040\n"
	".long 12, 0x20\n"
	".asciz \"kernel_main\"\n"
	".asciz \"panic\"\n"
	"_ksyms_end:\n"
	".previous\n");

static void test_kernel_table(void **state)
{
	char buf[KSYM_NAME_BUF];
	u64 off;

	assert_string_equal(ksym_lookup(0xffffffff80100010ull, &off),
			    "kernel_main");
	assert_int_equal(off, 0x10);
	assert_null(ksym_lookup(0xffffffff80100060ull, &off));
	assert_string_equal(ksym_format(0xffffffff80100045ull, buf,
					sizeof(buf)),
			    "panic+0x5");
	assert_string_equal(ksym_format(0x1234, buf, sizeof(buf)),
			    "0x0000000000001234");
	assert_string_equal(ksym_format(0xffffffff80100000ull, buf, 8),
			    "kernel_");
	assert_int_equal(ksym_address("panic"), 0xffffffff80100040ull);
	assert_int_equal(ksym_address("kernel_main"), 0xffffffff80100000ull);
	assert_int_equal(ksym_address("kernel"), 0);
	assert_int_equal(ksym_address(""), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_single_symbol),
		cmocka_unit_test(test_many_symbols),
		cmocka_unit_test(test_empty_and_tiny_blobs),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_kernel_table),
	};

	return cmocka_run_group_tests_name("kernel/ksyms", tests,
					   host_group_setup,
					   host_group_teardown);
}
