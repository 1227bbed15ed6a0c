/*
 * fs/namei.c - path lookup, and the operations on names: mkdir,
 * mknod, unlink, rmdir, symlink, link, rename, readlink.
 *
 * A path is walked one component at a time from the root ("/...") or a
 * start directory (the cwd, or a dirfd for the *at calls).  Repeated
 * slashes are one, "." stays, ".." goes to the parent (the root's parent
 * is the root).  A symbolic link met in the middle of a path is always
 * followed; the last component's only with LOOKUP_FOLLOW, or when a slash
 * follows it.  Following one walks its target from the directory holding
 * the link (or from the root, if the target is absolute); more than
 * MAXSYMLINKS of them in one lookup fail with -ELOOP, which also ends
 * loops like "a -> a".
 *
 * Operations that create or remove a name look up the parent directory
 * and leave the last component to the directory's inode_operations.
 */
#include "kernel/capability.h"
#include <vmos/errno.h>
#include "fs/internal.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include <vmos/string.h>
#include "mm/kmalloc.h"

char *getname(const char __user *upath, int *err)
{
	char *name = kmalloc(PATH_MAX);
	long n;

	if (!name) {
		*err = -ENOMEM;
		return NULL;
	}
	n = strncpy_from_user(name, upath, PATH_MAX);
	if (n < 0) {
		kfree(name);
		*err = (int)n;
		return NULL;
	}
	return name;
}

void putname(char *name)
{
	kfree(name);
}

u32 current_umask(void)
{
	return current && current->fs ? current->fs->umask : 0;
}

/* The mode bits a new file gets: the caller's, less the umask. */
static u32 apply_umask(u32 mode)
{
	return mode & S_IALLUGO & ~current_umask();
}

int dirfd_inode(int dirfd, struct inode **res)
{
	struct file *f;

	if (dirfd == AT_FDCWD) {
		struct fs_context *fs = current ? current->fs : NULL;

		*res = fs && fs->cwd ? fs->cwd : vfs_root;
		ihold(*res);
		return 0;
	}
	f = fd_get(current ? current->files : NULL, dirfd);
	if (!f)
		return -EBADF;
	*res = f->inode;
	ihold(*res);
	file_put(f);
	return 0;
}

static bool is_dots(const char *name, size_t len)
{
	return (len == 1 && name[0] == '.') ||
	       (len == 2 && name[0] == '.' && name[1] == '.');
}

int lookup_one(struct inode *dir, const char *name, size_t len,
	       struct inode **res)
{
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (len == 1 && name[0] == '.') {
		ihold(dir);
		*res = dir;
		return 0;
	}
	if (len == 2 && name[0] == '.' && name[1] == '.' && dir == vfs_root) {
		ihold(dir);
		*res = dir;
		return 0;
	}
	if (len == 2 && name[0] == '.' && name[1] == '.' && mount_covered(dir))
		return lookup_one(mount_covered(dir), name, len, res);
	if (!dir->iops || !dir->iops->lookup)
		return -ENOTDIR;
	return dir->iops->lookup(dir, name, len, res);
}

static int walk(struct inode *start, const char *path, unsigned flags,
		int *links, struct inode **res, struct last_name *last);

/*
 * follow_link - replace *inode, a symbolic link found in directory dir,
 * by what its target names (the reference on the link is dropped).
 */
static int follow_link(struct inode *dir, struct inode **inode, int *links)
{
	struct inode *link = *inode;
	char *target;
	long n;
	int err;

	*inode = NULL;
	if (++*links > MAXSYMLINKS) {
		iput(link);
		return -ELOOP;
	}
	target = kmalloc(PATH_MAX);
	if (!target) {
		iput(link);
		return -ENOMEM;
	}
	n = link->iops && link->iops->readlink ?
		    link->iops->readlink(link, target, PATH_MAX - 1) : -EINVAL;
	iput(link);
	if (n == 0)
		n = -ENOENT; /* an empty target names nothing */
	if (n < 0) {
		kfree(target);
		return (int)n;
	}
	target[n] = '\0';
	err = walk(dir, target, LOOKUP_FOLLOW, links, inode, NULL);
	kfree(target);
	return err;
}

/*
 * walk - resolve path from start (which the caller keeps its reference
 * on).  With last, stop before the last component: *res is its directory
 * and *last describes it.  *links counts the symbolic links followed.
 */
