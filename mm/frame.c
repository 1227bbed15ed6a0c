/*
 * mm/frame.c - the buddy frame allocator (see frame.h for the design).
 *
 * Frame states, read from struct page flags:
 *   PG_RESERVED            never managed (below 1 MiB, kernel image, holes)
 *   PG_FREE | PG_HEAD      first frame of a free block, on free_list[order]
 *   PG_FREE                another frame inside a free block
 *   PG_HEAD                first frame of an allocated block, refcount >= 1
 *   0 (or PG_SLAB etc.)    another frame inside an allocated block
 *
 * In the checked kernel (CONFIG_POISON) a freed frame is filled with
 * poison and keeps PG_POISON while it is free, through merges and splits;
 * frames_alloc() checks the poison of each such frame it hands out.
 * Frames given to the allocator at boot hold what the firmware left:
 * they have no PG_POISON and are not checked.
 */
#include "mm/frame.h"
#include "mm/poison.h"
#include "kernel/printk.h"
#include <asm/page.h>

static struct page *frame_table;
static u64 nr_pfns;
static u32 free_list[FRAME_MAX_ORDER];
static u64 nr_free_blocks[FRAME_MAX_ORDER];
static u64 nr_free;
static u64 nr_managed;

struct page *pfn_to_page(u64 pfn)
{
	return &frame_table[pfn];
}

u64 page_to_pfn(const struct page *page)
{
	return (u64)(page - frame_table);
}

phys_addr_t page_to_phys(const struct page *page)
{
	return page_to_pfn(page) << PAGE_SHIFT;
}

struct page *phys_to_page(phys_addr_t pa)
{
	u64 pfn = pa >> PAGE_SHIFT;

	if (pfn >= nr_pfns)
		panic("phys_to_page: 0x%lx is beyond the frame table (%lu frames)",
		      pa, nr_pfns);
	return &frame_table[pfn];
}

static void list_push(unsigned order, u64 pfn)
{
	struct page *p = &frame_table[pfn];

	p->prev = FRAME_NONE;
	p->next = free_list[order];
	if (p->next != FRAME_NONE)
		frame_table[p->next].prev = (u32)pfn;
	free_list[order] = (u32)pfn;
	nr_free_blocks[order]++;
}

static void list_del(unsigned order, u64 pfn)
{
	struct page *p = &frame_table[pfn];

	if (p->prev != FRAME_NONE)
		frame_table[p->prev].next = p->next;
	else
		free_list[order] = p->next;
	if (p->next != FRAME_NONE)
		frame_table[p->next].prev = p->prev;
	nr_free_blocks[order]--;
}

void frame_init(struct page *table, u64 npfns)
{
	if (npfns >= FRAME_NONE)
		panic("frame_init: %lu frames is more than the table can index",
		      npfns);
	frame_table = table;
	nr_pfns = npfns;
	for (u64 i = 0; i < npfns; i++)
		table[i] = (struct page){ FRAME_NONE, FRAME_NONE, 0, 0,
					  PG_RESERVED, 0 };
	for (unsigned o = 0; o < FRAME_MAX_ORDER; o++) {
		free_list[o] = FRAME_NONE;
		nr_free_blocks[o] = 0;
	}
	nr_free = nr_managed = 0;
}

/* Explain why page cannot be freed as a block of this order, or NULL. */
static const char *free_check(const struct page *page, unsigned order)
{
	if (page->flags & PG_RESERVED)
		return "was never handed out (reserved)";
	if (page->flags & PG_FREE)
		return "is already free (double free)";
	if (!(page->flags & PG_HEAD))
		return "is not the first frame of an allocation";
	if (page->order != order)
		return "is freed with a different order than allocated";
	if (page->refcount != 1)
		return "is still referenced";
	return NULL;
}

#ifdef CONFIG_POISON
static void *frame_address(u64 pfn)
{
	return phys_to_virt(pfn << PAGE_SHIFT);
}

/* Poison the frames of a freed block: PG_POISON for free_block(). */
static u8 poison_block(u64 pfn, unsigned order)
{
	for (u64 i = 0; i < (1ull << order); i++)
		poison_fill(frame_address(pfn + i), PAGE_SIZE);
	return PG_POISON;
}

/* Each frame of a block being handed out must still hold its poison. */
static void check_block(u64 pfn, unsigned order)
{
	for (u64 i = 0; i < (1ull << order); i++)
		if (frame_table[pfn + i].flags & PG_POISON)
			poison_check(frame_address(pfn + i), 0, PAGE_SIZE,
				     "frame", (pfn + i) << PAGE_SHIFT);
}
#else
static u8 poison_block(u64 pfn, unsigned order)
{
	return 0;
}

static void check_block(u64 pfn, unsigned order)
{
}
#endif

/*
 * Put the block at pfn on the free lists, merging it with free buddies.
 * poisoned: PG_POISON if its frames hold poison, else 0.
 */
