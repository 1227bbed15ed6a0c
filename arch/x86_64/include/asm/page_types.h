/*
 * asm/page_types.h - page sizes and the x86-64 virtual memory layout.
 *
 *   0x0000000000000000 - 0x00007fffffffffff  user space (128 TiB, empty
 *                                            in the kernel's own tables)
 *   0xffff888000000000 - ...                 direct map of all physical RAM
 *   0xffffc90000000000 - 0xffffc9003fffffff  kernel stacks, each with an
 *                                            unmapped guard below it
 *   0xffffffff80000000 - ...                 the kernel image (text, rodata,
 *                                            data, bss), physical 1 MiB up
 *
 * The bases are Linux's (page_offset_base, vmalloc area, __START_KERNEL_map),
 * so addresses seen here look like the ones seen on Linux.
 */
#ifndef ASM_PAGE_TYPES_H
#define ASM_PAGE_TYPES_H

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ul << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define LARGE_PAGE_SHIFT 21
#define LARGE_PAGE_SIZE (1ul << LARGE_PAGE_SHIFT) /* 2 MiB */

#define USER_SPACE_END 0x0000800000000000ul
#define KERNEL_SPACE_START 0xffff800000000000ul
#define DIRECT_MAP_BASE 0xffff888000000000ul
#define DIRECT_MAP_MAX (64ul << 40) /* 64 TiB, as Linux */
#define KSTACK_AREA_BASE 0xffffc90000000000ul
#define KSTACK_AREA_SIZE (1ul << 30)
#define KERNEL_VMA 0xffffffff80000000ul

#define PHYS_LOW_MEMORY_END 0x100000ul /* the first 1 MiB: BIOS, VGA */

#endif
