/*
 * mm/userfaultfd.h - page faults handled by user space (Linux's
 * userfaultfd(2)): the hooks the rest of mm calls.  See userfaultfd.c.
 */
#ifndef MM_USERFAULTFD_H
#define MM_USERFAULTFD_H

#include <vmos/types.h>
#include "mm/fault.h"
#include "mm/vma.h"

struct mm;

/* /proc/sys/vm/unprivileged_userfaultfd: 0 (Linux's default): a user
 * other than root gets a userfaultfd only with UFFD_USER_MODE_ONLY. */
extern u64 sysctl_unprivileged_userfaultfd;

/* userfaultfd_armed - is v registered with a userfaultfd (for missing
 * pages, UFFDIO_REGISTER_MODE_MISSING, or minor faults, _MINOR)? */
static inline bool userfaultfd_armed(const struct vm_area_struct *v)
{
	return v->vm_flags & VM_UFFD_FLAGS;
}

/*
 * userfaultfd_wants_fault - does the fault on the empty entry of page addr
 * of armed region v go to its userfaultfd?  A missing page (VM_UFFD_MISSING):
 * anonymous memory, or a hole within the file; a minor fault
 * (VM_UFFD_MINOR): the file has the page.  Not beyond the end of the file
 * (SIGBUS, as before) nor for an entry in swap.
 */
bool userfaultfd_wants_fault(struct mm *mm, struct vm_area_struct *v, u64 addr);

/*
 * handle_userfault - the fault f on an empty entry of region v (in mm, the
 * current task's) belongs to v's userfaultfd: queue a message for it and
 * sleep until the monitor resolves the page (UFFDIO_COPY, UFFDIO_ZEROPAGE,
 * UFFDIO_WAKE), the region is unregistered, the userfaultfd is closed, or
 * a signal comes.  FAULT_OK then (the access is retried and may fault
 * again); FAULT_SIGBUS for UFFD_FEATURE_SIGBUS, and for a kernel access
 * that may not wait (UFFD_USER_MODE_ONLY, or a signal: the copy gives
 * -EFAULT), as Linux.
 */
enum fault_result handle_userfault(struct mm *mm, struct vm_area_struct *v,
				   const struct fault *f);

/*
 * dup_userfaultfd - fork: the child's copy c (in child) of a parent's
 * region: without UFFD_FEATURE_EVENT_FORK it is not registered; with it,
 * it gets a new userfaultfd for the child (one per parent userfaultfd),
 * which the monitor receives with UFFD_EVENT_FORK.  0 or -ENOMEM.
 */
int dup_userfaultfd(struct mm *child, struct vm_area_struct *c);
/* dup_userfaultfd_complete - the child's address space is complete: send
 * the UFFD_EVENT_FORK messages and wait until the monitor reads them. */
void dup_userfaultfd_complete(struct mm *child);
/* dup_userfaultfd_fail - the fork failed: drop the child's userfaultfds
 * before its address space is put. */
void dup_userfaultfd_fail(struct mm *child);

/*
 * mremap_userfaultfd - mremap moved [from, from + len) of a region
 * registered with ctx for uffd_flags (NULL: not registered) to
 * [to, to + new_len): with
 * UFFD_FEATURE_EVENT_REMAP the new range stays registered and the monitor
 * gets UFFD_EVENT_REMAP (mremap waits until it is read); without, the new
 * range is not registered.
 */
void mremap_userfaultfd(struct mm *mm, struct userfaultfd_ctx *ctx,
			u64 uffd_flags, u64 from, u64 to, u64 len, u64 new_len);

/* userfaultfd_exit_mm - mm is being freed: the userfaultfds watching it
 * (mm->uffd_ctxs) are left without an address space. */
void userfaultfd_exit_mm(struct mm *mm);

/* userfaultfd_remove - madvise is about to drop the pages of [start, end):
 * UFFD_EVENT_REMOVE for each registered region in it whose userfaultfd
 * asked for them (UFFD_FEATURE_EVENT_REMOVE); waits until they are read. */
void userfaultfd_remove(struct mm *mm, u64 start, u64 end);

#endif
