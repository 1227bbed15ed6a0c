/*
 * asm/tlb.h - the hooks generic memory code uses to talk to the MMU.
 * mm/ never writes CR3 or executes invlpg itself: it calls these.
 */
#ifndef ASM_TLB_H
#define ASM_TLB_H

#include <asm/cpu.h>
#include <asm/page_types.h>
#include <asm/percpu.h>
#include <asm/smp.h>

/* arch_flush_tlb_page - forget any cached translation of va on this CPU. */
static inline void arch_flush_tlb_page(u64 va)
{
	this_cpu_inc(tlb_local_flush_one);
	invlpg(va);
}

/* arch_flush_tlb_all - forget all non-global translations (reload CR3). */
static inline void arch_flush_tlb_all(void)
{
	this_cpu_inc(tlb_local_flush_all);
	write_cr3(read_cr3());
}

/*
 * arch_flush_tlb_kernel_range - a kernel-half mapping in [start, end)
 * changed: forget it on this CPU and on every other CPU online (an IPI to
 * each, all sent before any is waited for; the function returns once
 * every CPU has flushed).  A CPU caches translations in its TLB, and
 * nothing but its own invlpg (or CR3, CR4.PGE) makes it forget them: this
 * is the TLB shootdown.  Ranges over 32 pages flush everything, global
 * entries included.  Call with interrupts on (smp.c says why).
 */
void arch_flush_tlb_kernel_range(u64 start, u64 end);

/*
 * arch_flush_tlb_user_page - the user-half mapping of va in the address
 * space rooted at root changed: forget it on every CPU that has root
 * loaded (this one with invlpg; each other with an IPI, and wait).  A CPU
 * with another root loaded holds no translation of root's: its last CR3
 * write dropped them (no PCIDs).  arch_flush_tlb_user_all - the same for
 * every translation of root (fork's write protection, a large munmap).
 * arch_shootdown_user_range - the other CPUs' half of the first:
 * [start, end), everything past 32 pages.
 */
void arch_shootdown_user_range(phys_addr_t root, u64 start, u64 end);
/* arch_tlb_other_cpus - the other CPUs that have root loaded (bit n: CPU
 * n); arch_shootdown_cpus - each CPU of mask forgets every user
 * translation (one IPI each, all sent before any answer is awaited): the
 * two halves of a batched shootdown (pt_gather_begin()). */
u64 arch_tlb_other_cpus(phys_addr_t root);
void arch_shootdown_cpus(u64 mask);


/* struct tlb_counts - the nr_tlb_* counters of /proc/vmstat, all CPUs. */
struct tlb_counts {
	u64 remote_flush, remote_flush_received, local_flush_all, local_flush_one;
};
void arch_tlb_counts(struct tlb_counts *c);

/* arch_load_page_table - switch to the address space rooted at root. */
static inline void arch_load_page_table(phys_addr_t root)
{
	write_cr3(root);
	this_cpu()->loaded_root = root;
}

/* arch_current_page_table - physical address of the active PML4. */
static inline phys_addr_t arch_current_page_table(void)
{
	return read_cr3() & ~0xfffull;
}

/* arch_flush_tlb_user_page (above): this CPU inline, the others by
 * arch_shootdown_user_page() (smp.c) when there are others. */
static inline void arch_flush_tlb_user_page(phys_addr_t root, u64 va)
{
	if (root == arch_current_page_table())
		arch_flush_tlb_page(va);
	if (nr_cpus_online > 1) /* the others: out of line */
		arch_shootdown_user_range(root, va, va + PAGE_SIZE);
}

static inline void arch_flush_tlb_user_all(phys_addr_t root)
{
	if (root == arch_current_page_table())
		arch_flush_tlb_all();
	if (nr_cpus_online > 1) /* their user translations: a CR3 reload each */
		arch_shootdown_cpus(arch_tlb_other_cpus(root));
}

#endif
