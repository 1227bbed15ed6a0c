/*
 * fs/ramfs.c - the root file system, kept entirely in memory.
 *
 * A directory is a list of entries (name -> inode) in creation order, each
 * holding one reference on its inode.  Every entry gets a "cookie" from a
 * counter of its directory when it is added, and readdir positions are
 * cookies, so removing entries while a program reads the directory (rm -r)
 * never makes it skip one.  A directory also holds a reference on its
 * parent, for "..", and counts 2 + its subdirectories in nlink, as on Linux.
 *
 * A regular file's data is an array of physical frames indexed by page
 * number: byte offset off lives in frame pages[off / PAGE_SIZE] (0: a
 * hole, which reads as zeros).  Frames are allocated and zeroed on first
 * write, so the same lookup can later map them into processes.  A file
 * may grow until it reaches RAMFS_MAX_FILE_SIZE (-EFBIG) or until only
 * 1/RAMFS_RESERVE_SHARE of memory is left free (-ENOSPC, as a full tmpfs):
 * that reserve keeps the programs running, filling the disk does not
 * starve them of memory.
 *
 * A symbolic link keeps its target as a string; device nodes and FIFOs
 * keep nothing (rdev tells which driver opens them).
 */
#include <vmos/errno.h>
#include "fs/internal.h"
#include <vmos/printk.h>
#include <vmos/string.h>
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/rmap.h"
#include <asm/page.h>

#define RAMFS_ROOT_INO 1
#define RAMFS_FIRST_COOKIE 2   /* readdir positions 0 and 1 are "." and ".." */
#define BOGO_DIRENT_SIZE 20    /* a directory's st_size per entry, as tmpfs */
#define SECTOR_SIZE 512        /* st_blocks counts these */
#define RAMFS_MIN_PAGE_SLOTS 16
/* The frame array may take at most the largest kmalloc block (4 MiB of
 * 8-byte entries): 2 GiB.  Stay well below. */
#define RAMFS_MAX_FILE_SIZE (1ull << 30)
#define RAMFS_MAX_PAGES (RAMFS_MAX_FILE_SIZE / PAGE_SIZE)
#define RAMFS_RESERVE_SHARE 16 /* file data never takes the last 1/16 */

struct ramfs_dirent {
	struct ramfs_dirent *next;
	struct inode *inode; /* one reference */
	u64 cookie;          /* its readdir position */
	u32 len;
	char name[];         /* len bytes and a NUL */
};

struct ramfs_dir {
	struct ramfs_dirent *head;
	struct inode *parent; /* referenced; NULL for the root */
	u64 next_cookie;
	u32 count;
};

struct ramfs_file {
	phys_addr_t *pages; /* slots frames; 0 is a hole */
	u64 slots;
};

static const struct inode_operations ramfs_iops;
static const struct file_operations ramfs_dir_fops;
static const struct file_operations ramfs_file_fops;
static u32 ramfs_next_ino = RAMFS_ROOT_INO;
static u64 nr_data_pages; /* frames holding file data, in all files */

u64 ramfs_pages(void)
{
	return nr_data_pages;
}

static struct ramfs_dir *dir_of(struct inode *dir)
{
	return dir->private;
}

static bool is_ramfs(const struct inode *inode)
{
	return inode->iops == &ramfs_iops;
}

/* ---- directory entries ---- */

static struct ramfs_dirent *find_entry(struct inode *dir, const char *name,
				       size_t len, struct ramfs_dirent ***link)
{
	struct ramfs_dirent **pp = &dir_of(dir)->head;

	for (; *pp; pp = &(*pp)->next) {
		if ((*pp)->len == len && !memcmp((*pp)->name, name, len)) {
			if (link)
				*link = pp;
			return *pp;
		}
	}
	return NULL;
}

/* new_entry - an entry for inode under name, not yet in a directory. */
static struct ramfs_dirent *new_entry(const char *name, size_t len,
				      struct inode *inode)
{
	struct ramfs_dirent *e = kmalloc(sizeof(*e) + len + 1);

