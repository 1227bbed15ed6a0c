/*
 * fs/initrd.c - filling the root file system from the boot modules.
 *
 * Every module the boot loader loaded is a cpio "newc" archive (cpio.c
 * reads it); they are unpacked in order into the root, so a later archive
 * overrides an earlier one: a file replaces a file, a directory that
 * exists is kept (with the new mode), anything else in the way is removed
 * first (a non-empty directory in the way makes that entry fail).
 * Missing parent directories are made (0755).  Modes, owners and mtimes
 * are the archive's, not reduced by the umask.  Hard links (regular files
 * sharing c_ino) become links to the first of them; the one that carries
 * the data fills the file.
 *
 * A malformed archive is reported with the module's name and the reason;
 * what was unpacked before the bad entry stays.
 *
 * Once every archive is unpacked the root holds copies of their files, so
 * the modules' own memory goes back to the frame allocator (Linux's
 * "Freeing initrd memory"): without it a 10 MiB initrd took 10 MiB from
 * every process for as long as the machine ran.
 */
#include "kernel/bootinfo.h"
#include <vmos/errno.h>
#include "fs/cpio.h"
#include "fs/internal.h"
#include <vmos/printk.h>
#include <vmos/format.h>
#include <vmos/string.h>
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include <asm/page.h>

#define NSEC_PER_SEC 1000000000ull
#define PARENT_DIR_MODE 0755
#define HARDLINKS_MAX 256 /* distinct hard-linked files per archive */

/* A regular file with several names, by the archive's identity for it. */
struct hardlink {
	u32 ino, devmajor, devminor;
	char *path; /* its first name */
};

struct unpack {
	char module[96];    /* "module 0 (initrd.cpio)", for messages */
	char *path;         /* PATH_MAX: the entry's absolute path */
	struct hardlink links[HARDLINKS_MAX];
	unsigned nlinks;
	unsigned entries, failed;
};

/* make_parents - mkdir -p of every directory above path. */
static void make_parents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		do_mkdirat(AT_FDCWD, path, PARENT_DIR_MODE);
		*p = '/';
	}
}

/* clear_way - make room at path for a new entry of type mode: remove what
 * is there unless it is a directory and a directory is wanted. */
static int clear_way(const char *path, u32 mode)
{
	struct inode *old;
	int err = vfs_lookup(AT_FDCWD, path, 0, &old);
	bool dir;

	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	dir = S_ISDIR(old->mode);
	iput(old);
	if (dir && S_ISDIR(mode))
		return 0;
	return do_unlinkat(AT_FDCWD, path, dir);
}

/* set_attrs - the archive's mode, owner and mtime on what path names. */
static void set_attrs(const char *path, const struct cpio_entry *e)
{
	struct inode *inode;

	if (vfs_lookup(AT_FDCWD, path, 0, &inode))
		return;
	if (!S_ISLNK(inode->mode))
		inode->mode = (inode->mode & S_IFMT) | (e->mode & S_IALLUGO);
	inode->uid = e->uid;
	inode->gid = e->gid;
	inode->mtime_ns = inode->atime_ns = e->mtime * NSEC_PER_SEC;
	iput(inode);
}

/* write_data - path's contents become the entry's data. */
static int write_data(const char *path, const struct cpio_entry *e)
{
	struct file *f;
	long n = 0;
	int err;

	f = do_open(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC,
		    e->mode & S_IALLUGO, &err);
	if (!f)
		return err;
	if (e->size)
		n = kernel_write(f, e->data, e->size, 0);
	file_put(f);
	if (n < 0)
		return (int)n;
	return (u64)n == e->size ? 0 : -ENOSPC;
}

/* find_link - the first name of the hard-linked file e belongs to. */
static struct hardlink *find_link(struct unpack *u, const struct cpio_entry *e)
{
	for (unsigned i = 0; i < u->nlinks; i++) {
		struct hardlink *l = &u->links[i];

		if (l->ino == e->ino && l->devmajor == e->devmajor &&
		    l->devminor == e->devminor)
			return l;
	}
	return NULL;
}

/* remember_link - e (at u->path) is the first name of a hard-linked file. */
static void remember_link(struct unpack *u, const struct cpio_entry *e)
{
	struct hardlink *l;
	size_t len = strlen(u->path);

	if (u->nlinks == HARDLINKS_MAX)
		return; /* later names become copies: only the data is lost */
	l = &u->links[u->nlinks];
	l->path = kmalloc(len + 1);
	if (!l->path)
		return;
	memcpy(l->path, u->path, len + 1);
	l->ino = e->ino;
	l->devmajor = e->devmajor;
	l->devminor = e->devminor;
	u->nlinks++;
}

static int unpack_file(struct unpack *u, const struct cpio_entry *e)
{
	struct hardlink *l = e->nlink > 1 ? find_link(u, e) : NULL;
	int err;

	if (l) {
		err = do_linkat(AT_FDCWD, l->path, AT_FDCWD, u->path, 0);
		if (err || !e->size)
			return err;
	}
	err = write_data(u->path, e);
	if (!err && !l && e->nlink > 1)
		remember_link(u, e);
	return err;
}

