/*
 * fs/internal.h - what the files of fs share with each other
 * (the rest of the kernel uses vfs.h).
 *
 *	vfs.c        inodes, uio, kernel_read/write, vfs_init
 *	file.c       open files and descriptor tables
 *	fs_struct.c  cwd and umask (struct fs_context)
 *	namei.c      path lookup; mkdir, unlink, rename, link, symlink
 *	path.c       path names as text (pure: host-tested)
 *	open.c       open, close, access, chdir, chmod, truncate, ...
 *	read_write.c read, write, lseek, readv, pread, sendfile, ...
 *	stat.c       stat family, statfs
 *	readdir.c    getdents64
 *	fcntl.c      dup family, fcntl, ioctl
 *	ramfs.c      the root file system, in memory
 *	initrd.c     unpacking the boot modules (cpio.c reads them)
 *	devices.c    /dev: null, zero, urandom, console, the disks' nodes
 *	block_dev.c  block special files (/dev/vda): read, write, lseek, ioctl
 *	tty.c        the console as a terminal (tty_ldisc.c: line editing)
 *	pipe.c       pipes
 *	poll.c       poll, ppoll, select, pselect6
 *	proc/        /proc (fs/proc/internal.h: which file holds what)
 */
#ifndef FS_INTERNAL_H
#define FS_INTERNAL_H

#include "fs/vfs.h"
#include "kernel/wait.h"

/* The root directory ("/"): set by vfs_init, never freed. */
extern struct inode *vfs_root;

/* ---- vfs.c ---- */

/* vfs_now_ns - the wall clock for file times: ns since the Unix epoch. */
u64 vfs_now_ns(void);
/* inode_alloc - a new inode (one reference, nlink 1, times now), or NULL. */
struct inode *inode_alloc(u32 dev, u32 ino, u32 mode,
			  const struct inode_operations *iops,
			  const struct file_operations *fops);
/* inode_touch - mark the data changed (mtime and ctime = now). */
void inode_touch(struct inode *inode);
/* inode_dtype - the d_type of a getdents64 entry for this mode. */
unsigned inode_dtype(u32 mode);

/* ---- file.c ---- */

/*
 * file_open_inode - a new open file for inode (a reference is taken),
 * runs the file's open operation; path is recorded for /proc.  Character
 * devices get their driver's operations here.  NULL with *err on failure.
 */
struct file *file_open_inode(struct inode *inode, u32 flags, const char *path,
			     int *err);
/* file_readable / file_writable - was f opened for reading / writing? */
bool file_readable(const struct file *f);
bool file_writable(const struct file *f);
/* fd_close - close descriptor fd of files: 0 or -EBADF. */
int fd_close(struct files *files, int fd);
/*
 * fd_install_at - put f at descriptor fd, closing what was there (dup2);
 * takes over the caller's reference.  0, -EBADF (fd out of range).
 */
int fd_install_at(struct files *files, int fd, struct file *f, bool cloexec);
/* fd_install_from - lowest free descriptor >= min: fd, -EMFILE, -EINVAL. */
int fd_install_from(struct files *files, int min, struct file *f, bool cloexec);
/* fd_set_cloexec / fd_get_cloexec - the close-on-exec flag of fd. */
void fd_set_cloexec(struct files *files, int fd, bool on);
bool fd_get_cloexec(const struct files *files, int fd);
/* fd_limit - descriptors current may use (RLIMIT_NOFILE, at most the table). */
int fd_limit(void);

/* ---- namei.c ---- */

#define LOOKUP_FOLLOW 0x1    /* follow a symbolic link in the last component */
#define LOOKUP_DIRECTORY 0x2 /* the result must be a directory */
#define LOOKUP_EMPTY 0x4     /* "" names the dirfd itself (AT_EMPTY_PATH) */

/* The last component of a path, as vfs_lookup_parent() leaves it. */
struct last_name {
	const char *name; /* points into the path; not NUL-terminated */
	size_t len;       /* 0: the path names the start itself ("/", "a/..") */
	bool dir;         /* a slash followed it: it must be a directory */
	bool dots;        /* it is "." or ".." */
};

/*
 * vfs_lookup - the inode path names, relative to the directory of dirfd
 * (AT_FDCWD: the cwd) unless absolute.  LOOKUP_* flags.  0 with a
 * referenced *res, or -ENOENT, -ENOTDIR, -ELOOP, -ENAMETOOLONG, -EBADF.
 */
int vfs_lookup(int dirfd, const char *path, unsigned flags, struct inode **res);
/* user_path_at - the inode a user's path names from dirfd, with the AT_*
 * flags of the *at() calls (AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH). */
int user_path_at(int dirfd, const char __user *upath, int flags,
		 struct inode **res);
/*
 * vfs_lookup_parent - the directory that would hold path's last component
 * (referenced, in *parent) and that component (pointing into path).
 */
int vfs_lookup_parent(int dirfd, const char *path, struct inode **parent,
		      struct last_name *last);
/* lookup_one - the entry name of directory dir ("." and ".." too). */
int lookup_one(struct inode *dir, const char *name, size_t len,
	       struct inode **res);
/*
 * vfs_path_of - the absolute path of directory dir into buf (size bytes,
 * NUL-terminated), found by walking ".." up to the root: its length, or
 * -ENOENT (dir was removed) or -ERANGE (buf too small).
 */
long vfs_path_of(struct inode *dir, char *buf, size_t size);
/* current_umask - the caller's file creation mask (0 for the kernel). */
u32 current_umask(void);
/* dirfd_inode - the directory relative paths start from: referenced. */
int dirfd_inode(int dirfd, struct inode **res);

/*
 * The operations the system calls and the initrd share, on kernel strings:
 * 0 or -errno, as the system call returns.
 */
