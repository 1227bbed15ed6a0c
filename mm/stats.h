/*
 * mm/stats.h - what an address space holds, counted from its page tables:
 * the numbers behind /proc/PID/smaps, smaps_rollup, status and statm.
 *
 * Each present page is counted with what the CPU and the frame table say
 * about it: the accessed and dirty bits of its page-table entry (set by
 * the CPU), and how many mappings its frame has (page_mapcount()).  The
 * proportional set size (Pss) gives each mapping of a frame an equal
 * share: a page mapped by two processes adds half a page to each.  Shares
 * are kept in bytes << PSS_SHIFT so that rounding happens once, when
 * printed, as Linux does (fs/proc/task_mmu.c).
 */
#ifndef MM_STATS_H
#define MM_STATS_H

#include <vmos/types.h>
#include "mm/swap.h"

#define PSS_SHIFT 12
#define KB_PER_PAGE (PAGE_SIZE / 1024) /* /proc counts memory in kB */

/* Linux's struct mem_size_stats: sizes in bytes, pss_* in bytes << PSS_SHIFT. */
struct mem_size_stats {
	u64 resident;      /* present pages (Rss) */
	u64 shared_clean, shared_dirty;   /* pages with other mappings too */
	u64 private_clean, private_dirty; /* pages only this mapping has */
	u64 referenced;    /* pages whose entry has the accessed bit */
	u64 anonymous;     /* anonymous pages (private copies of file pages too) */
	u64 rss_file, rss_shmem; /* present file pages, shared anonymous pages */
	u64 pss, pss_dirty, pss_anon, pss_file, pss_shmem, pss_locked;
	u64 swap;          /* pages swapped out (Swap) */
	u64 swap_pss;      /* each divided by the entries sharing its slot */
};

/*
 * Linux's task_mem() figures of /proc/PID/status, in kB:
 *   vm_peak, vm_size   peak and current size of all regions
 *   vm_lck             regions locked with mlock (VM_LOCKED)
 *   vm_hwm, vm_rss     peak and current resident pages
 *   rss_anon, rss_file, rss_shmem  the resident pages by kind
 *   vm_data            private writable regions that are not the stack
 *   vm_stk             stack regions (VM_GROWSDOWN)
 *   vm_exe             the program's text: executable, not writable
 *                      regions, at most the span start_code..end_code
 *   vm_lib             other executable, not writable regions
 *   vm_pte             page-table pages below the root
 *   vm_swap            entries holding a swap slot (mm->swapents)
 * vm_pin is always 0 here (no pinning).
 * code_span, start_code..end_code in kB, is statm's "text" (which Linux
 * does not bound by the executable regions, as VmExe is).
 */
struct task_mem {
	u64 vm_peak, vm_size, vm_lck, vm_pin, vm_hwm, vm_rss;
	u64 rss_anon, rss_file, rss_shmem;
	u64 vm_data, vm_stk, vm_exe, vm_lib, vm_pte, vm_swap;
	u64 code_span;
};

struct mm;
struct vm_area_struct;

/* mm_region_stats - add the present pages of region v of mm to *mss. */
void mm_region_stats(struct mm *mm, const struct vm_area_struct *v,
		     struct mem_size_stats *mss);
/* mm_rollup_stats - mm_region_stats() summed over every region of mm. */
void mm_rollup_stats(struct mm *mm, struct mem_size_stats *mss);
/* mm_task_mem - the status figures of mm (see struct task_mem). */
void mm_task_mem(struct mm *mm, struct task_mem *tm);

/*
 * What pagemap says of the page at va of mm (Linux's bit names):
 * present (with its frame number), not anonymous (a file page or shared
 * anonymous memory), and mapped exactly once; or swapped out, with its
 * swap entry.  false if neither a frame nor a swap entry is there.
 */
struct page_info {
	u64 pfn;
	bool file_or_shared;
	bool exclusive;
	bool swapped;
	swp_entry_t swap; /* when swapped */
};
bool mm_page_info(struct mm *mm, u64 va, struct page_info *pi);

#endif
