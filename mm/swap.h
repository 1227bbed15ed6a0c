/*
 * mm/swap.h - swap areas and their slots (mm/swapfile.c).
 *
 * A swap area is a block device (or file) prepared by mkswap: page 0 is
 * the header ("SWAPSPACE2" in its last 10 bytes, version 1, last_page, a
 * list of bad pages), and every other page is a slot that can hold one
 * page of anonymous memory.  swapon(2) activates an area, swapoff(2)
 * brings its pages back into memory and deactivates it.
 *
 * A slot is named by a swap entry: the area's index (its "type", 0 ..
 * MAX_SWAPFILES-1, as in /proc/PID/pagemap) and the slot's page offset in
 * the area.  A slot has a reference count: one per page-table entry that
 * holds it (fork copies them), plus one while the swap cache keeps the
 * page in memory too (mm/swap_state.c).  The last swap_slot_free() frees
 * the slot for reuse.
 */
#ifndef MM_SWAP_H
#define MM_SWAP_H

#include <vmos/types.h>

#define MAX_SWAPFILES 8
#define SWAP_TYPE_BITS 5      /* pagemap's bits 0-4 */
#define SWAP_SLOT_MAX_REFS 250 /* swap_slot_dup() refuses more */

typedef struct {
	u64 val; /* (offset << SWAP_TYPE_BITS) | type; 0 is "no entry" */
} swp_entry_t;

static inline swp_entry_t swp_entry(unsigned type, u64 offset)
{
	return (swp_entry_t){ (offset << SWAP_TYPE_BITS) | type };
}

static inline unsigned swp_type(swp_entry_t e)
{
	return (unsigned)(e.val & ((1u << SWAP_TYPE_BITS) - 1));
}

static inline u64 swp_offset(swp_entry_t e)
{
	return e.val >> SWAP_TYPE_BITS;
}

/* swap_slot_alloc - a free slot, reference count 1, in the active area of
 * highest priority that has one; {0} when swap is off or full. */
swp_entry_t swap_slot_alloc(void);
/* swap_slot_dup - one more reference (fork copies the entry); -EINVAL if
 * e is not an allocated slot, -ENOMEM past SWAP_SLOT_MAX_REFS. */
int swap_slot_dup(swp_entry_t e);
/* swap_slot_free - drop one reference; returns the references left (the
 * slot is free at 0).  Panics on a slot that is not allocated. */
u32 swap_slot_free(swp_entry_t e);
/* swap_slot_count - the references of e (0: free or not a slot). */
u32 swap_slot_count(swp_entry_t e);

/* swap_write_page - the 4 KiB of slot e, from a kernel buffer (direct-map
 * memory: a frame).  0 or -EIO (logged).  Reads go through
 * swap_read_pages(), which the swap-in path batches. */
int swap_write_page(swp_entry_t e, const void *kbuf);
/* swap_write_pages - n (<= 32) slots from first on, in one area, from the
 * frames at pages[i]: one disk request.  0 or -EIO (logged). */
int swap_write_pages(swp_entry_t first, void *const *pages, unsigned n);
/* swap_read_pages - the same, from the disk into the frames; the CPU waits
 * (no other task runs meanwhile). */
int swap_read_pages(swp_entry_t first, void *const *pages, unsigned n);
/* swap_read_pages_io - the same, but the task may sleep, and io->done runs
 * from the disk's interrupt at the answer (drivers/blkdev.h). */
struct blk_io;
int swap_read_pages_io(swp_entry_t first, void *const *pages, unsigned n,
		       const struct blk_io *io);
int swap_write_pages_io(swp_entry_t first, void *const *pages, unsigned n,
			const struct blk_io *io);

/* Totals over the active areas, in pages (SwapTotal, SwapFree, free(1)). */
u64 swap_total_pages(void);
u64 swap_free_pages(void);

/*
 * swap_unuse - bring every page held in area type back into memory, in
 * every address space (swapoff's work, mm/swap_state.c).  0, or -ENOMEM
 * when memory ran out (the area stays active, nothing is lost).
 */
int swap_unuse(unsigned type);

#endif
