/*
 * tests/unit/test_pagetable.c - the 4-level page-table API of
 * mm/pagetable.c, over 16 MiB of simulated memory whose frames (1 MiB up)
 * the frame allocator hands out as table pages and mapped pages.
 */
#include "host.h"
#include <vmos/errno.h>
#include "mm/pagetable.h"

#define MEM_BYTES MiB(16)
#define RAM_START MiB(1)

#define USER_LOW 0x0000000000400000ull  /* where programs are linked */
#define USER_TOP (USER_SPACE_END - PAGE_SIZE) /* the last user page */
#define KERNEL_LOW KERNEL_SPACE_START   /* the first kernel-half page */
#define KERNEL_TOP 0xfffffffffffff000ull /* the last page of all */
#define NON_CANONICAL USER_SPACE_END    /* first address of the hole */

static phys_addr_t root;

static int setup(void **state)
{
	host_reset();
	host_frames_init(MEM_BYTES);
	frame_add_range(RAM_START, MEM_BYTES);
	root = pt_alloc_table();
	assert_int_not_equal(root, 0);
	return 0;
}

static int teardown(void **state)
{
	host_mem_exit();
	return 0;
}

static pte_t *pml4(void)
{
	return phys_to_virt(root);
}

/* Map a fresh frame at va; returns the frame. */
static phys_addr_t map_new(u64 va, pte_t flags)
{
	phys_addr_t pa = frame_alloc();

	assert_int_not_equal(pa, 0);
	assert_int_equal(pt_map(root, va, pa, flags), 0);
	return pa;
}

static void check_maps_to(u64 va, phys_addr_t want_pa, pte_t want_flags)
{
	phys_addr_t pa = 0;
	pte_t flags = 0;

	if (!pt_translate(root, va, &pa, &flags))
		fail_msg("va 0x%lx does not translate", va);
	assert_int_equal(pa, want_pa);
	assert_int_equal(flags, want_flags);
}

static void test_alloc_table_zeroed(void **state)
{
	phys_addr_t t = pt_alloc_table();
	const pte_t *e = phys_to_virt(t);

	assert_true(IS_ALIGNED(t, PAGE_SIZE));
	assert_true(phys_to_page(t)->flags & PG_PAGETABLE);
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		assert_int_equal(e[i], 0); /* the memory was 0xa5 before */
}

static void test_alloc_table_out_of_memory(void **state)
{
	while (frame_alloc())
		;
	assert_int_equal(pt_alloc_table(), 0);
}

/* Map, translate (with an offset), unmap, at both ends of both halves. */
static void test_round_trips(void **state)
{
	static const u64 vas[] = { 0x0, USER_LOW, 0x00007f1234567000ull,
				   USER_TOP, KERNEL_LOW, DIRECT_MAP_BASE,
				   KERNEL_VMA, KERNEL_TOP };

	for (unsigned i = 0; i < ARRAY_SIZE(vas); i++) {
		u64 va = vas[i];
		phys_addr_t pa = map_new(va, PTE_W);

		check_maps_to(va, pa, PTE_P | PTE_W);
		check_maps_to(va + 0x123, pa + 0x123, PTE_P | PTE_W);
		check_maps_to(va + PAGE_SIZE - 1, pa + PAGE_SIZE - 1,
			      PTE_P | PTE_W);
		assert_true(pt_unmap(root, va, true));
		assert_false(pt_translate(root, va, NULL, NULL));
		assert_false(pt_unmap(root, va, true));
	}
	/* Each mapping was on its own; nothing else appeared. */
	for (unsigned i = 0; i < ARRAY_SIZE(vas); i++)
		for (unsigned j = 0; j < ARRAY_SIZE(vas); j++)
			assert_false(pt_translate(root, vas[j], NULL, NULL));
}

