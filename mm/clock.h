/*
 * mm/clock.h - the clock (second-chance) page-replacement policy, pure:
 * it sees frames only through the callbacks, so the host unit tests run
 * it over a simulated frame table (tests/unit/test_clock.c) and
 * mm/vmscan.c over the real one.
 *
 * The frames are a circle with a hand.  At each frame the hand asks:
 * can it be evicted at all (a user page, not locked, not a page table)?
 * Was it used since the hand last passed (an accessed bit set in any
 * entry that maps it)?  If it was, the bits are cleared and it gets a
 * second chance; if not, it is evicted.  A page in steady use is never
 * taken; one not touched for a whole turn of the hand is.
 */
#ifndef MM_CLOCK_H
#define MM_CLOCK_H

#include <vmos/types.h>

struct clock_ops {
	/* Could frame pfn be evicted at all? */
	bool (*candidate)(u64 pfn, void *arg);
	/* Was it used since the last look?  Clears the record of it. */
	bool (*test_and_clear_young)(u64 pfn, void *arg);
	/* Evict it: 1 done, 0 not possible now (skip it), -1 stop (no swap
	 * space left, or the disk failed). */
	int (*evict)(u64 pfn, void *arg);
};

struct clock {
	u64 hand;    /* the next frame to look at */
	u64 nframes; /* the circle: frames 0 .. nframes-1 */
};

/*
 * clock_reclaim - move the hand until want frames are evicted, for at most
 * turns turns of the hand, or until evict says stop.  Returns how many
 * were evicted.  With two turns a frame used since the last look can go
 * too (the first turn clears its bit, the second takes it): what a caller
 * that must free memory asks.  With one turn no frame is both cleared and
 * taken in the same call, so the pages a faulting instruction used just
 * now (mapped young) survive the reclaim that its next fault runs.
 */
u64 clock_reclaim(struct clock *c, u64 want, unsigned turns,
		  const struct clock_ops *ops, void *arg);

#endif
