/*
 * mm/fault.c - the page-fault handler: decides what a fault means.
 *
 * handle_mm_fault() reads like Linux's decision tree:
 *   no region at the address           -> SIGSEGV (SEGV_MAPERR)
 *   below a stack region               -> expand_stack(), within the limit
 *                                         and never into the guard gap
 *   the region forbids the access      -> SIGSEGV (SEGV_ACCERR)
 *   the page is in swap                -> do_swap_page(): read it back
 *                                         (mm/swap_state.c: a major fault)
 *   the page is not there yet          -> do_anonymous_page(): a zeroed frame
 *     ...in a region a userfaultfd watches -> handle_userfault(): ask the
 *                                         monitor (mm/userfaultfd.c)
 *                                         do_fault(): the file's page
 *                                         (beyond the file's end: SIGBUS)
 *   a write to a page shared read-only -> do_wp_page(): copy-on-write
 *   no frame for any of these          -> out_of_memory(), then again
 * Before any of it, reclaim_if_low() (mm/vmscan.c) moves pages to swap
 * when free frames run low: no page-table pointer is held yet, and the
 * decision reads the entry afterwards, not the CPU's error code (which
 * says "present" for a page that reclaim may just have sent to swap).
 * Kernel-mode faults on kernel addresses are bugs (the caller panics);
 * kernel-mode faults on user addresses come from the user-copy functions
 * and are resolved like a user's, or become -EFAULT.
 */
#include "mm/fault.h"
#include "kernel/errno.h"
#include "kernel/fs/vfs.h"
#include "kernel/printk.h"
#include "kernel/rlimit.h"
#include "kernel/task.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/kstack.h"
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

#define NULL_GUARD_END 4096 /* accesses below this: a NULL pointer, surely */

static int install(struct mm *mm, struct vm_area_struct *v, u64 addr,
		   pte_t *e, phys_addr_t pa, bool writable);
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

int do_anonymous_page(struct mm *mm, struct vm_area_struct *v, u64 addr)
{
	pte_t *e = pt_walk(mm->pgd, addr, true);

	return e ? install_new_frame(mm, v, addr, e, 0) : -ENOMEM;
}

/* Install frame pa at addr, in its empty entry e, with the region's
 * permissions (write permission only if writable is also true). */
static int install(struct mm *mm, struct vm_area_struct *v, u64 addr,
		   pte_t *e, phys_addr_t pa, bool writable)
{
	pte_t prot = vm_flags_to_pte(v->vm_flags);

	if (!writable)
		prot &= ~PTE_W;
	if (rmap_add(phys_to_page(pa), mm, addr))
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
		memcpy(phys_to_virt(pa), phys_to_virt(src), PAGE_SIZE);
	else if (pa)
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return pa;
}

/*
 * do_fault - the page at addr of a file region: the file's own page for a
 * shared region (writes land in the file); for a private region, the
 * file's page read-only until a write, or a private copy for a write.
 * -EFAULT (SIGBUS) beyond the end of the file, -ENOMEM.
 */
static int do_fault(struct mm *mm, struct vm_area_struct *v, u64 addr, pte_t *e,
		    bool write, const char **how)
{
	struct inode *inode = v->vm_file->inode;
	u64 pgoff = v->vm_pgoff + ((addr - v->vm_start) >> PAGE_SHIFT);
	bool shared = v->vm_flags & VM_SHARED;
	phys_addr_t pa;

	if (!is_ramfs_file(inode) ||
	    pgoff >= ALIGN_UP(inode->size, PAGE_SIZE) >> PAGE_SHIFT)
		return -EFAULT;
	pa = ramfs_get_page(inode, pgoff, shared);
	*how = shared ? "file page (shared)" : pa && !write ? "file page (read-only until written)"
					      : "file page, private copy";
	if (shared || (pa && !write)) {
		if (!pa)
			return -ENOMEM;
		page_get(phys_to_page(pa));
		if (!install(mm, v, addr, e, pa, shared))
			return 0;
		page_put(phys_to_page(pa));
		return -ENOMEM;
	}
	/* A private page of its own (zeros for a hole). */
	return install_new_frame(mm, v, addr, e, pa);
}

/*
 * do_wp_page - a write to a present read-only page of a private writable
 * region: copy-on-write.  The last user of an anonymous page just makes it
 * writable; otherwise the page is copied and this mapping's reference on
 * the original dropped.
 */
static int do_wp_page(struct mm *mm, struct vm_area_struct *v, u64 addr,
		      const char **how)
{
	pte_t *e = pt_walk(mm->pgd, addr, false);
	struct page *old;
	phys_addr_t pa;

	if (!e || !pte_has_frame(*e))
		return -EFAULT;
	old = phys_to_page(pte_addr(*e));
	if (old->refcount == 1) {
		*how = "cow: last user, made writable";
		pt_protect(mm->pgd, addr, vm_flags_to_pte(v->vm_flags));
		return 0;
	}
	*how = "cow copy";
	pa = copy_frame(pte_addr(*e));
	if (!pa)
		return -ENOMEM;
	if (rmap_add(phys_to_page(pa), mm, addr)) {
		frame_free(pa);
		return -ENOMEM;
	}
	/* The same entry, now the copy's, writable: no second walk, and the
	 * resident count does not change. */
	pt_replace(mm->pgd, addr, e, pa,
		   vm_flags_to_pte(v->vm_flags) & ~PTE_SW_PROTNONE);
	rmap_remove(old, mm, addr);
	page_put(old);
	return 0;
}

