/*
 * net/net.h - the socket layer: what socket.c (the system calls,
 * the open-file side) and a family (af_unix.c) share.
 *
 *	socket.c   socket, socketpair, bind, listen, accept(4), connect,
 *	           sendto, recvfrom, sendmsg, recvmsg, shutdown,
 *	           getsockname, getpeername, getsockopt, setsockopt; a
 *	           socket as an open file (read, write, poll, fstat, close);
 *	           copying addresses and control messages (SCM_RIGHTS,
 *	           SCM_CREDENTIALS) across the user boundary.
 *	af_unix.c  AF_UNIX: names, connections, the receive queues; its
 *	           queues are also the core that AF_INET is built on.
 *	af_inet.c  AF_INET and AF_INET6 over the loopback: TCP and UDP
 *	           ports and addresses on top of af_unix.c's queues.
 *
 * A socket is an inode (S_IFSOCK, on the sockfs device) and an open file
 * whose private data is a struct socket; the family keeps its own state
 * in socket->sk and does the work through struct proto_ops, as in Linux.
 * AF_UNIX, AF_INET and AF_INET6 exist: every other family is EAFNOSUPPORT.
 */
#ifndef NET_NET_H
#define NET_NET_H

#include "fs/vfs.h"
#include <vmos/types.h>
#include "kernel/wait.h"

#define S_ISSOCK(m) (((m) & S_IFMT) == S_IFSOCK)
#define POLLRDHUP 0x2000
#define EDOM 33

/* Error numbers of the socket calls (Linux's values). */
#define ENOTSOCK 88
#define EDESTADDRREQ 89
#define EMSGSIZE 90
#define EPROTOTYPE 91
#define ENOPROTOOPT 92
#define EPROTONOSUPPORT 93
#define ESOCKTNOSUPPORT 94
#define EAFNOSUPPORT 97
#define EADDRINUSE 98
#define ECONNABORTED 103
#define ECONNRESET 104
#define ENOBUFS 105
#define EISCONN 106
#define ENOTCONN 107
#define ETOOMANYREFS 109
#define ECONNREFUSED 111
#define EINPROGRESS 115
#define ENETUNREACH 101
#define EADDRNOTAVAIL 99
#define EALREADY 114

/* Families, types and type flags (Linux's values). */
#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define AF_MAX 46
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_SEQPACKET 5
#define SOCK_MAX 11
#define SOCK_TYPE_MASK 0xf
#define SOCK_NONBLOCK O_NONBLOCK
#define SOCK_CLOEXEC O_CLOEXEC

/* send and recv flags (MSG_*). */
#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_CTRUNC 0x8
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_EOR 0x80
#define MSG_WAITALL 0x100
#define MSG_NOSIGNAL 0x4000
#define MSG_CMSG_CLOEXEC 0x40000000

/* shutdown(how) and the bits a socket keeps of it. */
#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2
#define RCV_SHUTDOWN 1
#define SEND_SHUTDOWN 2
#define SHUTDOWN_MASK 3

/* Socket options at level SOL_SOCKET (Linux's values). */
#define SOL_SOCKET 1
#define SO_DEBUG 1
#define SO_REUSEADDR 2
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_DONTROUTE 5
#define SO_BROADCAST 6
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_KEEPALIVE 9
#define SO_OOBINLINE 10
#define SO_LINGER 13
#define SO_REUSEPORT 15
#define SO_PASSCRED 16
#define SO_PEERCRED 17
#define SO_RCVLOWAT 18
#define SO_SNDLOWAT 19
#define SO_RCVTIMEO 20
#define SO_SNDTIMEO 21
#define SO_ACCEPTCONN 30
#define SO_PEERSEC 31
#define SO_SNDBUFFORCE 32
#define SO_RCVBUFFORCE 33
#define SO_PROTOCOL 38
#define SO_DOMAIN 39

/* Control messages at level SOL_SOCKET. */
#define SCM_RIGHTS 1
#define SCM_CREDENTIALS 2
#define SCM_MAX_FD 253 /* descriptors one message may carry */

/* Buffer sizes (net.core.wmem_default and friends, Linux's defaults). */
#define SOCK_BUF_DEFAULT 212992
#define SOCK_BUF_MAX 212992
#define SOCK_MIN_SNDBUF 4608
#define SOCK_MIN_RCVBUF 2304

#define SOCKFS_DEV MKDEV(0, 8) /* st_dev of every socket (Linux's sockfs) */
#define SOCKADDR_MAX 128       /* struct sockaddr_storage */

/* The credentials a message or a connection carries (struct ucred). */
struct ucred {
	s32 pid;
	u32 uid, gid;
};

/* What sendmsg hands a family and recvmsg gets back, in the kernel. */
struct scm {
	struct file *fp[SCM_MAX_FD]; /* SCM_RIGHTS: referenced files */
	unsigned nfds;
	bool has_creds;              /* SCM_CREDENTIALS given, or to report */
	struct ucred creds;
};

struct kmsg {
	struct uio uio;        /* the data */
	u8 *name;              /* send: the address (SOCKADDR_MAX bytes) */
	int namelen;           /* send: its length (0: none); recv: filled */
	struct scm *scm;       /* send: given; recv: filled (may be NULL) */
	int flags;             /* recv: MSG_TRUNC, MSG_CTRUNC set here */
	struct socket *to;     /* send: the receiver a family found itself
	                        * (AF_INET's UDP), instead of name */
};

struct socket;