static void test_neighbours_share_tables(void **state)
{
	u64 free = frames_free_count();
	phys_addr_t a, b;

	a = map_new(USER_LOW, PTE_U);
	/* PDPT + PD + PT + the page */
	assert_int_equal(free - frames_free_count(), 4);
	b = map_new(USER_LOW + PAGE_SIZE, PTE_U);
	assert_int_equal(free - frames_free_count(), 5); /* only the page */
	assert_int_equal(pt_count_user_tables(root), 3);
	check_maps_to(USER_LOW, a, PTE_P | PTE_U);
	check_maps_to(USER_LOW + PAGE_SIZE, b, PTE_P | PTE_U);
	assert_ptr_equal(pt_walk(root, USER_LOW, false) + 1,
			 pt_walk(root, USER_LOW + PAGE_SIZE, false));
	pt_unmap(root, USER_LOW, true);
	check_maps_to(USER_LOW + PAGE_SIZE, b, PTE_P | PTE_U);
	pt_free_user(root, NULL, NULL);
	assert_int_equal(frames_free_count(), free);
}

static void test_count_user_tables(void **state)
{
	assert_int_equal(pt_count_user_tables(root), 0);
	map_new(USER_LOW, PTE_U);
	assert_int_equal(pt_count_user_tables(root), 3);
	map_new(USER_LOW + LARGE_PAGE_SIZE, PTE_U); /* new PT */
	assert_int_equal(pt_count_user_tables(root), 4);
	map_new(USER_LOW + GiB(1), PTE_U); /* new PD + PT */
	assert_int_equal(pt_count_user_tables(root), 6);
	map_new(USER_LOW + GiB(512), PTE_U); /* new PDPT + PD + PT */
	assert_int_equal(pt_count_user_tables(root), 9);
	map_new(KERNEL_VMA, PTE_W); /* the kernel half does not count */
	assert_int_equal(pt_count_user_tables(root), 9);
	pt_unmap(root, USER_LOW, true); /* tables stay until pt_free_user */
	assert_int_equal(pt_count_user_tables(root), 9);
	pt_free_user(root, NULL, NULL);
	assert_int_equal(pt_count_user_tables(root), 0);
}

static void test_flags_preserved(void **state)
{
	phys_addr_t a = map_new(USER_LOW, PTE_W | PTE_U | PTE_NX);
	phys_addr_t b = map_new(USER_LOW + PAGE_SIZE, 0);
	phys_addr_t c = map_new(USER_LOW + 2 * PAGE_SIZE, PTE_U | PTE_G);
	/* Address bits in flags must not change the frame. */
	phys_addr_t d = map_new(USER_LOW + 3 * PAGE_SIZE, PTE_U | 0x7000);

	check_maps_to(USER_LOW, a, PTE_P | PTE_W | PTE_U | PTE_NX);
	check_maps_to(USER_LOW + PAGE_SIZE, b, PTE_P);
	check_maps_to(USER_LOW + 2 * PAGE_SIZE, c, PTE_P | PTE_U | PTE_G);
	check_maps_to(USER_LOW + 3 * PAGE_SIZE, d, PTE_P | PTE_U);
}

/* Tables above a user page are user-accessible, above a kernel page not. */
static void test_table_entry_flags(void **state)
{
	map_new(USER_LOW, PTE_U);
	map_new(KERNEL_VMA, PTE_W);
	assert_int_equal(pml4()[pt_index(USER_LOW, 4)] & ~PTE_ADDR_MASK,
			 PTE_P | PTE_W | PTE_U);
	assert_int_equal(pml4()[pt_index(KERNEL_VMA, 4)] & ~PTE_ADDR_MASK,
			 PTE_P | PTE_W);
}

static void test_nx_stripped_without_support(void **state)
{
	phys_addr_t pa;

	pte_supported = ~PTE_NX;
	pa = map_new(USER_LOW, PTE_U | PTE_NX);
	check_maps_to(USER_LOW, pa, PTE_P | PTE_U);
	assert_int_equal(pt_protect(root, USER_LOW, PTE_W | PTE_NX), 0);
	check_maps_to(USER_LOW, pa, PTE_P | PTE_W);
	assert_int_equal(pt_map_large(root, KERNEL_VMA, 0x200000, PTE_NX), 0);
	check_maps_to(KERNEL_VMA, 0x200000, PTE_P | PTE_PS);
}

