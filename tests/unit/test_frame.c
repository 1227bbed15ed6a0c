/*
 * tests/unit/test_frame.c - the buddy frame allocator of mm/frame.c.
 *
 * Each test gets 8 MiB of simulated memory (2048 frames) and the memory
 * map below, with holes and unaligned ends:
 *   [0x100123, 0x2ff800)  frames 0x101 .. 0x2fe   510 frames
 *   [0x380000, 0x381000)  frame  0x380              1 frame
 *   [0x400000, 0x900000)  frames 0x400 .. 0x7ff  1024 frames (cut at the
 *                                                 end of the table)
 */
#include "host.h"
#include "kernel/bootinfo.h"

#define MEM_BYTES MiB(8)
#define NR_PFNS (MEM_BYTES >> PAGE_SHIFT)
#define MANAGED_FRAMES (510 + 1 + 1024)

static const u64 ram[][2] = {
	{ 0x100123, 0x2ff800 },
	{ 0x380000, 0x381000 },
	{ 0x400000, 0x900000 },
};

static bool managed[NR_PFNS]; /* the model: frames given to the allocator */
static bool used[NR_PFNS];    /* the model: frames handed out */

static int setup(void **state)
{
	host_reset();
	host_frames_init(MEM_BYTES);
	memset(managed, 0, sizeof(managed));
	memset(used, 0, sizeof(used));
	for (unsigned i = 0; i < ARRAY_SIZE(ram); i++) {
		frame_add_range(ram[i][0], ram[i][1]);
		for (u64 p = ALIGN_UP(ram[i][0], PAGE_SIZE) >> PAGE_SHIFT;
		     p < MIN(ram[i][1] >> PAGE_SHIFT, NR_PFNS); p++)
			managed[p] = true;
	}
	frames_setup_all(); /* the free lists hold everything: the model */
	return 0;
}

static int teardown(void **state)
{
	host_mem_exit();
	return 0;
}

/*
 * The free blocks a fully coalesced buddy allocator holds for the frames
 * that are managed and not used: from each free frame, the largest
 * aligned block of free frames (at most order FRAME_MAX_ORDER - 1).
 */
static void canonical_blocks(u64 blocks[FRAME_MAX_ORDER])
{
	memset(blocks, 0, FRAME_MAX_ORDER * sizeof(u64));
	for (u64 pfn = 0; pfn < NR_PFNS;) {
		unsigned order = FRAME_MAX_ORDER - 1;

		if (!managed[pfn] || used[pfn]) {
			pfn++;
			continue;
		}
		for (;; order--) {
			u64 n = 1ull << order, i;

			if (pfn & (n - 1) || pfn + n > NR_PFNS)
				continue;
			for (i = 0; i < n && managed[pfn + i] && !used[pfn + i];
			     i++)
				;
			if (i == n)
				break;
		}
		blocks[order]++;
		pfn += 1ull << order;
	}
}

/* The allocator's free lists must be exactly the coalesced picture. */
static void check_coalesced(void)
{
	u64 want[FRAME_MAX_ORDER], free = 0;

	canonical_blocks(want);
	for (unsigned o = 0; o < FRAME_MAX_ORDER; o++) {
		if (frames_free_blocks(o) != want[o])
			fail_msg("order %u: %lu free blocks, expected %lu", o,
				 frames_free_blocks(o), want[o]);
		free += want[o] << o;
	}
	assert_int_equal(frames_free_count(), free);
}

/* Free-list block counts and the cache must add up to the free-frame count. */
static void check_free_sum(void)
{
	u64 sum = frame_cache_count();

	for (unsigned o = 0; o < FRAME_MAX_ORDER; o++)
		sum += frames_free_blocks(o) << o;
	assert_int_equal(sum, frames_free_count());
}

/* The same, with frames still waiting to be set up (not on any list). */
static void check_free_sum_with_pending(u64 pending)
{
	u64 sum = 0;

	for (unsigned o = 0; o < FRAME_MAX_ORDER; o++)
		sum += frames_free_blocks(o) << o;
	assert_int_equal(sum + pending, frames_free_count());
}

