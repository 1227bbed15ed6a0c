/*
 * tests/unit/test_memmap.c - the boot-time range sets of mm/memmap.c.
 */
#include "host.h"
#include "mm/memmap.h"

static struct memmap map; /* 2 KiB: kept off the stack */

/* The set must be exactly the n ranges of want (start, end pairs). */
static void check_ranges(const struct memmap *m, const u64 *want, unsigned n)
{
	assert_int_equal(m->n, n);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(m->r[i].start, want[2 * i]);
		assert_int_equal(m->r[i].end, want[2 * i + 1]);
	}
}

#define CHECK_RANGES(m, ...)                                                  \
	do {                                                                  \
		const u64 want[] = { __VA_ARGS__ };                           \
		check_ranges((m), want, ARRAY_SIZE(want) / 2);                \
	} while (0)

/* Sorted, non-empty, and neither overlapping nor touching (else merged). */
static void check_invariants(const struct memmap *m)
{
	assert_true(m->n <= MEMMAP_MAX_RANGES);
	for (unsigned i = 0; i < m->n; i++) {
		assert_true(m->r[i].start < m->r[i].end);
		if (i > 0)
			assert_true(m->r[i - 1].end < m->r[i].start);
	}
}

#define FILL_BASE 0x101000ull
#define FILL_STEP 0x10000ull
#define FILL_LEN 0x8000ull

/* Start of range k of fill_table(). */
static u64 fill_start(unsigned k)
{
	return FILL_BASE + k * FILL_STEP;
}

/* Fill the table with n disjoint ranges [fill_start(k), + FILL_LEN). */
static void fill_table(struct memmap *m, unsigned n)
{
	memmap_init(m);
	for (unsigned k = 0; k < n; k++)
		assert_int_equal(memmap_add(m, fill_start(k),
					    fill_start(k) + FILL_LEN), 0);
	assert_int_equal(m->n, n);
}

static int setup(void **state)
{
	memmap_init(&map);
	return 0;
}

static void test_init_is_empty(void **state)
{
	map.n = 7;
	memmap_init(&map);
	assert_int_equal(map.n, 0);
	assert_int_equal(memmap_total(&map), 0);
	assert_int_equal(memmap_alloc(&map, PAGE_SIZE, PAGE_SIZE, ~0ull), 0);
}

static void test_add_unsorted(void **state)
{
	assert_int_equal(memmap_add(&map, 0x9000, 0xa000), 0);
	assert_int_equal(memmap_add(&map, 0x1000, 0x2000), 0);
	assert_int_equal(memmap_add(&map, 0x5000, 0x6000), 0);
	CHECK_RANGES(&map, 0x1000, 0x2000, 0x5000, 0x6000, 0x9000, 0xa000);
	assert_int_equal(memmap_total(&map), 0x3000);
}

static void test_add_overlapping_merges(void **state)
{
	memmap_add(&map, 0x1000, 0x4000);
	memmap_add(&map, 0x3000, 0x6000); /* overlaps the end */
	CHECK_RANGES(&map, 0x1000, 0x6000);
	memmap_add(&map, 0x0800, 0x1800); /* overlaps the start */
	CHECK_RANGES(&map, 0x0800, 0x6000);
	memmap_add(&map, 0x2000, 0x3000); /* inside */
	CHECK_RANGES(&map, 0x0800, 0x6000);
	memmap_add(&map, 0x0, 0x10000); /* covers everything */
	CHECK_RANGES(&map, 0x0, 0x10000);
}

static void test_add_touching_merges(void **state)
{
	memmap_add(&map, 0x1000, 0x2000);
	memmap_add(&map, 0x2000, 0x3000); /* touches on the right */
	memmap_add(&map, 0x0000, 0x1000); /* touches on the left */
	CHECK_RANGES(&map, 0x0, 0x3000);
}

static void test_add_bridges_several(void **state)
{
	memmap_add(&map, 0x1000, 0x2000);
	memmap_add(&map, 0x3000, 0x4000);
	memmap_add(&map, 0x5000, 0x6000);
	memmap_add(&map, 0x8000, 0x9000);
	memmap_add(&map, 0x1800, 0x5000); /* joins the first three */
	CHECK_RANGES(&map, 0x1000, 0x6000, 0x8000, 0x9000);
}

static void test_add_duplicates(void **state)
{
	for (int i = 0; i < 5; i++)
		assert_int_equal(memmap_add(&map, 0x100000, 0x200000), 0);
	CHECK_RANGES(&map, 0x100000, 0x200000);
	assert_int_equal(memmap_total(&map), 0x100000);
}

