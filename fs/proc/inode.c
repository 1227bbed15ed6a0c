/*
 * fs/proc/inode.c - the machinery of /proc: a node per name and its
 * inode, who may open what, lookup and readdir of the directories, the
 * generated files (made at open, copied out by read) and the symlinks.
 * The files themselves are root.c's, base.c's and task_mmu.c's; what
 * /proc holds: internal.h.
 */
#include "kernel/capability.h"
#include <vmos/errno.h>
#include "fs/proc/internal.h"
#include <vmos/format.h>
#include <vmos/string.h>
#include "mm/kmalloc.h"

#define PROC_BUF_INITIAL 4096   /* text buffer; doubled until it fits */

static struct inode *proc_root;
static const struct inode_operations proc_root_iops, proc_pid_iops,
	proc_fd_iops, proc_task_iops, proc_link_iops, proc_file_iops;
static const struct file_operations proc_root_fops, proc_pid_fops,
	proc_fd_fops, proc_task_fops, proc_file_fops;

/* ---- nodes ---- */

/* proc_task - the live (or zombie) task with this PID, or NULL. */
struct task *proc_task(int pid)
{
	return pid > 0 ? task_find(pid) : NULL;
}

/* node_task - the task node n was made for, or NULL once it is reaped
 * (also when another task has its PID now: Linux's struct pid). */
struct task *node_task(const struct proc_node *n)
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
int proc_may_read(const struct task *t)
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
		"syscall", "pagetable" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(e->name, names[i]))
			return true;
	return false;
}

/* proc_open_check - the task of a PID file's node that the caller may
 * open: -ENOENT once it is gone (-ESRCH for reads: Linux's), -EACCES. */
int proc_open_check(const struct proc_node *n, int gone)
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
struct inode *new_node_inode(u32 ino, u32 mode,
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
	*n = (struct proc_node){ .entry = entry, .pid = pid, .fd = fd };
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


/* entry_inode - the inode of a table entry (of PID pid, or the top). */
static struct inode *entry_inode(const struct proc_entry *e, u32 ino, int pid)
{
	if (S_ISLNK(e->mode))
		return new_node_inode(ino, e->mode, &proc_link_iops, NULL, e, pid, -1);
	if (S_ISDIR(e->mode) && !pid) { /* /proc/sys: its own tree */
		struct inode *sys;

		return proc_sys_root(proc_root, &sys) ? NULL : sys;
	}
	if (S_ISDIR(e->mode) && !strcmp(e->name, "map_files"))
		return map_files_dir(e, pid);
	if (S_ISDIR(e->mode) && !strcmp(e->name, "task"))
		return new_node_inode(pid_ino(pid, PROC_TASK_DIR_SUB), e->mode,
				      &proc_task_iops, &proc_task_fops, e, pid, -1);
	if (S_ISDIR(e->mode)) /* the PID table's other directory: fd */
		return new_node_inode(pid_ino(pid, PROC_FD_DIR_SUB), e->mode,
				      &proc_fd_iops, &proc_fd_fops, e, pid, -1);
	return new_node_inode(ino, e->mode, &proc_file_iops,
			      e->fops ? e->fops : &proc_file_fops, e, pid, -1);
}

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

bool is_dotdot(const char *name, size_t len)
{
	return len == 2 && name[0] == '.' && name[1] == '.';
}

/* ---- directories ---- */

static int sysvipc_dir_inode(u32 ino, struct inode **res);
static int net_dir_inode(u32 ino, struct inode **res);

int pid_dir_inode(int pid, struct inode **res)
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
	e = find_in(root_entries, nr_root_entries, name, len, &i);
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

/* is_task_entry - the "task" directory, which a thread's directory lacks. */
static bool is_task_entry(const struct proc_entry *e)
{
	return S_ISDIR(e->mode) && !strcmp(e->name, "task");
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
	e = find_in(pid_entries, nr_pid_entries, name, len, &i);
	if (!e || (node_of(dir)->tid_dir && is_task_entry(e)))
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
	/* A thread's directory: /proc/TID's files, but no "task" of its own
	 * (Linux's tid_base_stuff), so a walk of /proc ends. */
	*res = new_node_inode(pid_ino(tid, PROC_TID_DIR_SUB), DIR_MODE, &proc_pid_iops,
			      &proc_pid_fops, NULL, tid, -1);
	if (!*res)
		return -ENOMEM;
	node_of(*res)->tid_dir = true;
	return 0;
}

/* emit_entries - the table entries from ctx->pos on (positions from
 * PROC_FIRST_POS), but skip; false if the caller's buffer filled. */
static bool emit_entries(struct dir_context *ctx, const struct proc_entry *t,
			 size_t n, u32 (*ino)(int pid, size_t i), int pid,
			 bool (*skip)(const struct proc_entry *e))
{
	for (size_t i = ctx->pos - PROC_FIRST_POS; i < n; i++) {
		if ((!skip || !skip(&t[i])) &&
		    !ctx->emit(ctx, t[i].name, strlen(t[i].name), ino(pid, i),
			       inode_dtype(t[i].mode)))
			return false;
		ctx->pos = PROC_FIRST_POS + i + 1;
	}
	return true;
}

bool emit_dots(struct dir_context *ctx, u32 self, u32 parent)
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
		if (!emit_entries(ctx, root_entries, nr_root_entries,
				  root_entry_ino, 0, NULL))
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
	emit_entries(ctx, pid_entries, nr_pid_entries, pid_entry_ino, pid,
		     node_of(f->inode)->tid_dir ? is_task_entry : NULL);
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

/* ---- /proc/sysvipc and /proc/net (their files: root.c) ---- */

#define PROC_SYSVIPC_INO 0xe0000000u /* + index in sysvipc_entries */
#define PROC_NET_INO 0xe1000000u /* + index in net_entries */

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
	e = find_in(sysvipc_entries, nr_sysvipc_entries, name, len, &i);
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
	emit_entries(ctx, sysvipc_entries, nr_sysvipc_entries,
		     sysvipc_entry_ino, 0, NULL);
	return 0;
}

static const struct inode_operations proc_sysvipc_iops = {
	.lookup = proc_sysvipc_lookup,
	.evict = proc_evict,
};

static const struct file_operations proc_sysvipc_fops = {
	.readdir = proc_sysvipc_readdir,
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
	e = find_in(net_entries, nr_net_entries, name, len, &i);
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
	emit_entries(ctx, net_entries, nr_net_entries, net_entry_ino, 0, NULL);
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

void proc_evict(struct inode *inode)
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
