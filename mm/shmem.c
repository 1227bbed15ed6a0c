/*
 * mm/shmem.c - the object behind shared anonymous memory (see shmem.h).
 *
 * An object is an inode on the internal shared-memory file system (device
 * 0:1, as Linux's shm_mnt) with a number of its own and no name in any
 * directory; /proc/PID/maps shows its mappings as
 *   7f...-7f... rw-s 00000000 00:01 2    /dev/zero (deleted)
 * as Linux 6.1 does.  It stores no pages: they live in the page tables of
 * the processes that map it (fork copies those entries), and a fault finds
 * them through the object (shmem_find_entry), much as Linux's rmap walks a
 * file's i_mmap.  A page no mapping holds any more is gone: unlike Linux's
 * shmem, the object does not keep it (so mmap makes every page present at
 * first, mm/mmap.c).
 */
#include "mm/shmem.h"
#include "kernel/errno.h"
#include "kernel/fs/internal.h"
#include "kernel/fs/vfs.h"
#include "mm/mm.h"
#include "mm/pagetable.h"
#include <asm/page.h>

#define SHMEM_DEV MKDEV(0, 1)  /* Linux's internal shm mount: 00:01 */
#define SHMEM_MODE (S_IFREG | 0777)
#define SHMEM_NAME "/dev/zero (deleted)"

static u32 shmem_next_ino = 1;

/* The object has no page cache and no data of its own to free. */
static const struct inode_operations shmem_iops = { 0 };
static const struct file_operations shmem_fops = { 0 };

bool is_shmem_file(const struct file *f)
{
	return f && f->inode->iops == &shmem_iops;
}

struct file *shmem_zero_setup(u64 size)
{
	struct inode *inode;
	struct file *f;
	int err;

	inode = inode_alloc(SHMEM_DEV, ++shmem_next_ino, SHMEM_MODE, &shmem_iops,
			    &shmem_fops);
	if (!inode)
		return NULL;
	inode->nlink = 0; /* in no directory: "(deleted)" */
	inode->size = size;
	f = file_open_inode(inode, O_RDWR, SHMEM_NAME, &err);
	iput(inode); /* the file holds its own reference */
	return f;
}

u64 shmem_pages(const struct file *f)
{
	return ALIGN_UP(f->inode->size, PAGE_SIZE) >> PAGE_SHIFT;
}

/* entry_in - the entry region v of mm holds for object page pgoff, if v
 * maps the object there (0 otherwise). */
static pte_t entry_in(struct mm *mm, const struct vm_area_struct *v,
		      const struct inode *obj, u64 pgoff)
{
	pte_t *e;

	if (!v->vm_file || v->vm_file->inode != obj || pgoff < v->vm_pgoff ||
	    pgoff - v->vm_pgoff >= vma_pages(v))
		return 0;
	e = pt_walk(mm->pgd, v->vm_start + ((pgoff - v->vm_pgoff) << PAGE_SHIFT),
		    false);
	return e ? *e : 0;
}

pte_t shmem_find_entry(const struct file *f, u64 pgoff)
{
	/* Only the region asking holds the file: nobody else maps it. */
	if (f->refcount == 1)
		return 0;
	for (struct mm *mm = mm_first(); mm; mm = mm->mmlist_next)
		for (struct vm_area_struct *v = vma_first(&mm->vmas); v;
		     v = vma_next(&mm->vmas, v)) {
			pte_t e = entry_in(mm, v, f->inode, pgoff);

			if (pte_has_frame(e) || pte_is_swap(e))
				return e;
		}
	return 0;
}
