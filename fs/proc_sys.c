/*
 * fs/proc_sys.c - /proc/sys: the kernel's tunables, one number (or
 * a line of text) per file, as Linux's sysctl files.
 *
 *   /proc/sys/vm/        mmap_min_addr overcommit_memory max_map_count
 *                        swappiness unprivileged_userfaultfd
 *   /proc/sys/kernel/    randomize_va_space pid_max tainted core_pattern
 *                        ns_last_pid printk_ratelimit printk_ratelimit_burst
 *                        shm_rmid_forced (ipc/shm.c)
 *   /proc/sys/fs/        pipe-max-size pipe-user-pages-hard
 *                        pipe-user-pages-soft
 *   /proc/sys/net/ipv4/  ip_local_port_range (two numbers: the ports
 *                        AF_INET's implicit binds take, net)
 *   /proc/sys/fs/mqueue/ msg_default msg_max msgsize_default msgsize_max
 *                        queues_max (ipc/mqueue.c)
 *   and in /proc/sys/kernel/ core_uses_pid (kernel/coredump.c), printk
 *                        (four numbers: the console's log level first,
 *                        kernel/printk.c)
 *
 * Reading gives the value and a newline; writing (root only: the files
 * are 0644 and root's) parses a decimal number, with surrounding blanks,
 * and checks its range as Linux does (EINVAL outside it).  What a value
 * changes here: randomize_va_space 0 turns address-space randomization
 * off for the next execve (1 and 2 on), core_pattern and core_uses_pid
 * name core files (kernel/coredump.c), unprivileged_userfaultfd 1 lets
 * any user's userfaultfd handle kernel faults (mm/userfaultfd.c), pipe-max-size is F_SETPIPE_SZ's
 * limit for users other than root.  overcommit_memory, swappiness,
 * and tainted are kept and shown but steer nothing (vmos never
 * overcommits and reclaims by its own rule);
 * mmap_min_addr, max_map_count and pid_max are fixed here: a write of any
 * other value is EINVAL.
 *
 * The tree is a table; each directory and file is an inode made at
 * lookup, its table index in inode->private (nothing to free).
 */
#include <vmos/errno.h>
#include "fs/internal.h"
#include "fs/procfmt.h"
#include "net/net.h"
#include "ipc/mqueue.h"
#include "ipc/shm.h"
#include <vmos/printk.h>
#include "kernel/coredump.h"
#include "kernel/task.h"
#include <vmos/format.h>
#include <vmos/string.h>
#include "mm/aslr.h"
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include "mm/userfaultfd.h"

#define SYS_INO_BASE 0xf0000000u /* beyond every PID's inode numbers */
#define SYS_DIR_MODE (S_IFDIR | 0555)
#define SYS_FILE_MODE (S_IFREG | 0644)
#define SYS_TEXT_MAX CORENAME_MAX_SIZE /* core_pattern's longest */
#define ROOT_NODE 0               /* /proc/sys itself */

static u64 overcommit_memory;     /* 0: heuristic, Linux's default */
static u64 swappiness = 60;
static u64 tainted;
static u64 pipe_user_pages_soft = 16384, pipe_user_pages_hard;

struct sys_node;
/* get: the value now; set: check and store v (0 or -EINVAL). */
typedef u64 (*sys_get_t)(const struct sys_node *n);
typedef int (*sys_set_t)(const struct sys_node *n, u64 v);

struct sys_node {
	const char *name;
	int parent;    /* index of the directory it is in (-1: /proc/sys) */
	u32 mode;
	u64 *var;      /* a plain variable: get and set read and write it */
	u64 min, max;  /* ...within these */
	sys_get_t get; /* else these */
	sys_set_t set;
};

static u64 get_fixed(const struct sys_node *n) { return n->min; }

/* A fixed value may be "written" only as it is. */
static int set_fixed(const struct sys_node *n, u64 v)
{
	return v == n->min ? 0 : -EINVAL;
}

static u64 get_aslr(const struct sys_node *n)
{
	return aslr_randomizes(PER_LINUX) ? 2 : 0;
}

static int set_aslr(const struct sys_node *n, u64 v)
{
	if (v > 2)
		return -EINVAL;
	aslr_set_enabled(v != 0);
	return 0;
}

static u64 get_last_pid(const struct sys_node *n) { return (u64)pid_last(); }

