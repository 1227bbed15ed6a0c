/*
 * fs/namespace.c - mounts: mount(2), umount2(2), where path lookup
 * crosses from one file system into another, and /proc/PID/mounts and
 * mountinfo.
 *
 * There is no dentry cache, so a mount is kept the simple way: a table of
 * struct mount, in the order they were made, each naming the directory it
 * covers (the mountpoint, an inode of the parent file system) and the root
 * inode of the file system mounted there.  A mount's root is one inode
 * object, and lookups that cross into the mount continue from that very
 * object, so "which mount is this?" is a pointer comparison (each mount of
 * proc gets its own root object: procfs shares everything else).  A
 * mountpoint is matched by (dev, ino) unless it is itself a mount's root,
 * because /proc makes a fresh inode at each lookup.
 *
 *	walk() meets a name whose inode is a mountpoint   -> follow_down():
 *	    continue at the root of the mount on top of it (the newest)
 *	".." at the root of a mount                       -> lookup_one():
 *	    the mountpoint's ".." instead (mount_covered())
 *
 * Each new ramfs or tmpfs is a fresh ramfs instance with its own device
 * number (0:16 and up, Linux's "anonymous" devices), so link and rename
 * across mounts fail with EXDEV as on Linux.  All proc mounts share one
 * procfs (Linux 6.1 gives each its own superblock and device number), so
 * "busy" and the read-only flag of a second proc mount follow the first.
 *
 * A mount is busy when a process has its cwd, an open file or a mapping
 * on that file system, or another mount sits on it: umount2 then fails
 * with EBUSY, unless MNT_DETACH.  Unmounting empties a ramfs instance (its
 * directories refer to their parents, so the tree would never be freed
 * otherwise); files still open keep their data until closed, like files
 * removed while open.
 */
#include "kernel/capability.h"
#include <vmos/errno.h>
#include "fs/internal.h"
#include "fs/procfmt.h"
#include "ipc/mqueue.h"
#include "kernel/panic.h"
#include <vmos/printk.h>
#include "kernel/syscall.h"
#include "kernel/task.h"
#include <vmos/string.h>
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include "mm/vma.h"

/* mount(2) flags, Linux's values (include/uapi/linux/mount.h). */
#define MS_RDONLY 1
#define MS_NOSUID 2
#define MS_NODEV 4
#define MS_NOEXEC 8
#define MS_SYNCHRONOUS 16
#define MS_REMOUNT 32
#define MS_MANDLOCK 64
#define MS_DIRSYNC 128
#define MS_NOATIME 1024
#define MS_NODIRATIME 2048
#define MS_BIND 4096
#define MS_MOVE 8192
#define MS_REC 16384
#define MS_SILENT 32768
#define MS_UNBINDABLE (1 << 17)
#define MS_PRIVATE (1 << 18)
#define MS_SLAVE (1 << 19)
#define MS_SHARED (1 << 20)
#define MS_RELATIME (1 << 21)
#define MS_STRICTATIME (1 << 24)
#define MS_PROPAGATION (MS_SHARED | MS_SLAVE | MS_UNBINDABLE | MS_PRIVATE)
#define MS_MGC_VAL 0xC0ED0000ul /* old "magic" in the top 16 bits */
#define MS_MGC_MSK 0xffff0000ul

/* umount2(2) flags. */
#define MNT_FORCE 1
#define MNT_DETACH 2
#define MNT_EXPIRE 4
#define UMOUNT_NOFOLLOW 8

/* Per-mount flags, shown in /proc/PID/mounts in this order. */
#define MNT_READONLY 0x01
#define MNT_NOSUID 0x02
#define MNT_NODEV 0x04
#define MNT_NOEXEC 0x08
#define MNT_NOATIME 0x10
#define MNT_NODIRATIME 0x20
#define MNT_RELATIME 0x40

#define MOUNT_SOURCE_MAX 64      /* the source string we keep */
#define ANON_DEV_FIRST 16        /* new ramfs instances: 0:16, 0:17, ... */
#define ANON_DEV_COUNT 64
#define MOUNT_DATA_MAX PAGE_SIZE /* mount's data argument: one page */

struct file_system_type {
	const char *name;
	/* get_root - the root of a new instance (or of the shared one):
	 * referenced, or NULL when memory is short. */
	struct inode *(*get_root)(const struct file_system_type *type);
	u32 root_mode;
	const char *options; /* what its show_options() adds, as Linux's */
};