static void test_add_empty_ignored(void **state)
{
	assert_int_equal(memmap_add(&map, 0x5000, 0x5000), 0);
	assert_int_equal(memmap_add(&map, 0x6000, 0x5000), 0);
	assert_int_equal(map.n, 0);
}

static void test_remove_middle_splits(void **state)
{
	memmap_add(&map, 0x0, 0x10000);
	assert_int_equal(memmap_remove(&map, 0x4000, 0x6000), 0);
	CHECK_RANGES(&map, 0x0, 0x4000, 0x6000, 0x10000);
	assert_int_equal(memmap_total(&map), 0xe000);
}

static void test_remove_edges(void **state)
{
	memmap_add(&map, 0x1000, 0x9000);
	memmap_remove(&map, 0x0, 0x2000); /* the left edge, from outside */
	CHECK_RANGES(&map, 0x2000, 0x9000);
	memmap_remove(&map, 0x8000, 0x20000); /* the right edge */
	CHECK_RANGES(&map, 0x2000, 0x8000);
	memmap_remove(&map, 0x2000, 0x3000); /* exactly at the start */
	memmap_remove(&map, 0x7000, 0x8000); /* exactly at the end */
	CHECK_RANGES(&map, 0x3000, 0x7000);
	memmap_remove(&map, 0x0, 0x3000);     /* touching: nothing */
	memmap_remove(&map, 0x7000, 0x9000);
	CHECK_RANGES(&map, 0x3000, 0x7000);
	memmap_remove(&map, 0x3000, 0x7000); /* exactly the range */
	assert_int_equal(map.n, 0);
}

static void test_remove_across_ranges(void **state)
{
	memmap_add(&map, 0x1000, 0x2000);
	memmap_add(&map, 0x3000, 0x4000);
	memmap_add(&map, 0x5000, 0x6000);
	memmap_add(&map, 0x7000, 0x8000);
	/* Cuts the end of the first, drops two, cuts the start of the last. */
	assert_int_equal(memmap_remove(&map, 0x1800, 0x7800), 0);
	CHECK_RANGES(&map, 0x1000, 0x1800, 0x7800, 0x8000);
}

static void test_remove_everything(void **state)
{
	memmap_add(&map, 0x100000, 0x200000);
	memmap_add(&map, 0x300000, 0x400000);
	assert_int_equal(memmap_remove(&map, 0, ~0ull), 0);
	assert_int_equal(map.n, 0);
	assert_int_equal(memmap_total(&map), 0);
	assert_int_equal(memmap_alloc(&map, PAGE_SIZE, 1, ~0ull), 0);
}

static void test_remove_nothing(void **state)
{
	memmap_add(&map, 0x1000, 0x2000);
	assert_int_equal(memmap_remove(&map, 0x5000, 0x5000), 0);
	assert_int_equal(memmap_remove(&map, 0x3000, 0x2000), 0);
	assert_int_equal(memmap_remove(&map, 0x3000, 0x4000), 0);
	CHECK_RANGES(&map, 0x1000, 0x2000);
}

/* A loader map where reserved entries cover every usable one. */
static void test_all_reserved(void **state)
{
	memmap_add(&map, 0x0, 0x9f000);
	memmap_add(&map, 0x100000, 0x800000);
	memmap_remove(&map, 0x0, 0x100000);
	memmap_remove(&map, 0x100000, 0x400000);
	memmap_remove(&map, 0x3ff000, 0x800000);
	assert_int_equal(map.n, 0);
	assert_int_equal(memmap_total(&map), 0);
	assert_int_equal(memmap_alloc(&map, 1, 1, ~0ull), 0);
	memmap_page_align(&map);
	assert_int_equal(map.n, 0);
}

static void test_page_align(void **state)
{
	memmap_add(&map, 0x1001, 0x3fff);   /* -> 0x2000..0x3000 */
	memmap_add(&map, 0x5000, 0x7000);   /* already aligned */
	memmap_add(&map, 0x8010, 0x8ff0);   /* less than a page: gone */
	memmap_add(&map, 0xa800, 0xb800);   /* a page, but unaligned: gone */
	memmap_add(&map, 0x10fff, 0x13001); /* -> 0x11000..0x13000 */
	memmap_page_align(&map);
	CHECK_RANGES(&map, 0x2000, 0x3000, 0x5000, 0x7000, 0x11000, 0x13000);
	check_invariants(&map);
}

