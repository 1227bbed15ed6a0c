/*
 * mm/shmem.h - the object behind shared anonymous memory (Linux's
 * mm/shmem.c, shmem_zero_setup): mmap(MAP_SHARED|MAP_ANONYMOUS) and a
 * MAP_SHARED mapping of /dev/zero map one of these, a file in no
 * directory named "/dev/zero (deleted)", sized to the mapping; a System V
 * shared memory segment is one too (ipc/shm.c).
 *
 * The object holds its pages: for each page offset, nothing yet (reads as
 * zeros), a frame, or the swap slot the frame was written to.  Every
 * region mapping it has it as vm_file, so a fault anywhere finds the page
 * by (object, page offset): fork children, regions moved or grown by
 * mremap and processes that map it later all see the same page, and the
 * page outlives the mappings that let it go.  Page replacement swaps its
 * frames like anonymous pages (mm/vmscan.c asks shmem_page_owner()).
 */
#ifndef MM_SHMEM_H
#define MM_SHMEM_H

#include <vmos/types.h>

struct file;
struct page;
struct shmem_object;

/* shmem_new_inode - a new object of size bytes: its inode (one reference
 * for the caller), or NULL when out of memory or bigger than memory and
 * swap together (Linux's heuristic overcommit). */
struct inode;
struct inode *shmem_new_inode(u64 size);
/* shmem_zero_setup - a new object of size bytes, opened read-write (one
 * reference for the caller), or NULL when out of memory. */
struct file *shmem_zero_setup(u64 size);
/* shmem_lock - SHM_LOCK (true) or SHM_UNLOCK the object of inode: while
 * locked, page replacement leaves its frames alone. */
void shmem_lock(struct inode *inode, bool lock);
/* shmem_total_pages - the frames all objects hold (/proc/meminfo Shmem). */
u64 shmem_total_pages(void);
/* shmem_swapped - the pages of inode's object that it holds in swap. */
u64 shmem_swapped(const struct inode *inode);
/* shmem_locked - is obj locked (shmem_lock)? */
bool shmem_locked(const struct shmem_object *obj);

/* is_shmem_file - is f an open file of such an object? */
bool is_shmem_file(const struct file *f);

/* Its pages are reached through the inode's map_page and find_page
 * (fs/vfs.h), as any mapped file's. */

/*
 * shmem_page_owner - the object holding page (a frame mapped in a region
 * of one: page replacement's question), and its offset there; NULL for
 * any other page and for one no region maps.
 */
struct shmem_object *shmem_page_owner(const struct page *page, u64 *pgoff);
/* shmem_page_evicted - the owner's page at pgoff went to swap slot val
 * (the slot reference is the object's now); it drops its frame. */
void shmem_page_evicted(struct shmem_object *obj, u64 pgoff, u64 val);
/* shmem_unuse - bring every page objects hold in swap area type back
 * (swapoff): 0, or -ENOMEM when memory runs short. */
int shmem_unuse(unsigned type);

#endif