struct mount {
	struct mount *next;         /* the table, oldest first */
	struct mount *parent;       /* the mount holding mountpoint; NULL: "/" */
	struct inode *root;         /* referenced */
	struct inode *mountpoint;   /* referenced; NULL for "/" */
	const struct file_system_type *type;
	int id;                     /* mountinfo's mount ID */
	u32 flags;                  /* MNT_* */
	bool expiry_mark;           /* MNT_EXPIRE asked once already */
	char source[MOUNT_SOURCE_MAX];
};

static struct mount *mount_table;
static int next_mount_id = 1;
static u64 anon_devs_used; /* bit i: device 0:(ANON_DEV_FIRST + i) is taken */

static bool same_inode(const struct inode *a, const struct inode *b)
{
	return a && b && a->dev == b->dev && a->ino == b->ino;
}

/* ---- the file system types ---- */

/* anon_dev_get - a free device number for a new instance, or 0. */
static u32 anon_dev_get(void)
{
	for (unsigned i = 0; i < ANON_DEV_COUNT; i++)
		if (!(anon_devs_used & (1ull << i))) {
			anon_devs_used |= 1ull << i;
			return MKDEV(0, ANON_DEV_FIRST + i);
		}
	return 0;
}

static void anon_dev_put(u32 dev)
{
	u32 i = MINOR(dev) - ANON_DEV_FIRST;

	if (MAJOR(dev) == 0 && MINOR(dev) >= ANON_DEV_FIRST && i < ANON_DEV_COUNT)
		anon_devs_used &= ~(1ull << i);
}

static struct inode *ramfs_get_root(const struct file_system_type *type)
{
	u32 dev = anon_dev_get();
	struct inode *root;

	if (!dev)
		return NULL;
	root = ramfs_create_instance(dev, S_IFDIR | type->root_mode);
	if (!root)
		anon_dev_put(dev);
	return root;
}

static struct inode *proc_get_root(const struct file_system_type *type)
{
	(void)type;
	return procfs_create_root();
}

static struct inode *mqueue_fs_root(const struct file_system_type *type)
{
	(void)type;
	return mqueue_get_root();
}

static const struct file_system_type fs_types[] = {
	{ "ramfs", ramfs_get_root, 0755, "" },
	/* a ramfs: no size limit, 64-bit inode numbers (Linux's default) */
	{ "tmpfs", ramfs_get_root, 01777, ",inode64" },
	{ "proc", proc_get_root, 0555, "" },
	/* POSIX message queues: every mount shows the one queue directory */
	{ "mqueue", mqueue_fs_root, 01777, "" },
};
static const struct file_system_type rootfs_type = { "rootfs", NULL, 0755, "" };

static const struct file_system_type *get_fs_type(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(fs_types); i++)
		if (!strcmp(fs_types[i].name, name))
			return &fs_types[i];
	return NULL;
}

const char *mount_fs_name(const struct inode *inode)
{
	struct mount *m = mount_of_dev(inode->dev);

	return m ? m->type->name : rootfs_type.name;
}

/* ---- the table ---- */

struct mount *mount_of_dev(u32 dev)
{
	for (struct mount *m = mount_table; m; m = m->next)
		if (m->root->dev == dev)
			return m;
	return NULL;
}

/* mount_of_root - the mount whose root is inode, or NULL. */
static struct mount *mount_of_root(const struct inode *inode)
{
	for (struct mount *m = mount_table; m; m = m->next)
		if (m->root == inode)
			return m;
	return NULL;
}

/* covers - is inode the mountpoint of m? */
static bool covers(const struct mount *m, const struct inode *inode)
{
	if (!m->mountpoint)
		return false;
	if (m->mountpoint == inode)
		return true;
	return same_inode(m->mountpoint, inode) && !mount_of_root(m->mountpoint) &&
	       !mount_of_root(inode);
}

/* mount_on - the newest mount whose mountpoint is inode, or NULL. */
static struct mount *mount_on(const struct inode *inode)
{
	struct mount *found = NULL;

	for (struct mount *m = mount_table; m; m = m->next)
		if (covers(m, inode))
			found = m;
	return found;
}