int do_mkdirat(int dirfd, const char *path, u32 mode);
int do_mknodat(int dirfd, const char *path, u32 mode, u32 rdev);
int do_unlinkat(int dirfd, const char *path, bool is_dir);
int do_symlinkat(const char *target, int dirfd, const char *path);
int do_linkat(int old_dirfd, const char *old_path, int new_dirfd,
	      const char *new_path, int flags);
int do_renameat(int old_dirfd, const char *old_path, int new_dirfd,
		const char *new_path);
/* do_open - open() on a kernel path: the file, or NULL with *err. */
struct file *do_open(int dirfd, const char *path, u32 flags, u32 mode, int *err);
/* vfs_truncate - set a regular file's size: 0 or -errno. */
int vfs_truncate(struct inode *inode, u64 size);

/*
 * getname - copy a user path into a new PATH_MAX buffer (free with
 * putname): NULL with *err = -EFAULT or -ENAMETOOLONG.
 */
char *getname(const char __user *upath, int *err);
void putname(char *name);

/* ---- ramfs.c ---- */

/* ramfs_create_root - the root directory of a new ramfs. */
struct inode *ramfs_create_root(void);
/* ramfs_pages - frames holding ramfs file data (for /proc/meminfo). */
u64 ramfs_pages(void);

/* ramfs_create_instance - the root directory (of mode) of a new, empty
 * ramfs on device dev: mount's ramfs and tmpfs.  NULL if memory is short. */
struct inode *ramfs_create_instance(u32 dev, u32 mode);
/* ramfs_kill_tree - remove every name below ramfs directory dir (unmount):
 * the tree is freed as its last users go. */
void ramfs_kill_tree(struct inode *dir);
/* is_ramfs_dir - is inode a ramfs directory? */
bool is_ramfs_dir(const struct inode *inode);

/* ---- namespace.c (mounts) ---- */

struct mount;
struct pbuf;
/* mount_init - the root's mount and /proc (vfs_init, after the initrd). */
void mount_init(void);
/* kernel_mount - mount(2) on kernel strings: 0 or -errno. */
int kernel_mount(const char *source, const char *target, const char *fstype,
		 unsigned long flags);
/* mount_of_dev - the (oldest) mount of the file system on device dev. */
struct mount *mount_of_dev(u32 dev);
/* mount_fs_name - the type name of the file system inode is on. */
const char *mount_fs_name(const struct inode *inode);
/* follow_down - if *inode is a mountpoint, replace it (and its reference)
 * by the root of the mount on top, repeatedly. */
void follow_down(struct inode **inode);
/* mount_covered - the mountpoint under inode when inode is the root of a
 * mount (not referenced: the mount holds it), else NULL. */
struct inode *mount_covered(const struct inode *inode);
/* is_mountpoint / is_mount_root - does a mount sit on inode / start at it? */
bool is_mountpoint(const struct inode *inode);
bool is_mount_root(const struct inode *inode);
/* mnt_want_write - -EROFS if inode's file system is mounted read-only. */
int mnt_want_write(const struct inode *inode);
/* mnt_noexec - is inode's file system mounted noexec? */
bool mnt_noexec(const struct inode *inode);
/* show_mounts_text - /proc/PID/mounts (info false) or mountinfo. */
void show_mounts_text(struct pbuf *b, bool info);

/* ---- devices.c ---- */

/* chrdev_fops - the driver of character device rdev, or NULL. */
const struct file_operations *chrdev_fops(u32 rdev);
/* devices_init - /dev and its nodes (those the initrd did not make). */
void devices_init(void);

/* ---- block_dev.c ---- */

/* blkdev_fops - the operations of every block special file (/dev/vda). */
extern const struct file_operations blkdev_fops;

/* ---- tty.c ---- */

extern const struct file_operations tty_fops;
/* tty_init - the console terminal: starts the serial receive interrupt. */
void tty_init(void);
/* tty_of_session - for /proc/PID/stat: the controlling terminal of session
 * sid (tty_nr, 0 if none) and its foreground group (tpgid, -1 if none). */
void tty_of_session(int sid, u32 *tty_nr, int *tpgid);

/* ---- pipe.c ---- */

#define PIPE_SIZE (64ul << 10) /* bytes a pipe holds at first (F_GETPIPE_SZ) */
#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032
/* pipe_fcntl - F_GETPIPE_SZ / F_SETPIPE_SZ of a pipe or named pipe (pipe.c). */
long pipe_fcntl(struct file *f, unsigned cmd, u32 arg);
/* pipe_max_size - /proc/sys/fs/pipe-max-size: the most F_SETPIPE_SZ gives
 * a user other than root. */
extern unsigned pipe_max_size;
#define PIPE_BUF 4096          /* writes up to this size are never split */

/* ---- poll.c ---- */

/* poll_notify - a file may have become ready: wake poll() and select(). */
void poll_notify(void);
/*
 * wait_sleep_deadline - wait_sleep() (interrupts disabled) that also ends
 * when the clock reaches deadline (ns since boot; 0: no deadline).
 * 0 (woken, or the time is up: the caller checks), or -ERESTARTSYS.
 */
int wait_sleep_deadline(struct wait_queue *wq, u64 deadline);

/* ---- proc/inode.c ---- */

/* procfs_create_root - the /proc directory (referenced; every mount
 * of proc gets the same one). */
struct inode *procfs_create_root(void);
/* proc_sys_root - the /proc/sys directory (proc_sys.c), whose ".." is
 * proc: 0 or -ENOMEM. */
int proc_sys_root(struct inode *proc, struct inode **res);

/* ---- initrd.c ---- */

/* initrd_unpack_all - every boot module, in order, into the root. */
void initrd_unpack_all(void);

#endif
