/*
 * mm/kstack.h - kernel stacks with guard pages.
 *
 * Kernel stacks live in their own area (KSTACK_AREA_BASE), in slots of
 * KSTACK_SLOT_SIZE bytes: the top KSTACK_SIZE bytes of a slot are mapped,
 * the KSTACK_GUARD_SIZE bytes below them never are.  A stack that overflows
 * runs into the guard and faults instead of silently overwriting memory;
 * the double-fault handler (on its own stack) reports it.
 */
#ifndef MM_KSTACK_H
#define MM_KSTACK_H

#include <vmos/types.h>

#define KSTACK_SIZE (16 * 1024)
#define KSTACK_GUARD_SIZE (16 * 1024)
#define KSTACK_SLOT_SIZE (KSTACK_SIZE + KSTACK_GUARD_SIZE)

struct kstack {
	u64 bottom; /* lowest mapped address */
	u64 top;    /* one past the highest: the initial stack pointer */
};

/* kstack_alloc - map a new stack: 0, or -ENOMEM. */
int kstack_alloc(struct kstack *ks);
/* kstack_free - unmap a stack and free its frames. */
void kstack_free(struct kstack *ks);
/* kstack_guard_hit - is addr inside the guard of an allocated stack? */
bool kstack_guard_hit(u64 addr);
/* kstack_in_use - stacks currently allocated. */
unsigned kstack_in_use(void);
/*
 * kstack_table_frames - the last-level page tables mapping the stack area.
 * They are made as stacks need them and kept when the stacks go (the most
 * tasks ever alive at once decides how many): a high-water mark, which
 * leak checks leave out (/proc/kmem frames_kstack_tables).
 */
unsigned kstack_table_frames(void);

#endif
