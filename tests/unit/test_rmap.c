/*
 * tests/unit/test_rmap.c - the reverse map (mm/rmap.c) on the host: fork
 * families (anonmm) that only count, the items for what a family cannot
 * compute (another family's mapping, mremap of a page its relatives
 * still map), rmap_iter visiting every mapping exactly once, and the
 * panics for mappings that were never recorded.
 *
 * The page tables (mm/pagetable.c) and frame allocator (mm/frame.c) are
 * the kernel's own over simulated memory; an address space here is a
 * struct mm with a page table and nothing else.
 */
#include "host.h"
#include "mm/mm.h"
#include "mm/rmap.h"
#include "mm/pagetable.h"

#define MEM_BYTES MiB(4)
#define RAM_START MiB(1)
#define VA 0x10000000ul
#define VA2 0x20000000ul

/* ---- the doubles: what mm/rmap.c calls outside it ---- */

void *kzalloc(size_t size)
{
	return calloc(1, size);
}

void kfree(void *p)
{
	free(p);
}

struct mm *mm_first(void)
{
	return NULL; /* unmap_mapping_range is not tested here */
}

void mm_drop_entry(pte_t old, u64 va, void *arg)
{
	struct page *page = phys_to_page(pte_addr(old));

	rmap_remove(page, arg, va);
	page_put(page);
}

/* ---- helpers ---- */

static struct mm mms[4];
static struct page *page;

/* One simulated memory for the group: the item pool keeps a frame of it
 * between the tests, as the kernel's does. */
static int group_setup(void **state)
{
	host_reset();
	host_frames_init(MEM_BYTES);
	frame_add_range(RAM_START, MEM_BYTES);
	return 0;
}

static int setup(void **state)
{
	memset(mms, 0, sizeof(mms));
	for (int i = 0; i < 4; i++)
		mms[i].pgd = pt_alloc_table();
	page = phys_to_page(frame_alloc());
	return 0;
}

static int teardown(void **state)
{
	for (int i = 0; i < 4; i++)
		anon_exit(&mms[i]);
	return 0;
}

/* Map page at va in mm: the entry and the reverse map. */
static void map(struct mm *mm, u64 va)
{
	pte_t *e = pt_walk(mm->pgd, va, true);

	assert_non_null(e);
	*e = pt_entry(page_to_phys(page), PTE_U | PTE_W);
	assert_int_equal(rmap_add(page, mm, va), 0);
}

/* Unmap it: the entry and the reverse map. */
static void unmap(struct mm *mm, u64 va)
{
	*pt_walk(mm->pgd, va, false) = 0;
	rmap_remove(page, mm, va);
}

/* How many mappings rmap_iter visits; each must be (mm, va) of want. */
static int visits(void)
{
	struct rmap_iter it;
	int n = 0;

	for (rmap_iter_init(&it, page); rmap_next(&it);) {
		assert_ptr_equal(pt_walk(it.mm->pgd, it.va, false), it.pte);
		assert_int_equal(pte_addr(*it.pte), page_to_phys(page));
		n++;
	}
	return n;
}

/* ---- the tests ---- */

/* Fork and exit only count: no item, one visit per member. */
static void test_fork_family_counts(void **state)
{
	map(&mms[0], VA);
	assert_non_null(page->anon);
	assert_int_equal(anon_fork(&mms[1], &mms[0]), 0);
	assert_int_equal(anon_fork(&mms[2], &mms[1]), 0);
	for (int i = 1; i < 3; i++) {
		*pt_walk(mms[i].pgd, VA, true) = pt_entry(page_to_phys(page), PTE_U);
		assert_int_equal(page_dup_rmap(page, &mms[i], VA), 0);
	}
	assert_int_equal(rmap_items(), 0);
	assert_int_equal(rmap_mapcount(page), 3);
	assert_int_equal(visits(), 3);
	unmap(&mms[1], VA);
	assert_int_equal(visits(), 2);
	*pt_walk(mms[0].pgd, VA, false) = 0;
	page_remove_rmap(page, &mms[0], VA);
	*pt_walk(mms[2].pgd, VA, false) = 0;
	page_remove_rmap(page, &mms[2], VA);
	assert_null(page->anon);
	assert_int_equal(rmap_mapcount(page), 0);
	assert_int_equal(visits(), 0);
}

/* A member that is not mapping the frame at the family's address is not
 * visited (the child faulted a page of its own there). */
