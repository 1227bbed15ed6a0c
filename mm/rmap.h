/*
 * mm/rmap.h - the reverse map: from a user frame to the page-table entries
 * that map it.
 *
 * Page replacement (mm/vmscan.c) picks a frame, not a page of a process:
 * to take it away it must find every entry that maps it, in every address
 * space, and turn each into a swap entry.
 *
 * Most mappings of a frame come from fork: the child maps the parent's
 * frame at the same virtual address.  So the map is kept per fork family,
 * as Linux 2.6.6's anonmm (Hugh Dickins' object-based reverse map, the
 * predecessor of anon_vma): every address space belongs to one family
 * (struct anonmm: the address spaces descended by fork from one that ran
 * exec, all still alive), and a frame records the family and virtual
 * address of its first mapping (page->anon, page->index) and how many
 * entries of that family map it there (page->anon_mapcount).  Fork and
 * exit only count: a child's entry is found by looking at the same
 * address in every address space of the family and keeping those that
 * map the frame.
 *
 * A mapping that is not (family, address) - another process mapping the
 * same file page, a page moved by mremap while its fork relatives still
 * map it at the old address, a swap-cache page mapped again elsewhere -
 * gets an rmap item on the frame's list (page->rmap) as before.  Those
 * are the exceptions; fork never makes one unless its parent had one.
 *
 * Linux since 2.6.34 keeps a chain of anon_vmas per region (vm_pgoff
 * makes the address computable after mremap) and the file's i_mmap tree
 * for file pages; this is the same idea per address space, with items for
 * what it cannot compute.
 */
#ifndef MM_RMAP_H
#define MM_RMAP_H

#include <vmos/types.h>
#include "mm/pagetable.h"
#include "mm/frame.h"
#include "mm/mm.h"

struct mm;
struct page;

struct rmap_item {
	struct mm *mm;
	u64 va;
	struct rmap_item *next;
};

/* A fork family: its address spaces, linked through mm->anon_next. */
struct anonmm {
	struct mm *head;
	u64 members;
};

/* rmap_add - page is now mapped at va in mm: 0, or -ENOMEM. */
int rmap_add(struct page *page, struct mm *mm, u64 va);
/* rmap_remove - that mapping is gone; panics if it was never added. */
void rmap_remove(struct page *page, struct mm *mm, u64 va);
/* rmap_move - the mapping moved from va to new_va (mremap): 0, or -ENOMEM
 * (the mapping is then still recorded at va). */
int rmap_move(struct page *page, struct mm *mm, u64 va, u64 new_va);
/* rmap_mapcount - the entries the reverse map says map page. */
u32 rmap_mapcount(const struct page *page);
/* rmap_items - the items in all the lists (/proc/kmem). */
u64 rmap_items(void);
/* rmap_mapcount_total - the sum of rmap_mapcount() over every frame: one
 * per user entry that maps a frame, so the sum of every address space's
 * rss (/proc/kmem's rmap_mapcount; an O(frames) scan). */
u64 rmap_mapcount_total(void);
/* rmap_pool_frames - the frames holding items (/proc/kmem frames_rmap). */
u64 rmap_pool_frames(void);

/*
 * page_dup_rmap - fork's rmap_add(): the child maps page at the parent's
 * address, so usually the family's count only goes up (inline: fork
 * makes one per present page).
 */
static inline int page_dup_rmap(struct page *page, struct mm *child, u64 va)
{
	if (page->anon && page->anon == child->anonmm &&
	    page->index == va >> PAGE_SHIFT && page->anon_mapcount < ANON_MAPCOUNT_MAX) {
		page->anon_mapcount++;
		return 0;
	}
	return rmap_add(page, child, va);
}

/* page_add_rmap - rmap_add(), inline for the faults: the first mapping
 * of a frame (a fresh one, nearly always) names mm's family and va. */
static inline int page_add_rmap(struct page *page, struct mm *mm, u64 va)
{
	if (!page->anon && mm->anonmm) {
		page->anon = mm->anonmm;
		page->index = va >> PAGE_SHIFT;
		page->anon_mapcount = 1;
		return 0;
	}
	return rmap_add(page, mm, va);
}

/* page_remove_rmap - rmap_remove(), inline for munmap, exit and COW: a frame
 * without items mapped through the family only counts down. */
static inline void page_remove_rmap(struct page *page, struct mm *mm, u64 va)
{
	if (!page->rmap && page->anon && page->anon == mm->anonmm &&
	    page->index == va >> PAGE_SHIFT && page->anon_mapcount > 1) {
		page->anon_mapcount--;
		return;
	}
	rmap_remove(page, mm, va);
}

/* anon_fork - child (new, empty) joins parent's family: 0, or -ENOMEM. */
int anon_fork(struct mm *child, struct mm *parent);
/* anon_exit - mm leaves its family; none of its entries map a frame. */
void anon_exit(struct mm *mm);

/*
 * rmap_iter - every mapping of a page, once each:
 *	for (rmap_iter_init(&it, page); rmap_next(&it);)
 *		... it.mm, it.va, it.pte (*it.pte maps page) ...
 * The loop may remove the mapping it is at (rmap_remove), not others.
 */
struct rmap_iter {
	struct page *page;
	struct rmap_item *item; /* the next item to visit */
	struct mm *member;      /* the next member of the family to look at */
	u64 anon_va;            /* the family's address */
	u32 anon_left;          /* family mappings not visited yet */
	struct mm *mm;          /* the mapping found: address space, */
	u64 va;                 /* virtual address, */
	pte_t *pte;             /* and its entry */
};
void rmap_iter_init(struct rmap_iter *it, struct page *page);
bool rmap_next(struct rmap_iter *it);

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
