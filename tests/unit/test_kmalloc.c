/*
 * tests/unit/test_kmalloc.c - the kernel heap of mm/kmalloc.c, over 64 MiB
 * of simulated memory managed by the real frame allocator.
 *
 * kmalloc keeps its slab lists in static variables that no function
 * resets, so the whole group shares one memory: every test frees what it
 * allocates, and checks that the heap is back where it started (at most
 * one empty "warm" slab per size class stays).
 *
 * ASan sees the simulated memory as one block, so it cannot tell objects
 * apart: the tests fill every object with its own pattern and check that
 * no two live objects overlap.
 */
#include "host.h"
#include "mm/kmalloc.h"

#define MEM_BYTES MiB(64)
#define RAM_START MiB(1)
#define MAX_LARGE (PAGE_SIZE << (FRAME_MAX_ORDER - 1)) /* 4 MiB */

struct baseline {
	u64 free_frames;
	u64 slab_pages;
};

struct object {
	u8 *p;
	size_t size;
};

static int group_setup(void **state)
{
	host_reset();
	host_frames_init(MEM_BYTES);
	frame_add_range(RAM_START, MEM_BYTES);
	return 0;
}

static struct baseline baseline(void)
{
	struct kmalloc_stats st;

	kmalloc_get_stats(&st);
	for (unsigned c = 0; c < KMALLOC_CLASSES; c++)
		assert_int_equal(st.objects[c], 0);
	assert_int_equal(st.large_pages, 0);
	return (struct baseline){ frames_free_count(), st.slab_pages };
}

/* Everything freed: no objects, no large pages, frames back but for at
 * most one warm slab per class. */
static void check_back_to(struct baseline b)
{
	struct kmalloc_stats st;

	kmalloc_get_stats(&st);
	for (unsigned c = 0; c < KMALLOC_CLASSES; c++)
		assert_int_equal(st.objects[c], 0);
	assert_int_equal(st.large_pages, 0);
	assert_true(st.slab_pages <= KMALLOC_CLASSES);
	assert_int_equal(frames_free_count() + st.slab_pages,
			 b.free_frames + b.slab_pages);
}

/* The alignment kmalloc promises for a request of size. */
static size_t promised_align(size_t size)
{
	return size <= KMALLOC_MAX_SMALL ? kmalloc_usable_size(size)
					 : PAGE_SIZE;
}

static u8 pattern(size_t i)
{
	return (u8)(i * 37 + 11);
}

static int by_address(const void *a, const void *b)
{
	const struct object *x = a, *y = b;

	return x->p < y->p ? -1 : x->p > y->p;
}

/* No two of the n live objects overlap (each spans its usable size). */
static void check_no_overlap(struct object *objs, size_t n)
{
	qsort(objs, n, sizeof(*objs), by_address);
	for (size_t i = 1; i < n; i++)
		if (objs[i - 1].p + kmalloc_usable_size(objs[i - 1].size) >
		    objs[i].p)
			fail_msg("%zu-byte object at %p overlaps %p",
				 objs[i - 1].size, (void *)objs[i - 1].p,
				 (void *)objs[i].p);
}

static void shuffle(struct object *objs, size_t n, u64 seed)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = host_rand(&seed) % i;
		struct object t = objs[i - 1];

		objs[i - 1] = objs[j];
		objs[j] = t;
	}
}

static void test_zero_and_absurd_sizes(void **state)
{
	struct baseline b = baseline();

	assert_null(kmalloc(0));
	assert_null(kzalloc(0));
	assert_null(kmalloc(SIZE_MAX));
	assert_null(kmalloc(SIZE_MAX / 2 + 1));
	assert_null(kmalloc(MAX_LARGE + 1));
	assert_null(kmalloc((size_t)GiB(1)));
	assert_null(kzalloc(SIZE_MAX));
	check_back_to(b);
	assert_int_equal(b.free_frames, frames_free_count());
}