	if (!e)
		return NULL;
	e->next = NULL;
	e->inode = inode;
	e->len = (u32)len;
	memcpy(e->name, name, len);
	e->name[len] = '\0';
	return e;
}

/* insert_entry - append e to dir (taking a reference on its inode). */
static void insert_entry(struct inode *dir, struct ramfs_dirent *e)
{
	struct ramfs_dir *d = dir_of(dir);
	struct ramfs_dirent **pp = &d->head;

	while (*pp)
		pp = &(*pp)->next;
	*pp = e;
	e->cookie = d->next_cookie++;
	ihold(e->inode);
	d->count++;
	if (S_ISDIR(e->inode->mode))
		dir->nlink++;
	dir->size = (d->count + 2) * BOGO_DIRENT_SIZE;
	inode_touch(dir);
}

/* remove_entry - take the entry at *link out of dir and drop it. */
static void remove_entry(struct inode *dir, struct ramfs_dirent **link)
{
	struct ramfs_dirent *e = *link;
	struct ramfs_dir *d = dir_of(dir);

	*link = e->next;
	d->count--;
	if (S_ISDIR(e->inode->mode))
		dir->nlink--;
	dir->size = (d->count + 2) * BOGO_DIRENT_SIZE;
	inode_touch(dir);
	iput(e->inode);
	kfree(e);
}

/* add_entry - a new entry name -> inode in dir: 0, -EEXIST, -ENOMEM,
 * -ENOENT (dir was removed). */
static int add_entry(struct inode *dir, const char *name, size_t len,
		     struct inode *inode)
{
	struct ramfs_dirent *e;

	if (dir->nlink == 0)
		return -ENOENT;
	if (find_entry(dir, name, len, NULL))
		return -EEXIST;
	e = new_entry(name, len, inode);
	if (!e)
		return -ENOMEM;
	insert_entry(dir, e);
	return 0;
}

/* ---- inodes ---- */

/* new_inode - a ramfs inode of mode with its private data. */
static struct inode *new_inode(u32 mode, u32 rdev, struct inode *parent)
{
	const struct file_operations *fops = NULL;
	struct inode *inode;
	void *priv = NULL;

	if (S_ISDIR(mode)) {
		priv = kzalloc(sizeof(struct ramfs_dir));
		fops = &ramfs_dir_fops;
	} else if (S_ISREG(mode)) {
		priv = kzalloc(sizeof(struct ramfs_file));
		fops = &ramfs_file_fops;
	}
	if ((S_ISDIR(mode) || S_ISREG(mode)) && !priv)
		return NULL;
	/* An inode belongs to its directory's instance (mount made more). */
	inode = inode_alloc(parent ? parent->dev : RAMFS_DEV, ramfs_next_ino++,
			    mode, &ramfs_iops, fops);
	if (!inode) {
		kfree(priv);
		return NULL;
	}
	inode->private = priv;
	inode->rdev = rdev;
	inode->uid = current_fsuid(); /* the creator owns it, its group too */
	inode->gid = current_fsgid();
	if (S_ISDIR(mode)) {
		struct ramfs_dir *d = priv;

		d->next_cookie = RAMFS_FIRST_COOKIE;
		d->parent = parent;
		if (parent)
			ihold(parent);
		inode->nlink = 2;
		inode->size = 2 * BOGO_DIRENT_SIZE;
	}
	return inode;
}

struct inode *ramfs_create_root(void)
{
	return new_inode(S_IFDIR | 0755, 0, NULL);
}

struct inode *ramfs_new_file(u32 mode)
{
	struct inode *inode = new_inode(S_IFREG | (mode & S_IALLUGO), 0, NULL);

	if (inode)
		inode->nlink = 0; /* in no directory: "(deleted)" */
	return inode;
}

struct inode *ramfs_create_instance(u32 dev, u32 mode)
{
	struct inode *root = new_inode(mode, 0, NULL);

	if (root)
		root->dev = dev;
	return root;
}

bool is_ramfs_dir(const struct inode *inode)
{
	return is_ramfs(inode) && S_ISDIR(inode->mode);
}

/* Depth-first: a directory is emptied before its entry goes, which drops
 * its reference on its parent (the cycle that would keep them alive). */
