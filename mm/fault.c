/*
 * mm/fault.c - the page-fault handler: decides what a fault means.
 *
 * handle_mm_fault() reads like Linux's decision tree, one way down:
 *   no region at the address           -> SIGSEGV (SEGV_MAPERR)
 *   below a stack region               -> expand_stack(), within the limit
 *                                         and never into the guard gap
 *   the region forbids the access      -> SIGSEGV (SEGV_ACCERR)
 *   then handle_pte_fault(), on the page-table entry:
 *   the page is in swap                -> do_swap_page(): read it back
 *                                         (mm/swap_state.c: a major fault;
 *                                         the task sleeps for the disk, and
 *                                         the decision is made again from
 *                                         the top, as Linux's VM_FAULT_RETRY)
 *   the page is not there yet, and the region's userfaultfd wants it
 *                                      -> handle_userfault(): ask the
 *                                         monitor (mm/userfaultfd.c)
 *   the page is not there yet          -> do_anonymous_page(): a zeroed frame
 *                                         do_fault(): the file's page, by
 *                                         do_read_fault(), do_cow_fault()
 *                                         or do_shared_fault()
 *                                         (beyond the file's end: SIGBUS)
 *   a write to a page shared read-only -> do_wp_page(): copy-on-write
 *   no frame for any of these          -> out_of_memory(), then again
 * The answer is one struct fault_outcome (fault.h): the result, the case
 * that ran (enum fault_how) and a copy of the region.  The named cases
 * are __noinline so that each is a frame of its own: `hbreak
 * do_anonymous_page` stops on a demand-zero fault, and backtraces name it.
 * Before any of it, reclaim_if_low() (mm/vmscan.c) moves pages to swap
 * when free frames run low: no page-table pointer is held yet, and the
 * decision reads the entry afterwards, not the CPU's error code (which
 * says "present" for a page that reclaim may just have sent to swap).
 * Kernel-mode faults on kernel addresses are bugs (the caller panics);
 * kernel-mode faults on user addresses come from the user-copy functions
 * and are resolved like a user's, or become -EFAULT.
 */
#include "mm/fault.h"
#include <vmos/errno.h>
#include "fs/vfs.h"
#include <vmos/printk.h>
#include "kernel/rlimit.h"
#include "kernel/task.h"
#include <vmos/format.h>
#include <vmos/string.h>
#include "mm/frame.h"
#include "mm/mm.h"
#include "mm/oom.h"
#include "mm/pagetable.h"
#include "mm/rmap.h"
#include "mm/swap_state.h"
#include "mm/userfaultfd.h"
#include "mm/vmscan.h"
#include <asm/page.h>
#include <asm/page_types.h>
#include <asm/pgtable.h>
#include <asm/tlb.h>

static __always_inline int install(struct mm *mm, struct vm_area_struct *v,
				   u64 addr, pte_t *e, phys_addr_t pa, bool writable);
static phys_addr_t copy_frame(phys_addr_t src);

/* install_new_frame - a fresh frame holding a copy of frame src (zeros
 * if src is 0), mapped writable (as the region allows) at addr, whose
 * (empty) entry is e. */
static int install_new_frame(struct mm *mm, struct vm_area_struct *v, u64 addr,
			     pte_t *e, phys_addr_t src)
{
	phys_addr_t pa = copy_frame(src);

	if (!pa)
		return -ENOMEM;
	if (install(mm, v, addr, e, pa, true)) {
		frame_free(pa);
		return -ENOMEM;
	}
	return 0;
}

/*
 * do_anonymous_page - the first touch of a page of anonymous memory (heap,
 * stack, BSS, an anonymous mmap): demand-zero.  Until now the page had no
 * frame at all; it gets a fresh one, zeroed (never another process's old
 * data), mapped in its empty entry e with the region's permissions and
 * counted in the resident set (install()).  0 or -ENOMEM.
 */
static __noinline int do_anonymous_page(struct mm *mm, struct vm_area_struct *v, u64 addr,
			     pte_t *e)
{
	/* LAB lazy BEGIN */
	phys_addr_t pa = frame_alloc();

	if (!pa)
		return -ENOMEM; /* resolve() calls the OOM killer, then retries */
	clear_page(phys_to_virt(pa));
	if (install(mm, v, addr, e, pa, true)) {
		frame_free(pa);
		return -ENOMEM;
	}
	return 0;
	/* LAB lazy STUB
	return fault_sigsegv_stub("lazy", __func__);
	   LAB lazy END */
}