static void test_walk(void **state)
{
	u64 before = pt_count_user_tables(root);
	phys_addr_t pa;
	pte_t *e;

	assert_null(pt_walk(root, USER_LOW, false));
	assert_int_equal(pt_count_user_tables(root), before); /* no alloc */
	e = pt_walk(root, USER_LOW, true);
	assert_non_null(e);
	assert_int_equal(*e, 0);
	assert_int_equal(pt_count_user_tables(root), 3);
	assert_ptr_equal(pt_walk(root, USER_LOW, false), e);
	assert_ptr_equal(pt_walk(root, USER_LOW + 0xfff, false), e);
	/* A missing table lower down: still NULL without alloc. */
	assert_null(pt_walk(root, USER_LOW + LARGE_PAGE_SIZE, false));
	assert_null(pt_walk(root, USER_LOW + GiB(1), false));
	/* The entry pt_map fills is the one pt_walk returns. */
	pa = map_new(USER_LOW, PTE_U);
	assert_int_equal(*e, pa | PTE_P | PTE_U);
}

static void test_remap_panics(void **state)
{
	phys_addr_t pa = map_new(USER_LOW, PTE_U);

	expect_panic(pt_map(root, USER_LOW, pa, PTE_U), "remap");
	check_maps_to(USER_LOW, pa, PTE_P | PTE_U); /* unchanged */
	assert_int_equal(pt_map_large(root, KERNEL_VMA, 0x200000, 0), 0);
	expect_panic(pt_map_large(root, KERNEL_VMA, 0x400000, 0), "remap");
	/* A 4 KiB page inside the 2 MiB page is a remap too. */
	expect_panic(pt_map(root, KERNEL_VMA + PAGE_SIZE, pa, 0), "remap");
	/* And a 2 MiB page over a table of 4 KiB pages. */
	expect_panic(pt_map_large(root, USER_LOW & ~(LARGE_PAGE_SIZE - 1),
				  0x200000, 0),
		     "remap");
	check_maps_to(KERNEL_VMA + 5, 0x200005, PTE_P | PTE_PS);
}

static void test_unaligned_panics(void **state)
{
	expect_panic(pt_map(root, USER_LOW + 1, 0x200000, 0), "unaligned");
	expect_panic(pt_map(root, USER_LOW, 0x200800, 0), "unaligned");
	expect_panic(pt_map_large(root, USER_LOW + PAGE_SIZE, 0x200000, 0),
		     "unaligned");
	expect_panic(pt_map_large(root, 0x200000, 0x201000, 0), "unaligned");
	assert_int_equal(pt_count_user_tables(root), 0); /* nothing built */
}

static void test_non_canonical(void **state)
{
	phys_addr_t pa = map_new(0x0, PTE_U);

	assert_false(pt_translate(root, NON_CANONICAL, NULL, NULL));
	/* Same table indices as va 0, but not canonical. */
	assert_false(pt_translate(root, 0x0001000000000000ull, NULL, NULL));
	assert_false(pt_translate(root, 0xffff000000000000ull, NULL, NULL));
	check_maps_to(0x0, pa, PTE_P | PTE_U);
	/* Mapping one would alias a canonical page: a bug. */
	expect_panic(pt_map(root, NON_CANONICAL, pa, PTE_U), "non-canonical");
	expect_panic(pt_map(root, 0x0001000000000000ull, pa, PTE_U),
		     "non-canonical");
	expect_panic(pt_map_large(root, NON_CANONICAL, 0x200000, 0),
		     "non-canonical");
	assert_false(pt_translate(root, KERNEL_LOW, NULL, NULL));
}

