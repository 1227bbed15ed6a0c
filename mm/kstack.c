/*
 * mm/kstack.c - allocating guarded kernel stacks (see kstack.h).
 */
#include "mm/kstack.h"
#include "mm/frame.h"
#include "mm/paging.h"
#include "mm/pagetable.h"
#include <vmos/errno.h>
#include <vmos/printk.h>
#include <asm/page_types.h>

#define KSTACK_SLOTS (KSTACK_AREA_SIZE / KSTACK_SLOT_SIZE)

static u64 slot_used[KSTACK_SLOTS / 64]; /* one bit per slot */
static unsigned nr_in_use;
static unsigned slots_high; /* one past the highest slot ever used */

static u64 slot_base(unsigned slot)
{
	return KSTACK_AREA_BASE + (u64)slot * KSTACK_SLOT_SIZE;
}

static bool slot_is_used(unsigned slot)
{
	return slot_used[slot / 64] & (1ull << (slot % 64));
}

static void slot_set(unsigned slot, bool used)
{
	if (used)
		slot_used[slot / 64] |= 1ull << (slot % 64);
	else
		slot_used[slot / 64] &= ~(1ull << (slot % 64));
}

int kstack_alloc(struct kstack *ks)
{
	unsigned slot = 0;
	u64 va;

	while (slot < KSTACK_SLOTS && slot_is_used(slot))
		slot++;
	if (slot == KSTACK_SLOTS)
		return -ENOMEM;
	ks->bottom = slot_base(slot) + KSTACK_GUARD_SIZE;
	ks->top = ks->bottom + KSTACK_SIZE;
	for (va = ks->bottom; va < ks->top; va += PAGE_SIZE) {
		phys_addr_t pa = frame_alloc();

		if (!pa || pt_map(kernel_pt_root, va, pa,
				  PTE_W | PTE_NX | PTE_G) < 0) {
			if (pa)
				frame_free(pa);
			/* Undo the pages mapped so far. */
			for (u64 v = ks->bottom; v < va; v += PAGE_SIZE)
				pt_unmap(kernel_pt_root, v, true);
			return -ENOMEM;
		}
	}
	slot_set(slot, true);
	nr_in_use++;
	slots_high = MAX(slots_high, slot + 1);
	return 0;
}

void kstack_free(struct kstack *ks)
{
	unsigned slot = (ks->bottom - KSTACK_GUARD_SIZE - KSTACK_AREA_BASE) /
			KSTACK_SLOT_SIZE;

	if (ks->bottom < KSTACK_AREA_BASE || slot >= KSTACK_SLOTS ||
	    !slot_is_used(slot))
		panic("kstack_free: 0x%lx is not an allocated kernel stack",
		      ks->bottom);
	pt_unmap_kernel_range(kernel_pt_root, ks->bottom, ks->top);
	slot_set(slot, false);
	nr_in_use--;
}

bool kstack_guard_hit(u64 addr)
{
	u64 off, slot;

	if (addr < KSTACK_AREA_BASE || addr >= KSTACK_AREA_BASE + KSTACK_AREA_SIZE)
		return false;
	off = addr - KSTACK_AREA_BASE;
	slot = off / KSTACK_SLOT_SIZE;
	return slot_is_used((unsigned)slot) &&
	       off % KSTACK_SLOT_SIZE < KSTACK_GUARD_SIZE;
}

unsigned kstack_in_use(void)
{
	return nr_in_use;
}

unsigned kstack_table_frames(void)
{
	u64 end = slot_base(slots_high), step = pt_level_size(2);
	unsigned n = 0;

	for (u64 va = KSTACK_AREA_BASE; va < end; va += step)
		n += pt_walk(kernel_pt_root, va, false) != NULL;
	return n;
}
