/*
 * mm/vmscan.c - page replacement over the real frame table.
 *
 * The clock policy (mm/clock.c) walks the frames; this file answers its
 * questions with the reverse map (mm/rmap.h):
 *  - a candidate is an order-0 user frame all of whose references are
 *    page-table entries, plus the swap cache's if it is cached (so
 *    nothing else holds it: no page table, no kmalloc slab, no file's
 *    page, no futex sleeper), none of them in a locked (mlock) region;
 *  - it is young if any entry that maps it has the accessed bit, which
 *    the CPU sets on every use; looking clears the bits;
 *  - evicting it writes it to a free swap slot, then turns every entry
 *    that maps it, in every address space, into that swap entry (one slot
 *    reference each), and frees the frame.  A page in the swap cache
 *    already has its slot: it is rewritten only if a mapping made it
 *    dirty (evict_cached()).
 * Kernel memory is never a candidate.  A page not in the swap cache is
 * always written: there is no record of an older copy on disk.  A cached
 * page whose writers have unmapped it since remembers their dirty bits
 * (set_page_dirty()): eviction cannot see entries that are gone.
 */
#include "mm/vmscan.h"
#include "mm/clock.h"
#include "mm/frame.h"
#include "mm/mm.h"
#include "mm/pagetable.h"
#include "mm/rmap.h"
#include "mm/shmem.h"
#include "mm/swap.h"
#include "mm/swap_state.h"
#include "mm/vma.h"
#include "drivers/blkdev.h"
#include "kernel/kthread.h"
#include <vmos/printk.h>
#include "kernel/task.h"
#include <vmos/mutex.h>
#include <asm/page.h>

/*
 * The watermarks, Linux's three (mm/page_alloc.c, setup_per_zone_wmarks),
 * in free frames:
 *   min  = 1/MIN_WATERMARK_SHARE of memory, at least MIN_WATERMARK_FLOOR:
 *          below it a fault reclaims for itself first (direct reclaim),
 *          DIRECT_RECLAIM_BATCH pages past min (Linux's SWAP_CLUSTER_MAX),
 *          just enough to go on and leave the rest to kswapd;
 *   low  = min + min / 2: below it a fault wakes kswapd;
 *   high = 2 * min: kswapd reclaims until free frames reach it.
 * kswapd works in the background, between the faults, so that faults
 * find free frames and fall below min less often.  The gaps are wider
 * than Linux's (a quarter of min each): one CPU, so kswapd runs only when
 * the faulting task's turn ends, and a task writing memory as fast as it
 * can uses about min frames per turn at 64 MiB.  Wider still (high at
 * 3 * min) keeps more memory idle: thrashing workloads got twice as slow.
 * /proc/zoneinfo shows them.
 */
#define MIN_WATERMARK_SHARE 32
#define MIN_WATERMARK_FLOOR 64
#define DIRECT_RECLAIM_BATCH 32

static struct clock hand;

/* Is any mapping of page in a locked (mlock) region? */
static bool mapping_locked(struct page *page)
{
	struct rmap_iter it;

	for (rmap_iter_init(&it, page); rmap_next(&it);) {
		const struct vm_area_struct *v = vma_lookup(&it.mm->vmas, it.va);

		if (!v || (v->vm_flags & VM_LOCKED))
			return true;
	}
	return false;
}

/* evictable - could page p go to swap, given extra references of the
 * caller's own (a queued victim has one)? */
