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
 *
 * Locking: frame_lock (interrupts off while held) guards the free lists,
 * nr_free and the entries of the free frames on them; each CPU's frame
 * cache is its own, used with interrupts off on that CPU and no lock, as
 * Linux's per-CPU page lists: the common allocation and free take no
 * lock at all, only a refill or drain of a cache takes frame_lock.  A
 * block that is allocated belongs to its owner.  (Reference counts are
 * still plain increments: every path that changes them holds the kernel
 * lock, vmos/bkl.h.)
 */
#include <vmos/bkl.h>
#include <asm/smp.h>
#include "mm/frame.h"
#include "mm/poison.h"
#include "kernel/bootinfo.h"
#include <vmos/printk.h>
#include <vmos/spinlock.h>
#include <asm/smp.h>
#include <asm/page.h>

struct page *frame_table;
u64 frame_nr_pfns;
static DEFINE_SPINLOCK(frame_lock);
static u32 free_list[FRAME_MAX_ORDER];
static u64 nr_free_blocks[FRAME_MAX_ORDER];
static u64 nr_free;  /* on the lists or not set up yet: not in a cache */
static u64 nr_cached; /* in the CPUs' caches: the sum of their counts, kept
			 * (atomically: each CPU adds its own) so that
			 * frames_free_count(), read on every fault, need
			 * not add up every CPU's cache */
static u64 nr_managed;

/*
 * The frame cache: free single frames kept off the buddy lists, in a
 * stack, so that the common allocation (one frame for a fault) and the
 * common free (one frame at unmap or exit) cost a handful of
 * instructions instead of a split or a merge (Linux's per-CPU page lists,
 * struct per_cpu_pages), one per CPU.  Its frames are free: PG_FREE (a
 * second free of one panics as a double free), not PG_HEAD (the buddy
 * allocator never merges with them), counted as free (frames_free_count()
 * adds the caches to nr_free), poisoned in the checked kernel like any
 * free frame.
 *  - alloc from an empty cache refills it with the frames of one whole
 *    block of FRAME_CACHE_BATCH frames (order FRAME_CACHE_ORDER), or, when
 *    memory is too fragmented for one, a frame at a time;
 *  - a free into a full cache first gives back the FRAME_CACHE_BATCH
 *    frames at its bottom (the longest unused) to the buddy lists;
 *  - a larger allocation that fails drains this CPU's cache and tries
 *    again;
 *  - an allocation that still fails asks the other CPUs, by IPI, to
 *    drain theirs (drain_other_caches(), Linux's drain_all_pages()), and
 *    tries once more: MemFree counts the caches, so a program that maps
 *    nearly all of MemFree must get the frames another CPU keeps.
 * Off until frame_cache_enable(): the unit tests of the buddy allocator
 * see its lists exactly.
 */
#define FRAME_CACHE_ORDER 4
#define FRAME_CACHE_BATCH (1u << FRAME_CACHE_ORDER)
#define FRAME_CACHE_MAX (4 * FRAME_CACHE_BATCH)
static bool cache_enabled;
static struct frame_cache {
	unsigned count;
	u32 pfn[FRAME_CACHE_MAX]; /* [count - 1] is the next one handed out */
} caches[NR_CPUS];

/* The running CPU's cache: use it with interrupts off. */
static struct frame_cache *this_cache(void)
{
	return &caches[smp_processor_id()];
}

static inline struct page *checked_page(u64 pfn, const char *who);
static void release(u64 pfn, unsigned order);

struct page *frame_lookup(u64 pfn)
{
	return pfn < frame_nr_pfns && frame_section_is_ready(pfn) ? &frame_table[pfn] : NULL;
}