static void test_large_page(void **state)
{
	const u64 va = DIRECT_MAP_BASE + GiB(1);
	const phys_addr_t pa = 0x40000000; /* beyond RAM: never touched */
	u64 free;

	assert_int_equal(pt_map_large(root, va, pa, PTE_W | PTE_NX), 0);
	check_maps_to(va, pa, PTE_P | PTE_W | PTE_PS | PTE_NX);
	check_maps_to(va + 0x12345, pa + 0x12345,
		      PTE_P | PTE_W | PTE_PS | PTE_NX);
	check_maps_to(va + LARGE_PAGE_SIZE - 1, pa + LARGE_PAGE_SIZE - 1,
		      PTE_P | PTE_W | PTE_PS | PTE_NX);
	assert_false(pt_translate(root, va + LARGE_PAGE_SIZE, NULL, NULL));
	assert_false(pt_translate(root, va - 1, NULL, NULL));
	/* No level-1 entry exists: walk, unmap and protect see nothing,
	 * and a walk with alloc builds no table under the large page. */
	free = frames_free_count();
	assert_null(pt_walk(root, va + PAGE_SIZE, false));
	assert_null(pt_walk(root, va + PAGE_SIZE, true));
	assert_int_equal(frames_free_count(), free);
	assert_false(pt_unmap(root, va, false));
	assert_int_equal(pt_protect(root, va, 0), -ENOENT);
	check_maps_to(va, pa, PTE_P | PTE_W | PTE_PS | PTE_NX);
}

/* A 1 GiB page (built by hand: the API makes only 2 MiB ones). */
static void test_translate_1g_page(void **state)
{
	const u64 va = DIRECT_MAP_BASE;
	phys_addr_t pdpt = pt_alloc_table();
	pte_t *pdpt_table = phys_to_virt(pdpt);

	pml4()[pt_index(va, 4)] = pdpt | PTE_P | PTE_W;
	pdpt_table[pt_index(va, 3)] = GiB(3) | PTE_P | PTE_W | PTE_PS;
	check_maps_to(va + 0x12345678, GiB(3) + 0x12345678,
		      PTE_P | PTE_W | PTE_PS);
	assert_null(pt_walk(root, va, false));
	expect_panic(pt_map_large(root, va + LARGE_PAGE_SIZE, 0, 0), "remap");
	expect_panic(pt_map(root, va + PAGE_SIZE, 0x200000, 0), "remap");
}

static void test_protect(void **state)
{
	phys_addr_t pa = map_new(USER_LOW, PTE_U | PTE_W);

	assert_int_equal(pt_protect(root, USER_LOW, PTE_U | PTE_NX), 0);
	check_maps_to(USER_LOW, pa, PTE_P | PTE_U | PTE_NX);
	/* Address bits in flags do not move the mapping. */
	assert_int_equal(pt_protect(root, USER_LOW, PTE_U | 0x3000), 0);
	check_maps_to(USER_LOW, pa, PTE_P | PTE_U);
	/* Unmapped: no tables at all, then a table but an empty entry. */
	assert_int_equal(pt_protect(root, USER_LOW + GiB(1), PTE_U), -ENOENT);
	assert_int_equal(pt_protect(root, USER_LOW + PAGE_SIZE, PTE_U),
			 -ENOENT);
	assert_false(pt_translate(root, USER_LOW + PAGE_SIZE, NULL, NULL));
}

/* pt_protect keeps the accessed and dirty bits the CPU set (smaps reads
 * them), also across PROT_NONE and back. */
static void test_protect_keeps_accessed_dirty(void **state)
{
	phys_addr_t pa = map_new(USER_LOW, PTE_U | PTE_W);
	pte_t *e = pt_walk(root, USER_LOW, false);

	*e |= PTE_A | PTE_D; /* as the CPU would after a write */
	assert_int_equal(pt_protect(root, USER_LOW, PTE_U), 0);
	check_maps_to(USER_LOW, pa, PTE_P | PTE_U | PTE_A | PTE_D);
	assert_int_equal(pt_protect(root, USER_LOW, PTE_SW_PROTNONE), 0);
	assert_int_equal(*e & (PTE_A | PTE_D | PTE_P), PTE_A | PTE_D);
	assert_int_equal(pt_protect(root, USER_LOW, PTE_U | PTE_W), 0);
	check_maps_to(USER_LOW, pa, PTE_P | PTE_U | PTE_W | PTE_A | PTE_D);
}

