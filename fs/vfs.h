/*
 * fs/vfs.h - the virtual file system: inodes, open files, file
 * descriptor tables and path lookup.  The contract the rest of the kernel
 * (exec, fork, exit, /proc, mmap) relies on.
 *
 * One in-memory tree of inodes (ramfs) is the root file system, filled
 * from the initrd's cpio archives at boot; devices (/dev/console, null,
 * zero, urandom), pipes and /proc files are inodes with their own
 * file_operations.  A struct file is an open file (position, flags); a
 * process's struct files maps descriptor numbers to them.
 *
 * There is no dentry cache: a directory inode answers lookups itself
 * (inode_operations.lookup), and a ramfs directory entry may point to an
 * inode of another file system.  That is how /proc is "mounted": the root
 * directory's entry "proc" is the procfs root inode, whose ".." leads back.
 *
 * Device numbers (st_dev, st_rdev) are kept in the encoding user space
 * sees for small numbers, major << 8 | minor (glibc's makedev for
 * major < 4096 and minor < 256):
 *
 *	file system / device   major:minor   as Linux shows it
 *	ramfs (the root)        0:1          like tmpfs / rootfs "00:01"
 *	procfs                  0:2
 *	pipes (pipefs)          0:3
 *	/dev/null, zero         1:3, 1:5     Linux's mem devices
 *	/dev/random, urandom    1:8, 1:9
 *	/dev/tty, /dev/console  5:0, 5:1
 *	/dev/vda, vdb, ...      254:0, 254:16  virtio disks (block devices)
 *
 * Locking: one CPU and a kernel that is not preempted, so file system
 * code runs undisturbed until it sleeps; only the tty's input buffer is
 * also touched from an interrupt handler (tty.c disables interrupts).
 */
#ifndef FS_VFS_H
#define FS_VFS_H

#include <vmos/types.h>
#include <vmos/uaccess.h>

/* File types and permission bits (st_mode), Linux's values. */
#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define S_IFLNK 0120000
#define S_IFREG 0100000
#define S_IFBLK 0060000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISLNK(m) (((m) & S_IFMT) == S_IFLNK)
#define S_ISCHR(m) (((m) & S_IFMT) == S_IFCHR)
#define S_ISBLK(m) (((m) & S_IFMT) == S_IFBLK)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)
#define S_ISUID 04000
#define S_ISGID 02000
#define S_ISVTX 01000
#define S_IALLUGO 07777 /* every permission bit chmod may set */
#define S_IXUGO 0111    /* execute for user, group and others */
#define S_IXGRP 0010    /* execute for the group */

/* open() flags, Linux's values. */
#define O_ACCMODE 00000003
#define O_RDONLY 00000000
#define O_WRONLY 00000001
#define O_RDWR 00000002
#define O_CREAT 00000100
#define O_EXCL 00000200
#define O_NOCTTY 00000400
#define O_TRUNC 00001000
#define O_APPEND 00002000
#define O_NONBLOCK 00004000
#define O_DSYNC 00010000
#define O_ASYNC 00020000
#define O_DIRECT 00040000
#define O_LARGEFILE 00100000
#define O_DIRECTORY 00200000
#define O_NOFOLLOW 00400000
#define O_NOATIME 01000000
#define O_CLOEXEC 02000000
#define O_PATH 010000000
#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR 0x200
#define AT_SYMLINK_FOLLOW 0x400
#define AT_EMPTY_PATH 0x1000

#define NR_OPEN_DEFAULT 1024 /* RLIMIT_NOFILE default and our table size */
#define PATH_MAX 4096        /* a path, with its NUL */
#define NAME_MAX 255         /* one path component */
#define MAXSYMLINKS 40       /* symbolic links followed in one lookup */
#define SSIZE_MAX 0x7fffffffffffffffl
#define MAX_RW_COUNT 0x7ffff000ul /* one read or write moves at most this
				     (INT_MAX rounded down to a page, as Linux) */

/* Device numbers as user space sees them (see the table above). */
#define MKDEV(major, minor) (((u32)(major) << 8) | (u32)(minor))

/* Character devices, Linux's numbers (devices.c). */
#define MEM_MAJOR 1
#define TTYAUX_MAJOR 5
#define DEV_NULL MKDEV(MEM_MAJOR, 3)
#define DEV_ZERO MKDEV(MEM_MAJOR, 5)
#define DEV_RANDOM MKDEV(MEM_MAJOR, 8)
#define DEV_URANDOM MKDEV(MEM_MAJOR, 9)
#define DEV_TTY MKDEV(TTYAUX_MAJOR, 0)
#define DEV_CONSOLE MKDEV(TTYAUX_MAJOR, 1)