/* Install frame pa at addr, in its empty entry e, with the region's
 * permissions (write permission only if writable is also true).  Inline
 * in each case, as the copy below: the fault path has no call to spare. */
static __always_inline int install(struct mm *mm, struct vm_area_struct *v,
				   u64 addr, pte_t *e, phys_addr_t pa, bool writable)
{
	pte_t prot = vm_flags_to_pte(v->vm_flags);

	if (!writable)
		prot &= ~PTE_W;
	if (page_add_rmap(phys_to_page(pa), mm, addr))
		return -ENOMEM;
	pt_fill(addr, e, pa, prot & ~PTE_SW_PROTNONE);
	if (prot & PTE_SW_PROTNONE)
		pt_protect(mm->pgd, addr, PTE_SW_PROTNONE);
	mm->rss++;
	mm->hiwater_rss = MAX(mm->hiwater_rss, mm->rss);
	return 0;
}

int install_frame(struct mm *mm, struct vm_area_struct *v, u64 addr,
		       pte_t *e, phys_addr_t pa)
{
	return install(mm, v, addr, e, pa, true);
}

/* A fresh frame holding a copy of src (a frame), or zeroes (src 0). */
static phys_addr_t copy_frame(phys_addr_t src)
{
	phys_addr_t pa = frame_alloc();

	if (pa && src)
		copy_page(phys_to_virt(pa), phys_to_virt(src));
	else if (pa)
		clear_page(phys_to_virt(pa));
	return pa;
}

/* map_file_page - map the file's own frame pa at addr (shared: writable as
 * the region allows; private: read-only until a write copies it). */
static int map_file_page(struct mm *mm, struct vm_area_struct *v, u64 addr,
			 pte_t *e, phys_addr_t pa, bool shared)
{
	if (!pa)
		return -ENOMEM;
	page_get(phys_to_page(pa));
	if (!install(mm, v, addr, e, pa, shared))
		return 0;
	page_put(phys_to_page(pa));
	return -ENOMEM;
}

/* file_page - page pgoff of v's file, through the file's own hook
 * (inode_operations.map_page, fs/vfs.h): a frame, or 0 with *err (0: a
 * hole, when !alloc); a read from disk sets *how to the major fault. */
static phys_addr_t file_page(struct vm_area_struct *v, u64 pgoff, bool alloc,
			     int *err, enum fault_how *how)
{
	struct inode *inode = v->vm_file->inode;
	bool major = false;
	phys_addr_t pa = inode->iops->map_page(inode, pgoff, alloc, err, &major);

	if (major)
		*how = HOW_SWAP_IN_MAJOR;
	return pa;
}

/* do_shared_fault - a page of a MAP_SHARED file region (a shmem object
 * too: shared anonymous memory): the file's own page, so that writes
 * land in the file. */
static __noinline int do_shared_fault(struct mm *mm, struct vm_area_struct *v, u64 addr,
				      pte_t *e, u64 pgoff, enum fault_how *how)
{
	*how = HOW_FILE_SHARED;
	/* LAB mmap BEGIN */
	int err;
	phys_addr_t pa = file_page(v, pgoff, true, &err, how);

	return pa ? map_file_page(mm, v, addr, e, pa, true) : err;
	/* LAB mmap STUB
	return fault_sigsegv_stub("mmap", __func__);
	   LAB mmap END */
}

/* do_read_fault - a read of a page of a private file region: the file's
 * page, read-only until a write; a hole reads as a page of zeros of its
 * own (the file gives no frame for it). */
static __noinline int do_read_fault(struct mm *mm, struct vm_area_struct *v, u64 addr,
				    pte_t *e, u64 pgoff, enum fault_how *how)
{
	int err;
	phys_addr_t pa;

	*how = HOW_FILE_READ;
	pa = file_page(v, pgoff, false, &err, how);
	if (pa)
		return map_file_page(mm, v, addr, e, pa, false);
	if (err)
		return err;
	*how = HOW_FILE_COW;
	return install_new_frame(mm, v, addr, e, 0);
}