/* Changing the active address space flushes; changing another does not. */
static void test_tlb_flush_only_when_active(void **state)
{
	map_new(USER_LOW, PTE_U);
	map_new(USER_LOW + PAGE_SIZE, PTE_U);

	host_current_root = root + PAGE_SIZE; /* some other address space */
	assert_int_equal(pt_protect(root, USER_LOW, 0), 0);
	assert_true(pt_unmap(root, USER_LOW, true));
	pt_free_user(root, NULL, NULL);
	assert_int_equal(host_tlb_page_flushes, 0);
	assert_int_equal(host_tlb_all_flushes, 0);

	map_new(USER_LOW, PTE_U);
	map_new(USER_LOW + PAGE_SIZE, PTE_U);
	host_current_root = root;
	assert_int_equal(pt_protect(root, USER_LOW, 0), 0);
	assert_int_equal(host_tlb_page_flushes, 1);
	assert_int_equal(host_tlb_last_va, USER_LOW);
	assert_true(pt_unmap(root, USER_LOW + PAGE_SIZE, true));
	assert_int_equal(host_tlb_page_flushes, 2);
	assert_int_equal(host_tlb_last_va, USER_LOW + PAGE_SIZE);
	assert_false(pt_unmap(root, USER_LOW + PAGE_SIZE, true));
	assert_int_equal(host_tlb_page_flushes, 2); /* nothing changed */
	pt_free_user(root, NULL, NULL);
	assert_int_equal(host_tlb_all_flushes, 1);
}

static void test_unmap_drops_reference(void **state)
{
	u64 free = frames_free_count();
	phys_addr_t pa = map_new(USER_LOW, PTE_U);
	struct page *page = phys_to_page(pa);
	u64 tables = 3;

	/* Without free_frame the frame stays the caller's. */
	assert_true(pt_unmap(root, USER_LOW, false));
	assert_int_equal(page->refcount, 1);
	assert_int_equal(pt_map(root, USER_LOW, pa, PTE_U), 0);
	/* Shared (two references): the unmap drops one. */
	page_get(page);
	assert_true(pt_unmap(root, USER_LOW, true));
	assert_int_equal(page->refcount, 1);
	assert_int_equal(frames_free_count(), free - tables - 1);
	/* The last reference frees the frame. */
	assert_int_equal(pt_map(root, USER_LOW, pa, PTE_U), 0);
	assert_true(pt_unmap(root, USER_LOW, true));
	assert_true(page->flags & PG_FREE);
	assert_int_equal(frames_free_count(), free - tables);
}

/* A kernel stack's pages: unmapped, flushed (the host's hook counts one
 * page flush each, the kernel's one shootdown for the range), then the
 * frames freed; a hole in the range, or too long a range, panics. */
static void test_unmap_kernel_range(void **state)
{
	u64 free, flushes = host_tlb_page_flushes;
	phys_addr_t pa[4];

	for (int i = 0; i < 4; i++)
		pa[i] = map_new(KERNEL_VMA + i * PAGE_SIZE, PTE_W | PTE_G);
	free = frames_free_count();
	pt_unmap_kernel_range(root, KERNEL_VMA, KERNEL_VMA + 4 * PAGE_SIZE);
	assert_int_equal(frames_free_count(), free + 4);
	assert_int_equal(host_tlb_page_flushes, flushes + 4);
	for (int i = 0; i < 4; i++) {
		assert_false(pt_translate(root, KERNEL_VMA + i * PAGE_SIZE, NULL, NULL));
		assert_true(phys_to_page(pa[i])->flags & PG_FREE);
	}
	expect_panic(pt_unmap_kernel_range(root, KERNEL_VMA, KERNEL_VMA + PAGE_SIZE),
		     "is not mapped");
	expect_panic(pt_unmap_kernel_range(root, KERNEL_VMA,
					   KERNEL_VMA + 17 * PAGE_SIZE),
		     "more than 16");
}

