/*
 * tests/ktest/pagetable.c - ktest=pagetable: build a second address space
 * with the mm/pagetable.c API, run on it, and tear it down.
 */
#include "kernel/catch.h"
#include "kernel/ktest.h"
#include <vmos/string.h>
#include "mm/frame.h"
#include "mm/paging.h"
#include "mm/pagetable.h"
#include <asm/page.h>
#include <asm/tlb.h>

#define TEST_VA_LOW 0x400000ul
#define TEST_VA_HIGH (USER_SPACE_END - 2 * PAGE_SIZE) /* top of the user half */

/* A new root sharing the kernel half (PML4 entries 256..511). */
static phys_addr_t new_address_space(void)
{
	phys_addr_t root = pt_alloc_table();
	pte_t *dst = phys_to_virt(root), *src = phys_to_virt(kernel_pt_root);

	for (unsigned i = PT_ENTRIES / 2; i < PT_ENTRIES; i++)
		dst[i] = src[i];
	return root;
}

static void write_u64(void *va)
{
	*(volatile u64 *)va = 0x1234;
}

static void read_u64(void *va)
{
	(void)*(volatile u64 *)va;
}

static void ktest_pagetable(void)
{
	u64 free0 = frames_free_count();
	phys_addr_t root = new_address_space();
	phys_addr_t f1 = frame_alloc(), f2 = frame_alloc(), pa;
	pte_t flags;
	struct catcher c;

	*(u64 *)phys_to_virt(f1) = 0x1111;
	*(u64 *)phys_to_virt(f2) = 0x2222;
	/* Supervisor pages (no PTE_U): with SMAP on, the kernel may not touch
	 * user pages outside the user-copy functions. */
	ktest_check(pt_map(root, TEST_VA_LOW, f1, PTE_W | PTE_NX) == 0 &&
			    pt_map(root, TEST_VA_HIGH, f2, PTE_W | PTE_NX) == 0,
		    "map two pages at 0x%lx and 0x%lx", TEST_VA_LOW, TEST_VA_HIGH);
	ktest_check(pt_translate(root, TEST_VA_LOW + 8, &pa, &flags) &&
			    pa == f1 + 8 && (flags & PTE_W),
		    "translate finds frame+offset and the flags");
	/* 0x400000 is in PML4 slot 0 and the top page in slot 255: each
	 * needs its own PDPT, PD and PT. */
	KTEST_EQ(pt_count_user_tables(root), 6,
		 "the walk allocated 3 tables per address (PDPT, PD, PT)");

	arch_load_page_table(root);
	ktest_check(*(volatile u64 *)TEST_VA_LOW == 0x1111 &&
			    *(volatile u64 *)TEST_VA_HIGH == 0x2222,
		    "after switching CR3, the virtual addresses read the frames");
	*(volatile u64 *)TEST_VA_LOW = 0xabcd;
	ktest_check(*(u64 *)phys_to_virt(f1) == 0xabcd,
		    "a write through the mapping lands in the frame");

	pt_protect(root, TEST_VA_LOW, PTE_NX);
	ktest_catch(&c, write_u64, (void *)TEST_VA_LOW);
	ktest_check(c.caught == CAUGHT_TRAP && c.fault.present &&
			    c.fault.access == FAULT_WRITE && c.fault.addr == TEST_VA_LOW,
		    "after pt_protect(read-only), a write faults (present, write)");
	ktest_check(pt_unmap(root, TEST_VA_HIGH, true),
		    "unmap (freeing the frame) reports a page was mapped");
	ktest_catch(&c, read_u64, (void *)TEST_VA_HIGH);
	ktest_check(c.caught == CAUGHT_TRAP && !c.fault.present &&
			    c.fault.addr == TEST_VA_HIGH,
		    "after pt_unmap, a read faults (not present): the TLB was flushed");
	arch_load_page_table(kernel_pt_root);

	ktest_check(!pt_unmap(root, TEST_VA_HIGH, true),
		    "unmapping twice reports nothing mapped");
	pt_free_user(root, NULL, NULL);
	frame_free(root);
	KTEST_EQ(frames_free_count(), free0,
		 "pt_free_user returns every table page and mapped frame");
}

KTEST(ktest_pagetable, "pagetable",
      "build, use and free a second address space", true);