/* do_cow_fault - a write to a page of a private file region not yet
 * mapped: a private copy of the file's page (zeros for a hole). */
static __noinline int do_cow_fault(struct mm *mm, struct vm_area_struct *v, u64 addr,
				   pte_t *e, u64 pgoff, enum fault_how *how)
{
	int err;
	phys_addr_t pa;

	*how = HOW_FILE_COW;
	pa = file_page(v, pgoff, false, &err, how);
	return err ? err : install_new_frame(mm, v, addr, e, pa);
}

/*
 * do_fault - the page at addr of a file region, by do_shared_fault(),
 * do_read_fault() or do_cow_fault(); the file gives its pages through its
 * inode's map_page (ramfs, a shmem object), as Linux's vm_ops->fault.
 * -EFAULT (SIGBUS) beyond the end of the file, -ENOMEM, -EIO.
 */
static __noinline int do_fault(struct mm *mm, struct vm_area_struct *v, u64 addr,
			       pte_t *e, bool write, enum fault_how *how)
{
	u64 pgoff = v->vm_pgoff + ((addr - v->vm_start) >> PAGE_SHIFT);
	int err;

	if (v->vm_flags & VM_SHARED)
		err = do_shared_fault(mm, v, addr, e, pgoff, how);
	else if (!write)
		err = do_read_fault(mm, v, addr, e, pgoff, how);
	else
		err = do_cow_fault(mm, v, addr, e, pgoff, how);
	if (err == -EFAULT)
		*how = HOW_BEYOND_EOF;
	return err;
}

/* wp_page_copy - the write fault's copy: a fresh frame holding a copy
 * of page old, mapped by entry e, put in e's place writable (as the
 * region allows), and this mapping's reference on the original dropped.  The
 * resident count does not change.  0 or -ENOMEM. */
static __always_inline int wp_page_copy(struct mm *mm, struct vm_area_struct *v,
					u64 addr, pte_t *e, struct page *old)
{
	struct page *copy = frames_alloc(0);

	if (!copy)
		return -ENOMEM;
	copy_page(phys_to_virt(page_to_phys(copy)), phys_to_virt(pte_addr(*e)));
	if (page_add_rmap(copy, mm, addr)) {
		page_put(copy);
		return -ENOMEM;
	}
	/* The same entry, now the copy's: no second walk. */
	pt_replace(mm->pgd, addr, e, page_to_phys(copy),
		   vm_flags_to_pte(v->vm_flags) & ~PTE_SW_PROTNONE);
	page_remove_rmap(old, mm, addr);
	page_put(old);
	return 0;
}

/*
 * do_wp_page - a write to the present read-only page in entry e of a
 * private writable region: copy-on-write.  A file's page (the page
 * cache's, mapped read-only by do_read_fault) is always copied: the file
 * keeps its own.  An anonymous page shared since fork (mm.c, fork_entry)
 * is copied while others map it; its last user just makes it writable
 * (Linux's wp_page_reuse), without a copy.  0 or -ENOMEM.
 */
static __noinline int do_wp_page(struct mm *mm, struct vm_area_struct *v, u64 addr,
		      pte_t *e, enum fault_how *how)
{
	struct page *old = phys_to_page(pte_addr(*e));

	if (old->flags & PG_PAGECACHE) {
		*how = HOW_COW_COPY;
		return wp_page_copy(mm, v, addr, e, old);
	}
	/* LAB cow BEGIN */
	if (old->refcount == 1) {
		*how = HOW_COW_REUSE;
		pt_protect(mm->pgd, addr, vm_flags_to_pte(v->vm_flags));
		return 0;
	}
	*how = HOW_COW_COPY;
	return wp_page_copy(mm, v, addr, e, old);
	/* LAB cow STUB
	return fault_sigsegv_stub("cow", __func__);
	   LAB cow END */
}

/*
 * handle_pte_fault - the page at addr of region v, by its page-table entry
 * as it is now (not as the CPU saw it: reclaim_if_low(), or the OOM path
 * before a retry, may have sent the page to swap since; Linux re-reads the
 * entry under its lock the same way).  One walk, making the tables the
 * page needs; then a swap entry comes back, an empty one gets a page, a
 * write to a read-only private page is copied.  0, -EFAULT (beyond the
 * file: SIGBUS), -EIO (swap read failed: SIGBUS) or -ENOMEM.
 */
