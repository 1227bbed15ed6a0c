/*
 * mm/vmscan.h - page replacement: when free frames run low, move user
 * pages nobody used lately to swap (mm/vmscan.c, the clock policy of
 * mm/clock.c).
 */
#ifndef MM_VMSCAN_H
#define MM_VMSCAN_H

#include <vmos/types.h>
#include "mm/frame.h"

/* The watermarks in free frames (see mm/vmscan.c): below min a fault
 * reclaims itself, below low it wakes kswapd, which stops at high. */
struct watermarks {
	u64 min, low, high;
};
void reclaim_watermarks(struct watermarks *w);

/* reclaim_init - compute the watermarks from the memory the frame
 * allocator manages (fixed once mm_init() has added it all). */
void reclaim_init(void);
void reclaim_when_low(void);
extern u64 reclaim_low_mark; /* the low watermark, from reclaim_init() */

/* reclaim_if_low - below the low watermark, wake kswapd; below min (1/32
 * of memory) with swap on, evict pages now until free frames are 32
 * above min, in one turn of the clock (pages used since its last look stay).
 * Called where no caller holds a pointer into a page table: the start of
 * a page fault, so the test that is nearly always false is inline. */
static inline void reclaim_if_low(void)
{
	if (frames_free_count() < reclaim_low_mark)
		reclaim_when_low();
}
/* reclaim_low_watermark - free frames below which a fault reclaims (min,
 * 1/32 of memory); swapoff stops bringing pages back there. */
u64 reclaim_low_watermark(void);
/* kswapd_init - start kswapd0, the kernel thread that reclaims in the
 * background between the low and high watermarks. */
void kswapd_init(void);

/* /proc/vmstat's reclaim counters (Linux's names): pages looked at and
 * evicted by kswapd and by faults (direct reclaim, and the OOM path's),
 * kswapd's balancing runs (pageoutrun), direct reclaims (allocstall). */
extern u64 pgscan_kswapd, pgsteal_kswapd, pgscan_direct, pgsteal_direct;
extern u64 pageoutrun, allocstall;
/* reclaim_lock / reclaim_unlock - keep page replacement out (swapoff: no
 * eviction may be half done, its pages queued for the area going away). */
void reclaim_lock(void);
void reclaim_unlock(void);
/* reclaim_pages - evict up to want pages now; returns how many (the OOM
 * path tries this before it kills). */
u64 reclaim_pages(u64 want);

#endif
