/*
 * tests/ktest/smp.c - ktest=smp: the other CPUs answer IPIs, and the TLB
 * shootdown.
 *
 * The shootdown's lesson, shown on real (emulated) TLBs: a CPU keeps a
 * translation it has used in its TLB, and only its own invlpg makes it
 * forget.  So the test maps a kernel page to frame A, has every other CPU
 * read it (each caches the translation), points the entry at frame B and
 * flushes only this CPU's TLB: the others still read A, through their
 * stale entries.  Then arch_flush_tlb_kernel_range() sends each an IPI,
 * each runs invlpg, and all of them read B.  Needs two CPUs or more
 * (QEMU -smp); with one it skips.
 */
#include "kernel/ktest.h"
#include <vmos/errno.h>
#include <vmos/printk.h>
#include "tests/ktest/ktest_util.h"
#include "mm/frame.h"
#include "mm/mm.h"
#include "mm/kstack.h"
#include "mm/pagetable.h"
#include "mm/paging.h"
#include <asm/apic.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/pgtable.h>
#include <asm/smp.h>
#include <asm/tlb.h>

#define VALUE_A 0xaaaaaaaaaaaaaaaaull
#define VALUE_B 0xbbbbbbbbbbbbbbbbull

/* What each CPU saw, filled in by it in its IPI handler. */
static struct {
	u32 cpu, apic_id;
	u64 read;
} seen[NR_CPUS];

static void who_am_i(void *unused)
{
	unsigned cpu = smp_processor_id();

	(void)unused;
	seen[cpu].cpu = cpu;
	seen[cpu].apic_id = lapic_id();
}

static void read_word(void *va)
{
	seen[smp_processor_id()].read = *(volatile u64 *)va;
}

/* Did every CPU but this one read value? */
static bool others_read(u64 value)
{
	for (unsigned cpu = 1; cpu < nr_cpus_online; cpu++)
		if (seen[cpu].read != value)
			return false;
	return true;
}

static void test_calls(void)
{
	bool each = true;

	for (unsigned cpu = 1; cpu < nr_cpus_online; cpu++) {
		seen[cpu].cpu = ~0u;
		each &= smp_call_function_single(cpu, who_am_i, NULL) == 0 &&
			seen[cpu].cpu == cpu &&
			seen[cpu].apic_id == cpu_info[cpu].apic_id;
	}
	ktest_check(each, "each of the %u other CPUs runs a function by IPI, as "
		    "itself (its number through GS, its local APIC id)",
		    nr_cpus_online - 1);
	ktest_check(smp_call_function_single(0, who_am_i, NULL) == -ENXIO &&
			    smp_call_function_single(nr_cpus_online, who_am_i, NULL) == -ENXIO,
		    "asking the running CPU or a CPU that is not online is -ENXIO");
}

static void test_shootdown(void)
{
	struct kstack ks;
	struct page *b = frames_alloc(0);
	struct tlb_counts before, after;
	pte_t *e, old;
	u64 va;

	if (!b || kstack_alloc(&ks) < 0)
		panic("ktest smp: no memory");
	va = ks.bottom; /* a kernel page with its own 4 KiB entry */
	e = pt_walk(kernel_pt_root, va, false);
	old = *e;
	*(u64 *)va = VALUE_A;
	*(u64 *)phys_to_virt(page_to_phys(b)) = VALUE_B;

	smp_call_function_others(read_word, (void *)va);
	ktest_check(others_read(VALUE_A), "the other CPUs read frame A at 0x%lx "
		    "(and keep the translation in their TLBs)", va);

	*e = (old & ~PTE_ADDR_MASK) | page_to_phys(b);
	arch_flush_tlb_page(va); /* this CPU only */
	ktest_check(*(volatile u64 *)va == VALUE_B,
		    "after the entry points at frame B and this CPU's invlpg, "
		    "this CPU reads B");
	smp_call_function_others(read_word, (void *)va);
	ktest_check(others_read(VALUE_A), "the other CPUs still read A: their "
		    "TLBs hold the old translation (no shootdown yet)");

	arch_tlb_counts(&before);
	arch_flush_tlb_kernel_range(va, va + PAGE_SIZE);
	arch_tlb_counts(&after);
	smp_call_function_others(read_word, (void *)va);
	ktest_check(others_read(VALUE_B), "after arch_flush_tlb_kernel_range() "
		    "every CPU reads B");
	ktest_check(after.remote_flush - before.remote_flush == 1 &&
			    after.remote_flush_received - before.remote_flush_received ==
				    nr_cpus_online - 1 &&
			    after.local_flush_one - before.local_flush_one == nr_cpus_online,
		    "counted as Linux's vmstat does: 1 remote flush asked, %u received, "
		    "%u single-page flushes (one per CPU)", nr_cpus_online - 1,
		    nr_cpus_online);

	*e = old;
	arch_flush_tlb_kernel_range(va, va + PAGE_SIZE);
	smp_call_function_others(read_word, (void *)va);
	ktest_check(others_read(VALUE_A), "the entry restored and shot down "
		    "again: every CPU reads A");
	kstack_free(&ks);
	frames_free(b, 0);
}

