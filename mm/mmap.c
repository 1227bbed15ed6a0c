/*
 * mm/mmap.c - the memory system calls: brk, mmap, munmap, mprotect,
 * mremap, msync, madvise, mincore, the mlock family and personality.
 * They check the user's arguments the way Linux does (same errors), then
 * use the region operations of mm/mm.c.
 */
#include "kernel/capability.h"
#include <vmos/errno.h>
#include <vmos/printk.h>
#include "fs/vfs.h"
#include "kernel/rlimit.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "mm/aslr.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include "mm/pagetable.h"
#include "mm/rmap.h"
#include "mm/shmem.h"
#include "mm/userfaultfd.h"

#define MAP_TYPE 0x0f
#define MAP_32BIT 0x40          /* x86-64: below 2 GiB (for old JITs) */
#define MAP_32BIT_START 0x40000000ul
#define MAP_32BIT_END 0x80000000ul
#define MAP_SHARED_VALIDATE 0x03
#define PROT_GROWSDOWN 0x01000000 /* mprotect: extend to the stack's start (accepted) */
#define MAP_KNOWN_FLAGS (MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN | \
			 MAP_DENYWRITE | MAP_EXECUTABLE | MAP_LOCKED |        \
			 MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK |        \
			 MAP_STACK | MAP_HUGETLB | MAP_FIXED_NOREPLACE | MAP_32BIT)
#define USER_MAP_END STACK_TOP /* the last user page is never mapped */

static u64 prot_to_vm_flags(int prot)
{
	return ((prot & PROT_READ) ? VM_READ : 0) |
	       ((prot & PROT_WRITE) ? VM_WRITE : 0) |
	       ((prot & PROT_EXEC) ? VM_EXEC : 0) | VM_MAYREAD | VM_MAYWRITE |
	       VM_MAYEXEC;
}

/* Would growing by more bytes (the heap then heap_size bytes) pass
 * RLIMIT_AS or RLIMIT_DATA? */
static bool over_limits(struct mm *mm, u64 more, u64 heap_size)
{
	u64 as = current->rlimits[RLIMIT_AS][0], data = current->rlimits[RLIMIT_DATA][0];

	return (as != RLIM_INFINITY && (mm->total_vm << PAGE_SHIFT) + more > as) ||
	       (data != RLIM_INFINITY && heap_size > data);
}

/* The heap region: the one ending at the old break, if any. */
static struct vm_area_struct *heap_region(struct mm *mm, u64 old_end)
{
	struct vm_area_struct *v;

	if (old_end <= mm->start_brk)
		return NULL;
	v = vma_lookup(&mm->vmas, old_end - 1);
	return v && v->vm_start >= mm->start_brk ? v : NULL;
}

/* Grow the heap from old_end to new_end (page-aligned): 0 or -ENOMEM. */
static int grow_heap(struct mm *mm, u64 old_end, u64 new_end)
{
	struct vm_area_struct *heap = heap_region(mm, old_end);

	/* Never into the next region (or the stack's guard gap). */
	struct vm_area_struct *next = find_vma(&mm->vmas, old_end);

	if (next && new_end > next->vm_start -
				      ((next->vm_flags & VM_GROWSDOWN) ? STACK_GUARD_GAP : 0))
		return -ENOMEM;
	if (heap) {
		if (vma_adjust(&mm->vmas, heap, heap->vm_start, new_end))
			return -ENOMEM;
		mm_account(mm, (s64)((new_end - old_end) >> PAGE_SHIFT));
		return 0;
	}
	return mm_map_anon(mm, old_end, new_end - old_end,
			   VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC);
}

/*
 * brk: move the end of the heap. Returns the new break, or the old one if
 * the request cannot be met (Linux's behaviour; musl checks the value).
 */
SYSCALL_DEFINE1(brk, u64, addr)
{
	struct mm *mm = current->mm;
	u64 old_end = ALIGN_UP(mm->brk, PAGE_SIZE), new_end;

	if (addr < mm->start_brk || addr >= USER_MAP_END)
		return (long)mm->brk;
	new_end = ALIGN_UP(addr, PAGE_SIZE);
	if (new_end < old_end) {
		if (mm_unmap(mm, new_end, old_end - new_end))
			return (long)mm->brk;
	} else if (new_end > old_end &&
		   (over_limits(mm, new_end - old_end, new_end - mm->start_brk) ||
		    grow_heap(mm, old_end, new_end))) {
		return (long)mm->brk;
	}
	mm->brk = addr;
	return (long)addr;
}