/* Mark the block at page as handed out: managed, aligned, not in use. */
static u64 take(struct page *page, unsigned order)
{
	u64 pfn = page_to_pfn(page);

	if (pfn & ((1ull << order) - 1))
		fail_msg("order-%u block at pfn 0x%lx is not aligned", order,
			 pfn);
	assert_true(pfn + (1ull << order) <= NR_PFNS);
	for (u64 i = pfn; i < pfn + (1ull << order); i++) {
		if (!managed[i])
			fail_msg("pfn 0x%lx was never added (a hole)", i);
		if (used[i])
			fail_msg("pfn 0x%lx handed out twice", i);
		used[i] = true;
	}
	return pfn;
}

static void give_back(struct page *page, unsigned order)
{
	u64 pfn = page_to_pfn(page);

	for (u64 i = pfn; i < pfn + (1ull << order); i++)
		used[i] = false;
	frames_free(page, order);
}

static void test_counts_after_add(void **state)
{
	assert_int_equal(frames_table_size(), NR_PFNS);
	assert_int_equal(frames_managed_count(), MANAGED_FRAMES);
	assert_int_equal(frames_free_count(), MANAGED_FRAMES);
	check_coalesced();
	/* The aligned 4 MiB at 0x400000 is one top-order block. */
	assert_int_equal(frames_free_blocks(FRAME_MAX_ORDER - 1), 1);
	assert_int_equal(frames_free_blocks(FRAME_MAX_ORDER), 0);
	for (u64 p = 0; p < NR_PFNS; p++)
		if (!managed[p])
			assert_true(pfn_to_page(p)->flags & PG_RESERVED);
}

static void test_add_range_edge_cases(void **state)
{
	host_frames_init(MEM_BYTES);
	frame_add_range(0x200000, 0x200000);   /* empty */
	frame_add_range(0x300000, 0x200000);   /* inverted */
	frame_add_range(0x200001, 0x200fff);   /* less than a frame */
	frame_add_range(0x900000, 0xa00000);   /* beyond the table */
	frame_add_range(0x201fff, 0x203001);   /* only frame 0x202 is whole */
	frame_add_range(~0ull - 0xffe, ~0ull); /* rounding up must not wrap */
	assert_int_equal(frames_managed_count(), 1);
	assert_int_equal(frame_alloc(), 0x202000);
	assert_int_equal(frame_alloc(), 0);
}

/* Frame 0 is never managed: frame_alloc() uses 0 to say "no memory". */
static void test_frame_zero_never_managed(void **state)
{
	host_frames_init(MEM_BYTES);
	frame_add_range(0, 4 * PAGE_SIZE);
	assert_int_equal(frames_managed_count(), 3);
	for (int i = 0; i < 3; i++)
		assert_int_not_equal(frame_alloc(), 0);
	assert_int_equal(frames_free_count(), 0);
	assert_int_equal(frame_alloc(), 0);
	assert_true(pfn_to_page(0)->flags & PG_RESERVED);
}

/* Ranges added separately merge with their buddies across the seam. */
static void test_add_adjacent_ranges_merge(void **state)
{
	host_frames_init(MEM_BYTES);
	frame_add_range(0x400000, 0x600000);
	frame_add_range(0x600000, 0x800000);
	frames_setup_all();
	assert_int_equal(frames_free_blocks(FRAME_MAX_ORDER - 1), 1);
	assert_int_equal(frames_free_count(), 1024);
	check_free_sum();
}

static void test_add_range_twice_panics(void **state)
{
	expect_panic(frame_add_range(0x400000, 0x401000), "added twice");
}

