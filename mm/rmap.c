/*
 * mm/rmap.c - the reverse map (see rmap.h): a list of (address space,
 * virtual address) per user frame, kept by whoever maps or unmaps it:
 * mm/fault.c (install, copy-on-write), mm/mm.c (fork, munmap, exit),
 * mm/mmap.c (mremap) and mm/vmscan.c (eviction).
 */
#include "mm/rmap.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "kernel/errno.h"
#include "kernel/printk.h"

static u64 nr_items;

int rmap_add(struct page *page, struct mm *mm, u64 va)
{
	struct rmap_item *r = kmalloc(sizeof(*r));

	if (!r)
		return -ENOMEM;
	*r = (struct rmap_item){ mm, va, page->rmap };
	page->rmap = r;
	nr_items++;
	return 0;
}

u64 rmap_items(void)
{
	return nr_items;
}

/* The link that points at (mm, va)'s item, or NULL. */
static struct rmap_item **find(struct page *page, struct mm *mm, u64 va)
{
	for (struct rmap_item **p = &page->rmap; *p; p = &(*p)->next)
		if ((*p)->mm == mm && (*p)->va == va)
			return p;
	return NULL;
}

void rmap_remove(struct page *page, struct mm *mm, u64 va)
{
	struct rmap_item **p = find(page, mm, va), *r;

	if (!p)
		panic("rmap_remove: frame 0x%lx is not mapped at 0x%lx in mm %p",
		      page_to_phys(page), va, (void *)mm);
	r = *p;
	*p = r->next;
	kfree(r);
	nr_items--;
}

void rmap_move(struct page *page, struct mm *mm, u64 va, u64 new_va)
{
	struct rmap_item **p = find(page, mm, va);

	if (!p)
		panic("rmap_move: frame 0x%lx is not mapped at 0x%lx in mm %p",
		      page_to_phys(page), va, (void *)mm);
	(*p)->va = new_va;
}

unsigned rmap_count(const struct page *page)
{
	unsigned n = 0;

	for (const struct rmap_item *r = page->rmap; r; r = r->next)
		n++;
	return n;
}