/* Where a new mapping goes: 0, or -errno as a negative u64. */
static s64 choose_address(struct mm *mm, u64 addr, u64 len, int flags)
{
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (!IS_ALIGNED(addr, PAGE_SIZE))
			return -EINVAL;
		if (addr < MMAP_MIN_ADDR)
			return -EPERM;
		if (addr > USER_MAP_END || len > USER_MAP_END - addr)
			return -ENOMEM;
		if ((flags & MAP_FIXED_NOREPLACE) &&
		    find_vma_intersection(&mm->vmas, addr, addr + len))
			return -EEXIST;
		return (s64)addr;
	}
	/* A hint is taken if the range is free. */
	addr = ALIGN_UP(addr, PAGE_SIZE);
	if (addr >= MMAP_MIN_ADDR && addr <= USER_MAP_END && len <= USER_MAP_END - addr &&
	    !find_vma_intersection(&mm->vmas, addr, addr + len))
		return (s64)addr;
	/* MAP_32BIT: Linux's x86-64 places it bottom-up in [1 GiB, 2 GiB) */
	if (flags & MAP_32BIT)
		addr = vma_gap_bottomup(&mm->vmas, len, PAGE_SIZE, MAP_32BIT_START,
					MAP_32BIT_END);
	else
		addr = mm_get_unmapped_area(mm, len);
	return addr ? (s64)addr : -ENOMEM;
}

/*
 * check_file_mapping - may f be mapped with this type and prot?  Linux's
 * do_mmap() order: a shared writable mapping needs the file open for
 * writing, every mapping needs it open for reading (-EACCES); then only
 * what can be mapped: regular ramfs files and /dev/zero (-ENODEV).
 * Returns 0 or -errno; *zero tells /dev/zero, whose mapping is anonymous
 * memory: private, it keeps the file (for maps); shared, it becomes a
 * shmem object, as on Linux (mmap_zero).
 */
static int check_file_mapping(struct file *f, int type, int prot, bool *zero)
{
	u32 mode = f->flags & O_ACCMODE;

	if ((type != MAP_PRIVATE && (prot & PROT_WRITE) && mode != O_RDWR) ||
	    mode == O_WRONLY)
		return -EACCES;
	*zero = S_ISCHR(f->inode->mode) && f->inode->rdev == DEV_ZERO;
	if (!*zero && (!S_ISREG(f->inode->mode) || !f->inode->iops->map_page))
		return -ENODEV; /* a file that cannot give its pages */
	return 0;
}

/*
 * shmem_setup - a shared anonymous mapping of len bytes (*file NULL) or a
 * shared one of /dev/zero (*file, whose reference is dropped) maps a new
 * shmem object instead (Linux's shmem_zero_setup); anonymous memory maps
 * it from offset 0.  0 or -ENOMEM (*file then NULL).
 */
static int shmem_setup(struct file **file, u64 *off, u64 len)
{
	if (*file)
		file_put(*file);
	else
		*off = 0;
	*file = shmem_zero_setup(len);
	return *file ? 0 : -ENOMEM;
}

#define MAX_FILE_OFFSET 0x7ffffffffffffffful /* Linux's MAX_LFS_FILESIZE */

/* mm_locked_pages - pages of [start, end) in locked (VM_LOCKED) regions. */
static u64 mm_locked_pages(struct mm *mm, u64 start, u64 end)
{
	u64 n = 0;

	for (struct vm_area_struct *v = find_vma(&mm->vmas, start);
	     v && v->vm_start < end; v = vma_next(&mm->vmas, v))
		if (v->vm_flags & VM_LOCKED)
			n += (MIN(v->vm_end, end) - MAX(v->vm_start, start)) >> PAGE_SHIFT;
	return n;
}

/*
 * mlock_limit_ok - may mm lock this many more pages (besides what it has
 * locked already)?  Within RLIMIT_MEMLOCK, or root (CAP_IPC_LOCK).
 */
static bool mlock_limit_ok(struct mm *mm, u64 pages)
{
	u64 limit = current->rlimits[RLIMIT_MEMLOCK][0];

	if (capable(CAP_IPC_LOCK) || limit == RLIM_INFINITY)
		return true;
	return mm_locked_pages(mm, 0, USER_SPACE_END) + pages <= limit >> PAGE_SHIFT;
}

/* mmap_checks - the argument checks of mmap before any file is looked at,
 * and the length rounded up to pages in *len. */