static void test_member_without_the_frame(void **state)
{
	map(&mms[0], VA);
	assert_int_equal(anon_fork(&mms[1], &mms[0]), 0);
	*pt_walk(mms[1].pgd, VA, true) = pt_entry(frame_alloc(), PTE_U);
	assert_int_equal(visits(), 1);
	unmap(&mms[0], VA);
}

/* Another family's mapping is an item; removing in any order works. */
static void test_other_family_item(void **state)
{
	map(&mms[0], VA);
	map(&mms[3], VA2); /* another family, another address */
	map(&mms[1], VA);  /* another family, the same address */
	assert_int_equal(rmap_items(), 2);
	assert_int_equal(rmap_mapcount(page), 3);
	assert_int_equal(visits(), 3);
	unmap(&mms[0], VA);
	assert_null(page->anon);
	assert_int_equal(visits(), 2);
	/* a new first mapping by a family that has an item at the same
	 * address: the item's mapping is visited once, not twice */
	assert_int_equal(anon_fork(&mms[2], &mms[1]), 0);
	map(&mms[2], VA);
	assert_ptr_equal(page->anon, mms[1].anonmm);
	assert_int_equal(rmap_mapcount(page), 3);
	assert_int_equal(visits(), 3);
	unmap(&mms[1], VA);
	unmap(&mms[3], VA2);
	unmap(&mms[2], VA);
	assert_int_equal(rmap_items(), 0);
	assert_null(page->anon);
}

/* mremap: alone in the family the frame's address moves; shared with a
 * relative, the moved mapping becomes an item. */
static void test_move(void **state)
{
	map(&mms[0], VA);
	assert_int_equal(rmap_move(page, &mms[0], VA, VA2), 0);
	assert_int_equal(page->index, VA2 >> PAGE_SHIFT);
	assert_int_equal(rmap_items(), 0);
	*pt_walk(mms[0].pgd, VA, false) = 0;
	*pt_walk(mms[0].pgd, VA2, true) = pt_entry(page_to_phys(page), PTE_U);
	assert_int_equal(anon_fork(&mms[1], &mms[0]), 0);
	*pt_walk(mms[1].pgd, VA2, true) = pt_entry(page_to_phys(page), PTE_U);
	assert_int_equal(page_dup_rmap(page, &mms[1], VA2), 0);
	/* the child moves its mapping back to VA */
	assert_int_equal(rmap_move(page, &mms[1], VA2, VA), 0);
	*pt_walk(mms[1].pgd, VA2, false) = 0;
	*pt_walk(mms[1].pgd, VA, true) = pt_entry(page_to_phys(page), PTE_U);
	assert_int_equal(rmap_items(), 1);
	assert_int_equal(rmap_mapcount(page), 2);
	assert_int_equal(visits(), 2);
	unmap(&mms[1], VA);
	unmap(&mms[0], VA2);
	assert_int_equal(rmap_items(), 0);
	assert_null(page->anon);
}

/* The loop may remove the mapping it is at (eviction does). */
static void test_remove_while_iterating(void **state)
{
	struct rmap_iter it;

	map(&mms[0], VA);
	map(&mms[3], VA2);
	assert_int_equal(anon_fork(&mms[1], &mms[0]), 0);
	*pt_walk(mms[1].pgd, VA, true) = pt_entry(page_to_phys(page), PTE_U);
	assert_int_equal(page_dup_rmap(page, &mms[1], VA), 0);
	for (rmap_iter_init(&it, page); rmap_next(&it);) {
		*it.pte = 0;
		rmap_remove(page, it.mm, it.va);
	}
	assert_int_equal(rmap_mapcount(page), 0);
	assert_int_equal(rmap_items(), 0);
	assert_null(page->anon);
}

/* Removing or moving a mapping that was never recorded is a bug. */
static void test_unrecorded_panics(void **state)
{
	expect_panic(rmap_remove(page, &mms[0], VA), "rmap_remove: frame");
	map(&mms[0], VA);
	expect_panic(rmap_remove(page, &mms[0], VA2), "is not mapped at");
	expect_panic(rmap_move(page, &mms[1], VA, VA2), "rmap_move: frame");
	unmap(&mms[0], VA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fork_family_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_member_without_the_frame, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_family_item, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_while_iterating, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unrecorded_panics, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, host_group_teardown);
}