/* What vmtrace says of a major fault; handle_mm_fault() counts a fault
 * that answered with it in majflt rather than minflt. */
static const char how_swap_in[] = "major fault: swap-in, read from disk";

/*
 * fault_in_page_how - fault_in_page(), saying which case it was: one walk
 * (making the tables the page needs), then the entry it found: a swap
 * entry comes back from swap, an empty one gets a page.
 */
static int fault_in_page_how(struct mm *mm, struct vm_area_struct *v, u64 addr,
			     bool write, const char **how)
{
	pte_t *e = pt_walk(mm->pgd, addr, true);

	if (!e)
		return -ENOMEM;
	if (pte_is_swap(*e)) {
		bool major;
		int err = do_swap_page(mm, v, addr, e, write, &major);

		*how = major ? how_swap_in : "swap-in from the swap cache";
		return err;
	}
	if (v->vm_file)
		return do_fault(mm, v, addr, e, write, how);
	*how = "zero-fill";
	return install_new_frame(mm, v, addr, e, 0);
}

int fault_in_page(struct mm *mm, struct vm_area_struct *v, u64 addr, bool write)
{
	const char *how;

	return fault_in_page_how(mm, v, addr, write, &how);
}

int break_cow(struct mm *mm, struct vm_area_struct *v, u64 addr)
{
	pte_t *e = pt_walk(mm->pgd, addr, false);

	if (!e || !pte_has_frame(*e))
		return -EFAULT;
	if (phys_to_page(pte_addr(*e))->refcount == 1)
		return 0; /* already this mapping's own */
	const char *how;
	return do_wp_page(mm, v, addr, &how);
}

/*
 * expand_stack - grow the stack region v down to cover addr. Refused past
 * RLIMIT_STACK, or closer than STACK_GUARD_GAP to the region below.
 */
