/*
 * asm/ldt.h - a process's local descriptor table (modify_ldt(2)): extra
 * code and data segments it may load into CS, SS, DS, ES, FS or GS with a
 * selector whose table bit is set.  One per address space (Linux's
 * mm->context.ldt): the threads share it, fork copies it, exec drops it.
 */
#ifndef ASM_LDT_H
#define ASM_LDT_H

#include <vmos/types.h>

#define LDT_ENTRIES 8192 /* what a selector's 13-bit index reaches */
#define LDT_ENTRY_SIZE 8

struct ldt {
	unsigned nr_entries; /* entries[0..nr_entries) exist */
	u64 entries[];       /* descriptors as the CPU reads them */
};

/* ldt_dup - a copy of src for a child (fork), or NULL when out of memory;
 * NULL for a NULL src. */
struct ldt *ldt_dup(const struct ldt *src);
/* ldt_free - free an address space's LDT (NULL is ignored). */
void ldt_free(struct ldt *ldt);
/* load_mm_ldt - make ldt (NULL: none) the CPU's LDT; called whenever an
 * address space is activated. */
void load_mm_ldt(const struct ldt *ldt);

#endif