/* Tear down the user half: every table and frame back, the kernel kept. */
static void test_free_user(void **state)
{
	pte_t kernel_half[PT_ENTRIES / 2];
	phys_addr_t kpa, shared;
	u64 free;

	kpa = map_new(KERNEL_VMA, PTE_W);
	map_new(DIRECT_MAP_BASE, PTE_W);
	memcpy(kernel_half, pml4() + PT_ENTRIES / 2, sizeof(kernel_half));
	free = frames_free_count();

	for (u64 i = 0; i < 40; i++) /* several PTs, PDs and PDPTs */
		map_new(USER_LOW + i * (LARGE_PAGE_SIZE / 4 + PAGE_SIZE),
			PTE_U | PTE_W);
	map_new(USER_TOP, PTE_U);
	map_new(0x0, PTE_U);
	map_new(GiB(512) * 3 + GiB(7), PTE_U);
	shared = map_new(USER_LOW + GiB(2), PTE_U);
	page_get(phys_to_page(shared)); /* also mapped elsewhere */
	assert_true(pt_count_user_tables(root) > 10);

	pt_free_user(root, NULL, NULL);
	/* All but the shared frame's other reference came back. */
	assert_int_equal(frames_free_count(), free - 1);
	assert_int_equal(phys_to_page(shared)->refcount, 1);
	page_put(phys_to_page(shared));
	assert_int_equal(frames_free_count(), free);

	assert_int_equal(pt_count_user_tables(root), 0);
	for (unsigned i = 0; i < PT_ENTRIES / 2; i++)
		assert_int_equal(pml4()[i], 0);
	assert_memory_equal(pml4() + PT_ENTRIES / 2, kernel_half,
			    sizeof(kernel_half));
	check_maps_to(KERNEL_VMA, kpa, PTE_P | PTE_W);
	assert_false(pt_translate(root, USER_LOW, NULL, NULL));
	/* The root itself survives and can be used again. */
	assert_true(phys_to_page(root)->flags & PG_PAGETABLE);
	map_new(USER_LOW, PTE_U);
	pt_free_user(root, NULL, NULL);
	assert_int_equal(frames_free_count(), free);
}

static void test_free_user_empty(void **state)
{
	u64 free = frames_free_count();

	pt_free_user(root, NULL, NULL);
	pt_free_user(root, NULL, NULL);
	assert_int_equal(frames_free_count(), free);
}

/* Running out of frames in the middle of a walk leaks nothing. */
static void test_enomem_mid_walk(void **state)
{
	static phys_addr_t hoard[MEM_BYTES >> PAGE_SHIFT];
	u64 free = frames_free_count(), n = 0;
	phys_addr_t pa = map_new(USER_LOW, PTE_U);

	while (frames_free_count() > 1)
		hoard[n++] = frame_alloc();
	/* A new PML4 slot needs three tables; only one frame is left. */
	assert_int_equal(pt_map(root, GiB(512) + USER_LOW, pa, PTE_U),
			 -ENOMEM);
	assert_int_equal(frames_free_count(), 0);
	assert_false(pt_translate(root, GiB(512) + USER_LOW, NULL, NULL));
	assert_int_equal(pt_map(root, USER_LOW + PAGE_SIZE, pa, PTE_U), 0);
	page_get(phys_to_page(pa)); /* mapped twice now */
	while (n)
		frame_free(hoard[--n]);
	pt_free_user(root, NULL, NULL);
	assert_int_equal(frames_free_count(), free);
}

/* pt_free_user() does not expect 2 MiB pages in the user half. */
static void test_free_user_large_page_panics(void **state)
{
	assert_int_equal(pt_map_large(root, 0x200000, 0x200000, PTE_U), 0);
	expect_panic(pt_free_user(root, NULL, NULL), "large page in user half");
}

/* pt_copy_range's callback for the tests: counts its calls, makes the
 * child's entry read-only and takes a reference, as fork does. */
static int copy_calls;

static int copy_readonly(pte_t *e, pte_t *child, u64 va, void *arg)
{
	copy_calls++;
	*e &= ~PTE_W;
	page_get(phys_to_page(pte_addr(*e)));
	*child = *e;
	return 0;
}

/* Only present entries inside the range are copied, into tables made as
 * needed; holes cost nothing, and the parent's TLB is left to pt_flush. */
