/*
 * ipc/mqueue.c - POSIX message queues, as Linux's ipc/mqueue.c.
 *
 * A queue is an inode of the mqueue file system: one directory holding
 * one regular file per queue, whose private data is a struct mqueue.
 * mq_open() looks the name up there (creating it with O_CREAT) and opens
 * the inode; `mount -t mqueue none /dev/mqueue` shows the same directory,
 * where ls, cat and rm work.  The directory is made at boot (mq_root, as
 * Linux's internal mount) and each mount gets an inode object of its own
 * for it, all answering from the same entries.  The directory's entry holds one
 * inode reference and every open descriptor one more, so a queue lives
 * until it is unlinked and its last descriptor is closed (evict frees the
 * messages); a queue that is never unlinked stays, as on Linux.
 *
 * Messages are kept in one list, highest priority first and in arrival
 * order within a priority.  A task that must wait (receiving from an
 * empty queue, sending to a full one) puts a struct mq_waiter on the
 * queue's list and sleeps on the waiter's own wait queue.  The other side
 * hands over directly, as Linux's pipelined_send/receive: a sender gives
 * its message to the first waiting receiver; a receiver that makes room
 * queues the first waiting sender's message.  So a woken waiter has
 * already succeeded, even if its time runs out before it runs.
 *
 * Notification (mq_notify): one process may ask for a signal (or nothing,
 * SIGEV_NONE) when a message arrives in an empty queue that no receiver
 * waits on; the registration ends with that one notification.
 * SIGEV_THREAD needs a netlink socket to send the cookie to, and vmos has
 * no AF_NETLINK: the socket checks fail as Linux's do (EBADF, ENOTSOCK,
 * EINVAL for a socket of another family), and musl's mq_notify fails
 * earlier, when its socket(AF_NETLINK) gets EAFNOSUPPORT.
 *
 * Memory: each queue's worst case (Linux's formula) is charged to its
 * creator's real uid against RLIMIT_MSGQUEUE (EMFILE beyond it), and
 * /proc/sys/fs/mqueue/queues_max bounds the number of queues for users
 * other than root (ENOSPC).
 */
#include <vmos/errno.h>
#include "fs/internal.h"
#include "ipc/mqueue.h"
#include "net/net.h" /* EMSGSIZE, ENOTSOCK */
#include <vmos/printk.h>
#include "kernel/rlimit.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include <vmos/format.h>
#include <vmos/string.h>
#include "mm/kmalloc.h"

#define MQ_PRIO_MAX 32768
#define SIGEV_SIGNAL 0
#define SIGEV_NONE 1
#define SIGEV_THREAD 2
#define SI_MESGQ (-3)
#define NOTIFY_COOKIE_LEN 32
#define FILENT_SIZE 80          /* st_size of a queue, and its line's buffer */
#define MSG_MSG_SIZE 48         /* Linux's sizeof(struct msg_msg) */
#define MSG_TREE_NODE_SIZE 48   /* ...and of struct posix_msg_tree_node */
#define MQ_ROOT_INO 1
#define MQ_ROOT_MODE (S_IFDIR | S_ISVTX | 0777)
#define NSEC_PER_SEC 1000000000ull

u64 mq_queues_max = 256, mq_msg_max = 10, mq_msgsize_max = 8192;
u64 mq_msg_default = 10, mq_msgsize_default = 8192;

/* struct mq_attr, as user space has it (64 bytes). */
struct k_mq_attr {
	s64 mq_flags, mq_maxmsg, mq_msgsize, mq_curmsgs;
	s64 reserved[4];
};

/* struct sigevent as the x86-64 kernel reads it (64 bytes). */
struct k_sigevent {
	u64 sigev_value;
	s32 sigev_signo;
	s32 sigev_notify;
	s32 pad[12];
};

struct k_timespec {
	s64 tv_sec, tv_nsec;
};

struct mq_msg {
	struct mq_msg *next;
	unsigned prio;
	size_t len;
	char data[];
};

/* A task waiting to send (msg: what it sends) or receive (msg: set by the
 * sender that served it); ready once served. */
struct mq_waiter {
	struct mq_waiter *next;
	struct mq_msg *msg;
	bool ready;
	struct wait_queue wq;
};

