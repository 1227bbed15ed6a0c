/*
 * mm/vmscan.h - page replacement: when free frames run low, move user
 * pages nobody used lately to swap (mm/vmscan.c, the clock policy of
 * mm/clock.c).
 */
#ifndef MM_VMSCAN_H
#define MM_VMSCAN_H

#include "kernel/types.h"

/* reclaim_if_low - below the low watermark (1/32 of memory) with swap on,
 * evict pages until free frames reach twice that, in one turn of the
 * clock (pages used since its last look stay).  Called where no caller
 * holds a pointer into a page table: the start of a page fault. */
void reclaim_if_low(void);
/* reclaim_low_watermark - free frames below which reclaim starts (1/32
 * of memory); swapoff stops bringing pages back there. */
u64 reclaim_low_watermark(void);
/* reclaim_pages - evict up to want pages now; returns how many (the OOM
 * path tries this before it kills). */
u64 reclaim_pages(u64 want);

#endif
