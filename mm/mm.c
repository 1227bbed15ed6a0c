/*
 * mm/mm.c - address spaces: creating, copying and destroying them, and the
 * region operations mmap, munmap, mprotect and brk are built from.
 *
 * Pages appear on first touch (mm/fault.c); these functions only change
 * regions and, for pages already present, their page-table entries.
 */
#include "mm/mm.h"
#include "fs/vfs.h"
#include <vmos/errno.h>
#include <vmos/printk.h>
#include <vmos/string.h>
#include "mm/userfaultfd.h"
#include "mm/frame.h"
#include "mm/aslr.h"
#include "mm/kmalloc.h"
#include "mm/oom.h"
#include "mm/paging.h"
#include "mm/pagetable.h"
#include "mm/rmap.h"
#include "mm/swap_state.h"
#include "mm/shmem.h"
#include <asm/ldt.h>
#include <asm/page.h>
#include <asm/tlb.h>

/* The default distance from the stack top to the mmap area (Linux's
 * minimum gap when the stack limit is 8 MiB and randomization is off). */
#define MMAP_GAP (128ul << 20)

static struct vm_area_struct *vma_alloc(void)
{
	return kzalloc(sizeof(struct vm_area_struct));
}

/*
 * Every region struct that maps a file holds one reference on it: taken
 * when a struct starts pointing at the file (map, split, fork), dropped
 * when the struct is freed (unmap, merge, exit).
 */
static void vma_file_get(struct vm_area_struct *v)
{
	if (v->vm_file)
		file_get(v->vm_file);
}

static void vma_free(struct vm_area_struct *v)
{
	if (v->vm_file)
		file_put(v->vm_file);
	kfree(v);
}

static struct mm *mmlist; /* every mm, newest first */

struct mm *mm_first(void)
{
	return mmlist;
}

static void mmlist_add(struct mm *mm)
{
	mm->mmlist_prev = NULL;
	mm->mmlist_next = mmlist;
	if (mmlist)
		mmlist->mmlist_prev = mm;
	mmlist = mm;
}

static void mmlist_del(struct mm *mm)
{
	if (mm->mmlist_prev)
		mm->mmlist_prev->mmlist_next = mm->mmlist_next;
	else
		mmlist = mm->mmlist_next;
	if (mm->mmlist_next)
		mm->mmlist_next->mmlist_prev = mm->mmlist_prev;
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
	mmlist_add(mm);
	mm_layout(mm, PER_LINUX);
	return mm;
}

/*
 * mm_layout - choose where the stack ends and the mmap area begins, at
 * random unless personality says no (Linux's mmap_base(): the gap below
 * the stack leaves room for its limit, the guard gap and the stack's own
 * random offset, and is at least 128 MiB).
 */
void mm_layout(struct mm *mm, u32 personality)
{
	u64 gap = STACK_RLIMIT_DEFAULT + STACK_GUARD_GAP +
		  (aslr_randomizes(personality) ? (1ul << STACK_RND_BITS) << PAGE_SHIFT : 0);

	mm->personality = personality;
	mm->stack_top = STACK_TOP - aslr_random_pages(STACK_RND_BITS, personality);
	gap = MAX(gap, MMAP_GAP);
	mm->mmap_base = STACK_TOP - gap - aslr_random_pages(MMAP_RND_BITS, personality);
}

const char *mm_region_name(const struct mm *mm, const struct vm_area_struct *v)
{
	if (v->vm_file)
		return v->vm_file->path;
	if (v->vm_start <= mm->brk && v->vm_end >= mm->start_brk)
		return "[heap]";
	if (v->vm_start <= mm->start_stack && v->vm_end >= mm->start_stack)
		return "[stack]";
	return "";
}

bool vma_file_is_dev_zero(const struct vm_area_struct *v)
{
	const struct inode *inode = v->vm_file->inode;

	return !inode || (S_ISCHR(inode->mode) && inode->rdev == DEV_ZERO);
}

