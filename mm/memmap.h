/*
 * mm/memmap.h - a set of physical address ranges: the boot-time picture of
 * free RAM and the early allocator that runs before the frame allocator.
 *
 * The loader's memory map can list entries unsorted, overlapping or with
 * holes; memmap_add() keeps the set sorted and merged, and memmap_remove()
 * carves reserved ranges (the kernel image, the multiboot data, the first
 * MiB) out of it.  What is left at the end is handed to the frame allocator.
 * Pure logic: unit-tested on the host (tests/unit/test_memmap.c).
 */
#ifndef MM_MEMMAP_H
#define MM_MEMMAP_H

#include <vmos/types.h>

#define MEMMAP_MAX_RANGES 128

struct mem_range {
	phys_addr_t start; /* inclusive */
	phys_addr_t end;   /* exclusive */
};

struct memmap {
	struct mem_range r[MEMMAP_MAX_RANGES];
	unsigned n;
};

void memmap_init(struct memmap *m);
/* Add [start, end): 0 or -1 when the table is full. Empty ranges are ignored. */
int memmap_add(struct memmap *m, phys_addr_t start, phys_addr_t end);
/* Remove [start, end) from the set: 0 or -1 when a split needs a full table. */
int memmap_remove(struct memmap *m, phys_addr_t start, phys_addr_t end);
/* Total bytes in the set. */
u64 memmap_total(const struct memmap *m);
/* Trim every range to whole pages (start rounded up, end down). */
void memmap_page_align(struct memmap *m);
/*
 * memmap_alloc - take size bytes aligned to align, wholly below limit, from
 * the lowest range that fits. Returns the address, or 0 if nothing fits
 * (address 0 is never in the set once the first MiB is removed).
 */
phys_addr_t memmap_alloc(struct memmap *m, u64 size, u64 align,
			 phys_addr_t limit);

#endif
