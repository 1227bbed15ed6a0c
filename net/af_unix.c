/*
 * net/af_unix.c - AF_UNIX sockets: local connections between
 * processes, named in the file system or in the abstract namespace.
 *
 * Each socket is a struct unix_sock.  The sender puts each message in a
 * struct unix_skb on the receiver's queue (rq); a stream reads across
 * messages, a datagram or seqpacket socket one message per call.  A
 * message carries the sender's credentials and, for SCM_RIGHTS, the
 * open files passed along (referenced until received or destroyed).
 *
 *   names       bind() gives a socket a name: a path (the file system gets
 *               an S_IFSOCK inode; EADDRINUSE if the name exists) or an
 *               abstract name (a leading NUL: no file).  Bound sockets
 *               are on one list, unix_bound; connect() finds a path's
 *               socket by its inode and an abstract one by name and type.
 *   connect     (stream, seqpacket) makes the server side's socket at
 *               once, an "embryo" on the listener's accept queue (aq), so
 *               the client may write before accept() takes it.
 *   buffering   bytes a socket has sent and nobody has read yet count
 *               against its SO_SNDBUF (wmem): a writer waits while wmem
 *               >= sndbuf, as Linux's sock_alloc_send_pskb.  A datagram
 *               receiver not connected back to the sender also takes at
 *               most UNIX_DGRAM_QLEN messages.  Above all, the messages
 *               of all sockets hold at most 1/4 of memory (ENOBUFS).
 *   lifetime    refs counts the socket's owner (its file, or the accept
 *               queue for an embryo), peers pointing to it and messages
 *               it sent; release marks it dead and empties its queue;
 *               the last unix_put() frees it.
 *   passing fds A queue being destroyed may hold the last reference to
 *               another socket, whose release empties its queue in turn:
 *               those files are closed from a list (unix_gc_list), never
 *               by recursion.  At most UNIX_INFLIGHT_MAX files are in
 *               flight at once (ETOOMANYREFS), which bounds what a cycle
 *               (a socket sent inside its own queue, never received)
 *               can keep: Linux's cycle collector is not implemented.
 *
 * Every sleeper (reader, writer, acceptor, connector) sleeps on one
 * socket's wq: its own or its peer's; unix_wake() wakes them and poll.
 *
 * The queues are also AF_INET's (af_inet.c): it makes its sockets with
 * unix_create_core(), names them (unix_set_name), finds the listener or
 * receiver itself (unix_connect_to, kmsg->to) and lets unix_ops do the
 * rest.  Its UDP sockets are "lossy": a datagram to a receiver holding
 * more than SO_RCVBUF (rmem) is dropped, and a sender never waits.
 */
#include <vmos/errno.h>
#include "fs/internal.h"
#include "net/net.h"
#include <vmos/printk.h>
#include "kernel/signal.h"
#include "kernel/task.h"
#include <vmos/format.h>
#include <vmos/string.h>
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include <asm/page_types.h>

#define UNIX_SOCKETS_MAX 4096   /* AF_UNIX sockets in the whole system */
#define UNIX_INFLIGHT_MAX 4096  /* files in flight in messages */
#define UNIX_DGRAM_QLEN 10      /* net.unix.max_dgram_qlen */
#define UNIX_MEMORY_SHARE 4     /* messages may hold 1/4 of memory */
#define UNIX_SKB_OVERHEAD 256   /* bytes a message costs besides its data */
#define UNIX_STREAM_CHUNK 16384 /* a stream write is queued in pieces */
#define SOMAXCONN 4096          /* the largest listen() backlog */
#define SUN_PATH_OFFSET 2       /* offsetof(struct sockaddr_un, sun_path) */
#define SOCKADDR_UN_SIZE 110    /* sizeof(struct sockaddr_un) */
#define AUTOBIND_LEN (SUN_PATH_OFFSET + 6) /* "\0" and 5 hex digits */
#define OVERFLOW_ID 65534u      /* the uid of "nobody" (no credentials) */

enum unix_state { UNIX_UNCONNECTED, UNIX_LISTEN, UNIX_CONNECTED };

/* A bound name: sockaddr_un as getsockname() returns it.  Shared by the
 * socket, its accepted sockets and the messages it sent. */
struct unix_address {
	u32 refs;
	int len;
	u8 name[SOCKADDR_UN_SIZE + 1];
};

struct unix_sock;

/* One message on a receive queue. */
struct unix_skb {
	struct unix_skb *next;
	struct unix_sock *sender;    /* referenced: wmem is charged to it */
	struct unix_address *addr;   /* the sender's name, or NULL */
	size_t len, off;             /* bytes, bytes already read (stream) */
	size_t truesize;             /* what it costs the sender */
	struct file **fp;            /* SCM_RIGHTS files (referenced) */
	unsigned nfds;
	struct ucred creds;
	u8 data[];
};

struct unix_sock {
	struct socket *sock;         /* NULL: an embryo, or released */
	int type;
	enum unix_state state;
	u32 refs;
	bool dead;                   /* released: nothing more is queued */
	struct unix_sock *peer;      /* referenced */
	struct unix_address *addr;   /* bound name, or NULL */
	struct inode *inode;         /* a path's socket inode (referenced) */
	struct unix_sock *next_bound;
	struct unix_skb *rq_head, *rq_tail; /* the receive queue */
	u32 rq_len;
	struct unix_sock *aq_head, *aq_tail, *aq_next; /* accept queue */
	u32 aq_len;
	u32 backlog;
	u64 wmem;                    /* truesize of our unread messages */
	u64 rmem;                    /* truesize of the messages in rq */
	bool lossy;                  /* UDP (af_inet.c): see unix_create_core */
	u32 sndbuf, rcvbuf;
	u8 shutdown;                 /* RCV_SHUTDOWN, SEND_SHUTDOWN */
	int err;                     /* SO_ERROR: pending error (positive) */
	bool passcred;
	bool has_peercred;
	struct ucred peercred;       /* SO_PEERCRED */
	struct wait_queue wq;
};

