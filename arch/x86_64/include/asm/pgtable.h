/*
 * asm/pgtable.h - the x86-64 page-table entry format (Intel SDM vol. 3, 4.5).
 *
 * A virtual address is split into four 9-bit table indices and a 12-bit
 * offset:
 *
 *   63      48 47     39 38     30 29     21 20     12 11         0
 *   [sign ext][ PML4   ][ PDPT   ][  PD    ][  PT    ][  offset   ]
 *    level:      4         3         2         1
 *
 * Each table is one 4 KiB page of 512 eight-byte entries.  An entry at
 * level 3 or 2 with PTE_PS set maps a 1 GiB or 2 MiB page directly.
 */
#ifndef ASM_PGTABLE_H
#define ASM_PGTABLE_H

#include <vmos/types.h>

typedef u64 pte_t;

#define PTE_P (1ull << 0)    /* present */
#define PTE_W (1ull << 1)    /* writable */
#define PTE_U (1ull << 2)    /* user-accessible */
#define PTE_PWT (1ull << 3)  /* write-through */
#define PTE_PCD (1ull << 4)  /* cache disable */
#define PTE_A (1ull << 5)    /* accessed (set by the CPU) */
#define PTE_D (1ull << 6)    /* dirty (set by the CPU, last level only) */
#define PTE_PS (1ull << 7)   /* large page (levels 3 and 2) */
#define PTE_G (1ull << 8)    /* global: kept in the TLB across CR3 loads */
#define PTE_NX (1ull << 63)  /* no execute (needs EFER.NXE) */
/* Bits 9-11 are the software's.  A PROT_NONE page keeps its frame in an
 * entry the CPU sees as not present: */
#define PTE_SW_PROTNONE (1ull << 9)
#define PTE_ADDR_MASK 0x000ffffffffff000ull
#define PTE_LARGE_ADDR_MASK 0x000fffffffe00000ull /* 2 MiB frame */

#define PT_LEVELS 4
#define PT_ENTRIES 512
#define PT_INDEX_BITS 9

/* The flags a page-table entry pointing to a lower table carries. */
#define PTE_TABLE (PTE_P | PTE_W | PTE_U)

/* Index of va in the table at level (4 = PML4 ... 1 = PT). */
static inline unsigned pt_index(u64 va, int level)
{
	return (va >> (12 + PT_INDEX_BITS * (level - 1))) & (PT_ENTRIES - 1);
}

/* Bytes of virtual memory one entry maps at level (1: 4 KiB, 2: 2 MiB...). */
static inline u64 pt_level_size(int level)
{
	return 1ull << (12 + PT_INDEX_BITS * (level - 1));
}

/* pte_has_frame - does the entry own a frame (present, or PROT_NONE)? */
static inline bool pte_has_frame(pte_t e)
{
	return e & (PTE_P | PTE_SW_PROTNONE);
}

/*
 * A swapped-out page's entry: not present, PTE_SW_PROTNONE clear, and the
 * swap entry (mm/swap.h: the area and the slot) from bit 10 up.  Never 0,
 * because slot 0 of an area is its header.  The CPU faults on it like on
 * an empty entry; the fault handler tells them apart.
 */
#define PTE_SWAP_SHIFT 10

static inline bool pte_is_swap(pte_t e)
{
	return e && !pte_has_frame(e);
}

static inline pte_t swap_val_to_pte(u64 val)
{
	return val << PTE_SWAP_SHIFT;
}

static inline u64 pte_to_swap_val(pte_t e)
{
	return e >> PTE_SWAP_SHIFT;
}

static inline phys_addr_t pte_addr(pte_t e)
{
	return e & PTE_ADDR_MASK;
}

/* A 48-bit virtual address is canonical when bits 63..47 are all equal. */
static inline bool va_is_canonical(u64 va)
{
	return (u64)((s64)(va << 16) >> 16) == va;
}

/*
 * pte_supported - flag bits this CPU accepts; PTE_NX is removed when the
 * CPU has no NX (setting it would be a reserved-bit fault).  Set by arch
 * code at boot, before any page table is built in C.
 */
extern pte_t pte_supported;

#endif