void mm_region_perms(const struct vm_area_struct *v, char out[5])
{
	out[0] = (v->vm_flags & VM_READ) ? 'r' : '-';
	out[1] = (v->vm_flags & VM_WRITE) ? 'w' : '-';
	out[2] = (v->vm_flags & VM_EXEC) ? 'x' : '-';
	out[3] = (v->vm_flags & VM_SHARED) ? 's' : 'p';
	out[4] = '\0';
}

void mm_account(struct mm *mm, s64 delta)
{
	mm->total_vm += (u64)delta;
	mm->hiwater_vm = MAX(mm->hiwater_vm, mm->total_vm);
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
		vma_free(v);
	}
}

void mm_put(struct mm *mm)
{
	if (!mm || --mm->users)
		return;
	if (arch_current_page_table() == mm->pgd)
		panic("mm_put: freeing the active address space");
	userfaultfd_exit_mm(mm);
	pt_free_user(mm->pgd, mm_drop_entry, mm);
	anon_exit(mm); /* after its last mapping */
	frame_free(mm->pgd);
	free_all_vmas(mm);
	mmlist_del(mm);
	ldt_free(mm->ldt);
	if (mm->exe_deny) { /* the program may be written again */
		allow_write_access(mm->exe_deny);
		iput(mm->exe_deny);
	}
	kfree(mm);
}

void mm_activate(struct mm *mm)
{
	phys_addr_t root = mm ? mm->pgd : kernel_pt_root;

	if (arch_current_page_table() != root)
		arch_load_page_table(root);
	load_mm_ldt(mm ? mm->ldt : NULL);
}

/* PTE flags for a region's permissions: user, writable, no-execute. */
void mm_drop_entry(pte_t old, u64 va, void *arg)
{
	struct mm *mm = arg;

	if (pte_is_swap(old)) {
		swap_entry_put((swp_entry_t){ pte_to_swap_val(old) });
		mm->swapents--;
		return;
	}
	struct page *page = phys_to_page(pte_addr(old));

	if ((old & PTE_D) && (page->flags & PG_SWAPCACHE))
		set_page_dirty(page); /* the entry's dirt must not go with it */
	page_remove_rmap(page, mm, va);
	page_put(page);
	mm->rss--;
}

struct fork_ctx {
	struct mm *dst;
	const struct vm_area_struct *v;
};

/*
 * The child's entry for a non-empty entry of the parent, region v (fork).
 * A shared region's pages stay writable in both.  A private region's pages
 * become read-only in both and take a reference: the first write in
 * either process copies the page (do_wp_page), so fork copies page tables,
 * not pages.  As Linux's fork: the child's entry starts not accessed, and
 * clean in a shared region (the dirt is the parent's to report); a private
 * page keeps its dirty bit in both.  A PROT_NONE entry (PTE_SW_PROTNONE,
 * not present) is copied as it is.  A swapped-out page's entry is copied
 * too, with one more reference on its slot.
 */
static int fork_entry(pte_t *e, pte_t *child, u64 va, void *arg)
{
	struct fork_ctx *c = arg;
	struct page *page;
	pte_t entry;
	int err;

	if (pte_is_swap(*e)) {
		err = swap_slot_dup((swp_entry_t){ pte_to_swap_val(*e) });
		if (err)
			return err;
		*child = *e;
		c->dst->swapents++;
		return 0;
	}
	page = phys_to_page(pte_addr(*e));
	entry = *e & ~PTE_A;
	if (c->v->vm_flags & VM_SHARED)
		entry &= ~PTE_D;
	/* LAB cow BEGIN */
	else if (*e & PTE_W) {
		pte_clear_bits(e, PTE_W); /* the parent's TLB: mm_fork flushes once */
		entry &= ~PTE_W;
	}
	/* LAB cow STUB
	else if (*e & PTE_W)
		return -ENOMEM; // fork fails until this is written
	   LAB cow END */
	if (page_dup_rmap(page, c->dst, va))
		return -ENOMEM;
	*child = entry;
	page_get(page);
	c->dst->rss++;
	return 0;
}