static int set_last_pid(const struct sys_node *n, u64 v)
{
	return v >= PID_MAX ? -EINVAL : pid_set_last((int)v);
}

static u64 get_rmid_forced(const struct sys_node *n) { return shm_rmid_forced; }

/* shm_rmid_forced: 0 or 1; setting it destroys the orphan segments. */
static int set_rmid_forced(const struct sys_node *n, u64 v)
{
	if (v > 1)
		return -EINVAL;
	shm_set_rmid_forced(v);
	return 0;
}

static u64 get_ratelimit(const struct sys_node *n)
{
	return (u64)(n->min ? printk_ratelimit_burst : printk_ratelimit_s);
}

/* printk_ratelimit (seconds; 0 turns the limit off) and _burst. */
static int set_ratelimit(const struct sys_node *n, u64 v)
{
	if (v > 0x7fffffff)
		return -EINVAL;
	if (n->min)
		printk_ratelimit_burst = (int)v;
	else
		printk_ratelimit_s = (int)v;
	return 0;
}

static u64 get_pipe_max(const struct sys_node *n) { return pipe_max_size; }

/* pipe-max-size: rounded up to a power of two pages, as F_SETPIPE_SZ. */
static int set_pipe_max(const struct sys_node *n, u64 v)
{
	u64 size = PAGE_SIZE;

	if (v > (1u << 31))
		return -EINVAL;
	while (size < v)
		size <<= 1;
	pipe_max_size = (unsigned)size;
	return 0;
}

enum { VM = 1, KERNEL, FS, CORE_PATTERN, NET, NET_IPV4, PORT_RANGE, MQUEUE, PRINTK };

static const struct sys_node nodes[] = {
	[ROOT_NODE] = { "sys", -1, SYS_DIR_MODE },
	[VM] = { "vm", ROOT_NODE, SYS_DIR_MODE },
	[KERNEL] = { "kernel", ROOT_NODE, SYS_DIR_MODE },
	[FS] = { "fs", ROOT_NODE, SYS_DIR_MODE },
	[CORE_PATTERN] = { "core_pattern", KERNEL, SYS_FILE_MODE },
	[NET] = { "net", ROOT_NODE, SYS_DIR_MODE },
	[NET_IPV4] = { "ipv4", NET, SYS_DIR_MODE },
	[PORT_RANGE] = { "ip_local_port_range", NET_IPV4, SYS_FILE_MODE },
	[MQUEUE] = { "mqueue", FS, SYS_DIR_MODE },
	[PRINTK] = { "printk", KERNEL, SYS_FILE_MODE },
	{ "core_uses_pid", KERNEL, SYS_FILE_MODE, &core_uses_pid, 0, 1 },
	{ "mmap_min_addr", VM, SYS_FILE_MODE, NULL, MMAP_MIN_ADDR, 0, get_fixed, set_fixed },
	{ "overcommit_memory", VM, SYS_FILE_MODE, &overcommit_memory, 0, 2 },
	{ "max_map_count", VM, SYS_FILE_MODE, NULL, MAX_MAP_COUNT, 0, get_fixed, set_fixed },
	{ "swappiness", VM, SYS_FILE_MODE, &swappiness, 0, 200 },
	{ "unprivileged_userfaultfd", VM, SYS_FILE_MODE, &sysctl_unprivileged_userfaultfd, 0, 1 },
	{ "randomize_va_space", KERNEL, SYS_FILE_MODE, NULL, 0, 0, get_aslr, set_aslr },
	{ "pid_max", KERNEL, SYS_FILE_MODE, NULL, PID_MAX, 0, get_fixed, set_fixed },
	{ "tainted", KERNEL, SYS_FILE_MODE, &tainted, 0, ~0ull },
	{ "ns_last_pid", KERNEL, SYS_FILE_MODE, NULL, 0, 0, get_last_pid, set_last_pid },
	{ "shm_rmid_forced", KERNEL, SYS_FILE_MODE, NULL, 0, 0, get_rmid_forced,
	  set_rmid_forced },
	/* min selects which: 0 the interval, 1 the burst */
	{ "printk_ratelimit", KERNEL, SYS_FILE_MODE, NULL, 0, 0, get_ratelimit,
	  set_ratelimit },
	{ "printk_ratelimit_burst", KERNEL, SYS_FILE_MODE, NULL, 1, 0, get_ratelimit,
	  set_ratelimit },
	{ "pipe-max-size", FS, SYS_FILE_MODE, NULL, 0, 0, get_pipe_max, set_pipe_max },
	{ "pipe-user-pages-hard", FS, SYS_FILE_MODE, &pipe_user_pages_hard, 0, ~0ull },
	{ "pipe-user-pages-soft", FS, SYS_FILE_MODE, &pipe_user_pages_soft, 0, ~0ull },
	/* POSIX message queues (ipc/mqueue.c), Linux's ranges */
	{ "msg_default", MQUEUE, SYS_FILE_MODE, &mq_msg_default, MIN_MSGMAX, HARD_MSGMAX },
	{ "msg_max", MQUEUE, SYS_FILE_MODE, &mq_msg_max, MIN_MSGMAX, HARD_MSGMAX },
	{ "msgsize_default", MQUEUE, SYS_FILE_MODE, &mq_msgsize_default, MIN_MSGSIZEMAX,
	  HARD_MSGSIZEMAX },
	{ "msgsize_max", MQUEUE, SYS_FILE_MODE, &mq_msgsize_max, MIN_MSGSIZEMAX,
	  HARD_MSGSIZEMAX },
	{ "queues_max", MQUEUE, SYS_FILE_MODE, &mq_queues_max, 0, 0x7fffffff },
};