#define MAJOR(dev) ((u32)(dev) >> 8)
#define MINOR(dev) ((u32)(dev) & 0xff)
#define RAMFS_DEV MKDEV(0, 1)
#define PROCFS_DEV MKDEV(0, 2)
#define PIPEFS_DEV MKDEV(0, 3)
#define ANON_INODE_DEV MKDEV(0, 13) /* anon_inodefs: pidfds, userfaultfds */

/* poll() event bits, Linux's values. */
#define POLLIN 0x0001
#define POLLPRI 0x0002
#define POLLOUT 0x0004
#define POLLERR 0x0008
#define POLLHUP 0x0010
#define POLLNVAL 0x0020
#define POLLRDNORM 0x0040
#define POLLWRNORM 0x0100

/*
 * struct uio - where a read or write moves its bytes: a user buffer (for
 * system calls) or a kernel one (exec reading a program), possibly in
 * several pieces (readv, writev).  uio_copy_out() and uio_copy_in() do the
 * right copy and step through the pieces, so file operations are written
 * once.  Set one up with uio_init() or uio_init_vec().
 */
struct uio_seg { /* struct iovec */
	u64 base;
	u64 len;
};
struct uio {
	u64 addr;       /* next byte */
	size_t len;     /* bytes left, in all pieces */
	bool user;      /* addr is a user pointer (copy_to_user / from_user) */
	size_t seg_len; /* bytes left at addr, in this piece */
	const struct uio_seg *next_seg; /* the pieces after this one */
};
/* uio_init - one buffer of len bytes at addr. */
void uio_init(struct uio *u, u64 addr, size_t len, bool user);
/* uio_init_vec - n pieces (kept by the caller until done), at most max
 * bytes of them in all: 0, or -EINVAL (a length overflows) or -EFAULT
 * (a user piece is not in user space). */
int uio_init_vec(struct uio *u, const struct uio_seg *segs, unsigned n,
		 size_t max, bool user);
/* uio_copy_out - up to n bytes from src into the uio: bytes moved, or
 * -EFAULT if the first of them could not be. */
long uio_copy_out(struct uio *u, const void *src, size_t n);
/* uio_copy_in - up to n bytes from the uio into dst: bytes moved or -EFAULT. */
long uio_copy_in(struct uio *u, void *dst, size_t n);
/* uio_zero - n zero bytes into the uio (a hole, /dev/zero): moved or -EFAULT. */
long uio_zero(struct uio *u, size_t n);

struct inode;
struct file;

/*
 * struct dir_context - where readdir puts entries.  The file system calls
 * emit() for each entry from pos on, and after each accepted entry sets
 * pos to the position of the one after it; emit() returns false when the
 * caller's buffer is full (that entry was not taken: stop, pos unchanged).
 */
struct dir_context {
	bool (*emit)(struct dir_context *ctx, const char *name, size_t len,
		     u64 ino, unsigned type);
	u64 pos;
};

/* Directory entry types for getdents64 (d_type), Linux's values. */
#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

struct file_operations {
	/* open: set up f (f->inode, flags and fops are filled): 0 or -errno. */
	int (*open)(struct inode *inode, struct file *f);
	long (*read)(struct file *f, struct uio *u, u64 *pos);
	long (*write)(struct file *f, struct uio *u, u64 *pos);
	long (*ioctl)(struct file *f, unsigned cmd, u64 arg);
	/* readdir: entries from ctx->pos on (directories only): 0 or -errno. */
	int (*readdir)(struct file *f, struct dir_context *ctx);
	/* poll: POLLIN/POLLOUT/POLLHUP bits ready now (see poll.c: whoever
	 * makes a file ready calls poll_notify()).  NULL: always ready. */
	unsigned (*poll)(struct file *f);
	void (*release)(struct file *f);
	/* size: where SEEK_END is and the furthest lseek may go, for a file
	 * whose size is not its inode's (a disk).  NULL: inode->size, and
	 * lseek may go past it. */
	u64 (*size)(struct file *f);
	/* A stream (pipe, tty): no file position; lseek, pread and pwrite
	 * fail with -ESPIPE. */
	bool stream;
};

/*
 * inode_operations - what a directory (and a symbolic link) can do.  Names
 * are (name, len) pairs, not NUL-terminated, never "" and never "." or
 * ".." except for lookup(dir, ".."), which gives the parent.  Returned
 * inodes carry a reference for the caller.  A NULL operation fails with
 * the error vfs.c chooses (lookup: -ENOTDIR; changes: -EPERM).
 */
