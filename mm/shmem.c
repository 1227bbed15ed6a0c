/*
 * mm/shmem.c - the object behind shared anonymous memory (see shmem.h).
 *
 * An object is an inode on the internal shared-memory file system (device
 * 0:1, as Linux's shm_mnt) with a number of its own and no name in any
 * directory (System V shared memory segments are such objects too,
 * ipc/shm.c); /proc/PID/maps shows shared anonymous mappings as
 *   7f...-7f... rw-s 00000000 00:01 2    /dev/zero (deleted)
 * as Linux 6.1 does.  Its data is one word per page offset, in a sparse
 * index (mm/page_index.h: an untouched page costs nothing):
 *   0                  a hole: nobody touched the page yet (zeros)
 *   frame | SHMEM_FRAME  the page's frame: the object holds a reference
 *                      and the frame is marked PG_PAGECACHE (page_mapcount
 *                      leaves that reference out), as a file's page
 *   a swap entry       (swap_val_to_pte) its copy in swap: the object holds
 *                      one reference on the slot
 * Regions map the frames; page replacement writes a frame to a slot, turns
 * the regions' entries into that swap entry (mm/vmscan.c) and gives the
 * object the slot (shmem_page_evicted).  A region's swap entry faults in
 * through the swap cache (the object also holds the slot, so the frame is
 * cached and found by all); a fault on an empty entry asks the object.
 */
#include "mm/shmem.h"
#include <vmos/errno.h>
#include "fs/internal.h"
#include "fs/vfs.h"
#include <vmos/printk.h>
#include <vmos/string.h>
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include "mm/page_index.h"
#include "mm/rmap.h"
#include "mm/rmap.h"
#include "mm/swap.h"
#include "mm/swap_state.h"
#include "mm/vmscan.h"
#include <asm/page.h>
#include <asm/pgtable.h>

#define SHMEM_DEV MKDEV(0, 1)  /* Linux's internal shm mount: 00:01 */
#define SHMEM_MODE (S_IFREG | 0777)
#define SHMEM_NAME "/dev/zero (deleted)"
#define SHMEM_FRAME 1ul        /* the word holds a frame (else a swap entry) */
#define SECTOR_SIZE 512        /* st_blocks counts these */
struct shmem_object {
	struct page_index index; /* npages words, as above */
	u64 npages;
	struct inode *inode; /* whose blocks count the frames held */
	bool locked;     /* SHM_LOCK: its frames are not evicted */
	struct shmem_object *next, *prev; /* every object (swapoff) */
};

static struct shmem_object *objects;
static u64 nr_frames; /* frames all objects hold (/proc/meminfo Shmem) */
static u32 shmem_next_ino = 1;
static const struct inode_operations shmem_iops;
static const struct file_operations shmem_fops;

bool is_shmem_file(const struct file *f)
{
	return f && f->inode->iops == &shmem_iops;
}

static struct shmem_object *object_of(const struct file *f)
{
	return f->inode->private;
}

struct inode *shmem_new_inode(u64 size)
{
	u64 npages = ALIGN_UP(size, PAGE_SIZE) >> PAGE_SHIFT;
	struct shmem_object *obj;
	struct inode *inode;

	/* Linux's heuristic overcommit (__vm_enough_memory) refuses one
	 * object bigger than memory and swap together. */
	if (npages > frames_managed_count() + swap_total_pages() ||
	    !(obj = kzalloc(sizeof(*obj))))
		return NULL;
	obj->npages = npages;
	inode = page_index_init(&obj->index, npages)
		? inode_alloc(SHMEM_DEV, ++shmem_next_ino, SHMEM_MODE, &shmem_iops,
			      &shmem_fops) : NULL;
	if (!inode) {
		kfree(obj);
		return NULL;
	}
	obj->inode = inode;
	inode->private = obj;
	inode->nlink = 0; /* in no directory: "(deleted)" */
	inode->size = size;
	obj->next = objects;
	if (objects)
		objects->prev = obj;
	objects = obj;
	return inode;
}

struct file *shmem_zero_setup(u64 size)
{
	struct inode *inode = shmem_new_inode(size);
	struct file *f;
	int err;

	if (!inode)
		return NULL;
	f = file_open_inode(inode, O_RDWR, SHMEM_NAME, &err);
	iput(inode); /* the file holds its own reference (or, failed, frees it) */
	return f;
}

void shmem_lock(struct inode *inode, bool lock)
{
	((struct shmem_object *)inode->private)->locked = lock;
}