void ramfs_kill_tree(struct inode *dir)
{
	struct ramfs_dir *d = dir_of(dir);

	while (d->head) {
		struct inode *inode = d->head->inode;

		if (is_ramfs_dir(inode))
			ramfs_kill_tree(inode);
		inode->nlink = S_ISDIR(inode->mode) ? 0 : inode->nlink - 1;
		remove_entry(dir, &d->head);
	}
}

static int ramfs_lookup(struct inode *dir, const char *name, size_t len,
			struct inode **res)
{
	struct ramfs_dirent *e;

	if (len == 2 && name[0] == '.' && name[1] == '.') {
		*res = dir_of(dir)->parent ? dir_of(dir)->parent : dir;
		ihold(*res);
		return 0;
	}
	e = find_entry(dir, name, len, NULL);
	if (!e)
		return -ENOENT;
	*res = e->inode;
	ihold(*res);
	return 0;
}

/* make - a new inode of mode under name in dir: the caller's reference. */
static int make(struct inode *dir, const char *name, size_t len, u32 mode,
		u32 rdev, struct inode **res)
{
	struct inode *inode;
	int err;

	if (dir->nlink == 0)
		return -ENOENT;
	if (find_entry(dir, name, len, NULL))
		return -EEXIST;
	inode = new_inode(mode, rdev, dir);
	if (!inode)
		return -ENOSPC;
	err = add_entry(dir, name, len, inode);
	if (err) {
		inode->nlink = 0;
		iput(inode);
		return err;
	}
	*res = inode;
	return 0;
}

static int ramfs_mknod(struct inode *dir, const char *name, size_t len,
		       u32 mode, u32 rdev, struct inode **res)
{
	return make(dir, name, len, mode, rdev, res);
}

static int ramfs_symlink(struct inode *dir, const char *name, size_t len,
			 const char *target, struct inode **res)
{
	size_t n = strlen(target);
	char *copy = kmalloc(n + 1);
	int err;

	if (!copy)
		return -ENOSPC;
	memcpy(copy, target, n + 1);
	err = make(dir, name, len, S_IFLNK | 0777, 0, res);
	if (err) {
		kfree(copy);
		return err;
	}
	(*res)->private = copy;
	(*res)->size = n;
	return 0;
}

static int ramfs_link(struct inode *dir, const char *name, size_t len,
		      struct inode *inode)
{
	int err = add_entry(dir, name, len, inode);

	if (!err) {
		inode->nlink++;
		inode->ctime_ns = vfs_now_ns();
	}
	return err;
}

static int ramfs_unlink(struct inode *dir, const char *name, size_t len,
			bool is_dir)
{
	struct ramfs_dirent **link, *e = find_entry(dir, name, len, &link);
	struct inode *inode;

	if (!e)
		return -ENOENT;
	inode = e->inode;
	if (is_dir) {
		if (!S_ISDIR(inode->mode))
			return -ENOTDIR;
		if (!is_ramfs(inode))
			return -EBUSY; /* another file system's root (/proc) */
		if (dir_of(inode)->count)
			return -ENOTEMPTY;
		inode->nlink = 0;
	} else {
		if (S_ISDIR(inode->mode))
			return -EISDIR;
		inode->nlink--;
	}
	inode->ctime_ns = vfs_now_ns();
	remove_entry(dir, link);
	return 0;
}

/* is_ancestor - is a the directory d or one above it? */
static bool is_ancestor(struct inode *a, struct inode *d)
{
	for (; d; d = dir_of(d)->parent)
		if (d == a)
			return true;
	return false;
}

/* rename_allowed - may src replace dst (NULL: no such entry) in new_dir? */
static int rename_allowed(struct inode *src, struct inode *dst,
			  struct inode *new_dir)
{
	if (S_ISDIR(src->mode)) {
		if (!is_ramfs(src))
			return -EBUSY;
		if (is_ancestor(src, new_dir))
			return -EINVAL; /* into its own subtree */
		if (!dst)
			return 0;
		if (!S_ISDIR(dst->mode))
			return -ENOTDIR;
		if (!is_ramfs(dst))
			return -EBUSY;
		return dir_of(dst)->count ? -ENOTEMPTY : 0;
	}
	return dst && S_ISDIR(dst->mode) ? -EISDIR : 0;
}