static int walk(struct inode *start, const char *path, unsigned flags,
		int *links, struct inode **res, struct last_name *last)
{
	struct inode *cur = path[0] == '/' ? vfs_root : start, *next;
	const char *p = path;
	int err = 0;

	ihold(cur);
	for (;;) {
		const char *name, *rest;
		bool is_last, slash;
		size_t len;

		while (*p == '/')
			p++;
		if (!*p) { /* "/", "a/", "": the walk ends on a directory */
			if (last)
				*last = (struct last_name){ p, 0, true, false };
			*res = cur;
			return 0;
		}
		for (name = p; *p && *p != '/'; p++)
			;
		len = (size_t)(p - name);
		if (len > NAME_MAX) {
			err = -ENAMETOOLONG;
			break;
		}
		for (rest = p; *rest == '/'; rest++)
			;
		is_last = !*rest;
		slash = *p == '/';
		if (!S_ISDIR(cur->mode)) {
			err = -ENOTDIR;
			break;
		}
		err = inode_permission(cur, MAY_EXEC); /* search the directory */
		if (err)
			break;
		if (is_last && last) {
			*last = (struct last_name){ name, len, slash,
						    is_dots(name, len) };
			*res = cur;
			return 0;
		}
		err = lookup_one(cur, name, len, &next);
		if (err)
			break;
		follow_down(&next); /* a mountpoint: the mounted root */
		if (S_ISLNK(next->mode) &&
		    (!is_last || slash || (flags & LOOKUP_FOLLOW))) {
			err = follow_link(cur, &next, links);
			if (err)
				break;
		}
		iput(cur);
		cur = next;
		if (is_last) {
			if ((slash || (flags & LOOKUP_DIRECTORY)) &&
			    !S_ISDIR(cur->mode)) {
				err = -ENOTDIR;
				break;
			}
			*res = cur;
			return 0;
		}
	}
	iput(cur);
	return err;
}

/* lookup_start - where a lookup of path relative to dirfd begins. */
static int lookup_start(int dirfd, const char *path, struct inode **start)
{
	int err;

	if (path[0] == '/') {
		ihold(vfs_root);
		*start = vfs_root;
		return 0;
	}
	err = dirfd_inode(dirfd, start);
	if (!err && !S_ISDIR((*start)->mode)) {
		iput(*start);
		err = -ENOTDIR;
	}
	return err;
}

int vfs_lookup(int dirfd, const char *path, unsigned flags, struct inode **res)
{
	struct inode *start;
	int links = 0, err;

	if (!path[0])
		return (flags & LOOKUP_EMPTY) ? dirfd_inode(dirfd, res) : -ENOENT;
	err = lookup_start(dirfd, path, &start);
	if (err)
		return err;
	err = walk(start, path, flags, &links, res, NULL);
	iput(start);
	return err;
}

int vfs_lookup_parent(int dirfd, const char *path, struct inode **parent,
		      struct last_name *last)
{
	struct inode *start;
	int links = 0, err;

	if (!path[0])
		return -ENOENT;
	err = lookup_start(dirfd, path, &start);
	if (err)
		return err;
	err = walk(start, path, 0, &links, parent, last);
	iput(start);
	return err;
}

/* ---- the path of a directory, for getcwd ---- */

struct find_name {
	struct dir_context ctx;
	u32 ino;
	struct inode *dir, *want;
	char *name; /* NAME_MAX + 1 bytes */
	bool found;
};

static bool find_name_emit(struct dir_context *ctx, const char *name,
			   size_t len, u64 ino, unsigned type)
{
	struct find_name *fn = container_of(ctx, struct find_name, ctx);
	struct inode *inode;

	if (ino != fn->ino || is_dots(name, len))
		return true;
	if (lookup_one(fn->dir, name, len, &inode))
		return true;
	/* The same file: /proc makes a new inode at each lookup, so compare
	 * what identifies a file, not the pointers. */
	if (inode->ino == fn->want->ino && inode->dev == fn->want->dev) {
		memcpy(fn->name, name, len);
		fn->name[len] = '\0';
		fn->found = true;
	}
	iput(inode);
	return !fn->found;
}

/* name_in - the name child has in directory dir, into name. */
static int name_in(struct inode *dir, struct inode *child, char *name)
{
	struct find_name fn = { .ctx.emit = find_name_emit, .ino = child->ino,
				.dir = dir, .want = child, .name = name };
	struct file *f;
	int err;

	f = file_open_inode(dir, O_RDONLY | O_DIRECTORY, "", &err);
	if (!f)
		return err;
	err = f->fops->readdir ? f->fops->readdir(f, &fn.ctx) : -ENOTDIR;
	file_put(f);
	if (err)
		return err;
	return fn.found ? 0 : -ENOENT;
}

