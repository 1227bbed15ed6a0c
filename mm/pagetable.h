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

#include <vmos/types.h>
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

/* pt_entry - the last-level entry mapping frame pa with flags: present,
 * and only the bits this CPU supports (no NX without EFER.NXE). */
static inline pte_t pt_entry(phys_addr_t pa, pte_t flags)
{
	return pa | ((flags | PTE_P) & pte_supported & ~PTE_ADDR_MASK);
}

/* pt_fill - pt_map() into e, va's empty entry from pt_walk(va, true): the
 * fault path's walk done once.  Panics if e is not empty.  (No flush: an
 * empty entry is in no TLB.) */
void pt_fill(u64 va, pte_t *e, phys_addr_t pa, pte_t flags);

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
 * pt_copy_fn - for pt_copy_range: set *child, the child's entry for the
 * parent's entry *parent at va (which it may change too); 0, or an error
 * that stops the copy.
 */
typedef int (*pt_copy_fn)(pte_t *parent, pte_t *child, u64 va, void *arg);
/*
 * pt_copy_range - fork's copy of the non-empty entries of [start, end)
 * (frames, and whatever else the caller keeps in a last-level entry, such
 * as a swap entry) from the tables at src to those at dst, made as
 * needed.  Visits only the level-1 tables that exist, each child table is
 * found once per 2 MiB, and nothing is flushed: a caller that changes the
 * parent's entries calls pt_flush() once after.  Returns how many entries
 * were copied, or a negative error (some may have been copied).
 */
long pt_copy_range(phys_addr_t dst, phys_addr_t src, u64 start, u64 end,
		   pt_copy_fn copy, void *arg);

/*
 * pt_for_each - call fn(e, va, arg) for every non-empty last-level entry
 * of [start, end), visiting only the tables that exist; a non-zero return
 * stops the walk and is returned.  fn may change *e.
 */
int pt_for_each(phys_addr_t root, u64 start, u64 end,
		int (*fn)(pte_t *e, u64 va, void *arg), void *arg);

/*
 * pt_drop_fn - what to do with an entry just cleared (old, at va): NULL
 * means "drop the frame's reference" (page_put), enough for tables that
 * hold only frames.
 */
typedef void (*pt_drop_fn)(pte_t old, u64 va, void *arg);
/*
 * pt_unmap_range - clear every non-empty entry of [start, end), visiting
 * only the tables that exist (an untouched gigabyte costs a few steps,
 * not 262,144 walks), and hand each old entry to drop.  Present entries
 * are flushed from the TLB: an invlpg each, or one reload past 32.
 * Returns how many entries it cleared.
 */
u64 pt_unmap_range(phys_addr_t root, u64 start, u64 end, pt_drop_fn drop,
		   void *arg);

/*
 * An entry's accessed and dirty bits are written by the CPUs themselves,
 * with a locked instruction, whenever a thread on any CPU uses the page.
 * The kernel changes a present entry only with atomic operations, or a
 * dirty bit set between its read and its write would be lost (and the
 * page's new contents with it, at swap-out): these, and pt_set().
 */
static inline pte_t pte_xchg(pte_t *e, pte_t val)
{
	return __atomic_exchange_n(e, val, __ATOMIC_RELAXED);
}

/* pte_clear_bits - clear bits in *e; the old entry. */
static inline pte_t pte_clear_bits(pte_t *e, pte_t bits)
{
	return __atomic_fetch_and(e, ~bits, __ATOMIC_RELAXED);
}

/* pte_set_bits - set bits in *e. */
static inline void pte_set_bits(pte_t *e, pte_t bits)
{
	__atomic_fetch_or(e, bits, __ATOMIC_RELAXED);
}

/* pt_set - store val in e, the entry of va from pt_walk(), forgetting the
 * old translation if it was present (eviction's frame-to-swap-entry): the
 * old entry, with the dirty bit as it was at the exchange. */
pte_t pt_set(phys_addr_t root, u64 va, pte_t *e, pte_t val);
/* pt_test_and_clear_young - clear the accessed bit of e (va's), forgetting
 * the translation on this CPU if it had it (not on the others: see
 * pagetable.c): did it? */
bool pt_test_and_clear_young(phys_addr_t root, u64 va, pte_t *e);

/*
 * pt_gather_begin / pt_gather_end - a batched shootdown (Linux's TLB
 * batching in reclaim): between them, a changed user entry is flushed
 * from this CPU's TLB at once, but the other CPUs that may hold it are
 * only noted; pt_gather_end() has each of them forget every user
 * translation, one IPI per CPU for the whole batch instead of one per
 * page.  Until then another CPU may still use an old entry: nothing may
 * be freed, written out or handed over in between, and the section must
 * not sleep (the gather is this CPU's).
 */
void pt_gather_begin(void);
void pt_gather_end(void);

/* pt_unmap_kernel_range - unmap [start, end) of the kernel half of root (at most
 * KERNEL_UNMAP_MAX pages, each mapped), forget it on every CPU with one
 * shootdown, then free the frames (a kernel stack: kstack_free()). */
#define KERNEL_UNMAP_MAX 16
void pt_unmap_kernel_range(phys_addr_t root, u64 start, u64 end);

/* pt_flush - forget every cached user translation of root, on every CPU
 * that has it loaded (one reload instead of an invlpg per page). */
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
 * pt_free_user - tear down the lower (user) half: hand every non-empty
 * last-level entry to drop (NULL: drop the frame's reference) and free
 * every page-table page below the PML4. The root itself and the kernel
 * half are left alone.
 */
void pt_free_user(phys_addr_t root, pt_drop_fn drop, void *arg);

/*
 * pt_dump_fn - for pt_dump: one present entry e, at index of its table at
 * level (4 = PML4 ... 1 = PT); va is the first address it maps.
 */
typedef void (*pt_dump_fn)(int level, unsigned index, pte_t e, u64 va, void *arg);
/*
 * pt_dump - xv6's vmprint, for /proc/PID/pagetable: out() for every
 * present entry of the user half of the tables at root, depth first in
 * address order: an entry, then the entries of the table it points to.
 * Level 1 entries map 4 KiB pages; a level 3 or 2 entry with PTE_PS maps a
 * large page and has no table below.  (Lab pgtbl: docs/labs/pgtbl.md.)
 */
void pt_dump(phys_addr_t root, pt_dump_fn out, void *arg);

/* pt_count_user_tables - table pages below root in the user half (VmPTE). */
u64 pt_count_user_tables(phys_addr_t root);

#endif
