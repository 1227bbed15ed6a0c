/*
 * tests/unit/include/asm/tlb.h - the host unit tests' MMU hooks.
 *
 * There is no MMU: the hooks count the flushes and keep a "current root"
 * (CR3) that tests set, so a test can check that changing the active
 * address space flushes the TLB and changing another one does not.
 */
#ifndef ASM_TLB_H
#define ASM_TLB_H

#include <vmos/types.h>

extern phys_addr_t host_current_root; /* what CR3 would hold; 0: none */
extern u64 host_tlb_page_flushes;     /* arch_flush_tlb_page() calls */
extern u64 host_tlb_all_flushes;      /* arch_flush_tlb_all() + loads */
extern u64 host_tlb_last_va;          /* va of the last page flush */

static inline void arch_flush_tlb_page(u64 va)
{
	host_tlb_page_flushes++;
	host_tlb_last_va = va;
}

static inline void arch_flush_tlb_all(void)
{
	host_tlb_all_flushes++;
}

static inline void arch_load_page_table(phys_addr_t root)
{
	host_current_root = root;
	host_tlb_all_flushes++;
}

static inline phys_addr_t arch_current_page_table(void)
{
	return host_current_root;
}

/* One CPU on the host: no other CPU holds a translation. */
static inline u64 arch_tlb_other_cpus(phys_addr_t root)
{
	(void)root;
	return 0;
}

static inline void arch_shootdown_cpus(u64 mask)
{
	(void)mask;
}

/* One CPU on the host: a kernel page is flushed here only. */
static inline void arch_flush_tlb_kernel_range(u64 start, u64 end)
{
	for (u64 va = start; va < end; va += 4096)
		arch_flush_tlb_page(va);
}

/* One CPU on the host: a flush where root is the current one. */
static inline void arch_flush_tlb_user_page(phys_addr_t root, u64 va)
{
	if (root == host_current_root)
		arch_flush_tlb_page(va);
}

static inline void arch_flush_tlb_user_all(phys_addr_t root)
{
	if (root == host_current_root)
		arch_flush_tlb_all();
}

#endif
