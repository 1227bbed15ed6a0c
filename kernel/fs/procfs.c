/*
 * kernel/fs/procfs.c - /proc: files whose contents the kernel writes when
 * they are opened.
 *
 *   /proc/self            symlink to the caller's PID directory
 *   /proc/meminfo stat uptime loadavg version cpuinfo mounts filesystems
 *   /proc/kmem (vmos: frame and kmalloc counters for leak checks)
 *   /proc/PID/            one directory per task (not the idle task, PID 0)
 *      cmdline comm stat statm status maps   generated text
 *      exe cwd                               symlinks (program, directory)
 *      fd/N                                  symlink to each open file's name
 *
 * Nothing is stored: a lookup makes a fresh inode for the name (freed at
 * its last iput) and its inode number is computed from what it shows, so
 * it is the same every time.  A file's text is generated once, at open,
 * into a buffer the reads then copy from; ps and cat see one consistent
 * snapshot.  Formats follow Linux's fs/proc, as busybox ps, top, free and
 * df parse them.
 */
#include <stdarg.h>
#include "kernel/errno.h"
#include "kernel/fs/internal.h"
#include "kernel/rlimit.h"
#include "kernel/task.h"
#include "kernel/version.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/fault.h"
#include "mm/pagetable.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include <asm/arch.h>

#define PROC_ROOT_INO 1
#define PROC_TOP_INO 2          /* + index in root_entries */
#define PROC_PID_INO_SHIFT 16   /* a PID's inodes: (pid + 1) << 16 | what */
#define PROC_FD_DIR_SUB 0x80    /* what: the fd directory */
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
#define KB_PER_PAGE (PAGE_SIZE / 1024)
#define DIR_MODE (S_IFDIR | 0555)
#define FILE_MODE (S_IFREG | 0444)
#define LINK_MODE (S_IFLNK | 0777)

/* ---- the text buffer ---- */

struct pbuf {
	char *buf;
	size_t size, len; /* len may pass size: then the text did not fit */
};