static void test_alloc_until_exhausted(void **state)
{
	static phys_addr_t got[MANAGED_FRAMES];
	u64 blocks_before[FRAME_MAX_ORDER];

	for (unsigned o = 0; o < FRAME_MAX_ORDER; o++)
		blocks_before[o] = frames_free_blocks(o);
	for (u64 i = 0; i < MANAGED_FRAMES; i++) {
		got[i] = frame_alloc();
		assert_int_not_equal(got[i], 0);
		assert_true(IS_ALIGNED(got[i], PAGE_SIZE));
		take(phys_to_page(got[i]), 0);
		assert_int_equal(frames_free_count(), MANAGED_FRAMES - i - 1);
	}
	assert_int_equal(frame_alloc(), 0);
	assert_null(frames_alloc(0));
	assert_null(frames_alloc(3));
	for (unsigned o = 0; o < FRAME_MAX_ORDER; o++)
		assert_int_equal(frames_free_blocks(o), 0);

	for (u64 i = 0; i < MANAGED_FRAMES; i++) {
		frame_free(got[i]);
		used[got[i] >> PAGE_SHIFT] = false;
	}
	assert_int_equal(frames_free_count(), MANAGED_FRAMES);
	for (unsigned o = 0; o < FRAME_MAX_ORDER; o++)
		assert_int_equal(frames_free_blocks(o), blocks_before[o]);
	check_coalesced();
}

/* Every order: blocks aligned to their size, inside RAM, never shared. */
static void test_alloc_each_order(void **state)
{
	static struct page *got[MANAGED_FRAMES];

	for (unsigned order = 0; order < FRAME_MAX_ORDER; order++) {
		u64 n = 0;
		struct page *p;

		while ((p = frames_alloc(order))) {
			assert_int_equal(p->order, order);
			assert_int_equal(p->refcount, 1);
			assert_true(p->flags & PG_HEAD);
			take(p, order);
			got[n++] = p;
		}
		/* What is left is too scattered for one more block. */
		assert_true(frames_free_count() < MANAGED_FRAMES);
		for (unsigned o = order; o < FRAME_MAX_ORDER; o++)
			assert_int_equal(frames_free_blocks(o), 0);
		while (n)
			give_back(got[--n], order);
		assert_int_equal(frames_free_count(), MANAGED_FRAMES);
		check_coalesced();
	}
	assert_null(frames_alloc(FRAME_MAX_ORDER));
	assert_null(frames_alloc(100));
}

/* One aligned block of order 3, split down to one frame and merged back. */
static void test_split_and_coalesce(void **state)
{
	struct page *a, *b, *c;

	host_frames_init(MEM_BYTES);
	frame_add_range(0x408000, 0x410000); /* pfns 0x408 .. 0x40f */
	frames_setup_all();
	assert_int_equal(frames_free_blocks(3), 1);

	a = frames_alloc(0);
	assert_int_equal(page_to_phys(a), 0x408000); /* the lowest half */
	assert_int_equal(frames_free_blocks(0), 1);  /* 0x409 */
	assert_int_equal(frames_free_blocks(1), 1);  /* 0x40a */
	assert_int_equal(frames_free_blocks(2), 1);  /* 0x40c */
	assert_int_equal(frames_free_blocks(3), 0);

	b = frames_alloc(1);
	assert_int_equal(page_to_phys(b), 0x40a000);
	c = frames_alloc(0);
	assert_int_equal(page_to_phys(c), 0x409000);
	assert_int_equal(frames_free_count(), 4);

	frames_free(a, 0); /* buddy c is in use: no merge */
	assert_int_equal(frames_free_blocks(0), 1);
	frames_free(c, 0); /* merges with a; their buddy b is in use */
	assert_int_equal(frames_free_blocks(0), 0);
	assert_int_equal(frames_free_blocks(1), 1);
	frames_free(b, 1); /* 0x408 + 0x40a + 0x40c: one order-3 block */
	assert_int_equal(frames_free_blocks(1), 0);
	assert_int_equal(frames_free_blocks(2), 0);
	assert_int_equal(frames_free_blocks(3), 1);
	assert_int_equal(frames_free_count(), 8);
}

static void test_refcount(void **state)
{
	struct page *p = frames_alloc(2);
	u64 free = frames_free_count();

	page_get(p);
	page_get(p);
	assert_int_equal(p->refcount, 3);
	page_put(p);
	page_put(p);
	assert_int_equal(p->refcount, 1);
	assert_int_equal(frames_free_count(), free); /* still allocated */
	page_put(p); /* the last reference frees the whole block */
	assert_int_equal(frames_free_count(), free + 4);
	assert_true(p->flags & PG_FREE);
	check_coalesced();
}

