/*
 * mm/clock.c - the clock page-replacement policy (see clock.h).
 */
#include "mm/clock.h"

u64 clock_reclaim(struct clock *c, u64 want, unsigned turns,
		  const struct clock_ops *ops, void *arg)
{
	u64 evicted = 0;

	/* LAB swap BEGIN */
	for (u64 looked = 0; evicted < want && looked < turns * c->nframes; looked++) {
		u64 pfn = c->hand;
		int r;

		c->hand = c->hand + 1 < c->nframes ? c->hand + 1 : 0;
		if (!ops->candidate(pfn, arg) || ops->test_and_clear_young(pfn, arg))
			continue;
		r = ops->evict(pfn, arg);
		if (r < 0)
			break;
		evicted += (u64)r;
	}
	/* LAB swap STUB
	// the stub chooses no victim: reclaim fails, the OOM killer acts
	   LAB swap END */
	return evicted;
}