static int mmap_checks(u64 *len, int type, int flags, int prot)
{
	if (!*len)
		return -EINVAL;
	if (*len > USER_MAP_END)
		return -ENOMEM;
	*len = ALIGN_UP(*len, PAGE_SIZE);
	if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	/* Linux validates flags for files only: anonymous memory takes
	 * MAP_SHARED or MAP_PRIVATE */
	if (type == MAP_SHARED_VALIDATE && (flags & MAP_ANONYMOUS))
		return -EINVAL;
	if (type == MAP_SHARED_VALIDATE && (flags & ~MAP_KNOWN_FLAGS))
		return -EOPNOTSUPP;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	return 0;
}

/*
 * populate_new - make the new region [addr, addr + len) present; on
 * failure (no memory) unmap it again: addr, or -ENOMEM.  Populating may
 * sleep (reclaim writing to swap, the OOM killer's victim dying) and
 * another thread may then unmap part of the range and map its own
 * memory there: the undo must not take that away, so it unmaps only if
 * nothing was unmapped meanwhile, and otherwise leaves the range as the
 * other thread made it and reports the mapping made, as Linux does when
 * the population after its mmap fails (mm_populate()'s errors are not
 * mmap's).
 */
static s64 populate_new(struct mm *mm, u64 addr, u64 len)
{
	u64 seq = mm->unmap_seq;

	if (!mm_populate(mm, addr, len, false))
		return (s64)addr;
	if (mm->unmap_seq != seq)
		return (s64)addr; /* not ours alone any more */
	mm_unmap(mm, addr, len);
	return -ENOMEM;
}

/*
 * mmap: checked in Linux's order (an unaligned offset, then a bad
 * descriptor: EBADF even with a zero length), then mapped.  MAP_LOCKED
 * (or mlockall(MCL_FUTURE)) locks the region and makes it present:
 * EPERM if RLIMIT_MEMLOCK is 0, EAGAIN over it (root is exempt).
 */
SYSCALL_DEFINE6(mmap, u64, addr, u64, len, int, prot, int, flags, int, fd, u64, off)
{
	struct mm *mm = current->mm;
	int type = flags & MAP_TYPE, err;
	struct file *file = NULL;
	bool zero = false;
	u64 vm_flags;
	s64 where;

	if (!IS_ALIGNED(off, PAGE_SIZE))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		file = fd_get(current->files, fd);
		if (!file)
			return -EBADF;
	}
	err = mmap_checks(&len, type, flags, prot);
	/* Linux's file_mmap_ok: every byte mapped has a file offset below 2^63 */
	if (!err && file && off > MAX_FILE_OFFSET - len)
		err = -EOVERFLOW;
	if (!err && over_limits(mm, len, 0))
		err = -ENOMEM;
	vm_flags = prot_to_vm_flags(prot) | mm->def_flags;
	if (flags & MAP_LOCKED)
		vm_flags |= VM_LOCKED;
	if (!err && (vm_flags & VM_LOCKED)) {
		if (!current->rlimits[RLIMIT_MEMLOCK][0] && !capable(CAP_IPC_LOCK))
			err = -EPERM;
		else if (!mlock_limit_ok(mm, len >> PAGE_SHIFT))
			err = -EAGAIN;
	}
	if (!err && file)
		err = check_file_mapping(file, type, prot, &zero);
	where = err ? err : choose_address(mm, addr, len, flags);
	if (where < 0) {
		if (file)
			file_put(file);
		return where;
	}
	if (type != MAP_PRIVATE)
		vm_flags |= VM_SHARED | VM_MAYSHARE;
	/* A shared mapping of a file not open for writing may never become
	 * writable (mprotect checks VM_MAYWRITE), as on Linux. */
	if (file && type != MAP_PRIVATE && (file->flags & O_ACCMODE) != O_RDWR)
		vm_flags &= ~VM_MAYWRITE;
	if (type != MAP_PRIVATE && (!file || zero) &&
	    (err = shmem_setup(&file, &off, len)))
		return err;
	if (flags & MAP_GROWSDOWN)
		vm_flags |= VM_GROWSDOWN;
	if (flags & MAP_NORESERVE)
		vm_flags |= VM_NORESERVE;
	err = mm_map_file(mm, (u64)where, len, vm_flags, file, off >> PAGE_SHIFT);
	if (file)
		file_put(file); /* the region holds its own reference */
	if (err)
		return err;
	if ((flags & MAP_POPULATE) ||
	    (vm_flags & (VM_LOCKED | VM_LOCKONFAULT)) == VM_LOCKED)
		return populate_new(mm, (u64)where, len);
	return where;
}

static int check_range(u64 addr, u64 len)
{
	if (!IS_ALIGNED(addr, PAGE_SIZE) || !user_range_ok(addr, len))
		return -EINVAL;
	return 0;
}