static void test_double_free_panics(void **state)
{
	phys_addr_t pa = frame_alloc();
	u64 free;

	frame_free(pa);
	free = frames_free_count();
	expect_panic(frame_free(pa), "double free");
	assert_int_equal(frames_free_count(), free); /* nothing changed */
	check_coalesced();
}

static void test_free_reserved_panics(void **state)
{
	expect_panic(frame_free(0x300000), "reserved");   /* a hole */
	expect_panic(frame_free(0x0), "reserved");        /* frame 0 */
	expect_panic(frames_free(pfn_to_page(0x100), 0), "reserved");
	assert_int_equal(frames_free_count(), MANAGED_FRAMES);
}

static void test_free_wrong_order_panics(void **state)
{
	struct page *p = frames_alloc(2);

	expect_panic(frames_free(p, 1), "different order");
	expect_panic(frames_free(p, 3), "different order");
	expect_panic(frames_free(p, FRAME_MAX_ORDER), "impossible order");
	frames_free(p, 2);
	check_coalesced();
}

static void test_free_tail_frame_panics(void **state)
{
	struct page *p = frames_alloc(2);

	expect_panic(frames_free(p + 1, 0), "not the first frame");
	expect_panic(frame_free(page_to_phys(p) + 3 * PAGE_SIZE),
		     "not the first frame");
	frames_free(p, 2);
	check_coalesced();
}

static void test_free_referenced_panics(void **state)
{
	struct page *p = frames_alloc(0);

	page_get(p);
	expect_panic(frames_free(p, 0), "still referenced");
	page_put(p);
	frames_free(p, 0);
	check_coalesced();
}

static void test_page_put_free_frame_panics(void **state)
{
	struct page *p = frames_alloc(0);

	page_put(p);
	expect_panic(page_put(p), "not an allocated block");
	expect_panic(page_get(p), "not an allocated block");
	expect_panic(page_put(pfn_to_page(0x300)), "not an allocated block");
	check_coalesced();
}

static void test_page_put_tail_panics(void **state)
{
	struct page *p = frames_alloc(1);

	expect_panic(page_put(p + 1), "not an allocated block");
	expect_panic(page_get(p + 1), "not an allocated block");
	page_put(p);
	check_coalesced();
}

static void test_outside_table_panics(void **state)
{
	struct page outside = { 0 };

	expect_panic(phys_to_page(MEM_BYTES), "beyond the frame table");
	expect_panic(frame_free(MEM_BYTES + PAGE_SIZE), "beyond the frame table");
	expect_panic(frames_free(&outside, 0), "outside the frame table");
	assert_ptr_equal(phys_to_page(MEM_BYTES - 1), pfn_to_page(NR_PFNS - 1));
}

static void test_init_too_many_frames_panics(void **state)
{
	expect_panic(frame_init(NULL, FRAME_NONE), "more than the table");
}

struct live {
	struct page *page;
	unsigned order;
};

/* Thousands of random allocations and frees, checked against the model. */
/* Random allocations and frees, with the frame cache on or off; at the
 * end (the cache given back) the lists are exactly coalesced. */
static void random_stress(bool cache)
{
	static struct live live[MANAGED_FRAMES];
	unsigned nlive = 0;
	u64 in_use = 0, seed = 0x9e3779b97f4a7c15ull;

	frame_cache_enable(cache);
	for (int step = 0; step < 20000; step++) {
		u64 r = host_rand(&seed);

		if (r % 8 < 5 || nlive == 0) {
			/* Mostly small orders, sometimes big ones. */
			unsigned order = r % 4 == 0 ? (r >> 8) % FRAME_MAX_ORDER
						    : (r >> 8) % 3;
			struct page *p = frames_alloc(order);

			if (!p) { /* then no block is big enough */
				for (unsigned o = order; o < FRAME_MAX_ORDER; o++)
					assert_int_equal(frames_free_blocks(o), 0);
				continue;
			}
			take(p, order);
			live[nlive++] = (struct live){ p, order };
			in_use += 1ull << order;
		} else {
			unsigned i = (r >> 8) % nlive;
			struct live l = live[i];

			live[i] = live[--nlive];
			if (r & 0x10000) { /* via references, sometimes */
				page_get(l.page);
				page_put(l.page);
				for (u64 k = 0; k < (1ull << l.order); k++)
					used[page_to_pfn(l.page) + k] = false;
				page_put(l.page);
			} else {
				give_back(l.page, l.order);
			}
			in_use -= 1ull << l.order;
		}
		assert_int_equal(frames_free_count(), MANAGED_FRAMES - in_use);
		if (step % 256 == 0)
			check_free_sum();
	}
	while (nlive) {
		nlive--;
		give_back(live[nlive].page, live[nlive].order);
	}
	assert_int_equal(frames_free_count(), MANAGED_FRAMES);
	frame_cache_enable(false);
	assert_int_equal(frame_cache_count(), 0);
	check_coalesced();
}

