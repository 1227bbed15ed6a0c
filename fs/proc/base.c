/*
 * fs/proc/base.c - a process's files in /proc/PID that are not about its
 * memory (stat, status, cmdline, comm, syscall, wchan), the symlinks
 * (self, thread-self, exe, cwd, fd/N), /proc/PID/map_files, and the
 * table of /proc/PID.  Its memory files: task_mmu.c.
 */
#include <vmos/errno.h>
#include "fs/proc/internal.h"
#include "kernel/ksyms.h"
#include "kernel/rlimit.h"
#include <vmos/format.h>
#include <vmos/string.h>
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include <asm/syscall.h>

#define PROC_CMDLINE_MAX (64ul << 10)
#define TASK_NICE_PRIORITY 20   /* field 18 of stat for nice 0 */
#define EXIT_SIGNAL_SIGCHLD 17

/* ---- generated text: a process ---- */

static char state_char(const struct task *t)
{
	switch (t->state) {
	case TASK_RUNNING:
		return 'R';
	case TASK_SLEEPING:
		return 'S';
	case TASK_UNINTERRUPTIBLE:
		return 'D';
	case TASK_ZOMBIE:
		return 'Z';
	case TASK_STOPPED:
		return 'T';
	case TASK_TRACED:
		return 't';
	}
	return '?';
}

static const char *state_name(const struct task *t)
{
	switch (t->state) {
	case TASK_RUNNING:
		return "R (running)";
	case TASK_SLEEPING:
		return "S (sleeping)";
	case TASK_UNINTERRUPTIBLE:
		return "D (disk sleep)";
	case TASK_ZOMBIE:
		return "Z (zombie)";
	case TASK_STOPPED:
		return "T (stopped)";
	case TASK_TRACED:
		return "t (tracing stop)";
	}
	return "? (unknown)";
}

/*
 * /proc/PID/syscall, as Linux: the system call the task is in, its six
 * arguments, stack pointer and instruction pointer
 * ("0 0x3 0x7ffd... 0x40 0x0 0x0 0x0 0x7ffd... 0x401234"), or "-1 SP PC"
 * when it is not in one (stopped by an interrupt in user mode).
 */
void show_syscall(struct task *t, struct pbuf *b)
{
	const struct trap_frame *tf = task_user_frame(t);
	u64 a[6];

	if (!t->mm || t->state == TASK_ZOMBIE) {
		pbuf_printf(b, "-1 0x0 0x0\n");
		return;
	}
	if (!syscall_frame(tf)) {
		pbuf_printf(b, "-1 0x%lx 0x%lx\n", frame_user_sp(tf), frame_user_ip(tf));
		return;
	}
	syscall_get_args(tf, a);
	pbuf_printf(b, "%ld 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx\n",
		    (long)syscall_get_nr(tf), a[0], a[1], a[2], a[3], a[4], a[5],
		    frame_user_sp(tf), frame_user_ip(tf));
}

/*
 * /proc/PID/wchan, as Linux 6.1: where a sleeping task waits, the name of
 * the first function on its kernel stack outside the scheduler
 * (get_wchan); "0" for one that runs (the reader itself), a zombie, or a
 * reader that may not look (Linux checks ptrace access and prints 0).
 */
static void show_wchan(struct task *t, struct pbuf *b)
{
	u64 wchan = proc_may_read(t) ? 0 : get_wchan(t), off;
	const char *name = wchan ? ksym_lookup(wchan - 1, &off) : NULL;

	pbuf_printf(b, "%s", name ? name : "0");
}

/* stat_wchan - stat's wchan field: Linux 6.1 no longer shows an address
 * there, only whether the task is off the run queue (1) or not (0), and
 * 0 to a reader that may not look at it. */
static int stat_wchan(struct task *t)
{
	return !proc_may_read(t) && t->state != TASK_RUNNING;
}