static int unpack_symlink(struct unpack *u, const struct cpio_entry *e)
{
	char *target;
	int err;

	if (e->size == 0 || e->size >= PATH_MAX)
		return -ENAMETOOLONG;
	target = kmalloc(e->size + 1);
	if (!target)
		return -ENOMEM;
	memcpy(target, e->data, e->size);
	target[e->size] = '\0';
	err = do_symlinkat(target, AT_FDCWD, u->path);
	kfree(target);
	return err;
}

/* unpack_entry - one archive entry into the root: 0 or -errno. */
static int unpack_entry(struct unpack *u, const struct cpio_entry *e)
{
	int err;

	if (!strcmp(u->path, "/")) { /* "." in the archive: the root exists */
		if (S_ISDIR(e->mode))
			set_attrs(u->path, e);
		return 0;
	}
	make_parents(u->path);
	err = clear_way(u->path, e->mode);
	if (err)
		return err;
	switch (e->mode & S_IFMT) {
	case S_IFDIR:
		err = do_mkdirat(AT_FDCWD, u->path, e->mode & S_IALLUGO);
		if (err == -EEXIST)
			err = 0;
		break;
	case S_IFREG:
		err = unpack_file(u, e);
		break;
	case S_IFLNK:
		err = unpack_symlink(u, e);
		break;
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
		err = do_mknodat(AT_FDCWD, u->path, e->mode,
				 MKDEV(e->rdevmajor, e->rdevminor));
		break;
	default:
		return -EINVAL; /* sockets: not here */
	}
	if (!err)
		set_attrs(u->path, e);
	return err;
}

static void report_entry(struct unpack *u, const struct cpio_entry *e, int err)
{
	u->failed++;
	pr_warn("initrd: %s: '%.*s' not unpacked: error %d%s\n", u->module,
		(int)MIN(e->namelen, (u32)NAME_MAX), e->name, err,
		err == -EINVAL ? " (a '..' in the name, or an unsupported type)" :
		err == -ENOTEMPTY ? " (a non-empty directory is in the way)" :
		err == -ENOSPC ? " (out of memory)" : "");
}

/* unpack_module - one boot module, an archive of size bytes. */
static void unpack_module(struct unpack *u, const void *archive, u64 size)
{
	struct cpio_entry e;
	const char *error;
	u64 offset = 0;
	int r;

	while ((r = cpio_next(archive, size, &offset, &e, &error)) > 0) {
		int err = -EINVAL;

		if (cpio_path_normalize(e.name, e.namelen, u->path, PATH_MAX))
			err = unpack_entry(u, &e);
		if (err)
			report_entry(u, &e, err);
		else
			u->entries++;
	}
	if (r < 0)
		pr_err("initrd: %s: bad archive at byte %lu: %s; keeping the %u "
		       "entries before it\n", u->module, offset, error,
		       u->entries);
}

static void free_initrd_mem(void);

void initrd_unpack_all(void)
{
	struct unpack *u = kzalloc(sizeof(*u));
	char *path = kmalloc(PATH_MAX);

	if (!u || !path) {
		pr_err("initrd: no memory to unpack the boot modules\n");
		kfree(u);
		kfree(path);
		return;
	}
	for (unsigned i = 0; i < boot_info.nmodules; i++) {
		const struct boot_module *m = &boot_info.modules[i];

		memset(u, 0, sizeof(*u));
		u->path = path;
		ksnprintf(u->module, sizeof(u->module), "module %u (%s)", i,
			  m->name[0] ? m->name : "no name");
		unpack_module(u, phys_to_virt(m->start), m->end - m->start);
		pr_info("initrd: %s: %u entries unpacked%s\n", u->module,
			u->entries, u->failed ? ", some failed (see above)" : "");
		for (unsigned k = 0; k < u->nlinks; k++)
			kfree(u->links[k].path);
	}
	kfree(path);
	kfree(u);
	free_initrd_mem();
}

/*
 * free_initrd_mem - give the modules' frames to the allocator.  Only whole
 * pages inside a module go: a page it shares with another module or with
 * the loader's other data (the command line, the memory map) stays
 * reserved.  Nothing points into a module after unpacking: the files
 * were copied and the names are in boot_info.
 */
static void free_initrd_mem(void)
{
	u64 freed = 0;

	for (unsigned i = 0; i < boot_info.nmodules; i++) {
		phys_addr_t start = ALIGN_UP(boot_info.modules[i].start, PAGE_SIZE);
		phys_addr_t end = ALIGN_DOWN(boot_info.modules[i].end, PAGE_SIZE);

		if (end <= start)
			continue;
		frame_add_range(start, end);
		freed += end - start;
	}
	if (freed)
		pr_info("initrd: freed the boot modules' memory: %luK\n",
			freed >> 10);
}