static int ramfs_rename(struct inode *old_dir, const char *old_name,
			size_t old_len, struct inode *new_dir,
			const char *new_name, size_t new_len)
{
	struct ramfs_dirent **olink, **nlink, *oe, *ne, *moved;
	struct inode *src;
	int err;

	oe = find_entry(old_dir, old_name, old_len, &olink);
	if (!oe)
		return -ENOENT;
	if (new_dir->nlink == 0)
		return -ENOENT;
	src = oe->inode;
	ne = find_entry(new_dir, new_name, new_len, &nlink);
	if (ne && ne->inode == src)
		return 0; /* two names of one file: nothing to do (POSIX) */
	err = rename_allowed(src, ne ? ne->inode : NULL, new_dir);
	if (err)
		return err;
	moved = new_entry(new_name, new_len, src);
	if (!moved)
		return -ENOMEM;
	/* From here on nothing can fail. */
	ihold(src);
	if (ne) {
		ne->inode->nlink = S_ISDIR(ne->inode->mode) ? 0 : ne->inode->nlink - 1;
		remove_entry(new_dir, nlink);
	}
	find_entry(old_dir, old_name, old_len, &olink); /* the list changed */
	remove_entry(old_dir, olink);
	insert_entry(new_dir, moved);
	if (S_ISDIR(src->mode) && old_dir != new_dir) {
		iput(dir_of(src)->parent);
		dir_of(src)->parent = new_dir;
		ihold(new_dir);
	}
	src->ctime_ns = vfs_now_ns();
	iput(src);
	return 0;
}

static long ramfs_readlink(struct inode *inode, char *buf, size_t size)
{
	size_t n = MIN(size, inode->size);

	memcpy(buf, inode->private, n);
	return (long)n;
}

/* ---- regular files ---- */

/* grow_slots - room for page index pgoff in the frame array. */
static bool grow_slots(struct ramfs_file *rf, u64 pgoff)
{
	u64 slots = MAX(rf->slots * 2, (u64)RAMFS_MIN_PAGE_SLOTS);
	phys_addr_t *pages;

	while (slots <= pgoff)
		slots *= 2;
	slots = MIN(slots, RAMFS_MAX_PAGES);
	pages = kzalloc(slots * sizeof(*pages));
	if (!pages)
		return false;
	if (rf->pages)
		memcpy(pages, rf->pages, rf->slots * sizeof(*pages));
	kfree(rf->pages);
	rf->pages = pages;
	rf->slots = slots;
	return true;
}

/*
 * ramfs_get_page - the physical frame holding bytes [pgoff * PAGE_SIZE,
 * (pgoff + 1) * PAGE_SIZE) of a ramfs regular file, or 0 for a hole
 * (reads as zeros).  With alloc, a hole first gets a zeroed frame (0 when
 * memory is short: file data leaves the last 1/16 of memory free).  The
 * frame stays the file's: take a reference (page_get) to keep it mapped
 * past a truncate.  O(1).  Others reach it through map_page.
 */
static phys_addr_t ramfs_get_page(struct inode *inode, u64 pgoff, bool alloc)
{
	struct ramfs_file *rf = inode->private;
	phys_addr_t pa;

	if (pgoff < rf->slots && rf->pages[pgoff])
		return rf->pages[pgoff];
	if (!alloc || pgoff >= RAMFS_MAX_PAGES)
		return 0;
	if (frames_free_count() <= frames_managed_count() / RAMFS_RESERVE_SHARE)
		return 0;
	if (pgoff >= rf->slots && !grow_slots(rf, pgoff))
		return 0;
	pa = frame_alloc();
	if (!pa)
		return 0;
	clear_page(phys_to_virt(pa));
	phys_to_page(pa)->flags |= PG_PAGECACHE; /* its reference is the file's */
	rf->pages[pgoff] = pa;
	inode->blocks += PAGE_SIZE / SECTOR_SIZE;
	nr_data_pages++;
	return pa;
}

