/*
 * tests/ktest/poison.c - ktest=poison: uses after free on purpose, and the
 * checked kernel's reports of them (mm/poison.c).  Not in ktest=all: its
 * reports would fail every log they appear in.  The harness runs it on
 * the checked kernel (check/ktest-poison) and also reads the reports.
 */
#include "kernel/ktest.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/poison.h"
#include <asm/page.h>

#ifdef CONFIG_POISON
#define UAF_OFFSET 20    /* where the stale pointer writes */
#define MAX_TRIES 64     /* frames allocated to find a pair of buddies */

/* Is every byte of [p + from, p + to) the poison? */
static bool all_poison(const u8 *p, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (p[i] != POISON_FREE)
			return false;
	return true;
}

/* A write through a stale pointer to a freed kmalloc object, found when
 * the object is handed out again. */
static void kmalloc_use_after_free(void)
{
	void *keep = kmalloc(64); /* keeps the slab from being freed */
	volatile u8 *stale = kmalloc(64);
	unsigned before = poison_report_count();
	void *again;

	kfree((void *)stale);
	ktest_check(all_poison((const u8 *)stale, sizeof(void *), 64),
		    "a freed 64-byte object is poison after its free-list link");
	stale[UAF_OFFSET] = 0x11; /* the use after free */
	ktest_check(poison_report_count() == before,
		    "the write itself goes unnoticed");
	again = kmalloc(64);
	ktest_check(again == (void *)stale,
		    "kmalloc hands the same object out again");
	ktest_check(poison_report_count() == before + 1,
		    "... and reports the write to the freed object (%u reports)",
		    poison_report_count() - before);
	kfree(again);
	again = kmalloc(64);
	ktest_check(poison_report_count() == before + 1,
		    "an object freed and reused correctly is not reported");
	kfree(again);
	kfree(keep);
}

/* A write to a freed frame, found when the frame is allocated again.  An
 * order-0 frame whose buddy is still allocated stays on the order-0 free
 * list, at its head: the next frames_alloc(0) returns it. */
static void frame_use_after_free(void)
{
	struct page *held[MAX_TRIES], *victim = NULL, *again;
	unsigned n = 0, before;
	volatile u8 *stale;

	for (; n < MAX_TRIES && !victim; n++) {
		held[n] = frames_alloc(0);
		for (unsigned i = 0; held[n] && i < n && !victim; i++)
			if ((page_to_pfn(held[i]) ^ 1) == page_to_pfn(held[n]))
				victim = held[n];
	}
	if (!ktest_check(victim != NULL, "found a frame whose buddy is allocated"))
		goto out;
	n--; /* victim is held[n]: freed below, reallocated as again */
	stale = phys_to_virt(page_to_phys(victim));
	frames_free(victim, 0);
	ktest_check(all_poison((const u8 *)stale, 0, PAGE_SIZE),
		    "a freed frame is poison, all 4096 bytes");
	before = poison_report_count();
	stale[100] = 0x22; /* the use after free */
	again = frames_alloc(0);
	ktest_check(again == victim, "frames_alloc hands the same frame out again");
	ktest_check(poison_report_count() == before + 1,
		    "... and reports the write to the freed frame (%u reports)",
		    poison_report_count() - before);
	if (again)
		frames_free(again, 0);
out:
	for (unsigned i = 0; i < n; i++)
		if (held[i])
			frames_free(held[i], 0);
}

static void ktest_poison(void)
{
	kmalloc_use_after_free();
	frame_use_after_free();
}
#else
static void ktest_poison(void)
{
	ktest_skip("this kernel does not poison free memory (the checked "
		   "kernel, build/kernel-check.elf, does)");
}
#endif

KTEST(ktest_poison, "poison",
      "use after free on purpose: the checked kernel reports it", false);
