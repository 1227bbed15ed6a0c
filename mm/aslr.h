/*
 * mm/aslr.h - address-space layout randomization: where exec puts the
 * stack, the mmap area, a position-independent program and the heap.
 *
 * The amounts are Linux's on x86-64: the stack top moves down by up to
 * 2^22 pages (16 GiB), the mmap base by up to 2^28 pages (1 TiB), a PIE by
 * up to 2^28 pages above 0x555555554000, the heap start by up to 32 MiB.
 * "norandmaps" on the command line turns it off for the whole system,
 * personality(ADDR_NO_RANDOMIZE) for one process and what it execs.
 */
#ifndef MM_ASLR_H
#define MM_ASLR_H

#include <vmos/types.h>

#define ADDR_NO_RANDOMIZE 0x0040000 /* personality flag */
#define PER_LINUX 0x0000

#define STACK_RND_BITS 22
#define MMAP_RND_BITS 28
#define BRK_RND_RANGE (32ul << 20)

/* aslr_set_enabled - the system-wide switch (kernel command line). */
void aslr_set_enabled(bool on);
/* aslr_randomizes - is the layout randomized for this personality? */
bool aslr_randomizes(u32 personality);
/* aslr_random_pages - a random multiple of PAGE_SIZE below 2^bits pages,
 * or 0 when randomization is off for a process with this personality. */
u64 aslr_random_pages(unsigned bits, u32 personality);
/* aslr_random_below - a random page-aligned offset below range, or 0. */
u64 aslr_random_below(u64 range, u32 personality);

#endif