static struct unix_sock *unix_bound;
static unsigned nr_unix_socks, unix_inflight;
static u64 unix_mem;
static u32 autobind_next;
static struct unix_skb *unix_gc_list;
static bool unix_gc_running;


static struct unix_sock *unix_sk(struct socket *sock)
{
	return sock->sk;
}

static bool connection_oriented(const struct unix_sock *u)
{
	return u->type != SOCK_DGRAM;
}

static void unix_wake(struct unix_sock *u)
{
	wake_up(&u->wq);
	poll_notify();
}

static struct ucred current_creds(void)
{
	return (struct ucred){ .pid = current->tgid, .uid = current->cred.euid,
			       .gid = 0 };
}

/* ---- lifetimes ---- */

static void addr_get(struct unix_address *a)
{
	if (a)
		a->refs++;
}

static void addr_put(struct unix_address *a)
{
	if (a && !--a->refs)
		kfree(a);
}

static void unix_hold(struct unix_sock *u)
{
	u->refs++;
}

/* unix_put - drop a reference; the last frees a released socket. */
static void unix_put(struct unix_sock *u)
{
	if (!u)
		return;
	if (u->refs == 0)
		panic("unix_put: socket %p put once too often", u);
	if (--u->refs)
		return;
	if (!u->dead || u->rq_head || u->aq_head || u->peer || u->wmem)
		panic("unix_put: live socket %p freed (dead %d wmem %lu)", u,
		      u->dead, u->wmem);
	addr_put(u->addr);
	kfree(u);
	nr_unix_socks--;
}

static struct unix_sock *unix_alloc(int type)
{
	struct unix_sock *u;

	if (nr_unix_socks >= UNIX_SOCKETS_MAX)
		return NULL;
	u = kzalloc(sizeof(*u));
	if (!u)
		return NULL;
	u->type = type;
	u->refs = 1;
	u->sndbuf = u->rcvbuf = SOCK_BUF_DEFAULT;
	u->backlog = 0;
	nr_unix_socks++;
	return u;
}

/* unix_gc_drain - close the files of destroyed messages, one list, no
 * recursion: a socket closed here adds its own messages to the list. */
static void unix_gc_drain(void)
{
	if (unix_gc_running)
		return;
	unix_gc_running = true;
	while (unix_gc_list) {
		struct unix_skb *skb = unix_gc_list;

		unix_gc_list = skb->next;
		for (unsigned i = 0; i < skb->nfds; i++)
			file_put(skb->fp[i]);
		unix_inflight -= skb->nfds;
		kfree(skb->fp);
		kfree(skb);
	}
	unix_gc_running = false;
}

/* skb_free - a message leaves a queue (or never entered one): uncharge the
 * sender, wake it, and free the message; its files go to unix_gc_list. */
static void skb_free(struct unix_skb *skb)
{
	struct unix_sock *sender = skb->sender;

	if (sender) {
		sender->wmem -= skb->truesize;
		unix_wake(sender);
		unix_put(sender);
	}
	unix_mem -= skb->truesize;
	addr_put(skb->addr);
	if (skb->nfds) {
		skb->next = unix_gc_list;
		unix_gc_list = skb;
		unix_gc_drain();
		return;
	}
	kfree(skb);
}

/* skb_alloc - a message of len bytes charged to sender: NULL with *err
 * (-ENOBUFS when messages fill their share of memory, -ENOMEM). */
static struct unix_skb *skb_alloc(struct unix_sock *sender, size_t len, int *err)
{
	u64 limit = frames_managed_count() / UNIX_MEMORY_SHARE * PAGE_SIZE;
	size_t truesize = len + UNIX_SKB_OVERHEAD;
	struct unix_skb *skb;

	*err = -ENOBUFS;
	if (unix_mem + truesize > limit)
		return NULL;
	*err = -ENOMEM;
	skb = kzalloc(sizeof(*skb) + len);
	if (!skb)
		return NULL;
	skb->len = len;
	skb->truesize = truesize;
	skb->sender = sender;
	unix_hold(sender);
	sender->wmem += truesize;
	unix_mem += truesize;
	skb->addr = sender->addr;
	addr_get(skb->addr);
	skb->creds = current_creds();
	return skb;
}

/* skb_attach_scm - give skb the files and credentials of scm (the files'
 * references move to the message): 0 or -ETOOMANYREFS, -ENOMEM. */
static int skb_attach_scm(struct unix_skb *skb, struct scm *scm)
{
	if (!scm->nfds)
		return 0;
	if (unix_inflight + scm->nfds > UNIX_INFLIGHT_MAX)
		return -ETOOMANYREFS;
	skb->fp = kmalloc(scm->nfds * sizeof(struct file *));
	if (!skb->fp)
		return -ENOMEM;
	memcpy(skb->fp, scm->fp, scm->nfds * sizeof(struct file *));
	skb->nfds = scm->nfds;
	unix_inflight += scm->nfds;
	scm->nfds = 0;
	return 0;
}

