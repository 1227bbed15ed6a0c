/*
 * mm/pagetable.h - the 4-level page-table API used for every address space.
 *
 * A page table is named by its root: the physical address of its PML4.
 * The functions walk the tables through the direct map (phys_to_virt), so
 * they work on any address space, not only the active one.  Flags are the
 * PTE_* bits of asm/pgtable.h; PTE_P is added by the map functions.
 *
 * Page-table pages come from the frame allocator and are freed with the
 * address space by pt_free_user().  TLB entries are invalidated through
 * arch_flush_tlb_page() when the changed table is the active one.
 */
#ifndef MM_PAGETABLE_H
#define MM_PAGETABLE_H

#include "kernel/types.h"
#include <asm/pgtable.h>

/* pt_alloc_table - a zeroed page-table page, or 0 when out of memory. */
phys_addr_t pt_alloc_table(void);

/*
 * pt_walk - find the level-1 entry for va. With alloc, missing tables on the
 * way are allocated (NULL then means out of memory). Without alloc, NULL
 * means a table on the way is missing. NULL also when a large page already
 * maps va (there is no level-1 entry to return).  The entries of one
 * level-1 table are an array: the entry for va + PAGE_SIZE is the next one,
 * as long as both addresses lie in the same pt_level_size(2) block.
 */
pte_t *pt_walk(phys_addr_t root, u64 va, bool alloc);

/*
 * pt_map - map the 4 KiB page at va (page-aligned) to frame pa with flags.
 * Returns 0 or -ENOMEM (tables allocated on the way stay, for
 * pt_free_user). A bug panics: mapping over a present entry or inside a
 * large page, an unaligned va or pa, a non-canonical va.
 */
int pt_map(phys_addr_t root, u64 va, phys_addr_t pa, pte_t flags);

/* pt_map_large - map the 2 MiB page at va to pa (both 2 MiB-aligned),
 * as pt_map. */
int pt_map_large(phys_addr_t root, u64 va, phys_addr_t pa, pte_t flags);

/*
 * pt_replace - point e, the entry of va that pt_walk() returned, at frame pa
 * with flags, and forget the old translation: copy-on-write's one walk,
 * instead of pt_unmap() and pt_map() walking twice more.  The caller owns
 * the old frame's reference.
 */
void pt_replace(phys_addr_t root, u64 va, pte_t *e, phys_addr_t pa, pte_t flags);

/*
 * pt_copy_range - fork's copy of the entries that map a frame in
 * [start, end) from the tables at src to those at dst (made as needed):
 * the child's entry is copy(e, arg), which may also change the parent's
 * *e.  Visits only the level-1 tables that exist, each child table is
 * found once per 2 MiB, and nothing is flushed: a caller that changes
 * the parent's entries calls pt_flush() once after.  Returns how many
 * entries were copied, or -ENOMEM (some may have been copied).
 */
long pt_copy_range(phys_addr_t dst, phys_addr_t src, u64 start, u64 end,
		   pte_t (*copy)(pte_t *e, void *arg), void *arg);

/*
 * pt_unmap_range - pt_unmap(root, va, true) for every page of [start, end)
 * that maps a frame, visiting only the tables that exist (an untouched
 * gigabyte costs a few steps, not 262,144 walks); one TLB reload instead
 * of the invlpgs past 32 pages.  Returns how many frames it unmapped.
 */
u64 pt_unmap_range(phys_addr_t root, u64 start, u64 end);

/* pt_flush - forget every cached user translation of root, if it is the
 * active table (one reload instead of an invlpg per page). */
void pt_flush(phys_addr_t root);

/*
 * pt_unmap - remove the 4 KiB mapping at va. With free_frame the frame's
 * reference is dropped (page_put). Returns false if nothing was mapped.
 */
bool pt_unmap(phys_addr_t root, u64 va, bool free_frame);

/*
 * pt_translate - the physical address va maps to, through 4 KiB or large
 * pages. Returns false if va is not mapped. flags (may be NULL) receives
 * the leaf entry's flag bits.
 */
bool pt_translate(phys_addr_t root, u64 va, phys_addr_t *pa, pte_t *flags);

/* pt_protect - replace the flags of the 4 KiB page at va: 0 or -ENOENT.
 * flags with PTE_SW_PROTNONE make the page inaccessible but keep its frame.
 * The entry's accessed and dirty bits (PTE_A, PTE_D) are kept. */
int pt_protect(phys_addr_t root, u64 va, pte_t flags);

/*
 * pt_free_user - tear down the lower (user) half: drop a reference on every
 * mapped frame and free every page-table page below the PML4. The root
 * itself and the kernel half are left alone.
 */
void pt_free_user(phys_addr_t root);

/* pt_count_user_tables - table pages below root in the user half (VmPTE). */
u64 pt_count_user_tables(phys_addr_t root);

#endif