static void free_block(u64 pfn, unsigned order, u8 poisoned)
{
	for (u64 i = 0; i < (1ull << order); i++) {
		frame_table[pfn + i].flags = PG_FREE | poisoned;
		frame_table[pfn + i].refcount = 0;
	}
	nr_free += 1ull << order;

	while (order < FRAME_MAX_ORDER - 1) {
		u64 buddy = pfn ^ (1ull << order);
		struct page *b = &frame_table[buddy];

		if (buddy >= nr_pfns ||
		    (b->flags & ~PG_POISON) != (PG_FREE | PG_HEAD) ||
		    b->order != order)
			break;
		list_del(order, buddy);
		b->flags &= ~PG_HEAD;
		pfn &= ~(1ull << order); /* the merged block starts lower */
		order++;
	}
	frame_table[pfn].flags |= PG_HEAD;
	frame_table[pfn].order = (u8)order;
	list_push(order, pfn);
}

void frames_free(struct page *page, unsigned order)
{
	const char *why;

	if (page < frame_table || page >= frame_table + nr_pfns)
		panic("frames_free: struct page %p is outside the frame table",
		      (void *)page);
	why = order >= FRAME_MAX_ORDER ? "has an impossible order"
				       : free_check(page, order);
	if (why)
		panic("frames_free: frame 0x%lx (order %u) %s",
		      page_to_phys(page), order, why);
	free_block(page_to_pfn(page), order,
		   poison_block(page_to_pfn(page), order));
}

void frame_add_range(phys_addr_t start, phys_addr_t end)
{
	/* Round start up (without wrapping at the top of the address space),
	 * and never frame 0: frame_alloc() returns 0 to mean "no memory". */
	u64 pfn = MAX((start >> PAGE_SHIFT) + !IS_ALIGNED(start, PAGE_SIZE), 1ull);
	u64 last = MIN(end >> PAGE_SHIFT, nr_pfns);

	while (pfn < last) {
		unsigned order = FRAME_MAX_ORDER - 1;

		/* The largest block that is aligned at pfn and fits. */
		while (order > 0 &&
		       ((pfn & ((1ull << order) - 1)) || pfn + (1ull << order) > last))
			order--;
		for (u64 i = 0; i < (1ull << order); i++)
			if (!(frame_table[pfn + i].flags & PG_RESERVED))
				panic("frame_add_range: frame 0x%lx added twice",
				      (pfn + i) << PAGE_SHIFT);
		nr_managed += 1ull << order;
		free_block(pfn, order, 0);
		pfn += 1ull << order;
	}
}

struct page *frames_alloc(unsigned order)
{
	unsigned k = order;
	u64 pfn;

	if (order >= FRAME_MAX_ORDER)
		return NULL;
	while (k < FRAME_MAX_ORDER && free_list[k] == FRAME_NONE)
		k++;
	if (k == FRAME_MAX_ORDER)
		return NULL;

	pfn = free_list[k];
	list_del(k, pfn);
	/* Split: keep the lower half, free the upper half, until small enough. */
	while (k > order) {
		u64 upper;

		k--;
		upper = pfn + (1ull << k);
		frame_table[upper].flags |= PG_HEAD; /* was inside the block */
		frame_table[upper].order = (u8)k;
		list_push(k, upper);
	}
	check_block(pfn, order);
	for (u64 i = 0; i < (1ull << order); i++)
		frame_table[pfn + i].flags = 0;
	frame_table[pfn].flags = PG_HEAD;
	frame_table[pfn].order = (u8)order;
	frame_table[pfn].refcount = 1;
	frame_table[pfn].private = 0;
	nr_free -= 1ull << order;
	return &frame_table[pfn];
}

phys_addr_t frame_alloc(void)
{
	struct page *p = frames_alloc(0);

	return p ? page_to_phys(p) : 0;
}

void frame_free(phys_addr_t pa)
{
	frames_free(phys_to_page(pa), 0);
}

void page_get(struct page *page)
{
	if ((page->flags & (PG_HEAD | PG_FREE)) != PG_HEAD || !page->refcount)
		panic("page_get: frame 0x%lx is not an allocated block",
		      page_to_phys(page));
	page->refcount++;
}

void page_put(struct page *page)
{
	if ((page->flags & (PG_HEAD | PG_FREE)) != PG_HEAD || !page->refcount)
		panic("page_put: frame 0x%lx is not an allocated block (refcount %u)",
		      page_to_phys(page), page->refcount);
	if (page->refcount > 1) {
		page->refcount--;
		return;
	}
	free_block(page_to_pfn(page), page->order,
		   poison_block(page_to_pfn(page), page->order));
}

u64 frames_free_count(void)
{
	return nr_free;
}

u64 frames_managed_count(void)
{
	return nr_managed;
}

u64 frames_table_size(void)
{
	return nr_pfns;
}

u64 frames_free_blocks(unsigned order)
{
	return order < FRAME_MAX_ORDER ? nr_free_blocks[order] : 0;
}