bool is_mountpoint(const struct inode *inode)
{
	return mount_on(inode) != NULL;
}

bool is_mount_root(const struct inode *inode)
{
	return mount_of_root(inode) != NULL;
}

void follow_down(struct inode **inode)
{
	struct mount *m;

	while ((m = mount_on(*inode))) {
		iput(*inode);
		*inode = m->root;
		ihold(*inode);
	}
}

struct inode *mount_covered(const struct inode *inode)
{
	struct mount *m = mount_of_root(inode);

	return m && m->mountpoint ? m->mountpoint : NULL;
}

int mnt_want_write(const struct inode *inode)
{
	struct mount *m = mount_of_dev(inode->dev);

	return m && (m->flags & MNT_READONLY) ? -EROFS : 0;
}

bool mnt_noexec(const struct inode *inode)
{
	struct mount *m = mount_of_dev(inode->dev);

	return m && (m->flags & MNT_NOEXEC);
}

/* mount_add - a new mount of type's root on mountpoint (NULL: "/"). */
static struct mount *mount_add(const struct file_system_type *type,
			       struct inode *root, struct inode *mountpoint,
			       const char *source, u32 flags)
{
	struct mount *m = kzalloc(sizeof(*m)), **pp = &mount_table;

	if (!m)
		return NULL;
	m->type = type;
	m->root = root;
	ihold(root);
	if (mountpoint) {
		m->mountpoint = mountpoint;
		ihold(mountpoint);
		m->parent = mount_of_dev(mountpoint->dev);
	}
	m->id = next_mount_id++;
	m->flags = flags;
	strlcpy(m->source, source, sizeof(m->source));
	while (*pp)
		pp = &(*pp)->next;
	*pp = m;
	return m;
}

/* mount_free - take m out of the table and drop what it holds. */
static void mount_free(struct mount *m)
{
	struct mount **pp = &mount_table;

	while (*pp != m)
		pp = &(*pp)->next;
	*pp = m->next;
	if (is_ramfs_dir(m->root)) {
		ramfs_kill_tree(m->root);
		anon_dev_put(m->root->dev);
	}
	iput(m->root);
	iput(m->mountpoint);
	kfree(m);
}

/* umount_tree - m and every mount below it (MNT_DETACH). */
static void umount_tree(struct mount *m)
{
	struct mount *c;

	do {
		for (c = mount_table; c && c->parent != m; c = c->next)
			;
		if (c)
			umount_tree(c);
	} while (c);
	mount_free(m);
}

/* ---- busy: does anything use the file system? ---- */

static bool files_use(const struct files *files, u32 dev)
{
	if (!files)
		return false;
	for (int fd = 0; fd < NR_OPEN_DEFAULT; fd++)
		if (files->fd[fd] && files->fd[fd]->inode->dev == dev)
			return true;
	return false;
}

static bool mm_uses(const struct mm *mm, u32 dev)
{
	if (mm->exe_deny && mm->exe_deny->dev == dev)
		return true;
	for (struct vm_area_struct *v = vma_first(&mm->vmas); v;
	     v = vma_next(&mm->vmas, v))
		if (v->vm_file && v->vm_file->inode->dev == dev)
			return true;
	return false;
}

/* mount_busy - a cwd, open file or mapping on m's file system, or a
 * mount on top of something in it. */
static bool mount_busy(const struct mount *m)
{
	u32 dev = m->root->dev;

	for (struct mount *c = mount_table; c; c = c->next)
		if (c->parent == m)
			return true;
	for (struct task *t = task_first(); t; t = t->all_next) {
		if (t->fs && t->fs->cwd && t->fs->cwd->dev == dev)
			return true;
		if (files_use(t->files, dev))
			return true;
	}
	for (struct mm *mm = mm_first(); mm; mm = mm->mmlist_next)
		if (mm_uses(mm, dev))
			return true;
	return false;
}

/* ---- mount(2) ---- */

/* may_mount - mount and umount need CAP_SYS_ADMIN. */
static bool may_mount(void)
{
	return capable(CAP_SYS_ADMIN);
}

/* mnt_flags_of - MNT_* for mount(2)'s MS_* flags; a new mount gets
 * relatime unless noatime or strictatime is asked, as Linux. */
