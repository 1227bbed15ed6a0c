/*
 * mm/shmem.h - the object behind shared anonymous memory (Linux's
 * mm/shmem.c, shmem_zero_setup): mmap(MAP_SHARED|MAP_ANONYMOUS) and a
 * MAP_SHARED mapping of /dev/zero map one of these, a file in no
 * directory named "/dev/zero (deleted)", sized to the mapping.
 *
 * Every region mapping the object has it as vm_file, so the mappings of
 * one object are found by it: fork copies the regions (and the page-table
 * entries), mremap moves or grows a region with the same file and
 * offset.  A page of the object is found by (object, page offset): the
 * frame (or swap entry) another mapping of the object holds at that
 * offset.  The pages themselves stay anonymous frames in the page tables,
 * so page replacement swaps them as any anonymous page (mm/vmscan.c).
 */
#ifndef MM_SHMEM_H
#define MM_SHMEM_H

#include "kernel/types.h"
#include <asm/pgtable.h>

struct file;

/* shmem_zero_setup - a new object of size bytes, opened read-write (one
 * reference for the caller), or NULL when out of memory. */
struct file *shmem_zero_setup(u64 size);

/* is_shmem_file - is f an open file of such an object? */
bool is_shmem_file(const struct file *f);

/* shmem_pages - the object's size in pages (offsets at or beyond it are
 * past its end: SIGBUS). */
u64 shmem_pages(const struct file *f);

/*
 * shmem_find_entry - the page-table entry some mapping of f's object holds
 * for page offset pgoff: one with a frame or a swap entry, or 0 when no
 * mapping has the page (it was never touched, or every mapping that had
 * it let it go).
 */
pte_t shmem_find_entry(const struct file *f, u64 pgoff);

#endif
