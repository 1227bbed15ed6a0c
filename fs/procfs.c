/*
 * fs/procfs.c - /proc: files whose contents the kernel writes when
 * they are opened.
 *
 *   /proc/self            symlink to the caller's PID directory
 *   /proc/thread-self     symlink to the calling thread's PID/task/TID
 *   /proc/meminfo stat uptime loadavg version cpuinfo mounts filesystems
 *   /proc/swaps (the active swap areas: mm/swapfile.c)
 *   /proc/kmem (vmos: frame and kmalloc counters for leak checks)
 *   /proc/sys/            the tunables (proc_sys.c)
 *   /proc/sysvipc/shm     the SysV shared memory segments (ipc/shm.c)
 *   /proc/net/tcp, udp    the AF_INET sockets (net/af_inet.c), and
 *     tcp6, udp6          the AF_INET6 ones
 *   /proc/PID/            one directory per task (not the idle task, PID 0)
 *      cmdline comm stat statm status maps   generated text
 *      smaps smaps_rollup                    (memory files: procfmt.c)
 *      pagemap                               binary, 8 bytes a page
 *      exe cwd                               symlinks (program, directory)
 *      fd/N                                  symlink to each open file's name
 *      task/TID/                             each thread, as /proc/TID
 *
 * Nothing is stored: a lookup makes a fresh inode for the name (freed at
 * its last iput) and its inode number is computed from what it shows, so
 * it is the same every time.  A file's text is generated once, at open,
 * into a buffer the reads then copy from; ps and cat see one consistent
 * snapshot.  Formats follow Linux's fs/proc, as busybox ps, top, free and
 * df parse them.
 */
#include <stdarg.h>
#include "kernel/capability.h"
#include <vmos/errno.h>
#include "kernel/exit.h"
#include "fs/internal.h"
#include "fs/procfmt.h"
#include "kernel/ksyms.h"
#include "net/net.h"
#include "kernel/rlimit.h"
#include "ipc/shm.h"
#include "kernel/task.h"
#include "kernel/version.h"
#include <vmos/format.h>
#include <vmos/string.h>
#include "mm/fault.h"
#include "mm/pagetable.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/kstack.h"
#include "mm/mm.h"
#include "mm/oom.h"
#include "mm/rmap.h"
#include "mm/swap_state.h"
#include "mm/stats.h"
#include "mm/swap.h"
#include "mm/swapfile.h"
#include "mm/vmscan.h"
#include <asm/arch.h>
#include <asm/syscall.h>

#define PROC_ROOT_INO 1
#define PROC_TOP_INO 2          /* + index in root_entries */
#define PROC_PID_INO_SHIFT 16   /* a PID's inodes: (pid + 1) << 16 | what */
#define PROC_FD_DIR_SUB 0x80    /* what: the fd directory */
#define PROC_TASK_DIR_SUB 0x81  /* what: the task directory */
#define PROC_FD_SUB 0x100       /* what: fd link N is 0x100 + N */
#define PROC_PID_POS 0x100      /* root readdir: position 0x100 + pid */
#define PROC_FIRST_POS 2        /* readdir: 0 is ".", 1 is ".." */
#define PROC_BUF_INITIAL 4096   /* text buffer; doubled until it fits */
#define PROC_CMDLINE_MAX (64ul << 10)
#define USER_HZ 100             /* clock ticks in /proc, as Linux's */
#define NSEC_PER_TICK (NSEC_PER_SEC / USER_HZ)
#define NSEC_PER_CENTISEC 10000000ul
#define NSEC_PER_SEC 1000000000ul
#define TASK_NICE_PRIORITY 20   /* field 18 of stat for nice 0 */
#define EXIT_SIGNAL_SIGCHLD 17
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
};

static struct inode *proc_root;
static const struct inode_operations proc_root_iops, proc_pid_iops,
	proc_fd_iops, proc_task_iops, proc_link_iops, proc_file_iops;
static const struct file_operations proc_root_fops, proc_pid_fops,
	proc_fd_fops, proc_task_fops, proc_file_fops;

static struct proc_node *node_of(struct inode *inode)
{
	return inode->private;
}

/* proc_task - the live (or zombie) task with this PID, or NULL. */
static struct task *proc_task(int pid)
{
	return pid > 0 ? task_find(pid) : NULL;
}

/* node_task - the task node n was made for, or NULL once it is reaped
 * (also when another task has its PID now: Linux's struct pid). */
static struct task *node_task(const struct proc_node *n)
{
	struct task *t = proc_task(n->pid);

	return t && t->start_ns == n->start_ns ? t : NULL;
}

/*
 * proc_may_read - may the caller read t's memory files and links (maps,
 * smaps, pagemap, exe, cwd, fd/N)?  Linux's ptrace_may_access with
 * PTRACE_MODE_READ_FSCREDS, the rule kernel/ptrace.c's may_attach()
 * applies for attaching: its own process, CAP_SYS_PTRACE, or a caller
 * whose effective (file system) uid and gid are all three of t's uids
 * and gids.  0 or -EACCES.
 */
static int proc_may_read(const struct task *t)
{
	const struct task_cred *c = &current->cred, *tc = &t->cred;

	if (t->tgid == current->tgid || capable(CAP_SYS_PTRACE))
		return 0;
	if (tc->uid != c->euid || tc->euid != c->euid || tc->suid != c->euid ||
	    tc->gid != c->egid || tc->egid != c->egid || tc->sgid != c->egid)
		return -EACCES;
	return 0;
}

/* ptrace_read - is e one of the files that show a process's memory or
 * where it runs (Linux opens them with proc_mem_open or checks
 * proc_fd_access_allowed): only for callers proc_may_read() allows. */
static bool ptrace_read(const struct proc_entry *e)
{
	static const char *const names[] = { "maps", "smaps", "smaps_rollup",
		"pagemap", "exe", "cwd", "environ", "mem", "auxv", "map_files",
		"syscall" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(e->name, names[i]))
			return true;
	return false;
}

/* proc_open_check - the task of a PID file's node that the caller may
 * open: -ENOENT once it is gone (-ESRCH for reads: Linux's), -EACCES. */
