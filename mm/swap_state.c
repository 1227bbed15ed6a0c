/*
 * mm/swap_state.c - pages coming back from swap: the major fault, the
 * swap cache, and swapoff's sweep.
 *
 * A page-table entry that holds a swap entry (asm/pgtable.h: pte_is_swap)
 * faults like an empty one; do_swap_page() reads the slot into a fresh
 * frame and maps it.  The slot loses this entry's reference.
 *
 * The swap cache.  After fork, or in a shared region, several entries
 * hold the same slot.  The first to fault reads it; the others must get
 * the same frame, not copies of their own (a shared region would stop
 * being shared, and memory would double).  So while other entries still
 * hold the slot, the frame is also kept in the swap cache, a hash from
 * slot to frame: the cache holds one reference on the frame and one on
 * the slot (PG_SWAPCACHE marks the frame).  When the last entry has
 * faulted in, only the cache's reference on the slot is left, and
 * swap_entry_put() drops both: the slot is free, the frame an ordinary
 * page.  Linux keeps every swapped-in page in its swap cache for longer
 * (to avoid rewriting a clean page); this cache keeps only what sharing
 * needs.
 */
#include "mm/swap_state.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include "mm/pagetable.h"
#include "mm/rmap.h"
#include "mm/swap.h"
#include "mm/vmscan.h"
#include <vmos/errno.h>
#include <vmos/printk.h>
#include "kernel/task.h"
#include <vmos/string.h>
#include <asm/page.h>

u64 vm_swap_ins;  /* pages read back from swap (/proc/vmstat pswpin) */
u64 vm_swap_outs; /* pages written to swap (pswpout) */

#define CACHE_BUCKETS 256

/* A cached page is found by its slot (a fault) and by its frame (page
 * replacement): each node is on a chain of both hashes. */
struct cache_node {
	swp_entry_t entry;
	struct page *page;
	struct cache_node *next_by_slot, *next_by_page;
	bool dirty; /* an entry that wrote to the page has gone since */
};

static struct cache_node *by_slot[CACHE_BUCKETS], *by_page[CACHE_BUCKETS];
static u64 cache_pages;
u64 readahead_pages; /* read ahead into the cache (/proc/vmstat swap_ra) */

static u64 hash(u64 v)
{
	return (v * 0x9e3779b97f4a7c15ull) >> 56;
}

static struct cache_node **slot_bucket(swp_entry_t e)
{
	return &by_slot[hash(e.val)];
}

static struct cache_node **page_bucket(const struct page *page)
{
	return &by_page[hash((u64)(uintptr_t)page)];
}

static struct cache_node *cache_node_of(swp_entry_t e)
{
	for (struct cache_node *n = *slot_bucket(e); n; n = n->next_by_slot)
		if (n->entry.val == e.val)
			return n;
	return NULL;
}

static struct page *cache_lookup(swp_entry_t e)
{
	struct cache_node *n = cache_node_of(e);

	return n ? n->page : NULL;
}

/* Keep page in the cache for slot e: the cache's references are taken. */
static int cache_add(swp_entry_t e, struct page *page)
{
	struct cache_node *n = kmalloc(sizeof(*n));

	if (!n)
		return -ENOMEM;
	if (swap_slot_dup(e)) {
		kfree(n);
		return -ENOMEM;
	}
	*n = (struct cache_node){ e, page, *slot_bucket(e), *page_bucket(page), false };
	*slot_bucket(e) = n;
	*page_bucket(page) = n;
	page_get(page);
	page->flags |= PG_SWAPCACHE;
	cache_pages++;
	return 0;
}

static void unlink(struct cache_node **head, struct cache_node *n, bool slot_chain)
{
	for (struct cache_node **p = head; *p;
	     p = slot_chain ? &(*p)->next_by_slot : &(*p)->next_by_page)
		if (*p == n) {
			*p = slot_chain ? n->next_by_slot : n->next_by_page;
			return;
		}
}

/* Take slot e's page out of the cache, dropping the cache's references. */
static void cache_remove(swp_entry_t e)
{
	struct cache_node *n = cache_node_of(e);

	if (!n)
		panic("swap cache: slot 0x%lx is not cached", e.val);
	unlink(slot_bucket(e), n, true);
	unlink(page_bucket(n->page), n, false);
	n->page->flags &= ~PG_SWAPCACHE;
	page_put(n->page);
	swap_slot_free(e);
	kfree(n);
	cache_pages--;
}

static struct cache_node *cache_node_of_page(const struct page *page)
{
	for (struct cache_node *n = *page_bucket(page); n; n = n->next_by_page)
		if (n->page == page)
			return n;
	panic("swap cache: frame 0x%lx is not cached", page_to_phys(page));
}

swp_entry_t swap_cache_slot(const struct page *page)
{
	return cache_node_of_page(page)->entry;
}

void set_page_dirty(struct page *page)
{
	if (page->flags & PG_SWAPCACHE)
		cache_node_of_page(page)->dirty = true;
}

bool swap_cache_dirty(const struct page *page)
{
	return cache_node_of_page(page)->dirty;
}

u64 swap_cache_pages(void)
{
	return cache_pages;
}

u32 swap_entry_users(swp_entry_t e)
{
	u32 n = swap_slot_count(e);

	return cache_lookup(e) && n ? n - 1 : n;
}

void swap_entry_put(swp_entry_t e)
{
	/* One reference left and the page cached: it is the cache's own. */
	if (swap_slot_free(e) == 1 && cache_lookup(e))
		cache_remove(e);
}

void swap_cache_drop(struct page *page)
{
	cache_remove(swap_cache_slot(page));
}