static void test_random_stress(void **state)
{
	random_stress(false);
}

/* ---- the frame cache: single frames kept off the lists */

#define CACHE_BATCH 16 /* FRAME_CACHE_BATCH in mm/frame.c */
#define CACHE_MAX 64   /* FRAME_CACHE_MAX */

static void test_cache_random_stress(void **state)
{
	random_stress(true);
}

/* An empty cache takes one whole block of CACHE_BATCH frames and hands
 * them out lowest first; they stay counted as free. */
static void test_cache_refills_with_a_block(void **state)
{
	struct page *first, *p;

	frame_cache_enable(true);
	first = frames_alloc(0);
	assert_non_null(first);
	take(first, 0);
	assert_int_equal(page_to_pfn(first) % CACHE_BATCH, 0);
	assert_int_equal(frame_cache_count(), CACHE_BATCH - 1);
	assert_int_equal(frames_free_count(), MANAGED_FRAMES - 1);
	check_free_sum();
	for (unsigned i = 1; i < CACHE_BATCH; i++) {
		p = frames_alloc(0);
		assert_int_equal(page_to_pfn(p), page_to_pfn(first) + i);
		assert_int_equal(p->flags, PG_HEAD);
		assert_int_equal(p->refcount, 1);
		take(p, 0);
	}
	assert_int_equal(frame_cache_count(), 0);
	p = frames_alloc(0); /* the next block */
	take(p, 0);
	assert_int_equal(frame_cache_count(), CACHE_BATCH - 1);
	check_free_sum();
}

/* A frame freed into the cache is the next one handed out (it is the
 * one most likely still in the CPU's caches), and stays free meanwhile. */
static void test_cache_last_freed_first_out(void **state)
{
	struct page *a, *b;

	frame_cache_enable(true);
	a = frames_alloc(0);
	b = frames_alloc(0);
	frames_free(a, 0);
	assert_true(a->flags & PG_FREE);
	assert_false(a->flags & PG_HEAD); /* never merged by the buddy */
	assert_int_equal(a->refcount, 0);
	assert_ptr_equal(frames_alloc(0), a);
	page_put(a); /* the last reference frees into the cache too */
	assert_ptr_equal(frames_alloc(0), a);
	frames_free(a, 0);
	frames_free(b, 0);
	assert_int_equal(frames_free_count(), MANAGED_FRAMES);
	frame_cache_enable(false);
	check_coalesced();
}

static void test_cache_double_free_panics(void **state)
{
	phys_addr_t pa;
	u64 free, cached;

	frame_cache_enable(true);
	pa = frame_alloc();
	frame_free(pa);
	free = frames_free_count();
	cached = frame_cache_count();
	expect_panic(frame_free(pa), "double free");
	expect_panic(page_put(phys_to_page(pa)), "not an allocated block");
	assert_int_equal(frames_free_count(), free);
	assert_int_equal(frame_cache_count(), cached);
}

/* A free into a full cache gives its oldest CACHE_BATCH frames back to
 * the lists; the cache never holds more than CACHE_MAX. */