static bool evictable(struct page *p, unsigned extra)
{
	unsigned n = 0, cached = 0, owned = 0;
	u64 pgoff;

	if (!p || p->order != 0 || (p->flags & PG_LOCKED))
		return false; /* a block, or being read from swap */
	/* Read from swap for a fault that has not mapped it yet (it slept
	 * while the disk read, and faults again): taken now, the retry
	 * would read it again, and under enough pressure for ever.  The
	 * fault that maps it clears the flag; if its entry goes instead,
	 * the page leaves the cache with the slot's last holder. */
	if (p->flags & PG_FAULT_READ)
		return false;
	/* A shared memory object's page: the object's reference is one more
	 * than its mappings (mm/shmem.h); it must not also be in the swap
	 * cache (a fault took it back from there: its slot is not the
	 * object's any more). */
	if ((p->flags & (PG_HEAD | PG_FREE | PG_PAGECACHE)) == (PG_HEAD | PG_PAGECACHE)) {
		struct shmem_object *obj = shmem_page_owner(p, &pgoff);

		if ((p->flags & PG_SWAPCACHE) || !obj || shmem_locked(obj))
			return false; /* also a ramfs file's page, or SHM_LOCKed */
		owned = 1;
	}
	/* In the swap cache its slot already holds a copy: the cache's
	 * reference is one more than its mappings (none: read ahead and
	 * never mapped). */
	if ((p->flags & (PG_HEAD | PG_FREE | PG_SWAPCACHE)) == (PG_HEAD | PG_SWAPCACHE))
		cached = 1;
	else if ((p->flags & (PG_HEAD | PG_FREE | PG_RESERVED | PG_SLAB | PG_PAGETABLE |
			      (owned ? 0 : PG_PAGECACHE) | PG_SWAPCACHE)) != PG_HEAD ||
		 (!p->anon && !p->rmap))
		return false;
	n = rmap_mapcount(p);
	if (n + cached + owned + extra != p->refcount || n + owned > SWAP_SLOT_MAX_REFS)
		return false;
	return !mapping_locked(p);
}

static bool candidate(u64 pfn, void *arg)
{
	return evictable(frame_lookup(pfn), 0);
}

/* What one reclaim did (Linux's struct scan_control, the counts). */
struct scan_control {
	u64 nr_scanned; /* candidates the hand looked at */
};

static bool test_and_clear_young(u64 pfn, void *arg)
{
	struct scan_control *sc = arg;
	bool young = false;

	sc->nr_scanned++;
	/* LAB swap BEGIN */
	struct rmap_iter it;

	for (rmap_iter_init(&it, pfn_to_page(pfn)); rmap_next(&it);)
		if (pt_test_and_clear_young(it.mm->pgd, it.va, it.pte))
			young = true;
	/* LAB swap STUB
	// the stub: never young, every page looks old (FIFO in frame order)
	   LAB swap END */
	return young;
}

/* vmtrace's line for an eviction: under the name of a task of the mm. */
static void trace_eviction(struct mm *mm, u64 va, swp_entry_t slot)
{
	if (!vmtrace_all && !mm->vmtrace)
		return;
	for (struct task *t = task_first(); t; t = t->all_next)
		if (t->mm == mm) {
			printk("vmtrace: %s[%d] page 0x%lx evicted to swap %u:%lu\n",
			       t->comm, t->tgid, va, swp_type(slot), swp_offset(slot));
			return;
		}
}

/*
 * Eviction goes in batches, in Linux's order.  The clock queues each
 * victim with a slot of its own and a reference (it stays a frame while
 * it waits, even if its owner unmaps it).  flush_batch() then writes
 * them, one disk request per run of consecutive slots (the allocator
 * hands them out in order, so usually one request for the whole batch).
 * For each run, first every page still evictable goes into the swap
 * cache, locked (PG_LOCKED), and every entry that maps it becomes its
 * swap entry (unmap_victim()); then the run is written while the task
 * sleeps and others run.  A fault on one of the pages meanwhile finds it
 * in the cache and waits until it is unlocked.  Afterwards a page nobody
 * took back leaves the cache and its frame is free; one whose write
 * failed stays in the cache, resident, marked dirty (its slot's copy is
 * not good), and this reclaim stops.
 */
#define BATCH BLKDEV_MAX_PAGES

static struct victim {
	struct page *page;
	swp_entry_t slot;
	bool dirty; /* an entry unmap_victim() removed had the dirty bit */
} batch[BATCH];
static unsigned batched;
static bool batch_failed; /* a write failed: stop this reclaim */
static bool batch_sleeps; /* this reclaim may sleep for its writes */
/* One reclaimer at a time: the hand and the batch are its own, also while
 * it sleeps for the disk.  Taken after a disk's write_lock (a write() to
 * /dev/vdX faults on its user buffer with it held). */