static int proc_open_check(const struct proc_node *n, int gone)
{
	struct task *t;

	if (!n->pid)
		return 0;
	t = node_task(n);
	if (!t)
		return gone;
	return n->entry && ptrace_read(n->entry) ? proc_may_read(t) : 0;
}

/* new_node_inode - a procfs inode with its node. */
static struct inode *new_node_inode(u32 ino, u32 mode,
				    const struct inode_operations *iops,
				    const struct file_operations *fops,
				    const struct proc_entry *entry, int pid, int fd)
{
	struct proc_node *n = kmalloc(sizeof(*n));
	struct inode *inode;
	struct task *owner;

	if (!n)
		return NULL;
	inode = inode_alloc(PROCFS_DEV, ino, mode, iops, fops);
	if (!inode) {
		kfree(n);
		return NULL;
	}
	*n = (struct proc_node){ entry, pid, fd, 0 };
	inode->private = n;
	owner = proc_task(pid);
	if (owner) /* /proc/PID/ belongs to the process's user, as on Linux */
		inode->uid = owner->cred.euid;
	if (owner)
		n->start_ns = owner->start_ns;
	if (S_ISDIR(mode))
		inode->nlink = 2;
	return inode;
}

static u32 pid_ino(int pid, u32 what)
{
	return ((u32)pid + 1) << PROC_PID_INO_SHIFT | what;
}

/* entry_inode - the inode of a table entry (of PID pid, or the top). */
static struct inode *entry_inode(const struct proc_entry *e, u32 ino, int pid)
{
	if (S_ISLNK(e->mode))
		return new_node_inode(ino, e->mode, &proc_link_iops, NULL, e, pid, -1);
	if (S_ISDIR(e->mode) && !pid) { /* /proc/sys: its own tree */
		struct inode *sys;

		return proc_sys_root(proc_root, &sys) ? NULL : sys;
	}
	if (S_ISDIR(e->mode) && !strcmp(e->name, "task"))
		return new_node_inode(pid_ino(pid, PROC_TASK_DIR_SUB), e->mode,
				      &proc_task_iops, &proc_task_fops, e, pid, -1);
	if (S_ISDIR(e->mode)) /* the PID table's other directory: fd */
		return new_node_inode(pid_ino(pid, PROC_FD_DIR_SUB), e->mode,
				      &proc_fd_iops, &proc_fd_fops, e, pid, -1);
	return new_node_inode(ino, e->mode, &proc_file_iops,
			      e->fops ? e->fops : &proc_file_fops, e, pid, -1);
}

/* ---- generated text: the top level ---- */

/* ticks - nanoseconds as the clock ticks /proc counts in. */
static u64 ticks(u64 ns)
{
	return ns / NSEC_PER_TICK;
}

static bool mm_counted_before(const struct task *t, const struct mm *mm);

/* The entries that map a frame, in all address spaces: what the reverse
 * map must hold, item for item (rmap_items). */
static u64 mapped_entries(void)
{
	u64 n = 0;

	for (struct task *t = task_first(); t; t = t->all_next)
		if (t->mm && !mm_counted_before(t, t->mm))
			n += t->mm->rss;
	return n;
}

/*
 * /proc/kmem: the kernel's own memory accounting, for leak checks.  Free
 * frames alone move with slab fragmentation (which processes ran in which
 * order); what must come back exactly after a test is the frames in use
 * outside kmalloc's slabs and the number of live kmalloc objects, less
 * the page tables of the kernel-stack area (a high-water mark: more tasks
 * alive at once than ever before add one, and it stays) and the reverse
 * map's frames (they follow the mappings; rmap_items must equal
 * mapped_entries).
 */
static void show_kmem(struct task *t, struct pbuf *b)
{
	struct kmalloc_stats ks;
	u64 objects = 0, managed = frames_managed_count(), free = frames_free_count();

	(void)t;
	kmalloc_get_stats(&ks);
	for (unsigned c = 0; c < KMALLOC_CLASSES; c++)
		objects += ks.objects[c];
	pbuf_printf(b, "frames_managed %lu\n", managed);
	pbuf_printf(b, "frames_free %lu\n", free);
	pbuf_printf(b, "frames_slab %lu\n", ks.slab_pages);
	pbuf_printf(b, "frames_kmalloc_large %lu\n", ks.large_pages);
	pbuf_printf(b, "frames_used_outside_slabs %lu\n", managed - free - ks.slab_pages);
	pbuf_printf(b, "frames_kstack_tables %u\n", kstack_table_frames());
	pbuf_printf(b, "kmalloc_objects %lu\n", objects);
	pbuf_printf(b, "frames_rmap %lu\n", rmap_pool_frames());
	pbuf_printf(b, "rmap_items %lu\n", rmap_items());
	pbuf_printf(b, "mapped_entries %lu\n", mapped_entries());
}

/* show_vmstat_reclaim - vmstat's reclaim lines: pages looked at (pgscan)
 * and evicted (pgsteal) by kswapd and by faults themselves (direct),
 * kswapd's runs (pageoutrun), direct reclaims (allocstall_normal). */
static void show_vmstat_reclaim(struct pbuf *b)
{
	pbuf_printf(b, "pgsteal_kswapd %lu\npgsteal_direct %lu\n"
		    "pgscan_kswapd %lu\npgscan_direct %lu\npageoutrun %lu\n"
		    "allocstall_normal %lu\n", pgsteal_kswapd, pgsteal_direct,
		    pgscan_kswapd, pgscan_direct, pageoutrun, allocstall);
}

/*
 * /proc/zoneinfo: Linux's layout for the one zone here (all memory is
 * "Normal"): free frames and the watermarks of mm/vmscan.c (below min a
 * fault reclaims itself; below low it wakes kswapd, which stops at high).
 */
static void show_zoneinfo(struct task *t, struct pbuf *b)
{
	struct watermarks w;

	reclaim_watermarks(&w);
	pbuf_printf(b, "Node 0, zone   Normal\n  pages free     %lu\n"
		    "        boost    0\n        min      %lu\n"
		    "        low      %lu\n        high     %lu\n"
		    "        spanned  %lu\n        present  %lu\n"
		    "        managed  %lu\n", frames_free_count(), w.min, w.low,
		    w.high, frames_table_size(), frames_managed_count(),
		    frames_managed_count());
}