struct inode_operations {
	int (*lookup)(struct inode *dir, const char *name, size_t len,
		      struct inode **res);
	/* mknod: a new regular file, directory, device (rdev) or FIFO in dir;
	 * -EEXIST if the name is taken. */
	int (*mknod)(struct inode *dir, const char *name, size_t len, u32 mode,
		     u32 rdev, struct inode **res);
	int (*symlink)(struct inode *dir, const char *name, size_t len,
		       const char *target, struct inode **res);
	/* link: one more name for inode (not a directory). */
	int (*link)(struct inode *dir, const char *name, size_t len,
		    struct inode *inode);
	/* unlink: remove a name; is_dir asks for rmdir's rules (must be an
	 * empty directory) and otherwise the name must not be a directory. */
	int (*unlink)(struct inode *dir, const char *name, size_t len,
		      bool is_dir);
	int (*rename)(struct inode *old_dir, const char *old_name, size_t old_len,
		      struct inode *new_dir, const char *new_name, size_t new_len);
	/* readlink: the target of a symbolic link into buf (no NUL): length,
	 * at most size. */
	long (*readlink)(struct inode *inode, char *buf, size_t size);
	/* get_link: following the link gives this inode (a reference for
	 * the caller) instead of walking its readlink text: /proc's links
	 * to files that may have no name (Linux's nd_jump_link).  Optional. */
	struct inode *(*get_link)(struct inode *link, int *err);
	/*
	 * The pages of a regular file, for the memory manager (mm/ calls
	 * only these, never a file system by name; Linux's vm_ops->fault and
	 * find_get_page).  A file without map_page cannot be mapped (ENODEV).
	 * map_page: the frame holding page pgoff, for a mapping of it: the
	 * file's own frame (it keeps its reference; take your own), read
	 * from disk if need be (*major), or for a hole a new zeroed one if
	 * alloc, else 0.  0 with *err on failure: -EFAULT past the end of
	 * the file (SIGBUS), -ENOMEM, -EIO.
	 * find_page: the frame holding page pgoff if it is in memory now (no
	 * allocation, no I/O), else 0: mincore's question.
	 */
	phys_addr_t (*map_page)(struct inode *inode, u64 pgoff, bool alloc, int *err,
				bool *major);
	phys_addr_t (*find_page)(struct inode *inode, u64 pgoff);
	/* punch_hole: drop the file's pages wholly inside [start, end) (they
	 * read as zeros again; the size stays): fallocate's PUNCH_HOLE and
	 * madvise's MADV_REMOVE.  NULL: not supported (-EOPNOTSUPP). */
	void (*punch_hole)(struct inode *inode, u64 start, u64 end);
	/* setsize: truncate or extend a regular file: 0 or -errno. */
	int (*setsize)(struct inode *inode, u64 size);
	/* evict: free the file system's data; the last iput() calls it. */
	void (*evict)(struct inode *inode);
};

struct inode {
	u32 ino;
	u32 mode;      /* S_IF* | permissions */
	u32 nlink;
	u32 uid, gid;
	u32 dev;       /* device of the file system: for stat and /proc maps */
	u32 rdev;      /* device number of a character or block device */
	u64 size;
	u64 blocks;    /* 512-byte units of storage held (stat's st_blocks) */
	u64 atime_ns, mtime_ns, ctime_ns; /* since the Unix epoch */
	u32 refcount;  /* open files, directory entries, cwd, mappings */
	s32 writecount; /* > 0: files open for writing; < 0: programs running
			 * from it (write access denied: ETXTBSY) */
	const struct inode_operations *iops;
	const struct file_operations *fops;
	void *private; /* the file system's data (ramfs: entries or pages) */
};

struct file {
	struct inode *inode;
	u64 pos;
	u32 flags;     /* O_* given to open (access mode, O_APPEND, O_NONBLOCK) */
	u32 refcount;  /* descriptors (dup, fork) pointing here */
	const struct file_operations *fops;
	void *private;
	char path[128]; /* the name it was opened by (for /proc and maps) */
};

/* Descriptors a process may have open: its table's size. */
struct files {
	struct file *fd[NR_OPEN_DEFAULT];
	u64 cloexec[NR_OPEN_DEFAULT / 64];
	u32 refcount;
};

/* Where relative paths start, and the file creation mask. */
struct fs_context {
	struct inode *cwd;
	char cwd_path[PATH_MAX];
	u32 umask;
	u32 refcount;
};

/* vfs_init - the root ramfs, /dev, /proc, the console's input interrupt,
 * and the initrd's archives.  Call once, with the scheduler running. */
void vfs_init(void);

/* vfs_open - open path (relative to cwd of current) for the kernel;
 * returns a file or an ERR_PTR-style NULL with *err = -errno. */