static void test_cache_overflow_gives_back(void **state)
{
	static struct page *pages[200];

	frame_cache_enable(true);
	for (unsigned i = 0; i < ARRAY_SIZE(pages); i++)
		take(pages[i] = frames_alloc(0), 0);
	for (unsigned i = 0; i < ARRAY_SIZE(pages); i++) {
		give_back(pages[i], 0);
		assert_true(frame_cache_count() <= CACHE_MAX);
		check_free_sum();
	}
	assert_true(frame_cache_count() > CACHE_MAX - CACHE_BATCH);
	assert_int_equal(frames_free_count(), MANAGED_FRAMES);
	frame_cache_enable(false);
	check_coalesced();
}

/* A larger block that only exists once the cache's frames merge: the
 * allocation gives the cache back and succeeds. */
static void test_cache_given_back_for_a_large_block(void **state)
{
	static struct page *pages[MANAGED_FRAMES + 1];
	unsigned n = 0;
	struct page *big;

	frame_cache_enable(true);
	while ((pages[n] = frames_alloc(0)))
		take(pages[n++], 0);
	assert_int_equal(n, MANAGED_FRAMES);
	for (unsigned i = 0; i < n; i++) /* ascending: the cache keeps the top */
		give_back(pages[i], 0);
	assert_true(frame_cache_count() > 0);
	big = frames_alloc(FRAME_MAX_ORDER - 1); /* only 0x400..0x7ff */
	assert_non_null(big);
	assert_int_equal(page_to_pfn(big), 0x400);
	assert_int_equal(frame_cache_count(), 0);
	frames_free(big, FRAME_MAX_ORDER - 1);
	check_coalesced();
}

/* With no free block of CACHE_BATCH frames, the cache takes single frames. */
static void test_cache_refills_frame_by_frame(void **state)
{
	static struct page *pages[MANAGED_FRAMES + 1];
	unsigned n = 0, kept = 0;

	while ((pages[n] = frames_alloc(0)))
		take(pages[n++], 0);
	for (unsigned i = 0; i < n; i++) /* free every other frame */
		if (page_to_pfn(pages[i]) % 2)
			give_back(pages[i], 0);
		else
			pages[kept++] = pages[i];
	frame_cache_enable(true);
	take(frames_alloc(0), 0);
	assert_int_equal(frame_cache_count(), CACHE_BATCH - 1);
	check_free_sum();
	frame_cache_enable(false);
	check_coalesced();
}

/* ---- deferred set-up: the table is written a section (4 MiB) at a time */

#define GARBAGE 0xa5 /* host_frames_init() fills the table with it */

/* Is pfn's entry untouched since host_frames_init()? */
static bool entry_untouched(u64 pfn)
{
	const u8 *e = (const u8 *)&host_frame_table[pfn];

	for (size_t i = 0; i < sizeof(struct page); i++)
		if (e[i] != GARBAGE)
			return false;
	return true;
}

/* Adding RAM writes no entry; it counts as managed and free at once. */
static void test_deferred_add_touches_nothing(void **state)
{
	host_frames_init(MEM_BYTES);
	frame_add_range(0x100000, 0x200000);
	frame_add_range(0x400000, 0x800000);
	for (u64 p = 0; p < NR_PFNS; p++)
		if (!entry_untouched(p))
			fail_msg("entry of pfn 0x%lx written by frame_add_range", p);
	assert_int_equal(frames_managed_count(), 256 + 1024);
	assert_int_equal(frames_free_count(), 256 + 1024);
	for (unsigned o = 0; o < FRAME_MAX_ORDER; o++)
		assert_int_equal(frames_free_blocks(o), 0);
}

/* An allocation sets up the lowest section with RAM, and only that one. */
static void test_deferred_grows_lowest_section(void **state)
{
	host_frames_init(MEM_BYTES);
	frame_add_range(0x400000, 0x800000);
	frame_add_range(0x100000, 0x200000);
	assert_int_equal(frame_alloc(), 0x100000);
	assert_int_equal(frames_free_count(), 256 + 1024 - 1);
	for (u64 p = 0; p < 0x400; p++) /* section 0: every entry valid */
		assert_false(entry_untouched(p));
	assert_true(pfn_to_page(0x80)->flags & PG_RESERVED); /* a hole */
	for (u64 p = 0x400; p < NR_PFNS; p++)
		if (!entry_untouched(p))
			fail_msg("section 1 (pfn 0x%lx) set up too early", p);
	/* Section 0's 255 other frames are on the lists, section 1 is not. */
	check_free_sum_with_pending(1024);
	expect_panic(phys_to_page(0x400000), "never handed out");
	expect_panic(frame_free(0x500000), "never handed out");
}