static void show_cmdline(struct task *t, struct pbuf *b)
{
	struct mm *mm = t->mm;
	u64 n;
	char *p;

	if (!mm || mm->arg_end <= mm->arg_start)
		return;
	n = MIN(mm->arg_end - mm->arg_start, PROC_CMDLINE_MAX);
	p = pbuf_reserve(b, n);
	if (p && mm_copy_from(mm, mm->arg_start, p, n))
		b->len -= n; /* unreadable: show nothing */
}

static void show_comm(struct task *t, struct pbuf *b)
{
	pbuf_printf(b, "%s\n", t->comm);
}

/* signal_masks - the signals t ignores and the ones it catches. */
static void signal_masks(const struct task *t, u64 *ignored, u64 *caught)
{
	*ignored = *caught = 0;
	for (int s = 0; s < NSIG; s++) {
		if (t->sig.action[s].handler == SIG_IGN)
			*ignored |= 1ull << s;
		else if (t->sig.action[s].handler != SIG_DFL)
			*caught |= 1ull << s;
	}
}

/* Linux's 52 fields (fs/proc/array.c, do_task_stat); 0 for unknown ones. */
static void show_stat(struct task *t, struct pbuf *b)
{
	struct mm *mm = t->mm;
	const struct mm zero = { 0 };
	const struct mm *m = mm ? mm : &zero;
	u64 ignored, caught;
	u32 tty_nr;
	int tpgid;

	signal_masks(t, &ignored, &caught);
	tty_of_session(t->sid, &tty_nr, &tpgid);
	pbuf_printf(b, "%d (%s) %c %d %d %d %u %d %u %lu 0 %lu 0 %lu %lu %lu %lu "
		    "%d 0 1 0 %lu %lu %lu %lu ", t->pid, t->comm, state_char(t),
		    t->parent ? t->parent->tgid : 0, t->pgid, t->sid, tty_nr,
		    tpgid, t->flags, t->ru.minflt, t->ru.majflt, ticks(t->ru.utime_ns),
		    ticks(t->ru.stime_ns), ticks(t->ru_children.utime_ns),
		    ticks(t->ru_children.stime_ns), TASK_NICE_PRIORITY,
		    ticks(t->start_ns), m->total_vm * PAGE_SIZE, m->rss,
		    t->rlimits[RLIMIT_RSS][0]);
	pbuf_printf(b, "%lu %lu %lu 0 0 %lu %lu %lu %lu %d 0 0 %d 0 0 0 0 0 0 "
		    "%lu %lu %lu %lu %lu %lu %lu %d\n", m->start_code,
		    m->end_code, m->start_stack, t->sig.pending, t->sig.blocked,
		    ignored, caught, stat_wchan(t), EXIT_SIGNAL_SIGCHLD, m->start_data,
		    m->end_data, m->start_brk, m->arg_start, m->arg_end,
		    m->env_start, m->env_end,
		    t->state == TASK_ZOMBIE ? t->exit_status : 0);
}

/* status_ids - Name .. Kthread: who the task is. */
static void status_ids(struct task *t, struct pbuf *b)
{
	const struct task_cred *c = &t->cred;
	int ppid = t->parent ? t->parent->tgid : 0;

	pbuf_printf(b, "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\n"
		    "Pid:\t%d\nPPid:\t%d\nTracerPid:\t%d\n", t->comm,
		    t->fs ? t->fs->umask : 0, state_name(t), t->tgid, t->pid, ppid,
		    t->ptracer ? t->ptracer->tgid : 0);
	pbuf_printf(b, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nFDSize:\t%d\n"
		    "Groups:\t", c->uid, c->euid, c->suid, c->euid, c->gid,
		    c->egid, c->sgid, c->egid, NR_OPEN_DEFAULT);
	for (u32 i = 0; i < c->ngroups; i++)
		pbuf_printf(b, "%u ", c->groups[i]);
	pbuf_printf(b, "%s\nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n"
		    "Kthread:\t%d\n", c->ngroups ? "" : " ", t->tgid, t->pid,
		    t->pgid, t->sid, is_kthread(t));
}

/* bits_set - how many bits of x are 1 (no popcount instruction assumed). */
static int bits_set(u64 x)
{
	int n = 0;

	for (; x; x &= x - 1)
		n++;
	return n;
}

