/*
 * mm/poison.h - poisoned free memory, in the checked kernel (CONFIG_POISON;
 * see docs/robustness.md, "The checked kernel").
 *
 * Freed frames (mm/frame.c) and freed kmalloc objects (mm/kmalloc.c) are
 * filled with POISON_FREE.  Nothing may write to memory nobody owns, so
 * when the memory is handed out again every byte must still be
 * POISON_FREE; one that is not was written after the memory was freed (a
 * use after free: a stale pointer, a reference dropped too early).  The
 * allocator reports it,
 *
 *	POISON: use after free: frame 0x2a000 (4096 bytes) was written after
 *	        it was freed: byte +0x64 is 0x11, not 0x6b
 *	POISON:   +0x060: 6b 6b 6b 6b 11 6b ...
 *
 * and hands the memory out anyway: the kernel goes on, and the test
 * harness fails any test whose log has "POISON:".  A new owner also finds
 * 0x6b bytes, not zeroes, in memory it did not initialise.
 */
#ifndef MM_POISON_H
#define MM_POISON_H

#include <vmos/types.h>

#define POISON_FREE 0x6b /* Linux's byte for freed objects: 'k' */

#ifdef CONFIG_POISON
/* poison_fill - fill [p, p + size) with POISON_FREE. */
void poison_fill(void *p, size_t size);
/*
 * poison_check - are bytes skip .. size-1 of the free object at p still
 * POISON_FREE?  If not, report the first that is not, naming the object
 * as what and addr ("frame" and its physical address, "kmalloc
 * object" and p).  Returns true if the poison is intact.
 */
bool poison_check(const void *p, size_t skip, size_t size, const char *what,
		  u64 addr);
/* poison_report_count - use-after-free reports since boot. */
unsigned poison_report_count(void);
#define POISON_ENABLED true
#else /* the normal kernel: nothing to fill or check */
static inline void poison_fill(void *p, size_t size)
{
}

static inline bool poison_check(const void *p, size_t skip, size_t size,
				const char *what, u64 addr)
{
	return true;
}
#define POISON_ENABLED false
#endif

#endif