static u32 mnt_flags_of(unsigned long flags)
{
	u32 f = 0;

	if (flags & MS_RDONLY)
		f |= MNT_READONLY;
	if (flags & MS_NOSUID)
		f |= MNT_NOSUID;
	if (flags & MS_NODEV)
		f |= MNT_NODEV;
	if (flags & MS_NOEXEC)
		f |= MNT_NOEXEC;
	if (flags & MS_NODIRATIME)
		f |= MNT_NODIRATIME;
	if (flags & MS_NOATIME)
		f |= MNT_NOATIME;
	else if (!(flags & MS_STRICTATIME))
		f |= MNT_RELATIME;
	return f;
}

/* do_new_mount - a new instance of fstype on dir (a looked-up, followed
 * directory).  Linux's order: unknown type -ENODEV, then the target. */
static int do_new_mount(struct inode *dir, const char *fstype,
			const char *source, unsigned long flags)
{
	const struct file_system_type *type;
	struct inode *root;

	if (!fstype)
		return -EINVAL;
	type = get_fs_type(fstype);
	if (!type)
		return -ENODEV;
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (dir == vfs_root)
		return -EBUSY; /* mounting over "/" is not supported */
	root = type->get_root(type);
	if (!root)
		return -ENOMEM;
	if (!mount_add(type, root, dir, source ? source : "none",
		       mnt_flags_of(flags))) {
		if (is_ramfs_dir(root))
			anon_dev_put(root->dev);
		iput(root);
		return -ENOMEM;
	}
	iput(root);
	return 0;
}

/* do_remount - new per-mount flags for the mount whose root is dir. */
static int do_remount(struct inode *dir, unsigned long flags)
{
	struct mount *m = mount_of_root(dir);

	if (!m)
		return -EINVAL;
	m->flags = mnt_flags_of(flags);
	return 0;
}

/* copy_mount_string - a user string for mount(2), NULL stays NULL. */
static int copy_mount_string(const char __user *u, char **res)
{
	int err = 0;

	*res = u ? getname(u, &err) : NULL;
	return err;
}

/*
 * kernel_mount - mount(2) on kernel strings (the boot's /proc too): the
 * target is followed; then, as Linux's path_mount: EPERM for users, then
 * remount, propagation changes (accepted, nothing propagates here), bind
 * and move (not supported: EINVAL), or a new mount.
 */
int kernel_mount(const char *source, const char *target, const char *fstype,
		 unsigned long flags)
{
	struct inode *dir;
	int err;

	if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~MS_MGC_MSK;
	err = vfs_lookup(AT_FDCWD, target, LOOKUP_FOLLOW, &dir);
	if (err)
		return err;
	if (current && !may_mount())
		err = -EPERM;
	else if (flags & MS_REMOUNT)
		err = do_remount(dir, flags);
	else if (flags & MS_PROPAGATION)
		err = is_mount_root(dir) ? 0 : -EINVAL;
	else if (flags & (MS_BIND | MS_MOVE))
		err = -EINVAL;
	else
		err = do_new_mount(dir, fstype, source, flags);
	iput(dir);
	return err;
}

SYSCALL_DEFINE5(mount, const char __user *, usource, const char __user *, utarget,
		const char __user *, ufstype, unsigned long, flags,
		const void __user *, data)
{
	char *source = NULL, *target = NULL, *fstype = NULL;
	int err;

	(void)data; /* no file system here takes options */
	err = copy_mount_string(ufstype, &fstype);
	if (!err)
		err = copy_mount_string(usource, &source);
	if (!err)
		err = utarget ? copy_mount_string(utarget, &target) : -EFAULT;
	if (!err)
		err = kernel_mount(source, target, fstype, flags);
	putname(target);
	putname(source);
	putname(fstype);
	return err;
}

/* ---- umount2(2) ---- */

static int do_umount(struct inode *dir, int flags)
{
	struct mount *m = mount_of_root(dir);

	if (!may_mount())
		return -EPERM;
	if (!m)
		return -EINVAL; /* not the root of a mount */
	if (!m->mountpoint)
		return -EINVAL; /* "/" */
	if ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH)))
		return -EINVAL;
	if (flags & MNT_DETACH) {
		umount_tree(m);
		return 0;
	}
	if (mount_busy(m))
		return -EBUSY;
	if ((flags & MNT_EXPIRE) && !m->expiry_mark) {
		m->expiry_mark = true; /* unused: the next call unmounts it */
		return -EAGAIN;
	}
	mount_free(m);
	return 0;
}