/* status_signals - Threads .. SigCgt; SigQ is signals queued / the limit. */
static void status_signals(struct task *t, struct pbuf *b)
{
	u64 ignored, caught;

	signal_masks(t, &ignored, &caught);
	pbuf_printf(b, "Threads:\t%d\nSigQ:\t%d/%lu\nSigPnd:\t%016lx\n"
		    "ShdPnd:\t%016lx\nSigBlk:\t%016lx\nSigIgn:\t%016lx\n"
		    "SigCgt:\t%016lx\n",
		    MAX(t->group_leader ? t->group_leader->group_live : 1, 1),
		    bits_set(t->sig.pending),
		    t->rlimits[RLIMIT_SIGPENDING][0], t->sig.pending, 0ul,
		    t->sig.blocked, ignored, caught);
}

/* status_rest - capabilities, CPUs, switches. */
static void status_rest(struct task *t, struct pbuf *b)
{
	const struct task_cred *c = &t->cred;

	pbuf_printf(b, "CapInh:\t%016lx\nCapPrm:\t%016lx\nCapEff:\t%016lx\n"
		    "CapBnd:\t%016lx\nCapAmb:\t%016lx\nNoNewPrivs:\t0\n"
		    "Seccomp:\t0\nSeccomp_filters:\t0\nCpus_allowed:\t1\n"
		    "Cpus_allowed_list:\t0\nvoluntary_ctxt_switches:\t%lu\n"
		    "nonvoluntary_ctxt_switches:\t%lu\n", c->cap_inheritable,
		    c->cap_permitted, c->cap_effective, c->cap_bset, c->cap_ambient,
		    t->ru.nvcsw, t->ru.nivcsw);
}

/*
 * status: Linux's lines in Linux's order (fs/proc/array.c), those that
 * mean something here.  The memory lines (procfmt_status_mem) are there
 * while the process has memory and also, a vmos extension, for a zombie:
 * the figures its address space had as it was torn down (VmHWM, VmPTE...).
 */
static void show_status(struct task *t, struct pbuf *b)
{
	status_ids(t, b);
	status_mem(t, b);
	pbuf_printf(b, "CoreDumping:\t0\nTHP_enabled:\t0\n");
	status_signals(t, b);
	status_rest(t, b);
}

/* ---- symlinks ---- */

static long copy_link(const char *target, char *buf, size_t size)
{
	size_t n = MIN(strlen(target), size);

	memcpy(buf, target, n);
	return (long)n;
}

long self_link(struct task *t, int fd, char *buf, size_t size)
{
	char s[16];

	ksnprintf(s, sizeof(s), "%d", current->tgid);
	return copy_link(s, buf, size);
}

/* /proc/thread-self: the calling thread's directory, PID/task/TID. */
long thread_self_link(struct task *t, int fd, char *buf, size_t size)
{
	char s[32];

	ksnprintf(s, sizeof(s), "%d/task/%d", current->tgid, current->pid);
	return copy_link(s, buf, size);
}

static long exe_link(struct task *t, int fd, char *buf, size_t size)
{
	if (!t->mm)
		return -ENOENT;
	return copy_link(t->exe_path[0] ? t->exe_path : t->comm, buf, size);
}

static long cwd_link(struct task *t, int fd, char *buf, size_t size)
{
	char *path;
	long n;

	if (!t->fs || !t->fs->cwd)
		return -ENOENT;
	path = kmalloc(PATH_MAX);
	if (!path)
		return -ENOMEM;
	n = vfs_path_of(t->fs->cwd, path, PATH_MAX);
	if (n >= 0)
		n = copy_link(path, buf, size);
	kfree(path);
	return n;
}

long fd_link(struct task *t, int fd, char *buf, size_t size)
{
	struct file *f = fd_get(t->files, fd);
	long n;

	if (!f)
		return -ENOENT;
	n = copy_link(f->path[0] ? f->path : "anon_inode:[unknown]", buf, size);
	file_put(f);
	return n;
}

/* ---- the table of /proc/PID ---- */