SYSCALL_DEFINE2(munmap, u64, addr, u64, len)
{
	int err = check_range(addr, len);

	if (err)
		return err;
	if (!len)
		return -EINVAL;
	return mm_unmap(current->mm, addr, ALIGN_UP(len, PAGE_SIZE));
}

/* Linux's order of checks: a range that wraps or leaves user space is
 * ENOMEM, like one without regions (munmap says EINVAL). */
SYSCALL_DEFINE3(mprotect, u64, addr, u64, len, int, prot)
{
	if (!IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	if (!len)
		return 0;
	len = ALIGN_UP(len, PAGE_SIZE); /* 0 if it wraps */
	if (!len || !user_range_ok(addr, len))
		return -ENOMEM;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN))
		return -EINVAL;
	return mm_protect(current->mm, addr, len, prot_to_vm_flags(prot));
}

/* Is [addr, addr + len) wholly covered by regions? */
static bool range_mapped(struct mm *mm, u64 addr, u64 len)
{
	u64 va = addr, end = addr + len;

	for (struct vm_area_struct *v = find_vma(&mm->vmas, addr); va < end;
	     v = vma_next(&mm->vmas, v)) {
		if (!v || v->vm_start > va)
			return false;
		va = v->vm_end;
	}
	return true;
}

#define MS_ASYNC 1
#define MS_INVALIDATE 2
#define MS_SYNC 4

/*
 * msync: a shared file mapping here is the file's own pages (the ramfs
 * page cache), so a write through it is in the file at once and read()
 * sees it: there is nothing to write back, only arguments to check.
 */
