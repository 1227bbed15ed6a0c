/*
 * mm/rmap.h - the reverse map: from a user frame to the page-table entries
 * that map it.
 *
 * Page replacement (mm/vmscan.c) picks a frame, not a page of a process:
 * to take it away it must find every entry that maps it, in every address
 * space, and turn each into a swap entry.  So every entry that maps a
 * frame into user space has an rmap item on the frame's list
 * (struct page's rmap): the address space and the virtual address.  An
 * anonymous page mapped by one process has one item; after fork, two;
 * a shared mapping, one per process; a file's page, one per mapping of it.
 *
 * Linux keeps this more compactly (anon_vma chains, and the file's
 * i_mmap tree for file pages); a list per frame is the idea without the
 * compression.
 */
#ifndef MM_RMAP_H
#define MM_RMAP_H

#include <vmos/types.h>

struct mm;
struct page;

struct rmap_item {
	struct mm *mm;
	u64 va;
	struct rmap_item *next;
};

/* rmap_add - page is now mapped at va in mm: 0, or -ENOMEM. */
int rmap_add(struct page *page, struct mm *mm, u64 va);
/* rmap_remove - that mapping is gone; panics if it was never added. */
void rmap_remove(struct page *page, struct mm *mm, u64 va);
/* rmap_move - the mapping moved from va to new_va (mremap). */
void rmap_move(struct page *page, struct mm *mm, u64 va, u64 new_va);
/* rmap_items - items in all the lists: one per user entry that maps a
 * frame, so the sum of every address space's rss (/proc/kmem). */
u64 rmap_items(void);
/* rmap_pool_frames - the frames holding items (/proc/kmem frames_rmap). */
u64 rmap_pool_frames(void);

/*
 * unmap_mapping_range - truncation (Linux's unmap_mapping_range with
 * even_cows, from truncate_pagecache): remove, in every address space,
 * every entry that maps page first or beyond of inode's file: the file's
 * own frames and private copies of them alike, so that a touch there is
 * a fresh fault (SIGBUS past the end, the file's page if it grew again).
 */
struct inode;
void unmap_mapping_range(struct inode *inode, u64 first);
/* rmap_unmap_page - clear every entry that maps page (a file's page going
 * away from a hole punched in it: fallocate, MADV_REMOVE; private copies
 * of it are other frames and stay, as Linux's). */
void rmap_unmap_page(struct page *page);

#endif