static void test_copy_range(void **state)
{
	u64 far = USER_LOW + GiB(64); /* another PML4 entry's tables */
	phys_addr_t a = map_new(USER_LOW, PTE_U | PTE_W);
	phys_addr_t b = map_new(USER_LOW + 3 * PAGE_SIZE, PTE_U | PTE_W);
	phys_addr_t c = map_new(far, PTE_U);
	phys_addr_t outside = map_new(far + PAGE_SIZE, PTE_U);
	phys_addr_t child = pt_alloc_table();
	phys_addr_t pa;
	pte_t flags;

	host_current_root = root;
	assert_int_equal(pt_protect(root, USER_LOW + 3 * PAGE_SIZE, PTE_SW_PROTNONE), 0);
	host_tlb_page_flushes = host_tlb_all_flushes = 0;
	assert_int_equal(pt_copy_range(child, root, USER_LOW, far + PAGE_SIZE,
				       copy_readonly, NULL), 3);
	assert_int_equal(copy_calls, 3); /* a, b (PROT_NONE) and c */
	assert_int_equal(host_tlb_page_flushes + host_tlb_all_flushes, 0);
	assert_true(pt_translate(child, USER_LOW, &pa, &flags));
	assert_int_equal(pa, a);
	assert_false(flags & PTE_W);
	check_maps_to(USER_LOW, a, PTE_P | PTE_U); /* the parent's too */
	assert_false(pt_translate(child, USER_LOW + 3 * PAGE_SIZE, &pa, NULL));
	assert_true(pte_has_frame(*pt_walk(child, USER_LOW + 3 * PAGE_SIZE, false)));
	assert_int_equal(pte_addr(*pt_walk(child, USER_LOW + 3 * PAGE_SIZE, false)), b);
	assert_true(pt_translate(child, far, &pa, NULL));
	assert_int_equal(pa, c);
	assert_false(pt_translate(child, far + PAGE_SIZE, &pa, NULL)); /* end */
	assert_int_equal(phys_to_page(a)->refcount, 2);
	assert_int_equal(phys_to_page(outside)->refcount, 1);
	/* The same tables as the parent's: two PDPTs, PDs and PTs, nothing
	 * for the 64 GiB between. */
	assert_int_equal(pt_count_user_tables(child), pt_count_user_tables(root));
	pt_flush(root);
	assert_int_equal(host_tlb_all_flushes, 1);
	expect_panic(pt_copy_range(child, root, USER_LOW, USER_LOW + PAGE_SIZE,
				   copy_readonly, NULL), "remap");
	pt_free_user(child, NULL, NULL);
}

/* Unmapping a range drops only what is mapped, and flushes per page up to
 * 32 pages, once after that. */
static void test_unmap_range(void **state)
{
	u64 far = USER_LOW + GiB(64);
	phys_addr_t a = map_new(USER_LOW, PTE_U | PTE_W);

	map_new(far, PTE_U);
	page_get(phys_to_page(a)); /* also mapped elsewhere: survives */
	host_current_root = root;
	host_tlb_page_flushes = host_tlb_all_flushes = 0;
	assert_int_equal(pt_unmap_range(root, USER_LOW, far + GiB(1), NULL, NULL), 2);
	assert_int_equal(host_tlb_page_flushes, 2);
	assert_int_equal(host_tlb_all_flushes, 0);
	assert_false(pt_translate(root, USER_LOW, NULL, NULL));
	assert_false(pt_translate(root, far, NULL, NULL));
	assert_int_equal(phys_to_page(a)->refcount, 1);
	assert_int_equal(pt_unmap_range(root, USER_LOW, far + GiB(1), NULL, NULL), 0);

	for (int i = 0; i < 40; i++)
		map_new(USER_LOW + (u64)i * PAGE_SIZE, PTE_U);
	map_new(USER_LOW + 40 * PAGE_SIZE, PTE_U); /* just past the end */
	host_tlb_page_flushes = 0;
	assert_int_equal(pt_unmap_range(root, USER_LOW, USER_LOW + 40 * PAGE_SIZE, NULL, NULL), 40);
	assert_int_equal(host_tlb_page_flushes, 32);
	assert_int_equal(host_tlb_all_flushes, 1);
	assert_true(pt_translate(root, USER_LOW + 40 * PAGE_SIZE, NULL, NULL));
	page_put(phys_to_page(a));
}

