/*
 * mm/paging.c - from the loader's memory map to the frame allocator and the
 * kernel's final page tables.
 *
 * Order matters, because until the new tables are live only the first
 * 4 GiB are reachable (boot.asm's early direct map):
 *   1. free RAM = usable entries of the map, minus the first MiB, the
 *      kernel image and the loader's data;
 *   2. the frame table (one struct page per frame) is carved from free RAM
 *      below 4 GiB, and the free RAM below 4 GiB goes to the allocator;
 *   3. the kernel page tables are built from those frames: a direct map of
 *      every range in the memory map (2 MiB pages where they fit, NX) and
 *      the kernel image with per-section permissions;
 *   4. CR3 switches to them, and the RAM above 4 GiB joins the allocator.
 */
#include "mm/paging.h"
#include "mm/frame.h"
#include "mm/vmscan.h"
#include "mm/pagetable.h"
#include <vmos/printk.h>
#include <vmos/string.h>
#include <asm/page.h>
#include <asm/arch.h>
#include <asm/tlb.h>

#define EARLY_MAP_LIMIT GiB(4)

phys_addr_t kernel_pt_root;
struct mm_boot_stats mm_boot_stats;

/* Linker-script symbols: section boundaries of the kernel image. */
extern char _text[], _etext[], _rodata[], _erodata[], _data[], _end[];
extern char _kernel_phys_start[], _kernel_phys_end[];

/* PML4 slots the kernel half uses; their PDPTs exist from the start so
 * that every future address space can share them by copying the PML4. */
static const u64 kernel_slots[] = { DIRECT_MAP_BASE, KSTACK_AREA_BASE,
				    KERNEL_VMA };

static void build_free_ram(const struct boot_info *bi, struct memmap *ram)
{
	memmap_init(ram);
	for (unsigned i = 0; i < bi->nregions; i++)
		if (bi->regions[i].type == BOOT_MEM_AVAILABLE)
			memmap_add(ram, bi->regions[i].start, bi->regions[i].end);
	mm_boot_stats.ram_bytes = memmap_total(ram);
	memmap_remove(ram, 0, PHYS_LOW_MEMORY_END);
	memmap_remove(ram, (phys_addr_t)_kernel_phys_start,
		      (phys_addr_t)_kernel_phys_end);
	for (unsigned i = 0; i < bi->loader_data.n; i++)
		memmap_remove(ram, bi->loader_data.r[i].start,
			      bi->loader_data.r[i].end);
	memmap_page_align(ram);
	mm_boot_stats.kernel_image_bytes =
		(u64)(_kernel_phys_end - _kernel_phys_start);
}

/* Map [start, end) of physical memory into the direct map. */
static void map_direct(phys_addr_t start, phys_addr_t end)
{
	const pte_t flags = PTE_W | PTE_NX | PTE_G;
	phys_addr_t pa = ALIGN_DOWN(start, PAGE_SIZE);

	end = ALIGN_UP(end, PAGE_SIZE);
	while (pa < end) {
		u64 va = DIRECT_MAP_BASE + pa;
		int err;

		if (IS_ALIGNED(pa, LARGE_PAGE_SIZE) && end - pa >= LARGE_PAGE_SIZE) {
			err = pt_map_large(kernel_pt_root, va, pa, flags);
			pa += LARGE_PAGE_SIZE;
		} else if (!pt_translate(kernel_pt_root, va, NULL, NULL)) {
			err = pt_map(kernel_pt_root, va, pa, flags);
			pa += PAGE_SIZE;
		} else {
			pa += PAGE_SIZE; /* a neighbouring range mapped it */
			continue;
		}
		if (err)
			panic("map_direct: out of memory mapping 0x%lx", pa);
	}
}

/* Map the kernel image section [start, end) (virtual) with flags. */
static void map_kernel_section(const char *start, const char *end,
			       pte_t flags)
{
	for (u64 va = (u64)start; va < (u64)end; va += PAGE_SIZE)
		if (pt_map(kernel_pt_root, va, kernel_image_to_phys((void *)va),
			   flags | PTE_G) < 0)
			panic("map_kernel_section: out of memory at 0x%lx", va);
}

