/*
 * tests/ktest/boot.c - ktest=boot: the state a booted kernel must be in.
 */
#include "kernel/ktest.h"
#include "kernel/stackprotector.h"
#include "mm/frame.h"
#include "mm/kstack.h"
#include "mm/paging.h"
#include "mm/pagetable.h"
#include <asm/arch.h>
#include <asm/page_types.h>
#include <asm/tlb.h>

static void ktest_boot(void)
{
	u64 t0 = arch_ticks();

	ktest_check(arch_current_page_table() == kernel_pt_root,
		    "the kernel runs on its own page table (CR3 = kernel_pt_root)");
	ktest_check(frames_free_count() > 0 &&
			    frames_free_count() <= frames_managed_count(),
		    "free frames (%lu) are between 1 and managed (%lu)",
		    frames_free_count(), frames_managed_count());
	ktest_check(!pt_translate(kernel_pt_root, 0x400000, NULL, NULL) &&
			    !pt_translate(kernel_pt_root, 0, NULL, NULL),
		    "the user half is empty in the kernel's page table");
	while (arch_ticks() < t0 + 3)
		arch_idle();
	ktest_check(arch_ticks() >= t0 + 3, "the timer ticks (%lu ticks)",
		    arch_ticks());
	ktest_check(arch_clock_ns() > 0, "the clock runs (%lu ns since boot)",
		    arch_clock_ns());
	ktest_check(__stack_chk_guard != STACK_CANARY_BOOT &&
			    (__stack_chk_guard >> 8) != 0 &&
			    (__stack_chk_guard & 0xff) == 0,
		    "the stack canary is random, with a zero low byte");
}

KTEST(ktest_boot, "boot",
      "the kernel booted and its basic invariants hold", true);