/*
 * proto_ops - what a family does; socket.c has checked the arguments'
 * user side and holds the files.  Each returns 0 (or a length) or -errno.
 */
struct proto_ops {
	int family;
	int (*bind)(struct socket *sock, const u8 *addr, int len);
	int (*connect)(struct socket *sock, const u8 *addr, int len, bool nonblock);
	int (*listen)(struct socket *sock, int backlog);
	/* accept: a connected socket in *newsock (its own struct socket). */
	int (*accept)(struct socket *sock, struct socket **newsock, bool nonblock);
	/* getname: our (peer false) or the peer's address into addr: length. */
	int (*getname)(struct socket *sock, u8 *addr, bool peer);
	int (*socketpair)(struct socket *a, struct socket *b);
	long (*sendmsg)(struct socket *sock, struct kmsg *m, int flags, bool nonblock);
	long (*recvmsg)(struct socket *sock, struct kmsg *m, int flags, bool nonblock);
	int (*shutdown)(struct socket *sock, int how);
	unsigned (*poll)(struct socket *sock);
	/* getsockopt/setsockopt: SOL_SOCKET options the family answers
	 * (-ENOPROTOOPT: socket.c's generic ones). */
	int (*getsockopt)(struct socket *sock, int name, void *val, int *len);
	int (*setsockopt)(struct socket *sock, int name, const void *val, int len);
	/* release: the last close; sock->sk is the family's to free. */
	void (*release)(struct socket *sock);
	/* fionread: bytes waiting to be read. */
	int (*fionread)(struct socket *sock);
	/* proto_getsockopt/proto_setsockopt: options at a level other than
	 * SOL_SOCKET (NULL: -EOPNOTSUPP for every such level). */
	int (*proto_getsockopt)(struct socket *sock, int level, int name,
				void *val, int *len);
	int (*proto_setsockopt)(struct socket *sock, int level, int name,
				const void *val, int len);
};

struct inet_sock;

struct socket {
	int type;                    /* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	const struct proto_ops *ops;
	void *sk;                    /* the family's state */
	struct file *file;           /* the open file (not referenced) */
	u64 rcvtimeo_ns, sndtimeo_ns; /* SO_RCVTIMEO, SO_SNDTIMEO (0: none) */
	u64 bool_opts;               /* 1 << SO_*: options kept, not acted on */
	u32 linger[2];               /* SO_LINGER: l_onoff, l_linger */
	int rcvlowat;                /* SO_RCVLOWAT (kept, not acted on) */
	struct inet_sock *inet;      /* AF_INET: its ports (af_inet.c) */
};

/* ---- socket.c ---- */

/* sock_alloc - a new socket of type with ops (sk unset), or NULL. */
struct socket *sock_alloc(int type, const struct proto_ops *ops);
/* sock_free - free a socket that never got a file (accept's error path). */
void sock_free(struct socket *sock);
/* sock_sleep - with the condition checked: sleep on wq until woken, the
 * deadline (ns since boot, 0: none; -EAGAIN when it passed) or a signal
 * (-ERESTARTSYS).  0 when woken: check the condition again. */
int sock_sleep(struct wait_queue *wq, u64 deadline);
/* sock_deadline - the deadline of a wait starting now with timeout
 * timeo_ns (0: none). */
u64 sock_deadline(u64 timeo_ns);
/* is_socket_file - is f an open socket? */
bool is_socket_file(const struct file *f);

/* ---- af_unix.c ---- */

/* unix_create - set up sock (type checked: stream, dgram, seqpacket)
 * as an AF_UNIX socket: 0 or -ENFILE, -ENOMEM. */
int unix_create(struct socket *sock);

/*
 * The AF_UNIX core as another family uses it (af_inet.c): unix_ops does
 * the work on a socket made by unix_create_core, and the family names
 * the sockets and finds the one to connect or send to itself.
 */
extern const struct proto_ops unix_ops;
/* unix_create_core - as unix_create; lossy: datagrams as UDP's (a full
 * receiver loses them, a sender never waits for its unread ones). */
int unix_create_core(struct socket *sock, bool lossy);
/* unix_set_name - the name getname and the messages sock sends carry
 * (len bytes, at most SOCKADDR_MAX): 0 or -ENOMEM. */
int unix_set_name(struct socket *sock, const u8 *name, int len);
/* unix_connect_to - connect the stream socket sock to the listening
 * other, whose new server side is named name: 0 or -errno as connect. */
int unix_connect_to(struct socket *sock, struct socket *other, const u8 *name,
		    int len, bool nonblock);
/* unix_sock_error - take sock's pending error (-errno, 0: none), as
 * Linux's sock_error; unix_set_error - make err (positive) pending. */
int unix_sock_error(struct socket *sock);
void unix_set_error(struct socket *sock, int err);

/* ---- af_inet.c ---- */

/* inet_create - set up sock (type checked here) as an AF_INET or
 * AF_INET6 socket of protocol (0: the type's own): 0 or -errno as
 * Linux's socket(). */
int inet_create(struct socket *sock, int family, int protocol);
/* /proc/sys/net/ipv4/ip_local_port_range: the ports implicit binds take.
 * inet_set_port_range: 0 or -EINVAL (Linux's checks). */
void inet_get_port_range(u32 range[2]);
int inet_set_port_range(u32 low, u32 high);
struct pbuf;
/* inet_proc_show - /proc/net/tcp (type SOCK_STREAM) or udp (family
 * AF_INET), tcp6 or udp6 (AF_INET6). */
void inet_proc_show(struct pbuf *b, int family, int type);

#endif
