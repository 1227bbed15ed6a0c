/*
 * mm/mmap.c - the memory system calls: brk, mmap, munmap, mprotect,
 * mremap, msync, madvise, mincore, the mlock family and personality.
 * They check the user's arguments the way Linux does (same errors), then
 * use the region operations of mm/mm.c.
 */
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/fs/vfs.h"
#include "kernel/rlimit.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "mm/aslr.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include "mm/pagetable.h"
#include "mm/rmap.h"

#define MAP_TYPE 0x0f
#define MAP_SHARED_VALIDATE 0x03
#define MAP_KNOWN_FLAGS (MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN | \
			 MAP_DENYWRITE | MAP_EXECUTABLE | MAP_LOCKED |        \
			 MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK |        \
			 MAP_STACK | MAP_HUGETLB | MAP_FIXED_NOREPLACE)
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
		if (addr & (PAGE_SIZE - 1))
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
	addr = mm_get_unmapped_area(mm, len);
	return addr ? (s64)addr : -ENOMEM;
}

/*
 * The open file behind fd, checked for a mapping: regular (ramfs) files
 * only (-ENODEV), opened for reading (-EACCES), and for writing too if a
 * shared mapping may write (-EACCES).  Returns it with a reference, or
 * NULL with *err set.  /dev/zero is no file to map: NULL, *err 0 and
 * *zero true (an anonymous mapping, private or shared, as on Linux).
 */
static struct file *file_for_mapping(int fd, int type, int prot, int *err,
				     bool *zero)
{
	struct file *f = fd_get(current->files, fd);
	u32 mode;

	*err = -EBADF;
	if (!f)
		return NULL;
	*zero = S_ISCHR(f->inode->mode) && f->inode->rdev == DEV_ZERO;
	if (*zero) { /* /dev/zero: the mapping is plain anonymous memory */
		file_put(f);
		*err = 0;
		return NULL;
	}
	mode = f->flags & O_ACCMODE;
	*err = -ENODEV;
	if (!S_ISREG(f->inode->mode) || !is_ramfs_file(f->inode))
		goto fail;
	*err = -EACCES;
	if (mode == O_WRONLY)
		goto fail;
	if (type != MAP_PRIVATE && (prot & PROT_WRITE) && mode != O_RDWR)
		goto fail;
	return f;
fail:
	file_put(f);
	return NULL;
}

#define MAX_FILE_OFFSET 0x7ffffffffffffffful /* Linux's MAX_LFS_FILESIZE */

SYSCALL_DEFINE6(mmap, u64, addr, u64, len, int, prot, int, flags, int, fd, u64, off)
{
	struct mm *mm = current->mm;
	int type = flags & MAP_TYPE, err;
	struct file *file = NULL;
	u64 vm_flags;
	s64 where;

	if (!len || (off & (PAGE_SIZE - 1)))
		return -EINVAL;
	if (len > USER_MAP_END)
		return -ENOMEM;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (type == MAP_SHARED_VALIDATE && (flags & ~MAP_KNOWN_FLAGS))
		return -EOPNOTSUPP;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	if (over_limits(mm, len, 0))
		return -ENOMEM;
	if (!(flags & MAP_ANONYMOUS)) {
		bool zero = false;

		file = file_for_mapping(fd, type, prot, &err, &zero);
		if (!file && !zero)
			return err;
		/* Linux's file_mmap_ok: every byte mapped has a file offset
		 * below 2^63 */
		if (off > MAX_FILE_OFFSET - len) {
			if (file)
				file_put(file);
			return -EOVERFLOW;
		}
	}
	where = choose_address(mm, addr, len, flags);
	if (where < 0) {
		if (file)
			file_put(file);
		return where;
	}
	vm_flags = prot_to_vm_flags(prot);
	if (type != MAP_PRIVATE)
		vm_flags |= VM_SHARED | VM_MAYSHARE;
	/* A shared mapping of a file not open for writing may never become
	 * writable (mprotect checks VM_MAYWRITE), as on Linux. */
	if (file && type != MAP_PRIVATE && (file->flags & O_ACCMODE) != O_RDWR)
		vm_flags &= ~VM_MAYWRITE;
	if (flags & MAP_GROWSDOWN)
		vm_flags |= VM_GROWSDOWN;
	if (flags & MAP_NORESERVE)
		vm_flags |= VM_NORESERVE;
	err = mm_map_file(mm, (u64)where, len, vm_flags, file, off >> PAGE_SHIFT);
	if (file)
		file_put(file); /* the region holds its own reference */
	/* Shared anonymous memory is made present now, so that a fork shares
	 * every page of it (anonymous pages have no file to share through). */
	if (!err && (((vm_flags & VM_SHARED) && !file) || (flags & MAP_POPULATE)))
		err = mm_populate(mm, (u64)where, len, false);
	if (err) {
		mm_unmap(mm, (u64)where, len);
		return err;
	}
	return where;
}