/* /proc/vmstat: Linux's "name value" counters; the ones that exist here. */
static void show_vmstat(struct task *t, struct pbuf *b)
{
	(void)t;
	pbuf_printf(b, "nr_free_pages %lu\n", frames_free_count());
	pbuf_printf(b, "pgfault %lu\n", vm_faults_total);
	pbuf_printf(b, "pgmajfault %lu\n", vm_major_faults);
	pbuf_printf(b, "pswpin %lu\n", vm_swap_ins);
	pbuf_printf(b, "pswpout %lu\n", vm_swap_outs);
	pbuf_printf(b, "swap_ra %lu\n", readahead_pages);
	pbuf_printf(b, "oom_kill %lu\n", oom_kills);
	show_vmstat_reclaim(b);
}

/* mm_counted_before - does a task before t in the task list use mm?
 * (Threads share one; each address space is counted once.) */
static bool mm_counted_before(const struct task *t, const struct mm *mm)
{
	for (struct task *p = task_first(); p != t; p = p->all_next)
		if (p->mm == mm)
			return true;
	return false;
}

/*
 * mapped_memory - the pages mapped into processes, each frame once: the
 * sum of every address space's proportional shares (a frame mapped by n
 * processes adds 1/n in each of them).
 */
static void mapped_memory(struct mem_size_stats *sum)
{
	for (struct task *t = task_first(); t; t = t->all_next)
		if (t->mm && !mm_counted_before(t, t->mm))
			mm_rollup_stats(t->mm, sum);
}

static void show_meminfo(struct task *t, struct pbuf *b)
{
	struct kmalloc_stats ks;
	struct mem_size_stats m = { 0 };
	u64 total = frames_managed_count() * KB_PER_PAGE;
	u64 free = frames_free_count() * KB_PER_PAGE;
	u64 files = ramfs_pages() * KB_PER_PAGE, slab, anon, shmem, mapped;

	kmalloc_get_stats(&ks);
	slab = (ks.slab_pages + ks.large_pages) * KB_PER_PAGE;
	mapped_memory(&m);
	anon = (m.pss_anon >> PSS_SHIFT) / 1024;
	shmem = (m.pss_shmem >> PSS_SHIFT) / 1024;
	mapped = ((m.pss_file + m.pss_shmem) >> PSS_SHIFT) / 1024;
	const struct { const char *name; u64 kb; } *l, lines[] = {
		{ "MemTotal:", total },
		{ "MemFree:", free },
		{ "MemAvailable:", free },
		{ "Buffers:", 0 },
		{ "Cached:", files + shmem }, /* the root file system is in memory */
		{ "SwapCached:", swap_cache_pages() * KB_PER_PAGE },
		{ "Active:", 0 },
		{ "Inactive:", 0 },
		{ "SwapTotal:", swap_total_pages() * KB_PER_PAGE },
		{ "SwapFree:", swap_free_pages() * KB_PER_PAGE },
		{ "Dirty:", 0 },
		{ "Writeback:", 0 },
		{ "AnonPages:", anon },  /* anonymous pages mapped */
		{ "Mapped:", mapped },   /* file and shared pages mapped */
		{ "Shmem:", shmem },     /* shared anonymous memory */
		{ "Slab:", slab },
		{ "SReclaimable:", 0 },
		{ "SUnreclaim:", slab },
		{ "CommitLimit:", total },
		{ "Committed_AS:", total - free },
	};

	for (l = lines; l < lines + ARRAY_SIZE(lines); l++)
		pbuf_printf(b, "%-16s%8lu kB\n", l->name, l->kb);
}

static void show_swaps(struct task *t, struct pbuf *b)
{
	(void)t;
	swap_show(b);
}

/* The idle time is what the idle task was charged, tick by tick: it never
 * goes back, as "uptime minus busy" can (Linux's proc-uptime-001). */
static void show_uptime(struct task *t, struct pbuf *b)
{
	u64 up = arch_clock_ns(), idle = sched_idle_ns();

	pbuf_printf(b, "%lu.%02lu %lu.%02lu\n", up / NSEC_PER_SEC,
		    up % NSEC_PER_SEC / NSEC_PER_CENTISEC, idle / NSEC_PER_SEC,
		    idle % NSEC_PER_SEC / NSEC_PER_CENTISEC);
}

/* stat: CPU time in USER_HZ ticks (one CPU), counters, boot time. */
static void show_kernel_stat(struct task *t, struct pbuf *b)
{
	u64 user = 0, system = 0, switches = 0, up = arch_clock_ns();
	u64 idle = sched_idle_ns();
	unsigned running = sched_nr_running(), last = 0;

	for (struct task *p = task_first(); p; p = p->all_next) {
		user += p->ru.utime_ns + p->ru_children.utime_ns;
		system += p->ru.stime_ns + p->ru_children.stime_ns;
		switches += p->ru.nvcsw + p->ru.nivcsw;
		last = (unsigned)MAX((int)last, p->pid);
	}
	/* the sum over all CPUs, then each of them: the same, on one CPU */
	pbuf_printf(b, "cpu  %lu 0 %lu %lu 0 0 0 0 0 0\n", ticks(user),
		    ticks(system), ticks(idle));
	pbuf_printf(b, "cpu0 %lu 0 %lu %lu 0 0 0 0 0 0\n", ticks(user),
		    ticks(system), ticks(idle));
	pbuf_printf(b, "intr 0\nctxt %lu\nbtime %lu\nprocesses %u\n"
		    "procs_running %u\nprocs_blocked 0\n", switches,
		    (vfs_now_ns() - up) / NSEC_PER_SEC, last, running);
}

/* The same names uname() gives (kernel/sys.c). */
static void show_version(struct task *t, struct pbuf *b)
{
	pbuf_printf(b, "Linux version " UTS_RELEASE " (" KERNEL_NAME " " KERNEL_VERSION
		    " teaching kernel) " UTS_VERSION "\n");
}

