/*
 * kernel/multiboot.c - reading the multiboot (version 1) information block.
 *
 * The loader passes the physical address of a struct mb_info in EBX.  It and
 * everything it points to (memory map, command line, modules) lie below
 * 4 GiB, which boot.asm's early direct map covers.
 */
#include "kernel/bootinfo.h"
#include <vmos/printk.h>
#include <vmos/string.h>
#include <asm/page.h>

#define MB_BOOTLOADER_MAGIC 0x2BADB002
#define MB_INFO_MEMORY (1u << 0)
#define MB_INFO_CMDLINE (1u << 2)
#define MB_INFO_MODS (1u << 3)
#define MB_INFO_MMAP (1u << 6)
#define MB_INFO_LOADER_NAME (1u << 9)
#define EARLY_MAP_LIMIT GiB(4) /* what boot.asm's page tables reach */

struct mb_info {
	u32 flags;
	u32 mem_lower, mem_upper; /* KiB below 1 MiB and above it */
	u32 boot_device;
	u32 cmdline;
	u32 mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
	u32 drives_length, drives_addr;
	u32 config_table;
	u32 boot_loader_name;
} __packed;

struct mb_mmap_entry {
	u32 size; /* of the rest of the entry: the next is size + 4 on */
	u64 addr, len;
	u32 type;
} __packed;

struct mb_module {
	u32 start, end;
	u32 string;
	u32 reserved;
} __packed;

struct boot_info boot_info;

/* A pointer to loader data at physical pa, recorded as in use for len bytes. */
static const void *loader_ptr(struct boot_info *bi, phys_addr_t pa, u64 len)
{
	if (pa + len > EARLY_MAP_LIMIT || pa + len < pa)
		panic("multiboot: loader data at 0x%lx+0x%lx is beyond 4 GiB",
		      pa, len);
	memmap_add(&bi->loader_data, pa, pa + len);
	return phys_to_virt(pa);
}

/* Copy a loader string (and reserve it) into dst. */
static void copy_string(struct boot_info *bi, phys_addr_t pa, char *dst,
			size_t size)
{
	const char *s = phys_to_virt(pa);
	size_t len = strnlen(s, size - 1);

	loader_ptr(bi, pa, len + 1);
	memcpy(dst, s, len);
	dst[len] = '\0';
}

/*
 * QEMU's -kernel puts the kernel's file name first on the command line
 * ("build/kernel.elf ktest=all"; GRUB 2 does not): move it to
 * bi->kernel_path so that only options remain.  A first word with '=' is
 * an option, not a path.
 */
static void split_kernel_path(struct boot_info *bi)
{
	char *s = bi->cmdline;
	size_t n = 0, len;

	while (s[n] && s[n] != ' ' && s[n] != '=')
		n++;
	if (n == 0 || s[n] == '=')
		return;
	memcpy(bi->kernel_path, s, MIN(n, sizeof(bi->kernel_path) - 1));
	bi->kernel_path[MIN(n, sizeof(bi->kernel_path) - 1)] = '\0';
	while (s[n] == ' ')
		n++;
	len = strlen(s + n);
	memmove(s, s + n, len + 1);
	memset(s + len + 1, 0, n); /* no stale tail for gdb to show */
}

static void parse_mmap(struct boot_info *bi, const struct mb_info *mb)
{
	const u8 *p = loader_ptr(bi, mb->mmap_addr, mb->mmap_length);
	const u8 *end = p + mb->mmap_length;

	while (p + sizeof(struct mb_mmap_entry) <= end) {
		const struct mb_mmap_entry *e = (const void *)p;

		if (e->len && bi->nregions < BOOT_MAX_REGIONS) {
			struct boot_region *r = &bi->regions[bi->nregions++];
			r->start = e->addr;
			r->end = e->addr + e->len;
			r->type = e->type;
		}
		p += e->size + sizeof(e->size);
	}
}

static void parse_modules(struct boot_info *bi, const struct mb_info *mb)
{
	const struct mb_module *m =
		loader_ptr(bi, mb->mods_addr, mb->mods_count * sizeof(*m));

	for (u32 i = 0; i < mb->mods_count && i < BOOT_MAX_MODULES; i++) {
		struct boot_module *bm = &bi->modules[bi->nmodules++];

		bm->start = m[i].start;
		bm->end = m[i].end;
		loader_ptr(bi, bm->start, bm->end - bm->start);
		if (m[i].string)
			copy_string(bi, m[i].string, bm->name, sizeof(bm->name));
	}
	if (mb->mods_count > BOOT_MAX_MODULES)
		pr_warn("multiboot: %u modules given, only %u used\n",
			mb->mods_count, BOOT_MAX_MODULES);
}

void multiboot_parse(u32 magic, phys_addr_t mbi, struct boot_info *bi)
{
	const struct mb_info *mb;

	if (magic != MB_BOOTLOADER_MAGIC)
		panic("multiboot: bad magic 0x%x (expected 0x%x): not booted by "
		      "a multiboot loader", magic, MB_BOOTLOADER_MAGIC);
	memmap_init(&bi->loader_data);
	mb = loader_ptr(bi, mbi, sizeof(*mb));
	if (mb->flags & MB_INFO_LOADER_NAME)
		copy_string(bi, mb->boot_loader_name, bi->loader,
			    sizeof(bi->loader));
	else
		strlcpy(bi->loader, "unknown loader", sizeof(bi->loader));
	if (mb->flags & MB_INFO_CMDLINE) {
		copy_string(bi, mb->cmdline, bi->cmdline, sizeof(bi->cmdline));
		split_kernel_path(bi);
	}
	if (!(mb->flags & MB_INFO_MMAP))
		panic("multiboot: the loader gave no memory map");
	parse_mmap(bi, mb);
	if (mb->flags & MB_INFO_MODS)
		parse_modules(bi, mb);
}

const char *boot_mem_type_name(u32 type)
{
	switch (type) {
	case BOOT_MEM_AVAILABLE:
		return "usable";
	case BOOT_MEM_RESERVED:
		return "reserved";
	case BOOT_MEM_ACPI_RECLAIMABLE:
		return "ACPI data";
	case BOOT_MEM_ACPI_NVS:
		return "ACPI NVS";
	case BOOT_MEM_BAD:
		return "unusable";
	default:
		return "unknown";
	}
}