struct page *pfn_to_page(u64 pfn)
{
	return checked_page(pfn, "pfn_to_page");
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

/*
 * The frame table is set up lazily, one section of FRAME_SECTION frames (a
 * largest block, 4 MiB of memory, 16 KiB of table) at a time.  At -m 8G the
 * table is 36 MiB, and writing all of it at boot took 120 ms under QEMU:
 * the first write to each page of guest memory is what costs.  Linux defers
 * the same work (deferred_init_memmap).  So:
 *  - frame_section_ready has one bit per section: its entries are valid.
 *  - RAM added to sections not yet ready waits in pending[] (sorted pfn
 *    ranges).  It counts as managed and free from the start.
 *  - When the free lists cannot satisfy an allocation, grow() sets up the
 *    lowest section with pending RAM: every entry reserved, then its
 *    pending frames freed as blocks.  A section is a whole largest block,
 *    so a buddy is always in the same section: merging never reads an
 *    entry that is not set up.
 */
#define FRAME_SECTION (1ull << FRAME_SECTION_SHIFT)
#define PENDING_MAX (2 * BOOT_MAX_REGIONS)

u64 *frame_section_ready;
static struct pfn_range {
	u64 start, end;
} pending[PENDING_MAX];
static unsigned nr_pending_ranges;
static u64 nr_pending; /* frames in pending[] */

static u64 nr_sections(u64 npfns)
{
	return (npfns + FRAME_SECTION - 1) >> FRAME_SECTION_SHIFT;
}

u64 frame_table_bytes(u64 npfns)
{
	return npfns * sizeof(struct page) + ALIGN_UP(nr_sections(npfns), 64) / 8;
}

void frame_init(void *area, u64 npfns)
{
	if (npfns >= FRAME_NONE)
		panic("frame_init: %lu frames is more than the table can index",
		      npfns);
	frame_table = area;
	frame_nr_pfns = npfns;
	frame_section_ready = (u64 *)(frame_table + npfns);
	for (u64 i = 0; i < ALIGN_UP(nr_sections(npfns), 64) / 64; i++)
		frame_section_ready[i] = 0;
	nr_pending_ranges = 0;
	nr_pending = 0;
	for (unsigned o = 0; o < FRAME_MAX_ORDER; o++) {
		free_list[o] = FRAME_NONE;
		nr_free_blocks[o] = 0;
	}
	nr_free = nr_managed = nr_cached = 0;
	cache_enabled = false;
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)
		caches[cpu].count = 0;
}

/* Would the entry of pfn be valid?  Every frame ever handed out has one. */
__attribute__((noinline, cold)) __noreturn void frame_bad_pfn(u64 pfn,
							      const char *who)
{
	if (pfn >= frame_nr_pfns)
		panic("%s: frame 0x%lx is beyond the frame table (%lu frames)",
		      who, pfn << PAGE_SHIFT, frame_nr_pfns);
	panic("%s: frame 0x%lx was never handed out (its part of the "
	      "frame table is not set up)", who, pfn << PAGE_SHIFT);
}

/* Every phys_to_page() comes here: the check is two tests inline, the
 * message out of the way. */
static inline struct page *checked_page(u64 pfn, const char *who)
{
	if (pfn >= frame_nr_pfns || !frame_section_is_ready(pfn))
		frame_bad_pfn(pfn, who);
	return &frame_table[pfn];
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
	if (page->rmap)
		return "is still mapped (its reverse map is not empty)";
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

		if (buddy >= frame_nr_pfns ||
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

	if (page < frame_table || page >= frame_table + frame_nr_pfns)
		panic("frames_free: struct page %p is outside the frame table",
		      (void *)page);
	checked_page(page_to_pfn(page), "frames_free");
	why = order >= FRAME_MAX_ORDER ? "has an impossible order"
				       : free_check(page, order);
	if (why)
		panic("frames_free: frame 0x%lx (order %u) %s",
		      page_to_phys(page), order, why);
	release(page_to_pfn(page), order);
}

/* Free the frames [pfn, last) of ready sections as the largest aligned blocks. */
static void add_blocks(u64 pfn, u64 last)
{
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
		free_block(pfn, order, 0);
		pfn += 1ull << order;
	}
}