/* free_pages_range - drop the frames of pages [first, end); with unmap,
 * every mapping of them goes first. */
static void free_pages_range(struct inode *inode, u64 first, u64 end,
			     bool unmap)
{
	struct ramfs_file *rf = inode->private;

	for (u64 i = first; i < MIN(end, rf->slots); i++) {
		if (rf->pages[i]) {
			struct page *page = phys_to_page(rf->pages[i]);

			if (unmap)
				rmap_unmap_page(page);

			page->flags &= ~PG_PAGECACHE; /* mappings may keep it */
			page_put(page);
			rf->pages[i] = 0;
			inode->blocks -= PAGE_SIZE / SECTOR_SIZE;
			nr_data_pages--;
		}
	}
}

/* free_pages_from - drop the frames of pages first.. (truncation). */
static void free_pages_from(struct inode *inode, u64 first)
{
	free_pages_range(inode, first, ~0ull, false);
}

/* zero_range - zeros over [start, end), all in one page, if it has a frame. */
static void zero_range(struct inode *inode, u64 start, u64 end)
{
	phys_addr_t pa = ramfs_get_page(inode, start / PAGE_SIZE, false);

	if (pa && start < end)
		memset((u8 *)phys_to_virt(pa) + start % PAGE_SIZE, 0, end - start);
}

/* ramfs_punch_hole - fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE)
 * of [start, end) of a ramfs file (within its size): the whole pages
 * leave every mapping of them and the file (holes read as zeros; private
 * copies of them stay, as Linux's), the parts of pages at the ends are
 * zeroed. */
static void ramfs_punch_hole(struct inode *inode, u64 start, u64 end)
{
	u64 first = ALIGN_UP(start, PAGE_SIZE) / PAGE_SIZE, last = end / PAGE_SIZE;

	end = MIN(end, inode->size);
	if (start >= end)
		return;
	if (first >= last) { /* within one page, or across one boundary */
		zero_range(inode, start, MIN(end, ALIGN_UP(start + 1, PAGE_SIZE)));
		zero_range(inode, MAX(start, end & ~(PAGE_SIZE - 1)), end);
	} else {
		zero_range(inode, start, first * PAGE_SIZE);
		zero_range(inode, last * PAGE_SIZE, end);
		free_pages_range(inode, first, last, true);
	}
	inode_touch(inode);
}

static int ramfs_setsize(struct inode *inode, u64 size)
{
	u64 keep = ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE;

	if (!S_ISREG(inode->mode))
		return -EINVAL;
	if (size > RAMFS_MAX_FILE_SIZE)
		return -EFBIG;
	if (size < inode->size) {
		phys_addr_t pa;

		/* No mapping keeps a page past the new end (Linux's
		 * truncate_pagecache): a touch there is SIGBUS, and if the
		 * file grows again, every mapping faults in the new page. */
		unmap_mapping_range(inode, keep);
		free_pages_from(inode, keep);
		/* The tail of the last page must read as zeros if the file
		 * grows again. */
		pa = size % PAGE_SIZE ? ramfs_get_page(inode, size / PAGE_SIZE, false) : 0;
		if (pa)
			memset((u8 *)phys_to_virt(pa) + size % PAGE_SIZE, 0,
			       PAGE_SIZE - size % PAGE_SIZE);
	}
	inode->size = size;
	inode_touch(inode);
	return 0;
}

static long ramfs_file_read(struct file *f, struct uio *u, u64 *pos)
{
	struct inode *inode = f->inode;
	long done = 0;

	while (u->len && *pos < inode->size) {
		u64 off = *pos % PAGE_SIZE;
		size_t chunk = (size_t)MIN(PAGE_SIZE - off, inode->size - *pos);
		phys_addr_t pa = ramfs_get_page(inode, *pos / PAGE_SIZE, false);
		long n = pa ? uio_copy_out(u, (u8 *)phys_to_virt(pa) + off, chunk)
			    : uio_zero(u, chunk);

		if (n < 0)
			return done ? done : n;
		*pos += (u64)n;
		done += n;
	}
	return done;
}

