/*
 * tests/ktest/nx.c - ktest=nx: the kernel's own memory protections.
 *
 * Each check does something the page tables forbid and expects the page
 * fault, decoded: kernel text is read-only (CR0.WP makes that bind the
 * kernel too), rodata read-only, and data, stack and the direct map are
 * never executable (NX).  With SMEP/SMAP the kernel can neither execute
 * nor touch user pages.
 */
#include "kernel/catch.h"
#include "kernel/ktest.h"
#include "tests/ktest/ktest_util.h"
#include <vmos/string.h>
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/paging.h"
#include "mm/pagetable.h"
#include <asm/arch.h>
#include <asm/fault.h>
#include <asm/page.h>
#include <asm/tlb.h>

static const u64 some_rodata = 42;
static u8 data_code[16] = { X86_RET };

static void call_code(void *code)
{
	((void (*)(void))code)();
}

static void write_byte(void *p)
{
	*(volatile u8 *)p = X86_RET;
}

static void read_byte(void *p)
{
	(void)*(volatile u8 *)p;
}

static void call_stack_code(void *unused)
{
	u8 code[16];

	(void)unused;
	code[0] = X86_RET;
	asm volatile("" : : "r"(code) : "memory");
	call_code(code);
}

/* Expect a page fault with this access on a present page at addr. */
static void expect_fault(void (*fn)(void *), void *arg, enum fault_access access,
			 const char *what)
{
	struct catcher c;

	ktest_catch(&c, fn, arg);
	ktest_check(c.caught == CAUGHT_TRAP && c.vector == 14 && c.fault.present &&
			    c.fault.access == access && !c.fault.user,
		    "%s faults (%s, protection violation)", what,
		    access == FAULT_EXEC ? "fetch" : "write");
	if (c.caught == CAUGHT_TRAP)
		ktest_diag("  fault at 0x%lx, explained: %s", c.fault.addr,
			   fault_explain(&c.fault) ? fault_explain(&c.fault) : "-");
}

static void test_kernel_image(void)
{
	expect_fault(write_byte, (void *)call_code, FAULT_WRITE,
		     "writing kernel text");
	expect_fault(write_byte, (void *)&some_rodata, FAULT_WRITE,
		     "writing kernel rodata");
	expect_fault(call_code, data_code, FAULT_EXEC, "executing kernel data");
	expect_fault(call_stack_code, NULL, FAULT_EXEC, "executing the kernel stack");
	ktest_check(*(volatile u8 *)(void *)call_code != 0 && some_rodata == 42,
		    "reading text and rodata works");
}

static void test_direct_map(void)
{
	u8 *page = kmalloc(PAGE_SIZE);

	page[0] = X86_RET;
	expect_fault(call_code, page, FAULT_EXEC, "executing the direct map");
	kfree(page);
}

/* SMEP and SMAP: a user page (PTE_U) in a scratch address space. */
static void test_user_pages(void)
{
	phys_addr_t root = user_space_enter();

	if (cpu_features.smep)
		expect_fault(call_code, (void *)USER_TEST_VA, FAULT_EXEC,
			     "executing a user page (SMEP)");
	else
		ktest_skip("SMEP: this CPU does not have it (try -cpu max)");
	if (cpu_features.smap) {
		struct catcher c;

		ktest_catch(&c, read_byte, (void *)USER_TEST_VA);
		ktest_check(c.caught == CAUGHT_TRAP && c.fault.present &&
				    c.fault.access == FAULT_READ,
			    "reading a user page from the kernel faults (SMAP)");
	} else {
		ktest_skip("SMAP: this CPU does not have it (try -cpu max)");
	}
	user_space_leave(root);
}

static void ktest_nx(void)
{
	ktest_check(cpu_features.nx, "the CPU has NX and EFER.NXE is on");
	test_kernel_image();
	test_direct_map();
	test_user_pages();
}

KTEST(ktest_nx, "nx",
      "W^X in the kernel: NX, CR0.WP, SMEP, SMAP", true);
