/*
 * mm/mm.c - address spaces: creating, copying and destroying them, and the
 * region operations mmap, munmap, mprotect and brk are built from.
 *
 * Pages appear on first touch (mm/fault.c); these functions only change
 * regions and, for pages already present, their page-table entries.
 */
#include "mm/mm.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/paging.h"
#include "mm/pagetable.h"
#include <asm/page.h>
#include <asm/tlb.h>

/* The default distance from the stack top to the mmap area (Linux's
 * minimum gap when the stack limit is 8 MiB and randomization is off). */
#define MMAP_GAP (128ul << 20)

static struct vm_area_struct *vma_alloc(void)
{
	return kzalloc(sizeof(struct vm_area_struct));
}

struct mm *mm_create(void)
{
	struct mm *mm = kzalloc(sizeof(*mm));
	pte_t *dst, *src;

	if (!mm)
		return NULL;
	mm->pgd = pt_alloc_table();
	if (!mm->pgd) {
		kfree(mm);
		return NULL;
	}
	/* Share the kernel half: its PML4 entries never change after boot. */
	dst = phys_to_virt(mm->pgd);
	src = phys_to_virt(kernel_pt_root);
	for (unsigned i = PT_ENTRIES / 2; i < PT_ENTRIES; i++)
		dst[i] = src[i];
	vma_tree_init(&mm->vmas, MMAP_MIN_ADDR, STACK_TOP);
	mm->users = 1;
	mm->mmap_base = STACK_TOP - MMAP_GAP;
	return mm;
}

void mm_get(struct mm *mm)
{
	mm->users++;
}

/* Free every region struct (the pages go with the page tables). */
static void free_all_vmas(struct mm *mm)
{
	struct vm_area_struct *v;

	while ((v = vma_first(&mm->vmas))) {
		vma_remove(&mm->vmas, v);
		kfree(v);
	}
}

void mm_put(struct mm *mm)
{
	if (!mm || --mm->users)
		return;
	if (arch_current_page_table() == mm->pgd)
		panic("mm_put: freeing the active address space");
	pt_free_user(mm->pgd);
	frame_free(mm->pgd);
	free_all_vmas(mm);
	kfree(mm);
}

void mm_activate(struct mm *mm)
{
	phys_addr_t root = mm ? mm->pgd : kernel_pt_root;

	if (arch_current_page_table() != root)
		arch_load_page_table(root);
}