static int check_range(u64 addr, u64 len)
{
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	if (addr >= USER_SPACE_END || len > USER_SPACE_END - addr)
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
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	if (!len)
		return 0;
	len = ALIGN_UP(len, PAGE_SIZE); /* 0 if it wraps */
	if (!len || addr >= USER_SPACE_END || len > USER_SPACE_END - addr)
		return -ENOMEM;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | 0x01000000 /* PROT_GROWSDOWN */))
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
	if ((addr & (PAGE_SIZE - 1)) || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (addr >= USER_SPACE_END || len > USER_SPACE_END - addr)
		return -ENOMEM;
	return range_mapped(current->mm, addr, len) ? 0 : -ENOMEM;
}

#define MADV_NORMAL 0
#define MADV_RANDOM 1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED 3
#define MADV_DONTNEED 4
#define MADV_FREE 8

/* Drop the pages of [addr, addr + len): private ones read back as zeros
 * (anonymous) or as the file's contents again; shared ones from the file. */
static int drop_pages(struct mm *mm, u64 addr, u64 len)
{
	for (u64 va = addr; va < addr + len; va += PAGE_SIZE) {
		struct vm_area_struct *v = vma_lookup(&mm->vmas, va);

		if (v && (v->vm_flags & VM_LOCKED))
			return -EINVAL;
		/* Shared anonymous pages have no file to come back from: the
		 * other sharers would lose them.  Keep them (Linux drops the
		 * mapping and refaults the same shmem page). */
		if (v && (v->vm_flags & VM_SHARED) && !v->vm_file)
			continue;
		pt_unmap_range(mm->pgd, va, va + PAGE_SIZE, mm_drop_entry, mm);
	}
	return 0;
}

SYSCALL_DEFINE3(madvise, u64, addr, u64, len, int, advice)
{
	struct mm *mm = current->mm;

	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (addr >= USER_SPACE_END || len > USER_SPACE_END - addr)
		return -EINVAL;
	if (!range_mapped(mm, addr, len))
		return -ENOMEM;
	switch (advice) {
	case MADV_DONTNEED:
	case MADV_FREE:
		return drop_pages(mm, addr, len);
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_WILLNEED:
	case 10: /* MADV_DONTFORK */
	case 11: /* MADV_DOFORK */
	case 12: /* MADV_MERGEABLE */
	case 14: /* MADV_HUGEPAGE */
	case 15: /* MADV_NOHUGEPAGE */
		return 0; /* advice taken, nothing to do */
	default:
		return -EINVAL;
	}
}

/* mincore: one byte per page, bit 0 set if the page is present. */
SYSCALL_DEFINE3(mincore, u64, addr, u64, len, u8 __user *, vec)
{
	struct mm *mm = current->mm;
	u8 chunk[64];
	u64 pages, done = 0;

	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (addr >= USER_SPACE_END || len > USER_SPACE_END - addr)
		return -ENOMEM;
	if (!range_mapped(mm, addr, len))
		return -ENOMEM;
	for (pages = len >> PAGE_SHIFT; done < pages;) {
		u64 n = MIN(pages - done, (u64)sizeof(chunk));

		for (u64 i = 0; i < n; i++) {
			pte_t *e = pt_walk(mm->pgd, addr + (done + i) * PAGE_SIZE, false);

			chunk[i] = e && pte_has_frame(*e);
		}
		if (copy_to_user(vec + done, chunk, n))
			return -EFAULT;
		done += n;
	}
	return 0;
}

/* Set or clear VM_LOCKED on exactly [addr, addr + len) (regions are split
 * at its ends), making locked pages resident now. */
static int set_locked(struct mm *mm, u64 addr, u64 len, bool lock)
{
	int err = mm_set_flags(mm, addr, len, VM_LOCKED, lock);

	if (!err && lock)
		err = mm_populate(mm, addr, len, false);
	return err;
}

