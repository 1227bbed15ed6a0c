/*
 * mm/rmap.c - the reverse map (see rmap.h): per frame, its fork family's
 * address and count, and a list of (address space, virtual address) for
 * the other mappings, kept by whoever maps or unmaps it:
 * mm/fault.c (install, copy-on-write), mm/mm.c (fork, munmap, exit),
 * mm/mmap.c (mremap) and mm/vmscan.c (eviction).
 */
#include "mm/rmap.h"
#include "mm/frame.h"
#include "mm/mm.h"
#include "mm/pagetable.h"
#include "fs/vfs.h"
#include "mm/kmalloc.h"
#include <vmos/errno.h>
#include <vmos/printk.h>
#include <asm/page.h>

/*
 * The items come from frames of their own: every mapped page has one, so
 * fork and exit make and free thousands at a time, and kmalloc's general
 * checks cost more than the rest of the work (fork+exit of 16 MiB: 2.0 M
 * instructions with kmalloc).  A pool frame holds a header and 169 items
 * on a free list; an item's frame is its address rounded down.  A frame
 * whose items are all free goes back to the frame allocator unless it is
 * the only one with room.  (The same idea as kmalloc's slabs, for one
 * size and without the checks a general allocator needs: an item is only
 * freed after rmap_remove() found it on its frame's list.)
 */
#define POOL_MAGIC 0x52b1a9e5u

struct pool {
	struct pool *next, *prev; /* pools with a free item */
	struct rmap_item *free;   /* the free items, linked through next */
	u32 magic;
	u32 used;
};

#define ITEMS_PER_POOL ((PAGE_SIZE - sizeof(struct pool)) / sizeof(struct rmap_item))

static struct pool *partial; /* pools with room */
static u64 nr_items, nr_pools;

static void pool_link(struct pool *p)
{
	p->prev = NULL;
	p->next = partial;
	if (partial)
		partial->prev = p;
	partial = p;
}

static void pool_unlink(struct pool *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		partial = p->next;
	if (p->next)
		p->next->prev = p->prev;
	p->next = p->prev = NULL;
}

static struct pool *pool_new(void)
{
	phys_addr_t pa = frame_alloc();
	struct pool *p;
	struct rmap_item *items;

	if (!pa)
		return NULL;
	p = phys_to_virt(pa);
	*p = (struct pool){ .magic = POOL_MAGIC };
	items = (struct rmap_item *)(p + 1);
	for (u64 i = ITEMS_PER_POOL; i-- > 0;) {
		items[i].next = p->free;
		p->free = &items[i];
	}
	pool_link(p);
	nr_pools++;
	return p;
}

static struct rmap_item *item_alloc(void)
{
	struct pool *p = partial ? partial : pool_new();
	struct rmap_item *r;

	if (!p)
		return NULL;
	r = p->free;
	p->free = r->next;
	if (++p->used == ITEMS_PER_POOL)
		pool_unlink(p);
	nr_items++;
	return r;
}

static void item_free(struct rmap_item *r)
{
	struct pool *p = (struct pool *)((uintptr_t)r & PAGE_MASK);

	if (p->magic != POOL_MAGIC)
		panic("rmap: item %p is not in a pool", (void *)r);
	if (p->used-- == ITEMS_PER_POOL)
		pool_link(p); /* was full: has room again */
	r->next = p->free;
	p->free = r;
	nr_items--;
	if (!p->used && (p->next || p->prev)) { /* empty, and not the last */
		pool_unlink(p);
		p->magic = 0;
		frame_free(virt_to_phys(p));
		nr_pools--;
	}
}

u64 rmap_pool_frames(void)
{
	return nr_pools;
}

u64 rmap_items(void)
{
	return nr_items;
}

/* The family of mm, made when it first maps a frame: NULL if no memory. */
static struct anonmm *anonmm_of(struct mm *mm)
{
	struct anonmm *a = mm->anonmm;

	if (a)
		return a;
	a = kzalloc(sizeof(*a));
	if (!a)
		return NULL;
	a->head = mm;
	a->members = 1;
	mm->anon_prev = mm->anon_next = NULL;
	mm->anonmm = a;
	return a;
}

int anon_fork(struct mm *child, struct mm *parent)
{
	struct anonmm *a = anonmm_of(parent);

	if (!a)
		return -ENOMEM;
	child->anonmm = a;
	child->anon_prev = NULL;
	child->anon_next = a->head;
	a->head->anon_prev = child;
	a->head = child;
	a->members++;
	return 0;
}

void anon_exit(struct mm *mm)
{
	struct anonmm *a = mm->anonmm;

	if (!a)
		return;
	if (mm->anon_prev)
		mm->anon_prev->anon_next = mm->anon_next;
	else
		a->head = mm->anon_next;
	if (mm->anon_next)
		mm->anon_next->anon_prev = mm->anon_prev;
	mm->anonmm = NULL;
	if (!--a->members)
		kfree(a);
}

/* The link that points at (mm, va)'s item, or NULL. */
static struct rmap_item **find(struct page *page, struct mm *mm, u64 va)
{
	for (struct rmap_item **p = &page->rmap; *p; p = &(*p)->next)
		if ((*p)->mm == mm && (*p)->va == va)
			return p;
	return NULL;
}

/* An item for (mm, va) on page's list. */
static int item_add(struct page *page, struct mm *mm, u64 va)
{
	struct rmap_item *r = item_alloc();

	if (!r)
		return -ENOMEM;
	*r = (struct rmap_item){ mm, va, page->rmap };
	page->rmap = r;
	return 0;
}

/*
 * The first mapping of a frame names its family and address; a fork
 * copy of it (the same family and address) only counts.  Anything else
 * takes an item.
 */
