/*
 * tests/unit/test_page_index.c - the sparse word array of mm/page_index.c
 * (shared memory objects' pages), with its nodes from the real kmalloc
 * over 64 MiB of simulated memory managed by the real frame allocator.
 */
#include "host.h"
#include "mm/kmalloc.h"
#include "mm/page_index.h"

#define MEM_BYTES MiB(64)
#define RAM_START MiB(1)

static int group_setup(void **state)
{
	(void)state;
	host_reset();
	host_frames_init(MEM_BYTES);
	frame_add_range(RAM_START, MEM_BYTES);
	return 0;
}

/* The heap as it was: every node the test made was freed. */
static u64 used_frames(void)
{
	return frames_managed_count() - frames_free_count();
}

static void test_height(void **state)
{
	struct page_index ix;

	(void)state;
	assert_true(page_index_init(&ix, 1));
	assert_int_equal(ix.height, 1);
	assert_true(page_index_init(&ix, 512));
	assert_int_equal(ix.height, 1);
	assert_true(page_index_init(&ix, 513));
	assert_int_equal(ix.height, 2);
	assert_true(page_index_init(&ix, GiB(2) / PAGE_SIZE)); /* 2^19 words */
	assert_int_equal(ix.height, 3);
	assert_true(page_index_init(&ix, 1ull << 36));
	assert_int_equal(ix.height, 4);
	assert_false(page_index_init(&ix, (1ull << 36) + 1));
	assert_false(page_index_init(&ix, 0));
	assert_null(ix.root); /* nothing allocated by init */
}

/* 2 GiB of pages, untouched: no node at all; reading makes none. */
static void test_untouched_costs_nothing(void **state)
{
	struct page_index ix;
	u64 before = used_frames();

	(void)state;
	assert_true(page_index_init(&ix, GiB(2) / PAGE_SIZE));
	assert_int_equal(page_index_get(&ix, 12345), 0);
	assert_null(page_index_slot(&ix, 0, false));
	assert_int_equal(page_index_nodes(&ix), 0);
	assert_int_equal(used_frames(), before);
	page_index_destroy(&ix);
}

/* One word set in a three-level index: one node per level. */
static void test_sparse_set(void **state)
{
	struct page_index ix;
	u64 before = used_frames(), last = GiB(2) / PAGE_SIZE - 1;

	(void)state;
	assert_true(page_index_init(&ix, last + 1));
	*page_index_slot(&ix, last, true) = 0xabc1;
	assert_int_equal(page_index_nodes(&ix), 3);
	assert_int_equal(page_index_get(&ix, last), 0xabc1);
	assert_int_equal(page_index_get(&ix, last - 1), 0);
	assert_int_equal(page_index_get(&ix, 0), 0);
	*page_index_slot(&ix, 0, true) = 7;
	assert_int_equal(page_index_nodes(&ix), 5); /* a new leaf and middle */
	assert_int_equal(page_index_get(&ix, 0), 7);
	page_index_destroy(&ix);
	assert_null(ix.root);
	assert_int_equal(used_frames(), before);
}

/* A small index is one node of its own size (a 2-page object does not
 * pay for 512 words). */
static void test_small_index_one_node(void **state)
{
	struct page_index ix;
	struct kmalloc_stats st;
	u64 small_before;

	(void)state;
	kmalloc_get_stats(&st);
	small_before = st.objects[0];
	assert_true(page_index_init(&ix, 2));
	*page_index_slot(&ix, 1, true) = 5;
	kmalloc_get_stats(&st);
	assert_int_equal(st.objects[0], small_before + 1); /* 16 bytes */
	assert_int_equal(page_index_get(&ix, 1), 5);
	page_index_destroy(&ix);
}

struct seen {
	u64 n, last, sum;
	bool ordered;
};

static void visit(u64 i, u64 *word, void *arg)
{
	struct seen *s = arg;

	s->ordered &= s->n == 0 || i > s->last;
	assert_int_equal(*word, i * 3 + 1);
	s->last = i;
	s->sum += i;
	s->n++;
	if (i % 2)
		*word = 0; /* fn may clear words */
}

/* for_each: every word set, in order, and only those. */
static void test_for_each(void **state)
{
	static const u64 at[] = { 0, 1, 511, 512, 513, 262143, 262144, 400000, 524287 };
	struct page_index ix;
	struct seen s = { 0, 0, 0, true };
	u64 sum = 0, before = used_frames();

	(void)state;
	assert_true(page_index_init(&ix, 524288));
	for (unsigned k = sizeof(at) / sizeof(at[0]); k-- > 0;) {
		*page_index_slot(&ix, at[k], true) = at[k] * 3 + 1;
		sum += at[k];
	}
	page_index_for_each(&ix, visit, &s);
	assert_int_equal(s.n, sizeof(at) / sizeof(at[0]));
	assert_int_equal(s.sum, sum);
	assert_true(s.ordered);
	assert_int_equal(page_index_get(&ix, 511), 0); /* cleared by visit */
	assert_int_equal(page_index_get(&ix, 512), 512 * 3 + 1);
	page_index_destroy(&ix);
	assert_int_equal(used_frames(), before);
}

/* No memory for a node: NULL, and the index stays usable. */
static void test_out_of_memory(void **state)
{
	struct page_index ix;
	u64 *hog[32768];
	unsigned n = 0;

	(void)state;
	assert_true(page_index_init(&ix, 1u << 20));
	while (n < 32768 && (hog[n] = kmalloc(PAGE_SIZE)))
		n++;
	assert_null(page_index_slot(&ix, 99999, true));
	kfree(hog[--n]);
	kfree(hog[--n]);
	kfree(hog[--n]);
	assert_non_null(page_index_slot(&ix, 99999, true));
	while (n)
		kfree(hog[--n]);
	page_index_destroy(&ix);
}

static void test_out_of_range_panics(void **state)
{
	struct page_index ix;

	(void)state;
	assert_true(page_index_init(&ix, 10));
	expect_panic(page_index_slot(&ix, 10, true), "offset 10 of 10");
	page_index_destroy(&ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_height),
		cmocka_unit_test(test_untouched_costs_nothing),
		cmocka_unit_test(test_sparse_set),
		cmocka_unit_test(test_small_index_one_node),
		cmocka_unit_test(test_for_each),
		cmocka_unit_test(test_out_of_memory),
		cmocka_unit_test(test_out_of_range_panics),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
