/*
 * net/af_inet.c - AF_INET and AF_INET6 sockets over the loopback
 * only: TCP and UDP between processes of this machine, on 127.0.0.0/8,
 * ::1 and the "any" addresses.
 *
 * There is no network device, no packet and no IP header: a TCP
 * connection is a pair of AF_UNIX stream queues and a UDP datagram an
 * AF_UNIX datagram, as TCP and UDP would be over a loopback that never
 * loses anything.  af_unix.c does the queues, the accept queue, poll and
 * the buffer accounting (unix_ops); this file adds what makes them
 * Internet sockets, addresses and ports, with Linux's rules:
 *
 *   ports    every socket is on inet_socks with its protocol (the socket
 *            type), local address (maybe INADDR_ANY) and port (0: not
 *            bound).  bind gives EADDRINUSE for an overlapping address on
 *            a port in use, unless both sockets set SO_REUSEADDR and (TCP)
 *            the other does not listen; port 0 and the implicit binds of
 *            connect, listen and sendto take a free port from
 *            ip_local_port_range.  An accepted socket shares its
 *            listener's port, as in Linux's bind buckets.  There is no
 *            TIME_WAIT: a port is free again at close.
 *   names    af_unix.c keeps each socket's name as the sockaddr_in (or
 *            sockaddr_in6) its peers see (unix_set_name): what accept,
 *            getpeername and recvfrom report.  A socket bound to any
 *            speaks from 127.0.0.1 (::1), the loopback route's source.
 *   TCP      connect finds the listener and asks unix_connect_to for the
 *            connection, at once; closing a socket with unread data
 *            resets its peer (ECONNRESET), as Linux's RST does.
 *   UDP      sendto finds the receiving socket itself (kmsg->to); a
 *            datagram for a port nobody has bound is lost, and a
 *            connected sender then gets ECONNREFUSED, as from the ICMP
 *            "port unreachable" Linux would receive.
 *   IPv6     an AF_INET6 socket bound to :: takes IPv4 peers too (they
 *            appear as ::ffff:127.0.0.1) unless IPV6_V6ONLY; inside this
 *            file every address is an IPv6 one, IPv4 ones mapped so.
 *
 * Every other destination is unreachable (ENETUNREACH): vmos has only lo.
 * /proc/net/tcp, udp, tcp6 and udp6 list the sockets (inet_proc_show).
 */
#include <vmos/errno.h>
#include "fs/procfmt.h"
#include "net/net.h"
#include "kernel/signal.h"
#include "kernel/task.h"
#include <vmos/format.h>
#include <vmos/string.h>
#include "mm/kmalloc.h"

#define IPPROTO_IP 0
#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define INADDR_ANY 0u
#define INADDR_LOOPBACK 0x7f000001u   /* 127.0.0.1 */
#define INADDR_BROADCAST 0xffffffffu
#define PROT_SOCK 1024                /* ip_unprivileged_port_start */
#define UDP_MAX_PAYLOAD 65507         /* 65535 - IP and UDP headers */
#define SIN_SIZE 16                   /* sizeof(struct sockaddr_in) */
#define SIN6_SIZE 28                  /* sizeof(struct sockaddr_in6) */
#define SIN6_MIN_SIZE 24              /* SIN6_LEN_RFC2133: no scope_id */
#define IPPROTO_IPV6 41
#define IPPROTO_ICMPV6 58
#define IPV6_V6ONLY 26

/* Options at levels IPPROTO_TCP and IPPROTO_IP (Linux's numbers). */
#define TCP_NODELAY 1
#define TCP_MAXSEG 2
#define TCP_CORK 3
#define TCP_KEEPIDLE 4
#define TCP_KEEPINTVL 5
#define TCP_KEEPCNT 6
#define IP_TOS 1
#define IP_TTL 2
#define TCP_MSS_DEFAULT 536
#define IP_DEFAULT_TTL 64

/* TCP states as /proc/net/tcp numbers them (Linux's); UDP uses two. */
#define TCP_ESTABLISHED 1
#define TCP_CLOSE 7
#define TCP_LISTEN 10
#define PROC_TCP_WIDTH 149 /* each line padded to it, as Linux's seq_pad */
#define PROC_UDP_WIDTH 127

/* The user's addresses: port and address in network byte order. */
struct sockaddr_in {
	u16 family;
	u16 port;
	u32 addr;
	u8 zero[8];
};

struct in6_addr {
	u8 s6_addr[16];
};

struct sockaddr_in6 {
	u16 family;
	u16 port;
	u32 flowinfo;
	struct in6_addr addr;
	u32 scope_id;
};

/*
 * An address inside this file is an IPv6 one; an IPv4 address a.b.c.d is
 * its "IPv4-mapped" form ::ffff:a.b.c.d (RFC 4291), as Linux's dual-stack
 * sockets see IPv4 peers.  An AF_INET socket's addresses are all mapped.
 */
static const struct in6_addr in6addr_any;
static const struct in6_addr in6addr_loopback = { { [15] = 1 } };