SYSCALL_DEFINE3(msync, u64, addr, u64, len, int, flags)
{
	struct mm *mm = current->mm;

	if (!IS_ALIGNED(addr, PAGE_SIZE) || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (!user_range_ok(addr, len))
		return -ENOMEM;
	/* Linux: MS_INVALIDATE of locked pages is -EBUSY */
	if ((flags & MS_INVALIDATE) && mm_locked_pages(mm, addr, addr + len))
		return -EBUSY;
	return range_mapped(mm, addr, len) ? 0 : -ENOMEM;
}

#define MADV_NORMAL 0
#define MADV_RANDOM 1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED 3
#define MADV_DONTNEED 4
#define MADV_FREE 8

/* Drop the pages of [addr, addr + len): private ones read back as zeros
 * (anonymous) or as the file's contents again; shared ones from the file
 * (shared anonymous memory: its shmem object). */
static int drop_pages(struct mm *mm, u64 addr, u64 len)
{
	for (u64 va = addr; va < addr + len; va += PAGE_SIZE) {
		struct vm_area_struct *v = vma_lookup(&mm->vmas, va);

		if (v && (v->vm_flags & VM_LOCKED))
			return -EINVAL;
		pt_unmap_range(mm->pgd, va, va + PAGE_SIZE, mm_drop_entry, mm);
	}
	return 0;
}

#define MADV_REMOVE 9
#define MADV_DONTFORK 10
#define MADV_DOFORK 11
#define MADV_MERGEABLE 12
#define MADV_UNMERGEABLE 13
#define MADV_HUGEPAGE 14
#define MADV_NOHUGEPAGE 15
#define MADV_DONTDUMP 16
#define MADV_DODUMP 17
#define MADV_WIPEONFORK 18
#define MADV_KEEPONFORK 19
#define MADV_COLD 20
#define MADV_PAGEOUT 21
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23

/*
 * remove_pages - MADV_REMOVE: punch a hole in the file behind each region
 * of [addr, addr + len) (Linux's madvise_remove): EINVAL for a locked or
 * anonymous region, EACCES unless shared and writable, EBADF if the file
 * is not open for writing, EOPNOTSUPP for a file that cannot (not ramfs).
 */
static int remove_pages(struct mm *mm, u64 addr, u64 len)
{
	for (u64 va = addr, end = addr + len; va < end;) {
		struct vm_area_struct *v = find_vma(&mm->vmas, va);
		struct file *f;
		u64 stop, off;

		if (!v || v->vm_start >= end)
			return 0;
		va = MAX(va, v->vm_start);
		stop = MIN(end, v->vm_end);
		f = v->vm_file;
		if ((v->vm_flags & VM_LOCKED) || !f)
			return -EINVAL;
		if ((v->vm_flags & (VM_SHARED | VM_WRITE)) != (VM_SHARED | VM_WRITE))
			return -EACCES;
		if (!(f->flags & (O_WRONLY | O_RDWR)))
			return -EBADF;
		if (!f->inode->iops->punch_hole)
			return -EOPNOTSUPP;
		off = (v->vm_pgoff << PAGE_SHIFT) + (va - v->vm_start);
		file_get(f); /* the region may go while the monitor reads */
		userfaultfd_remove(mm, va, stop);
		f->inode->iops->punch_hole(f->inode, off, off + (stop - va));
		file_put(f);
		va = stop;
	}
	return 0;
}

/* wipe_ok - MADV_WIPEONFORK applies to private anonymous memory only
 * (Linux: EINVAL for a file or shared region). */
static bool wipe_ok(struct mm *mm, u64 addr, u64 len)
{
	for (struct vm_area_struct *v = find_vma(&mm->vmas, addr);
	     v && v->vm_start < addr + len; v = vma_next(&mm->vmas, v))
		if (!vma_is_anonymous(v) || (v->vm_flags & VM_SHARED))
			return false;
	return true;
}

/* set_mergeable - MADV_MERGEABLE as Linux with KSM (Debian's kernel has
 * it): private regions get VM_MERGEABLE (smaps "mg"), shared ones are
 * left alone; nothing is ever merged here. */
static int set_mergeable(struct mm *mm, u64 addr, u64 len)
{
	u64 end = addr + len;

	for (u64 va = addr; va < end;) {
		struct vm_area_struct *v = vma_lookup(&mm->vmas, va);
		u64 piece_end = MIN(end, v->vm_end);
		int err = 0;

		if (!(v->vm_flags & (VM_SHARED | VM_MAYSHARE | VM_SPECIAL)))
			err = mm_set_flags(mm, va, piece_end - va, VM_MERGEABLE, true);
		if (err)
			return err;
		va = piece_end;
	}
	return 0;
}

/*
 * populate - MADV_POPULATE_READ/WRITE: fault every page in, as a read or
 * a write would (a write breaks copy-on-write).  Linux 6.1's errors
 * (faultin_vma_page_range): EINVAL for I/O regions and where the access
 * is not allowed (PROT_NONE, a write to a read-only region), ENOMEM when
 * memory runs out.
 */
static int populate(struct mm *mm, u64 addr, u64 len, bool write)
{
	u64 end = addr + len;

	for (struct vm_area_struct *v = find_vma(&mm->vmas, addr);
	     v && v->vm_start < end; v = vma_next(&mm->vmas, v)) {
		u64 s = MAX(v->vm_start, addr), e = MIN(v->vm_end, end);

		if (v->vm_flags & (VM_IO | VM_PFNMAP))
			return -EINVAL;
		if (!(v->vm_flags & (write ? VM_WRITE : VM_READ)))
			return -EINVAL;
		if (mm_populate(mm, s, e - s, write))
			return -ENOMEM;
	}
	return 0;
}

/* madvise_valid - is advice one Linux 6.1 (x86-64, with KSM) knows? */
static bool madvise_valid(int advice)
{
	switch (advice) {
	case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL:
	case MADV_WILLNEED: case MADV_DONTNEED: case MADV_FREE:
	case MADV_REMOVE: case MADV_DONTFORK: case MADV_DOFORK:
	case MADV_MERGEABLE: case MADV_UNMERGEABLE: case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE: case MADV_DONTDUMP: case MADV_DODUMP:
	case MADV_WIPEONFORK: case MADV_KEEPONFORK: case MADV_COLD:
	case MADV_PAGEOUT: case MADV_POPULATE_READ: case MADV_POPULATE_WRITE:
		return true;
	}
	return false;
}

/*
 * madvise: checked in Linux's order (an unknown advice, an unaligned
 * start, a range that wraps: EINVAL; an empty one: 0; a hole: ENOMEM),
 * then applied.  Advice about paging policy is taken and ignored.
 */
SYSCALL_DEFINE3(madvise, u64, addr, u64, len, int, advice)
{
	struct mm *mm = current->mm;
	u64 alen;

	if (!madvise_valid(advice) || !IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	alen = ALIGN_UP(len, PAGE_SIZE);
	if ((len && !alen) || !user_range_ok(addr, alen))
		return -EINVAL;
	if (!alen)
		return 0;
	if (!range_mapped(mm, addr, alen))
		return -ENOMEM;
	switch (advice) {
	case MADV_DONTNEED:
	case MADV_FREE:
		userfaultfd_remove(mm, addr, addr + alen);
		return drop_pages(mm, addr, alen);
	case MADV_DONTFORK:
	case MADV_DOFORK:
		return mm_set_flags(mm, addr, alen, VM_DONTCOPY, advice == MADV_DONTFORK);
	case MADV_WIPEONFORK:
		if (!wipe_ok(mm, addr, alen))
			return -EINVAL;
		return mm_set_flags(mm, addr, alen, VM_WIPEONFORK, true);
	case MADV_KEEPONFORK:
		return mm_set_flags(mm, addr, alen, VM_WIPEONFORK, false);
	case MADV_DONTDUMP: /* left out of core files (kernel/coredump.c) */
	case MADV_DODUMP:
		return mm_set_flags(mm, addr, alen, VM_DONTDUMP, advice == MADV_DONTDUMP);
	case MADV_MERGEABLE:
		return set_mergeable(mm, addr, alen);
	case MADV_UNMERGEABLE:
		return mm_set_flags(mm, addr, alen, VM_MERGEABLE, false);
	case MADV_POPULATE_READ:
	case MADV_POPULATE_WRITE:
		return populate(mm, addr, alen, advice == MADV_POPULATE_WRITE);
	case MADV_REMOVE:
		return remove_pages(mm, addr, alen);
	default:
		return 0; /* advice taken, nothing to do */
	}
}

/*
 * page_resident - mincore's answer for the page at va of region v: a
 * page mapped here, or one the file holds in memory (its inode's
 * find_page: a ramfs file's pages all are, a shmem object's unless in
 * swap), as Linux's mincore_page().
 */
static u8 page_resident(struct mm *mm, struct vm_area_struct *v, u64 va)
{
	pte_t *e = pt_walk(mm->pgd, va, false);
	u64 pgoff = v->vm_pgoff + ((va - v->vm_start) >> PAGE_SHIFT);

	if (e && pte_has_frame(*e))
		return 1;
	if (v->vm_file && v->vm_file->inode->iops->find_page)
		return v->vm_file->inode->iops->find_page(v->vm_file->inode, pgoff) != 0;
	return 0;
}

/*
 * mincore: one byte per page, bit 0 set if the page is resident.  As
 * Linux: EINVAL for an unaligned start, ENOMEM for a range outside user
 * space (an absurd length too) or with a hole.
 */
SYSCALL_DEFINE3(mincore, u64, addr, u64, len, u8 __user *, vec)
{
	struct mm *mm = current->mm;
	u8 chunk[64];
	u64 pages, done = 0;

	if (!IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	if (!user_range_ok(addr, len))
		return -ENOMEM;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (!range_mapped(mm, addr, len))
		return -ENOMEM;
	for (pages = len >> PAGE_SHIFT; done < pages;) {
		u64 n = MIN(pages - done, (u64)sizeof(chunk));

		for (u64 i = 0; i < n; i++) {
			u64 va = addr + (done + i) * PAGE_SIZE;

			chunk[i] = page_resident(mm, vma_lookup(&mm->vmas, va), va);
		}
		if (copy_to_user(vec + done, chunk, n))
			return -EFAULT;
		done += n;
	}
	return 0;
}

/*
 * mlock_populate - make the locked pages of [addr, addr + len) present,
 * as Linux's __mm_populate: not those of MLOCK_ONFAULT regions (they
 * come on first touch) nor of PROT_NONE ones.  0, or -EAGAIN when
 * memory ran out (mlock's answer for that).
 */
static int mlock_populate(struct mm *mm, u64 addr, u64 len)
{
	u64 end = addr + len;

	for (struct vm_area_struct *v = find_vma(&mm->vmas, addr);
	     v && v->vm_start < end; v = vma_next(&mm->vmas, v)) {
		u64 s = MAX(v->vm_start, addr), e = MIN(v->vm_end, end);

		if ((v->vm_flags & VM_LOCKONFAULT) ||
		    !(v->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
			continue;
		if (mm_populate(mm, s, e - s, false))
			return -EAGAIN;
	}
	return 0;
}

/*
 * set_lock_flags - the lock state of exactly [addr, addr + len) becomes
 * lock (VM_LOCKED, or VM_LOCKED|VM_LOCKONFAULT; 0 unlocks), regions split
 * at its ends and merged again where they can (munlock of the middle of
 * a locked region leaves three regions).
 */
static int set_lock_flags(struct mm *mm, u64 addr, u64 len, u64 lock)
{
	int err = mm_set_flags(mm, addr, len, (VM_LOCKED | VM_LOCKONFAULT) & ~lock,
			       false);

	if (!err && lock)
		err = mm_set_flags(mm, addr, len, lock, true);
	return err;
}

/*
 * do_mlock - Linux's: EPERM if RLIMIT_MEMLOCK is 0 (root is exempt);
 * ENOMEM if the range has a hole or locking it would pass the limit
 * (pages of the range already locked are not counted twice); lock 0
 * unlocks, with no limit.  addr need not be aligned: the pages it
 * touches count.
 */
static int do_mlock(u64 addr, u64 len, u64 lock)
{
	struct mm *mm = current->mm;
	u64 start = ALIGN_DOWN(addr, PAGE_SIZE), end;
	int err;

	if (lock && !current->rlimits[RLIMIT_MEMLOCK][0] && !capable(CAP_IPC_LOCK))
		return -EPERM;
	if (len > USER_SPACE_END)
		return -ENOMEM;
	end = ALIGN_UP(addr + len, PAGE_SIZE);
	if (end == start)
		return 0;
	if (!user_range_ok(start, end - start) || !range_mapped(mm, start, end - start))
		return -ENOMEM;
	if (lock && !mlock_limit_ok(mm, ((end - start) >> PAGE_SHIFT) -
						mm_locked_pages(mm, start, end)))
		return -ENOMEM;
	err = set_lock_flags(mm, start, end - start, lock);
	if (!err && lock)
		err = mlock_populate(mm, start, end - start);
	return err;
}

#define MLOCK_ONFAULT 1

SYSCALL_DEFINE2(mlock, u64, addr, u64, len)
{
	return do_mlock(addr, len, VM_LOCKED);
}

/* mlock2: MLOCK_ONFAULT locks pages as they are touched (VM_LOCKONFAULT,
 * which smaps on Linux 6.1 shows as "??": it has no name for it). */
SYSCALL_DEFINE3(mlock2, u64, addr, u64, len, int, flags)
{
	if (flags & ~MLOCK_ONFAULT)
		return -EINVAL;
	return do_mlock(addr, len, VM_LOCKED | ((flags & MLOCK_ONFAULT) ? VM_LOCKONFAULT : 0));
}

SYSCALL_DEFINE2(munlock, u64, addr, u64, len)
{
	return do_mlock(addr, len, 0);
}

#define MCL_CURRENT 1
#define MCL_FUTURE 2
#define MCL_ONFAULT 4

/*
 * mlockall: MCL_CURRENT locks every region now (ENOMEM if the whole
 * address space is over RLIMIT_MEMLOCK), MCL_FUTURE every region made
 * later, MCL_ONFAULT either way only as pages are touched.  Linux's
 * checks: EINVAL for no flag, an unknown one or MCL_ONFAULT alone; EPERM
 * if the limit is 0 (root is exempt).
 */
SYSCALL_DEFINE1(mlockall, int, flags)
{
	struct mm *mm = current->mm;
	u64 lock = VM_LOCKED | ((flags & MCL_ONFAULT) ? VM_LOCKONFAULT : 0);
	u64 limit = current->rlimits[RLIMIT_MEMLOCK][0];

	if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) ||
	    flags == MCL_ONFAULT)
		return -EINVAL;
	if (!limit && !capable(CAP_IPC_LOCK))
		return -EPERM;
	if ((flags & MCL_CURRENT) && !capable(CAP_IPC_LOCK) && limit != RLIM_INFINITY &&
	    mm->total_vm > limit >> PAGE_SHIFT)
		return -ENOMEM;
	mm->def_flags = (flags & MCL_FUTURE) ? lock : 0;
	if (!(flags & MCL_CURRENT))
		return 0;
	/* Locking v may merge it into its locked neighbour, which frees v:
	 * the walk goes on from the address where v ended, not from v. */
	for (struct vm_area_struct *v = vma_first(&mm->vmas); v;) {
		u64 start = v->vm_start, end = v->vm_end;

		if (set_lock_flags(mm, start, end - start, lock))
			return -ENOMEM;
		mlock_populate(mm, start, end - start); /* errors ignored, as Linux */
		v = find_vma(&mm->vmas, end);
	}
	return 0;
}

SYSCALL_DEFINE0(munlockall)
{
	struct mm *mm = current->mm;

	mm->def_flags = 0;
	for (struct vm_area_struct *v = vma_first(&mm->vmas); v;) {
		u64 end = v->vm_end;

		set_lock_flags(mm, v->vm_start, end - v->vm_start, 0);
		v = find_vma(&mm->vmas, end);
	}
	return 0;
}

#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define MREMAP_DONTUNMAP 4

/*
 * Move the page-table entries of [old, old + len) to new_addr: the frames
 * do not move and are not copied (their reverse map follows), swapped-out
 * entries move as they are; the TLB forgets the old addresses.
 */
static int move_ptes(struct mm *mm, u64 old, u64 new_addr, u64 len)
{
	for (u64 off = 0; off < len; off += PAGE_SIZE) {
		pte_t *e = pt_walk(mm->pgd, old + off, false), *to, val;

		if (!e || !*e)
			continue;
		to = pt_walk(mm->pgd, new_addr + off, true);
		if (!to)
			return -ENOMEM;
		val = *e;
		if (*to)
			panic("move_ptes: 0x%lx is already mapped", new_addr + off);
		if (pte_has_frame(val) &&
		    rmap_move(phys_to_page(pte_addr(val)), mm, old + off, new_addr + off))
			return -ENOMEM;
		*to = val;
		pt_set(mm->pgd, old + off, e, 0);
	}
	return 0;
}

/*
 * mremap: shrink in place, grow in place if the pages after are free, or
 * (MREMAP_MAYMOVE) move the region: a new region with the same flags and
 * backing takes over the page-table entries; the contents are kept.
 * MREMAP_DONTUNMAP (with MREMAP_MAYMOVE and the same length, else EINVAL)
 * always moves and leaves the old range mapped but empty.
 */
SYSCALL_DEFINE5(mremap, u64, old, u64, old_len, u64, new_len, int, flags, u64, new_addr)
{
	struct mm *mm = current->mm;
	struct vm_area_struct *v;
	struct userfaultfd_ctx *uctx;
	u64 uflags;
	u64 dest, pgoff;
	int err;

	if (!IS_ALIGNED(old, PAGE_SIZE) || !new_len ||
	    (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) ||
	    ((flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) && !(flags & MREMAP_MAYMOVE)))
		return -EINVAL;
	old_len = ALIGN_UP(old_len, PAGE_SIZE);
	new_len = ALIGN_UP(new_len, PAGE_SIZE);
	if ((flags & MREMAP_DONTUNMAP) && old_len != new_len)
		return -EINVAL;
	v = vma_lookup(&mm->vmas, old);
	if (!v || old + old_len > v->vm_end || !old_len)
		return -EFAULT;
	if ((flags & MREMAP_DONTUNMAP) && (v->vm_flags & (VM_DONTEXPAND | VM_PFNMAP)))
		return -EINVAL;
	if (new_len <= old_len && !(flags & (MREMAP_FIXED | MREMAP_DONTUNMAP))) {
		if (new_len < old_len && (err = mm_unmap(mm, old + new_len, old_len - new_len)))
			return err;
		return (long)old;
	}
	/* In place: the region ends here and nothing follows closely. */
	if (!(flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) && old + old_len == v->vm_end &&
	    old + new_len <= STACK_TOP &&
	    !find_vma_intersection(&mm->vmas, v->vm_end, old + new_len) &&
	    !vma_adjust(&mm->vmas, v, v->vm_start, old + new_len)) {
		mm_account(mm, (s64)((new_len - old_len) >> PAGE_SHIFT));
		return (long)old;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	if (flags & MREMAP_FIXED) {
		if (!IS_ALIGNED(new_addr, PAGE_SIZE) || new_addr < MMAP_MIN_ADDR ||
		    new_addr > STACK_TOP || new_len > STACK_TOP - new_addr ||
		    (new_addr < old + old_len && old < new_addr + new_len))
			return -EINVAL;
		dest = new_addr;
	} else if (!(dest = mm_get_unmapped_area(mm, new_len))) {
		return -ENOMEM;
	}
	pgoff = v->vm_pgoff + ((old - v->vm_start) >> PAGE_SHIFT);
	uctx = v->vm_userfaultfd_ctx; /* v may merge away below */
	uflags = v->vm_flags & VM_UFFD_FLAGS;
	err = mm_map_file(mm, dest, new_len, v->vm_flags & ~VM_UFFD_FLAGS,
			  v->vm_file, pgoff);
	if (!err)
		err = move_ptes(mm, old, dest, MIN(old_len, new_len));
	if (err) {
		mm_unmap(mm, dest, new_len);
		return err;
	}
	/* MREMAP_DONTUNMAP: the old range stays, empty (zeros, or the
	 * file's contents again), and no longer locked, as Linux */
	if (flags & MREMAP_DONTUNMAP)
		mm_set_flags(mm, old, old_len, VM_LOCKED | VM_LOCKONFAULT, false);
	else
		mm_unmap(mm, old, old_len);
	mremap_userfaultfd(mm, uctx, uflags, old, dest, old_len, new_len);
	return (long)dest;
}

/*
 * personality: read (0xffffffff) or set the execution domain flags; only
 * PER_LINUX with ADDR_NO_RANDOMIZE means anything here.  Returns the old
 * value.  The new value applies from the next execve on.
 */
SYSCALL_DEFINE1(personality, u32, persona)
{
	struct mm *mm = current->mm;
	u32 old = mm->personality;

	if (persona != 0xffffffffu)
		mm->personality = persona;
	return old;
}