static int copy_region_pages(struct mm *dst, struct mm *src,
			     struct vm_area_struct *v)
{
	struct fork_ctx c = { dst, v };
	long n = pt_copy_range(dst->pgd, src->pgd, v->vm_start, v->vm_end,
			       fork_entry, &c);

	return n < 0 ? (int)n : 0;
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
	dst->stack_top = src->stack_top;
	dst->personality = src->personality;
	dst->membarrier_state = src->membarrier_state; /* dup_mm copies it */
	dst->vmtrace = src->vmtrace;
	dst->nodump = src->nodump;
	dst->ldt = ldt_dup(src->ldt);
	if (src->ldt && !dst->ldt)
		goto fail;
	if (src->exe_deny && !deny_write_access(src->exe_deny)) {
		ihold(src->exe_deny); /* the child runs the same program */
		dst->exe_deny = src->exe_deny;
	}
	dst->total_vm = src->total_vm;
	dst->hiwater_vm = src->total_vm;
	if (anon_fork(dst, src)) /* the child maps the parent's frames */
		goto fail;
	for (v = vma_first(&src->vmas); v; v = vma_next(&src->vmas, v)) {
		if (v->vm_flags & VM_DONTCOPY)
			continue;
		c = vma_alloc();
		if (!c)
			goto fail;
		*c = *v;
		/* "Memory locks are not inherited by a child created via
		 * fork" (mlock(2)): the child's regions are not locked. */
		c->vm_flags &= ~(VM_LOCKED | VM_LOCKONFAULT);
		vma_file_get(c);
		if (dup_userfaultfd(dst, c) || vma_insert(&dst->vmas, c)) {
			vma_free(c);
			goto fail;
		}
		/* MADV_WIPEONFORK: the child's region starts empty (zeros) */
		if (!(v->vm_flags & VM_WIPEONFORK) && copy_region_pages(dst, src, v))
			goto fail;
	}
	pt_flush(src->pgd); /* the parent's pages just became read-only */
	dst->hiwater_rss = dst->rss;
	dup_userfaultfd_complete(dst);
	return dst;
fail:
	pt_flush(src->pgd);
	dup_userfaultfd_fail(dst);
	mm_put(dst);
	return NULL;
}