static void rq_append(struct unix_sock *u, struct unix_skb *skb)
{
	skb->next = NULL;
	if (u->rq_tail)
		u->rq_tail->next = skb;
	else
		u->rq_head = skb;
	u->rq_tail = skb;
	u->rq_len++;
	u->rmem += skb->truesize;
}

static struct unix_skb *rq_pop(struct unix_sock *u)
{
	struct unix_skb *skb = u->rq_head;

	if (skb) {
		u->rq_head = skb->next;
		if (!u->rq_head)
			u->rq_tail = NULL;
		u->rq_len--;
		u->rmem -= skb->truesize;
	}
	return skb;
}

/* ---- names ---- */

static void unbind(struct unix_sock *u)
{
	for (struct unix_sock **pp = &unix_bound; *pp; pp = &(*pp)->next_bound) {
		if (*pp == u) {
			*pp = u->next_bound;
			break;
		}
	}
	if (u->inode)
		iput(u->inode);
	u->inode = NULL;
}

static bool is_abstract(const u8 *addr)
{
	return addr[SUN_PATH_OFFSET] == 0;
}

/* find_abstract - the live socket of type bound to the abstract name. */
static struct unix_sock *find_abstract(const u8 *addr, int len, int type)
{
	for (struct unix_sock *u = unix_bound; u; u = u->next_bound) {
		if (!u->inode && u->type == type && u->addr->len == len &&
		    !memcmp(u->addr->name + SUN_PATH_OFFSET,
			    addr + SUN_PATH_OFFSET, len - SUN_PATH_OFFSET))
			return u;
	}
	return NULL;
}

static struct unix_sock *find_by_inode(struct inode *inode)
{
	for (struct unix_sock *u = unix_bound; u; u = u->next_bound)
		if (u->inode == inode)
			return u;
	return NULL;
}

/* validate_addr - a sockaddr_un with a name (connect, sendto): 0 or -EINVAL. */
static int validate_addr(const u8 *addr, int len)
{
	u16 family;

	if (len <= SUN_PATH_OFFSET || len > SOCKADDR_UN_SIZE)
		return -EINVAL;
	memcpy(&family, addr, sizeof(family));
	return family == AF_UNIX ? 0 : -EINVAL;
}

/* path_of - the NUL-terminated path of a file-system name (addr has room
 * for the NUL after len bytes: SOCKADDR_MAX). */
static const char *path_of(u8 *addr, int len)
{
	addr[len] = 0;
	return (const char *)addr + SUN_PATH_OFFSET;
}

/* find_other - the socket addr names, referenced: a path must be a
 * socket we may write (EACCES), bound (ECONNREFUSED) and of our type
 * (EPROTOTYPE); an abstract name must be bound with our type. */
static struct unix_sock *find_other(u8 *addr, int len, int type, int *err)
{
	struct unix_sock *other;
	struct inode *inode;

	if (is_abstract(addr)) {
		other = find_abstract(addr, len, type);
		*err = -ECONNREFUSED;
	} else {
		*err = vfs_lookup(AT_FDCWD, path_of(addr, len), LOOKUP_FOLLOW, &inode);
		if (*err)
			return NULL;
		*err = inode_permission(inode, MAY_WRITE);
		other = NULL;
		if (!*err) {
			other = S_ISSOCK(inode->mode) ? find_by_inode(inode) : NULL;
			*err = !other ? -ECONNREFUSED :
			       other->type != type ? -EPROTOTYPE : 0;
			if (*err)
				other = NULL;
		}
		iput(inode);
	}
	if (other)
		unix_hold(other);
	return other;
}

static struct unix_address *new_address(const u8 *addr, int len)
{
	struct unix_address *a = kzalloc(sizeof(*a));

	if (a) {
		a->refs = 1;
		a->len = len;
		memcpy(a->name, addr, (size_t)len);
	}
	return a;
}

/* autobind - an unused abstract name of 5 hex digits (Linux's). */
static int unix_autobind(struct unix_sock *u)
{
	u8 addr[SOCKADDR_MAX] = { AF_UNIX, 0, 0 };

	if (u->addr)
		return 0;
	for (u32 tries = 0; tries <= 0xfffff; tries++) {
		ksnprintf((char *)addr + SUN_PATH_OFFSET + 1, 6, "%05x",
			  autobind_next++ & 0xfffff);
		if (find_abstract(addr, AUTOBIND_LEN, u->type))
			continue;
		u->addr = new_address(addr, AUTOBIND_LEN);
		if (!u->addr)
			return -ENOMEM;
		u->next_bound = unix_bound;
		unix_bound = u;
		return 0;
	}
	return -ENOSPC;
}

/* bind_path - create the socket's inode at the path: EADDRINUSE if the
 * name exists, the file system's error otherwise. */