struct mqueue {
	long maxmsg, msgsize, curmsgs;
	u64 qsize;                 /* bytes of the messages queued */
	struct mq_msg *head, *tail; /* by priority, then arrival */
	struct mq_waiter *senders, *receivers; /* first come, first served */
	/* the notification: owner's tgid (0: none) and its start time, so
	 * a new process that gets the same PID is not taken for it */
	int notify_pid;
	u64 notify_start_ns;
	int notify, notify_signo;
	u64 notify_value;
	/* the memory charged against RLIMIT_MSGQUEUE */
	u32 charged_uid;
	u64 charged;
};

/* Bytes charged against RLIMIT_MSGQUEUE, per real uid. */
struct mq_user {
	struct mq_user *next;
	u32 uid;
	u64 bytes;
};

/* The directory's entries, oldest first. */
struct mq_dirent {
	struct mq_dirent *next;
	struct inode *inode;       /* referenced */
	size_t len;
	char name[NAME_MAX + 1];
};

static struct inode *mq_root;
static struct mq_dirent *mq_entries;
static struct mq_user *mq_users;
static u64 mq_queues_count;
static u32 mq_next_ino = MQ_ROOT_INO + 1;

static const struct inode_operations mq_dir_iops, mq_file_iops;
static const struct file_operations mq_dir_fops, mq_fops;

static struct mqueue *mq_of(const struct inode *inode)
{
	return inode->private;
}

/* ---- RLIMIT_MSGQUEUE ---- */

static struct mq_user *mq_user_find(u32 uid)
{
	for (struct mq_user *u = mq_users; u; u = u->next)
		if (u->uid == uid)
			return u;
	return NULL;
}

/* mq_charge - charge bytes to the caller's real uid: 0, or -EMFILE over
 * RLIMIT_MSGQUEUE (Linux's answer), -ENOMEM. */
static int mq_charge(struct mqueue *q, u64 bytes)
{
	u32 uid = current->cred.uid;
	struct mq_user *u = mq_user_find(uid);
	u64 limit = current->rlimits[RLIMIT_MSGQUEUE][0];

	if ((u ? u->bytes : 0) + bytes > limit)
		return -EMFILE;
	if (!u) {
		u = kzalloc(sizeof(*u));
		if (!u)
			return -ENOMEM;
		u->uid = uid;
		u->next = mq_users;
		mq_users = u;
	}
	u->bytes += bytes;
	q->charged_uid = uid;
	q->charged = bytes;
	return 0;
}

static void mq_uncharge(struct mqueue *q)
{
	struct mq_user **pp = &mq_users, *u;

	if (!q->charged)
		return;
	while (*pp && (*pp)->uid != q->charged_uid)
		pp = &(*pp)->next;
	u = *pp;
	if (!u || u->bytes < q->charged)
		panic("mq_uncharge: uid %u has no %lu bytes charged", q->charged_uid,
		      q->charged);
	u->bytes -= q->charged;
	if (!u->bytes) {
		*pp = u->next;
		kfree(u);
	}
}

/* ---- queues ---- */

/* mq_bytes - Linux's worst case for a queue: every message plus its
 * bookkeeping; -EOVERFLOW if it does not fit in 64 bits. */
static long mq_bytes(long maxmsg, long msgsize, u64 *bytes)
{
	u64 tree = (u64)maxmsg * MSG_MSG_SIZE +
		   (u64)MIN(maxmsg, MQ_PRIO_MAX) * MSG_TREE_NODE_SIZE;

	if ((u64)msgsize > ~0ull / (u64)maxmsg)
		return -EOVERFLOW;
	*bytes = (u64)maxmsg * (u64)msgsize;
	if (*bytes + tree < *bytes)
		return -EOVERFLOW;
	*bytes += tree;
	return 0;
}

/* mq_check_attr - the size a new queue asks for (attr NULL: the defaults),
 * within Linux's limits: 0 or -EINVAL.  Root may go up to the hard
 * limits, others up to /proc/sys/fs/mqueue's. */