static void test_alloc_alignment(void **state)
{
	phys_addr_t a;

	memmap_add(&map, 0x101000, 0x800000);
	a = memmap_alloc(&map, 0x3000, 0x200000, ~0ull);
	assert_int_equal(a, 0x200000);
	/* The allocation is carved out; the rest stays free. */
	CHECK_RANGES(&map, 0x101000, 0x200000, 0x203000, 0x800000);
	a = memmap_alloc(&map, 0x10, 0x10, ~0ull);
	assert_int_equal(a, 0x101000);
	CHECK_RANGES(&map, 0x101010, 0x200000, 0x203000, 0x800000);
}

static void test_alloc_lowest_range(void **state)
{
	memmap_add(&map, 0x400000, 0x500000);
	memmap_add(&map, 0x100000, 0x101000); /* too small for 2 pages */
	memmap_add(&map, 0x200000, 0x300000);
	assert_int_equal(memmap_alloc(&map, 0x2000, PAGE_SIZE, ~0ull),
			 0x200000);
	assert_int_equal(memmap_alloc(&map, 0x1000, PAGE_SIZE, ~0ull),
			 0x100000);
	CHECK_RANGES(&map, 0x202000, 0x300000, 0x400000, 0x500000);
}

static void test_alloc_limit(void **state)
{
	memmap_add(&map, 0x100000, 0x200000);
	memmap_add(&map, 0x300000, 0x400000);
	/* Must lie wholly below the limit, even when the range goes on. */
	assert_int_equal(memmap_alloc(&map, 0x100000, PAGE_SIZE, 0x1fffff), 0);
	assert_int_equal(memmap_alloc(&map, 0x100000, PAGE_SIZE, 0x200000),
			 0x100000);
	assert_int_equal(memmap_alloc(&map, 0x1000, PAGE_SIZE, 0x300fff), 0);
	assert_int_equal(memmap_alloc(&map, 0x1000, PAGE_SIZE, 0x301000),
			 0x300000);
	CHECK_RANGES(&map, 0x301000, 0x400000);
}

static void test_alloc_whole_range(void **state)
{
	memmap_add(&map, 0x100000, 0x101000);
	memmap_add(&map, 0x200000, 0x300000);
	assert_int_equal(memmap_alloc(&map, 0x1000, PAGE_SIZE, ~0ull),
			 0x100000);
	CHECK_RANGES(&map, 0x200000, 0x300000);
}

static void test_alloc_bad_arguments(void **state)
{
	memmap_add(&map, 0x100000, 0x200000);
	assert_int_equal(memmap_alloc(&map, 0, PAGE_SIZE, ~0ull), 0);
	assert_int_equal(memmap_alloc(&map, 0x1000, 0, ~0ull), 0);
	assert_int_equal(memmap_alloc(&map, 0x1000, 0x3000, ~0ull), 0);
	assert_int_equal(memmap_alloc(&map, 0x200000, PAGE_SIZE, ~0ull), 0);
	assert_int_equal(memmap_alloc(&map, ~0ull, PAGE_SIZE, ~0ull), 0);
	CHECK_RANGES(&map, 0x100000, 0x200000);
}

/* Aligning up near the top of the address space must not wrap to 0. */
static void test_alloc_no_wraparound(void **state)
{
	memmap_add(&map, 0xfffffffffffff000ull, 0xffffffffffffffffull);
	assert_int_equal(memmap_alloc(&map, 0x10, 1ull << 63, ~0ull), 0);
	assert_int_equal(memmap_alloc(&map, 0x2000, PAGE_SIZE, ~0ull), 0);
	assert_int_equal(memmap_alloc(&map, 0x10, 0x10, ~0ull),
			 0xfffffffffffff000ull);
}

static void test_full_table_add(void **state)
{
	fill_table(&map, MEMMAP_MAX_RANGES);
	/* A range that needs its own slot does not fit... */
	assert_int_equal(memmap_add(&map, 0x7f000000, 0x7f001000), -1);
	assert_int_equal(map.n, MEMMAP_MAX_RANGES);
	assert_int_equal(memmap_total(&map), MEMMAP_MAX_RANGES * FILL_LEN);
	/* ...but one that merges with a neighbour does... */
	assert_int_equal(memmap_add(&map, fill_start(0) + FILL_LEN,
				    fill_start(0) + FILL_LEN + 0x1000), 0);
	assert_int_equal(map.n, MEMMAP_MAX_RANGES);
	/* ...and one that joins two frees a slot. */
	assert_int_equal(memmap_add(&map, fill_start(1) + FILL_LEN,
				    fill_start(2)), 0);
	assert_int_equal(map.n, MEMMAP_MAX_RANGES - 1);
	assert_int_equal(memmap_add(&map, 0x7f000000, 0x7f001000), 0);
	check_invariants(&map);
}