static void build_kernel_tables(const struct boot_info *bi)
{
	pte_t *pml4;
	struct memmap mapped;

	kernel_pt_root = pt_alloc_table();
	if (!kernel_pt_root)
		panic("build_kernel_tables: no memory for the PML4");
	pml4 = phys_to_virt(kernel_pt_root);
	for (unsigned i = 0; i < ARRAY_SIZE(kernel_slots); i++) {
		phys_addr_t pdpt = pt_alloc_table();

		if (!pdpt)
			panic("build_kernel_tables: no memory for a PDPT");
		pml4[pt_index(kernel_slots[i], 4)] = pdpt | PTE_P | PTE_W;
	}

	/* The direct map: RAM, ACPI tables, firmware areas below 4 GiB and
	 * the legacy first MiB (VGA text at 0xB8000).  Reserved holes above
	 * 4 GiB (QEMU lists a 12 GiB HyperTransport hole at 1012 GiB) hold
	 * nothing the kernel reads. */
	memmap_init(&mapped);
	memmap_add(&mapped, 0, PHYS_LOW_MEMORY_END);
	for (unsigned i = 0; i < bi->nregions; i++) {
		const struct boot_region *r = &bi->regions[i];

		if (r->type != BOOT_MEM_RESERVED || r->end <= GiB(4))
			memmap_add(&mapped, r->start, r->end);
	}
	for (unsigned i = 0; i < mapped.n; i++)
		map_direct(mapped.r[i].start, mapped.r[i].end);

	map_kernel_section(_text, _etext, 0);               /* r-x */
	map_kernel_section(_rodata, _erodata, PTE_NX);      /* r-- */
	map_kernel_section(_data, _end, PTE_W | PTE_NX);    /* rw- */
}

void *ioremap(phys_addr_t pa, size_t len)
{
	const pte_t flags = PTE_W | PTE_NX | PTE_G | PTE_PCD | PTE_PWT;

	for (phys_addr_t p = ALIGN_DOWN(pa, PAGE_SIZE); p < pa + len; p += PAGE_SIZE) {
		u64 va = DIRECT_MAP_BASE + p;

		if (pt_translate(kernel_pt_root, va, NULL, NULL))
			continue;
		if (pt_map(kernel_pt_root, va, p, flags))
			panic("ioremap: no memory for a page table at 0x%lx", p);
	}
	return phys_to_virt(pa);
}

void mm_init(const struct boot_info *bi)
{
	struct memmap ram;
	u64 max_pfn, table_bytes, free_before, started = arch_clock_ns();
	phys_addr_t table;

	build_free_ram(bi, &ram);
	if (ram.n == 0)
		panic("mm_init: no usable RAM above 1 MiB in the memory map");
	max_pfn = ram.r[ram.n - 1].end >> PAGE_SHIFT;
	table_bytes = ALIGN_UP(frame_table_bytes(max_pfn), PAGE_SIZE);
	table = memmap_alloc(&ram, table_bytes, PAGE_SIZE, EARLY_MAP_LIMIT);
	if (!table)
		panic("mm_init: no room below 4 GiB for the frame table (%lu KiB)",
		      table_bytes >> 10);
	mm_boot_stats.frame_table_bytes = table_bytes;
	frame_init(phys_to_virt(table), max_pfn);

	for (unsigned i = 0; i < ram.n; i++)
		frame_add_range(ram.r[i].start, MIN(ram.r[i].end, EARLY_MAP_LIMIT));
	free_before = frames_free_count();
	build_kernel_tables(bi);
	mm_boot_stats.page_table_bytes =
		(free_before - frames_free_count()) * PAGE_SIZE;
	arch_load_page_table(kernel_pt_root);
	for (unsigned i = 0; i < ram.n; i++)
		if (ram.r[i].end > EARLY_MAP_LIMIT)
			frame_add_range(MAX(ram.r[i].start, EARLY_MAP_LIMIT),
					ram.r[i].end);
	frame_cache_enable(true);
	reclaim_init();
	mm_boot_stats.setup_ns = arch_clock_ns() - started;
}
