/*
 * mm/swap_state.h - pages coming back from swap (mm/swap_state.c) and the
 * counters of swap traffic.
 */
#ifndef MM_SWAP_STATE_H
#define MM_SWAP_STATE_H

#include <vmos/types.h>
#include "mm/swap.h"
#include <asm/pgtable.h>

struct mm;
struct page;
struct vm_area_struct;

extern u64 vm_swap_ins, vm_swap_outs; /* /proc/vmstat pswpin, pswpout */
extern u64 readahead_pages;           /* /proc/vmstat swap_ra */

/*
 * do_swap_page - e (mm's entry for addr in region v) holds a swap entry:
 * map the page back, from the swap cache (*major false) or read from its
 * slot (*major true: a major fault).  0, -ENOMEM, or -EIO when the disk
 * failed (the entry is kept).  may_sleep (the fault handler's own call):
 * the task may sleep for the disk, and then returns -EAGAIN with the page
 * in the swap cache, e and v possibly stale: the fault is tried again.
 */
int do_swap_page(struct mm *mm, struct vm_area_struct *v, u64 addr, pte_t *e,
		 bool write, bool *major, bool may_sleep);
/*
 * swap_page_get - the page whose copy slot entry holds, with a reference
 * for the caller: from the swap cache, or read (*major) and kept in the
 * cache while other entries still hold the slot.  NULL with *err -ENOMEM,
 * or -EIO when the disk failed.  The caller's own slot reference stays.
 * may_sleep: as do_swap_page()'s (NULL with *err -EAGAIN after a sleep).
 */
struct page *swap_page_get(swp_entry_t entry, int *err, bool *major,
			   bool may_sleep);
/*
 * swap_io_locked - read or write n pages, locked (PG_LOCKED) in the swap
 * cache by the caller, at consecutive slots from first; unlock them (and
 * wake who waits).  sleep: the task sleeps for the disk, and a task that
 * cannot sleep but finds a page locked waits for the disk's answer with
 * the CPU; the pages' request is sent without sleeping first.  0 or the
 * disk's error.
 */
int swap_io_locked(swp_entry_t first, struct page *const *pages, unsigned n,
		   bool write, bool sleep);
/* swap_entry_put - an entry holding e is gone (unmapped, or faulted in):
 * drop its slot reference, and the cache's too when only that is left. */
void swap_entry_put(swp_entry_t e);
/* swap_entry_users - the page-table entries that hold slot e (its
 * references, less the swap cache's): SwapPss divides by it. */
u32 swap_entry_users(swp_entry_t e);
/* swap_cache_pages - frames the swap cache holds (SwapCached). */
u64 swap_cache_pages(void);
/* swap_cache_add - keep page in the cache as slot e's copy (eviction, before
 * it writes it): the cache takes a reference on each.  0 or -ENOMEM. */
int swap_cache_add(swp_entry_t e, struct page *page);
/* swap_cache_drop - take page (PG_SWAPCACHE) out of the cache, dropping
 * the cache's references: mapped nowhere, the frame is freed, and its slot
 * keeps the copy. */
void swap_cache_drop(struct page *page);
/* swap_cache_slot - the slot whose copy the cached page is. */
swp_entry_t swap_cache_slot(const struct page *page);
/*
 * set_page_dirty - an entry mapping page is going away (munmap, exit,
 * exec, MADV_DONTNEED) with its dirty bit set: the page, if in the swap
 * cache, now differs from its slot's copy and must be written before it
 * is dropped (Linux's set_page_dirty() in zap_pte_range()).  A page not in
 * the cache needs nothing: eviction always writes it.
 */
void set_page_dirty(struct page *page);
/* swap_cache_dirty - was page (PG_SWAPCACHE) dirtied by an entry that is
 * gone?  Eviction also looks at the entries still mapped. */
bool swap_cache_dirty(const struct page *page);

#endif
