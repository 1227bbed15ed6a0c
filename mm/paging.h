/*
 * mm/paging.h - setting up physical and kernel virtual memory at boot.
 */
#ifndef MM_PAGING_H
#define MM_PAGING_H

#include "kernel/bootinfo.h"
#include <vmos/types.h>

/* The kernel's own page table: kernel half only, user half empty.  Every
 * address space will share its kernel-half PML4 entries. */
extern phys_addr_t kernel_pt_root;

/*
 * mm_init - build the frame allocator from the memory map (minus the first
 * MiB, the kernel image and the loader's data), build the kernel's page
 * tables and switch to them.  kmalloc works afterwards.
 */
void mm_init(const struct boot_info *bi);

/*
 * ioremap - a kernel pointer to the device registers at physical [pa,
 * pa + len): mapped uncached (PCD, PWT) at the direct map's address for
 * them, in the kernel half every address space shares.  For memory-mapped
 * devices outside RAM (the local APIC at 0xfee00000); a page the direct
 * map already maps is returned as it is.  Panics if there is no memory
 * for a page table (at boot, there is).
 */
void *ioremap(phys_addr_t pa, size_t len);

/* Boot-time memory figures, for the banner and /proc/meminfo later. */
struct mm_boot_stats {
	u64 ram_bytes;         /* usable RAM in the memory map */
	u64 kernel_image_bytes;
	u64 frame_table_bytes;
	u64 page_table_bytes;  /* the kernel's own page tables */
	u64 setup_ns;          /* mm_init(): frame allocator and kernel tables */
};
extern struct mm_boot_stats mm_boot_stats;

#endif