static int mq_check_attr(const struct k_mq_attr *attr, long *maxmsg, long *msgsize)
{
	bool root = current->cred.euid == 0; /* CAP_SYS_RESOURCE */

	*maxmsg = (long)MIN(mq_msg_max, mq_msg_default);
	*msgsize = (long)MIN(mq_msgsize_max, mq_msgsize_default);
	if (!attr)
		return 0;
	*maxmsg = attr->mq_maxmsg;
	*msgsize = attr->mq_msgsize;
	if (*maxmsg <= 0 || *msgsize <= 0)
		return -EINVAL;
	if (root ? (*maxmsg > HARD_MSGMAX || *msgsize > HARD_MSGSIZEMAX)
		 : ((u64)*maxmsg > mq_msg_max || (u64)*msgsize > mq_msgsize_max))
		return -EINVAL;
	return 0;
}

/* mq_new_inode - a new, empty queue of mode (permissions) and attr:
 * referenced, or NULL with *err (-EINVAL, -EOVERFLOW, -ENOSPC, -EMFILE,
 * -ENOMEM). */
static struct inode *mq_new_inode(u32 mode, const struct k_mq_attr *attr, int *err)
{
	struct inode *inode;
	struct mqueue *q;
	long maxmsg, msgsize;
	u64 bytes;

	if (mq_queues_count >= mq_queues_max && current->cred.euid != 0) {
		*err = -ENOSPC; /* Linux checks this first */
		return NULL;
	}
	*err = mq_check_attr(attr, &maxmsg, &msgsize);
	if (!*err)
		*err = (int)mq_bytes(maxmsg, msgsize, &bytes);
	if (*err)
		return NULL;
	q = kzalloc(sizeof(*q));
	inode = q ? inode_alloc(MQUEUE_DEV, mq_next_ino, S_IFREG | (mode & S_IALLUGO),
				&mq_file_iops, &mq_fops) : NULL;
	if (!inode) {
		kfree(q);
		*err = -ENOMEM;
		return NULL;
	}
	q->maxmsg = maxmsg;
	q->msgsize = msgsize;
	*err = mq_charge(q, bytes);
	if (*err) {
		kfree(q);
		kfree(inode); /* no evict: nothing to undo */
		return NULL;
	}
	mq_next_ino++;
	mq_queues_count++;
	inode->private = q;
	inode->uid = current_fsuid();
	inode->gid = current_fsgid();
	inode->size = FILENT_SIZE;
	return inode;
}

/* mq_evict - the last reference is gone: free the messages and the
 * queue's charge.  Nobody waits: a waiter holds a descriptor. */
static void mq_evict(struct inode *inode)
{
	struct mqueue *q = mq_of(inode);

	if (q->senders || q->receivers)
		panic("mq_evict: queue %u still has waiters", inode->ino);
	while (q->head) {
		struct mq_msg *m = q->head;

		q->head = m->next;
		kfree(m);
	}
	mq_uncharge(q);
	mq_queues_count--;
	kfree(q);
}

/* msg_insert - queue m after every message of its priority or higher. */
static void msg_insert(struct mqueue *q, struct mq_msg *m)
{
	struct mq_msg **pp = &q->head;

	if (q->tail && q->tail->prio >= m->prio)
		pp = &q->tail->next; /* the common case: no higher priority */
	while (*pp && (*pp)->prio >= m->prio)
		pp = &(*pp)->next;
	m->next = *pp;
	*pp = m;
	if (!m->next)
		q->tail = m;
	q->curmsgs++;
	q->qsize += m->len;
}

/* msg_get - take the first message (the queue is not empty). */
static struct mq_msg *msg_get(struct mqueue *q)
{
	struct mq_msg *m = q->head;

	q->head = m->next;
	if (!q->head)
		q->tail = NULL;
	q->curmsgs--;
	q->qsize -= m->len;
	return m;
}

/* ---- notification ---- */

static void remove_notification(struct mqueue *q)
{
	q->notify_pid = 0;
}

/* notify_owner - the registered process's leader, if it still lives. */
static struct task *notify_owner(const struct mqueue *q)
{
	struct task *t = q->notify_pid ? task_find(q->notify_pid) : NULL;

	if (!t || t->start_ns != q->notify_start_ns || !process_alive(t))
		return NULL;
	return t;
}

/* do_notify - a message arrived in an empty queue that no receiver waited
 * on: notify the registered process once (Linux's __do_notify). */