/* Queue [pfn, last) in pending[], kept sorted; an overlap is a double add. */
static void pending_add(u64 pfn, u64 last)
{
	unsigned i = 0;

	while (i < nr_pending_ranges && pending[i].start < pfn)
		i++;
	if ((i > 0 && pending[i - 1].end > pfn) ||
	    (i < nr_pending_ranges && pending[i].start < last))
		panic("frame_add_range: frame 0x%lx added twice",
		      MAX(pfn, i < nr_pending_ranges ? pending[i].start : pfn)
			      << PAGE_SHIFT);
	if (i > 0 && pending[i - 1].end == pfn) {
		pending[i - 1].end = last; /* extends its lower neighbour */
	} else {
		if (nr_pending_ranges == PENDING_MAX)
			panic("frame_add_range: more than %d separate ranges of RAM",
			      PENDING_MAX);
		for (unsigned j = nr_pending_ranges++; j > i; j--)
			pending[j] = pending[j - 1];
		pending[i] = (struct pfn_range){ pfn, last };
	}
	nr_pending += last - pfn;
	nr_free += last - pfn;
}

void frame_add_range(phys_addr_t start, phys_addr_t end)
{
	/* Round start up (without wrapping at the top of the address space),
	 * and never frame 0: frame_alloc() returns 0 to mean "no memory". */
	u64 pfn = MAX((start >> PAGE_SHIFT) + !IS_ALIGNED(start, PAGE_SIZE), 1ull);
	u64 last = MIN(end >> PAGE_SHIFT, frame_nr_pfns);
	u64 flags = spin_lock_irqsave(&frame_lock);

	while (pfn < last) {
		u64 stop = MIN(ALIGN_UP(pfn + 1, FRAME_SECTION), last);

		if (frame_section_is_ready(pfn))
			add_blocks(pfn, stop);
		else
			pending_add(pfn, stop);
		nr_managed += stop - pfn;
		pfn = stop;
	}
	spin_unlock_irqrestore(&frame_lock, flags);
}

/*
 * grow - set up the lowest section that has pending RAM and free that RAM
 * onto the lists.  False when nothing is pending: memory is exhausted.
 */
static bool grow(void)
{
	u64 base, end;

	if (!nr_pending_ranges)
		return false;
	base = ALIGN_DOWN(pending[0].start, FRAME_SECTION);
	end = MIN(base + FRAME_SECTION, frame_nr_pfns);
	for (u64 pfn = base; pfn < end; pfn++)
		frame_table[pfn] = (struct page){ .next = FRAME_NONE,
						  .prev = FRAME_NONE,
						  .flags = PG_RESERVED };
	frame_section_ready[(base >> FRAME_SECTION_SHIFT) / 64] |=
		1ull << ((base >> FRAME_SECTION_SHIFT) % 64);
	/* Pending ranges are sorted and none starts below base: the ones
	 * in this section are a prefix of the array. */
	while (nr_pending_ranges && pending[0].start < end) {
		u64 stop = MIN(pending[0].end, end), n = stop - pending[0].start;

		nr_pending -= n;
		nr_free -= n; /* free_block() counts them again */
		add_blocks(pending[0].start, stop);
		pending[0].start = stop;
		if (pending[0].start == pending[0].end) {
			nr_pending_ranges--;
			for (unsigned j = 0; j < nr_pending_ranges; j++)
				pending[j] = pending[j + 1];
		}
	}
	return true;
}

void frames_setup_all(void)
{
	u64 flags = spin_lock_irqsave(&frame_lock);

	while (grow())
		;
	spin_unlock_irqrestore(&frame_lock, flags);
}

/* Take a block of 2^order frames off the free lists, splitting a larger
 * one, setting up a section if none is free; FRAME_NONE when memory is
 * exhausted.  Its frames are still marked free. */
static u64 buddy_take(unsigned order)
{
	unsigned k = order;
	u64 pfn;

	for (;;) {
		while (k < FRAME_MAX_ORDER && free_list[k] == FRAME_NONE)
			k++;
		if (k < FRAME_MAX_ORDER)
			break;
		if (!grow())
			return FRAME_NONE;
		k = order;
	}

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
	return pfn;
}

