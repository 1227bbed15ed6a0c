/*
 * tests/ktest/ktest_util.h - small helpers shared by the self-tests.
 */
#ifndef KTEST_UTIL_H
#define KTEST_UTIL_H

#include <vmos/types.h>
#include <vmos/string.h>
#include "mm/frame.h"
#include "mm/paging.h"
#include "mm/pagetable.h"
#include <asm/arch.h>
#include <asm/page.h>
#include <asm/tlb.h>

#define X86_RET 0xC3
#define USER_TEST_VA 0x600000ul /* the user page of a scratch address space */

/* strstr_simple - does haystack contain needle? */
static inline bool strstr_simple(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack; haystack++)
		if (!strncmp(haystack, needle, n))
			return true;
	return false;
}

/*
 * user_space_enter - switch to a scratch address space: the kernel's half,
 * plus one writable user page (PTE_U) at USER_TEST_VA holding a `ret`.
 * Returns its root; user_space_leave(root) switches back and frees it.
 */
static inline phys_addr_t user_space_enter(void)
{
	phys_addr_t root = pt_alloc_table(), frame = frame_alloc();
	pte_t *dst = phys_to_virt(root), *src = phys_to_virt(kernel_pt_root);

	for (unsigned i = PT_ENTRIES / 2; i < PT_ENTRIES; i++)
		dst[i] = src[i];
	*(u8 *)phys_to_virt(frame) = X86_RET;
	pt_map(root, USER_TEST_VA, frame, PTE_U | PTE_W);
	arch_load_page_table(root);
	return root;
}

static inline void user_space_leave(phys_addr_t root)
{
	arch_load_page_table(kernel_pt_root);
	pt_free_user(root, NULL, NULL);
	frame_free(root);
}

#endif