struct inet_sock {
	struct socket *sock;
	int family;          /* AF_INET or AF_INET6 */
	int type;            /* SOCK_STREAM: TCP; SOCK_DGRAM: UDP */
	struct in6_addr laddr; /* local address (any: unbound or any) */
	u16 lport;           /* local port (0: not bound) */
	u16 shown_port;      /* what getsockname shows unbound: a refused
	                      * connect's port (Linux's inet_sport) */
	bool v6only;         /* IPV6_V6ONLY: an AF_INET6 socket without IPv4 */
	bool listening;
	bool connected;      /* TCP: connected or accepted; UDP: has a peer */
	bool connecting;     /* connect said EINPROGRESS: the next one ends it */
	bool rcv_shut, snd_shut; /* shutdown() before or after connecting */
	bool reset;          /* TCP: the peer has reset the connection */
	bool user_addr, user_port; /* bind chose them (Linux's userlocks) */
	struct in6_addr daddr; /* UDP: the connected peer */
	u16 dport;
	struct in6_addr named; /* the address af_unix.c's name holds */
	u16 named_port;
	bool nodelay, cork;  /* kept, not acted on: nothing is ever delayed */
	int keepidle, keepintvl, keepcnt, ttl, tos;
	struct inet_sock *next;
};

static struct inet_sock *inet_socks;
/* /proc/sys/net/ipv4/ip_local_port_range: Linux's default. */
static u32 port_range[2] = { 32768, 60999 };
static u32 next_ephemeral;

static const struct proto_ops inet_ops, inet6_ops;

void inet_get_port_range(u32 range[2])
{
	range[0] = port_range[0];
	range[1] = port_range[1];
}

int inet_set_port_range(u32 low, u32 high)
{
	/* a range may not straddle ip_unprivileged_port_start */
	if (high < low || low < 1 || high > 65535 ||
	    (low < PROT_SOCK && high >= PROT_SOCK))
		return -EINVAL;
	port_range[0] = low;
	port_range[1] = high;
	return 0;
}

static struct inet_sock *inet_sk(struct socket *sock)
{
	return sock->inet;
}

static bool has_opt(const struct inet_sock *is, int opt)
{
	return (is->sock->bool_opts >> opt) & 1;
}

/* ---- addresses ---- */

static struct in6_addr v4mapped(u32 a)
{
	struct in6_addr x = { { [10] = 0xff, [11] = 0xff } };
	u32 be = __builtin_bswap32(a);

	memcpy(&x.s6_addr[12], &be, sizeof(be));
	return x;
}