/* Hand out the free block at pfn (off the lists or the cache): its
 * poison checked, marked allocated, holding one reference. */
static inline struct page *hand_out(u64 pfn, unsigned order)
{
	struct page *p = &frame_table[pfn];

	check_block(pfn, order);
	for (u64 i = 1; i < (1ull << order); i++)
		p[i].flags = 0;
	p->flags = PG_HEAD;
	p->order = (u8)order;
	p->refcount = 1;
	p->private = 0;
	p->rmap = NULL;
	return p;
}

/* Fill the empty cache c: the frames of one block of FRAME_CACHE_BATCH,
 * lowest handed out first, or single frames when there is no such block.
 * False when there is no free frame at all.  frame_lock held. */
static bool cache_refill(struct frame_cache *c)
{
	u64 pfn = buddy_take(FRAME_CACHE_ORDER);

	if (pfn != FRAME_NONE) {
		frame_table[pfn].flags &= ~PG_HEAD;
		for (u64 i = FRAME_CACHE_BATCH; i-- > 0;)
			c->pfn[c->count++] = (u32)(pfn + i);
		nr_free -= FRAME_CACHE_BATCH;
		__atomic_add_fetch(&nr_cached, FRAME_CACHE_BATCH, __ATOMIC_RELAXED);
		return true;
	}
	while (c->count < FRAME_CACHE_BATCH && (pfn = buddy_take(0)) != FRAME_NONE) {
		frame_table[pfn].flags &= ~PG_HEAD;
		c->pfn[c->count++] = (u32)pfn;
		nr_free--;
		__atomic_add_fetch(&nr_cached, 1, __ATOMIC_RELAXED);
	}
	return c->count > 0;
}

/* Give the n frames at the bottom of cache c (the longest unused) back to
 * the buddy lists, where they merge with their buddies.  frame_lock held. */
static void cache_drain(struct frame_cache *c, unsigned n)
{
	n = MIN(n, c->count);
	for (unsigned i = 0; i < n; i++)
		free_block(c->pfn[i], 0, frame_table[c->pfn[i]].flags & PG_POISON);
	c->count -= n;
	__atomic_sub_fetch(&nr_cached, n, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < c->count; i++)
		c->pfn[i] = c->pfn[i + n];
}

/* Free the block at pfn: a single frame into this CPU's cache, anything
 * else (or anything while the caches are off) onto the lists. */
static void release(u64 pfn, unsigned order)
{
	u8 poisoned = poison_block(pfn, order);
	struct frame_cache *c;
	u64 flags;

	if (order || !cache_enabled) {
		flags = spin_lock_irqsave(&frame_lock);
		free_block(pfn, order, poisoned);
		spin_unlock_irqrestore(&frame_lock, flags);
		return;
	}
	flags = local_irq_save();
	c = this_cache();
	if (c->count == FRAME_CACHE_MAX) {
		spin_lock(&frame_lock);
		cache_drain(c, FRAME_CACHE_BATCH);
		spin_unlock(&frame_lock);
	}
	frame_table[pfn].flags = PG_FREE | poisoned;
	frame_table[pfn].refcount = 0;
	c->pfn[c->count++] = (u32)pfn;
	__atomic_add_fetch(&nr_cached, 1, __ATOMIC_RELAXED);
	local_irq_restore(flags);
}

/* Refill this CPU's empty cache c from the lists (interrupts off). */
static __noinline void cache_refill_locked(struct frame_cache *c)
{
	spin_lock(&frame_lock);
	cache_refill(c);
	spin_unlock(&frame_lock);
}

/* One frame from this CPU's cache (refilled from the lists if empty). */
static inline struct page *alloc_cached(void)
{
	u64 flags = local_irq_save();
	struct frame_cache *c = this_cache();
	struct page *p = NULL;

	if (!c->count)
		cache_refill_locked(c);
	if (c->count) {
		p = hand_out(c->pfn[--c->count], 0);
		__atomic_sub_fetch(&nr_cached, 1, __ATOMIC_RELAXED);
	}
	local_irq_restore(flags);
	return p;
}