SYSCALL_DEFINE2(umount2, const char __user *, utarget, int, flags)
{
	struct inode *dir;
	char *target;
	int err;

	if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	target = getname(utarget, &err);
	if (!target)
		return err;
	err = vfs_lookup(AT_FDCWD, target, (flags & UMOUNT_NOFOLLOW) ? 0 :
			 LOOKUP_FOLLOW, &dir);
	putname(target);
	if (err)
		return err;
	err = do_umount(dir, flags);
	iput(dir);
	return err;
}

/* ---- /proc/PID/mounts and mountinfo ---- */

/* show_mangled - s with space, tab, newline and backslash as octal
 * escapes (\040), as Linux's mangle(). */
static void show_mangled(struct pbuf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
			pbuf_printf(b, "\\%03o", (unsigned char)*s);
		else
			pbuf_printf(b, "%c", *s);
	}
}

/* mount_path - where m is mounted, into buf: its length or -errno. */
static long mount_path(const struct mount *m, char *buf, size_t size)
{
	if (!m->mountpoint) {
		strlcpy(buf, "/", size);
		return 1;
	}
	return vfs_path_of(m->mountpoint, buf, size);
}

/* show_mnt_opts - "rw,nosuid,...,relatime": what this mount adds. */
static void show_mnt_opts(struct pbuf *b, u32 flags)
{
	static const struct { u32 flag; const char *name; } opts[] = {
		{ MNT_NOSUID, ",nosuid" }, { MNT_NODEV, ",nodev" },
		{ MNT_NOEXEC, ",noexec" }, { MNT_NOATIME, ",noatime" },
		{ MNT_NODIRATIME, ",nodiratime" }, { MNT_RELATIME, ",relatime" },
	};

	pbuf_printf(b, "%s", flags & MNT_READONLY ? "ro" : "rw");
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
		if (flags & opts[i].flag)
			pbuf_printf(b, "%s", opts[i].name);
}

/* show_mount - one line: mounts' "source mountpoint type options 0 0"
 * or mountinfo's "id parent major:minor root mountpoint options - type
 * source super-options". */
static void show_mount(struct pbuf *b, const struct mount *m, char *path,
		       bool info)
{
	u32 dev = m->root->dev;

	if (mount_path(m, path, PATH_MAX) < 0)
		return; /* its mountpoint was removed: not reachable */
	if (info)
		pbuf_printf(b, "%d %d %u:%u / ", m->id,
			    m->parent ? m->parent->id : m->id, MAJOR(dev),
			    MINOR(dev));
	else {
		show_mangled(b, m->source);
		pbuf_printf(b, " ");
	}
	show_mangled(b, path);
	pbuf_printf(b, " ");
	if (info) {
		show_mnt_opts(b, m->flags);
		pbuf_printf(b, " - %s ", m->type->name);
		show_mangled(b, m->source);
		pbuf_printf(b, " %s%s\n", m->flags & MNT_READONLY ? "ro" : "rw",
			    m->type->options);
	} else {
		pbuf_printf(b, "%s ", m->type->name);
		show_mnt_opts(b, m->flags);
		pbuf_printf(b, "%s 0 0\n", m->type->options);
	}
}

void show_mounts_text(struct pbuf *b, bool info)
{
	char *path = kmalloc(PATH_MAX);

	if (!path)
		return;
	for (struct mount *m = mount_table; m; m = m->next)
		show_mount(b, m, path, info);
	kfree(path);
}

/* ---- boot ---- */

/* The root file system is "rootfs", as Linux names an initramfs root. */
void mount_init(void)
{
	struct mount *m = mount_add(&rootfs_type, vfs_root, NULL, "rootfs", 0);
	int err;

	if (!m)
		panic("mount_init: no memory for the root mount");
	err = do_mkdirat(AT_FDCWD, "/proc", 0555);
	if (err && err != -EEXIST)
		pr_err("vfs: cannot make /proc: error %d\n", err);
	err = kernel_mount("proc", "/proc", "proc",
			   MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME);
	if (err)
		pr_err("vfs: cannot mount /proc: error %d (is /proc a file "
		       "in the initrd?)\n", err);
	mqueue_init();
}