struct file *vfs_open(const char *path, u32 flags, u32 mode, int *err);
/* open_exec - open a program for execve, as Linux's: anything but a
 * regular file (a FIFO, a device) is -EACCES before it is opened, and so
 * is a file without execute permission (read permission is not needed);
 * a file open for writing is -ETXTBSY.  The file returned is denied write
 * access (allow_write_access ends that). */
struct file *open_exec(const char *path, int *err);
/* open_exec_at - open_exec() for execveat: path from dirfd, "" with
 * AT_EMPTY_PATH the file of dirfd itself, a symbolic link with
 * AT_SYMLINK_NOFOLLOW -ELOOP. */
struct file *open_exec_at(int dirfd, const char *path, int flags, int *err);
/* kernel_read - read into a kernel buffer at offset off: bytes or -errno. */
long kernel_read(struct file *f, void *buf, size_t n, u64 off);
/* kernel_write - write from a kernel buffer at offset off: bytes or -errno. */
long kernel_write(struct file *f, const void *buf, size_t n, u64 off);
/* file_get / file_put - references on an open file; the last put releases. */
void file_get(struct file *f);
void file_put(struct file *f);
/* ihold / iput - references on an inode; the last put frees it. */
void ihold(struct inode *inode);
void iput(struct inode *inode);

/* Descriptor tables: for fork, exec and exit. */
struct files *files_alloc(void);
struct files *files_fork(struct files *src);   /* NULL when out of memory */
void files_put(struct files *files);           /* closes all at the last put */
void files_close_on_exec(struct files *files);
/* fd_install - put f at the lowest free descriptor >= 0: fd or -EMFILE.
 * The table takes over the caller's reference on f. */
int fd_install(struct files *files, struct file *f, bool cloexec);
/* fd_install_new - fd_install() in the caller's table of a file just
 * opened: its descriptor, or -EMFILE with f's reference dropped (Linux's
 * get_unused_fd_flags, fd_install and fput on failure, in one). */
int fd_install_new(struct file *f, bool cloexec);
/* fd_get - the open file behind fd with a reference (file_put it), or NULL. */
struct file *fd_get(struct files *files, int fd);

struct fs_context *fs_context_alloc(void);
struct fs_context *fs_context_fork(struct fs_context *src);
void fs_context_put(struct fs_context *fs);

/*
 * Permission checks, Unix's: the owner's bits of files the caller owns,
 * the group's bits of files of its groups, the others' bits of the rest.
 * Capabilities override them as Linux's generic_permission:
 * CAP_DAC_READ_SEARCH reads anything and searches any directory,
 * CAP_DAC_OVERRIDE also writes anything and executes what has some x bit
 * (root has both).
 */
#define MAY_EXEC 1
#define MAY_WRITE 2
#define MAY_READ 4
/* inode_permission - may the caller (its effective uid and capabilities)
 * do mask?  0 or -EACCES. */
int inode_permission(const struct inode *inode, int mask);
/* inode_permission_as - the same check for user uid with capabilities
 * caps (access() uses the real uid and root's capabilities). */
int inode_permission_as(const struct inode *inode, int mask, u32 uid, u64 caps);
/* inode_permission_exec - may the file be executed (regular, x bit)? 0 or -EACCES. */
int inode_permission_exec(const struct inode *inode);
/* current_fsuid - the uid that file accesses are checked against (0 early in boot). */
u32 current_fsuid(void);
/* current_fsgid - the group a new file gets: the effective gid. */
u32 current_fsgid(void);
/* in_group_p - is gid the caller's effective or a supplementary group?
 * (kernel/sys.c) */
bool in_group_p(u32 gid);

/* get_write_access / put_write_access - a file of a regular inode opens
 * (closes) for writing: -ETXTBSY while a program runs from it.
 * deny_write_access / allow_write_access - a program runs from it (exec):
 * -ETXTBSY while it is open for writing (Linux's names). */
int get_write_access(struct inode *inode);
void put_write_access(struct inode *inode);
int deny_write_access(struct inode *inode);
void allow_write_access(struct inode *inode);
/* fifo_fops - what a named pipe (mkfifo) opens with (pipe.c). */
extern const struct file_operations fifo_fops;
/* ramfs_new_file - a regular ramfs file in no directory (nlink 0), empty,
 * owned by the caller's fsuid: one reference, or NULL.  SysV shared
 * memory keeps its segments in such files (ipc/shm.c). */
struct inode *ramfs_new_file(u32 mode);
/* anon_inode_getfile - an open file (flags: O_RDWR, O_NONBLOCK...) of a
 * new inode in no directory, with fops and f->private = priv, shown as
 * "anon_inode:NAME" (anon_inodes.c): NULL with *err on failure. */
struct file *anon_inode_getfile(const char *name,
				const struct file_operations *fops, void *priv,
				u32 flags, int *err);

#endif
