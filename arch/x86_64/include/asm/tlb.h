/*
 * asm/tlb.h - the hooks generic memory code uses to talk to the MMU.
 * mm/ never writes CR3 or executes invlpg itself: it calls these.
 */
#ifndef ASM_TLB_H
#define ASM_TLB_H

#include <asm/cpu.h>

/* arch_flush_tlb_page - forget any cached translation of va on this CPU. */
static inline void arch_flush_tlb_page(u64 va)
{
	invlpg(va);
}

/* arch_flush_tlb_all - forget all non-global translations (reload CR3). */
static inline void arch_flush_tlb_all(void)
{
	write_cr3(read_cr3());
}

/* arch_load_page_table - switch to the address space rooted at root. */
static inline void arch_load_page_table(phys_addr_t root)
{
	write_cr3(root);
}

/* arch_current_page_table - physical address of the active PML4. */
static inline phys_addr_t arch_current_page_table(void)
{
	return read_cr3() & ~0xfffull;
}

#endif