static void show_cpuinfo(struct task *t, struct pbuf *b)
{
	const struct cpu_features *f = &cpu_features;

	pbuf_printf(b, "processor\t: 0\nvendor_id\t: %s\nmodel name\t: "
		    "x86-64 CPU (QEMU)\nflags\t\t: fpu tsc msr pae cx8 apic "
		    "sep pge cmov syscall lm%s%s%s%s\n\n", f->vendor,
		    f->nx ? " nx" : "", f->smep ? " smep" : "",
		    f->smap ? " smap" : "", f->rdrand ? " rdrand" : "");
}

/* mounts and mountinfo: the mount table (namespace.c). */
static void show_mounts(struct task *t, struct pbuf *b)
{
	show_mounts_text(b, false);
}

static void show_mountinfo(struct task *t, struct pbuf *b)
{
	show_mounts_text(b, true);
}

static void show_filesystems(struct task *t, struct pbuf *b)
{
	pbuf_printf(b, "nodev\tramfs\nnodev\ttmpfs\nnodev\tproc\n"
		    "nodev\tpipefs\n"
		    "nodev\tmqueue\n");
}

/* loadavg: no averages are kept; the counts are real. */
static void show_loadavg(struct task *t, struct pbuf *b)
{
	unsigned n = 0, last = 0;

	for (struct task *p = task_first(); p; p = p->all_next) {
		n++;
		last = (unsigned)MAX((int)last, p->pid);
	}
	pbuf_printf(b, "0.00 0.00 0.00 %u/%u %u\n", sched_nr_running(), n, last);
}

/* ---- generated text: a process ---- */