/* What pt_dump() reported, in order. */
struct dumped {
	int n;
	struct { int level; unsigned index; pte_t e; u64 va; } at[32];
};

static void record(int level, unsigned index, pte_t e, u64 va, void *arg)
{
	struct dumped *d = arg;

	assert_true(d->n < 32);
	d->at[d->n].level = level;
	d->at[d->n].index = index;
	d->at[d->n].e = e;
	d->at[d->n].va = va;
	d->n++;
}

/* pt_dump (lab pgtbl): every present entry of the user half, depth first
 * in address order, each with the address it covers; a large page has
 * nothing below it; not-present entries (swap) and the kernel half are
 * not shown. */
static void test_dump(void **state)
{
	const u64 hi = USER_TOP, low = USER_LOW + PAGE_SIZE, big = GiB(2);
	struct dumped d = { 0 };
	phys_addr_t p_low = map_new(low, PTE_U | PTE_W), p_hi = map_new(hi, PTE_U);
	pte_t *swapped;

	map_new(KERNEL_LOW, PTE_W);
	assert_int_equal(pt_map_large(root, big, 0x40000000, PTE_U), 0);
	swapped = pt_walk(root, low + PAGE_SIZE, true);
	*swapped = swap_val_to_pte(7); /* an entry, but not present */
	pt_dump(root, record, &d);
	/* low: PML4 0, PDPT 0, PD 2, PT 1; big: PDPT 2, a 2 MiB page in PD 0;
	 * hi: PML4 255, PDPT 511, PD 511, PT 511. */
	assert_int_equal(d.n, 4 + 2 + 4);
	int want[][3] = { { 4, 0, 0 }, { 3, 0, 0 }, { 2, 2, 0 }, { 1, 1, 0 },
			  { 3, 2, 0 }, { 2, 0, 0 },
			  { 4, 255, 0 }, { 3, 511, 0 }, { 2, 511, 0 }, { 1, 511, 0 } };
	for (int i = 0; i < d.n; i++) {
		assert_int_equal(d.at[i].level, want[i][0]);
		assert_int_equal(d.at[i].index, want[i][1]);
		assert_true(d.at[i].e & PTE_P);
	}
	assert_int_equal(d.at[3].va, low);
	assert_int_equal(pte_addr(d.at[3].e), p_low);
	assert_int_equal(d.at[2].va, USER_LOW & ~(LARGE_PAGE_SIZE - 1));
	assert_int_equal(d.at[4].va, big & ~(GiB(1) - 1));
	assert_int_equal(d.at[5].va, big);
	assert_true(d.at[5].e & PTE_PS);
	assert_int_equal(d.at[6].va, 255ull << 39);
	assert_int_equal(d.at[9].va, hi);
	assert_int_equal(pte_addr(d.at[9].e), p_hi);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_alloc_table_zeroed),
		T(test_alloc_table_out_of_memory),
		T(test_round_trips),
		T(test_neighbours_share_tables),
		T(test_count_user_tables),
		T(test_flags_preserved),
		T(test_table_entry_flags),
		T(test_nx_stripped_without_support),
		T(test_walk),
		T(test_remap_panics),
		T(test_unaligned_panics),
		T(test_non_canonical),
		T(test_large_page),
		T(test_translate_1g_page),
		T(test_protect),
		T(test_protect_keeps_accessed_dirty),
		T(test_tlb_flush_only_when_active),
		T(test_unmap_drops_reference),
		T(test_unmap_kernel_range),
		T(test_free_user),
		T(test_free_user_empty),
		T(test_enomem_mid_walk),
		T(test_free_user_large_page_panics),
		T(test_copy_range),
		T(test_unmap_range),
		T(test_dump),
	};

	return cmocka_run_group_tests_name("mm/pagetable", tests,
					   host_group_setup,
					   host_group_teardown);
}