const struct proc_entry pid_entries[] = {
	{ "cmdline", FILE_MODE, show_cmdline, NULL, NULL },
	{ "comm", FILE_MODE, show_comm, NULL, NULL },
	{ "stat", FILE_MODE, show_stat, NULL, NULL },
	{ "statm", FILE_MODE, show_statm, NULL, NULL },
	{ "status", FILE_MODE, show_status, NULL, NULL },
	{ "mounts", FILE_MODE, show_mounts, NULL, NULL },
	{ "mountinfo", FILE_MODE, show_mountinfo, NULL, NULL },
	{ "maps", FILE_MODE, show_maps, NULL, NULL },
	{ "smaps", FILE_MODE, show_smaps, NULL, NULL },
	{ "smaps_rollup", FILE_MODE, show_smaps_rollup, NULL, NULL },
	{ "pagemap", S_IFREG | 0400, NULL, NULL, &proc_pagemap_fops },
	{ "exe", LINK_MODE, NULL, exe_link, NULL },
	{ "cwd", LINK_MODE, NULL, cwd_link, NULL },
	{ "fd", S_IFDIR | 0500, NULL, NULL, NULL },
	{ "task", DIR_MODE, NULL, NULL, NULL }, /* a TID directory per thread */
	{ "syscall", S_IFREG | 0400, show_syscall, NULL, NULL },
	{ "wchan", FILE_MODE, show_wchan, NULL, NULL },
	{ "map_files", S_IFDIR | 0500, NULL, NULL, NULL }, /* map_files_dir */
	{ "pagetable", S_IFREG | 0400, show_pagetable, NULL, NULL }, /* vmos */
};
const size_t nr_pid_entries = ARRAY_SIZE(pid_entries);

/*
 * ---- /proc/PID/map_files: a symlink per region that maps a file ----
 *
 * Named "start-end" in lowercase hex without leading zeros; the link's
 * target is the mapped file's name, and following it opens the mapped
 * file itself (also one with no name: "/dev/zero (deleted)").  Linux
 * 6.1's rules (fs/proc/base.c): the directory and its lookups need
 * ptrace read access to the process (-EACCES); a name that is not
 * exactly one region's range is -ENOENT; readlink is allowed to who may
 * look, but following a link (open) needs CAP_CHECKPOINT_RESTORE: root
 * (-EPERM).
 */
static const struct inode_operations proc_map_files_iops, map_files_link_iops;
static const struct file_operations proc_map_files_fops;

struct inode *map_files_dir(const struct proc_entry *e, int pid)
{
	return new_node_inode(pid_ino(pid, PROC_MAP_FILES_SUB), e->mode,
			      &proc_map_files_iops, &proc_map_files_fops, e, pid, -1);
}

/* parse_hex - a map_files address at *s: lowercase or uppercase hex, no
 * leading zero unless it is "0" alone, at most 64 bits; moves *s past it.
 * false if it is not one (Linux's dname_to_vma_addr). */
static bool parse_hex(const char **s, const char *end, u64 *v)
{
	const char *p = *s;

	*v = 0;
	if (p < end && *p == '0' && p + 1 < end && p[1] != '-')
		return false;
	for (; p < end; p++) {
		int d = *p >= '0' && *p <= '9' ? *p - '0'
			: *p >= 'a' && *p <= 'f' ? *p - 'a' + 10
			: *p >= 'A' && *p <= 'F' ? *p - 'A' + 10 : -1;

		if (d < 0)
			break;
		if (*v >> 60)
			return false; /* overflow */
		*v = *v << 4 | (u64)d;
	}
	*s = p;
	return true;
}

/* map_files_name - "start-end" into the range it names; false if the
 * name has any other form. */
static bool map_files_name(const char *name, size_t len, u64 *start, u64 *end)
{
	const char *p = name, *stop = name + len;

	if (!parse_hex(&p, stop, start) || p == stop || *p++ != '-')
		return false;
	return parse_hex(&p, stop, end) && p == stop;
}

/* map_files_vma - the region of t spanning exactly [start, end) that maps
 * a file, or NULL. */