/*
 * Readahead: a major fault reads its slot's neighbours too (the aligned
 * window of READAHEAD slots around it that are in use and not cached),
 * in one disk request per run, into the swap cache: pages evicted
 * together were often used together, and a disk request costs far more
 * than its 4 KiB.  Their owners find them there (a minor fault's worth of
 * work); page replacement drops them again if nobody maps them.  Only
 * while memory is not short.
 */
#define READAHEAD 16

/* The page of entry, read with its window; NULL if out of memory, or
 * with *err -EIO if the disk failed. */
static struct page *swap_in(swp_entry_t entry, int *err)
{
	u64 first = swp_offset(entry) & ~(u64)(READAHEAD - 1);
	struct page *pages[READAHEAD] = { NULL }, *page = NULL;
	/* Neighbours only with half the low watermark to spare. */
	bool room = frames_free_count() > reclaim_low_watermark() / 2 + READAHEAD;

	*err = 0;
	for (unsigned i = 0; i < READAHEAD; i++) {
		swp_entry_t e = swp_entry(swp_type(entry), first + i);
		phys_addr_t pa;

		if (e.val != entry.val && (!room || !swap_slot_count(e) || cache_lookup(e)))
			continue;
		pa = frame_alloc();
		if (!pa)
			break;
		pages[i] = phys_to_page(pa);
	}
	for (unsigned i = 0; i < READAHEAD;) {
		void *bufs[READAHEAD];
		unsigned n = 0;

		if (!pages[i]) {
			i++;
			continue;
		}
		while (i + n < READAHEAD && pages[i + n]) {
			bufs[n] = phys_to_virt(page_to_phys(pages[i + n]));
			n++;
		}
		if (swap_read_pages(swp_entry(swp_type(entry), first + i), bufs, n)) {
			*err = -EIO;
			for (unsigned k = i; k < i + n; k++) {
				page_put(pages[k]);
				pages[k] = NULL;
			}
		} else {
			vm_swap_ins += n;
		}
		i += n;
	}
	for (unsigned i = 0; i < READAHEAD; i++) {
		swp_entry_t e = swp_entry(swp_type(entry), first + i);

		if (!pages[i])
			continue;
		if (e.val == entry.val) {
			page = pages[i];
			continue;
		}
		/* A neighbour: the cache holds it (and drops it if it cannot). */
		if (!cache_add(e, pages[i]))
			readahead_pages++;
		page_put(pages[i]);
	}
	if (page)
		*err = 0;
	return page;
}

int do_swap_page(struct mm *mm, struct vm_area_struct *v, u64 addr, pte_t *e,
		 bool write, bool *major)
{
	swp_entry_t entry = { pte_to_swap_val(*e) };
	struct page *page = cache_lookup(entry);
	pte_t prot = vm_flags_to_pte(v->vm_flags);
	int err;

	*major = !page;
	if (page) {
		page_get(page);
	} else {
		page = swap_in(entry, &err);
		if (!page)
			return err ? err : -ENOMEM;
		/* Other entries still hold the slot: they must find this
		 * frame, not read their own copy. */
		if (swap_slot_count(entry) > 1 && cache_add(entry, page)) {
			page_put(page);
			return -ENOMEM;
		}
	}
	if (rmap_add(page, mm, addr)) {
		page_put(page);
		return -ENOMEM;
	}
	/* A private page others may still see (the cache, or other
	 * mappings) is mapped read-only: a write copies it (do_wp_page). */
	if (!(v->vm_flags & VM_SHARED) && page->refcount > 1)
		prot &= ~PTE_W;
	pt_set(mm->pgd, addr, e, pt_entry(page_to_phys(page),
					  (prot | PTE_A | (write ? PTE_D : 0)) &
						  ~PTE_SW_PROTNONE));
	if (prot & PTE_SW_PROTNONE)
		pt_protect(mm->pgd, addr, PTE_SW_PROTNONE);
	mm->rss++;
	mm->hiwater_rss = MAX(mm->hiwater_rss, mm->rss);
	mm->swapents--;
	swap_entry_put(entry);
	return 0;
}

struct unuse_ctx {
	struct mm *mm;
	struct vm_area_struct *v;
	unsigned type;
};

/* pt_for_each's callback: bring back e if it holds a slot of the area. */
static int unuse_entry(pte_t *e, u64 va, void *arg)
{
	struct unuse_ctx *c = arg;
	bool major;

	if (!pte_is_swap(*e) || swp_type((swp_entry_t){ pte_to_swap_val(*e) }) != c->type)
		return 0;
	/* Stop with room to spare: the area comes back on, and the system
	 * must still be able to run (a system call needs a page or two). */
	if (frames_free_count() < reclaim_low_watermark())
		return -ENOMEM;
	return do_swap_page(c->mm, c->v, va, e, false, &major);
}

/* Bring back every page of area type that mm's tables hold. */
static int unuse_mm(struct mm *mm, unsigned type)
{
	struct unuse_ctx c = { mm, NULL, type };

	for (c.v = vma_first(&mm->vmas); c.v; c.v = vma_next(&mm->vmas, c.v)) {
		int err = pt_for_each(mm->pgd, c.v->vm_start, c.v->vm_end,
				      unuse_entry, &c);

		if (err)
			return err;
	}
	return 0;
}

/* Every address space, not every task's: exec's new one belongs to no
 * task while exec waits for the other threads to exit. */
int swap_unuse(unsigned type)
{
	for (struct mm *mm = mm_first(); mm; mm = mm->mmlist_next) {
		int err = unuse_mm(mm, type);

		if (err)
			return err;
	}
	return 0;
}