static bool is_v4mapped(const struct in6_addr *a)
{
	static const u8 prefix[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(a->s6_addr, prefix, sizeof(prefix));
}

/* v4_of - the IPv4 address of a mapped one (host order). */
static u32 v4_of(const struct in6_addr *a)
{
	u32 be;

	memcpy(&be, &a->s6_addr[12], sizeof(be));
	return __builtin_bswap32(be);
}

static bool addr_eq(const struct in6_addr *a, const struct in6_addr *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* is_any - INADDR_ANY (mapped) or in6addr_any. */
static bool is_any(const struct in6_addr *a)
{
	return addr_eq(a, &in6addr_any) ||
	       (is_v4mapped(a) && v4_of(a) == INADDR_ANY);
}

static bool is_loopback(const struct in6_addr *a)
{
	return is_v4mapped(a) ? (v4_of(a) >> 24) == 127 :
	       addr_eq(a, &in6addr_loopback);
}

/* is_local - may a socket bind to a? (Linux: a local, multicast or
 * broadcast address, or any.) */
static bool is_local(const struct in6_addr *a)
{
	u32 v4 = v4_of(a);

	if (!is_v4mapped(a))
		return is_any(a) || is_loopback(a) || a->s6_addr[0] == 0xff;
	return is_any(a) || is_loopback(a) || (v4 >> 28) == 0xe ||
	       v4 == INADDR_BROADCAST;
}

/* source_for - the address a socket bound to any speaks from to dest:
 * the loopback of dest's family (Linux's route gives 127.0.0.1, ::1). */
static struct in6_addr source_for(const struct inet_sock *is,
				  const struct in6_addr *dest)
{
	if (!is_any(&is->laddr))
		return is->laddr;
	return is_v4mapped(dest) ? v4mapped(INADDR_LOOPBACK) : in6addr_loopback;
}

/* ---- names ---- */

static u16 family_of(const u8 *addr)
{
	return (u16)(addr[0] | addr[1] << 8);
}

/* make_name - the sockaddr of family for addr:port into out: its length
 * (an AF_INET name of an IPv6 address cannot be: it comes out as any). */
static int make_name(u8 *out, int family, const struct in6_addr *a, u16 port)
{
	struct sockaddr_in sin = { AF_INET, __builtin_bswap16(port), 0, { 0 } };
	struct sockaddr_in6 sin6 = { AF_INET6, __builtin_bswap16(port), 0, *a, 0 };

	if (family == AF_INET6) {
		memcpy(out, &sin6, sizeof(sin6));
		return SIN6_SIZE;
	}
	if (is_v4mapped(a))
		sin.addr = __builtin_bswap32(v4_of(a));
	memcpy(out, &sin, sizeof(sin));
	return SIN_SIZE;
}

/* read_name - an AF_INET or AF_INET6 name (as make_name makes them). */
static void read_name(const u8 *name, int len, struct in6_addr *a, u16 *port)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	if (family_of(name) == AF_INET6 && len >= SIN6_SIZE) {
		memcpy(&sin6, name, sizeof(sin6));
		*a = sin6.addr;
		*port = __builtin_bswap16(sin6.port);
		return;
	}
	memcpy(&sin, name, sizeof(sin));
	*a = v4mapped(__builtin_bswap32(sin.addr));
	*port = __builtin_bswap16(sin.port);
}

/* name_for - a name another socket made, rewritten for family (an IPv6
 * socket sees an IPv4 peer as ::ffff:a.b.c.d): its new length. */
static int name_for(u8 *name, int len, int family)
{
	struct in6_addr a;
	u16 port;

	if (len < SIN_SIZE || family_of(name) == family)
		return len;
	read_name(name, len, &a, &port);
	return make_name(name, family, &a, port);
}

/* parse_name - a user's address for a socket of family: 0, -EINVAL
 * (short) or -EAFNOSUPPORT (another family; AF_UNSPEC passes where
 * Linux lets it: unspec_ok; so does AF_INET on an IPv6 socket where
 * v4_ok, as udpv6_sendmsg takes it). */
static int parse_name(int family, const u8 *addr, int len, bool unspec_ok,
		      bool v4_ok, struct in6_addr *a, u16 *port)
{
	u16 f = len >= 2 ? family_of(addr) : AF_UNSPEC;
	struct sockaddr_in6 sin6 = { 0 };
	struct sockaddr_in sin;

	if (family == AF_INET6 && !(v4_ok && f == AF_INET)) {
		if (len < SIN6_MIN_SIZE)
			return -EINVAL;
		memcpy(&sin6, addr, (size_t)MIN(len, SIN6_SIZE));
		*a = sin6.addr;
		*port = __builtin_bswap16(sin6.port);
		return f == AF_INET6 || (unspec_ok && f == AF_UNSPEC) ? 0 :
		       -EAFNOSUPPORT;
	}
	if (len < SIN_SIZE)
		return -EINVAL;
	memcpy(&sin, addr, sizeof(sin));
	*a = v4mapped(__builtin_bswap32(sin.addr));
	*port = __builtin_bswap16(sin.port);
	return f == AF_INET || (unspec_ok && f == AF_UNSPEC) ? 0 : -EAFNOSUPPORT;
}

/* name_as - af_unix.c's name for the socket: what its peers see. */
static int name_as(struct inet_sock *is, const struct in6_addr *a, u16 port)
{
	u8 name[SOCKADDR_MAX];
	int err;

	if (addr_eq(&is->named, a) && is->named_port == port)
		return 0;
	err = unix_set_name(is->sock, name, make_name(name, is->family, a, port));
	if (!err) {
		is->named = *a;
		is->named_port = port;
	}
	return err;
}

/* set_local - the socket's local address and port (port 0: unbound). */
static int set_local(struct inet_sock *is, const struct in6_addr *a, u16 port)
{
	int err = name_as(is, a, port);

	if (!err) {
		is->laddr = *a;
		is->lport = port;
	}
	return err;
}

/* any_of - the "any" address of a socket's own family. */
static struct in6_addr any_of(const struct inet_sock *is)
{
	return is->family == AF_INET ? v4mapped(INADDR_ANY) : in6addr_any;
}

/* ---- ports ---- */

/* What a bound socket takes of each family: none, one address or all;
 * an AF_INET6 socket bound to :: takes IPv4 too, unless IPV6_V6ONLY. */
enum span { SPAN_NONE, SPAN_ONE, SPAN_ALL };

static enum span span_of(const struct inet_sock *is, bool v4)
{
	if (is_v4mapped(&is->laddr))
		return !v4 ? SPAN_NONE : is_any(&is->laddr) ? SPAN_ALL : SPAN_ONE;
	if (!is_any(&is->laddr))
		return v4 ? SPAN_NONE : SPAN_ONE;
	return v4 && is->v6only ? SPAN_NONE : SPAN_ALL;
}

/* addr_overlap - do two bound sockets take a common address? */
static bool addr_overlap(const struct inet_sock *a, const struct inet_sock *b)
{
	for (int v4 = 0; v4 < 2; v4++) {
		enum span x = span_of(a, v4), y = span_of(b, v4);

		if (x && y && (x == SPAN_ALL || y == SPAN_ALL ||
			       addr_eq(&a->laddr, &b->laddr)))
			return true;
	}
	return false;
}

/* takes - the socket's score for a packet to dest (-1: not for it; a
 * specific address before any). */
static int takes(const struct inet_sock *is, const struct in6_addr *dest)
{
	switch (span_of(is, is_v4mapped(dest))) {
	case SPAN_ALL:
		return 0;
	case SPAN_ONE:
		return addr_eq(&is->laddr, dest) ? 1 : -1;
	default:
		return -1;
	}
}

/* port_conflict - would is, on its address and port, clash with another
 * socket of its protocol (Linux's inet_csk_bind_conflict and
 * udp_lib_lport_inuse)? */
static bool port_conflict(const struct inet_sock *is, u16 port)
{
	for (struct inet_sock *o = inet_socks; o; o = o->next) {
		if (o == is || o->type != is->type || o->lport != port ||
		    !addr_overlap(o, is))
			continue;
		if (has_opt(is, SO_REUSEPORT) && has_opt(o, SO_REUSEPORT))
			continue; /* (Linux also asks for the same owner) */
		if (!has_opt(is, SO_REUSEADDR) || !has_opt(o, SO_REUSEADDR) ||
		    (is->type == SOCK_STREAM && o->listening))
			return true;
	}
	return false;
}

static bool port_in_use(int type, u16 port)
{
	for (struct inet_sock *o = inet_socks; o; o = o->next)
		if (o->type == type && o->lport == port)
			return true;
	return false;
}

/* inet_autobind - bind is to a and a free ephemeral port: 0, the error
 * given when every port is taken (bind: EADDRINUSE, connect:
 * EADDRNOTAVAIL, sendto: EAGAIN, as Linux), or -ENOMEM. */
static int inet_autobind(struct inet_sock *is, const struct in6_addr *a,
			 int full_err)
{
	u32 low = port_range[0], n = port_range[1] - port_range[0] + 1;

	for (u32 i = 0; i < n; i++) {
		u16 port = (u16)(low + next_ephemeral++ % n);

		if (!port_in_use(is->type, port))
			return set_local(is, a, port);
	}
	return full_err;
}

/* tcp_lookup - the listener for dest:port (a specific address before
 * any), or NULL. */
static struct inet_sock *tcp_lookup(const struct in6_addr *dest, u16 port)
{
	struct inet_sock *best = NULL;
	int best_score = -1, score;

	for (struct inet_sock *o = inet_socks; o; o = o->next) {
		if (o->type != SOCK_STREAM || !o->listening || o->lport != port)
			continue;
		score = takes(o, dest);
		if (score > best_score) {
			best = o;
			best_score = score;
		}
	}
	return best;
}

/* udp_lookup - the socket a datagram from src:sport to dest:dport
 * reaches: bound to dport on dest or any and, if connected, to the
 * sender; the most specific one (Linux's compute_score), or NULL. */
static struct inet_sock *udp_lookup(const struct in6_addr *dest, u16 dport,
				    const struct in6_addr *src, u16 sport)
{
	struct inet_sock *best = NULL;
	int best_score = -1, score;

	for (struct inet_sock *o = inet_socks; o; o = o->next) {
		if (o->type != SOCK_DGRAM || o->lport != dport)
			continue;
		score = takes(o, dest);
		if (score < 0 || (o->connected && (!addr_eq(&o->daddr, src) ||
						   o->dport != sport)))
			continue;
		score += 2 * o->connected;
		if (score > best_score) {
			best = o;
			best_score = score;
		}
	}
	return best;
}

/* ---- creating and releasing ---- */

static struct inet_sock *inet_alloc(struct socket *sock, int family, int type)
{
	struct inet_sock *is = kzalloc(sizeof(*is));

	if (!is)
		return NULL;
	is->sock = sock;
	is->family = family;
	is->type = type;
	is->laddr = is->named = any_of(is);
	is->daddr = is->laddr;
	is->keepidle = 7200;
	is->keepintvl = 75;
	is->keepcnt = 9;
	is->ttl = -1;
	is->next = inet_socks;
	inet_socks = is;
	sock->inet = is;
	return is;
}

/* inet_protocol - the protocol socket(AF_INET, type, protocol) makes, or
 * -errno (Linux's inet_create: its table of types and protocols). */
static int inet_protocol(int type, int protocol)
{
	switch (type) {
	case SOCK_STREAM:
		return !protocol || protocol == IPPROTO_TCP ? IPPROTO_TCP :
		       -EPROTONOSUPPORT;
	case SOCK_DGRAM:
		if (protocol == IPPROTO_ICMP || protocol == IPPROTO_ICMPV6)
			return -EACCES; /* a ping socket: not for us */
		return !protocol || protocol == IPPROTO_UDP ? IPPROTO_UDP :
		       -EPROTONOSUPPORT;
	case SOCK_RAW: /* no packets to give: only a privileged caller
			* learns that */
		return current->cred.euid == 0 ? -EPROTONOSUPPORT : -EPERM;
	}
	return -ESOCKTNOSUPPORT;
}

int inet_create(struct socket *sock, int family, int protocol)
{
	int err = inet_protocol(sock->type, protocol);

	if (err < 0)
		return err;
	err = unix_create_core(sock, sock->type == SOCK_DGRAM);
	if (err)
		return err;
	sock->ops = family == AF_INET6 ? &inet6_ops : &inet_ops;
	if (!inet_alloc(sock, family, sock->type)) {
		unix_ops.release(sock);
		return -ENOMEM;
	}
	return 0;
}

static void inet_release(struct socket *sock)
{
	struct inet_sock *is = inet_sk(sock);

	if (is) {
		for (struct inet_sock **pp = &inet_socks; *pp; pp = &(*pp)->next) {
			if (*pp == is) {
				*pp = is->next;
				break;
			}
		}
		kfree(is);
		sock->inet = NULL;
	}
	unix_ops.release(sock);
}

/* ---- bind, listen, accept ---- */

/* bind_addr_ok - may is bind to a: 0, -EINVAL (an IPv4 address on an
 * IPV6_V6ONLY socket) or -EADDRNOTAVAIL (not this machine's). */
static int bind_addr_ok(const struct inet_sock *is, const struct in6_addr *a)
{
	if (is->family == AF_INET6 && is_v4mapped(a) && is->v6only)
		return -EINVAL;
	return is_local(a) ? 0 : -EADDRNOTAVAIL;
}

static int inet_bind(struct socket *sock, const u8 *uaddr, int len)
{
	struct inet_sock *is = inet_sk(sock);
	struct in6_addr a;
	u16 port;
	int err;

	err = parse_name(is->family, uaddr, len, is->family == AF_INET, false,
			 &a, &port);
	if (err)
		return err;
	if (family_of(uaddr) == AF_UNSPEC && !is_any(&a))
		return -EAFNOSUPPORT; /* AF_UNSPEC only for "any" (Linux) */
	/* Linux's order: inet_bind asks about the address before the
	 * port's privilege, inet6_bind after it and after EINVAL */
	if (is->family == AF_INET && (err = bind_addr_ok(is, &a)))
		return err;
	if (port && port < PROT_SOCK && current->cred.euid != 0)
		return -EACCES;
	if (is->lport || is->connected || is->connecting)
		return -EINVAL;
	if (is->family == AF_INET6 && (err = bind_addr_ok(is, &a)))
		return err;
	if (!port) {
		err = inet_autobind(is, &a, -EADDRINUSE);
	} else {
		struct in6_addr old = is->laddr;

		is->laddr = a; /* port_conflict looks at it */
		err = port_conflict(is, port) ? -EADDRINUSE : set_local(is, &a, port);
		if (err)
			is->laddr = old;
	}
	if (!err) {
		is->user_addr = !is_any(&a);
		is->user_port = port != 0;
	}
	return err;
}

static int inet_listen(struct socket *sock, int backlog)
{
	struct inet_sock *is = inet_sk(sock);
	struct in6_addr any = any_of(is);
	int err;

	if (is->type != SOCK_STREAM)
		return -EOPNOTSUPP;
	if (is->connected || is->connecting)
		return -EINVAL;
	if (!is->lport)
		err = inet_autobind(is, &any, -EADDRINUSE);
	else /* SO_REUSEADDR let it share a port nobody listened on */
		err = !is->listening && port_conflict(is, is->lport) ?
		      -EADDRINUSE : 0;
	if (!err)
		err = unix_ops.listen(sock, backlog);
	if (!err)
		is->listening = true;
	return err;
}

static int inet_accept(struct socket *sock, struct socket **newsock, bool nonblock)
{
	struct inet_sock *is = inet_sk(sock), *n;
	u8 name[SOCKADDR_MAX];
	int err, len;

	err = unix_ops.accept(sock, newsock, nonblock);
	if (err)
		return err;
	(*newsock)->bool_opts = sock->bool_opts; /* as Linux's sk_clone */
	n = inet_alloc(*newsock, is->family, SOCK_STREAM);
	if (!n) {
		sock_free(*newsock);
		*newsock = NULL;
		return -ENOMEM;
	}
	len = unix_ops.getname(*newsock, name, false); /* named at connect */
	read_name(name, len, &n->laddr, &n->lport);
	n->named = n->laddr;
	n->named_port = n->lport;
	n->v6only = is->v6only;
	n->connected = true;
	return 0;
}

static int inet_getname(struct socket *sock, u8 *addr, bool peer)
{
	struct inet_sock *is = inet_sk(sock);

	if (!peer)
		return make_name(addr, is->family, &is->laddr,
				 is->lport ? is->lport : is->shown_port);
	if (!is->connected)
		return -ENOTCONN;
	if (is->type == SOCK_DGRAM)
		return make_name(addr, is->family, &is->daddr, is->dport);
	return name_for(addr, unix_ops.getname(sock, addr, true), is->family);
}

static int inet_socketpair(struct socket *a, struct socket *b)
{
	return -EOPNOTSUPP;
}

/* ---- connect ---- */

/* connect_dest - where a connect or sendto of is goes: 0 with *dest (any
 * means this machine's loopback), or -ENETUNREACH: vmos has only lo. */
static int connect_dest(const struct inet_sock *is, struct in6_addr *dest)
{
	if (addr_eq(dest, &in6addr_any))
		*dest = is_v4mapped(&is->laddr) ? v4mapped(INADDR_LOOPBACK) :
			in6addr_loopback;
	else if (is_v4mapped(dest) && v4_of(dest) == INADDR_ANY)
		*dest = v4mapped(INADDR_LOOPBACK);
	if (is_v4mapped(dest) && is->family == AF_INET6 && is->v6only)
		return -ENETUNREACH;
	if (!is_any(&is->laddr) && is_v4mapped(&is->laddr) != is_v4mapped(dest))
		return -ENETUNREACH; /* bound to the other family */
	return is_loopback(dest) ? 0 : -ENETUNREACH;
}

/* bind_source - before connecting: bind is to an ephemeral port if it
 * has none, and to the loopback address it speaks from if bound to any. */
static int bind_source(struct inet_sock *is, const struct in6_addr *dest,
		       int full_err)
{
	struct in6_addr a = source_for(is, dest);

	if (!is->lport)
		return inet_autobind(is, &a, full_err);
	return set_local(is, &a, is->lport);
}

static int udp_connect(struct inet_sock *is, const u8 *uaddr, int len)
{
	struct in6_addr dest, a;
	u16 dport;
	int err;

	if (family_of(uaddr) == AF_UNSPEC) { /* dissolve the association */
		is->connected = false;
		/* what connect chose goes, as in Linux's __udp_disconnect */
		a = is->user_addr ? is->laddr : any_of(is);
		return set_local(is, &a, is->user_port ? is->lport : 0);
	}
	err = parse_name(is->family, uaddr, len, false, false, &dest, &dport);
	if (!err)
		err = connect_dest(is, &dest);
	if (!err)
		err = bind_source(is, &dest, -EAGAIN);
	if (err)
		return err;
	is->daddr = dest;
	is->dport = dport;
	is->connected = true;
	return 0;
}

/* tcp_connect_done - the second connect after EINPROGRESS: its outcome
 * (ECONNABORTED for a failure whose error SO_ERROR took already). */
static int tcp_connect_done(struct inet_sock *is)
{
	int err = unix_sock_error(is->sock);

	is->connecting = false;
	if (!err && !is->connected)
		err = -ECONNABORTED;
	return err;
}

static int inet_connect(struct socket *sock, const u8 *uaddr, int len, bool nonblock)
{
	struct inet_sock *is = inet_sk(sock), *listener;
	bool autobound = !is->lport;
	u8 name[SOCKADDR_MAX];
	struct in6_addr dest, any = any_of(is);
	u16 dport;
	int err;

	if (len < 2)
		return -EINVAL;
	if (is->type == SOCK_DGRAM)
		return udp_connect(is, uaddr, len);
	if (is->connecting)
		return tcp_connect_done(is);
	if (is->connected || is->listening)
		return -EISCONN;
	if (family_of(uaddr) == AF_UNSPEC)
		return 0; /* "disconnect" an unconnected socket */
	err = parse_name(is->family, uaddr, len, false, false, &dest, &dport);
	if (!err)
		err = connect_dest(is, &dest);
	if (!err)
		err = bind_source(is, &dest, -EADDRNOTAVAIL);
	if (err)
		return err;
	listener = tcp_lookup(&dest, dport);
	err = listener ? unix_connect_to(sock, listener->sock, name,
					 make_name(name, listener->family, &dest, dport),
					 nonblock) :
	      -ECONNREFUSED;
	if (err == -ECONNREFUSED && nonblock) { /* the RST comes after */
		unix_set_error(sock, ECONNREFUSED);
		err = -EINPROGRESS;
		is->connecting = true;
	} else if (!err) {
		is->connected = true;
		if (nonblock) { /* Linux returns before the handshake */
			is->connecting = true;
			err = -EINPROGRESS;
		}
	}
	if (err && err != -EINPROGRESS && autobound) { /* the port is free */
		is->shown_port = is->lport;
		set_local(is, &any, 0);
	}
	return err;
}

/* ---- sending and receiving ---- */

static long pipe_error(int flags)
{
	if (!(flags & MSG_NOSIGNAL))
		send_signal(current, SIGPIPE, NULL);
	return -EPIPE;
}

/* udp_dest - where a datagram goes: the address given or the peer. */
static int udp_dest(struct inet_sock *is, struct kmsg *m, struct in6_addr *dest,
		    u16 *dport)
{
	int err;

	/* AF_UNSPEC: AF_INET to an IPv4 socket, no address to an IPv6 one */
	if (m->namelen && (is->family == AF_INET || family_of(m->name) != AF_UNSPEC)) {
		err = parse_name(is->family, m->name, m->namelen, true,
				 !is->v6only, dest, dport);
		if (err)
			return is->family == AF_INET6 ? -EINVAL : err;
		return *dport ? 0 : -EINVAL;
	}
	if (!is->connected)
		return -EDESTADDRREQ;
	*dest = is->daddr;
	*dport = is->dport;
	return 0;
}

/* udp_sendmsg - a datagram to the address given or the connected peer. */
static long udp_sendmsg(struct socket *sock, struct kmsg *m, int flags,
			bool nonblock)
{
	struct inet_sock *is = inet_sk(sock), *to;
	struct in6_addr dest, src;
	u16 dport;
	int err;

	if (m->uio.len > UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	err = udp_dest(is, m, &dest, &dport);
	if (!err)
		err = connect_dest(is, &dest);
	if (!err && !is->lport)
		err = inet_autobind(is, &is->laddr, -EAGAIN);
	if (!err)
		err = unix_sock_error(sock);
	if (err)
		return err;
	src = source_for(is, &dest);
	to = udp_lookup(&dest, dport, &src, is->lport);
	if (!to) { /* lost; "port unreachable" tells a connected sender */
		if (is->connected)
			unix_set_error(sock, ECONNREFUSED);
		return (long)m->uio.len;
	}
	err = name_as(is, &src, is->lport); /* what the receiver sees */
	if (err)
		return err;
	m->to = to->sock;
	m->namelen = 0;
	return unix_ops.sendmsg(sock, m, flags, nonblock);
}

static long inet_sendmsg(struct socket *sock, struct kmsg *m, int flags, bool nonblock)
{
	struct inet_sock *is = inet_sk(sock);
	size_t len;
	long n;
	int err;

	if (is->type == SOCK_DGRAM)
		return udp_sendmsg(sock, m, flags, nonblock);
	err = unix_sock_error(sock); /* a reset is reported once */
	if (err) {
		is->reset = true;
		return err;
	}
	if (!is->connected)
		return pipe_error(flags);
	m->namelen = 0; /* TCP ignores a destination */
	len = m->uio.len;
	n = unix_ops.sendmsg(sock, m, flags | MSG_NOSIGNAL, nonblock);
	if (n != -EPIPE)
		return n;
	if (!is->snd_shut && !is->reset) {
		/* the peer has closed: Linux's first write still goes out
		 * (and is lost), the RST it draws fails the next one */
		is->reset = true;
		return (long)len;
	}
	return pipe_error(flags);
}

static long inet_recvmsg(struct socket *sock, struct kmsg *m, int flags, bool nonblock)
{
	struct inet_sock *is = inet_sk(sock);
	long n;

	if (is->type == SOCK_STREAM) {
		if (!is->connected)
			return is->rcv_shut && !is->listening ? 0 : -ENOTCONN;
		m->name = NULL; /* TCP reports no address */
		n = unix_ops.recvmsg(sock, m, flags, nonblock);
		if (n == -ECONNRESET)
			is->reset = true;
		return n;
	}
	n = unix_ops.recvmsg(sock, m, flags, nonblock);
	if (n >= 0 && m->name && m->namelen)
		m->namelen = name_for(m->name, m->namelen, is->family);
	return n;
}

static int inet_shutdown(struct socket *sock, int how)
{
	struct inet_sock *is = inet_sk(sock);
	int err;

	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	is->rcv_shut |= how != SHUT_WR;
	is->snd_shut |= how != SHUT_RD;
	if (is->listening)
		return how == SHUT_WR ? 0 : unix_ops.shutdown(sock, how);
	err = unix_ops.shutdown(sock, how);
	return err ? err : is->connected ? 0 : -ENOTCONN;
}

/* ---- options ---- */

static int inet_getsockopt(struct socket *sock, int name, void *val, int *len)
{
	struct ucred none = { 0, 65534, 65534 }; /* no peer credentials */
	int v;

	switch (name) {
	case SO_PROTOCOL:
		v = sock->type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
		break;
	case SO_PEERCRED:
		memcpy(val, &none, sizeof(none));
		*len = sizeof(none);
		return 0;
	default:
		return unix_ops.getsockopt(sock, name, val, len);
	}
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
}

/* tcp_option - where is keeps TCP option name, or NULL. */
static int *tcp_option(struct inet_sock *is, int name)
{
	switch (name) {
	case TCP_KEEPIDLE: return &is->keepidle;
	case TCP_KEEPINTVL: return &is->keepintvl;
	case TCP_KEEPCNT: return &is->keepcnt;
	}
	return NULL;
}

static int inet_proto_getsockopt(struct socket *sock, int level, int name,
				 void *val, int *len)
{
	struct inet_sock *is = inet_sk(sock);
	int v, *p;

	if (level == IPPROTO_TCP && is->type == SOCK_STREAM) {
		p = tcp_option(is, name);
		v = p ? *p : name == TCP_NODELAY ? is->nodelay :
		    name == TCP_CORK ? is->cork :
		    name == TCP_MAXSEG ? TCP_MSS_DEFAULT : -1;
		if (!p && v < 0)
			return -ENOPROTOOPT;
	} else if (level == IPPROTO_IP) {
		if (name != IP_TTL && name != IP_TOS)
			return -ENOPROTOOPT;
		v = name == IP_TOS ? is->tos :
		    is->ttl < 0 ? IP_DEFAULT_TTL : is->ttl;
	} else if (level == IPPROTO_IPV6 && is->family == AF_INET6) {
		if (name != IPV6_V6ONLY)
			return -ENOPROTOOPT;
		v = is->v6only;
	} else { /* Linux's ip_getsockopt (unlike its setsockopt) */
		return is->family == AF_INET6 ? -ENOPROTOOPT : -EOPNOTSUPP;
	}
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
}

static int inet_proto_setsockopt(struct socket *sock, int level, int name,
				 const void *val, int len)
{
	struct inet_sock *is = inet_sk(sock);
	int v, *p;

	memcpy(&v, val, sizeof(v));
	if (level == IPPROTO_TCP && is->type == SOCK_STREAM) {
		if (name == TCP_NODELAY || name == TCP_CORK) {
			*(name == TCP_NODELAY ? &is->nodelay : &is->cork) = v != 0;
			return 0;
		}
		p = tcp_option(is, name);
		if (!p)
			return -ENOPROTOOPT;
		if (v < 1 || v > (name == TCP_KEEPCNT ? 127 : 32767))
			return -EINVAL;
		*p = v;
		return 0;
	}
	if (level == IPPROTO_IP && name == IP_TTL) {
		if (v != -1 && (v < 1 || v > 255))
			return -EINVAL;
		is->ttl = v;
		return 0;
	}
	if (level == IPPROTO_IP && name == IP_TOS) {
		is->tos = v & 0xff;
		return 0;
	}
	if (level == IPPROTO_IPV6 && is->family == AF_INET6 && name == IPV6_V6ONLY) {
		if (is->lport)
			return -EINVAL; /* only before it is bound */
		is->v6only = v != 0;
		return 0;
	}
	return -ENOPROTOOPT;
}

/* What af_unix.c does as for its own sockets. */
static unsigned inet_poll(struct socket *sock)
{
	return unix_ops.poll(sock);
}

static int inet_setsockopt(struct socket *sock, int name, const void *val, int len)
{
	return unix_ops.setsockopt(sock, name, val, len);
}

static int inet_fionread(struct socket *sock)
{
	return unix_ops.fionread(sock);
}

/* AF_INET and AF_INET6 share every call; the socket's family decides
 * what an address means. */
#define INET_PROTO_OPS(fam) {						\
	.family = fam,							\
	.bind = inet_bind,						\
	.connect = inet_connect,					\
	.listen = inet_listen,						\
	.accept = inet_accept,						\
	.getname = inet_getname,					\
	.socketpair = inet_socketpair,					\
	.sendmsg = inet_sendmsg,					\
	.recvmsg = inet_recvmsg,					\
	.shutdown = inet_shutdown,					\
	.poll = inet_poll,						\
	.getsockopt = inet_getsockopt,					\
	.setsockopt = inet_setsockopt,					\
	.release = inet_release,					\
	.fionread = inet_fionread,					\
	.proto_getsockopt = inet_proto_getsockopt,			\
	.proto_setsockopt = inet_proto_setsockopt,			\
}

static const struct proto_ops inet_ops = INET_PROTO_OPS(AF_INET);
static const struct proto_ops inet6_ops = INET_PROTO_OPS(AF_INET6);

/* ---- /proc/net/tcp, udp, tcp6 and udp6 ---- */

/* inet_state - the state number of a socket /proc/net lists, or 0 for
 * one it does not (TCP: neither listening nor connected; UDP: unbound). */
static int inet_state(const struct inet_sock *is)
{
	if (!is->lport)
		return 0;
	if (is->type == SOCK_STREAM)
		return is->listening ? TCP_LISTEN : is->connected ? TCP_ESTABLISHED : 0;
	return is->connected ? TCP_ESTABLISHED : TCP_CLOSE;
}

/* proc_addr - an address as Linux prints it: its bytes in network order
 * read as native 32-bit words (one for IPv4, four for IPv6), ":PORT". */
static int proc_addr(char *out, size_t n, int family, const struct in6_addr *a,
		     u16 port)
{
	u32 w[4];

	memcpy(w, a->s6_addr, sizeof(w));
	if (family == AF_INET)
		return ksnprintf(out, n, "%08X:%04X", w[3], port);
	return ksnprintf(out, n, "%08X%08X%08X%08X:%04X", w[0], w[1], w[2], w[3],
			 port);
}

/* inet_proc_row - a socket's line, in Linux's format for its file (the
 * IPv4 lines padded with blanks, as its seq_pad). */
static void inet_proc_row(struct pbuf *b, struct inet_sock *is, int i, int state)
{
	struct file *f = is->sock->file;
	struct in6_addr peer = is->family == AF_INET ? v4mapped(0) : in6addr_any;
	u16 pport = 0;
	u8 name[SOCKADDR_MAX];
	int rx = state == TCP_LISTEN ? 0 : unix_ops.fionread(is->sock), len;
	char line[200], local[48], remote[48];

	len = inet_getname(is->sock, name, true);
	if (len > 0)
		read_name(name, len, &peer, &pport);
	proc_addr(local, sizeof(local), is->family, &is->laddr, is->lport);
	proc_addr(remote, sizeof(remote), is->family, &peer, pport);
	ksnprintf(line, sizeof(line),
		  "%*d: %s %s %02X %08X:%08X 00:00000000 %08X %5u %8d %lu %d "
		  "0000000000000000 %s", is->type == SOCK_STREAM ? 4 : 5, i,
		  local, remote, state, 0, rx < 0 ? 0 : rx, 0,
		  f ? f->inode->uid : 0, 0, f ? (unsigned long)f->inode->ino : 0,
		  2, is->type == SOCK_STREAM ? "100 0 0 10 0" : "0");
	if (is->family == AF_INET6)
		pbuf_printf(b, "%s\n", line);
	else
		pbuf_printf(b, "%-*s\n", is->type == SOCK_STREAM ? PROC_TCP_WIDTH :
			    PROC_UDP_WIDTH, line);
}

static void inet_proc_header(struct pbuf *b, int family, int type)
{
	const char *names = family == AF_INET ? "local_address rem_address  " :
			    "local_address                         "
			    "remote_address                       ";
	const char *udp = type == SOCK_DGRAM ? " ref pointer drops" : "";
	char line[200];

	ksnprintf(line, sizeof(line), "%s  sl  %s st tx_queue rx_queue tr "
		  "tm->when retrnsmt   uid  timeout inode%s",
		  family == AF_INET && type == SOCK_DGRAM ? " " : "", names, udp);
	if (family == AF_INET6)
		pbuf_printf(b, "%s\n", line);
	else
		pbuf_printf(b, "%-*s\n", type == SOCK_STREAM ? PROC_TCP_WIDTH :
			    PROC_UDP_WIDTH, line);
}

void inet_proc_show(struct pbuf *b, int family, int type)
{
	int i = 0, state;

	inet_proc_header(b, family, type);
	for (struct inet_sock *is = inet_socks; is; is = is->next)
		if (is->family == family && is->type == type &&
		    (state = inet_state(is)))
			inet_proc_row(b, is, i++, state);
}
