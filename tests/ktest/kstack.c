/*
 * tests/ktest/kstack.c - ktest=kstack: kernel stacks and their guard pages.
 */
#include "kernel/catch.h"
#include "kernel/ktest.h"
#include <asm/fault.h>
#include "mm/kstack.h"
#include "mm/paging.h"
#include "mm/pagetable.h"
#include <asm/arch.h>
#include <asm/page_types.h>

static void touch(void *va)
{
	*(volatile u8 *)va = 1;
}

static void ktest_kstack(void)
{
	struct kstack ks;
	struct catcher c;
	u64 sp = arch_current_stack_pointer();
	unsigned in_use = kstack_in_use();
	bool guard_unmapped = true;

	ktest_check(sp >= KSTACK_AREA_BASE && sp < KSTACK_AREA_BASE + KSTACK_AREA_SIZE,
		    "the kernel runs on a stack in the stack area (rsp 0x%lx)", sp);
	int err = kstack_alloc(&ks);

	ktest_check(err == 0, "allocate a stack [0x%lx-0x%lx)", ks.bottom, ks.top);
	for (u64 va = ks.bottom - KSTACK_GUARD_SIZE; va < ks.bottom; va += PAGE_SIZE)
		guard_unmapped &= !pt_translate(kernel_pt_root, va, NULL, NULL);
	ktest_check(guard_unmapped, "the %d KiB below it are unmapped",
		    KSTACK_GUARD_SIZE / 1024);
	ktest_check(kstack_guard_hit(ks.bottom - 1) && !kstack_guard_hit(ks.bottom),
		    "kstack_guard_hit knows the guard from the stack");
	touch((void *)(ks.top - 8));
	ktest_catch(&c, touch, (void *)(ks.bottom - 8));
	ktest_check(c.caught == CAUGHT_TRAP && !c.fault.present &&
			    c.fault.access == FAULT_WRITE,
		    "a write just below the stack faults (not present)");
	ktest_check(fault_explain(&c.fault) &&
			    fault_explain(&c.fault)[0] == 'k',
		    "and is explained: %s", fault_explain(&c.fault));
	kstack_free(&ks);
	KTEST_EQ(kstack_in_use(), in_use, "freeing returns the slot");
}

KTEST(ktest_kstack, "kstack",
      "kernel stacks and their guard pages", true);
