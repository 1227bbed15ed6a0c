/*
 * fs/proc/internal.h - what the files of /proc share with each other
 * (the rest of the kernel calls procfs_create_root(): fs/internal.h).
 *
 * /proc holds files whose contents the kernel writes when they are
 * opened:
 *
 *   /proc/self            symlink to the caller's PID directory
 *   /proc/thread-self     symlink to the calling thread's PID/task/TID
 *   /proc/meminfo stat uptime loadavg version cpuinfo mounts filesystems
 *   /proc/swaps (the active swap areas: mm/swapfile.c)
 *   /proc/kmem (vmos: frame and kmalloc counters for leak checks)
 *   /proc/sys/            the tunables (fs/proc_sys.c)
 *   /proc/sysvipc/shm     the SysV shared memory segments (ipc/shm.c)
 *   /proc/net/tcp, udp    the AF_INET sockets (net/af_inet.c), and
 *     tcp6, udp6          the AF_INET6 ones
 *   /proc/PID/            one directory per task (not the idle task, PID 0)
 *      cmdline comm stat statm status maps   generated text
 *      smaps smaps_rollup                    (memory files: fs/procfmt.c)
 *      pagemap                               binary, 8 bytes a page
 *      pagetable                             vmos: the page table, as xv6's
 *                                            vmprint (lab pgtbl)
 *      exe cwd                               symlinks (program, directory)
 *      fd/N                                  symlink to each open file's name
 *      task/TID/                             each thread, as /proc/TID
 *      map_files/START-END                   symlink to each mapped file
 *
 * Nothing is stored: a lookup makes a fresh inode for the name (freed at
 * its last iput) and its inode number is computed from what it shows, so
 * it is the same every time.  A file's text is generated once, at open,
 * into a buffer the reads then copy from; ps and cat see one consistent
 * snapshot.  Formats follow Linux's fs/proc, as busybox ps, top, free and
 * df parse them.
 *
 * The files, by concern (as Linux's fs/proc):
 *	inode.c     the machinery: nodes and their inodes, who may open what,
 *	            lookup and readdir of the root, PID, fd, task, sysvipc and
 *	            net directories, the generated file (open, read, refresh,
 *	            release), readlink, procfs_create_root()
 *	root.c      the top-level and kernel-wide files (meminfo, kmem,
 *	            vmstat, zoneinfo, stat, uptime, ..., sysvipc/shm, net/tcp)
 *	            and their tables
 *	base.c      a process's files that are not about its memory (stat,
 *	            status, cmdline, comm, syscall, wchan), the symlinks
 *	            (self, thread-self, exe, cwd, fd/N), map_files/, and the
 *	            table of /proc/PID
 *	task_mmu.c  a process's memory: maps, smaps, smaps_rollup, statm,
 *	            status's memory lines, pagemap
 */
#ifndef FS_PROC_INTERNAL_H
#define FS_PROC_INTERNAL_H

#include "fs/internal.h"
#include "fs/procfmt.h"
#include "kernel/task.h"

/* Inode numbers and readdir positions: a name's number is computed from
 * what it shows, so it is the same every time. */
#define PROC_ROOT_INO 1
#define PROC_TOP_INO 2          /* + index in root_entries */
#define PROC_PID_INO_SHIFT 16   /* a PID's inodes: (pid + 1) << 16 | what */
#define PROC_FD_DIR_SUB 0x80    /* what: the fd directory */
#define PROC_TASK_DIR_SUB 0x81  /* what: the task directory */
#define PROC_MAP_FILES_SUB 0x82 /* what: map_files (its links: 0x83) */
#define PROC_TID_DIR_SUB 0x84   /* what: /proc/PID/task/TID, TID's */
#define PROC_FD_SUB 0x100       /* what: fd link N is 0x100 + N */
#define PROC_PID_POS 0x100      /* root readdir: position 0x100 + pid */
#define PROC_FIRST_POS 2        /* readdir: 0 is ".", 1 is ".." */
#define USER_HZ 100             /* clock ticks in /proc, as Linux's */
#define NSEC_PER_TICK (NSEC_PER_SEC / USER_HZ)
#define NSEC_PER_SEC 1000000000ul
#define DIR_MODE (S_IFDIR | 0555)
#define FILE_MODE (S_IFREG | 0444)
#define LINK_MODE (S_IFLNK | 0777)

/* ---- what each name is ---- */

struct proc_entry;
typedef void (*proc_show_t)(struct task *t, struct pbuf *b);
typedef long (*proc_link_t)(struct task *t, int fd, char *buf, size_t size);

struct proc_entry {
	const char *name;
	u32 mode;
	proc_show_t show; /* a file: writes its text (t NULL at the top) */
	proc_link_t link; /* a symlink: its target */
	const struct file_operations *fops; /* a file read its own way, not text */
};