static DEFINE_MUTEX(reclaim_mutex);

/* Every entry that maps the victim's page becomes its swap entry. */
static void unmap_victim(struct victim *vi);

/*
 * A page in the swap cache goes without a new slot: its own slot holds
 * its copy (rewritten first if a shared mapping made it dirty since), the
 * entries that map it get that slot, and leaving the cache frees it.
 */
static int evict_cached(struct page *page)
{
	struct victim vi = { page, swap_cache_slot(page), false };
	bool dirty = swap_cache_dirty(page); /* by entries gone since */

	/* Unmapped first, then written if an entry was dirty: a thread on
	 * another CPU may write the page until its entry is gone, and the
	 * dirty bit the exchange took away says whether it did. */
	if (rmap_mapcount(page)) {
		if (swap_slot_dup(vi.slot)) /* unmap_victim's first entry */
			return 0;
		unmap_victim(&vi);
		dirty |= vi.dirty;
	}
	if (dirty) {
		if (swap_write_page(vi.slot, phys_to_virt(page_to_phys(page)))) {
			/* stays cached, its entries find it there */
			set_page_dirty(page);
			return 0;
		}
		vm_swap_outs++;
	}
	swap_cache_drop(page);
	return 1;
}

static void unmap_victim(struct victim *vi)
{
	struct page *page = vi->page;
	u64 pgoff;
	/* A shared memory object's page: the object takes the slot's first
	 * reference and gives up the frame after its mappings. */
	struct shmem_object *obj = shmem_page_owner(page, &pgoff);
	bool first = !obj;
	struct rmap_iter it;

	/* The loop removes the mapping it is at, and the last page_put()
	 * frees the frame: only after the last mapping, so the iterator
	 * never looks at the page again once it is gone. */
	for (rmap_iter_init(&it, page); rmap_next(&it);) {
		struct mm *mm = it.mm;
		u64 va = it.va;
		pte_t *e = it.pte;

		if (!first && swap_slot_dup(vi->slot))
			panic("evict: slot 0x%lx refused a reference", vi->slot.val);
		first = false;
		if (pt_set(mm->pgd, va, e, swap_val_to_pte(vi->slot.val)) & PTE_D)
			vi->dirty = true;
		mm->rss--;
		mm->swapents++;
		trace_eviction(mm, va, vi->slot);
		rmap_remove(page, mm, va);
		page_put(page); /* the last one frees the frame */
	}
	if (obj)
		shmem_page_evicted(obj, pgoff, vi->slot.val);
}

/* write_run - pages[0..n) (locked, in the cache, unmapped) at consecutive
 * slots from first: write them, then free each one nobody took back. */
static void write_run(swp_entry_t first, struct page **pages, unsigned n)
{
	int err = swap_io_locked(first, pages, n, true, batch_sleeps);

	for (unsigned k = 0; k < n; k++) {
		struct page *p = pages[k];

		if (err) {
			set_page_dirty(p); /* the slot's copy is not good */
			batch_failed = true;
		} else {
			vm_swap_outs++;
		}
		/* Still cached, mapped nowhere, held by the cache and us only:
		 * nobody faulted it back while it was written. */
		if (!err && (p->flags & PG_SWAPCACHE) && !rmap_mapcount(p) &&
		    p->refcount == 2 && !(p->flags & PG_PAGECACHE) &&
		    swap_cache_slot(p).val == swp_entry(swp_type(first),
							 swp_offset(first) + k).val)
			swap_cache_drop(p);
		page_put(p); /* ours: the last one frees the frame */
	}
}

/*
 * prepare - victim vi, about to be written: if it is still evictable (its
 * owner may have unmapped, locked or shared it since it was queued), put
 * it in the swap cache, locked, and unmap it.  False: it stays, its slot
 * is freed and our reference dropped.
 */