static void test_usable_size(void **state)
{
	assert_int_equal(kmalloc_usable_size(0), 0);
	assert_int_equal(kmalloc_usable_size(1), 16);
	assert_int_equal(kmalloc_usable_size(16), 16);
	assert_int_equal(kmalloc_usable_size(17), 32);
	assert_int_equal(kmalloc_usable_size(1000), 1024);
	assert_int_equal(kmalloc_usable_size(1024), 1024);
	assert_int_equal(kmalloc_usable_size(1025), PAGE_SIZE);
	assert_int_equal(kmalloc_usable_size(PAGE_SIZE), PAGE_SIZE);
	assert_int_equal(kmalloc_usable_size(PAGE_SIZE + 1), 2 * PAGE_SIZE);
	assert_int_equal(kmalloc_usable_size(3 * PAGE_SIZE), 4 * PAGE_SIZE);
	assert_int_equal(kmalloc_usable_size(MAX_LARGE), MAX_LARGE);
	assert_int_equal(kmalloc_usable_size(MAX_LARGE + 1), 0);
	assert_int_equal(kmalloc_usable_size(SIZE_MAX), 0);
	for (size_t n = 1; n <= 2 * PAGE_SIZE; n++)
		assert_true(kmalloc_usable_size(n) >= n);
}

#define EXTRA_SIZES 9
#define NR_SIZES (PAGE_SIZE + EXTRA_SIZES)

/* Every size 1..4096 and some larger, all live at once, freed shuffled. */
static void test_every_size(void **state)
{
	static const size_t extra[EXTRA_SIZES] = {
		PAGE_SIZE + 1, 8191,  8192,	 12289,	      65536,
		100000,	       MiB(1), MAX_LARGE - 1, MAX_LARGE,
	};
	static struct object objs[NR_SIZES];
	struct baseline b = baseline();
	struct kmalloc_stats st;
	size_t n = 0;

	for (size_t size = 1; size <= NR_SIZES; size++) {
		size_t want = size <= PAGE_SIZE ? size : extra[size - PAGE_SIZE - 1];
		u8 *p = kmalloc(want);

		if (!p)
			fail_msg("kmalloc(%zu) failed", want);
		if (!IS_ALIGNED((uintptr_t)p, promised_align(want)) ||
		    !IS_ALIGNED((uintptr_t)p, KMALLOC_MIN_SIZE))
			fail_msg("kmalloc(%zu) = %p is not aligned to %zu", want,
				 (void *)p, promised_align(want));
		memset(p, pattern(n), want); /* the whole size is writable */
		objs[n++] = (struct object){ p, want };
	}
	kmalloc_get_stats(&st);
	assert_int_equal(st.objects[0], 16);   /* sizes 1..16 */
	assert_int_equal(st.objects[6], 512);  /* sizes 513..1024 */
	assert_true(st.large_pages >= (PAGE_SIZE - KMALLOC_MAX_SMALL));

	/* Every object still holds its own pattern: nothing overlapped. */
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < objs[i].size; k++)
			if (objs[i].p[k] != pattern(i))
				fail_msg("%zu-byte object %p was overwritten at +%zu",
					 objs[i].size, (void *)objs[i].p, k);
	check_no_overlap(objs, n);

	shuffle(objs, n, 0x1234567);
	for (size_t i = 0; i < n; i++)
		kfree(objs[i].p);
	check_back_to(b);
}

static void test_kzalloc_zeroes(void **state)
{
	static const size_t sizes[] = { 1,   15,  16,  17,   100,  512,
					777, 1024, 1025, 4096, 5000, 70000 };
	struct baseline b = baseline();

	for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
		u8 *dirty = kmalloc(sizes[i]);
		u8 *p;

		memset(dirty, 0xff, sizes[i]);
		kfree(dirty);
		p = kzalloc(sizes[i]);
		assert_non_null(p);
		for (size_t k = 0; k < sizes[i]; k++)
			assert_int_equal(p[k], 0);
		kfree(p);
	}
	check_back_to(b);
}

static void test_kfree_null(void **state)
{
	struct baseline b = baseline();

	kfree(NULL);
	check_back_to(b);
	assert_int_equal(frames_free_count(), b.free_frames);
}

static void test_stats_count_objects(void **state)
{
	struct baseline b = baseline();
	struct kmalloc_stats st;
	void *a = kmalloc(20), *c = kmalloc(32), *d = kmalloc(1024);
	void *big = kmalloc(3 * PAGE_SIZE);

	kmalloc_get_stats(&st);
	assert_int_equal(st.objects[1], 2); /* 20 and 32: the 32-byte class */
	assert_int_equal(st.objects[6], 1);
	assert_int_equal(st.large_pages, 4);
	kfree(a);
	kfree(c);
	kfree(d);
	kfree(big);
	check_back_to(b);
}