static void do_notify(struct mqueue *q)
{
	struct k_siginfo info = { .si_signo = q->notify_signo, .si_code = SI_MESGQ };
	struct { s32 pid; u32 uid; u64 value; } rt;
	struct task *t;

	if (!q->notify_pid || q->curmsgs != 1)
		return;
	t = notify_owner(q);
	if (t && q->notify == SIGEV_SIGNAL && q->notify_signo) {
		rt.pid = current->tgid;
		rt.uid = current->cred.uid;
		rt.value = q->notify_value;
		memcpy(info.f.raw, &rt, sizeof(rt));
		send_group_signal(t, q->notify_signo, &info);
	}
	remove_notification(q);
}

/* ---- waiting ---- */

/* mq_deadline - an absolute CLOCK_REALTIME timeout as a deadline on the
 * monotonic clock (ns since boot; never 0, which means none): 0, -EFAULT
 * or -EINVAL (Linux checks the time before anything else). */
static int mq_deadline(const struct k_timespec __user *uts, u64 *deadline)
{
	struct k_timespec ts;
	u64 ns, now, real;

	*deadline = 0;
	if (!uts)
		return 0;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (s64)NSEC_PER_SEC)
		return -EINVAL;
	if ((u64)ts.tv_sec >= ~0ull / NSEC_PER_SEC / 2)
		return 0; /* the far future: no deadline */
	ns = (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
	now = arch_clock_ns();
	real = ktime_get_real_ns();
	*deadline = ns > real ? now + (ns - real) : now ? now : 1;
	return 0;
}

static void waiter_add(struct mq_waiter **list, struct mq_waiter *w)
{
	while (*list)
		list = &(*list)->next;
	w->next = NULL;
	*list = w;
}

static void waiter_remove(struct mq_waiter **list, struct mq_waiter *w)
{
	for (; *list; list = &(*list)->next)
		if (*list == w) {
			*list = w->next;
			return;
		}
}

/* waiter_serve - w's wait is over (its message taken or given): off the
 * list, and its task woken. */
static void waiter_serve(struct mq_waiter **list, struct mq_waiter *w)
{
	waiter_remove(list, w);
	w->ready = true;
	wake_up(&w->wq);
}

/* wq_sleep - wait on list until served, the deadline passes (-ETIMEDOUT)
 * or a signal comes (-ERESTARTSYS); w is on the list only while waiting. */
static int wq_sleep(struct mq_waiter **list, struct mq_waiter *w, u64 deadline)
{
	u64 flags = arch_irq_save();
	int r = 0;

	waiter_add(list, w);
	while (!w->ready) {
		if (deadline && arch_clock_ns() >= deadline) {
			r = -ETIMEDOUT;
			break;
		}
		r = wait_sleep_deadline(&w->wq, deadline);
		if (r)
			break;
	}
	if (w->ready)
		r = 0; /* served: that wins over a signal or the time */
	else
		waiter_remove(list, w);
	arch_irq_restore(flags);
	return r;
}

/* ---- system calls ---- */

/* mq_fd_get - the open queue behind fd, referenced: NULL if fd is not
 * one (-EBADF, as Linux). */
static struct file *mq_fd_get(int fd)
{
	struct file *f = fd_get(current->files, fd);

	if (f && f->fops != &mq_fops) {
		file_put(f);
		return NULL;
	}
	return f;
}

/* mq_lookup - the entry called name, or NULL. */
static struct mq_dirent *mq_lookup(const char *name, size_t len)
{
	for (struct mq_dirent *e = mq_entries; e; e = e->next)
		if (e->len == len && !memcmp(e->name, name, len))
			return e;
	return NULL;
}

/* mq_check_name - Linux's lookup_one_len on a queue's name: "" is -ENOENT,
 * ".", ".." and names with '/' -EACCES, long ones -ENAMETOOLONG. */