static char state_char(const struct task *t)
{
	switch (t->state) {
	case TASK_RUNNING:
		return 'R';
	case TASK_SLEEPING:
		return 'S';
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
static void show_syscall(struct task *t, struct pbuf *b)
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

/* task_memory - the memory figures status and statm show for t: its
 * address space's, or for a zombie those noted as it exited (false if
 * there are none). */
static bool task_memory(struct task *t, struct task_mem *tm)
{
	if (t->mm) {
		mm_task_mem(t->mm, tm);
		return true;
	}
	if (t->state == TASK_ZOMBIE && t->exit_mem_valid) {
		*tm = t->exit_mem;
		return true;
	}
	return false;
}

/* statm: sizes in pages (procfmt_statm); all 0 without memory. */
static void show_statm(struct task *t, struct pbuf *b)
{
	struct task_mem tm = { 0 };

	if (t->mm)
		mm_task_mem(t->mm, &tm);
	procfmt_statm(b, &tm);
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
	struct task_mem tm;

	status_ids(t, b);
	if (task_memory(t, &tm))
		procfmt_status_mem(b, &tm);
	pbuf_printf(b, "CoreDumping:\t0\nTHP_enabled:\t0\n");
	status_signals(t, b);
	status_rest(t, b);
}

/* region_entry - what the header line of region v of mm shows. */
static struct maps_entry region_entry(const struct mm *mm,
				      const struct vm_area_struct *v)
{
	const struct file *f = v->vm_file;

	return (struct maps_entry){
		.start = v->vm_start,
		.end = v->vm_end,
		.vm_flags = v->vm_flags,
		.offset = f ? v->vm_pgoff * PAGE_SIZE : 0,
		.major = f ? MAJOR(f->inode->dev) : 0,
		.minor = f ? MINOR(f->inode->dev) : 0,
		.ino = f ? f->inode->ino : 0,
		.name = mm_region_name(mm, v),
	};
}

/* show_regions - a maps line per region of t, or with_pages an smaps
 * block: the line, then what its pages are (mm_region_stats). */
static void show_regions(struct task *t, struct pbuf *b, bool with_pages)
{
	struct mm *mm = t->mm;

	if (!mm)
		return;
	for (struct vm_area_struct *v = vma_first(&mm->vmas); v;
	     v = vma_next(&mm->vmas, v)) {
		struct maps_entry e = region_entry(mm, v);
		struct mem_size_stats mss = { 0 };

		if (!with_pages) {
			procfmt_maps_line(b, &e);
			continue;
		}
		mm_region_stats(mm, v, &mss);
		procfmt_smaps(b, &e, &mss);
	}
}

static void show_maps(struct task *t, struct pbuf *b)
{
	show_regions(t, b, false);
}

static void show_smaps(struct task *t, struct pbuf *b)
{
	show_regions(t, b, true);
}

/* smaps_rollup: the sums over all regions, from the first region's start
 * to the last one's end.  An address space with no region at all (every
 * page unmapped) shows the range 0-0 with every sum 0, as Linux's
 * show_smaps_rollup does. */
static void show_smaps_rollup(struct task *t, struct pbuf *b)
{
	struct mm *mm = t->mm;
	struct mem_size_stats mss = { 0 };

	if (!mm)
		return;
	if (!vma_first(&mm->vmas)) {
		procfmt_smaps_rollup(b, 0, 0, &mss);
		return;
	}
	mm_rollup_stats(mm, &mss);
	procfmt_smaps_rollup(b, vma_first(&mm->vmas)->vm_start,
			     vma_last(&mm->vmas)->vm_end, &mss);
}

/* ---- symlinks ---- */

static long copy_link(const char *target, char *buf, size_t size)
{
	size_t n = MIN(strlen(target), size);

	memcpy(buf, target, n);
	return (long)n;
}

static long self_link(struct task *t, int fd, char *buf, size_t size)
{
	char s[16];

	ksnprintf(s, sizeof(s), "%d", current->tgid);
	return copy_link(s, buf, size);
}

/* /proc/thread-self: the calling thread's directory, PID/task/TID. */
static long thread_self_link(struct task *t, int fd, char *buf, size_t size)
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

static long fd_link(struct task *t, int fd, char *buf, size_t size)
{
	struct file *f = fd_get(t->files, fd);
	long n;

	if (!f)
		return -ENOENT;
	n = copy_link(f->path[0] ? f->path : "anon_inode:[unknown]", buf, size);
	file_put(f);
	return n;
}

/* ---- the tables ---- */

static const struct proc_entry root_entries[] = {
	{ "self", LINK_MODE, NULL, self_link, NULL },
	{ "thread-self", LINK_MODE, NULL, thread_self_link, NULL },
	{ "meminfo", FILE_MODE, show_meminfo, NULL, NULL },
	{ "kmem", FILE_MODE, show_kmem, NULL, NULL },
	{ "sysvipc", DIR_MODE, NULL, NULL, NULL }, /* sysvipc_dir_inode */
	{ "vmstat", FILE_MODE, show_vmstat, NULL, NULL },
	{ "zoneinfo", FILE_MODE, show_zoneinfo, NULL, NULL },
	{ "uptime", FILE_MODE, show_uptime, NULL, NULL },
	{ "version", FILE_MODE, show_version, NULL, NULL },
	{ "cpuinfo", FILE_MODE, show_cpuinfo, NULL, NULL },
	{ "mounts", FILE_MODE, show_mounts, NULL, NULL },
	{ "filesystems", FILE_MODE, show_filesystems, NULL, NULL },
	{ "swaps", FILE_MODE, show_swaps, NULL, NULL },
	{ "loadavg", FILE_MODE, show_loadavg, NULL, NULL },
	{ "stat", FILE_MODE, show_kernel_stat, NULL, NULL },
	{ "sys", DIR_MODE, NULL, NULL, NULL }, /* proc_sys.c */
	{ "net", DIR_MODE, NULL, NULL, NULL }, /* net_dir_inode */
};

/*
 * /proc/PID/pagemap: one 64-bit word per virtual page, read at offset
 * 8 * (address / PAGE_SIZE) (Linux's Documentation/admin-guide/mm/
 * pagemap.rst):
 *   bit 63 present, 62 swapped (never here), 61 a file page or shared
 *   anonymous memory (not a private anonymous page, nor the private copy
 *   of a file page), 56 exclusively mapped (page_mapcount() == 1: a file
 *   page mapped by one process is exclusive although the file also holds
 *   it), 55 soft-dirty (not tracked: 0, as on a Linux without
 *   CONFIG_MEM_SOFT_DIRTY), bits 0-54 the frame number.
 * Linux shows frame numbers only to a reader with CAP_SYS_ADMIN, decided
 * when the file is opened; here, to one whose effective uid is 0 at open.
 * Others read 0 there and every other bit as it is.  Offsets and lengths
 * must be multiples of 8, else -EINVAL.
 */
#define PM_PRESENT (1ull << 63)
#define PM_SWAP (1ull << 62)
#define PM_FILE_OR_SHARED (1ull << 61)
#define PM_EXCLUSIVE (1ull << 56)
#define PM_PFN_MASK ((1ull << 55) - 1)
#define PM_ENTRY_BYTES 8
#define PM_SHOW_PFN ((void *)1) /* f->private: the opener was root */

static u64 pagemap_entry(struct mm *mm, u64 va, bool show_pfn)
{
	struct page_info pi;
	u64 pm;

	if (!mm_page_info(mm, va, &pi))
		return 0;
	if (pi.swapped) /* bits 0-4 the area, 5-54 the slot */
		return PM_SWAP | (swp_type(pi.swap) & 0x1f) |
		       ((swp_offset(pi.swap) << 5) & PM_PFN_MASK);
	pm = PM_PRESENT | (show_pfn ? pi.pfn & PM_PFN_MASK : 0);
	if (pi.file_or_shared)
		pm |= PM_FILE_OR_SHARED;
	if (pi.exclusive)
		pm |= PM_EXCLUSIVE;
	return pm;
}

static int pagemap_open(struct inode *inode, struct file *f)
{
	int err = proc_open_check(node_of(inode), -ENOENT);

	f->private = capable(CAP_SYS_ADMIN) ? PM_SHOW_PFN : NULL;
	return err;
}

static long pagemap_read(struct file *f, struct uio *u, u64 *pos)
{
	struct task *t = node_task(node_of(f->inode)); /* gone: 0 bytes */
	bool show_pfn = f->private == PM_SHOW_PFN;
	u64 words[32];
	long done = 0;

	if ((*pos % PM_ENTRY_BYTES) || (u->len % PM_ENTRY_BYTES))
		return -EINVAL;
	if (!t || !t->mm)
		return 0;
	while (u->len) {
		size_t n = MIN(u->len / PM_ENTRY_BYTES, ARRAY_SIZE(words));
		long got;

		for (size_t i = 0; i < n; i++)
			words[i] = pagemap_entry(t->mm,
				(*pos / PM_ENTRY_BYTES + i) << PAGE_SHIFT, show_pfn);
		got = uio_copy_out(u, words, n * PM_ENTRY_BYTES);
		if (got < 0)
			return done ? done : got;
		*pos += (u64)got;
		done += got;
	}
	return done;
}

static const struct file_operations proc_pagemap_fops = {
	.open = pagemap_open,
	.read = pagemap_read,
};

static const struct proc_entry pid_entries[] = {
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
};

static const struct proc_entry *find_in(const struct proc_entry *table,
					size_t n, const char *name, size_t len,
					size_t *index)
{
	for (size_t i = 0; i < n; i++) {
		if (strlen(table[i].name) == len && !memcmp(table[i].name, name, len)) {
			*index = i;
			return &table[i];
		}
	}
	return NULL;
}

/* parse_number - a decimal name ("42") into *v; false if it is not one. */
static bool parse_number(const char *name, size_t len, int *v)
{
	u64 n = 0;

	if (!len || len > 9 || (len > 1 && name[0] == '0'))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return false;
		n = n * 10 + (u64)(name[i] - '0');
	}
	*v = (int)n;
	return true;
}

static bool is_dotdot(const char *name, size_t len)
{
	return len == 2 && name[0] == '.' && name[1] == '.';
}

/* ---- directories ---- */

static int sysvipc_dir_inode(u32 ino, struct inode **res);
static int net_dir_inode(u32 ino, struct inode **res);

static int pid_dir_inode(int pid, struct inode **res)
{
	*res = new_node_inode(pid_ino(pid, 0), DIR_MODE, &proc_pid_iops,
			      &proc_pid_fops, NULL, pid, -1);
	return *res ? 0 : -ENOMEM;
}

static int proc_root_lookup(struct inode *dir, const char *name, size_t len,
			    struct inode **res)
{
	const struct proc_entry *e;
	size_t i;
	int pid;

	if (is_dotdot(name, len)) {
		ihold(vfs_root);
		*res = vfs_root;
		return 0;
	}
	e = find_in(root_entries, ARRAY_SIZE(root_entries), name, len, &i);
	if (e && !strcmp(e->name, "sysvipc"))
		return sysvipc_dir_inode(PROC_TOP_INO + (u32)i, res);
	if (e && !strcmp(e->name, "net"))
		return net_dir_inode(PROC_TOP_INO + (u32)i, res);
	if (e) {
		*res = entry_inode(e, PROC_TOP_INO + (u32)i, 0);
		return *res ? 0 : -ENOMEM;
	}
	if (parse_number(name, len, &pid) && proc_task(pid))
		return pid_dir_inode(pid, res);
	return -ENOENT;
}

static int proc_pid_lookup(struct inode *dir, const char *name, size_t len,
			   struct inode **res)
{
	int pid = node_of(dir)->pid;
	const struct proc_entry *e;
	size_t i;

	if (is_dotdot(name, len)) {
		ihold(proc_root);
		*res = proc_root;
		return 0;
	}
	if (!node_task(node_of(dir)))
		return -ENOENT;
	e = find_in(pid_entries, ARRAY_SIZE(pid_entries), name, len, &i);
	if (!e)
		return -ENOENT;
	*res = entry_inode(e, pid_ino(pid, (u32)i + 1), pid);
	return *res ? 0 : -ENOMEM;
}

static int proc_fd_lookup(struct inode *dir, const char *name, size_t len,
			  struct inode **res)
{
	int pid = node_of(dir)->pid, fd;
	struct task *t = node_task(node_of(dir));
	struct file *f;

	if (is_dotdot(name, len))
		return pid_dir_inode(pid, res);
	if (!t || !parse_number(name, len, &fd) || fd >= NR_OPEN_DEFAULT)
		return -ENOENT;
	f = fd_get(t->files, fd);
	if (!f)
		return -ENOENT;
	file_put(f);
	*res = new_node_inode(pid_ino(pid, PROC_FD_SUB + (u32)fd), S_IFLNK | 0700,
			      &proc_link_iops, NULL, NULL, pid, fd);
	return *res ? 0 : -ENOMEM;
}

/* /proc/PID/task/TID: a thread of the process, shown as /proc/TID is
 * (the files of a thread's directory are the process's but for stat,
 * status and comm, which are the thread's). */
static int proc_task_lookup(struct inode *dir, const char *name, size_t len,
			    struct inode **res)
{
	int pid = node_of(dir)->pid, tid;
	struct task *leader = proc_task(pid), *t;

	if (is_dotdot(name, len))
		return pid_dir_inode(pid, res);
	if (!leader || !parse_number(name, len, &tid))
		return -ENOENT;
	t = proc_task(tid);
	if (!t || t->tgid != leader->tgid)
		return -ENOENT;
	return pid_dir_inode(tid, res);
}

/* emit_entries - the table entries from ctx->pos on (positions from
 * PROC_FIRST_POS); false if the caller's buffer filled. */
static bool emit_entries(struct dir_context *ctx, const struct proc_entry *t,
			 size_t n, u32 (*ino)(int pid, size_t i), int pid)
{
	for (size_t i = ctx->pos - PROC_FIRST_POS; i < n; i++) {
		if (!ctx->emit(ctx, t[i].name, strlen(t[i].name), ino(pid, i),
			       inode_dtype(t[i].mode)))
			return false;
		ctx->pos = PROC_FIRST_POS + i + 1;
	}
	return true;
}

static bool emit_dots(struct dir_context *ctx, u32 self, u32 parent)
{
	if (ctx->pos == 0) {
		if (!ctx->emit(ctx, ".", 1, self, DT_DIR))
			return false;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		if (!ctx->emit(ctx, "..", 2, parent, DT_DIR))
			return false;
		ctx->pos = PROC_FIRST_POS;
	}
	return true;
}

static u32 root_entry_ino(int pid, size_t i)
{
	return PROC_TOP_INO + (u32)i;
}

static u32 pid_entry_ino(int pid, size_t i)
{
	return pid_ino(pid, (u32)i + 1);
}

/* next_pid - the smallest PID >= from of a process (a thread group
 * leader; not the idle task), or 0.  Threads are not listed in /proc, as
 * on Linux, but /proc/TID still opens. */
static int next_pid(int from)
{
	int best = 0;

	for (struct task *t = task_first(); t; t = t->all_next)
		if (t->pid >= from && t->pid > 0 && thread_group_leader(t) &&
		    (!best || t->pid < best))
			best = t->pid;
	return best;
}

static int proc_root_readdir(struct file *f, struct dir_context *ctx)
{
	char name[16];
	int pid;

	if (!emit_dots(ctx, PROC_ROOT_INO, vfs_root->ino))
		return 0;
	if (ctx->pos < PROC_PID_POS) {
		if (!emit_entries(ctx, root_entries, ARRAY_SIZE(root_entries),
				  root_entry_ino, 0))
			return 0;
		ctx->pos = PROC_PID_POS;
	}
	while ((pid = next_pid((int)(ctx->pos - PROC_PID_POS)))) {
		int len = ksnprintf(name, sizeof(name), "%d", pid);

		if (!ctx->emit(ctx, name, (size_t)len, pid_ino(pid, 0), DT_DIR))
			return 0;
		ctx->pos = PROC_PID_POS + (u64)pid + 1;
	}
	return 0;
}

static int proc_pid_readdir(struct file *f, struct dir_context *ctx)
{
	int pid = node_of(f->inode)->pid;

	if (!node_task(node_of(f->inode)))
		return -ENOENT; /* the process is gone (Linux's) */

	if (!emit_dots(ctx, pid_ino(pid, 0), PROC_ROOT_INO))
		return 0;
	emit_entries(ctx, pid_entries, ARRAY_SIZE(pid_entries), pid_entry_ino, pid);
	return 0;
}

/* next_tid - the smallest thread ID >= from of the process leader leads
 * (threads that exited are left out), or 0. */
static int next_tid(struct task *leader, int from)
{
	int best = 0;

	for_each_thread(leader, u)
		if (u->pid >= from && u->state != TASK_ZOMBIE &&
		    (!best || u->pid < best))
			best = u->pid;
	return best;
}

static int proc_task_readdir(struct file *f, struct dir_context *ctx)
{
	int pid = node_of(f->inode)->pid, tid;
	struct task *t = proc_task(pid);
	char name[16];

	if (!emit_dots(ctx, pid_ino(pid, PROC_TASK_DIR_SUB), pid_ino(pid, 0)))
		return 0;
	while (t && (tid = next_tid(t->group_leader,
				    (int)(ctx->pos - PROC_FIRST_POS)))) {
		int len = ksnprintf(name, sizeof(name), "%d", tid);

		if (!ctx->emit(ctx, name, (size_t)len, pid_ino(tid, 0), DT_DIR))
			return 0;
		ctx->pos = PROC_FIRST_POS + (u64)tid + 1;
	}
	return 0;
}

static int proc_fd_readdir(struct file *f, struct dir_context *ctx)
{
	int pid = node_of(f->inode)->pid;
	struct task *t = node_task(node_of(f->inode));
	char name[16];

	if (!emit_dots(ctx, pid_ino(pid, PROC_FD_DIR_SUB), pid_ino(pid, 0)))
		return 0;
	for (u64 fd = ctx->pos - PROC_FIRST_POS;
	     t && t->files && fd < NR_OPEN_DEFAULT; fd++) {
		int len;

		if (!t->files->fd[fd])
			continue;
		len = ksnprintf(name, sizeof(name), "%lu", fd);
		if (!ctx->emit(ctx, name, (size_t)len,
			       pid_ino(pid, PROC_FD_SUB + (u32)fd), DT_LNK))
			return 0;
		ctx->pos = PROC_FIRST_POS + fd + 1;
	}
	return 0;
}

static void proc_evict(struct inode *inode);

/* ---- /proc/sysvipc: the SysV IPC objects (only shared memory here) ---- */

#define PROC_SYSVIPC_INO 0xe0000000u /* + index in sysvipc_entries */

static void show_sysvipc_shm(struct task *t, struct pbuf *b)
{
	shm_proc_show(b);
}

static const struct proc_entry sysvipc_entries[] = {
	{ "shm", FILE_MODE, show_sysvipc_shm, NULL, NULL },
};

static const struct inode_operations proc_sysvipc_iops;
static const struct file_operations proc_sysvipc_fops;

static int sysvipc_dir_inode(u32 ino, struct inode **res)
{
	*res = new_node_inode(ino, DIR_MODE, &proc_sysvipc_iops,
			      &proc_sysvipc_fops, NULL, 0, -1);
	return *res ? 0 : -ENOMEM;
}

static int proc_sysvipc_lookup(struct inode *dir, const char *name,
			       size_t len, struct inode **res)
{
	const struct proc_entry *e;
	size_t i;

	if (is_dotdot(name, len)) {
		ihold(proc_root);
		*res = proc_root;
		return 0;
	}
	e = find_in(sysvipc_entries, ARRAY_SIZE(sysvipc_entries), name, len, &i);
	if (!e)
		return -ENOENT;
	*res = entry_inode(e, PROC_SYSVIPC_INO + (u32)i, 0);
	return *res ? 0 : -ENOMEM;
}

static u32 sysvipc_entry_ino(int pid, size_t i)
{
	return PROC_SYSVIPC_INO + (u32)i;
}

static int proc_sysvipc_readdir(struct file *f, struct dir_context *ctx)
{
	if (!emit_dots(ctx, f->inode->ino, PROC_ROOT_INO))
		return 0;
	emit_entries(ctx, sysvipc_entries, ARRAY_SIZE(sysvipc_entries),
		     sysvipc_entry_ino, 0);
	return 0;
}

static const struct inode_operations proc_sysvipc_iops = {
	.lookup = proc_sysvipc_lookup,
	.evict = proc_evict,
};

static const struct file_operations proc_sysvipc_fops = {
	.readdir = proc_sysvipc_readdir,
};

/* ---- /proc/net: the AF_INET sockets (net/af_inet.c) ---- */

#define PROC_NET_INO 0xe1000000u /* + index in net_entries */

static void show_net_tcp(struct task *t, struct pbuf *b)
{
	inet_proc_show(b, AF_INET, SOCK_STREAM);
}

static void show_net_udp(struct task *t, struct pbuf *b)
{
	inet_proc_show(b, AF_INET, SOCK_DGRAM);
}

static void show_net_tcp6(struct task *t, struct pbuf *b)
{
	inet_proc_show(b, AF_INET6, SOCK_STREAM);
}

static void show_net_udp6(struct task *t, struct pbuf *b)
{
	inet_proc_show(b, AF_INET6, SOCK_DGRAM);
}

static const struct proc_entry net_entries[] = {
	{ "tcp", FILE_MODE, show_net_tcp, NULL, NULL },
	{ "udp", FILE_MODE, show_net_udp, NULL, NULL },
	{ "tcp6", FILE_MODE, show_net_tcp6, NULL, NULL },
	{ "udp6", FILE_MODE, show_net_udp6, NULL, NULL },
};

static const struct inode_operations proc_net_iops;
static const struct file_operations proc_net_fops;

static int net_dir_inode(u32 ino, struct inode **res)
{
	*res = new_node_inode(ino, DIR_MODE, &proc_net_iops, &proc_net_fops,
			      NULL, 0, -1);
	return *res ? 0 : -ENOMEM;
}

static int proc_net_lookup(struct inode *dir, const char *name, size_t len,
			   struct inode **res)
{
	const struct proc_entry *e;
	size_t i;

	if (is_dotdot(name, len)) {
		ihold(proc_root);
		*res = proc_root;
		return 0;
	}
	e = find_in(net_entries, ARRAY_SIZE(net_entries), name, len, &i);
	if (!e)
		return -ENOENT;
	*res = entry_inode(e, PROC_NET_INO + (u32)i, 0);
	return *res ? 0 : -ENOMEM;
}

static u32 net_entry_ino(int pid, size_t i)
{
	return PROC_NET_INO + (u32)i;
}

static int proc_net_readdir(struct file *f, struct dir_context *ctx)
{
	if (!emit_dots(ctx, f->inode->ino, PROC_ROOT_INO))
		return 0;
	emit_entries(ctx, net_entries, ARRAY_SIZE(net_entries), net_entry_ino, 0);
	return 0;
}

static const struct inode_operations proc_net_iops = {
	.lookup = proc_net_lookup,
	.evict = proc_evict,
};

static const struct file_operations proc_net_fops = {
	.readdir = proc_net_readdir,
};

/* ---- files and links ---- */

static long proc_readlink(struct inode *inode, char *buf, size_t size)
{
	struct proc_node *n = node_of(inode);
	struct task *t = n->pid ? node_task(n) : current;

	if (!t)
		return -ENOENT;
	if (!n->entry) /* an fd link: ptrace's rule, as exe and cwd */
		return proc_may_read(t) ? -EACCES : fd_link(t, n->fd, buf, size);
	if (ptrace_read(n->entry) && proc_may_read(t))
		return -EACCES;
	return n->entry->link(t, n->fd, buf, size);
}

/* generate - the text of node n into b (allocated here; kfree b->buf).
 * A text that did not fit is made again in a buffer of the size it
 * turned out to need (one byte more: kvsnprintf ends with a NUL). */
static int generate(const struct proc_node *n, struct pbuf *b)
{
	struct task *t = n->pid ? node_task(n) : NULL;
	size_t size = PROC_BUF_INITIAL;

	if (n->pid && !t)
		return -ESRCH;
	for (;;) {
		b->buf = kmalloc(size);
		if (!b->buf)
			return -ENOMEM;
		b->size = size;
		b->len = 0;
		n->entry->show(t, b);
		if (b->len < size)
			return 0;
		kfree(b->buf);
		size = ALIGN_UP(b->len + 1, (size_t)PROC_BUF_INITIAL);
	}
}

/* An open /proc file: its text, and whether it was read since made. */
struct proc_text {
	struct pbuf b;
	bool read;
};

static int proc_file_open(struct inode *inode, struct file *f)
{
	struct proc_text *pt = kzalloc(sizeof(*pt));
	int err;

	if (!pt)
		return -ENOMEM;
	err = proc_open_check(node_of(inode), -ENOENT);
	if (!err)
		err = generate(node_of(inode), &pt->b);
	if (err) {
		kfree(pt);
		return err;
	}
	f->private = pt;
	return 0;
}

/* A read at offset 0 after an earlier read makes the text anew, as
 * Linux's seq_file does: a program that polls /proc/uptime with
 * pread(fd, buf, n, 0) sees it change. */
static int proc_file_refresh(struct file *f, struct proc_text *pt)
{
	struct pbuf fresh;
	int err = generate(node_of(f->inode), &fresh);

	if (err)
		return err;
	kfree(pt->b.buf);
	pt->b = fresh;
	return 0;
}

static long proc_file_read(struct file *f, struct uio *u, u64 *pos)
{
	struct proc_text *pt = f->private;
	struct pbuf *b = &pt->b;
	long n;

	/* /proc/PID/syscall is made at every read, the first too: it shows
	 * the read that reads it, as on Linux. */
	if (*pos == 0 && (pt->read || node_of(f->inode)->entry->show == show_syscall)) {
		int err = proc_file_refresh(f, pt);

		if (err)
			return err;
	}
	pt->read = true;
	if (*pos >= b->len)
		return 0;
	n = uio_copy_out(u, b->buf + *pos, b->len - *pos);
	if (n > 0)
		*pos += (u64)n;
	return n;
}

static void proc_file_release(struct file *f)
{
	struct proc_text *pt = f->private;

	kfree(pt->b.buf);
	kfree(pt);
}

static void proc_evict(struct inode *inode)
{
	kfree(inode->private);
}

struct inode *procfs_create_root(void)
{
	struct inode *root;

	if (proc_root) { /* another mount: its own root, the same files */
		root = inode_alloc(PROCFS_DEV, PROC_ROOT_INO, DIR_MODE,
				   &proc_root_iops, &proc_root_fops);
		if (root)
			root->nlink = 2;
		return root;
	}
	proc_root = inode_alloc(PROCFS_DEV, PROC_ROOT_INO, DIR_MODE,
				&proc_root_iops, &proc_root_fops);
	if (proc_root) {
		proc_root->nlink = 2;
		ihold(proc_root); /* ours: kept for ".." and the next mount */
	}
	return proc_root;
}

static const struct inode_operations proc_root_iops = {
	.lookup = proc_root_lookup,
};

static const struct inode_operations proc_pid_iops = {
	.lookup = proc_pid_lookup,
	.evict = proc_evict,
};

static const struct inode_operations proc_fd_iops = {
	.lookup = proc_fd_lookup,
	.evict = proc_evict,
};

static const struct inode_operations proc_task_iops = {
	.lookup = proc_task_lookup,
	.evict = proc_evict,
};

static const struct inode_operations proc_link_iops = {
	.readlink = proc_readlink,
	.evict = proc_evict,
};

static const struct inode_operations proc_file_iops = {
	.evict = proc_evict,
};

static const struct file_operations proc_root_fops = {
	.readdir = proc_root_readdir,
};

static const struct file_operations proc_pid_fops = {
	.readdir = proc_pid_readdir,
};

static const struct file_operations proc_fd_fops = {
	.readdir = proc_fd_readdir,
};

static const struct file_operations proc_task_fops = {
	.readdir = proc_task_readdir,
};

static const struct file_operations proc_file_fops = {
	.open = proc_file_open,
	.read = proc_file_read,
	.release = proc_file_release,
};
