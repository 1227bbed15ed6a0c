/*
 * mm/mmap.c - the memory system calls: brk, mmap, munmap, mprotect.
 * They check the user's arguments the way Linux does (same errors), then
 * use the region operations of mm/mm.c.
 */
#include "kernel/errno.h"
#include "kernel/fs/vfs.h"
#include "kernel/rlimit.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "mm/kmalloc.h"
#include "mm/mm.h"

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
		mm->total_vm += (new_end - old_end) >> PAGE_SHIFT;
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
	} else if (new_end > old_end && grow_heap(mm, old_end, new_end)) {
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
 * NULL with *err set.
 */
static struct file *file_for_mapping(int fd, int type, int prot, int *err)
{
	struct file *f = fd_get(current->files, fd);
	u32 mode;

	*err = -EBADF;
	if (!f)
		return NULL;
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
	if (current->rlimits[RLIMIT_AS][0] != RLIM_INFINITY &&
	    (mm->total_vm << PAGE_SHIFT) + len > current->rlimits[RLIMIT_AS][0])
		return -ENOMEM;
	if (!(flags & MAP_ANONYMOUS)) {
		file = file_for_mapping(fd, type, prot, &err);
		if (!file)
			return err;
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

SYSCALL_DEFINE3(mprotect, u64, addr, u64, len, int, prot)
{
	int err = check_range(addr, len);

	if (err)
		return err;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | 0x01000000 /* PROT_GROWSDOWN */))
		return -EINVAL;
	if (!len)
		return 0;
	return mm_protect(current->mm, addr, ALIGN_UP(len, PAGE_SIZE),
			  prot_to_vm_flags(prot));
}