static bool prepare(struct victim *vi)
{
	if ((vi->page->flags & PG_SWAPCACHE) || !evictable(vi->page, 1) ||
	    swap_cache_add(vi->slot, vi->page)) {
		swap_slot_free(vi->slot);
		page_put(vi->page);
		return false;
	}
	vi->page->flags |= PG_LOCKED;
	unmap_victim(vi);
	return true;
}

/*
 * Write the batch: each run of consecutive slots is one request.  A run's
 * pages are prepared (locked, unmapped) just before its request, never
 * while an earlier one sleeps: a task that cannot sleep and finds a page
 * locked waits for that page's request to be answered, so the request
 * must already be on its way (swap_io_locked()).
 */
static void flush_batch(void)
{
	unsigned i = 0;

	while (i < batched) {
		struct page *run[BATCH];
		swp_entry_t first = batch[i].slot;
		unsigned n = 0;

		/* The run's pages leave every CPU's TLB with one shootdown,
		 * before their write starts (pt_gather_begin()). */
		pt_gather_begin();
		for (; i < batched; i++) {
			struct victim *vi = &batch[i];

			if (n && (swp_type(vi->slot) != swp_type(first) ||
				  swp_offset(vi->slot) != swp_offset(first) + n))
				break; /* the next run */
			if (!prepare(vi)) {
				if (n) { /* a gap: this run ends here */
					i++;
					break;
				}
				continue;
			}
			if (!n)
				first = vi->slot;
			run[n++] = vi->page;
		}
		pt_gather_end();
		if (n)
			write_run(first, run, n);
	}
	batched = 0;
}

static int evict(u64 pfn, void *arg)
{
	struct page *page = pfn_to_page(pfn);
	swp_entry_t slot;

	if (page->flags & PG_SWAPCACHE)
		return evict_cached(page);
	if (batch_failed)
		return -1;
	slot = swap_slot_alloc();
	if (!slot.val)
		return -1; /* no swap space left */
	/* Our reference keeps it a frame, and not a candidate again, until
	 * the batch is written. */
	page_get(page);
	batch[batched++] = (struct victim){ page, slot, false };
	if (batched == BATCH)
		flush_batch();
	return 1;
}

static const struct clock_ops ops = { candidate, test_and_clear_young, evict };

/* shrink - evict up to want pages in at most turns turns of the clock;
 * sc counts the pages looked at. */
void reclaim_lock(void)
{
	mutex_lock(&reclaim_mutex);
}

void reclaim_unlock(void)
{
	mutex_unlock(&reclaim_mutex);
}

static u64 shrink(u64 want, unsigned turns, struct scan_control *sc)
{
	bool sleep = sched_can_sleep();
	u64 n;

	if (!swap_free_pages())
		return 0;
	/* A caller that cannot sleep does not wait for another reclaimer:
	 * it goes on without (kswapd or that one frees memory). */
	if (sleep)
		mutex_lock(&reclaim_mutex);
	else if (!mutex_trylock(&reclaim_mutex))
		return 0;
	batch_sleeps = sleep;
	hand.nframes = frames_table_size();
	if (hand.hand >= hand.nframes)
		hand.hand = 0;
	batch_failed = false;
	n = clock_reclaim(&hand, want, turns, &ops, sc);
	flush_batch();
	mutex_unlock(&reclaim_mutex);
	return batch_failed ? 0 : n;
}

/* /proc/vmstat: pages looked at and evicted by kswapd and by the faults
 * themselves (direct), as Linux counts them; kswapd's balancing runs. */
u64 pgscan_kswapd, pgsteal_kswapd, pgscan_direct, pgsteal_direct;
u64 pageoutrun, allocstall;

/* The OOM path must free memory: two turns, pages used lately too. */
u64 reclaim_pages(u64 want)
{
	struct scan_control sc = { 0 };
	u64 n = shrink(want, 2, &sc);

	pgscan_direct += sc.nr_scanned;
	pgsteal_direct += n;
	return n;
}

void reclaim_watermarks(struct watermarks *w)
{
	w->min = MAX(frames_managed_count() / MIN_WATERMARK_SHARE,
		     (u64)MIN_WATERMARK_FLOOR);
	w->low = w->min + w->min / 2;
	w->high = 2 * w->min;
}