/* parent_name - the parent of directory dir (referenced) and the name dir
 * has in it. */
static int parent_name(struct inode *dir, struct inode **parent, char *name)
{
	int err = dir->nlink ? lookup_one(dir, "..", 2, parent) : -ENOENT;
	struct inode *named = dir;

	if (err)
		return err; /* a removed directory has no name */
	if (*parent == dir) { /* a root that is not ours: unreachable */
		iput(*parent);
		return -ENOENT;
	}
	while (mount_covered(named)) /* the root of a mount: where it sits */
		named = mount_covered(named);
	err = name_in(*parent, named, name);
	if (err)
		iput(*parent);
	return err;
}

/* The path is built from its end: each step puts "/name" before it. */
long vfs_path_of(struct inode *dir, char *buf, size_t size)
{
	char *name = kmalloc(NAME_MAX + 1);
	struct inode *cur = dir, *parent;
	size_t pos = size - 1;
	long err = 0;

	if (!name)
		return -ENOMEM;
	if (size < 2) {
		kfree(name);
		return -ERANGE;
	}
	buf[pos] = '\0';
	ihold(cur);
	while (cur != vfs_root && !err) {
		size_t len;

		err = parent_name(cur, &parent, name);
		if (err)
			break;
		iput(cur);
		cur = parent;
		len = strlen(name);
		if (len + 1 > pos) {
			err = -ERANGE;
			break;
		}
		pos -= len;
		memcpy(buf + pos, name, len);
		buf[--pos] = '/';
	}
	iput(cur);
	kfree(name);
	if (err)
		return err;
	if (pos == size - 1) /* the root itself */
		buf[--pos] = '/';
	memmove(buf, buf + pos, size - pos);
	return (long)(size - 1 - pos);
}

/* ---- creating and removing names ---- */

/* need_op - the operation exists on the directory, or -EPERM. */
#define need_op(dir, op) ((dir)->iops && (dir)->iops->op ? 0 : -EPERM)

/*
 * may_create - may the caller add the name last to dir?  A name that
 * exists is -EEXIST before any permission is asked, as on Linux (so
 * `mkdir -p /tmp/x` run by a user meets EEXIST at /tmp, not EACCES).
 */
static int may_create(struct inode *dir, const struct last_name *last)
{
	struct inode *inode;
	int err = lookup_one(dir, last->name, last->len, &inode);

	if (!err) {
		iput(inode);
		return -EEXIST;
	}
	if (err != -ENOENT)
		return err;
	return inode_permission(dir, MAY_WRITE | MAY_EXEC);
}

/*
 * may_delete - may the caller remove victim's name from dir (unlink,
 * rmdir, or rename it away)?  Write permission on the directory; in a
 * sticky directory (/tmp, mode 1777) also ownership of the file or of the
 * directory, so users cannot remove each other's files.
 */
static int may_delete(struct inode *dir, struct inode *victim)
{
	u32 uid = current_fsuid();
	int err = inode_permission(dir, MAY_WRITE | MAY_EXEC);

	if (err)
		return err;
	if (is_mountpoint(victim))
		return -EBUSY; /* something is mounted on it */
	if ((dir->mode & S_ISVTX) && uid != victim->uid && uid != dir->uid &&
	    !capable(CAP_FOWNER))
		return -EPERM;
	return 0;
}

/* may_delete_name - may_delete for the entry called last in dir. */
static int may_delete_name(struct inode *dir, const struct last_name *last)
{
	struct inode *victim;
	int err = lookup_one(dir, last->name, last->len, &victim);

	if (err)
		return err;
	err = may_delete(dir, victim);
	iput(victim);
	return err;
}

/*
 * may_link - may the caller give old a new name?  Linux's
 * protected_hardlinks (on by default): a user may link only files it owns,
 * or regular files without set-id bits that it may read and write.
 */
static int may_link(struct inode *old)
{
	u32 uid = current_fsuid();

	if (uid == old->uid || capable(CAP_FOWNER))
		return 0;
	if (!S_ISREG(old->mode) || (old->mode & (S_ISUID | S_ISGID)) ||
	    inode_permission(old, MAY_READ | MAY_WRITE))
		return -EPERM;
	return 0;
}