static __printf(2, 3) void pbuf_printf(struct pbuf *b, const char *fmt, ...)
{
	size_t room = b->len < b->size ? b->size - b->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(room ? b->buf + b->len : NULL, room, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* pbuf_reserve - room for n raw bytes at the end, or NULL if they do not
 * fit (the length still counts them, so the next try is big enough). */
static char *pbuf_reserve(struct pbuf *b, size_t n)
{
	char *p = b->len + n <= b->size ? b->buf + b->len : NULL;

	b->len += n;
	return p;
}

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
};

static struct inode *proc_root;
static const struct inode_operations proc_root_iops, proc_pid_iops,
	proc_fd_iops, proc_link_iops, proc_file_iops;
static const struct file_operations proc_root_fops, proc_pid_fops,
	proc_fd_fops, proc_file_fops;

static struct proc_node *node_of(struct inode *inode)
{
	return inode->private;
}

/* proc_task - the live (or zombie) task with this PID, or NULL. */
static struct task *proc_task(int pid)
{
	return pid > 0 ? task_find(pid) : NULL;
}

/* new_node_inode - a procfs inode with its node. */
static struct inode *new_node_inode(u32 ino, u32 mode,
				    const struct inode_operations *iops,
				    const struct file_operations *fops,
				    const struct proc_entry *entry, int pid, int fd)
{
	struct proc_node *n = kmalloc(sizeof(*n));
	struct inode *inode;

	if (!n)
		return NULL;
	inode = inode_alloc(PROCFS_DEV, ino, mode, iops, fops);
	if (!inode) {
		kfree(n);
		return NULL;
	}
	*n = (struct proc_node){ entry, pid, fd };
	inode->private = n;
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
	if (S_ISDIR(e->mode)) /* the only table directory: fd */
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

/*
 * /proc/kmem: the kernel's own memory accounting, for leak checks.  Free
 * frames alone move with slab fragmentation (which processes ran in which
 * order); what must come back exactly after a test is the frames in use
 * outside kmalloc's slabs and the number of live kmalloc objects.
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
	pbuf_printf(b, "kmalloc_objects %lu\n", objects);
}

/* /proc/vmstat: Linux's "name value" counters; the ones that exist here. */
static void show_vmstat(struct task *t, struct pbuf *b)
{
	(void)t;
	pbuf_printf(b, "nr_free_pages %lu\n", frames_free_count());
	pbuf_printf(b, "pgfault %lu\n", vm_faults_total);
	pbuf_printf(b, "pgmajfault %lu\n", 0ul); /* no swap, no disk: none */
}

static void show_meminfo(struct task *t, struct pbuf *b)
{
	struct kmalloc_stats ks;
	u64 total = frames_managed_count() * KB_PER_PAGE;
	u64 free = frames_free_count() * KB_PER_PAGE;
	u64 files = ramfs_pages() * KB_PER_PAGE;
	u64 slab;
	const struct { const char *name; u64 kb; } *l, lines[] = {
		{ "MemTotal:", total },
		{ "MemFree:", free },
		{ "MemAvailable:", free },
		{ "Buffers:", 0 },
		{ "Cached:", files }, /* the root file system lives in memory */
		{ "SwapCached:", 0 },
		{ "Active:", 0 },
		{ "Inactive:", 0 },
		{ "SwapTotal:", 0 },
		{ "SwapFree:", 0 },
		{ "Dirty:", 0 },
		{ "Writeback:", 0 },
		{ "AnonPages:", 0 },
		{ "Mapped:", 0 },
		{ "Shmem:", files },
		{ "Slab:", 0 },
		{ "SReclaimable:", 0 },
		{ "SUnreclaim:", 0 },
		{ "CommitLimit:", total },
		{ "Committed_AS:", total - free },
	};

	kmalloc_get_stats(&ks);
	slab = (ks.slab_pages + ks.large_pages) * KB_PER_PAGE;
	for (l = lines; l < lines + ARRAY_SIZE(lines); l++) {
		u64 kb = l->kb;

		if (!strcmp(l->name, "Slab:") || !strcmp(l->name, "SUnreclaim:"))
			kb = slab;
		pbuf_printf(b, "%-16s%8lu kB\n", l->name, kb);
	}
}

/* busy_ns - CPU time every task has used: what is not idle. */
static u64 busy_ns(void)
{
	u64 ns = 0;

	for (struct task *t = task_first(); t; t = t->all_next)
		ns += t->ru.utime_ns + t->ru.stime_ns + t->ru_children.utime_ns +
		      t->ru_children.stime_ns;
	return ns;
}

static void show_uptime(struct task *t, struct pbuf *b)
{
	u64 up = arch_clock_ns(), busy = busy_ns();
	u64 idle = up > busy ? up - busy : 0;

	pbuf_printf(b, "%lu.%02lu %lu.%02lu\n", up / NSEC_PER_SEC,
		    up % NSEC_PER_SEC / NSEC_PER_CENTISEC, idle / NSEC_PER_SEC,
		    idle % NSEC_PER_SEC / NSEC_PER_CENTISEC);
}

/* stat: CPU time in USER_HZ ticks (one CPU), counters, boot time. */
static void show_kernel_stat(struct task *t, struct pbuf *b)
{
	u64 user = 0, system = 0, switches = 0, up = arch_clock_ns(), idle;
	unsigned running = sched_nr_running(), last = 0;

	for (struct task *p = task_first(); p; p = p->all_next) {
		user += p->ru.utime_ns + p->ru_children.utime_ns;
		system += p->ru.stime_ns + p->ru_children.stime_ns;
		switches += p->ru.nvcsw + p->ru.nivcsw;
		last = (unsigned)MAX((int)last, p->pid);
	}
	idle = up > user + system ? up - user - system : 0;
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

static void show_mounts(struct task *t, struct pbuf *b)
{
	/* Linux calls an initramfs root "rootfs", which df hides; ours is
	 * named for what it is, so df shows it. */
	pbuf_printf(b, "ramfs / ramfs rw 0 0\n"
		    "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n");
}

static void show_filesystems(struct task *t, struct pbuf *b)
{
	pbuf_printf(b, "nodev\tramfs\nnodev\tproc\nnodev\tpipefs\n");
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
	}
	return "? (unknown)";
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

/* Linux's 52 fields (fs/proc/array.c, do_task_stat); 0 for unknown ones. */
static void show_stat(struct task *t, struct pbuf *b)
{
	struct mm *mm = t->mm;
	const struct mm zero = { 0 };
	const struct mm *m = mm ? mm : &zero;
	u64 ignored = 0, caught = 0;
	u32 tty_nr;
	int tpgid;

	for (int s = 0; s < NSIG; s++) {
		if (t->sig.action[s].handler == SIG_IGN)
			ignored |= 1ull << s;
		else if (t->sig.action[s].handler != SIG_DFL)
			caught |= 1ull << s;
	}
	tty_of_session(t->sid, &tty_nr, &tpgid);
	pbuf_printf(b, "%d (%s) %c %d %d %d %u %d 0 %lu 0 %lu 0 %lu %lu %lu %lu "
		    "%d 0 1 0 %lu %lu %lu %lu ", t->pid, t->comm, state_char(t),
		    t->parent ? t->parent->tgid : 0, t->pgid, t->sid, tty_nr,
		    tpgid, t->ru.minflt, t->ru.majflt, ticks(t->ru.utime_ns),
		    ticks(t->ru.stime_ns), ticks(t->ru_children.utime_ns),
		    ticks(t->ru_children.stime_ns), TASK_NICE_PRIORITY,
		    ticks(t->start_ns), m->total_vm * PAGE_SIZE, m->rss,
		    t->rlimits[RLIMIT_RSS][0]);
	pbuf_printf(b, "%lu %lu %lu 0 0 %lu %lu %lu %lu 0 0 0 %d 0 0 0 0 0 0 "
		    "%lu %lu %lu %lu %lu %lu %lu %d\n", m->start_code,
		    m->end_code, m->start_stack, t->sig.pending, t->sig.blocked,
		    ignored, caught, EXIT_SIGNAL_SIGCHLD, m->start_data,
		    m->end_data, m->start_brk, m->arg_start, m->arg_end,
		    m->env_start, m->env_end,
		    t->state == TASK_ZOMBIE ? t->exit_status : 0);
}

/* statm: sizes in pages: total, resident, shared, text, lib, data, dirty. */
static void show_statm(struct task *t, struct pbuf *b)
{
	struct mm *mm = t->mm;
	u64 text = mm ? (ALIGN_UP(mm->end_code, PAGE_SIZE) -
			 ALIGN_DOWN(mm->start_code, PAGE_SIZE)) / PAGE_SIZE : 0;

	pbuf_printf(b, "%lu %lu 0 %lu 0 %lu 0\n", mm ? mm->total_vm : 0,
		    mm ? mm->rss : 0, text, mm ? mm->total_vm - text : 0);
}

static void show_status(struct task *t, struct pbuf *b)
{
	struct mm *mm = t->mm;
	u64 ignored = 0, caught = 0;

	for (int s = 0; s < NSIG; s++) {
		if (t->sig.action[s].handler == SIG_IGN)
			ignored |= 1ull << s;
		else if (t->sig.action[s].handler != SIG_DFL)
			caught |= 1ull << s;
	}
	pbuf_printf(b, "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\n"
		    "Pid:\t%d\nPPid:\t%d\nTracerPid:\t0\nUid:\t0\t0\t0\t0\n"
		    "Gid:\t0\t0\t0\t0\nFDSize:\t%d\nGroups:\t\n", t->comm,
		    t->fs ? t->fs->umask : 0, state_name(t), t->tgid, t->pid,
		    t->parent ? t->parent->tgid : 0, NR_OPEN_DEFAULT);
	if (mm) {
		u64 locked = 0;

		for (struct vm_area_struct *v = vma_first(&mm->vmas); v;
		     v = vma_next(&mm->vmas, v))
			if (v->vm_flags & VM_LOCKED)
				locked += vma_pages(v);
		pbuf_printf(b, "VmPeak:\t%8lu kB\nVmSize:\t%8lu kB\nVmLck:\t%8lu kB\n"
			    "VmHWM:\t%8lu kB\nVmRSS:\t%8lu kB\n",
			    mm->hiwater_vm * KB_PER_PAGE, mm->total_vm * KB_PER_PAGE,
			    locked * KB_PER_PAGE, mm->hiwater_rss * KB_PER_PAGE,
			    mm->rss * KB_PER_PAGE);
	}
	pbuf_printf(b, "Threads:\t%d\nSigPnd:\t%016lx\nShdPnd:\t%016lx\n"
		    "SigBlk:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\n",
		    MAX(t->group_leader ? t->group_leader->group_live : 1, 1),
		    t->sig.pending, 0ul, t->sig.blocked, ignored, caught);
}

#define MAPS_NAME_COLUMN 73 /* Linux pads the fields to this width */

/* maps: "start-end perms offset major:minor inode   name", as Linux. */
static void show_maps(struct task *t, struct pbuf *b)
{
	struct mm *mm = t->mm;

	if (!mm)
		return;
	for (struct vm_area_struct *v = vma_first(&mm->vmas); v;
	     v = vma_next(&mm->vmas, v)) {
		const struct file *f = v->vm_file;
		const char *name = mm_region_name(mm, v);
		size_t start = b->len;

		pbuf_printf(b, "%08lx-%08lx %c%c%c%c %08lx %02x:%02x %u ",
			    v->vm_start, v->vm_end,
			    (v->vm_flags & VM_READ) ? 'r' : '-',
			    (v->vm_flags & VM_WRITE) ? 'w' : '-',
			    (v->vm_flags & VM_EXEC) ? 'x' : '-',
			    (v->vm_flags & VM_SHARED) ? 's' : 'p',
			    f ? v->vm_pgoff * PAGE_SIZE : 0,
			    f ? MAJOR(f->inode->dev) : 0,
			    f ? MINOR(f->inode->dev) : 0, f ? f->inode->ino : 0);
		if (name[0])
			pbuf_printf(b, "%*s%s", (int)(MAPS_NAME_COLUMN -
				    MIN(b->len - start, (size_t)MAPS_NAME_COLUMN)),
				    "", name);
		pbuf_printf(b, "\n");
	}
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
	{ "meminfo", FILE_MODE, show_meminfo, NULL, NULL },
	{ "kmem", FILE_MODE, show_kmem, NULL, NULL },
	{ "vmstat", FILE_MODE, show_vmstat, NULL, NULL },
	{ "uptime", FILE_MODE, show_uptime, NULL, NULL },
	{ "version", FILE_MODE, show_version, NULL, NULL },
	{ "cpuinfo", FILE_MODE, show_cpuinfo, NULL, NULL },
	{ "mounts", FILE_MODE, show_mounts, NULL, NULL },
	{ "filesystems", FILE_MODE, show_filesystems, NULL, NULL },
	{ "loadavg", FILE_MODE, show_loadavg, NULL, NULL },
	{ "stat", FILE_MODE, show_kernel_stat, NULL, NULL },
};

/*
 * /proc/PID/pagemap: one 64-bit word per virtual page, read at offset
 * 8 * (address / PAGE_SIZE) (Linux's Documentation/admin-guide/mm/
 * pagemap.rst):
 *   bit 63 present, 62 swapped (never here), 61 a file page or shared
 *   anonymous, 56 exclusively mapped (one mapping has the frame), 55
 *   soft-dirty (not tracked: 0), bits 0-54 the frame number.
 * Linux shows frame numbers only to privileged readers (CAP_SYS_ADMIN);
 * here every process is root, so every reader sees them.  Offsets and
 * lengths must be multiples of 8, else -EINVAL.
 */
#define PM_PRESENT (1ull << 63)
#define PM_FILE_OR_SHARED (1ull << 61)
#define PM_EXCLUSIVE (1ull << 56)
#define PM_PFN_MASK ((1ull << 55) - 1)
#define PM_ENTRY_BYTES 8

static u64 pagemap_entry(struct mm *mm, u64 va)
{
	struct vm_area_struct *v;
	pte_t *e;
	u64 pm, pfn;

	if (va >= USER_SPACE_END || !(v = vma_lookup(&mm->vmas, va)))
		return 0;
	e = pt_walk(mm->pgd, va, false);
	if (!e || !pte_has_frame(*e)) /* PROT_NONE pages count as present */
		return 0;
	pfn = pte_addr(*e) >> PAGE_SHIFT;
	pm = PM_PRESENT | (pfn & PM_PFN_MASK);
	if (v->vm_file || (v->vm_flags & VM_SHARED))
		pm |= PM_FILE_OR_SHARED;
	if (phys_to_page(pte_addr(*e))->refcount == 1)
		pm |= PM_EXCLUSIVE;
	return pm;
}

static long pagemap_read(struct file *f, struct uio *u, u64 *pos)
{
	struct task *t = task_find(node_of(f->inode)->pid);
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
				(*pos / PM_ENTRY_BYTES + i) << PAGE_SHIFT);
		got = uio_copy_out(u, words, n * PM_ENTRY_BYTES);
		if (got < 0)
			return done ? done : got;
		*pos += (u64)got;
		done += got;
	}
	return done;
}

static const struct file_operations proc_pagemap_fops = {
	.read = pagemap_read,
};

static const struct proc_entry pid_entries[] = {
	{ "cmdline", FILE_MODE, show_cmdline, NULL, NULL },
	{ "comm", FILE_MODE, show_comm, NULL, NULL },
	{ "stat", FILE_MODE, show_stat, NULL, NULL },
	{ "statm", FILE_MODE, show_statm, NULL, NULL },
	{ "status", FILE_MODE, show_status, NULL, NULL },
	{ "maps", FILE_MODE, show_maps, NULL, NULL },
	{ "pagemap", S_IFREG | 0400, NULL, NULL, &proc_pagemap_fops },
	{ "exe", LINK_MODE, NULL, exe_link, NULL },
	{ "cwd", LINK_MODE, NULL, cwd_link, NULL },
	{ "fd", S_IFDIR | 0500, NULL, NULL, NULL },
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
	if (!proc_task(pid))
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
	struct task *t = proc_task(pid);
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

	if (!emit_dots(ctx, pid_ino(pid, 0), PROC_ROOT_INO))
		return 0;
	emit_entries(ctx, pid_entries, ARRAY_SIZE(pid_entries), pid_entry_ino, pid);
	return 0;
}

static int proc_fd_readdir(struct file *f, struct dir_context *ctx)
{
	int pid = node_of(f->inode)->pid;
	struct task *t = proc_task(pid);
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

/* ---- files and links ---- */

static long proc_readlink(struct inode *inode, char *buf, size_t size)
{
	struct proc_node *n = node_of(inode);
	struct task *t = n->pid ? proc_task(n->pid) : current;

	if (!t)
		return -ENOENT;
	if (!n->entry) /* an fd link */
		return fd_link(t, n->fd, buf, size);
	return n->entry->link(t, n->fd, buf, size);
}

/* generate - the text of node n into b (allocated here; kfree b->buf).
 * A text that did not fit is made again in a buffer of the size it
 * turned out to need (one byte more: kvsnprintf ends with a NUL). */
static int generate(const struct proc_node *n, struct pbuf *b)
{
	struct task *t = n->pid ? proc_task(n->pid) : NULL;
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

static int proc_file_open(struct inode *inode, struct file *f)
{
	struct pbuf *b = kmalloc(sizeof(*b));
	int err;

	if (!b)
		return -ENOMEM;
	err = generate(node_of(inode), b);
	if (err) {
		kfree(b);
		return err;
	}
	f->private = b;
	return 0;
}

static long proc_file_read(struct file *f, struct uio *u, u64 *pos)
{
	struct pbuf *b = f->private;
	long n;

	if (*pos >= b->len)
		return 0;
	n = uio_copy_out(u, b->buf + *pos, b->len - *pos);
	if (n > 0)
		*pos += (u64)n;
	return n;
}

static void proc_file_release(struct file *f)
{
	struct pbuf *b = f->private;

	kfree(b->buf);
	kfree(b);
}

static void proc_evict(struct inode *inode)
{
	kfree(inode->private);
}

struct inode *procfs_create_root(void)
{
	proc_root = inode_alloc(PROCFS_DEV, PROC_ROOT_INO, DIR_MODE,
				&proc_root_iops, &proc_root_fops);
	if (proc_root) {
		proc_root->nlink = 2;
		ihold(proc_root); /* ours, for "..": /proc is never unmounted */
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

static const struct file_operations proc_file_fops = {
	.open = proc_file_open,
	.read = proc_file_read,
	.release = proc_file_release,
};