static __always_inline int
handle_pte_fault(struct mm *mm, struct vm_area_struct *v, u64 addr, bool write,
		 enum fault_how *how, bool may_sleep)
{
	pte_t *e = pt_walk(mm->pgd, addr, true);

	if (!e)
		return -ENOMEM;
	if (pte_is_swap(*e)) {
		bool major;
		int err = do_swap_page(mm, v, addr, e, write, &major, may_sleep);

		*how = major ? HOW_SWAP_IN_MAJOR : HOW_SWAP_IN_CACHE;
		return err;
	}
	if (!pte_has_frame(*e)) {
		if (!vma_is_anonymous(v))
			return do_fault(mm, v, addr, e, write, how);
		*how = HOW_ZERO_FILL;
		return do_anonymous_page(mm, v, addr, e);
	}
	if (write && !(v->vm_flags & VM_SHARED) && !(*e & PTE_W))
		return do_wp_page(mm, v, addr, e, how);
	/* Allowed by the region, present in the table: the TLB held an old
	 * entry (after mprotect), or the fault was resolved already.  Retry. */
	*how = HOW_SPURIOUS;
	arch_flush_tlb_page(addr);
	return 0;
}

int fault_in_page(struct mm *mm, struct vm_area_struct *v, u64 addr, bool write)
{
	enum fault_how how;
	pte_t *e = pt_walk(mm->pgd, addr, true);

	if (!e)
		return -ENOMEM;
	/* An empty entry of anonymous memory gets its zeroed frame here, as
	 * do_anonymous_page() gives it: the kernel's own touches (exec
	 * writing a new program's stack, MAP_POPULATE) must also work in lab
	 * lazy's skeleton, whose do_anonymous_page() is the student's to
	 * write (docs/labs/lazy.md).  The caller keeps v: no sleeping for
	 * a swap read (do_swap_page()). */
	if (!*e && vma_is_anonymous(v))
		return install_new_frame(mm, v, addr, e, 0);
	return handle_pte_fault(mm, v, addr, write, &how, false);
}

int break_cow(struct mm *mm, struct vm_area_struct *v, u64 addr)
{
	pte_t *e = pt_walk(mm->pgd, addr, false);
	enum fault_how how;

	if (!e || !pte_has_frame(*e))
		return -EFAULT;
	if (phys_to_page(pte_addr(*e))->refcount == 1)
		return 0; /* already this mapping's own */
	return do_wp_page(mm, v, addr, e, &how);
}

/*
 * expand_stack - grow the stack region v down to cover addr. Refused past
 * RLIMIT_STACK, or closer than STACK_GUARD_GAP to the region below.
 */
static __noinline bool expand_stack(struct mm *mm, struct vm_area_struct *v, u64 addr)
{
	u64 new_start = addr & PAGE_MASK;
	struct vm_area_struct *prev = vma_prev(&mm->vmas, v);
	u64 limit = current->rlimits[RLIMIT_STACK][0];

	if (v->vm_end - new_start > limit)
		return false;
	if (prev && new_start < prev->vm_end + STACK_GUARD_GAP)
		return false;
	u64 grown = (v->vm_start - new_start) >> PAGE_SHIFT;

	if (vma_adjust(&mm->vmas, v, new_start, v->vm_end))
		return false;
	mm_account(mm, (s64)grown); /* VmSize grows with the stack */
	return true;
}

/* stack_refusal - why a fault below stack region v was refused: an
 * overflow (within the stack limit and guard gap of it), or simply no
 * region (farther down). */
static enum fault_how stack_refusal(const struct vm_area_struct *v, u64 addr)
{
	u64 reach = current->rlimits[RLIMIT_STACK][0] + STACK_GUARD_GAP;

	return v->vm_end - addr <= reach ? HOW_STACK_OVERFLOW : HOW_BELOW_STACK;
}

/* Is the access allowed by the region's permissions? */
static bool access_allowed(const struct vm_area_struct *v, const struct fault *f)
{
	switch (f->access) {
	case FAULT_WRITE:
		return v->vm_flags & VM_WRITE;
	case FAULT_EXEC:
		return v->vm_flags & VM_EXEC;
	default:
		return v->vm_flags & (VM_READ | VM_WRITE | VM_EXEC);
	}
}

