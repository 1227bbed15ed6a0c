/*
 * mm/stats.c - counting what an address space holds (see mm/stats.h).
 *
 * The walk looks at the leaf page-table entry of every page of a region.
 * An entry with a frame (present, or PROT_NONE) is a resident page:
 *   - its kind: a file page if the frame is a ramfs file's page (or the
 *     region maps a file shared); shared anonymous memory if the region is
 *     shared without a file; anonymous otherwise, which includes the
 *     private copy a write makes of a file page (Linux: folio_test_anon);
 *   - private if no other mapping has the frame (page_mapcount() == 1),
 *     else shared; its Pss share is a page divided by the mappings;
 *   - dirty if the CPU set the entry's dirty bit.  A page written before
 *     fork is dirty in both processes (fork keeps the bit in a private
 *     region's entries, as Linux), so it is Shared_Dirty in each.  Linux
 *     also counts a page whose frame is marked dirty (page cache written by
 *     write(2)); frames here have no such mark, so only the bit counts;
 *   - referenced if the CPU set the accessed bit (fork gives the child
 *     entries without it, as Linux).
 * An entry holding a swap entry is a page swapped out: Swap, and SwapPss
 * its share among the entries that hold the same slot.
 */
#include "mm/stats.h"
#include "mm/frame.h"
#include "mm/mm.h"
#include "mm/pagetable.h"
#include "mm/shmem.h"
#include "mm/swap_state.h"
#include "ipc/shm.h"
#include <asm/page_types.h>


enum page_kind { PAGE_KIND_ANON, PAGE_KIND_FILE, PAGE_KIND_SHMEM };

/* is_shmem_region - does v map a shared memory object (System V or
 * shmem)?  Asked once per region: the answer is the same for every page. */
static bool is_shmem_region(const struct vm_area_struct *v)
{
	return is_shm_file(v->vm_file) || is_shmem_file(v->vm_file);
}

/* page_kind - what kind of memory the frame pg is, mapped in region v
 * (shmem: is_shmem_region(v)). */
static enum page_kind page_kind(const struct vm_area_struct *v,
				const struct page *pg, bool shmem)
{
	if (shmem)
		return PAGE_KIND_SHMEM;
	if ((pg->flags & PG_PAGECACHE) || (v->vm_file && (v->vm_flags & VM_SHARED)))
		return PAGE_KIND_FILE;
	if (v->vm_flags & VM_SHARED)
		return PAGE_KIND_SHMEM;
	return PAGE_KIND_ANON;
}

/* account_page - add one resident page (entry e of region v) to *mss. */
static void account_page(struct mem_size_stats *mss,
			 const struct vm_area_struct *v, pte_t e, bool shmem)
{
	const struct page *pg = phys_to_page(pte_addr(e));
	u32 mappers = MAX(page_mapcount(pg), 1u);
	u64 share = ((u64)PAGE_SIZE << PSS_SHIFT) / mappers;
	bool dirty = e & PTE_D, private = mappers == 1;

	mss->resident += PAGE_SIZE;
	mss->pss += share;
	if (e & PTE_A)
		mss->referenced += PAGE_SIZE;
	switch (page_kind(v, pg, shmem)) {
	case PAGE_KIND_ANON:
		mss->anonymous += PAGE_SIZE;
		mss->pss_anon += share;
		break;
	case PAGE_KIND_FILE:
		mss->rss_file += PAGE_SIZE;
		mss->pss_file += share;
		break;
	case PAGE_KIND_SHMEM:
		mss->rss_shmem += PAGE_SIZE;
		mss->pss_shmem += share;
		break;
	}
	if (v->vm_flags & VM_LOCKED)
		mss->pss_locked += share;
	if (dirty) {
		mss->pss_dirty += share;
		*(private ? &mss->private_dirty : &mss->shared_dirty) += PAGE_SIZE;
	} else {
		*(private ? &mss->private_clean : &mss->shared_clean) += PAGE_SIZE;
	}
}

/* One walk from the root per last-level table, then along its entries:
 * a process exits through here (its zombie's status), so it must not cost
 * four table lookups a page. */
void mm_region_stats(struct mm *mm, const struct vm_area_struct *v,
		     struct mem_size_stats *mss)
{
	u64 table_span = pt_level_size(2); /* what one last-level table maps */
	bool shmem = is_shmem_region(v);

