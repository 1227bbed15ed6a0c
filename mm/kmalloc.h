/*
 * mm/kmalloc.h - the kernel heap.
 *
 * Small requests (up to KMALLOC_MAX_SMALL bytes) come from slabs: a slab is
 * one frame cut into equal objects of one size class (16, 32, ..., 1024
 * bytes), with a free list threaded through the free objects.  Larger
 * requests get whole frames from the buddy allocator (rounded up to 2^k
 * frames).  kfree() finds which from the frame's struct page.
 * Objects are aligned to their size class (16 bytes at least); large
 * blocks are page-aligned.
 */
#ifndef MM_KMALLOC_H
#define MM_KMALLOC_H

#include <vmos/types.h>

#define KMALLOC_MIN_SIZE 16
#define KMALLOC_MAX_SMALL 1024
#define KMALLOC_CLASSES 7 /* 16 32 64 128 256 512 1024 */

/* kmalloc - size bytes, or NULL for size 0, an absurd size or no memory. */
void *kmalloc(size_t size);
/* kzalloc - kmalloc, zero-filled. */
void *kzalloc(size_t size);
/* kfree - return ptr to the heap; NULL is ignored; a pointer kmalloc did
 * not return, or one already freed, panics. */
void kfree(void *ptr);
/* kmalloc_usable_size - the bytes a request of size really occupies, or 0. */
size_t kmalloc_usable_size(size_t size);

struct kmalloc_stats {
	u64 objects[KMALLOC_CLASSES]; /* live small objects per class */
	u64 slab_pages;               /* frames holding slabs */
	u64 large_pages;              /* frames in large blocks */
};
void kmalloc_get_stats(struct kmalloc_stats *st);

#endif