__noinline int fault_sigsegv_stub(const char *lab, const char *fn)
{
	static bool said;

	if (!said)
		printk("lab %s: %s() is the skeleton's stub: the fault gets SIGSEGV "
		       "(docs/labs/%s.md)\n", lab, fn, lab);
	said = true;
	return -ENOSYS;
}

/* result_of - the result a failed case's error gives. */
static enum fault_result result_of(int err, enum fault_how *how)
{
	if (err == -ENOSYS) {
		*how = HOW_LAB_STUB;
		return FAULT_SIGSEGV_MAPERR;
	}
	if (err == -EFAULT)
		return FAULT_SIGBUS; /* *how says HOW_BEYOND_EOF */
	if (err == -EIO) {
		*how = HOW_SWAP_IO_ERROR;
		return FAULT_SIGBUS;
	}
	/* The task slept while the disk read the page (swap-in): the region
	 * and its entry may have changed meanwhile, so the decision is made
	 * again (handle_mm_fault()); this time the page is in the cache. */
	if (err == -EAGAIN)
		return FAULT_AGAIN;
	*how = HOW_OUT_OF_MEMORY;
	return FAULT_OOM;
}

/* The decision tree itself (see the top of this file). */
static void resolve(struct mm *mm, const struct fault *f, struct fault_outcome *o)
{
	struct vm_area_struct *v = find_vma(&mm->vmas, f->addr);
	bool grew = false;
	int err;

	o->region.valid = false;
	o->how = HOW_NO_REGION;
	o->result = FAULT_SIGSEGV_MAPERR;
	if (!v)
		return;
	o->region.valid = true;
	o->region.vma = v;
	o->region.start = v->vm_start;
	o->region.end = v->vm_end;
	o->region.flags = v->vm_flags;
	if (f->addr < v->vm_start) {
		if (!(v->vm_flags & VM_GROWSDOWN))
			return;
		if (!expand_stack(mm, v, f->addr)) {
			o->how = stack_refusal(v, f->addr);
			return;
		}
		o->region.start = v->vm_start;
		grew = true;
	}
	if (!access_allowed(v, f)) {
		o->how = HOW_FORBIDDEN;
		o->result = FAULT_SIGSEGV_ACCERR;
		return;
	}
	/* Where Linux's do_anonymous_page() and shmem fault ask the
	 * userfaultfd: an empty entry of a registered region. */
	if (userfaultfd_armed(v) && userfaultfd_wants_fault(mm, v, f->addr & PAGE_MASK)) {
		o->result = handle_userfault(mm, v, f);
		o->how = o->result == FAULT_OK ? HOW_USERFAULT : HOW_USERFAULT_SIGBUS;
		return;
	}
	err = handle_pte_fault(mm, v, f->addr & PAGE_MASK, f->access == FAULT_WRITE,
			       &o->how, true);
	if (err) {
		o->result = result_of(err, &o->how);
		return;
	}
	if (grew)
		o->how = HOW_STACK_GROW;
	o->major = o->how == HOW_SWAP_IN_MAJOR;
	o->result = FAULT_OK;
}

bool vmtrace_all; /* "vmtrace" on the command line: every process */
u64 vm_faults_total; /* every fault resolved, all processes (/proc/vmstat) */
u64 vm_major_faults; /* those that read their page from swap (pgmajfault) */

/* One vmtrace line: who, what access, where, which region, what happened. */
static __noinline void vmtrace_print(struct mm *mm, const struct fault *f,
				     const struct fault_outcome *o)
{
	char perms[6] = "";
	const char *name = "";

	if (fault_in_region(f, o)) {
		name = mm_region_name(mm, o->region.vma);
		perms[0] = ' ';
		mm_region_perms(o->region.vma, perms + 1);
	}
	printk("vmtrace: %s[%d] %s 0x%lx in %s%s: %s\n", current->comm,
	       current->pid, fault_access_verb(f->access), f->addr,
	       !fault_in_region(f, o) ? "no region" : name[0] ? name : "anonymous memory",
	       perms, fault_how_words(o->how));
}