int do_mknodat(int dirfd, const char *path, u32 mode, u32 rdev)
{
	struct last_name last;
	struct inode *dir, *inode;
	int err;

	switch (mode & S_IFMT) {
	case 0:
		mode |= S_IFREG;
		break;
	case S_IFREG:
	case S_IFDIR:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK: /* a socket's name (bind, net/af_unix.c) */
		break;
	default:
		return -EINVAL;
	}
	err = vfs_lookup_parent(dirfd, path, &dir, &last);
	if (err)
		return err;
	if (last.len == 0 || last.dots)
		err = -EEXIST;
	else if (last.dir && !S_ISDIR(mode))
		err = -ENOENT;
	else
		err = need_op(dir, mknod);
	if (!err)
		err = may_create(dir, &last);
	if (!err && (S_ISCHR(mode) || S_ISBLK(mode)) && !capable(CAP_MKNOD))
		err = -EPERM; /* devices: Linux's vfs_mknod */
	if (!err)
		err = dir->iops->mknod(dir, last.name, last.len,
				       (mode & S_IFMT) | apply_umask(mode), rdev,
				       &inode);
	if (!err)
		iput(inode);
	iput(dir);
	return err;
}

int do_mkdirat(int dirfd, const char *path, u32 mode)
{
	return do_mknodat(dirfd, path, S_IFDIR | (mode & S_IALLUGO), 0);
}

int do_unlinkat(int dirfd, const char *path, bool is_dir)
{
	struct last_name last;
	struct inode *dir, *inode;
	int err;

	err = vfs_lookup_parent(dirfd, path, &dir, &last);
	if (err)
		return err;
	if (is_dir && last.len == 0)
		err = -EBUSY; /* rmdir("/") */
	else if (is_dir && last.dots)
		err = last.len == 1 ? -EINVAL : -ENOTEMPTY;
	else if (!is_dir && (last.len == 0 || last.dots))
		err = -EISDIR;
	else if (!is_dir && last.dir) {
		/* unlink("x/"): a directory, or not one at all */
		err = lookup_one(dir, last.name, last.len, &inode);
		if (!err) {
			err = S_ISDIR(inode->mode) ? -EISDIR : -ENOTDIR;
			iput(inode);
		}
	} else {
		err = need_op(dir, unlink);
		if (!err)
			err = may_delete_name(dir, &last);
	}
	if (!err)
		err = dir->iops->unlink(dir, last.name, last.len, is_dir);
	iput(dir);
	return err;
}

int do_symlinkat(const char *target, int dirfd, const char *path)
{
	struct last_name last;
	struct inode *dir, *inode;
	int err;

	if (!target[0])
		return -ENOENT;
	err = vfs_lookup_parent(dirfd, path, &dir, &last);
	if (err)
		return err;
	if (last.len == 0 || last.dots)
		err = -EEXIST;
	else if (last.dir)
		err = -ENOENT;
	else
		err = need_op(dir, symlink);
	if (!err)
		err = may_create(dir, &last);
	if (!err)
		err = dir->iops->symlink(dir, last.name, last.len, target, &inode);
	if (!err)
		iput(inode);
	iput(dir);
	return err;
}

int do_linkat(int old_dirfd, const char *old_path, int new_dirfd,
	      const char *new_path, int flags)
{
	struct last_name last;
	struct inode *old, *dir;
	unsigned lookup = 0;
	int err;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (flags & AT_SYMLINK_FOLLOW)
		lookup |= LOOKUP_FOLLOW;
	if (flags & AT_EMPTY_PATH)
		lookup |= LOOKUP_EMPTY;
	err = vfs_lookup(old_dirfd, old_path, lookup, &old);
	if (err)
		return err;
	if (S_ISDIR(old->mode)) {
		iput(old);
		return -EPERM; /* hard links to directories would make loops */
	}
	err = vfs_lookup_parent(new_dirfd, new_path, &dir, &last);
	if (err) {
		iput(old);
		return err;
	}
	if (last.len == 0 || last.dots)
		err = -EEXIST;
	else if (last.dir)
		err = -ENOENT;
	else if (old->dev != dir->dev)
		err = -EXDEV;
	else
		err = need_op(dir, link);
	if (!err)
		err = may_create(dir, &last);
	if (!err)
		err = may_link(old);
	if (!err)
		err = dir->iops->link(dir, last.name, last.len, old);
	iput(dir);
	iput(old);
	return err;
}