bool shmem_locked(const struct shmem_object *obj)
{
	return obj->locked;
}

u64 shmem_total_pages(void)
{
	return nr_frames;
}

static void count_swapped(u64 i, u64 *word, void *n)
{
	(void)i;
	*(u64 *)n += !(*word & SHMEM_FRAME);
}

u64 shmem_swapped(const struct inode *inode)
{
	struct shmem_object *obj = inode->private;
	u64 n = 0;

	page_index_for_each(&obj->index, count_swapped, &n);
	return n;
}

/* take_frame - the object now holds frame pa in *word (its reference). */
static phys_addr_t take_frame(struct shmem_object *obj, u64 *word, phys_addr_t pa)
{
	phys_to_page(pa)->flags |= PG_PAGECACHE;
	*word = pa | SHMEM_FRAME;
	obj->inode->blocks += PAGE_SIZE / SECTOR_SIZE;
	nr_frames++;
	return pa;
}

/* swap_back - the page of *word is in swap: read it back (or find it in
 * the swap cache) and hold the frame instead of the slot. */
static phys_addr_t swap_back(struct shmem_object *obj, u64 *word, int *err,
			     bool *major)
{
	swp_entry_t slot = { pte_to_swap_val(*word) };
	struct page *page = swap_page_get(slot, err, major, false);

	if (!page)
		return 0;
	take_frame(obj, word, page_to_phys(page)); /* swap_page_get's reference */
	swap_entry_put(slot); /* the object's; the cache keeps it for others */
	return page_to_phys(page);
}

/*
 * object_get_page - the frame of page pgoff of obj (below its size): the
 * one it holds, read back from swap (*major), or with alloc a new zeroed
 * one; the object keeps its reference.  0 with *err: -ENOMEM, -EIO (the
 * disk failed), or 0 for a hole not allocated.
 */
static phys_addr_t object_get_page(struct shmem_object *obj, u64 pgoff, bool alloc,
				   int *err, bool *major)
{
	phys_addr_t pa;
	u64 *word;

	*err = 0;
	*major = false;
	if (pgoff >= obj->npages)
		panic("object_get_page: offset %lu of %lu pages", pgoff, obj->npages);
	word = page_index_slot(&obj->index, pgoff, alloc);
	if (word && (*word & SHMEM_FRAME))
		return *word & ~SHMEM_FRAME;
	if (word && *word)
		return swap_back(obj, word, err, major);
	if (!alloc)
		return 0;
	pa = word ? frame_alloc() : 0;
	if (!pa) {
		*err = -ENOMEM;
		return 0;
	}
	clear_page(phys_to_virt(pa));
	return take_frame(obj, word, pa);
}

struct shmem_object *shmem_page_owner(const struct page *page, u64 *pgoff)
{
	struct rmap_iter it;
	struct vm_area_struct *v;
	struct shmem_object *obj;

	if (!(page->flags & PG_PAGECACHE))
		return NULL;
	rmap_iter_init(&it, (struct page *)page);
	if (!rmap_next(&it)) /* not mapped: its first mapping says whose */
		return NULL;
	v = vma_lookup(&it.mm->vmas, it.va);
	if (!v || !is_shmem_file(v->vm_file))
		return NULL;
	obj = object_of(v->vm_file);
	*pgoff = v->vm_pgoff + ((it.va - v->vm_start) >> PAGE_SHIFT);
	if (*pgoff >= obj->npages ||
	    page_index_get(&obj->index, *pgoff) != (page_to_phys(page) | SHMEM_FRAME))
		panic("shmem_page_owner: frame 0x%lx at 0x%lx is not its object's",
		      page_to_phys(page), it.va);
	return obj;
}

void shmem_page_evicted(struct shmem_object *obj, u64 pgoff, u64 val)
{
	u64 *word = page_index_slot(&obj->index, pgoff, false);
	struct page *page = phys_to_page(*word & ~SHMEM_FRAME);

	*word = swap_val_to_pte(val);
	obj->inode->blocks -= PAGE_SIZE / SECTOR_SIZE;
	nr_frames--;
	page->flags &= ~PG_PAGECACHE;
	page_put(page);
}

struct unuse {
	struct shmem_object *obj;
	unsigned type;
	int err;
};