/* vmtrace - the line, if this process (or every one) is traced: the test
 * inline, as every fault makes it. */
static inline void vmtrace(struct mm *mm, const struct fault *f,
			   const struct fault_outcome *o)
{
	if (vmtrace_all || mm->vmtrace)
		vmtrace_print(mm, f, o);
}

/* count - a resolved fault in the task's and the system's counters. */
static void count(const struct fault_outcome *o)
{
	if (o->major) {
		current->ru.majflt++;
		vm_major_faults++;
	} else {
		current->ru.minflt++;
	}
	vm_faults_total++;
}

/* try_again - resolve() ended in FAULT_OOM or FAULT_AGAIN (one compare on
 * the way out of every fault): decide again?  After a sleep for the disk,
 * yes; out of memory, if the OOM path freed some. */
static __noinline bool try_again(const struct fault_outcome *o, bool user)
{
	return o->result == FAULT_AGAIN || out_of_memory(user);
}

enum fault_result handle_mm_fault(struct mm *mm, const struct fault *f,
				  struct fault_outcome *o)
{
	o->how = HOW_NO_REGION;
	o->major = false;
	o->region.valid = false;
	if (!mm || f->addr >= USER_SPACE_END) {
		if (f->addr >= USER_SPACE_END)
			o->how = HOW_KERNEL_HALF;
		o->result = f->user ? FAULT_SIGSEGV_MAPERR : FAULT_KERNEL_BUG;
		return o->result;
	}
	/* Out of memory: the OOM killer frees some and the fault is tried
	 * again; a fault in user mode may wait for the victim to die (see
	 * out_of_memory() for why a kernel-mode one does not). */
	reclaim_if_low(); /* before the walk: eviction changes entries */
	do
		resolve(mm, f, o);
	while (o->result >= FAULT_OOM && try_again(o, f->user));
	if (o->result == FAULT_OK)
		count(o);
	vmtrace(mm, f, o);
	return o->result;
}

const char *fault_how_words(enum fault_how how)
{
	static const char *const words[] = {
		[HOW_ZERO_FILL] = "zero-fill",
		[HOW_STACK_GROW] = "stack grow, zero-fill",
		[HOW_FILE_SHARED] = "file page (shared)",
		[HOW_FILE_READ] = "file page (read-only until written)",
		[HOW_FILE_COW] = "file page, private copy",
		[HOW_COW_COPY] = "cow copy",
		[HOW_COW_REUSE] = "cow: last user, made writable",
		[HOW_SWAP_IN_MAJOR] = "major fault: swap-in, read from disk",
		[HOW_SWAP_IN_CACHE] = "swap-in from the swap cache",
		[HOW_SPURIOUS] = "spurious (stale TLB entry)",
		[HOW_KERNEL_HALF] = "SIGSEGV: the kernel's half of the address space",
		[HOW_NO_REGION] = "SIGSEGV: no region here (SEGV_MAPERR)",
		[HOW_STACK_OVERFLOW] = "SIGSEGV: below the stack, past its limit or "
				       "into the guard gap (SEGV_MAPERR)",
		[HOW_BELOW_STACK] = "SIGSEGV: no region here (SEGV_MAPERR)",
		[HOW_FORBIDDEN] = "SIGSEGV: the region forbids this access (SEGV_ACCERR)",
		[HOW_BEYOND_EOF] = "SIGBUS: beyond the end of the file",
		[HOW_SWAP_IO_ERROR] = "SIGBUS: the page could not be read back from swap",
		[HOW_OUT_OF_MEMORY] = "out of memory",
		[HOW_USERFAULT] = "userfault: asked the monitor",
		[HOW_USERFAULT_SIGBUS] = "SIGBUS: a userfault that may not wait",
		[HOW_LAB_STUB] = "SIGSEGV: a lab's stub (the case is not written yet)",
	};

	return how < ARRAY_SIZE(words) && words[how] ? words[how] : "?";
}

const char *fault_access_verb(enum fault_access a)
{
	return a == FAULT_WRITE ? "write" : a == FAULT_EXEC ? "exec" : "read";
}

const char *fault_access_words(enum fault_access a)
{
	return a == FAULT_WRITE ? "write to" : a == FAULT_EXEC ? "execute" : "read from";
}