/* rename_check - what can be said before asking the file system. */
static int rename_check(struct inode *old_dir, const struct last_name *ol,
			struct inode *new_dir, const struct last_name *nl)
{
	struct inode *src, *dst;
	int err;

	if (ol->len == 0 || ol->dots || nl->len == 0 || nl->dots)
		return -EBUSY;
	if (old_dir->dev != new_dir->dev)
		return -EXDEV;
	if (!old_dir->iops || !old_dir->iops->rename)
		return -EPERM;
	err = lookup_one(old_dir, ol->name, ol->len, &src);
	if (err)
		return err;
	err = may_delete(old_dir, src);
	if (!err && lookup_one(new_dir, nl->name, nl->len, &dst) == 0) {
		err = may_delete(new_dir, dst); /* it is replaced */
		iput(dst);
	} else if (!err) {
		err = inode_permission(new_dir, MAY_WRITE | MAY_EXEC);
	}
	/* A directory that moves rewrites its "..": it must be writable. */
	if (!err && S_ISDIR(src->mode) && old_dir != new_dir)
		err = inode_permission(src, MAY_WRITE);
	/* A trailing slash on either name: the source must be a directory. */
	if (!err && (ol->dir || nl->dir) && !S_ISDIR(src->mode))
		err = -ENOTDIR;
	iput(src);
	return err;
}

int do_renameat(int old_dirfd, const char *old_path, int new_dirfd,
		const char *new_path)
{
	struct last_name ol, nl;
	struct inode *old_dir, *new_dir;
	int err;

	err = vfs_lookup_parent(old_dirfd, old_path, &old_dir, &ol);
	if (err)
		return err;
	err = vfs_lookup_parent(new_dirfd, new_path, &new_dir, &nl);
	if (err) {
		iput(old_dir);
		return err;
	}
	err = rename_check(old_dir, &ol, new_dir, &nl);
	if (!err)
		err = old_dir->iops->rename(old_dir, ol.name, ol.len, new_dir,
					    nl.name, nl.len);
	iput(new_dir);
	iput(old_dir);
	return err;
}

/* ---- system calls ---- */

static long user_mknodat(int dirfd, const char __user *upath, u32 mode, u32 dev)
{
	int err;
	char *path = getname(upath, &err);

	if (!path)
		return err;
	err = do_mknodat(dirfd, path, mode, dev);
	putname(path);
	return err;
}

SYSCALL_DEFINE3(mkdirat, int, dirfd, const char __user *, path, u32, mode)
{
	return user_mknodat(dirfd, path, S_IFDIR | (mode & S_IALLUGO), 0);
}

SYSCALL_DEFINE2(mkdir, const char __user *, path, u32, mode)
{
	return user_mknodat(AT_FDCWD, path, S_IFDIR | (mode & S_IALLUGO), 0);
}

/* mknod may not make directories (mkdir does). */
SYSCALL_DEFINE4(mknodat, int, dirfd, const char __user *, path, u32, mode,
		u32, dev)
{
	if (S_ISDIR(mode))
		return -EPERM;
	return user_mknodat(dirfd, path, mode, dev);
}

SYSCALL_DEFINE3(mknod, const char __user *, path, u32, mode, u32, dev)
{
	if (S_ISDIR(mode))
		return -EPERM;
	return user_mknodat(AT_FDCWD, path, mode, dev);
}

static long user_unlinkat(int dirfd, const char __user *upath, bool is_dir)
{
	int err;
	char *path = getname(upath, &err);

	if (!path)
		return err;
	err = do_unlinkat(dirfd, path, is_dir);
	putname(path);
	return err;
}

SYSCALL_DEFINE3(unlinkat, int, dirfd, const char __user *, path, int, flags)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	return user_unlinkat(dirfd, path, flags & AT_REMOVEDIR);
}

SYSCALL_DEFINE1(unlink, const char __user *, path)
{
	return user_unlinkat(AT_FDCWD, path, false);
}

SYSCALL_DEFINE1(rmdir, const char __user *, path)
{
	return user_unlinkat(AT_FDCWD, path, true);
}

static long user_symlinkat(const char __user *utarget, int dirfd,
			   const char __user *upath)
{
	int err;
	char *target = getname(utarget, &err), *path;

	if (!target)
		return err;
	path = getname(upath, &err);
	if (path) {
		err = do_symlinkat(target, dirfd, path);
		putname(path);
	}
	putname(target);
	return err;
}