u64 reclaim_low_watermark(void)
{
	struct watermarks w;

	reclaim_watermarks(&w);
	return w.min;
}

/* ---- kswapd: reclaim in the background ---- */

/* After this many balancing runs in a row that freed nothing (all memory
 * in use, locked, or no swap left), kswapd stops answering wake-ups until
 * memory is freed some other way (Linux's MAX_RECLAIM_RETRIES). */
#define KSWAPD_MAX_FAILURES 16
#define KSWAPD_BATCH 32 /* pages per pass (Linux's SWAP_CLUSTER_MAX) */

static struct wait_queue kswapd_wait;
static bool kswapd_woken;       /* a fault found free frames below low */
static unsigned kswapd_failures; /* balancing runs in a row that freed nothing */
static struct task *kswapd_task;

/* wakeup_kswapd - free frames are below the low watermark: let kswapd
 * bring them up to the high one once the faulting task lets it run. */
static void wakeup_kswapd(void)
{
	if (!kswapd_task || kswapd_failures >= KSWAPD_MAX_FAILURES ||
	    !swap_free_pages())
		return;
	kswapd_woken = true;
	wake_up(&kswapd_wait);
}

/*
 * balance - one kswapd run: evict in batches of KSWAPD_BATCH, within one
 * turn of the clock in all (pages used since the hand last passed stay),
 * until free frames reach high or a batch finds too few.  Between batches
 * the faulting processes may run (cond_resched).
 */
static void balance(const struct watermarks *w)
{
	u64 freed = 0, free, travelled = 0;

	pageoutrun++;
	while ((free = frames_free_count()) < w->high) {
		struct scan_control sc = { 0 };
		u64 want = MIN(w->high - free, (u64)KSWAPD_BATCH), from = hand.hand;
		u64 n = shrink(want, 1, &sc);

		pgscan_kswapd += sc.nr_scanned;
		pgsteal_kswapd += n;
		freed += n;
		/* At most one turn of the hand a run: a page used since the
		 * hand last passed must not be taken in the same run.  With
		 * few pages evictable (memory locked), the batches of one run
		 * went round many times while the task that faulted a page
		 * in waited for the CPU, and took that page before its
		 * instruction could run again. */
		travelled += (hand.hand + hand.nframes - from) % MAX(hand.nframes, 1ull);
		if (n < want || travelled >= hand.nframes)
			break;
		cond_resched();
	}
	kswapd_failures = freed ? 0 : kswapd_failures + 1;
}

/* kswapd0's loop: sleep until woken, balance, sleep again. */
static int kswapd(void *unused)
{
	for (;;) {
		struct watermarks w;

		wait_event(&kswapd_wait, kswapd_woken);
		kswapd_woken = false;
		reclaim_watermarks(&w);
		if (frames_free_count() < w.high)
			balance(&w);
	}
	return 0;
}

void kswapd_init(void)
{
	kswapd_task = kthread_run(kswapd, NULL, "kswapd0");
	if (!kswapd_task)
		panic("kswapd_init: cannot create kswapd0");
}

u64 reclaim_low_mark;

void reclaim_init(void)
{
	struct watermarks w;

	reclaim_watermarks(&w);
	reclaim_low_mark = w.low;
}

void reclaim_when_low(void)
{
	u64 free = frames_free_count();
	struct watermarks w;

	reclaim_watermarks(&w);
	if (free < w.low)
		wakeup_kswapd();
	/* One turn: with most memory locked, two turns evicted every
	 * evictable page on each fault, the other page of the faulting
	 * instruction too, and that instruction faulted forever. */
	if (free < w.min) {
		struct scan_control sc = { 0 };
		u64 n = shrink(w.min - free + DIRECT_RECLAIM_BATCH, 1, &sc);

		allocstall++;
		pgscan_direct += sc.nr_scanned;
		pgsteal_direct += n;
		if (n)
			kswapd_failures = 0; /* memory moves again */
	}
}