	for (u64 va = v->vm_start; va < v->vm_end;) {
		u64 end = MIN(ALIGN_DOWN(va, table_span) + table_span, v->vm_end);
		pte_t *e = pt_walk(mm->pgd, va, false);

		for (; e && va < end; va += PAGE_SIZE, e++) {
			if (pte_has_frame(*e)) {
				account_page(mss, v, *e, shmem);
			} else if (pte_is_swap(*e)) {
				swp_entry_t s = { pte_to_swap_val(*e) };

				mss->swap += PAGE_SIZE;
				mss->swap_pss += ((u64)PAGE_SIZE << PSS_SHIFT) /
						 MAX(swap_entry_users(s), 1u);
			}
		}
		va = end; /* no table here: skip all it would map */
	}
}

void mm_rollup_stats(struct mm *mm, struct mem_size_stats *mss)
{
	for (struct vm_area_struct *v = vma_first(&mm->vmas); v;
	     v = vma_next(&mm->vmas, v))
		mm_region_stats(mm, v, mss);
}

/* Linux's region classes (is_data_mapping() and friends in mm/internal.h);
 * the stack is VM_GROWSDOWN on x86. */
static bool is_stack_region(u64 flags)
{
	return flags & VM_GROWSDOWN;
}

static bool is_exec_region(u64 flags)
{
	return (flags & (VM_EXEC | VM_WRITE | VM_GROWSDOWN)) == VM_EXEC;
}

static bool is_data_region(u64 flags)
{
	return (flags & (VM_WRITE | VM_SHARED | VM_GROWSDOWN)) == VM_WRITE;
}

void mm_task_mem(struct mm *mm, struct task_mem *tm)
{
	struct mem_size_stats mss = { 0 };
	u64 locked = 0, data = 0, stack = 0, exec = 0, span, text, rss;

	for (struct vm_area_struct *v = vma_first(&mm->vmas); v;
	     v = vma_next(&mm->vmas, v)) {
		u64 pages = vma_pages(v);

		locked += (v->vm_flags & VM_LOCKED) ? pages : 0;
		data += is_data_region(v->vm_flags) ? pages : 0;
		stack += is_stack_region(v->vm_flags) ? pages : 0;
		exec += is_exec_region(v->vm_flags) ? pages : 0;
		mm_region_stats(mm, v, &mss);
	}
	span = (ALIGN_UP(mm->end_code, PAGE_SIZE) -
		ALIGN_DOWN(mm->start_code, PAGE_SIZE)) / PAGE_SIZE;
	text = MIN(span, exec);
	rss = mss.resident / PAGE_SIZE;
	*tm = (struct task_mem){
		.vm_peak = MAX(mm->hiwater_vm, mm->total_vm) * KB_PER_PAGE,
		.vm_size = mm->total_vm * KB_PER_PAGE,
		.vm_lck = locked * KB_PER_PAGE,
		.vm_hwm = MAX(mm->hiwater_rss, rss) * KB_PER_PAGE,
		.vm_rss = rss * KB_PER_PAGE,
		.rss_anon = mss.anonymous / 1024,
		.rss_file = mss.rss_file / 1024,
		.rss_shmem = mss.rss_shmem / 1024,
		.vm_data = data * KB_PER_PAGE,
		.vm_stk = stack * KB_PER_PAGE,
		.vm_exe = text * KB_PER_PAGE,
		.vm_lib = (exec - text) * KB_PER_PAGE,
		.vm_pte = pt_count_user_tables(mm->pgd) * KB_PER_PAGE,
		.vm_swap = mm->swapents * KB_PER_PAGE,
		.code_span = span * KB_PER_PAGE,
	};
}

bool mm_page_info(struct mm *mm, u64 va, struct page_info *pi)
{
	struct vm_area_struct *v;
	const struct page *pg;
	pte_t *e;

	if (va >= USER_SPACE_END || !(v = vma_lookup(&mm->vmas, va)))
		return false;
	e = pt_walk(mm->pgd, va, false);
	if (e && pte_is_swap(*e)) {
		*pi = (struct page_info){ .swapped = true,
					  .swap = { pte_to_swap_val(*e) } };
		return true;
	}
	if (!e || !pte_has_frame(*e))
		return false;
	pg = phys_to_page(pte_addr(*e));
	pi->swapped = false;
	pi->pfn = pte_addr(*e) >> PAGE_SHIFT;
	pi->file_or_shared = page_kind(v, pg, is_shmem_region(v)) != PAGE_KIND_ANON;
	pi->exclusive = page_mapcount(pg) == 1;
	return true;
}