static int mq_check_name(const char *name)
{
	size_t len = strlen(name);

	if (!len)
		return -ENOENT;
	if (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.')))
		return -EACCES;
	if (strchr(name, '/'))
		return -EACCES;
	return len > NAME_MAX ? -ENAMETOOLONG : 0;
}

/* mq_link - a directory entry for a new queue, the last: 0 or -ENOMEM;
 * the entry takes over the caller's reference. */
static int mq_link(const char *name, size_t len, struct inode *inode)
{
	struct mq_dirent *e = kzalloc(sizeof(*e)), **pp = &mq_entries;

	if (!e)
		return -ENOMEM;
	memcpy(e->name, name, len);
	e->len = len;
	e->inode = inode;
	while (*pp)
		pp = &(*pp)->next;
	*pp = e;
	if (mq_root)
		inode_touch(mq_root);
	return 0;
}

/* mq_create - a new queue called name: referenced in *res (the directory
 * has its own reference). */
static int mq_create(const char *name, size_t len, u32 mode,
		     const struct k_mq_attr *attr, struct inode **res)
{
	int err;
	struct inode *inode = mq_new_inode(mode, attr, &err);

	if (!inode)
		return err;
	err = mq_link(name, len, inode);
	if (err) {
		iput(inode);
		return err;
	}
	ihold(inode);
	*res = inode;
	return 0;
}

/* mq_prepare_open - the queue mq_open opens (Linux's prepare_open). */
static int mq_prepare_open(const char *name, int oflag, u32 mode,
			   const struct k_mq_attr *attr, struct inode **res)
{
	static const int acc[O_ACCMODE] = { MAY_READ, MAY_WRITE, MAY_READ | MAY_WRITE };
	struct mq_dirent *e = mq_lookup(name, strlen(name));
	int err;

	if (!e) {
		if (!(oflag & O_CREAT))
			return -ENOENT;
		err = inode_permission(mq_root, MAY_WRITE | MAY_EXEC);
		return err ? err : mq_create(name, strlen(name), mode & ~current_umask(),
					     attr, res);
	}
	if ((oflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if ((oflag & O_ACCMODE) == O_ACCMODE)
		return -EINVAL;
	err = inode_permission(e->inode, acc[oflag & O_ACCMODE]);
	if (err)
		return err;
	ihold(e->inode);
	*res = e->inode;
	return 0;
}

/* fd_available - is there a free descriptor (Linux takes one first)? */
static bool fd_available(void)
{
	int limit = fd_limit();

	for (int fd = 0; fd < limit; fd++)
		if (!current->files->fd[fd])
			return true;
	return false;
}

/*
 * mq_open - open (O_CREAT: create) the queue called name; the kernel's
 * name has no leading '/' (the C library strips it).  The descriptor is
 * close-on-exec, as Linux's.  attr sizes a new queue (NULL: the defaults).
 */
SYSCALL_DEFINE4(mq_open, const char __user *, uname, int, oflag, u32, mode,
		struct k_mq_attr __user *, uattr)
{
	struct k_mq_attr attr;
	struct inode *inode;
	struct file *f;
	char *name, path[NAME_MAX + 2];
	int err;

	if (uattr && copy_from_user(&attr, uattr, sizeof(attr)))
		return -EFAULT;
	name = getname(uname, &err);
	if (!name)
		return err;
	err = fd_available() ? mq_check_name(name) : -EMFILE;
	if (!err && !mq_root)
		err = -ENOMEM; /* mqueue_init found no memory */
	if (!err) {
		err = mq_prepare_open(name, oflag, mode, (oflag & O_CREAT) && uattr ?
				      &attr : NULL, &inode);
	}
	if (!err) {
		ksnprintf(path, sizeof(path), "/%s", name);
		f = file_open_inode(inode, (u32)oflag & ~(O_CREAT | O_EXCL), path, &err);
		iput(inode);
		if (f) {
			err = fd_install(current->files, f, true);
			if (err < 0)
				file_put(f);
		}
	}
	putname(name);
	return err;
}

/* mq_unlink_entry - remove e from the directory (its queue stays while open). */
static void mq_unlink_entry(struct mq_dirent *e)
{
	struct mq_dirent **pp = &mq_entries;

	while (*pp != e)
		pp = &(*pp)->next;
	*pp = e->next;
	e->inode->nlink = 0;
	e->inode->ctime_ns = vfs_now_ns();
	inode_touch(mq_root);
	iput(e->inode);
	kfree(e);
}

/* mq_may_delete - unlink's rules in the sticky directory: 0 or -EPERM. */
static int mq_may_delete(const struct inode *victim)
{
	u32 uid = current_fsuid();

	if (uid != 0 && uid != victim->uid && uid != mq_root->uid)
		return -EPERM;
	return 0;
}

SYSCALL_DEFINE1(mq_unlink, const char __user *, uname)
{
	struct mq_dirent *e;
	char *name;
	int err;

	name = getname(uname, &err);
	if (!name)
		return err;
	err = mq_check_name(name);
	if (!err && !mq_root)
		err = -ENOMEM;
	if (!err) {
		e = mq_lookup(name, strlen(name));
		err = !e ? -ENOENT : mq_may_delete(e->inode);
		if (!err)
			mq_unlink_entry(e);
	}
	putname(name);
	return err;
}

/* mq_send - queue m (or give it to a waiting receiver), or wait for room
 * until deadline; m is the queue's once 0 is returned. */
static int mq_send(struct file *f, struct mq_msg *m, u64 deadline)
{
	struct mqueue *q = mq_of(f->inode);
	struct mq_waiter w = { .msg = m };
	int err;

	if (q->curmsgs == q->maxmsg) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		err = wq_sleep(&q->senders, &w, deadline);
		if (!err)
			inode_touch(f->inode);
		return err;
	}
	if (q->receivers) { /* the queue is empty: hand it over */
		q->receivers->msg = m;
		waiter_serve(&q->receivers, q->receivers);
	} else {
		msg_insert(q, m);
		do_notify(q);
		poll_notify();
	}
	f->inode->atime_ns = vfs_now_ns();
	inode_touch(f->inode);
	return 0;
}

SYSCALL_DEFINE5(mq_timedsend, int, mqdes, const char __user *, umsg, size_t, len,
		unsigned, prio, const struct k_timespec __user *, uts)
{
	struct mq_msg *m;
	struct file *f;
	u64 deadline;
	long err = mq_deadline(uts, &deadline);

	if (err)
		return err;
	if (prio >= MQ_PRIO_MAX)
		return -EINVAL;
	f = mq_fd_get(mqdes);
	if (!f)
		return -EBADF;
	if (!file_writable(f))
		err = -EBADF;
	else if (len > (size_t)mq_of(f->inode)->msgsize)
		err = -EMSGSIZE;
	else if (!(m = kmalloc(sizeof(*m) + len)))
		err = -ENOMEM;
	else if (copy_from_user(m->data, umsg, len)) {
		kfree(m);
		err = -EFAULT;
	} else {
		m->len = len;
		m->prio = prio;
		err = mq_send(f, m, deadline);
		if (err)
			kfree(m);
	}
	file_put(f);
	return err;
}

/* mq_receive - the first message (making room lets the first waiting
 * sender's message in), or wait for one until deadline. */
static int mq_receive(struct file *f, struct mq_msg **res, u64 deadline)
{
	struct mqueue *q = mq_of(f->inode);
	struct mq_waiter w = { 0 };
	int err;

	if (!q->curmsgs) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		err = wq_sleep(&q->receivers, &w, deadline);
		*res = w.msg;
		return err;
	}
	*res = msg_get(q);
	if (q->senders) {
		msg_insert(q, q->senders->msg);
		waiter_serve(&q->senders, q->senders);
	}
	poll_notify();
	f->inode->atime_ns = vfs_now_ns();
	inode_touch(f->inode);
	return 0;
}

SYSCALL_DEFINE5(mq_timedreceive, int, mqdes, char __user *, umsg, size_t, len,
		unsigned __user *, uprio, const struct k_timespec __user *, uts)
{
	struct mq_msg *m = NULL;
	struct file *f;
	u64 deadline;
	long err = mq_deadline(uts, &deadline);

	if (err)
		return err;
	f = mq_fd_get(mqdes);
	if (!f)
		return -EBADF;
	if (!file_readable(f))
		err = -EBADF;
	else if (len < (size_t)mq_of(f->inode)->msgsize)
		err = -EMSGSIZE;
	else
		err = mq_receive(f, &m, deadline);
	file_put(f);
	if (err)
		return err;
	/* The message is taken: a bad buffer loses it, as on Linux. */
	err = (long)m->len;
	if ((uprio && copy_to_user(uprio, &m->prio, sizeof(m->prio))) ||
	    copy_to_user(umsg, m->data, m->len))
		err = -EFAULT;
	kfree(m);
	return err;
}

/* sigev_thread_check - what Linux checks of SIGEV_THREAD's netlink socket
 * (the cookie, then the descriptor in sigev_signo): there is no netlink
 * here, so this always fails. */
static int sigev_thread_check(const struct k_sigevent *ev)
{
	u8 cookie[NOTIFY_COOKIE_LEN];
	struct file *f;
	int err;

	if (copy_from_user(cookie, (const void __user *)ev->sigev_value, sizeof(cookie)))
		return -EFAULT;
	f = fd_get(current->files, ev->sigev_signo);
	if (!f)
		return -EBADF;
	err = (f->inode->mode & S_IFMT) == S_IFSOCK ? -EINVAL : -ENOTSOCK;
	file_put(f);
	return err;
}

/* mq_register - ask for the notification ev (NULL: cancel ours). */
static int mq_register(struct file *f, const struct k_sigevent *ev)
{
	struct mqueue *q = mq_of(f->inode);
	struct task *leader = current->group_leader;

	if (!ev) {
		if (q->notify_pid == current->tgid && notify_owner(q) == leader)
			remove_notification(q);
		return 0;
	}
	if (notify_owner(q))
		return -EBUSY;
	q->notify_pid = current->tgid;
	q->notify_start_ns = leader->start_ns;
	q->notify = ev->sigev_notify;
	q->notify_signo = ev->sigev_notify == SIGEV_SIGNAL ? ev->sigev_signo : 0;
	q->notify_value = ev->sigev_value;
	f->inode->atime_ns = f->inode->ctime_ns = vfs_now_ns();
	return 0;
}

SYSCALL_DEFINE2(mq_notify, int, mqdes, const struct k_sigevent __user *, uev)
{
	struct k_sigevent ev;
	struct file *f;
	int err;

	if (uev) {
		if (copy_from_user(&ev, uev, sizeof(ev)))
			return -EFAULT;
		if (ev.sigev_notify != SIGEV_NONE && ev.sigev_notify != SIGEV_SIGNAL &&
		    ev.sigev_notify != SIGEV_THREAD)
			return -EINVAL;
		if (ev.sigev_notify == SIGEV_SIGNAL &&
		    (ev.sigev_signo < 0 || ev.sigev_signo > NSIG))
			return -EINVAL; /* 0 is accepted, and sends nothing */
		if (ev.sigev_notify == SIGEV_THREAD)
			return sigev_thread_check(&ev);
	}
	f = mq_fd_get(mqdes);
	if (!f)
		return -EBADF;
	err = mq_register(f, uev ? &ev : NULL);
	file_put(f);
	return err;
}

SYSCALL_DEFINE3(mq_getsetattr, int, mqdes, const struct k_mq_attr __user *, unew,
		struct k_mq_attr __user *, uold)
{
	struct k_mq_attr new, old = { 0 };
	struct mqueue *q;
	struct file *f;

	if (unew && copy_from_user(&new, unew, sizeof(new)))
		return -EFAULT;
	if (unew && (new.mq_flags & ~(s64)O_NONBLOCK))
		return -EINVAL;
	f = mq_fd_get(mqdes);
	if (!f)
		return -EBADF;
	q = mq_of(f->inode);
	old.mq_flags = f->flags & O_NONBLOCK;
	old.mq_maxmsg = q->maxmsg;
	old.mq_msgsize = q->msgsize;
	old.mq_curmsgs = q->curmsgs;
	if (unew) {
		f->flags = (f->flags & ~O_NONBLOCK) | ((u32)new.mq_flags & O_NONBLOCK);
		f->inode->atime_ns = f->inode->ctime_ns = vfs_now_ns();
	}
	file_put(f);
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* ---- the files ---- */

/* mq_read - Linux's line: bytes queued and the notification. */
static long mq_read(struct file *f, struct uio *u, u64 *pos)
{
	struct mqueue *q = mq_of(f->inode);
	bool on = notify_owner(q) != NULL;
	char line[FILENT_SIZE];
	size_t n;
	long done;

	n = ksnprintf(line, sizeof(line), "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n",
		      q->qsize, on ? q->notify : 0,
		      on && q->notify == SIGEV_SIGNAL ? q->notify_signo : 0,
		      on ? q->notify_pid : 0);
	n = MIN(n, sizeof(line) - 1);
	if (*pos >= n)
		return 0;
	done = uio_copy_out(u, line + *pos, n - *pos);
	if (done > 0) {
		*pos += (u64)done;
		f->inode->atime_ns = f->inode->ctime_ns = vfs_now_ns();
	}
	return done;
}

/* A queue has no write operation: Linux's write() gives EINVAL (an open()
 * for writing still works, for mq_timedsend). */
static long mq_write(struct file *f, struct uio *u, u64 *pos)
{
	return -EINVAL;
}

static unsigned mq_poll(struct file *f)
{
	struct mqueue *q = mq_of(f->inode);
	unsigned mask = 0;

	if (q->curmsgs)
		mask |= POLLIN | POLLRDNORM;
	if (q->curmsgs < q->maxmsg)
		mask |= POLLOUT | POLLWRNORM;
	return mask;
}

/* The owner's notification ends when it closes the queue (Linux does it
 * at every close of a descriptor, flush; here at the last one). */
static void mq_release(struct file *f)
{
	struct mqueue *q = mq_of(f->inode);

	if (q->notify_pid == current->tgid)
		remove_notification(q);
}

static const struct file_operations mq_fops = {
	.read = mq_read,
	.write = mq_write,
	.poll = mq_poll,
	.release = mq_release,
};

static const struct inode_operations mq_file_iops = {
	.evict = mq_evict,
};

/* ---- the directory ---- */

static int mq_dir_lookup(struct inode *dir, const char *name, size_t len,
			 struct inode **res)
{
	struct mq_dirent *e;

	if (len == 2 && name[0] == '.' && name[1] == '.') {
		ihold(dir); /* the root of its own file system */
		*res = dir;
		return 0;
	}
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	e = mq_lookup(name, len);
	if (!e)
		return -ENOENT;
	ihold(e->inode);
	*res = e->inode;
	return 0;
}

/* open(O_CREAT) in the directory: a queue of the default size; nothing
 * else can be made there (Linux has only create). */
static int mq_dir_mknod(struct inode *dir, const char *name, size_t len, u32 mode,
			u32 rdev, struct inode **res)
{
	if (!S_ISREG(mode))
		return -EPERM;
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	if (mq_lookup(name, len))
		return -EEXIST;
	return mq_create(name, len, mode, NULL, res);
}

static int mq_dir_unlink(struct inode *dir, const char *name, size_t len, bool is_dir)
{
	struct mq_dirent *e = mq_lookup(name, len);

	if (!e)
		return -ENOENT;
	if (is_dir)
		return -ENOTDIR;
	mq_unlink_entry(e);
	return 0;
}

/* Positions: 0 ".", 1 "..", then 2 + i for the i-th entry. */
static int mq_dir_readdir(struct file *f, struct dir_context *ctx)
{
	u64 i = 2;

	if (ctx->pos == 0) {
		if (!ctx->emit(ctx, ".", 1, MQ_ROOT_INO, DT_DIR))
			return 0;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		if (!ctx->emit(ctx, "..", 2, MQ_ROOT_INO, DT_DIR))
			return 0;
		ctx->pos = 2;
	}
	for (struct mq_dirent *e = mq_entries; e; e = e->next, i++) {
		if (i < ctx->pos)
			continue;
		if (!ctx->emit(ctx, e->name, e->len, e->inode->ino, DT_REG))
			return 0;
		ctx->pos = i + 1;
	}
	return 0;
}

static const struct inode_operations mq_dir_iops = {
	.lookup = mq_dir_lookup,
	.mknod = mq_dir_mknod,
	.unlink = mq_dir_unlink,
};

static const struct file_operations mq_dir_fops = {
	.readdir = mq_dir_readdir,
};

/* mq_new_root - an inode for the one directory: referenced, or NULL. */
static struct inode *mq_new_root(void)
{
	struct inode *root = inode_alloc(MQUEUE_DEV, MQ_ROOT_INO, MQ_ROOT_MODE,
					 &mq_dir_iops, &mq_dir_fops);

	if (root)
		root->nlink = 2;
	return root;
}

void mqueue_init(void)
{
	mq_root = mq_new_root();
}

/* Each mount gets its own root object for the one directory (namespace.c
 * tells mounts apart by their root's address, as proc's). */
struct inode *mqueue_get_root(void)
{
	return mq_new_root();
}
