/*
 * mm/aslr.c - random offsets for the address-space layout (see aslr.h).
 */
#include "mm/aslr.h"
#include "kernel/random.h"
#include <asm/page_types.h>

static bool aslr_enabled = true;

void aslr_set_enabled(bool on)
{
	aslr_enabled = on;
}

bool aslr_randomizes(u32 personality)
{
	return aslr_enabled && !(personality & ADDR_NO_RANDOMIZE);
}

u64 aslr_random_pages(unsigned bits, u32 personality)
{
	if (!aslr_randomizes(personality))
		return 0;
	return (random_u64() & ((1ull << bits) - 1)) << PAGE_SHIFT;
}

u64 aslr_random_below(u64 range, u32 personality)
{
	if (!aslr_randomizes(personality) || range < PAGE_SIZE)
		return 0;
	return (random_u64() % (range >> PAGE_SHIFT)) << PAGE_SHIFT;
}