/* A split that needs a slot in a full table fails and changes nothing. */
static void test_full_table_remove(void **state)
{
	u64 s1 = fill_start(1);

	fill_table(&map, MEMMAP_MAX_RANGES);
	assert_int_equal(memmap_remove(&map, s1 + 0x1000, s1 + 0x2000), -1);
	assert_int_equal(map.n, MEMMAP_MAX_RANGES);
	assert_int_equal(memmap_total(&map), MEMMAP_MAX_RANGES * FILL_LEN);
	assert_int_equal(map.r[1].start, s1);
	assert_int_equal(map.r[1].end, s1 + FILL_LEN);
	/* Cutting an edge needs no slot. */
	assert_int_equal(memmap_remove(&map, s1, s1 + 0x1000), 0);
	assert_int_equal(map.r[1].start, s1 + 0x1000);
	check_invariants(&map);
}

static void test_full_table_alloc(void **state)
{
	u64 s0 = fill_start(0);

	fill_table(&map, MEMMAP_MAX_RANGES);
	/* An aligned block inside a range would split it: refused, and the
	 * set is unchanged. */
	assert_int_equal(memmap_alloc(&map, 0x1000, 0x4000, ~0ull), 0);
	assert_int_equal(memmap_total(&map), MEMMAP_MAX_RANGES * FILL_LEN);
	assert_int_equal(map.r[0].start, s0);
	assert_int_equal(map.r[0].end, s0 + FILL_LEN);
	/* From the start of a range: no split needed. */
	assert_int_equal(memmap_alloc(&map, 0x1000, PAGE_SIZE, ~0ull), s0);
	assert_int_equal(map.r[0].start, s0 + 0x1000);
	/* With a slot free again, the split works. */
	memmap_remove(&map, fill_start(5), fill_start(5) + FILL_LEN);
	assert_int_equal(memmap_alloc(&map, 0x1000, 0x4000, ~0ull),
			 ALIGN_UP(s0 + 0x1000, 0x4000ull));
	check_invariants(&map);
}

#define MODEL_UNITS 200 /* at most 100 ranges: never fills the table */

/* Random adds and removes against a bitmap of MODEL_UNITS pages. */
static void test_random_against_model(void **state)
{
	static bool model[MODEL_UNITS];
	u64 seed = 0x5eed1234;

	memset(model, 0, sizeof(model));
	for (int step = 0; step < 20000; step++) {
		u64 a = host_rand(&seed) % MODEL_UNITS;
		u64 b = a + host_rand(&seed) % 12;
		bool add = host_rand(&seed) % 2;
		u64 total = 0;

		b = MIN(b, (u64)MODEL_UNITS);
		if (add)
			assert_int_equal(memmap_add(&map, a * PAGE_SIZE,
						    b * PAGE_SIZE), 0);
		else
			assert_int_equal(memmap_remove(&map, a * PAGE_SIZE,
						       b * PAGE_SIZE), 0);
		for (u64 u = a; u < b; u++)
			model[u] = add;
		check_invariants(&map);
		for (unsigned i = 0; i < map.n; i++)
			for (u64 p = map.r[i].start; p < map.r[i].end;
			     p += PAGE_SIZE)
				assert_true(model[p / PAGE_SIZE]);
		for (u64 u = 0; u < MODEL_UNITS; u++)
			total += model[u];
		assert_int_equal(memmap_total(&map), total * PAGE_SIZE);
	}
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_is_empty),
		T(test_add_unsorted),
		T(test_add_overlapping_merges),
		T(test_add_touching_merges),
		T(test_add_bridges_several),
		T(test_add_duplicates),
		T(test_add_empty_ignored),
		T(test_remove_middle_splits),
		T(test_remove_edges),
		T(test_remove_across_ranges),
		T(test_remove_everything),
		T(test_remove_nothing),
		T(test_all_reserved),
		T(test_page_align),
		T(test_alloc_alignment),
		T(test_alloc_lowest_range),
		T(test_alloc_limit),
		T(test_alloc_whole_range),
		T(test_alloc_bad_arguments),
		T(test_alloc_no_wraparound),
		T(test_full_table_add),
		T(test_full_table_remove),
		T(test_full_table_alloc),
		T(test_random_against_model),
	};

	return cmocka_run_group_tests_name("mm/memmap", tests,
					   host_group_setup,
					   host_group_teardown);
}
