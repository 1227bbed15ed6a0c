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
 *
 * Sleeping for the disk.  Every read puts its frames in the swap cache
 * first, locked (PG_LOCKED), and unlocks them after (swap_in()).  The
 * fault handler's own swap-in (do_swap_page() with may_sleep, from a task
 * with interrupts on) sleeps meanwhile (state D) while other tasks run.
 * Nothing of the faulting address space is kept across the sleep: the
 * fault handler makes its decision again (resolve() once more,
 * FAULT_AGAIN), finds the page in the cache and maps it (Linux retries
 * the same way, VM_FAULT_RETRY); PG_FAULT_READ makes that the major
 * fault, and keeps reclaim off the page until then.  A fault that finds
 * a locked page waits for it the same way; a caller
 * that may not sleep (swapoff walking tables, the kernel's own
 * fault_in_page(), shared memory, a fault with interrupts off) waits for
 * the answer with the CPU halted: the disk's interrupt marks the request
 * done (io_done()), so it needs no other task to run.  Eviction's writes
 * lock their pages the same way (mm/vmscan.c, swap_io_locked()).
 */
#include "mm/swap_state.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include "mm/pagetable.h"
#include "mm/rmap.h"
#include "mm/shmem.h"
#include "mm/swap.h"
#include "mm/vmscan.h"
#include <vmos/bkl.h>
#include "drivers/blkdev.h"
#include "kernel/wait.h"
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

int swap_cache_add(swp_entry_t e, struct page *page)
{
	return cache_add(e, page);
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
 * Readahead: a major fault reads its slot's neighbours too (those of the
 * aligned window of READAHEAD slots around it that are in use, not
 * cached and next to it), in one disk request, into the swap cache: pages evicted
 * together were often used together, and a disk request costs far more
 * than its 4 KiB.  Their owners find them there (a minor fault's worth of
 * work); page replacement drops them again if nobody maps them.  Only
 * while memory is not short.
 */
#define READAHEAD 16

/* ---- pages in flight, for tasks that sleep meanwhile ---- */

/* One disk request for pages locked in the swap cache (a read of a
 * fault's page, or eviction's write): its frames, and its answer, which
 * the disk's interrupt writes (the flags of the frames are only ever
 * changed by tasks). */
#define IO_IN_FLIGHT 8
static struct swap_inflight {
	bool used;
	unsigned n;
	struct page *pages[BLKDEV_MAX_PAGES];
	volatile bool done; /* the disk has answered */
	volatile int err;   /* ... with this */
} inflight[IO_IN_FLIGHT];
/* Tasks waiting for a locked page to be unlocked. */
static struct wait_queue unlocked_wait;

/* io_done - the blk_io callback, in the disk's interrupt. */
static void io_done(void *arg, int err)
{
	struct swap_inflight *r = arg;

	r->err = err;
	r->done = true;
}

/* inflight_of - the record of the request page is part of, or NULL. */
static struct swap_inflight *inflight_of(const struct page *page)
{
	for (unsigned i = 0; i < IO_IN_FLIGHT; i++)
		for (unsigned k = 0; inflight[i].used && k < inflight[i].n; k++)
			if (inflight[i].pages[k] == page)
				return &inflight[i];
	return NULL;
}

int swap_io_locked(swp_entry_t first, struct page *const *pages, unsigned n,
		   bool write, bool sleep)
{
	struct swap_inflight *r = NULL;
	void *bufs[BLKDEV_MAX_PAGES];
	int err;

	for (unsigned k = 0; sleep && k < IO_IN_FLIGHT && !r; k++)
		if (!inflight[k].used)
			r = &inflight[k];
	if (r) {
		*r = (struct swap_inflight){ .used = true, .n = n };
		memcpy(r->pages, pages, n * sizeof(*pages));
	}
	for (unsigned k = 0; k < n; k++)
		bufs[k] = phys_to_virt(page_to_phys(pages[k]));
	/* Without a record the task keeps the CPU for the request: nobody
	 * can find the pages locked meanwhile. */
	if (write)
		err = swap_write_pages_io(first, bufs, n,
					  r ? &(struct blk_io){ io_done, r } : NULL);
	else
		err = swap_read_pages_io(first, bufs, n,
					 r ? &(struct blk_io){ io_done, r } : NULL);
	for (unsigned k = 0; k < n; k++)
		pages[k]->flags &= ~PG_LOCKED;
	if (r)
		r->used = false;
	wake_up(&unlocked_wait);
	return err;
}

/*
 * wait_io - page is locked (PG_LOCKED): it is being read or written.  A
 * task that may sleep sleeps until the I/O's task unlocks it, and returns
 * -EAGAIN (its fault is retried).  One that may not halts until the disk
 * answers: 0 if the page now holds its slot's copy, -EIO if a read failed.
 */
static int wait_io(struct page *page, bool sleep)
{
	u64 flags = arch_irq_save();
	struct swap_inflight *r = inflight_of(page);
	int err = -EAGAIN;

	if (!r)
		panic("swap cache: frame 0x%lx is locked with no I/O in flight",
		      page_to_phys(page));
	if (sleep) {
		page_get(page);
		while (page->flags & PG_LOCKED)
			wait_sleep_uninterruptible(&unlocked_wait, 0);
		page_put(page);
	} else {
		while (!r->done)
			kernel_wait_irq(); /* the disk's answer (vmos/bkl.h) */
		err = r->err;
	}
	arch_irq_restore(flags);
	return err;
}