static struct vm_area_struct *map_files_vma(struct task *t, u64 start, u64 end)
{
	struct vm_area_struct *v = t->mm ? vma_lookup(&t->mm->vmas, start) : NULL;

	return v && v->vm_start == start && v->vm_end == end && v->vm_file ? v : NULL;
}

/* map_files_task - the live task of a map_files node that the caller may
 * look into: 0, -ENOENT or -EACCES. */
static int map_files_task(const struct proc_node *n, struct task **t)
{
	*t = node_task(n);
	if (!*t)
		return -ENOENT;
	return proc_may_read(*t);
}

static int proc_map_files_lookup(struct inode *dir, const char *name, size_t len,
				 struct inode **res)
{
	struct proc_node *n = node_of(dir);
	struct vm_area_struct *v;
	struct inode *link;
	struct task *t;
	u64 start, end;
	u32 mode = S_IFLNK;
	int err;

	if (is_dotdot(name, len))
		return pid_dir_inode(n->pid, res);
	err = map_files_task(n, &t);
	if (err)
		return err;
	if (!map_files_name(name, len, &start, &end) ||
	    !(v = map_files_vma(t, start, end)))
		return -ENOENT;
	/* The link allows what the mapped file was opened for. */
	if (file_readable(v->vm_file))
		mode |= 0400;
	if (file_writable(v->vm_file))
		mode |= 0200;
	link = new_node_inode(pid_ino(n->pid, PROC_MAP_FILES_SUB + 1), mode,
			      &map_files_link_iops, NULL, NULL, n->pid, -1);
	if (!link)
		return -ENOMEM;
	node_of(link)->vm_start = start;
	node_of(link)->vm_end = end;
	*res = link;
	return 0;
}

static int proc_map_files_readdir(struct file *f, struct dir_context *ctx)
{
	struct proc_node *n = node_of(f->inode);
	u64 i = PROC_FIRST_POS;
	struct task *t;
	char name[40];
	int err = map_files_task(n, &t);

	if (err)
		return err;
	if (!emit_dots(ctx, pid_ino(n->pid, PROC_MAP_FILES_SUB), pid_ino(n->pid, 0)))
		return 0;
	for (struct vm_area_struct *v = t->mm ? vma_first(&t->mm->vmas) : NULL; v;
	     v = vma_next(&t->mm->vmas, v)) {
		int len;

		if (!v->vm_file || i++ < ctx->pos)
			continue;
		len = ksnprintf(name, sizeof(name), "%lx-%lx", v->vm_start, v->vm_end);
		if (!ctx->emit(ctx, name, (size_t)len,
			       pid_ino(n->pid, PROC_MAP_FILES_SUB + 1), DT_LNK))
			return 0;
		ctx->pos = i;
	}
	return 0;
}

/* map_files_link_vma - the region a link stands for, if it still does. */
static int map_files_link_vma(struct inode *link, struct vm_area_struct **v)
{
	struct proc_node *n = node_of(link);
	struct task *t;
	int err = map_files_task(n, &t);

	if (err)
		return err;
	*v = map_files_vma(t, n->vm_start, n->vm_end);
	return *v ? 0 : -ENOENT;
}

static long map_files_readlink(struct inode *link, char *buf, size_t size)
{
	struct vm_area_struct *v;
	int err = map_files_link_vma(link, &v);

	return err ? err : copy_link(v->vm_file->path, buf, size);
}

static struct inode *map_files_get_link(struct inode *link, int *err)
{
	struct vm_area_struct *v;

	*err = current->cred.euid ? -EPERM : map_files_link_vma(link, &v);
	if (*err)
		return NULL;
	ihold(v->vm_file->inode);
	return v->vm_file->inode;
}

static const struct inode_operations proc_map_files_iops = {
	.lookup = proc_map_files_lookup,
	.evict = proc_evict,
};

static const struct file_operations proc_map_files_fops = {
	.readdir = proc_map_files_readdir,
};

static const struct inode_operations map_files_link_iops = {
	.readlink = map_files_readlink,
	.get_link = map_files_get_link,
	.evict = proc_evict,
};