/* inode->private of every procfs inode but the root. */
struct proc_node {
	const struct proc_entry *entry; /* NULL: a PID or fd directory, fd link */
	int pid;                        /* 0 at the top level */
	int fd;                         /* an fd link's descriptor, else -1 */
	u64 start_ns;                   /* the task's start_ns: a node sticks
					   to the task it was made for, not
					   to a later one with its PID */
	u64 vm_start, vm_end;           /* a map_files link's region */
	bool tid_dir;                   /* /proc/PID/task/TID: no "task" */
};

static inline struct proc_node *node_of(struct inode *inode)
{
	return inode->private;
}

static inline u32 pid_ino(int pid, u32 what)
{
	return ((u32)pid + 1) << PROC_PID_INO_SHIFT | what;
}

/* ticks - nanoseconds as the clock ticks /proc counts in. */
static inline u64 ticks(u64 ns)
{
	return ns / NSEC_PER_TICK;
}

/* ---- the tables: the names of a directory, in readdir's order ---- */

extern const struct proc_entry root_entries[];    /* root.c: /proc */
extern const size_t nr_root_entries;
extern const struct proc_entry sysvipc_entries[]; /* root.c: /proc/sysvipc */
extern const size_t nr_sysvipc_entries;
extern const struct proc_entry net_entries[];     /* root.c: /proc/net */
extern const size_t nr_net_entries;
extern const struct proc_entry pid_entries[];     /* base.c: /proc/PID */
extern const size_t nr_pid_entries;

/* ---- inode.c ---- */

/* proc_task - the live (or zombie) task with this PID, or NULL. */
struct task *proc_task(int pid);
/* node_task - the task node n was made for, or NULL once it is reaped. */
struct task *node_task(const struct proc_node *n);
/* proc_may_read - may the caller read t's memory files and links
 * (ptrace's read rule)?  0 or -EACCES. */
int proc_may_read(const struct task *t);
/* proc_open_check - may the caller open the PID file of node n: 0,
 * gone once the task is gone, or -EACCES. */
int proc_open_check(const struct proc_node *n, int gone);
/* new_node_inode - a procfs inode with its node (owned by the task of
 * pid, if any), or NULL. */
struct inode *new_node_inode(u32 ino, u32 mode,
			     const struct inode_operations *iops,
			     const struct file_operations *fops,
			     const struct proc_entry *entry, int pid, int fd);
/* pid_dir_inode - a new inode of /proc/PID into *res: 0 or -ENOMEM. */
int pid_dir_inode(int pid, struct inode **res);
/* is_dotdot - is the name "..". */
bool is_dotdot(const char *name, size_t len);
/* emit_dots - readdir's "." and ".." (inodes self and parent) from
 * ctx->pos on; false if the caller's buffer filled. */
bool emit_dots(struct dir_context *ctx, u32 self, u32 parent);
/* proc_evict - every procfs inode's evict: frees its node. */
void proc_evict(struct inode *inode);

/* ---- root.c ---- */

/* show_mounts, show_mountinfo - the mount table, also /proc/PID's. */
void show_mounts(struct task *t, struct pbuf *b);
void show_mountinfo(struct task *t, struct pbuf *b);

/* ---- base.c ---- */

/* show_syscall - /proc/PID/syscall (made anew at every read). */
void show_syscall(struct task *t, struct pbuf *b);
/* self_link, thread_self_link - the targets of /proc/self (PID) and
 * /proc/thread-self (PID/task/TID) for the caller. */
long self_link(struct task *t, int fd, char *buf, size_t size);
long thread_self_link(struct task *t, int fd, char *buf, size_t size);
/* fd_link - the target of /proc/PID/fd/N: fd's name, or -ENOENT. */
long fd_link(struct task *t, int fd, char *buf, size_t size);
/* map_files_dir - a new inode of /proc/PID/map_files (entry e), or NULL. */
struct inode *map_files_dir(const struct proc_entry *e, int pid);

/* ---- task_mmu.c ---- */

/* show_maps, show_smaps, show_smaps_rollup, show_statm - the files of
 * those names of /proc/PID. */
void show_maps(struct task *t, struct pbuf *b);
void show_smaps(struct task *t, struct pbuf *b);
void show_smaps_rollup(struct task *t, struct pbuf *b);
void show_statm(struct task *t, struct pbuf *b);
void show_pagetable(struct task *t, struct pbuf *b); /* vmos: lab pgtbl */
/* status_mem - /proc/PID/status's memory lines (VmPeak .. HugetlbPages), if t
 * has memory figures. */
void status_mem(struct task *t, struct pbuf *b);
/* /proc/PID/pagemap: read in 8-byte words, not as text. */
extern const struct file_operations proc_pagemap_fops;

#endif