/* RAM added to a section already set up goes straight to the lists. */
static void test_deferred_add_to_ready_section(void **state)
{
	host_frames_init(MEM_BYTES);
	frame_add_range(0x100000, 0x101000);
	assert_int_equal(frame_alloc(), 0x100000);
	frame_add_range(0x200000, 0x202000); /* section 0, set up */
	assert_int_equal(frames_free_blocks(1), 1);
	expect_panic(frame_add_range(0x201000, 0x203000), "added twice");
	frame_add_range(0x600000, 0x601000); /* section 1, pending */
	expect_panic(frame_add_range(0x5ff000, 0x601000), "added twice");
	expect_panic(frame_add_range(0x600000, 0x600fff + 1), "added twice");
	assert_int_equal(frames_free_count(), 3);
	assert_int_equal(frames_free_blocks(0), 0);
}

/* Every frame can still be allocated, each exactly once, lowest first. */
static void test_deferred_exhaust(void **state)
{
	static phys_addr_t got[MANAGED_FRAMES];
	u64 n = 0;
	phys_addr_t pa;

	host_frames_init(MEM_BYTES);
	memset(used, 0, sizeof(used));
	for (unsigned i = ARRAY_SIZE(ram); i-- > 0;) /* highest first */
		frame_add_range(ram[i][0], ram[i][1]);
	while ((pa = frame_alloc())) {
		assert_true(n < MANAGED_FRAMES);
		take(phys_to_page(pa), 0);
		got[n++] = pa;
	}
	assert_int_equal(n, MANAGED_FRAMES);
	assert_true(got[0] < 0x400000 && got[n - 1] >= 0x400000);
	while (n)
		frame_free(got[--n]);
	assert_int_equal(frames_free_count(), MANAGED_FRAMES);
	check_free_sum();
}

/* The pending list has room for twice the boot memory map's regions. */
static void test_deferred_too_many_ranges_panics(void **state)
{
	host_frames_init(MEM_BYTES);
	for (unsigned i = 0; i < 2 * BOOT_MAX_REGIONS; i++)
		frame_add_range((1 + 2 * i) * PAGE_SIZE, (2 + 2 * i) * PAGE_SIZE);
	expect_panic(frame_add_range(0x7fe000, 0x7ff000), "separate ranges");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_counts_after_add),
		T(test_add_range_edge_cases),
		T(test_frame_zero_never_managed),
		T(test_add_adjacent_ranges_merge),
		T(test_add_range_twice_panics),
		T(test_alloc_until_exhausted),
		T(test_alloc_each_order),
		T(test_split_and_coalesce),
		T(test_refcount),
		T(test_double_free_panics),
		T(test_free_reserved_panics),
		T(test_free_wrong_order_panics),
		T(test_free_tail_frame_panics),
		T(test_free_referenced_panics),
		T(test_page_put_free_frame_panics),
		T(test_page_put_tail_panics),
		T(test_outside_table_panics),
		T(test_init_too_many_frames_panics),
		T(test_random_stress),
		T(test_cache_random_stress),
		T(test_cache_refills_with_a_block),
		T(test_cache_last_freed_first_out),
		T(test_cache_double_free_panics),
		T(test_cache_overflow_gives_back),
		T(test_cache_given_back_for_a_large_block),
		T(test_cache_refills_frame_by_frame),
		T(test_deferred_add_touches_nothing),
		T(test_deferred_grows_lowest_section),
		T(test_deferred_add_to_ready_section),
		T(test_deferred_exhaust),
		T(test_deferred_too_many_ranges_panics),
	};

	return cmocka_run_group_tests_name("mm/frame", tests, host_group_setup,
					   host_group_teardown);
}