/* vma_unmap_range's callback: drop the pages of a removed piece. */
static void unmap_piece(struct vm_area_struct *piece, void *ctx)
{
	struct mm *mm = ctx;

	pt_unmap_range(mm->pgd, piece->vm_start, piece->vm_end, mm_drop_entry, mm);
	mm_account(mm, -(s64)vma_pages(piece));
	vma_free(piece);
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

/*
 * The regions vma_unmap_range() will split at start and at end: each split
 * makes one more struct point at the region's file, so take a reference
 * for it now (undo: put).
 */
static void split_refs(struct mm *mm, u64 start, u64 end, bool take)
{
	struct vm_area_struct *a = vma_lookup(&mm->vmas, start);
	struct vm_area_struct *b = vma_lookup(&mm->vmas, end - 1);

	if (a && a->vm_start < start && a->vm_file)
		take ? file_get(a->vm_file) : file_put(a->vm_file);
	if (b && b->vm_end > end && b->vm_file)
		take ? file_get(b->vm_file) : file_put(b->vm_file);
}

/*
 * map_count_ok - may [start, end) of mm become add new regions (1 for a
 * mapping, 0 for a hole) without mm holding more than MAX_MAP_COUNT?
 * The regions straddling start or end keep their outer parts.  Linux
 * checks the same before a split (-ENOMEM), and lets mmap reach one
 * more than the limit; here no call may pass it.
 */
static bool map_count_ok(const struct mm *mm, u64 start, u64 end, unsigned add)
{
	unsigned long after = mm->vmas.count + add +
			      vma_unmap_spares_needed(&mm->vmas, start, end);

	for (struct vm_area_struct *v = find_vma(&mm->vmas, start);
	     v && v->vm_start < end; v = vma_next(&mm->vmas, v))
		after--; /* it goes, or its part inside does */
	return after <= MAX_MAP_COUNT;
}

int mm_unmap(struct mm *mm, u64 addr, u64 len)
{
	struct vm_area_struct *spare[VMA_UNMAP_MAX_SPARES] = { 0 };
	unsigned n = vma_unmap_spares_needed(&mm->vmas, addr, addr + len);
	int err;

	if (!map_count_ok(mm, addr, addr + len, 0))
		return -ENOMEM;
	mm->unmap_seq++;
	err = get_spares(spare, n);

	if (!err) {
		split_refs(mm, addr, addr + len, true);
		err = vma_unmap_range(&mm->vmas, addr, addr + len, spare, n,
				      unmap_piece, mm);
		if (err)
			split_refs(mm, addr, addr + len, false);
	}
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
		vma_free(freed[i]); /* the survivor keeps its own reference */
}

int mm_map_anon(struct mm *mm, u64 addr, u64 len, u64 vm_flags)
{
	return mm_map_file(mm, addr, len, vm_flags, NULL, 0);
}

int mm_map_file(struct mm *mm, u64 addr, u64 len, u64 vm_flags,
		struct file *file, u64 pgoff)
{
	struct vm_area_struct *v;
	int err;

	if (!map_count_ok(mm, addr, addr + len, 1))
		return -ENOMEM;
	err = mm_unmap(mm, addr, len);
	if (err)
		return err;
	v = vma_alloc();
	if (!v)
		return -ENOMEM;
	v->vm_start = addr;
	v->vm_end = addr + len;
	v->vm_flags = vm_flags;
	v->vm_file = file;
	v->vm_pgoff = pgoff;
	vma_file_get(v);
	err = vma_insert(&mm->vmas, v);
	if (err) {
		vma_free(v);
		return err == -EEXIST ? -ENOMEM : err;
	}
	mm_account(mm, (s64)(len >> PAGE_SHIFT));
	if (!(vm_flags & VM_SHARED))
		merge_around(mm, v);
	return 0;
}

/* Give [start, end) of region v (inside it) its own region; returns it. */
static struct vm_area_struct *isolate(struct mm *mm, struct vm_area_struct *v,
				      u64 start, u64 end, int *err)
{
	struct vm_area_struct *spare[2] = { 0 };

	*err = -ENOMEM;
	if (mm->vmas.count + (start > v->vm_start) + (end < v->vm_end) >
	    MAX_MAP_COUNT)
		return NULL;
	*err = get_spares(spare, 2);
	if (*err) {
		put_spares(spare, 2);
		return NULL;
	}
	if (start > v->vm_start) {
		vma_split(&mm->vmas, v, start, spare[0]);
		v = spare[0];
		spare[0] = NULL;
		vma_file_get(v);
	}
	if (end < v->vm_end) {
		vma_split(&mm->vmas, v, end, spare[1]);
		vma_file_get(spare[1]);
		spare[1] = NULL;
	}
	put_spares(spare, 2);
	return v;
}

/*
 * Give the present page at va the permissions of its region v, except
 * that a private page other mappings still share (copy-on-write, or a
 * file's page) stays read-only: the next write copies it.
 */
static void protect_page(struct mm *mm, struct vm_area_struct *v, u64 va)
{
	pte_t *e = pt_walk(mm->pgd, va, false), prot = vm_flags_to_pte(v->vm_flags);

	if (!e || !pte_has_frame(*e))
		return;
	if (!(v->vm_flags & VM_SHARED) && phys_to_page(pte_addr(*e))->refcount > 1)
		prot &= ~PTE_W;
	pt_protect(mm->pgd, va, prot);
}

int mm_protect(struct mm *mm, u64 addr, u64 len, u64 vm_flags)
{
	u64 end = addr + len, va = addr;
	struct vm_area_struct *v;
	int err;

	/* The whole range must be mapped, as Linux requires (-ENOMEM), and
	 * every region must allow the new access (VM_MAY*: -EACCES). */
	for (v = find_vma(&mm->vmas, addr); va < end; v = vma_next(&mm->vmas, v)) {
		if (!v || v->vm_start > va)
			return -ENOMEM;
		if (((vm_flags & VM_WRITE) && !(v->vm_flags & VM_MAYWRITE)) ||
		    ((vm_flags & VM_EXEC) && !(v->vm_flags & VM_MAYEXEC)) ||
		    ((vm_flags & VM_READ) && !(v->vm_flags & VM_MAYREAD)))
			return -EACCES;
		va = v->vm_end;
	}
	/* The other CPUs running this address space's threads forget the old
	 * entries with one shootdown each, before the call returns. */
	err = 0;
	pt_gather_begin();
	for (va = addr; va < end;) {
		u64 piece_end, new_flags;

		v = vma_lookup(&mm->vmas, va);
		piece_end = MIN(end, v->vm_end);
		new_flags = (v->vm_flags & ~(VM_READ | VM_WRITE | VM_EXEC)) |
			    (vm_flags & (VM_READ | VM_WRITE | VM_EXEC));
		if (new_flags == v->vm_flags) { /* nothing to split for */
			va = piece_end;
			continue;
		}
		v = isolate(mm, v, va, piece_end, &err);
		if (!v)
			break;
		v->vm_flags = new_flags;
		for (u64 p = v->vm_start; p < v->vm_end; p += PAGE_SIZE)
			protect_page(mm, v, p);
		va = piece_end;
		merge_around(mm, v);
	}
	pt_gather_end();
	return err;
}

int mm_set_flags(struct mm *mm, u64 addr, u64 len, u64 flags, bool set)
{
	u64 end = addr + len;
	int err;

	for (u64 va = addr; va < end;) {
		struct vm_area_struct *v = vma_lookup(&mm->vmas, va);
		u64 piece_end;

		if (!v)
			return -ENOMEM;
		piece_end = MIN(end, v->vm_end);
		v = isolate(mm, v, va, piece_end, &err);
		if (!v)
			return err;
		v->vm_flags = set ? v->vm_flags | flags : v->vm_flags & ~flags;
		va = piece_end;
		merge_around(mm, v);
	}
	return 0;
}

int mm_set_userfaultfd(struct mm *mm, u64 start, u64 end, u64 uffd_flags,
		       struct userfaultfd_ctx *ctx)
{
	/* By address: a region may merge into the one before it. */
	for (u64 va = start; va < end;) {
		struct vm_area_struct *v = find_vma(&mm->vmas, va);
		u64 s, e;
		int err;

		if (!v || v->vm_start >= end)
			break;
		s = MAX(va, v->vm_start);
		e = MIN(end, v->vm_end);

		if (s > v->vm_start || e < v->vm_end) {
			v = isolate(mm, v, s, e, &err);
			if (!v)
				return err;
		}
		v->vm_flags = (v->vm_flags & ~VM_UFFD_FLAGS) | uffd_flags;
		v->vm_userfaultfd_ctx = ctx;
		merge_around(mm, v);
		va = e;
	}
	return 0;
}

u64 mm_get_unmapped_area(struct mm *mm, u64 len)
{
	return vma_gap_topdown(&mm->vmas, len, PAGE_SIZE, MMAP_MIN_ADDR,
			       mm->mmap_base);
}

/*
 * mm_page_for - the frame backing addr in mm, made this mapping's own as a
 * write would (faulted in, or copied if shared copy-on-write); 0 if there
 * is no region or no memory.  For the kernel writing into an address space
 * that need not be active (exec building the new one), whatever the
 * region's permissions.
 */
static phys_addr_t mm_page_for(struct mm *mm, u64 addr)
{
	struct vm_area_struct *v = vma_lookup(&mm->vmas, addr);
	u64 page = addr & PAGE_MASK;
	pte_t *e;

	if (!v)
		return 0;
	e = pt_walk(mm->pgd, page, false);
	if ((!e || !pte_has_frame(*e)) && fault_in_page(mm, v, page, true))
		return 0;
	if (!(v->vm_flags & VM_SHARED) && break_cow(mm, v, page))
		return 0;
	e = pt_walk(mm->pgd, page, false);
	if (!e)
		return 0;
	/* The kernel writes for the program (exec's stack and .bss): mark
	 * the page accessed and dirty, as the CPU would have. */
	pte_set_bits(e, PTE_A | PTE_D);
	return pte_addr(*e);
}

int mm_clear(struct mm *mm, u64 addr, size_t n)
{
	while (n) {
		size_t off = addr & (PAGE_SIZE - 1), chunk = MIN(n, PAGE_SIZE - off);
		phys_addr_t pa = mm_page_for(mm, addr);

		if (!pa)
			return -EFAULT;
		memset((u8 *)phys_to_virt(pa) + off, 0, chunk);
		addr += chunk;
		n -= chunk;
	}
	return 0;
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

int mm_put_user_u32(struct mm *mm, u64 addr, u32 v)
{
	struct vm_area_struct *r = vma_lookup(&mm->vmas, addr);

	if (!r || !(r->vm_flags & VM_WRITE) || (addr & 3) ||
	    addr + sizeof(v) > r->vm_end)
		return -EFAULT;
	return mm_copy_to(mm, addr, &v, sizeof(v));
}

/* file_peek - the frame of v's file at addr that this mapping does not
 * map (yet): the file's own (read back from swap if need be), or 0 for a
 * hole, past the end, or no file that gives its pages. */
static phys_addr_t file_peek(struct vm_area_struct *v, u64 addr)
{
	u64 pgoff = v->vm_pgoff + ((addr - v->vm_start) >> PAGE_SHIFT);
	struct inode *inode = v->vm_file ? v->vm_file->inode : NULL;
	bool major;
	int err;

	if (!inode || !inode->iops->map_page)
		return 0;
	return inode->iops->map_page(inode, pgoff, false, &err, &major);
}

int mm_copy_from(struct mm *mm, u64 addr, void *dst, size_t n)
{
	u8 *d = dst;

	while (n) {
		size_t off = addr & (PAGE_SIZE - 1), chunk = MIN(n, PAGE_SIZE - off);
		pte_t *e = pt_walk(mm->pgd, addr & PAGE_MASK, false);

		struct vm_area_struct *v = vma_lookup(&mm->vmas, addr);
		phys_addr_t pa = 0;

		if (!v)
			return -EFAULT;
		/* Swapped out: bring it back first (/proc/PID/cmdline of a
		 * process whose arguments went to swap must not read zeros). */
		if (e && pte_is_swap(*e)) {
			if (fault_in_page(mm, v, addr & PAGE_MASK, false))
				return -EFAULT;
			e = pt_walk(mm->pgd, addr & PAGE_MASK, false);
		}
		if (e && pte_has_frame(*e))
			pa = pte_addr(*e);
		else
			pa = file_peek(v, addr);
		if (pa)
			memcpy(d, (u8 *)phys_to_virt(pa) + off, chunk);
		else
			memset(d, 0, chunk); /* never touched: it would read as zero */
		addr += chunk;
		d += chunk;
		n -= chunk;
	}
	return 0;
}

/* The region is looked up again for every page: out_of_memory() may
 * sleep, and another thread may change the regions meanwhile.  A private
 * writable region is faulted in for writing, as Linux's
 * populate_vma_page_range does, so that its pages are its own copies
 * from now on (MAP_POPULATE of a file: later changes to the file are not
 * seen). */
int mm_populate(struct mm *mm, u64 addr, u64 len, bool write)
{
	u64 va = addr & PAGE_MASK;

	while (va < addr + len) {
		struct vm_area_struct *v = vma_lookup(&mm->vmas, va);
		pte_t *e = pt_walk(mm->pgd, va, false);
		int err = 0;

		if (!v)
			return -ENOMEM;
		if (!e || !pte_has_frame(*e))
			err = fault_in_page(mm, v, va, write ||
					    (v->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE);
		if (err == -ENOMEM && out_of_memory(true))
			continue; /* memory was freed: this page again */
		if (err)
			return -ENOMEM;
		va += PAGE_SIZE;
	}
	return 0;
}