/* unuse_word - swap_back() the page of *word if it is on swap area type. */
static void unuse_word(u64 i, u64 *word, void *arg)
{
	struct unuse *u = arg;
	bool major;
	int err;

	(void)i;
	if (u->err || (*word & SHMEM_FRAME) ||
	    swp_type((swp_entry_t){ pte_to_swap_val(*word) }) != u->type)
		return;
	if (frames_free_count() < reclaim_low_watermark() ||
	    !swap_back(u->obj, word, &err, &major))
		u->err = -ENOMEM;
}

int shmem_unuse(unsigned type)
{
	struct unuse u = { NULL, type, 0 };

	for (u.obj = objects; u.obj && !u.err; u.obj = u.obj->next)
		page_index_for_each(&u.obj->index, unuse_word, &u);
	return u.err;
}

/* release_word - the object lets go of the frame or slot in *word. */
static void release_word(u64 i, u64 *word, void *arg)
{
	(void)i;
	(void)arg;
	if (*word & SHMEM_FRAME) {
		struct page *page = phys_to_page(*word & ~SHMEM_FRAME);

		page->flags &= ~PG_PAGECACHE; /* mappings may keep it */
		page_put(page);
		nr_frames--;
	} else {
		swap_entry_put((swp_entry_t){ pte_to_swap_val(*word) });
	}
}

/* The last reference on the inode: its frames and slots go. */
static void shmem_evict(struct inode *inode)
{
	struct shmem_object *obj = inode->private;

	page_index_for_each(&obj->index, release_word, NULL);
	page_index_destroy(&obj->index);
	if (obj->prev)
		obj->prev->next = obj->next;
	else
		objects = obj->next;
	if (obj->next)
		obj->next->prev = obj->prev;
	kfree(obj);
}

/* copy_file_page - read (to_user) or write n bytes at byte off of page pgoff
 * through u: a hole reads as zeros, a write makes the page. */
static long copy_file_page(struct file *f, u64 pgoff, u64 off, size_t n,
			   struct uio *u, bool to_user)
{
	bool major;
	int err;
	phys_addr_t pa = object_get_page(object_of(f), pgoff, !to_user, &err, &major);

	if (!pa && err)
		return err;
	if (!pa)
		return uio_zero(u, n);
	return to_user ? uio_copy_out(u, (u8 *)phys_to_virt(pa) + off, n)
		       : uio_copy_in(u, (u8 *)phys_to_virt(pa) + off, n);
}

/* read and write through a descriptor (/proc/PID/map_files opens one):
 * within the object's size, as on Linux's shmem file. */
static long shmem_rw(struct file *f, struct uio *u, u64 *pos, bool to_user)
{
	u64 size = f->inode->size;
	long done = 0;

	if (!to_user && *pos >= size && u->len)
		return -EFBIG; /* the object does not grow */
	while (u->len && *pos < size) {
		u64 off = *pos % PAGE_SIZE;
		size_t chunk = (size_t)MIN(PAGE_SIZE - off, size - *pos);
		long n = copy_file_page(f, *pos / PAGE_SIZE, off, MIN(chunk, u->len), u, to_user);

		if (n <= 0)
			return done ? done : n;
		*pos += (u64)n;
		done += n;
	}
	return done;
}

static long shmem_read(struct file *f, struct uio *u, u64 *pos)
{
	return shmem_rw(f, u, pos, true);
}

static long shmem_write(struct file *f, struct uio *u, u64 *pos)
{
	return shmem_rw(f, u, pos, false);
}

/* shmem_map_page - inode_operations.map_page: the object's page (past its
 * size: -EFAULT, SIGBUS), from swap if it went there. */
static phys_addr_t shmem_map_page(struct inode *inode, u64 pgoff, bool alloc,
				  int *err, bool *major)
{
	const struct shmem_object *obj = inode->private;

	if (pgoff >= obj->npages) {
		*err = -EFAULT;
		*major = false;
		return 0;
	}
	return object_get_page(inode->private, pgoff, alloc, err, major);
}

/* shmem_find_page - inode_operations.find_page: the frame if the object
 * holds the page in memory (not in swap). */
static phys_addr_t shmem_find_page(struct inode *inode, u64 pgoff)
{
	const struct shmem_object *obj = inode->private;
	u64 word = pgoff < obj->npages ? page_index_get(&obj->index, pgoff) : 0;

	return word & SHMEM_FRAME ? word & ~SHMEM_FRAME : 0;
}

static const struct inode_operations shmem_iops = {
	.map_page = shmem_map_page,
	.find_page = shmem_find_page,
	.evict = shmem_evict,
};

static const struct file_operations shmem_fops = {
	.read = shmem_read,
	.write = shmem_write,
};
