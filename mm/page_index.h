/*
 * mm/page_index.h - a sparse array of one 64-bit word per page offset,
 * for objects whose pages are mostly never touched (Linux's xarray, in
 * its simplest form: a radix tree of 512-word nodes, as a page table).
 *
 * A shared memory object of 2 GiB that nobody touched costs one empty
 * root node, not 4 MiB of words: the nodes under a word are made when
 * the word is first set (page_index_slot(..., create)), and freed with
 * the index.  An index of at most 512 words is one node of that size.
 *
 * Height h covers 512^h words: offset i's index in the node at level l
 * (h - 1 at the root, 0 at the leaves) is bits [9l, 9l + 9) of i.
 *
 * Locking: none (one CPU, no preemption); the owner serializes.
 */
#ifndef MM_PAGE_INDEX_H
#define MM_PAGE_INDEX_H

#include <vmos/types.h>

#define PAGE_INDEX_SHIFT 9
#define PAGE_INDEX_SLOTS (1u << PAGE_INDEX_SHIFT)
#define PAGE_INDEX_MAX_HEIGHT 4 /* 2^36 words: 256 TiB of 4 KiB pages */

struct page_index {
	u64 *root;       /* NULL until the first word is set */
	u64 nwords;      /* offsets 0 .. nwords - 1 */
	unsigned height; /* levels of nodes, 1 .. PAGE_INDEX_MAX_HEIGHT */
};

/* page_index_init - an empty index of nwords words (all 0): false if
 * nwords is 0 or more than the tallest tree holds.  Allocates nothing. */
bool page_index_init(struct page_index *ix, u64 nwords);

/* page_index_get - word i (0 if it was never set). */
u64 page_index_get(const struct page_index *ix, u64 i);

/* page_index_slot - the address of word i, to read or set it; with
 * create, the nodes on its path are made (zero-filled); without, NULL
 * when they do not exist (the word is 0).  NULL with create: no memory.
 * i must be below nwords (a bug otherwise: panics). */
u64 *page_index_slot(struct page_index *ix, u64 i, bool create);

/* page_index_for_each - fn(i, &word, arg) for every word that is not 0,
 * in increasing i; fn may change or clear the word. */
void page_index_for_each(struct page_index *ix,
			 void (*fn)(u64 i, u64 *word, void *arg), void *arg);

/* page_index_nodes - the nodes allocated (what the index costs). */
u64 page_index_nodes(const struct page_index *ix);

/* page_index_destroy - free every node; the words are forgotten (their
 * owner releases what they refer to first, with page_index_for_each). */
void page_index_destroy(struct page_index *ix);

#endif