int rmap_add(struct page *page, struct mm *mm, u64 va)
{
	struct anonmm *a;

	if (page->anon) {
		if (page->anon == mm->anonmm && page->index == va >> PAGE_SHIFT &&
		    page->anon_mapcount < ANON_MAPCOUNT_MAX) {
			page->anon_mapcount++;
			return 0;
		}
		return item_add(page, mm, va);
	}
	a = anonmm_of(mm);
	if (!a)
		return -ENOMEM;
	page->anon = a;
	page->index = va >> PAGE_SHIFT;
	page->anon_mapcount = 1;
	return 0;
}

/* A mapping is an item if there is one for it, else its family's. */
void rmap_remove(struct page *page, struct mm *mm, u64 va)
{
	struct rmap_item **p, *r;

	if (page->rmap && (p = find(page, mm, va))) {
		r = *p;
		*p = r->next;
		item_free(r);
		return;
	}
	if (!page->anon || page->anon != mm->anonmm ||
	    page->index != va >> PAGE_SHIFT || !page->anon_mapcount)
		panic("rmap_remove: frame 0x%lx is not mapped at 0x%lx in mm %p",
		      page_to_phys(page), va, (void *)mm);
	if (!--page->anon_mapcount)
		page->anon = NULL;
}

/*
 * A family's mapping that moves keeps the family if it was the only one
 * (the frame's address moves with it), else it becomes an item.
 */
int rmap_move(struct page *page, struct mm *mm, u64 va, u64 new_va)
{
	struct rmap_item **p = page->rmap ? find(page, mm, va) : NULL;

	if (p) {
		(*p)->va = new_va;
		return 0;
	}
	if (!page->anon || page->anon != mm->anonmm ||
	    page->index != va >> PAGE_SHIFT)
		panic("rmap_move: frame 0x%lx is not mapped at 0x%lx in mm %p",
		      page_to_phys(page), va, (void *)mm);
	if (page->anon_mapcount == 1) {
		page->index = new_va >> PAGE_SHIFT;
		return 0;
	}
	if (item_add(page, mm, new_va))
		return -ENOMEM;
	page->anon_mapcount--;
	return 0;
}

u32 rmap_mapcount(const struct page *page)
{
	u32 n = page->anon ? page->anon_mapcount : 0;

	for (const struct rmap_item *r = page->rmap; r; r = r->next)
		n++;
	return n;
}

u64 rmap_mapcount_total(void)
{
	u64 n = 0;

	for (u64 pfn = 0; pfn < frames_table_size(); pfn++) {
		const struct page *p = frame_lookup(pfn);

		if (p && !(p->flags & PG_FREE))
			n += rmap_mapcount(p);
	}
	return n;
}

/* Does the entry map page? */
static bool maps(const pte_t *e, const struct page *page)
{
	return e && pte_has_frame(*e) && pte_addr(*e) == page_to_phys(page);
}

void rmap_iter_init(struct rmap_iter *it, struct page *page)
{
	it->page = page;
	it->item = page->rmap;
	it->member = page->anon ? page->anon->head : NULL;
	it->anon_left = page->anon ? page->anon_mapcount : 0;
	it->anon_va = (u64)page->index << PAGE_SHIFT;
}

/*
 * The items first, then the family: each member whose entry at the
 * family's address maps the frame, unless an item covers it already,
 * until the family's count is found (children are first on the list:
 * the newest mapping is usually found at once).
 */
bool rmap_next(struct rmap_iter *it)
{
	struct rmap_item *r;
	struct mm *mm;

	while ((r = it->item)) {
		it->item = r->next;
		it->mm = r->mm;
		it->va = r->va;
		it->pte = pt_walk(r->mm->pgd, r->va, false);
		if (!maps(it->pte, it->page))
			panic("rmap_next: frame 0x%lx is not mapped at 0x%lx in mm %p",
			      page_to_phys(it->page), r->va, (void *)r->mm);
		return true;
	}
	while (it->anon_left && (mm = it->member)) {
		it->member = mm->anon_next;
		it->pte = pt_walk(mm->pgd, it->anon_va, false);
		if (!maps(it->pte, it->page) ||
		    (it->page->rmap && find(it->page, mm, it->anon_va)))
			continue;
		it->anon_left--;
		it->mm = mm;
		it->va = it->anon_va;
		return true;
	}
	return false;
}

/*
 * The lists above answer "who maps this frame?".  Truncation asks "who
 * maps these pages of this file?", which also takes in private copies
 * (other frames) and pages swapped out: that is the regions that map the
 * file (Linux's i_mmap tree), found by walking every address space's
 * regions.  Truncating a mapped file is rare; the walk is O(regions).
 */
void unmap_mapping_range(struct inode *inode, u64 first)
{
	for (struct mm *mm = mm_first(); mm; mm = mm->mmlist_next) {
		for (struct vm_area_struct *v = vma_first(&mm->vmas); v;
		     v = vma_next(&mm->vmas, v)) {
			u64 start;

			if (!v->vm_file || v->vm_file->inode != inode ||
			    v->vm_pgoff + vma_pages(v) <= first)
				continue;
			start = v->vm_start;
			if (first > v->vm_pgoff)
				start += (first - v->vm_pgoff) << PAGE_SHIFT;
			pt_unmap_range(mm->pgd, start, v->vm_end, mm_drop_entry, mm);
		}
	}
}

void rmap_unmap_page(struct page *page)
{
	struct rmap_iter it;

	/* Each clearing removes the mapping (mm_drop_entry → rmap_remove):
	 * the one the iterator is at. */
	for (rmap_iter_init(&it, page); rmap_next(&it);)
		pt_unmap_range(it.mm->pgd, it.va, it.va + PAGE_SIZE, mm_drop_entry, it.mm);
}