/* Filling a slab starts another; emptying it gives the frame back. */
static void test_slab_grows_and_shrinks(void **state)
{
	static void *objs[2 * PAGE_SIZE / 64];
	struct baseline b = baseline();
	struct kmalloc_stats st;
	u64 slabs, n = 0;

	objs[n++] = kmalloc(64);
	kmalloc_get_stats(&st);
	slabs = st.slab_pages;
	/* A 64-byte slab holds fewer than PAGE_SIZE / 64 objects (header). */
	while (n < PAGE_SIZE / 64)
		objs[n++] = kmalloc(64);
	kmalloc_get_stats(&st);
	assert_int_equal(st.slab_pages, slabs + 1);
	while (n > 0)
		kfree(objs[--n]);
	/* The class is back to its one warm slab. */
	kmalloc_get_stats(&st);
	assert_int_equal(st.slab_pages, slabs);
	check_back_to(b);
}

static void test_bad_kfree_panics(void **state)
{
	struct baseline b = baseline();
	u8 *small = kmalloc(32), *tiny = kmalloc(16), *big = kmalloc(5000);
	u8 *slab_start = (u8 *)((uintptr_t)small & PAGE_MASK);
	phys_addr_t frame = frame_alloc();
	int on_stack = 0;

	expect_panic(kfree(small + 8), "not an object");
	expect_panic(kfree(small + 16), "not an object");
	expect_panic(kfree(tiny + 1), "not an object");
	expect_panic(kfree(slab_start), "not an object");     /* the header */
	expect_panic(kfree(big + 8), "not returned by kmalloc");
	expect_panic(kfree(big + PAGE_SIZE), "not returned by kmalloc");
	expect_panic(kfree(phys_to_virt(frame)), "not returned by kmalloc");
	expect_panic(kfree(phys_to_virt(0x3000)), "not returned by kmalloc");
	expect_panic(kfree(&on_stack), "beyond the frame table");
	/* The heap is intact after all that. */
	kfree(small);
	kfree(tiny);
	kfree(big);
	frame_free(frame);
	check_back_to(b);
}

static void test_double_kfree_panics(void **state)
{
	struct baseline b = baseline();
	void *keep = kmalloc(128); /* keeps the slab alive */
	void *small = kmalloc(128);
	void *big = kmalloc(3 * PAGE_SIZE);

	kfree(small);
	expect_panic(kfree(small), "double free");
	kfree(big);
	expect_panic(kfree(big), "not returned by kmalloc");
	kfree(keep);
	/* The slab's free list is intact: no object is handed out twice. */
	small = kmalloc(128);
	keep = kmalloc(128);
	assert_ptr_not_equal(small, keep);
	kfree(small);
	kfree(keep);
	check_back_to(b);
}

/* Allocate size bytes until memory runs out, then free everything. */
static void exhaust(size_t size)
{
	static void *objs[MEM_BYTES / 64];
	const size_t max = ARRAY_SIZE(objs);
	struct baseline b = baseline();
	size_t n = 0;

	while (n < max && (objs[n] = kmalloc(size)))
		n++;
	assert_true(n < max); /* ran out before the array did */
	assert_true(n > 0);
	/* No free block big enough is left (a slab needs one frame). */
	for (unsigned o = 0; o < FRAME_MAX_ORDER; o++)
		if (PAGE_SIZE << o >= MAX(kmalloc_usable_size(size), PAGE_SIZE))
			assert_int_equal(frames_free_blocks(o), 0);
	assert_null(kmalloc(size));
	for (size_t i = 0; i < n; i++)
		*(u64 *)objs[i] = i; /* each is its own memory */
	for (size_t i = 0; i < n; i++)
		assert_int_equal(*(u64 *)objs[i], i);
	while (n)
		kfree(objs[--n]);
	check_back_to(b);
}

static void test_exhaust_small(void **state)
{
	exhaust(64);
}

static void test_exhaust_large(void **state)
{
	exhaust(MiB(1));
	exhaust(PAGE_SIZE + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zero_and_absurd_sizes),
		cmocka_unit_test(test_usable_size),
		cmocka_unit_test(test_every_size),
		cmocka_unit_test(test_kzalloc_zeroes),
		cmocka_unit_test(test_kfree_null),
		cmocka_unit_test(test_stats_count_objects),
		cmocka_unit_test(test_slab_grows_and_shrinks),
		cmocka_unit_test(test_bad_kfree_panics),
		cmocka_unit_test(test_double_kfree_panics),
		cmocka_unit_test(test_exhaust_small),
		cmocka_unit_test(test_exhaust_large),
	};

	return cmocka_run_group_tests_name("mm/kmalloc", tests, group_setup,
					   host_group_teardown);
}