static struct inode *proc_dir; /* /proc, the parent of /proc/sys */
static const struct inode_operations sys_dir_iops, sys_file_iops;
static const struct file_operations sys_dir_fops, sys_file_fops;

static int index_of(const struct inode *inode)
{
	return (int)(uintptr_t)inode->private;
}

/* node_inode - a new inode for nodes[i]: 0 or -ENOMEM. */
static int node_inode(int i, struct inode **res)
{
	bool dir = S_ISDIR(nodes[i].mode);

	*res = inode_alloc(PROCFS_DEV, SYS_INO_BASE + (u32)i, nodes[i].mode,
			   dir ? &sys_dir_iops : &sys_file_iops,
			   dir ? &sys_dir_fops : &sys_file_fops);
	if (!*res)
		return -ENOMEM;
	(*res)->private = (void *)(uintptr_t)i;
	if (dir)
		(*res)->nlink = 2;
	return 0;
}

int proc_sys_root(struct inode *proc, struct inode **res)
{
	proc_dir = proc;
	return node_inode(ROOT_NODE, res);
}

static int sys_lookup(struct inode *dir, const char *name, size_t len,
		      struct inode **res)
{
	int self = index_of(dir);

	if (len == 2 && name[0] == '.' && name[1] == '.') {
		if (nodes[self].parent >= 0)
			return node_inode(nodes[self].parent, res);
		ihold(proc_dir);
		*res = proc_dir;
		return 0;
	}
	for (int i = 1; i < (int)ARRAY_SIZE(nodes); i++)
		if (nodes[i].parent == self && strlen(nodes[i].name) == len &&
		    !memcmp(nodes[i].name, name, len))
			return node_inode(i, res);
	return -ENOENT;
}

/* Positions: 0 ".", 1 "..", 2 + i for nodes[i]. */
static int sys_readdir(struct file *f, struct dir_context *ctx)
{
	int self = index_of(f->inode), parent = nodes[self].parent;

	if (ctx->pos == 0 && !ctx->emit(ctx, ".", 1, SYS_INO_BASE + (u32)self, DT_DIR))
		return 0;
	ctx->pos = MAX(ctx->pos, 1ul);
	if (ctx->pos == 1 && !ctx->emit(ctx, "..", 2, parent >= 0 ? SYS_INO_BASE +
					(u32)parent : proc_dir->ino, DT_DIR))
		return 0;
	ctx->pos = MAX(ctx->pos, 2ul);
	for (u64 i = ctx->pos - 2; i < ARRAY_SIZE(nodes); i++) {
		if (nodes[i].parent == self &&
		    !ctx->emit(ctx, nodes[i].name, strlen(nodes[i].name),
			       SYS_INO_BASE + (u32)i, inode_dtype(nodes[i].mode)))
			return 0;
		ctx->pos = i + 3;
	}
	return 0;
}