SYSCALL_DEFINE3(symlinkat, const char __user *, target, int, dirfd,
		const char __user *, path)
{
	return user_symlinkat(target, dirfd, path);
}

SYSCALL_DEFINE2(symlink, const char __user *, target, const char __user *, path)
{
	return user_symlinkat(target, AT_FDCWD, path);
}

/* Two user paths, as link and rename take them. */
static int getname2(const char __user *ua, const char __user *ub, char **a,
		    char **b)
{
	int err;

	*a = getname(ua, &err);
	if (!*a)
		return err;
	*b = getname(ub, &err);
	if (!*b) {
		putname(*a);
		return err;
	}
	return 0;
}

SYSCALL_DEFINE5(linkat, int, old_dirfd, const char __user *, old_path,
		int, new_dirfd, const char __user *, new_path, int, flags)
{
	char *o, *n;
	int err = getname2(old_path, new_path, &o, &n);

	if (err)
		return err;
	err = do_linkat(old_dirfd, o, new_dirfd, n, flags);
	putname(n);
	putname(o);
	return err;
}

SYSCALL_DEFINE2(link, const char __user *, old_path, const char __user *, new_path)
{
	char *o, *n;
	int err = getname2(old_path, new_path, &o, &n);

	if (err)
		return err;
	err = do_linkat(AT_FDCWD, o, AT_FDCWD, n, 0);
	putname(n);
	putname(o);
	return err;
}

static long user_renameat(int old_dirfd, const char __user *old_path,
			  int new_dirfd, const char __user *new_path)
{
	char *o, *n;
	int err = getname2(old_path, new_path, &o, &n);

	if (err)
		return err;
	err = do_renameat(old_dirfd, o, new_dirfd, n);
	putname(n);
	putname(o);
	return err;
}

/* renameat2's flags (RENAME_NOREPLACE, EXCHANGE, WHITEOUT) are not
 * supported: only 0. */
SYSCALL_DEFINE5(renameat2, int, old_dirfd, const char __user *, old_path,
		int, new_dirfd, const char __user *, new_path, unsigned, flags)
{
	if (flags)
		return -EINVAL;
	return user_renameat(old_dirfd, old_path, new_dirfd, new_path);
}

SYSCALL_DEFINE4(renameat, int, old_dirfd, const char __user *, old_path,
		int, new_dirfd, const char __user *, new_path)
{
	return user_renameat(old_dirfd, old_path, new_dirfd, new_path);
}

SYSCALL_DEFINE2(rename, const char __user *, old_path, const char __user *, new_path)
{
	return user_renameat(AT_FDCWD, old_path, AT_FDCWD, new_path);
}

static long user_readlinkat(int dirfd, const char __user *upath,
			    char __user *ubuf, int size)
{
	struct inode *inode;
	char *path, *buf;
	long n;
	int err;

	if (size <= 0)
		return -EINVAL;
	path = getname(upath, &err);
	if (!path)
		return err;
	err = vfs_lookup(dirfd, path, LOOKUP_EMPTY, &inode);
	putname(path);
	if (err)
		return err;
	buf = kmalloc(PATH_MAX);
	if (!buf)
		n = -ENOMEM;
	else if (!S_ISLNK(inode->mode) || !inode->iops || !inode->iops->readlink)
		n = -EINVAL;
	else
		n = inode->iops->readlink(inode, buf, MIN((size_t)size, PATH_MAX));
	if (n > 0 && copy_to_user(ubuf, buf, (size_t)n))
		n = -EFAULT;
	kfree(buf);
	iput(inode);
	return n;
}

SYSCALL_DEFINE4(readlinkat, int, dirfd, const char __user *, path,
		char __user *, buf, int, size)
{
	return user_readlinkat(dirfd, path, buf, size);
}

SYSCALL_DEFINE3(readlink, const char __user *, path, char __user *, buf, int, size)
{
	return user_readlinkat(AT_FDCWD, path, buf, size);
}

/* path_inode - the inode a user path names (following links unless
 * AT_SYMLINK_NOFOLLOW; "" with AT_EMPTY_PATH is dirfd itself). */
int user_path_at(int dirfd, const char __user *upath, int flags,
		      struct inode **res)
{
	unsigned lookup = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	char *path;
	int err;

	if (flags & AT_EMPTY_PATH)
		lookup |= LOOKUP_EMPTY;
	path = getname(upath, &err);
	if (!path)
		return err;
	err = vfs_lookup(dirfd, path, lookup, res);
	putname(path);
	return err;
}
