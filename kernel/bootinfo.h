/*
 * kernel/bootinfo.h - what the boot loader told us, copied into the kernel
 * so the loader's own memory can be reused.
 */
#ifndef KERNEL_BOOTINFO_H
#define KERNEL_BOOTINFO_H

#include "kernel/cmdline.h"
#include <vmos/types.h>
#include "mm/memmap.h"

#define BOOT_MAX_REGIONS 64
#define BOOT_MAX_MODULES 16

/* Memory map entry types (the BIOS e820 numbering, as multiboot reports). */
#define BOOT_MEM_AVAILABLE 1
#define BOOT_MEM_RESERVED 2
#define BOOT_MEM_ACPI_RECLAIMABLE 3
#define BOOT_MEM_ACPI_NVS 4
#define BOOT_MEM_BAD 5

struct boot_region {
	phys_addr_t start, end;
	u32 type;
};

struct boot_module {
	phys_addr_t start, end;
	char name[64];
};

struct boot_info {
	char loader[48];
	char kernel_path[64]; /* the image's file name, as the loader gave it */
	char cmdline[CMDLINE_MAX];
	struct boot_region regions[BOOT_MAX_REGIONS];
	unsigned nregions;
	struct boot_module modules[BOOT_MAX_MODULES];
	unsigned nmodules;
	/* Physical ranges the loader's data occupies (info block, memory map,
	 * strings, modules): kept away from the frame allocator. */
	struct memmap loader_data;
};

extern struct boot_info boot_info;

/* multiboot_parse - fill bi from the multiboot (v1) information at mbi;
 * panics with a clear message if magic is not the multiboot one. */
void multiboot_parse(u32 magic, phys_addr_t mbi, struct boot_info *bi);
const char *boot_mem_type_name(u32 type);

#endif