/* Could slot e be read ahead with the page a fault wants? */
static bool read_ahead_ok(swp_entry_t e, bool room)
{
	return room && swap_slot_count(e) && !cache_lookup(e);
}

/*
 * swap_in - read slot entry, with the neighbours of its READAHEAD window
 * that are in use, not cached and next to it (one disk request), into
 * locked frames of the swap cache, sleeping for the disk if sleep (else
 * the CPU waits); then unlock them.  -EAGAIN when the page is in the
 * cache (after a sleep the caller's view is stale: it decides again),
 * -ENOMEM, or -EIO when the disk failed.
 */
static int swap_in(swp_entry_t entry, bool sleep)
{
	u64 window = swp_offset(entry) & ~(u64)(READAHEAD - 1);
	u64 lo = swp_offset(entry), hi = lo + 1, off;
	bool room = frames_free_count() > reclaim_low_watermark() / 2 + READAHEAD;
	struct page *pages[READAHEAD];
	unsigned n = 0;
	int err;

	while (lo > window && read_ahead_ok(swp_entry(swp_type(entry), lo - 1), room))
		lo--;
	while (hi < window + READAHEAD &&
	       read_ahead_ok(swp_entry(swp_type(entry), hi), room))
		hi++;
	/* Every frame is in the cache, locked, before the task sleeps: a
	 * fault on any of the slots meanwhile finds it and waits. */
	for (off = lo; off < hi; off++) {
		phys_addr_t pa = frame_alloc();

		if (!pa || cache_add(swp_entry(swp_type(entry), off), phys_to_page(pa))) {
			if (pa)
				frame_free(pa);
			if (off <= swp_offset(entry))
				goto undo; /* the page itself has no frame */
			break;
		}
		pages[n] = phys_to_page(pa);
		pages[n++]->flags |= PG_LOCKED;
	}
	err = swap_io_locked(swp_entry(swp_type(entry), lo), pages, n, false, sleep);
	for (unsigned k = 0; k < n; k++) {
		swp_entry_t e = swp_entry(swp_type(entry), lo + k);

		bool cached = cache_lookup(e) == pages[k];

		/* A failed read's frame leaves the cache (unless swapoff took
		 * it out already) before any waiter runs; so does one no entry
		 * holds any more (its last one went while the disk read). */
		if (cached && (err || swap_slot_count(e) == 1))
			cache_remove(e);
		else if (cached && e.val == entry.val)
			pages[k]->flags |= PG_FAULT_READ;
		else if (cached)
			readahead_pages++;
		page_put(pages[k]); /* the cache keeps what it holds */
	}
	if (!err)
		vm_swap_ins += n;
	return err ? -EIO : -EAGAIN;

undo:
	for (unsigned k = 0; k < n; k++) {
		cache_remove(swp_entry(swp_type(entry), lo + k));
		pages[k]->flags &= ~PG_LOCKED;
		page_put(pages[k]);
	}
	return -ENOMEM;
}

struct page *swap_page_get(swp_entry_t entry, int *err, bool *major,
			   bool may_sleep)
{
	bool sleep = may_sleep && sched_can_sleep();
	struct page *page;

	*err = 0;
	*major = false;
	/* Not cached: read it in.  Without a sleep nothing ran meanwhile,
	 * and the page is in the cache now. */
	while (!(page = cache_lookup(entry)))
		if ((*err = swap_in(entry, sleep)) != -EAGAIN || sleep)
			return NULL;
	*err = 0;
	if ((page->flags & PG_LOCKED) && (*err = wait_io(page, sleep)))
		return NULL;
	/* Read for a fault that is mapping it now: a major one. */
	if (page->flags & PG_FAULT_READ) {
		page->flags &= ~PG_FAULT_READ;
		*major = true;
	}
	page_get(page);
	return page;
}

int do_swap_page(struct mm *mm, struct vm_area_struct *v, u64 addr, pte_t *e,
		 bool write, bool *major, bool may_sleep)
{
	swp_entry_t entry = { pte_to_swap_val(*e) };
	pte_t prot = vm_flags_to_pte(v->vm_flags);
	int err;
	struct page *page = swap_page_get(entry, &err, major, may_sleep);

	if (!page)
		return err;
	if (rmap_add(page, mm, addr)) {
		page_put(page);
		return -ENOMEM;
	}
	/* This entry's hold on the slot goes first: if no other entry
	 * holds it, the cache lets the page go too (swap_entry_put()). */
	swap_entry_put(entry);
	mm->swapents--;
	/* A private page others may still see (the cache, or other
	 * mappings) is mapped read-only: a write copies it (do_wp_page).
	 * One that is now only this entry's is mapped writable at once: a
	 * write does not fault a second time (Linux's do_swap_page() does
	 * the same when the swap count is one). */
	if (!(v->vm_flags & VM_SHARED) && page->refcount > 1)
		prot &= ~PTE_W;
	pt_set(mm->pgd, addr, e, pt_entry(page_to_phys(page),
					  (prot | PTE_A | (write ? PTE_D : 0)) &
						  ~PTE_SW_PROTNONE));
	if (prot & PTE_SW_PROTNONE)
		pt_protect(mm->pgd, addr, PTE_SW_PROTNONE);
	mm->rss++;
	mm->hiwater_rss = MAX(mm->hiwater_rss, mm->rss);
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
	return do_swap_page(c->mm, c->v, va, e, false, &major, false);
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
	return shmem_unuse(type); /* what shared memory objects hold */
}
