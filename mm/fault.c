/*
 * mm/fault.c - the page-fault handler: decides what a fault means.
 *
 * Today only the kernel runs, and every kernel-mode fault is a bug; this is
 * the function later issues extend with demand paging (do_anonymous_page,
 * do_fault, do_wp_page, expand_stack) for user address spaces.
 */
#include "mm/fault.h"
#include "mm/kstack.h"
#include "mm/pagetable.h"
#include "lib/format.h"
#include <asm/page_types.h>
#include <asm/pgtable.h>
#include <asm/tlb.h>

#define NULL_GUARD_END 4096 /* accesses below this: a NULL pointer, surely */

enum fault_result handle_mm_fault(const struct fault *f)
{
	if (!f->user)
		return FAULT_KERNEL_BUG;
	return FAULT_SIGSEGV_MAPERR; /* no user address spaces yet */
}

static const char *access_word(enum fault_access a)
{
	switch (a) {
	case FAULT_WRITE:
		return "write to";
	case FAULT_EXEC:
		return "instruction fetch from";
	default:
		return "read from";
	}
}

char *fault_describe(const struct fault *f, char *buf, size_t size)
{
	ksnprintf(buf, size, "%s %s page (%s)%s", access_word(f->access),
		  f->present ? "present (protection violation)" : "not-present",
		  f->user ? "user" : "supervisor",
		  f->reserved_bit ? ", reserved bit set in a page-table entry"
				  : "");
	return buf;
}

/* Is addr mapped as a user page (PTE_U) in the active address space? */
static bool is_user_page(u64 addr)
{
	pte_t flags;

	return pt_translate(arch_current_page_table(), addr, NULL, &flags) &&
	       (flags & PTE_U);
}

const char *fault_explain(const struct fault *f)
{
	if (f->addr < NULL_GUARD_END)
		return "possibly a NULL pointer dereference";
	if (!va_is_canonical(f->addr))
		return "non-canonical address";
	if (kstack_guard_hit(f->addr))
		return "kernel stack guard page: the stack overflowed";
	if (f->user && f->addr >= KERNEL_SPACE_START)
		return "user access to the kernel half";
	if (!f->user && f->present && is_user_page(f->addr))
		return f->access == FAULT_EXEC
			       ? "the kernel executed a user page (SMEP forbids it)"
			       : "the kernel touched a user page outside the "
				 "user-copy functions (SMAP forbids it)";
	if (f->access == FAULT_EXEC && f->present)
		return "execution of a non-executable (NX) page";
	if (f->access == FAULT_WRITE && f->present)
		return "write to a read-only page";
	return NULL;
}