static int lock_range(u64 addr, u64 len, bool lock)
{
	struct mm *mm = current->mm;
	u64 start = ALIGN_DOWN(addr, PAGE_SIZE);

	len = ALIGN_UP(addr + len, PAGE_SIZE) - start;
	if (start >= USER_SPACE_END || len > USER_SPACE_END - start)
		return -ENOMEM;
	if (!range_mapped(mm, start, len))
		return -ENOMEM;
	return set_locked(mm, start, len, lock);
}

SYSCALL_DEFINE2(mlock, u64, addr, u64, len)
{
	return lock_range(addr, len, true);
}

SYSCALL_DEFINE3(mlock2, u64, addr, u64, len, int, flags)
{
	if (flags & ~1) /* MLOCK_ONFAULT */
		return -EINVAL;
	return lock_range(addr, len, true);
}

SYSCALL_DEFINE2(munlock, u64, addr, u64, len)
{
	return lock_range(addr, len, false);
}

#define MCL_CURRENT 1
#define MCL_FUTURE 2
#define MCL_ONFAULT 4

SYSCALL_DEFINE1(mlockall, int, flags)
{
	struct mm *mm = current->mm;

	if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)))
		return -EINVAL;
	if (!(flags & MCL_CURRENT))
		return 0;
	/* Locking v may merge it into its locked neighbour, which frees v:
	 * the walk goes on from the address where v ended, not from v. */
	for (struct vm_area_struct *v = vma_first(&mm->vmas); v;) {
		u64 end = v->vm_end;

		if (set_locked(mm, v->vm_start, end - v->vm_start, true))
			return -ENOMEM;
		v = find_vma(&mm->vmas, end);
	}
	return 0;
}

SYSCALL_DEFINE0(munlockall)
{
	struct mm *mm = current->mm;

	for (struct vm_area_struct *v = vma_first(&mm->vmas); v; v = vma_next(&mm->vmas, v))
		v->vm_flags &= ~VM_LOCKED;
	return 0;
}

#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2

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
		*to = val;
		pt_set(mm->pgd, old + off, e, 0);
		if (pte_has_frame(val))
			rmap_move(phys_to_page(pte_addr(val)), mm, old + off,
				  new_addr + off);
	}
	return 0;
}

/*
 * mremap: shrink in place, grow in place if the pages after are free, or
 * (MREMAP_MAYMOVE) move the region: a new region with the same flags and
 * backing takes over the page-table entries; the contents are kept.
 */
SYSCALL_DEFINE5(mremap, u64, old, u64, old_len, u64, new_len, int, flags, u64, new_addr)
{
	struct mm *mm = current->mm;
	struct vm_area_struct *v;
	u64 dest, pgoff;
	int err;

	if ((old & (PAGE_SIZE - 1)) || !new_len || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) ||
	    ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)))
		return -EINVAL;
	old_len = ALIGN_UP(old_len, PAGE_SIZE);
	new_len = ALIGN_UP(new_len, PAGE_SIZE);
	v = vma_lookup(&mm->vmas, old);
	if (!v || old + old_len > v->vm_end || !old_len)
		return -EFAULT;
	if (new_len <= old_len && !(flags & MREMAP_FIXED)) {
		if (new_len < old_len && (err = mm_unmap(mm, old + new_len, old_len - new_len)))
			return err;
		return (long)old;
	}
	/* In place: the region ends here and nothing follows closely. */
	if (!(flags & MREMAP_FIXED) && old + old_len == v->vm_end &&
	    old + new_len <= STACK_TOP &&
	    !find_vma_intersection(&mm->vmas, v->vm_end, old + new_len) &&
	    !vma_adjust(&mm->vmas, v, v->vm_start, old + new_len)) {
		mm_account(mm, (s64)((new_len - old_len) >> PAGE_SHIFT));
		return (long)old;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	if (flags & MREMAP_FIXED) {
		if ((new_addr & (PAGE_SIZE - 1)) || new_addr < MMAP_MIN_ADDR ||
		    new_addr > STACK_TOP || new_len > STACK_TOP - new_addr ||
		    (new_addr < old + old_len && old < new_addr + new_len))
			return -EINVAL;
		dest = new_addr;
	} else if (!(dest = mm_get_unmapped_area(mm, new_len))) {
		return -ENOMEM;
	}
	pgoff = v->vm_pgoff + ((old - v->vm_start) >> PAGE_SHIFT);
	err = mm_map_file(mm, dest, new_len, v->vm_flags, v->vm_file, pgoff);
	if (!err)
		err = move_ptes(mm, old, dest, MIN(old_len, new_len));
	if (err) {
		mm_unmap(mm, dest, new_len);
		return err;
	}
	mm_unmap(mm, old, old_len);
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