static int bind_path(struct unix_sock *u, u8 *addr, int len)
{
	const char *path = path_of(addr, len);
	int plen = (int)strlen(path);
	int err;

	err = do_mknodat(AT_FDCWD, path, S_IFSOCK | 0777, 0);
	if (err)
		return err == -EEXIST ? -EADDRINUSE : err;
	err = vfs_lookup(AT_FDCWD, path, 0, &u->inode);
	if (err)
		return err;
	u->addr = new_address(addr, SUN_PATH_OFFSET + plen + 1);
	if (!u->addr) {
		iput(u->inode);
		u->inode = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int unix_bind(struct socket *sock, const u8 *uaddr, int len)
{
	struct unix_sock *u = unix_sk(sock);
	u8 addr[SOCKADDR_MAX + 1];
	u16 family;
	int err;

	if (len < SUN_PATH_OFFSET || len > SOCKADDR_UN_SIZE)
		return -EINVAL;
	memcpy(addr, uaddr, (size_t)len);
	memcpy(&family, addr, sizeof(family));
	if (family != AF_UNIX)
		return -EINVAL;
	if (len == SUN_PATH_OFFSET)
		return unix_autobind(u); /* bound already: nothing to do */
	if (u->addr)
		return -EINVAL;
	if (is_abstract(addr)) {
		if (find_abstract(addr, len, u->type))
			return -EADDRINUSE;
		u->addr = new_address(addr, len);
		if (!u->addr)
			return -ENOMEM;
	} else {
		err = bind_path(u, addr, len);
		if (err)
			return err;
	}
	u->next_bound = unix_bound;
	unix_bound = u;
	return 0;
}

static int unix_getname(struct socket *sock, u8 *addr, bool peer)
{
	struct unix_sock *u = unix_sk(sock);
	u16 family = AF_UNIX;

	if (peer) {
		u = u->peer;
		if (!u)
			return -ENOTCONN;
	}
	if (!u->addr) {
		memcpy(addr, &family, sizeof(family));
		return sizeof(family);
	}
	memcpy(addr, u->addr->name, (size_t)u->addr->len);
	return u->addr->len;
}

/* ---- connections ---- */

/* set_peer - u's peer becomes other (or none), references moved. */
static void set_peer(struct unix_sock *u, struct unix_sock *other)
{
	if (other)
		unix_hold(other);
	unix_put(u->peer);
	u->peer = other;
}

static int unix_socketpair(struct socket *a, struct socket *b)
{
	struct unix_sock *ua = unix_sk(a), *ub = unix_sk(b);

	set_peer(ua, ub);
	set_peer(ub, ua);
	ua->peercred = ub->peercred = current_creds();
	ua->has_peercred = ub->has_peercred = true;
	if (connection_oriented(ua))
		ua->state = ub->state = UNIX_CONNECTED;
	return 0;
}

static int unix_listen(struct socket *sock, int backlog)
{
	struct unix_sock *u = unix_sk(sock);

	if (!connection_oriented(u))
		return -EOPNOTSUPP;
	if (!u->addr || (u->state != UNIX_UNCONNECTED && u->state != UNIX_LISTEN))
		return -EINVAL;
	if ((unsigned)backlog > SOMAXCONN)
		backlog = SOMAXCONN;
	if ((u32)backlog > u->backlog)
		unix_wake(u); /* connectors waiting for room */
	u->backlog = (u32)backlog;
	u->state = UNIX_LISTEN;
	u->peercred = current_creds();
	u->has_peercred = true;
	return 0;
}

/* listener_ready - 0 when other takes a connection now, -EAGAIN when its
 * accept queue is full, or why it never will. */
static int listener_ready(struct unix_sock *other)
{
	if (other->dead || other->state != UNIX_LISTEN ||
	    (other->shutdown & RCV_SHUTDOWN))
		return -ECONNREFUSED;
	return other->aq_len > other->backlog ? -EAGAIN : 0;
}

/* queue_embryo - the server side of a new connection from u, on other's
 * accept queue, named name (len bytes) or, if NULL, as other: 0 or
 * -ENOMEM, -ENFILE. */
static int queue_embryo(struct unix_sock *u, struct unix_sock *other,
			const u8 *name, int len)
{
	struct unix_address *a = name ? new_address(name, len) : other->addr;
	struct unix_sock *n;

	if (!a)
		return -ENOMEM;
	if (!name)
		addr_get(a);
	n = unix_alloc(u->type);
	if (!n) {
		addr_put(a);
		return nr_unix_socks >= UNIX_SOCKETS_MAX ? -ENFILE : -ENOMEM;
	}
	n->state = u->state = UNIX_CONNECTED;
	n->lossy = other->lossy;
	set_peer(n, u);
	set_peer(u, n);
	n->addr = a;
	n->passcred = other->passcred;
	n->peercred = current_creds();
	n->has_peercred = true;
	u->peercred = other->peercred;
	u->has_peercred = true;
	if (other->aq_tail)
		other->aq_tail->aq_next = n;
	else
		other->aq_head = n;
	other->aq_tail = n;
	other->aq_len++; /* the queue holds n's first reference */
	unix_wake(other);
	return 0;
}

/* stream_connect_to - connect sock to the listener other (referenced by
 * the caller), waiting for room on its accept queue unless nonblock; the
 * server side is named name (len bytes) or, if NULL, as other. */
static int stream_connect_to(struct socket *sock, struct unix_sock *other,
			     const u8 *name, int len, bool nonblock)
{
	struct unix_sock *u = unix_sk(sock);
	u64 deadline = sock_deadline(sock->sndtimeo_ns);
	int err;

	while ((err = listener_ready(other)) == -EAGAIN && !nonblock) {
		err = sock_sleep(&other->wq, deadline);
		if (err)
			break;
	}
	if (!err && u->state != UNIX_UNCONNECTED) /* connected while we slept */
		err = -EISCONN;
	if (!err)
		err = queue_embryo(u, other, name, len);
	return err;
}

int unix_connect_to(struct socket *sock, struct socket *other, const u8 *name,
		    int len, bool nonblock)
{
	struct unix_sock *o = unix_sk(other);
	int err;

	if (unix_sk(sock)->state != UNIX_UNCONNECTED)
		return -EISCONN;
	unix_hold(o);
	err = stream_connect_to(sock, o, name, len, nonblock);
	unix_put(o);
	return err;
}

static int unix_stream_connect(struct socket *sock, const u8 *uaddr, int len,
			       bool nonblock)
{
	struct unix_sock *u = unix_sk(sock), *other;
	u8 addr[SOCKADDR_MAX + 1];
	int err;

	memcpy(addr, uaddr, (size_t)len);
	err = validate_addr(addr, len);
	if (err)
		return err;
	if (u->state != UNIX_UNCONNECTED)
		return u->state == UNIX_CONNECTED ? -EISCONN : -EINVAL;
	if (u->passcred && (err = unix_autobind(u)))
		return err;
	other = find_other(addr, len, u->type, &err);
	if (!other)
		return err;
	err = stream_connect_to(sock, other, NULL, 0, nonblock);
	unix_put(other);
	return err;
}

static int unix_accept(struct socket *sock, struct socket **newsock, bool nonblock)
{
	struct unix_sock *u = unix_sk(sock), *n;
	u64 deadline = sock_deadline(sock->rcvtimeo_ns);
	int err;

	if (!connection_oriented(u))
		return -EOPNOTSUPP;
	if (u->state != UNIX_LISTEN)
		return -EINVAL;
	while (!u->aq_head) {
		if (nonblock)
			return -EAGAIN;
		err = sock_sleep(&u->wq, deadline);
		if (err)
			return err;
		if (u->state != UNIX_LISTEN)
			return -EINVAL;
	}
	*newsock = sock_alloc(u->type, sock->ops);
	if (!*newsock)
		return -ENOMEM;
	n = u->aq_head;
	u->aq_head = n->aq_next;
	if (!u->aq_head)
		u->aq_tail = NULL;
	u->aq_len--;
	n->aq_next = NULL;
	n->sock = *newsock;
	(*newsock)->sk = n;
	unix_wake(u); /* room for a waiting connector */
	return 0;
}

/* unix_may_send - a datagram to other: unless other is connected, only
 * from its peer. */
static bool unix_may_send(struct unix_sock *u, struct unix_sock *other)
{
	return !other->peer || other->peer == u;
}

static int unix_dgram_connect(struct socket *sock, const u8 *uaddr, int len,
			      bool nonblock)
{
	struct unix_sock *u = unix_sk(sock), *other;
	u8 addr[SOCKADDR_MAX + 1];
	u16 family;
	int err;

	if (len < (int)sizeof(family))
		return -EINVAL;
	memcpy(addr, uaddr, (size_t)len);
	memcpy(&family, addr, sizeof(family));
	if (family == AF_UNSPEC) {
		set_peer(u, NULL);
		return 0;
	}
	err = validate_addr(addr, len);
	if (err)
		return err;
	if (u->passcred && (err = unix_autobind(u)))
		return err;
	other = find_other(addr, len, u->type, &err);
	if (!other)
		return err;
	err = unix_may_send(u, other) ? 0 : -EPERM;
	if (!err)
		set_peer(u, other);
	unix_put(other);
	return err;
}

static int unix_connect(struct socket *sock, const u8 *addr, int len, bool nonblock)
{
	if (connection_oriented(unix_sk(sock)))
		return unix_stream_connect(sock, addr, len, nonblock);
	return unix_dgram_connect(sock, addr, len, nonblock);
}

static int unix_shutdown(struct socket *sock, int how)
{
	struct unix_sock *u = unix_sk(sock), *peer = u->peer;
	u8 mode;

	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	mode = (u8)(how + 1); /* SHUT_RD: RCV_SHUTDOWN, SHUT_WR: SEND, both */
	u->shutdown |= mode;
	unix_wake(u);
	if (peer && connection_oriented(u)) {
		if (mode & RCV_SHUTDOWN)
			peer->shutdown |= SEND_SHUTDOWN;
		if (mode & SEND_SHUTDOWN)
			peer->shutdown |= RCV_SHUTDOWN;
		unix_wake(peer);
	}
	return 0;
}

/* unix_release_sk - the socket's owner is gone (its file was closed, or
 * it was an embryo never accepted): it is dead from now on. */
static void unix_release_sk(struct unix_sock *u, bool embryo)
{
	struct unix_sock *peer = u->peer, *n;
	struct unix_skb *skb;

	u->dead = true;
	u->shutdown = SHUTDOWN_MASK;
	unbind(u);
	if (peer) {
		if (connection_oriented(u)) {
			peer->shutdown = SHUTDOWN_MASK;
			if (u->rq_head || embryo)
				peer->err = ECONNRESET;
			unix_wake(peer);
		}
		set_peer(u, NULL);
	}
	while ((n = u->aq_head)) { /* connections never accepted */
		u->aq_head = n->aq_next;
		u->aq_len--;
		unix_release_sk(n, true);
	}
	u->aq_tail = NULL;
	while ((skb = rq_pop(u)))
		skb_free(skb);
	unix_wake(u);
	unix_put(u);
}

static void unix_release(struct socket *sock)
{
	struct unix_sock *u = unix_sk(sock);

	sock->sk = NULL;
	u->sock = NULL;
	unix_release_sk(u, false);
}

/* ---- sending ---- */

/* wait_wmem - wait until u may queue more (wmem below sndbuf): 0, -EPIPE
 * (u shut down for sending), -EAGAIN or -ERESTARTSYS. */
static int wait_wmem(struct socket *sock, struct unix_sock *u, bool nonblock)
{
	u64 deadline = sock_deadline(sock->sndtimeo_ns);
	int err;

	for (;;) {
		if (u->shutdown & SEND_SHUTDOWN)
			return -EPIPE;
		if (u->wmem < u->sndbuf)
			return 0;
		if (nonblock)
			return -EAGAIN;
		err = sock_sleep(&u->wq, deadline);
		if (err)
			return err;
	}
}

/* new_message - a message of len bytes from m (and its files, if scm):
 * NULL with *err. */
static struct unix_skb *new_message(struct unix_sock *u, struct kmsg *m,
				    size_t len, struct scm *scm, int *err)
{
	struct unix_skb *skb = skb_alloc(u, len, err);
	long n;

	if (!skb)
		return NULL;
	*err = scm ? skb_attach_scm(skb, scm) : 0;
	if (!*err && len) {
		n = uio_copy_in(&m->uio, skb->data, len);
		*err = n < 0 ? (int)n : (size_t)n < len ? -EFAULT : 0;
	}
	if (*err) {
		skb_free(skb);
		return NULL;
	}
	if (m->scm && m->scm->has_creds)
		skb->creds = m->scm->creds;
	return skb;
}

static long pipe_error(int flags)
{
	if (!(flags & MSG_NOSIGNAL))
		send_signal(current, SIGPIPE, NULL);
	return -EPIPE;
}

static long unix_stream_sendmsg(struct socket *sock, struct kmsg *m, int flags,
				bool nonblock)
{
	struct unix_sock *u = unix_sk(sock), *other = u->peer;
	struct scm *scm = m->scm;
	long sent = 0;
	int err;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (m->namelen)
		return u->state == UNIX_CONNECTED ? -EISCONN : -EOPNOTSUPP;
	if (!other)
		return -ENOTCONN;
	if (u->shutdown & SEND_SHUTDOWN)
		return pipe_error(flags);
	while (m->uio.len) {
		size_t size = MIN(m->uio.len, MIN(UNIX_STREAM_CHUNK,
						   u->sndbuf / 2 - 64));
		struct unix_skb *skb;

		err = wait_wmem(sock, u, nonblock);
		if (!err && (other->dead || (other->shutdown & RCV_SHUTDOWN)))
			err = -EPIPE;
		if (err)
			return sent ? sent : err == -EPIPE ? pipe_error(flags) : err;
		skb = new_message(u, m, size, sent ? NULL : scm, &err);
		if (!skb)
			return sent ? sent : err;
		rq_append(other, skb);
		unix_wake(other);
		sent += (long)size;
	}
	return sent;
}

/* dgram_target - where a datagram goes: the address given or the peer,
 * referenced. */
static struct unix_sock *dgram_target(struct unix_sock *u, struct kmsg *m,
				      int *err)
{
	if (m->to) {
		unix_hold(unix_sk(m->to));
		return unix_sk(m->to);
	}
	if (m->namelen) {
		*err = validate_addr(m->name, m->namelen);
		return *err ? NULL : find_other(m->name, m->namelen, u->type, err);
	}
	*err = -ENOTCONN;
	if (u->peer)
		unix_hold(u->peer);
	return u->peer;
}

/* dgram_room - 0 when other takes a datagram from u now, -EAGAIN when its
 * queue is full, or the error the send fails with. */
static int dgram_room(struct unix_sock *u, struct unix_sock *other)
{
	if (!unix_may_send(u, other))
		return -EPERM;
	if (other->dead)
		return u->type == SOCK_SEQPACKET ? -EPIPE : -ECONNREFUSED;
	if (other->shutdown & RCV_SHUTDOWN)
		return -EPIPE;
	if (other->peer != u && other->rq_len > UNIX_DGRAM_QLEN)
		return -EAGAIN;
	return 0;
}

static long unix_dgram_sendmsg(struct socket *sock, struct kmsg *m, int flags,
			       bool nonblock)
{
	struct unix_sock *u = unix_sk(sock), *other;
	u64 deadline = sock_deadline(sock->sndtimeo_ns);
	size_t len = m->uio.len;
	struct unix_skb *skb;
	int err;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (u->type == SOCK_SEQPACKET) {
		if (u->state != UNIX_CONNECTED)
			return -ENOTCONN;
		m->namelen = 0;
	}
	other = dgram_target(u, m, &err);
	if (!other)
		return err;
	if (u->passcred && (err = unix_autobind(u)))
		goto out;
	err = -EMSGSIZE;
	if (len > u->sndbuf - 32)
		goto out;
	if (u->lossy) { /* UDP: never waits; a datagram nobody takes is lost */
		err = u->shutdown & SEND_SHUTDOWN ? -EPIPE : 0;
		if (!err && (other->dead || other->rmem > other->rcvbuf)) {
			err = (int)len;
			goto out;
		}
		goto send;
	}
	err = wait_wmem(sock, u, nonblock);
	while (!err && (err = dgram_room(u, other)) == -EAGAIN && !nonblock)
		err = sock_sleep(&other->wq, deadline);
	if (err == -ECONNREFUSED && u->peer == other)
		set_peer(u, NULL);
	if (err)
		goto out;
send:
	skb = new_message(u, m, len, m->scm, &err);
	if (!skb)
		goto out;
	rq_append(other, skb);
	unix_wake(other);
	err = (int)len;
out:
	unix_put(other);
	return err;
}

static long unix_sendmsg(struct socket *sock, struct kmsg *m, int flags, bool nonblock)
{
	if (unix_sk(sock)->type == SOCK_STREAM)
		return unix_stream_sendmsg(sock, m, flags, nonblock);
	return unix_dgram_sendmsg(sock, m, flags, nonblock);
}

/* ---- receiving ---- */

/* take_files - the message's files into scm (peek: new references). */
static void take_files(struct unix_skb *skb, struct scm *scm, bool peek)
{
	if (!scm || scm->nfds || !skb->nfds)
		return;
	memcpy(scm->fp, skb->fp, skb->nfds * sizeof(struct file *));
	scm->nfds = skb->nfds;
	if (peek) {
		for (unsigned i = 0; i < skb->nfds; i++)
			file_get(skb->fp[i]);
		return;
	}
	unix_inflight -= skb->nfds;
	skb->nfds = 0;
	kfree(skb->fp);
	skb->fp = NULL;
}

static void report_creds(struct unix_sock *u, struct unix_skb *skb, struct scm *scm)
{
	if (u->passcred && scm) {
		scm->has_creds = true;
		scm->creds = skb->creds;
	}
}

/* wait_data - wait for a message on u: 0 (there is one), 1 (end of file:
 * shut down for reading), -errno (SO_ERROR, -EAGAIN, -ERESTARTSYS). */
static int wait_data(struct socket *sock, struct unix_sock *u, bool nonblock,
		     u64 deadline)
{
	int err;

	for (;;) {
		if (u->rq_head)
			return 0;
		if (u->err) {
			err = -u->err;
			u->err = 0;
			return err;
		}
		if (u->shutdown & RCV_SHUTDOWN)
			return 1;
		if (nonblock)
			return -EAGAIN;
		err = sock_sleep(&u->wq, deadline);
		if (err)
			return err;
	}
}

static void copy_sender_name(struct unix_skb *skb, struct kmsg *m)
{
	if (!skb->addr) {
		m->namelen = 0;
		return;
	}
	memcpy(m->name, skb->addr->name, (size_t)skb->addr->len);
	m->namelen = skb->addr->len;
}

static long unix_dgram_recvmsg(struct socket *sock, struct kmsg *m, int flags,
			       bool nonblock)
{
	struct unix_sock *u = unix_sk(sock);
	struct unix_skb *skb;
	size_t size, full;
	long n;
	int err;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (u->type == SOCK_SEQPACKET && u->state != UNIX_CONNECTED)
		return -ENOTCONN;
	err = wait_data(sock, u, nonblock, sock_deadline(sock->rcvtimeo_ns));
	if (err)
		return err > 0 ? 0 : err;
	skb = u->rq_head;
	if (m->name)
		copy_sender_name(skb, m);
	full = skb->len;
	size = MIN(m->uio.len, full);
	if (size < skb->len)
		m->flags |= MSG_TRUNC;
	n = size ? uio_copy_out(&m->uio, skb->data, size) : 0;
	if (n >= 0 && (size_t)n < size)
		n = -EFAULT;
	if (n < 0) { /* Linux has taken the datagram off the queue: lost */
		if (!(flags & MSG_PEEK)) {
			rq_pop(u);
			skb_free(skb);
			unix_wake(u);
		}
		return n;
	}
	report_creds(u, skb, m->scm);
	take_files(skb, m->scm, flags & MSG_PEEK);
	if (!(flags & MSG_PEEK)) {
		rq_pop(u);
		skb_free(skb);
		unix_wake(u); /* room for datagram senders */
	}
	return flags & MSG_TRUNC ? (long)full : n;
}

static long unix_stream_recvmsg(struct socket *sock, struct kmsg *m, int flags,
				bool nonblock)
{
	struct unix_sock *u = unix_sk(sock);
	u64 deadline = sock_deadline(sock->rcvtimeo_ns);
	size_t target = flags & MSG_WAITALL ? m->uio.len : 1;
	bool peek = flags & MSG_PEEK;
	struct unix_skb *skb = NULL;
	size_t copied = 0, skip = 0;
	int err = 0;

	if (u->state != UNIX_CONNECTED)
		return -EINVAL;
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	while (m->uio.len) {
		skb = peek ? (skb ? skb->next : u->rq_head) : u->rq_head;
		if (!skb) {
			if (copied >= target || (peek && copied))
				break;
			err = wait_data(sock, u, nonblock, deadline);
			if (err)
				break;
			continue;
		}
		if (copied && u->passcred && m->scm && m->scm->has_creds &&
		    memcmp(&skb->creds, &m->scm->creds, sizeof(skb->creds)))
			break; /* credentials change: the next read reports them */
		if (copied && skb->nfds)
			break; /* its files come with the next read */
		if (!copied && m->name)
			copy_sender_name(skb, m);
		report_creds(u, skb, m->scm);
		skip = skb->off;
		{
			size_t chunk = MIN(skb->len - skip, m->uio.len);
			long n = chunk ? uio_copy_out(&m->uio, skb->data + skip, chunk) : 0;

			if (n >= 0 && (size_t)n < chunk)
				n = -EFAULT; /* nothing of this piece is consumed */
			if (n < 0) {
				err = (int)n;
				break;
			}
			copied += (size_t)n;
			take_files(skb, m->scm, peek);
			if (peek) {
				if (skb->nfds)
					break;
				continue;
			}
			skb->off += (size_t)n;
			if (skb->off < skb->len)
				break;
			rq_pop(u);
			if (m->scm && m->scm->nfds) {
				skb_free(skb);
				break;
			}
			skb_free(skb);
		}
	}
	if (copied)
		return (long)copied;
	return err > 0 ? 0 : err;
}

static long unix_recvmsg(struct socket *sock, struct kmsg *m, int flags, bool nonblock)
{
	if (unix_sk(sock)->type == SOCK_STREAM)
		return unix_stream_recvmsg(sock, m, flags, nonblock);
	return unix_dgram_recvmsg(sock, m, flags, nonblock);
}

/* ---- poll, options ---- */

static bool unix_writable(const struct unix_sock *u)
{
	return u->state != UNIX_LISTEN && (u->lossy || (u->wmem << 2) <= u->sndbuf);
}

static unsigned unix_poll(struct socket *sock)
{
	struct unix_sock *u = unix_sk(sock), *other = u->peer;
	unsigned mask = 0;

	if (u->err)
		mask |= POLLERR;
	if (u->shutdown == SHUTDOWN_MASK)
		mask |= POLLHUP;
	if (u->shutdown & RCV_SHUTDOWN)
		mask |= POLLIN | POLLRDNORM | POLLRDHUP;
	if (u->rq_head || u->aq_head)
		mask |= POLLIN | POLLRDNORM;
	if (connection_oriented(u) && u->state == UNIX_UNCONNECTED)
		mask |= POLLHUP;
	if (u->state == UNIX_LISTEN)
		return mask;
	if (unix_writable(u) &&
	    !(u->type != SOCK_STREAM && other && other->peer != u &&
	      other->rq_len > UNIX_DGRAM_QLEN))
		mask |= POLLOUT | POLLWRNORM;
	return mask;
}

static int unix_fionread(struct socket *sock)
{
	struct unix_sock *u = unix_sk(sock);
	size_t n = 0;

	if (u->state == UNIX_LISTEN)
		return -EINVAL;
	for (struct unix_skb *skb = u->rq_head; skb; skb = skb->next) {
		n += skb->len - skb->off;
		if (u->type != SOCK_STREAM)
			break;
	}
	return (int)MIN(n, (size_t)0x7fffffff);
}

static int unix_getsockopt(struct socket *sock, int name, void *val, int *len)
{
	struct unix_sock *u = unix_sk(sock);
	struct ucred none = { 0, (u32)-1, (u32)-1 };
	int v;

	switch (name) {
	case SO_PEERCRED:
		memcpy(val, u->has_peercred ? &u->peercred : &none, sizeof(none));
		*len = sizeof(none);
		return 0;
	case SO_ERROR:
		v = u->err;
		u->err = 0;
		break;
	case SO_SNDBUF:
		v = (int)u->sndbuf;
		break;
	case SO_RCVBUF:
		v = (int)u->rcvbuf;
		break;
	case SO_PASSCRED:
		v = u->passcred;
		break;
	case SO_ACCEPTCONN:
		v = u->state == UNIX_LISTEN;
		break;
	default:
		return -ENOPROTOOPT;
	}
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
}

/* buf_size - SO_SNDBUF/SO_RCVBUF as Linux sets them: doubled (for its
 * bookkeeping), at most twice the maximum, at least the minimum. */
static u32 buf_size(int v, u32 min)
{
	u32 n = (u32)MIN((unsigned)v, (unsigned)SOCK_BUF_MAX) * 2;

	return MAX(n, min);
}

static int unix_setsockopt(struct socket *sock, int name, const void *val, int len)
{
	struct unix_sock *u = unix_sk(sock);
	int v;

	memcpy(&v, val, sizeof(v));
	switch (name) {
	case SO_SNDBUF:
		u->sndbuf = buf_size(v, SOCK_MIN_SNDBUF);
		unix_wake(u);
		return 0;
	case SO_RCVBUF:
		u->rcvbuf = buf_size(v, SOCK_MIN_RCVBUF);
		return 0;
	case SO_PASSCRED:
		u->passcred = v != 0;
		return 0;
	}
	return -ENOPROTOOPT;
}

const struct proto_ops unix_ops = {
	.family = AF_UNIX,
	.bind = unix_bind,
	.connect = unix_connect,
	.listen = unix_listen,
	.accept = unix_accept,
	.getname = unix_getname,
	.socketpair = unix_socketpair,
	.sendmsg = unix_sendmsg,
	.recvmsg = unix_recvmsg,
	.shutdown = unix_shutdown,
	.poll = unix_poll,
	.getsockopt = unix_getsockopt,
	.setsockopt = unix_setsockopt,
	.release = unix_release,
	.fionread = unix_fionread,
};

int unix_create(struct socket *sock)
{
	return unix_create_core(sock, false);
}

int unix_create_core(struct socket *sock, bool lossy)
{
	struct unix_sock *u;

	if (sock->type == SOCK_RAW)
		sock->type = SOCK_DGRAM; /* as Linux: BSD had it */
	if (sock->type != SOCK_STREAM && sock->type != SOCK_DGRAM &&
	    sock->type != SOCK_SEQPACKET)
		return -ESOCKTNOSUPPORT;
	u = unix_alloc(sock->type);
	if (!u)
		return nr_unix_socks >= UNIX_SOCKETS_MAX ? -ENFILE : -ENOMEM;
	u->sock = sock;
	u->lossy = lossy;
	sock->sk = u;
	sock->ops = &unix_ops;
	return 0;
}

int unix_set_name(struct socket *sock, const u8 *name, int len)
{
	struct unix_sock *u = unix_sk(sock);
	struct unix_address *a = new_address(name, len);

	if (!a)
		return -ENOMEM;
	addr_put(u->addr);
	u->addr = a;
	return 0;
}

int unix_sock_error(struct socket *sock)
{
	struct unix_sock *u = unix_sk(sock);
	int err = u->err;

	u->err = 0;
	return -err;
}

void unix_set_error(struct socket *sock, int err)
{
	struct unix_sock *u = unix_sk(sock);

	u->err = err;
	unix_wake(u);
}