static void show_port_range(struct pbuf *b)
{
	u32 range[2];

	inet_get_port_range(range);
	pbuf_printf(b, "%u\t%u\n", range[0], range[1]);
}

static void show_printk(struct pbuf *b)
{
	int l[4];

	printk_get_levels(l);
	pbuf_printf(b, "%d\t%d\t%d\t%d\n", l[0], l[1], l[2], l[3]);
}

/* The text of a file, made at open: f->private, a pbuf. */
static int sys_open(struct inode *inode, struct file *f)
{
	const struct sys_node *n = &nodes[index_of(inode)];
	struct pbuf *b = kzalloc(sizeof(*b));

	if (!b)
		return -ENOMEM;
	b->size = SYS_TEXT_MAX + 2;
	b->buf = kmalloc(b->size);
	if (!b->buf) {
		kfree(b);
		return -ENOMEM;
	}
	if (n == &nodes[CORE_PATTERN])
		pbuf_printf(b, "%s\n", core_pattern);
	else if (n == &nodes[PORT_RANGE])
		show_port_range(b);
	else if (n == &nodes[PRINTK])
		show_printk(b);
	else
		pbuf_printf(b, "%lu\n", n->var ? *n->var : n->get(n));
	f->private = b;
	return 0;
}

static long sys_read(struct file *f, struct uio *u, u64 *pos)
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

/* parse_value - a decimal number with blanks around it: 0 or -EINVAL. */
static int parse_value(const char *s, u64 *v)
{
	u64 x = 0;
	bool digits = false;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	for (; *s >= '0' && *s <= '9'; s++, digits = true) {
		if (x > (~0ull - 9) / 10)
			return -EINVAL;
		x = x * 10 + (u64)(*s - '0');
	}
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (!digits || *s)
		return -EINVAL;
	*v = x;
	return 0;
}

/* set_port_range - "LOW HIGH", blanks around and between. */
static int set_port_range(char *text)
{
	char *p = text;
	u64 low, high;

	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p != ' ' && *p != '\t')
		return -EINVAL;
	*p++ = '\0';
	if (parse_value(text, &low) || parse_value(p, &high) ||
	    low > 65535 || high > 65535)
		return -EINVAL;
	return inet_set_port_range((u32)low, (u32)high);
}

/* set_printk - the console's log level: the first of up to four numbers
 * (the others are Linux's defaults, fixed here and not checked). */
static int set_printk(char *text)
{
	char *p = text;
	u64 level;

	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p)
		*p = '\0';
	if (parse_value(text, &level))
		return -EINVAL;
	return printk_set_console_level(level > 15 ? -1 : (long)level);
}

/* A write sets the value (the whole write is one value); returns the
 * bytes taken or -errno. */
static long sys_write(struct file *f, struct uio *u, u64 *pos)
{
	const struct sys_node *n = &nodes[index_of(f->inode)];
	char text[SYS_TEXT_MAX];
	size_t len = u->len;
	long got;
	u64 v;
	int err;

	if (len >= sizeof(text))
		return -EINVAL;
	got = uio_copy_in(u, text, len);
	if (got < 0)
		return got;
	text[got] = '\0';
	if (n == &nodes[CORE_PATTERN]) {
		if (got && text[got - 1] == '\n')
			text[got - 1] = '\0';
		strlcpy(core_pattern, text, sizeof(core_pattern));
		return got;
	}
	if (n == &nodes[PRINTK]) {
		err = set_printk(text);
		return err ? err : got;
	}
	if (n == &nodes[PORT_RANGE]) {
		err = set_port_range(text);
		return err ? err : got;
	}
	err = parse_value(text, &v);
	if (!err && n->var)
		err = v < n->min || v > n->max ? -EINVAL : 0;
	if (!err && n->var)
		*n->var = v;
	else if (!err)
		err = n->set(n, v);
	return err ? err : got;
}

static void sys_release(struct file *f)
{
	struct pbuf *b = f->private;

	kfree(b->buf);
	kfree(b);
}

static const struct inode_operations sys_dir_iops = {
	.lookup = sys_lookup,
};

static const struct inode_operations sys_file_iops = { 0 };

static const struct file_operations sys_dir_fops = {
	.readdir = sys_readdir,
};

static const struct file_operations sys_file_fops = {
	.open = sys_open,
	.read = sys_read,
	.write = sys_write,
	.release = sys_release,
};