static long ramfs_file_write(struct file *f, struct uio *u, u64 *pos)
{
	struct inode *inode = f->inode;
	long done = 0;

	if (*pos >= RAMFS_MAX_FILE_SIZE)
		return u->len ? -EFBIG : 0;
	if (u->len > RAMFS_MAX_FILE_SIZE - *pos)
		u->len = RAMFS_MAX_FILE_SIZE - *pos;
	while (u->len) {
		u64 off = *pos % PAGE_SIZE;
		size_t chunk = (size_t)MIN(PAGE_SIZE - off, u->len);
		phys_addr_t pa = ramfs_get_page(inode, *pos / PAGE_SIZE, true);
		long n;

		if (!pa) {
			if (!done)
				done = -ENOSPC;
			break;
		}
		n = uio_copy_in(u, (u8 *)phys_to_virt(pa) + off, chunk);
		if (n < 0) {
			if (!done)
				done = n;
			break;
		}
		*pos += (u64)n;
		done += n;
		if (*pos > inode->size)
			inode->size = *pos;
	}
	if (done > 0)
		inode_touch(inode);
	return done;
}

/* ---- directories ---- */

static int ramfs_readdir(struct file *f, struct dir_context *ctx)
{
	struct inode *dir = f->inode;
	struct ramfs_dir *d = dir_of(dir);
	struct inode *parent = d->parent ? d->parent : dir;

	if (ctx->pos == 0) {
		if (!ctx->emit(ctx, ".", 1, dir->ino, DT_DIR))
			return 0;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		if (!ctx->emit(ctx, "..", 2, parent->ino, DT_DIR))
			return 0;
		ctx->pos = RAMFS_FIRST_COOKIE;
	}
	for (struct ramfs_dirent *e = d->head; e; e = e->next) {
		if (e->cookie < ctx->pos)
			continue;
		if (!ctx->emit(ctx, e->name, e->len, e->inode->ino,
			       inode_dtype(e->inode->mode)))
			return 0;
		ctx->pos = e->cookie + 1;
	}
	return 0;
}

static void ramfs_evict(struct inode *inode)
{
	if (S_ISDIR(inode->mode)) {
		struct ramfs_dir *d = dir_of(inode);

		while (d->head)
			remove_entry(inode, &d->head);
		iput(d->parent);
	} else if (S_ISREG(inode->mode)) {
		struct ramfs_file *rf = inode->private;

		free_pages_from(inode, 0);
		kfree(rf->pages);
	}
	kfree(inode->private);
}

/* ramfs_map_page - inode_operations.map_page: every page of a ramfs file
 * is in memory; past the end of the file (rounded up to a page) is
 * -EFAULT. */
static phys_addr_t ramfs_map_page(struct inode *inode, u64 pgoff, bool alloc,
				  int *err, bool *major)
{
	phys_addr_t pa = 0;

	*major = false;
	*err = 0;
	if (!S_ISREG(inode->mode) ||
	    pgoff >= ALIGN_UP(inode->size, PAGE_SIZE) >> PAGE_SHIFT)
		*err = -EFAULT;
	else if (!(pa = ramfs_get_page(inode, pgoff, alloc)) && alloc)
		*err = -ENOMEM;
	return pa;
}

static phys_addr_t ramfs_find_page(struct inode *inode, u64 pgoff)
{
	return S_ISREG(inode->mode) ? ramfs_get_page(inode, pgoff, false) : 0;
}

static const struct inode_operations ramfs_iops = {
	.map_page = ramfs_map_page,
	.find_page = ramfs_find_page,
	.punch_hole = ramfs_punch_hole,
	.lookup = ramfs_lookup,
	.mknod = ramfs_mknod,
	.symlink = ramfs_symlink,
	.link = ramfs_link,
	.unlink = ramfs_unlink,
	.rename = ramfs_rename,
	.readlink = ramfs_readlink,
	.setsize = ramfs_setsize,
	.evict = ramfs_evict,
};

static const struct file_operations ramfs_dir_fops = {
	.readdir = ramfs_readdir,
};

static const struct file_operations ramfs_file_fops = {
	.read = ramfs_file_read,
	.write = ramfs_file_write,
};
