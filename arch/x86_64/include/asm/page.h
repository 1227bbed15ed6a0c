/*
 * asm/page.h - converting between physical addresses and kernel pointers.
 *
 * Every physical page is visible at DIRECT_MAP_BASE + its address.  The
 * host unit tests replace this header with one over simulated memory.
 */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include <vmos/types.h>
#include <asm/page_types.h>

static inline void *phys_to_virt(phys_addr_t pa)
{
	return (void *)(pa + DIRECT_MAP_BASE);
}

/* virt_to_phys - only for direct-map pointers (kmalloc, frames). */
static inline phys_addr_t virt_to_phys(const void *va)
{
	return (phys_addr_t)(uintptr_t)va - DIRECT_MAP_BASE;
}

/* kernel_image_to_phys - for symbols in the kernel image (text, data, bss). */
static inline phys_addr_t kernel_image_to_phys(const void *va)
{
	return (phys_addr_t)(uintptr_t)va - KERNEL_VMA;
}

/* clear_page / copy_page - zero or copy one whole 4 KiB page (a frame
 * through the direct map), 8 bytes a step: one rep stosq or rep movsq of
 * 512 quadwords, inline (Linux's clear_page and copy_page in
 * arch/x86/lib/).  memset and memcpy do the same for any length, with a
 * call and a tail for the last n % 8 bytes. */
static inline void clear_page(void *page)
{
	u64 n = PAGE_SIZE / 8;

	asm volatile("rep stosq" : "+D"(page), "+c"(n) : "a"(0ul) : "memory");
}

static inline void copy_page(void *to, const void *from)
{
	u64 n = PAGE_SIZE / 8;

	asm volatile("rep movsq" : "+D"(to), "+S"(from), "+c"(n) : : "memory");
}

#endif
