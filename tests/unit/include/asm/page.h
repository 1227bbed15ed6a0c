/*
 * tests/unit/include/asm/page.h - the host unit tests' asm/page.h.
 *
 * The kernel sees every physical page at DIRECT_MAP_BASE + its address.
 * On the host, "physical memory" is one buffer (host_phys_mem, set up by
 * host_mem_init() in tests/unit/host.h) and physical address pa lives at
 * host_phys_mem + pa.  The buffer is aligned like the direct map (4 MiB,
 * the largest buddy block), so virtual and physical alignment agree.
 */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include <vmos/types.h>
#include <asm/page_types.h>

extern u8 *host_phys_mem;  /* simulated physical memory */
extern u64 host_phys_size; /* its size in bytes */

/* host_phys_fault - fail the running test: pa is outside the simulation. */
void host_phys_fault(const char *what, u64 pa);

/* phys_to_virt - pa must lie inside the simulated memory. */
static inline void *phys_to_virt(phys_addr_t pa)
{
	if (pa >= host_phys_size)
		host_phys_fault("phys_to_virt", pa);
	return host_phys_mem + pa;
}

/*
 * virt_to_phys - plain arithmetic, as in the kernel: a pointer outside the
 * simulated memory gives an address beyond it, which phys_to_page() and
 * phys_to_virt() then refuse.
 */
static inline phys_addr_t virt_to_phys(const void *va)
{
	return (phys_addr_t)((uintptr_t)va - (uintptr_t)host_phys_mem);
}

/* kernel_image_to_phys - the host has no kernel image: same as above. */
static inline phys_addr_t kernel_image_to_phys(const void *va)
{
	return virt_to_phys(va);
}

/* clear_page / copy_page - one 4 KiB page of simulated memory. */
static inline void clear_page(void *page)
{
	__builtin_memset(page, 0, PAGE_SIZE);
}

static inline void copy_page(void *to, const void *from)
{
	__builtin_memcpy(to, from, PAGE_SIZE);
}

#endif
