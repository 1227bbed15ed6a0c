/*
 * mm/swap_unuse_none.c - swap_unuse() until the paging side (mm/swap_state.c)
 * lands: no address space holds swap entries yet.  Deleted at that merge.
 */
#include "mm/swap.h"

int swap_unuse(unsigned type)
{
	(void)type;
	return 0; /* no address space holds swap entries yet */
}