static bool expand_stack(struct mm *mm, struct vm_area_struct *v, u64 addr)
{
	u64 new_start = addr & PAGE_MASK;
	struct vm_area_struct *prev = vma_prev(&mm->vmas, v);
	u64 limit = current->rlimits[RLIMIT_STACK][0];

	if (v->vm_end - new_start > limit)
		return false;
	if (prev && new_start < prev->vm_end + STACK_GUARD_GAP)
		return false;
	if (vma_adjust(&mm->vmas, v, new_start, v->vm_end))
		return false;
	mm_account(mm, (s64)((v->vm_start - new_start) >> PAGE_SHIFT));
	return true;
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

bool vmtrace_all; /* "vmtrace" on the command line: every process */
u64 vm_faults_total; /* every fault resolved, all processes (/proc/vmstat) */
u64 vm_major_faults; /* those that read their page from swap (pgmajfault) */

static const char *access_name(enum fault_access a)
{
	return a == FAULT_WRITE ? "write" : a == FAULT_EXEC ? "exec" : "read";
}

/* One vmtrace line: who, what access, where, which region, what happened. */
static void vmtrace(struct mm *mm, const struct fault *f, struct vm_area_struct *v,
		    const char *how)
{
	char perms[6] = "";
	const char *name;

	if (!vmtrace_all && !mm->vmtrace)
		return; /* first: every fault comes here */
	name = v ? mm_region_name(mm, v) : "";
	if (v) {
		perms[0] = ' ';
		mm_region_perms(v, perms + 1);
	}
	printk("vmtrace: %s[%d] %s 0x%lx in %s%s: %s\n", current->comm,
	       current->pid, access_name(f->access), f->addr,
	       !v ? "no region" : name[0] ? name : "anonymous memory", perms, how);
}

static enum fault_result resolve(struct mm *mm, const struct fault *f,
				 struct vm_area_struct **vp, const char **how);

enum fault_result handle_mm_fault(const struct fault *f)
{
	struct mm *mm = current ? current->mm : NULL;
	struct vm_area_struct *v = NULL;
	const char *how = "";
	enum fault_result r;

	if (!mm || f->addr >= USER_SPACE_END)
		return f->user ? FAULT_SIGSEGV_MAPERR : FAULT_KERNEL_BUG;
	/* Out of memory: the OOM killer frees some and the fault is tried
	 * again; a fault in user mode may wait for the victim to die (see
	 * out_of_memory() for why a kernel-mode one does not). */
	reclaim_if_low(); /* before the walk: eviction changes entries */
	do
		r = resolve(mm, f, &v, &how);
	while (r == FAULT_OOM && out_of_memory(f->user));
	if (r == FAULT_OK) {
		if (how == how_swap_in) {
			current->ru.majflt++;
			vm_major_faults++;
		} else {
			current->ru.minflt++;
		}
		vm_faults_total++;
	}
	vmtrace(mm, f, v, how);
	return r;
}

enum entry_state { ENTRY_MISSING, ENTRY_PRESENT, ENTRY_COW };

/*
 * entry_state - what the page-table entry for page holds now: no frame
 * (empty, or in swap), a frame, or a frame that a write must copy first
 * (cow: the write is to a private region, and the entry is read-only).
 */
static enum entry_state entry_state(struct mm *mm, u64 page, bool cow)
{
	pte_t *e = pt_walk(mm->pgd, page, false);

	if (!e || !pte_has_frame(*e))
		return ENTRY_MISSING;
	return cow && !(*e & PTE_W) ? ENTRY_COW : ENTRY_PRESENT;
}

/* The decision tree itself (see the top of this file). */
static enum fault_result resolve(struct mm *mm, const struct fault *f,
				 struct vm_area_struct **vp, const char **how)
{
	u64 page = f->addr & PAGE_MASK;
	struct vm_area_struct *v = find_vma(&mm->vmas, f->addr);
	bool grew = false;
	int err;

	*how = "SIGSEGV: no region here (SEGV_MAPERR)";
	if (!v)
		return FAULT_SIGSEGV_MAPERR;
	if (f->addr < v->vm_start) {
		if (!(v->vm_flags & VM_GROWSDOWN) || !expand_stack(mm, v, f->addr)) {
			*how = (v->vm_flags & VM_GROWSDOWN)
				       ? "SIGSEGV: below the stack, past its limit or "
					 "into the guard gap (SEGV_MAPERR)"
				       : "SIGSEGV: no region here (SEGV_MAPERR)";
			return FAULT_SIGSEGV_MAPERR;
		}
		grew = true;
	}
	*vp = v;
	if (!access_allowed(v, f)) {
		*how = "SIGSEGV: the region forbids this access (SEGV_ACCERR)";
		return FAULT_SIGSEGV_ACCERR;
	}
	/* The entry as it is now, not as the CPU saw it: reclaim_if_low(),
	 * or the OOM path before a retry, may have sent the page to swap
	 * since (Linux re-reads the entry under its lock the same way). */
	switch (entry_state(mm, page, f->access == FAULT_WRITE &&
					  !(v->vm_flags & VM_SHARED))) {
	case ENTRY_COW:
		if (do_wp_page(mm, v, page, how))
			return FAULT_OOM;
		break;
	case ENTRY_PRESENT:
		/* Allowed by the region, present in the table: the TLB held an
		 * old entry (after mprotect), or the fault was resolved
		 * already. Retry. */
		*how = "spurious (stale TLB entry)";
		arch_flush_tlb_page(f->addr);
		break;
	case ENTRY_MISSING:
		if (userfaultfd_armed(v) && userfaultfd_wants_fault(mm, v, page)) {
			*how = "userfault: asked the monitor";
			return handle_userfault(mm, v, f);
		}
		err = fault_in_page_how(mm, v, page, f->access == FAULT_WRITE, how);
		if (err == -EFAULT) {
			*how = "SIGBUS: beyond the end of the file";
			return FAULT_SIGBUS;
		}
		if (err == -EIO) {
			*how = "SIGBUS: the page could not be read back from swap";
			return FAULT_SIGBUS;
		}
		if (err) {
			*how = "out of memory";
			return FAULT_OOM;
		}
		if (grew)
			*how = "stack grow, zero-fill";
	}
	return FAULT_OK;
}

static const char *access_word(enum fault_access a)
{
	switch (a) {
	case FAULT_WRITE:
		return "write to";
	case FAULT_EXEC:
		return "instruction fetch from";
	default:
		return "read from";
	}
}

char *fault_describe(const struct fault *f, char *buf, size_t size)
{
	ksnprintf(buf, size, "%s %s page (%s)%s", access_word(f->access),
		  f->present ? "present (protection violation)" : "not-present",
		  f->user ? "user" : "supervisor",
		  f->reserved_bit ? ", reserved bit set in a page-table entry"
				  : "");
	return buf;
}

/* Is addr mapped as a user page (PTE_U) in the active address space? */
static bool is_user_page(u64 addr)
{
	pte_t flags;

	return pt_translate(arch_current_page_table(), addr, NULL, &flags) &&
	       (flags & PTE_U);
}

const char *fault_explain(const struct fault *f)
{
	if (f->addr < NULL_GUARD_END)
		return "possibly a NULL pointer dereference";
	if (!va_is_canonical(f->addr))
		return "non-canonical address";
	if (kstack_guard_hit(f->addr))
		return "kernel stack guard page: the stack overflowed";
	if (f->user && f->addr >= KERNEL_SPACE_START)
		return "user access to the kernel half";
	if (!f->user && f->present && is_user_page(f->addr))
		return f->access == FAULT_EXEC
			       ? "the kernel executed a user page (SMEP forbids it)"
			       : "the kernel touched a user page outside the "
				 "user-copy functions (SMAP forbids it)";
	if (f->access == FAULT_EXEC && f->present)
		return "execution of a non-executable (NX) page";
	if (f->access == FAULT_WRITE && f->present)
		return "write to a read-only page";
	return NULL;
}