/* A block from the lists (a larger one, or any while the caches are off). */
static __noinline struct page *alloc_block(unsigned order)
{
	struct frame_cache *c;
	struct page *p = NULL;
	u64 pfn, flags;

	if (order >= FRAME_MAX_ORDER)
		return NULL;
	flags = spin_lock_irqsave(&frame_lock);
	pfn = buddy_take(order);
	c = this_cache();
	if (pfn == FRAME_NONE && c->count) {
		/* The cache may hold the buddies a larger block needs. */
		cache_drain(c, c->count);
		pfn = buddy_take(order);
	}
	if (pfn != FRAME_NONE) {
		nr_free -= 1ull << order;
		p = hand_out(pfn, order);
	}
	spin_unlock_irqrestore(&frame_lock, flags);
	return p;
}

/* On each other CPU (an IPI): its cache back to the lists. */
static void drain_cache_ipi(void *arg)
{
	struct frame_cache *c = this_cache();

	(void)arg;
	spin_lock(&frame_lock);
	cache_drain(c, c->count);
	spin_unlock(&frame_lock);
}

/* drain_other_caches - have the other CPUs empty their caches: false if
 * they hold nothing, or if this CPU may not wait for them (only the
 * kernel lock's holder may, whatever its interrupt state: asm/smp.h). */
static bool drain_other_caches(void)
{
	u64 flags = local_irq_save();
	bool others = frame_cache_count() > this_cache()->count;

	local_irq_restore(flags);
	if (!others || !kernel_locked_here())
		return false;
	return smp_call_function_others(drain_cache_ipi, NULL) == 0;
}

static struct page *alloc_here(unsigned order)
{
	if (order == 0 && cache_enabled)
		return alloc_cached();
	return alloc_block(order);
}

struct page *frames_alloc(unsigned order)
{
	struct page *p = alloc_here(order);

	if (!p && cache_enabled && drain_other_caches())
		p = alloc_here(order);
	return p;
}

void frame_cache_enable(bool on)
{
	u64 flags = spin_lock_irqsave(&frame_lock);

	/* Every cache: only the unit tests and the boot turn them off,
	 * while one CPU runs. */
	if (!on)
		for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)
			cache_drain(&caches[cpu], caches[cpu].count);
	cache_enabled = on;
	spin_unlock_irqrestore(&frame_lock, flags);
}

u64 frame_cache_count(void)
{
	return __atomic_load_n(&nr_cached, __ATOMIC_RELAXED);
}

void frame_free(phys_addr_t pa)
{
	frames_free(phys_to_page(pa), 0);
}

void page_get_bad(struct page *page)
{
	panic("page_get: frame 0x%lx is not an allocated block",
	      page_to_phys(page));
}

void page_put_last(struct page *page)
{
	if ((page->flags & (PG_HEAD | PG_FREE)) != PG_HEAD || !page->refcount)
		panic("page_put: frame 0x%lx is not an allocated block (refcount %u)",
		      page_to_phys(page), page->refcount);
	if (page->refcount > 1) {
		page->refcount--;
		return;
	}
	if (page->rmap || page->anon)
		panic("page_put: frame 0x%lx is freed while still mapped",
		      page_to_phys(page));
	release(page_to_pfn(page), page->order);
}

/* Under frame_lock: a cache's refill or drain moves frames between
 * nr_free and nr_cached in two steps, and another CPU reading between
 * them would count FRAME_CACHE_BATCH frames as used (a leak check saw
 * 16 frames come and go). */
u64 frames_free_count(void)
{
	u64 flags = spin_lock_irqsave(&frame_lock), n = nr_free + frame_cache_count();

	spin_unlock_irqrestore(&frame_lock, flags);
	return n;
}

u64 frames_managed_count(void)
{
	return nr_managed;
}

u64 frames_table_size(void)
{
	return frame_nr_pfns;
}

u64 frames_free_blocks(unsigned order)
{
	return order < FRAME_MAX_ORDER ? nr_free_blocks[order] : 0;
}