/* ---- the shootdown of a user mapping ---- */

#define SMP_TEST_VA 0x40000000ul /* in the user half of the test's mm */

static phys_addr_t test_root;

static void load_test_root(void *unused)
{
	(void)unused;
	arch_load_page_table(test_root);
}

static void load_kernel_root(void *unused)
{
	(void)unused;
	arch_load_page_table(kernel_pt_root);
}

/*
 * CPU 1 loads an address space (as it will when it runs a task of it) and
 * reads a page of its user half through its TLB; CPU 0 changes the entry.
 * Only CPU 1 has the table loaded, so only it is asked: without the
 * shootdown it reads the old frame, with it the new one.  (The page is
 * mapped for the kernel only, so that SMAP lets the IPI handler read it.)
 */
static void test_user_shootdown(void)
{
	struct mm *mm = mm_create();
	struct page *a = frames_alloc(0), *b = frames_alloc(0);
	struct tlb_counts before, after;
	pte_t *e;

	if (!mm || !a || !b || pt_map(mm->pgd, SMP_TEST_VA, page_to_phys(a), PTE_W))
		panic("ktest smp: no memory");
	test_root = mm->pgd;
	*(u64 *)phys_to_virt(page_to_phys(a)) = VALUE_A;
	*(u64 *)phys_to_virt(page_to_phys(b)) = VALUE_B;
	e = pt_walk(mm->pgd, SMP_TEST_VA, false);

	smp_call_function_single(1, load_test_root, NULL);
	smp_call_function_single(1, read_word, (void *)SMP_TEST_VA);
	ktest_check(seen[1].read == VALUE_A && percpu[1].loaded_root == mm->pgd,
		    "CPU 1 runs on another address space and reads its user page "
		    "0x%lx: frame A", SMP_TEST_VA);

	*e = (*e & ~PTE_ADDR_MASK) | page_to_phys(b); /* no flush at all */
	smp_call_function_single(1, read_word, (void *)SMP_TEST_VA);
	ktest_check(seen[1].read == VALUE_A, "the entry now says frame B, but "
		    "CPU 1 still reads A: its TLB holds the old translation");

	arch_tlb_counts(&before);
	arch_flush_tlb_user_page(mm->pgd, SMP_TEST_VA);
	arch_tlb_counts(&after);
	smp_call_function_single(1, read_word, (void *)SMP_TEST_VA);
	ktest_check(seen[1].read == VALUE_B &&
			    after.remote_flush - before.remote_flush == 1 &&
			    after.remote_flush_received - before.remote_flush_received == 1,
		    "arch_flush_tlb_user_page() asks exactly the one CPU that has "
		    "the table loaded (1 IPI): it reads B");

	pt_replace(mm->pgd, SMP_TEST_VA, e, page_to_phys(a), PTE_W);
	smp_call_function_single(1, read_word, (void *)SMP_TEST_VA);
	ktest_check(seen[1].read == VALUE_A, "pt_replace() on CPU 0 shoots the "
		    "change down to CPU 1 by itself: it reads A again");

	smp_call_function_single(1, load_kernel_root, NULL);
	arch_tlb_counts(&before);
	pt_replace(mm->pgd, SMP_TEST_VA, e, page_to_phys(b), PTE_W);
	arch_tlb_counts(&after);
	ktest_check(after.remote_flush == before.remote_flush,
		    "once CPU 1 has loaded another table, changing this one asks "
		    "no CPU (its CR3 write forgot the old translations)");

	pt_unmap(mm->pgd, SMP_TEST_VA, false);
	frames_free(a, 0);
	frames_free(b, 0);
	mm_put(mm);
}

static void ktest_smp(void)
{
	if (nr_cpus_online < 2) {
		ktest_skip("one CPU: boot with QEMU -smp 2 or more");
		return;
	}
	test_calls();
	test_shootdown();
	test_user_shootdown();
}

KTEST(ktest_smp, "smp", "IPIs to the other CPUs and the TLB shootdown", true);