/* PTE flags for a region's permissions: user, writable, no-execute. */
pte_t vm_flags_to_pte(u64 vm_flags)
{
	if (!(vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
		return PTE_SW_PROTNONE;
	return PTE_U | ((vm_flags & VM_WRITE) ? PTE_W : 0) |
	       ((vm_flags & VM_EXEC) ? 0 : PTE_NX);
}

/* Copy the pages present in region v of src into dst (fork, eagerly). */
static int copy_region_pages(struct mm *dst, struct mm *src,
			     const struct vm_area_struct *v)
{
	for (u64 va = v->vm_start; va < v->vm_end; va += PAGE_SIZE) {
		pte_t *e = pt_walk(src->pgd, va, false);
		phys_addr_t pa;

		if (!e || !pte_has_frame(*e))
			continue;
		if (v->vm_flags & VM_SHARED) { /* both map the same frame */
			pa = pte_addr(*e);
			page_get(phys_to_page(pa));
		} else {
			pa = frame_alloc();
			if (!pa)
				return -ENOMEM;
			memcpy(phys_to_virt(pa), phys_to_virt(pte_addr(*e)), PAGE_SIZE);
		}
		if (pt_map(dst->pgd, va, pa, *e & ~PTE_ADDR_MASK & ~PTE_SW_PROTNONE) < 0) {
			page_put(phys_to_page(pa));
			return -ENOMEM;
		}
		if (*e & PTE_SW_PROTNONE)
			pt_protect(dst->pgd, va, PTE_SW_PROTNONE);
		dst->rss++;
	}
	return 0;
}

struct mm *mm_fork(struct mm *src)
{
	struct mm *dst = mm_create();
	struct vm_area_struct *v, *c;

	if (!dst)
		return NULL;
	dst->start_code = src->start_code;
	dst->end_code = src->end_code;
	dst->start_data = src->start_data;
	dst->end_data = src->end_data;
	dst->start_brk = src->start_brk;
	dst->brk = src->brk;
	dst->start_stack = src->start_stack;
	dst->arg_start = src->arg_start;
	dst->arg_end = src->arg_end;
	dst->env_start = src->env_start;
	dst->env_end = src->env_end;
	dst->mmap_base = src->mmap_base;
	dst->total_vm = src->total_vm;
	dst->hiwater_vm = src->total_vm;
	for (v = vma_first(&src->vmas); v; v = vma_next(&src->vmas, v)) {
		if (v->vm_flags & VM_DONTCOPY)
			continue;
		c = vma_alloc();
		if (!c)
			goto fail;
		*c = *v;
		if (vma_insert(&dst->vmas, c) || copy_region_pages(dst, src, v))
			goto fail;
	}
	dst->hiwater_rss = dst->rss;
	return dst;
fail:
	mm_put(dst);
	return NULL;
}

/* vma_unmap_range's callback: drop the pages of a removed piece. */
static void unmap_piece(struct vm_area_struct *piece, void *ctx)
{
	struct mm *mm = ctx;

	for (u64 va = piece->vm_start; va < piece->vm_end; va += PAGE_SIZE)
		if (pt_unmap(mm->pgd, va, true))
			mm->rss--;
	mm->total_vm -= vma_pages(piece);
	kfree(piece);
}

/* Allocate the spare structs vma_unmap_range or a split may need. */
static int get_spares(struct vm_area_struct **spare, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		spare[i] = vma_alloc();
		if (!spare[i])
			return -ENOMEM;
	}
	return 0;
}

static void put_spares(struct vm_area_struct **spare, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		kfree(spare[i]);
}

int mm_unmap(struct mm *mm, u64 addr, u64 len)
{
	struct vm_area_struct *spare[VMA_UNMAP_MAX_SPARES] = { 0 };
	unsigned n = vma_unmap_spares_needed(&mm->vmas, addr, addr + len);
	int err = get_spares(spare, n);

	if (!err)
		err = vma_unmap_range(&mm->vmas, addr, addr + len, spare, n,
				      unmap_piece, mm);
	put_spares(spare, n);
	return err;
}

/* Merge v with its neighbours where possible, freeing absorbed structs. */
static void merge_around(struct mm *mm, struct vm_area_struct *v)
{
	struct vm_area_struct *freed[VMA_MERGE_MAX_FREED];
	unsigned nfreed = 0;

	vma_merge_neighbours(&mm->vmas, v, freed, &nfreed);
	for (unsigned i = 0; i < nfreed; i++)
		kfree(freed[i]);
}

int mm_map_anon(struct mm *mm, u64 addr, u64 len, u64 vm_flags)
{
	struct vm_area_struct *v;
	int err = mm_unmap(mm, addr, len);

	if (err)
		return err;
	v = vma_alloc();
	if (!v)
		return -ENOMEM;
	v->vm_start = addr;
	v->vm_end = addr + len;
	v->vm_flags = vm_flags;
	err = vma_insert(&mm->vmas, v);
	if (err) {
		kfree(v);
		return err == -EEXIST ? -ENOMEM : err;
	}
	mm->total_vm += len >> PAGE_SHIFT;
	mm->hiwater_vm = MAX(mm->hiwater_vm, mm->total_vm);
	if (!(vm_flags & VM_SHARED))
		merge_around(mm, v);
	return 0;
}

/* Give [start, end) of region v (inside it) its own region; returns it. */
static struct vm_area_struct *isolate(struct mm *mm, struct vm_area_struct *v,
				      u64 start, u64 end, int *err)
{
	struct vm_area_struct *spare[2] = { 0 };

	*err = get_spares(spare, 2);
	if (*err) {
		put_spares(spare, 2);
		return NULL;
	}
	if (start > v->vm_start) {
		vma_split(&mm->vmas, v, start, spare[0]);
		v = spare[0];
		spare[0] = NULL;
	}
	if (end < v->vm_end) {
		vma_split(&mm->vmas, v, end, spare[1]);
		spare[1] = NULL;
	}
	put_spares(spare, 2);
	return v;
}

int mm_protect(struct mm *mm, u64 addr, u64 len, u64 vm_flags)
{
	u64 end = addr + len, va = addr;
	struct vm_area_struct *v;
	int err;

	/* The whole range must be mapped, as Linux requires (-ENOMEM). */
	for (v = find_vma(&mm->vmas, addr); va < end; v = vma_next(&mm->vmas, v)) {
		if (!v || v->vm_start > va)
			return -ENOMEM;
		va = v->vm_end;
	}
	for (va = addr; va < end;) {
		u64 piece_end;

		v = vma_lookup(&mm->vmas, va);
		piece_end = MIN(end, v->vm_end);
		v = isolate(mm, v, va, piece_end, &err);
		if (!v)
			return err;
		v->vm_flags = (v->vm_flags & ~(VM_READ | VM_WRITE | VM_EXEC)) |
			      (vm_flags & (VM_READ | VM_WRITE | VM_EXEC));
		for (u64 p = v->vm_start; p < v->vm_end; p += PAGE_SIZE)
			pt_protect(mm->pgd, p, vm_flags_to_pte(v->vm_flags));
		va = piece_end;
		merge_around(mm, v);
	}
	return 0;
}

u64 mm_get_unmapped_area(struct mm *mm, u64 len)
{
	return vma_gap_topdown(&mm->vmas, len, PAGE_SIZE, MMAP_MIN_ADDR,
			       mm->mmap_base);
}

/*
 * mm_page_for - the frame backing addr in mm, faulting it in (as a write
 * would) if the region allows; 0 if it cannot. Used to reach another
 * address space's memory (exec builds the new one before switching).
 */
static phys_addr_t mm_page_for(struct mm *mm, u64 addr)
{
	struct vm_area_struct *v = vma_lookup(&mm->vmas, addr);
	pte_t *e = pt_walk(mm->pgd, addr & PAGE_MASK, false);

	if (e && pte_has_frame(*e))
		return pte_addr(*e);
	if (!v || do_anonymous_page(mm, v, addr & PAGE_MASK) != 0)
		return 0;
	e = pt_walk(mm->pgd, addr & PAGE_MASK, false);
	return e ? pte_addr(*e) : 0;
}

int mm_copy_to(struct mm *mm, u64 addr, const void *src, size_t n)
{
	const u8 *s = src;

	while (n) {
		size_t off = addr & (PAGE_SIZE - 1), chunk = MIN(n, PAGE_SIZE - off);
		phys_addr_t pa = mm_page_for(mm, addr);

		if (!pa)
			return -EFAULT;
		memcpy((u8 *)phys_to_virt(pa) + off, s, chunk);
		addr += chunk;
		s += chunk;
		n -= chunk;
	}
	return 0;
}

int mm_copy_from(struct mm *mm, u64 addr, void *dst, size_t n)
{
	u8 *d = dst;

	while (n) {
		size_t off = addr & (PAGE_SIZE - 1), chunk = MIN(n, PAGE_SIZE - off);
		pte_t *e = pt_walk(mm->pgd, addr & PAGE_MASK, false);

		if (!vma_lookup(&mm->vmas, addr))
			return -EFAULT;
		if (e && pte_has_frame(*e))
			memcpy(d, (u8 *)phys_to_virt(pte_addr(*e)) + off, chunk);
		else
			memset(d, 0, chunk); /* never touched: it would read as zero */
		addr += chunk;
		d += chunk;
		n -= chunk;
	}
	return 0;
}

int mm_populate(struct mm *mm, u64 addr, u64 len, bool write)
{
	(void)write;
	for (u64 va = addr & PAGE_MASK; va < addr + len; va += PAGE_SIZE)
		if (!mm_page_for(mm, va))
			return -ENOMEM;
	return 0;
}
