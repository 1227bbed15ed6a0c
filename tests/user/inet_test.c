/*
 * tests/user/inet_test.c - AF_INET sockets over the loopback
 * (net/af_inet.c): TCP echo across fork, UDP with ports, bind's
 * errors and SO_REUSEADDR, ephemeral ports, getsockname/getpeername,
 * MSG_PEEK, shutdown, EPIPE, the reset of a close with unread data,
 * non-blocking accept and connect, poll, options, AF_INET6 (::1 and
 * dual-stack sockets), /proc/net.  Run as init by the
 * harness (init=/tests/inet_test); TAP on the console, a leak check at
 * the end.  It passes on Linux 6.1 too (tools/abi_peer.py; there it
 * brings lo up first, and only the leak check, which reads /proc/kmem,
 * fails).
 */
#define _GNU_SOURCE
#include "tap.h"
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#define PORT_LOW 32768
#define PORT_HIGH 60999

static struct sockaddr_in sin_of(uint32_t addr, uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(addr) };
	return a;
}

static int bind_to(int s, uint32_t addr, uint16_t port)
{
	struct sockaddr_in a = sin_of(addr, port);

	return bind(s, (struct sockaddr *)&a, sizeof(a));
}

static int connect_to(int s, uint32_t addr, uint16_t port)
{
	struct sockaddr_in a = sin_of(addr, port);

	return connect(s, (struct sockaddr *)&a, sizeof(a));
}

/* name_of - getsockname (peer 0) or getpeername: the address, or port 0. */
static struct sockaddr_in name_of(int s, int peer)
{
	struct sockaddr_in a = { 0 };
	socklen_t len = sizeof(a);

	if ((peer ? getpeername : getsockname)(s, (struct sockaddr *)&a, &len) ||
	    len != sizeof(a))
		a.sin_port = 0;
	return a;
}

static uint16_t port_of(int s)
{
	return ntohs(name_of(s, 0).sin_port);
}

/* listener - a TCP socket listening on 127.0.0.1 and a port picked by the
 * kernel; *port: the port. */
static int listener(uint16_t *port)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0 || bind_to(s, INADDR_LOOPBACK, 0) || listen(s, 8))
		return -1;
	*port = port_of(s);
	return s;
}

/* tcp_pair - a connected client (sv[0]) and its accepted server side. */
static int tcp_pair(int sv[2])
{
	uint16_t port;
	int l = listener(&port);

	sv[0] = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || sv[0] < 0 || connect_to(sv[0], INADDR_LOOPBACK, port))
		return -1;
	sv[1] = accept(l, NULL, NULL);
	close(l);
	return sv[1] < 0 ? -1 : 0;
}

static void t_socket_errors(void)
{
	int sv[2], v = 0;
	socklen_t len = sizeof(v);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	CHECK(s >= 0, "socket(AF_INET, SOCK_STREAM)");
	CHECK(getsockopt(s, SOL_SOCKET, SO_DOMAIN, &v, &len) == 0 && v == AF_INET,
	      "SO_DOMAIN %d", v);
	CHECK(getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &v, &len) == 0 &&
	      v == IPPROTO_TCP, "SO_PROTOCOL %d", v);
	close(s);
	s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	CHECK(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len) == 0 && v == SOCK_DGRAM,
	      "SO_TYPE %d", v);
	close(s);
	CHECK_ERR(socket(AF_INET, SOCK_SEQPACKET, 0), ESOCKTNOSUPPORT);
	CHECK_ERR(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
	CHECK_ERR(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), EPROTONOSUPPORT);
	CHECK_ERR(socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP);
	if (setuid(1000) == 0)
		CHECK_ERR(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), EPERM);
}

/* TCP echo: a child connects and sends, the parent accepts and echoes. */
static void t_tcp_echo(void)
{
	uint16_t port;
	int l = listener(&port);
	struct sockaddr_in peer;
	socklen_t len = sizeof(peer);
	char buf[64];

	CHECK(l >= 0 && port >= PORT_LOW && port <= PORT_HIGH, "port %u", port);
	pid_t pid = fork();
	if (pid == 0) {
		int c = socket(AF_INET, SOCK_STREAM, 0);
		if (connect_to(c, INADDR_LOOPBACK, port))
			_exit(2);
		struct sockaddr_in me = name_of(c, 0), him = name_of(c, 1);
		if (me.sin_addr.s_addr != htonl(INADDR_LOOPBACK) ||
		    ntohs(me.sin_port) < PORT_LOW || ntohs(him.sin_port) != port)
			_exit(3);
		if (write(c, "hello", 5) != 5 || read(c, buf, sizeof(buf)) != 5 ||
		    memcmp(buf, "HELLO", 5))
			_exit(4);
		_exit(read(c, buf, 1) == 0 ? 0 : 5); /* then end of file */
	}
	int a = accept4(l, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
	CHECK(a >= 0 && len == sizeof(peer) && peer.sin_family == AF_INET &&
	      peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK), "accept4 peer");
	CHECK(fcntl(a, F_GETFD) == FD_CLOEXEC, "SOCK_CLOEXEC");
	CHECK(port_of(a) == port && ntohs(name_of(a, 1).sin_port) ==
	      ntohs(peer.sin_port), "accepted names");
	CHECK(read(a, buf, sizeof(buf)) == 5, "read");
	for (int i = 0; i < 5; i++)
		buf[i] = (char)(buf[i] - 32);
	CHECK(write(a, buf, 5) == 5, "echo");
	close(a);
	int status;
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "client %x", status);
	close(l);
}

static void t_bind(void)
{
	int a = socket(AF_INET, SOCK_STREAM, 0), b = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in six = sin_of(INADDR_LOOPBACK, 0);
	int one = 1;

	CHECK(bind_to(a, INADDR_ANY, 0) == 0, "bind port 0");
	uint16_t port = port_of(a);
	CHECK(port >= PORT_LOW && port <= PORT_HIGH, "ephemeral %u", port);
	CHECK(name_of(a, 0).sin_addr.s_addr == 0, "bound to any");
	CHECK_ERR(bind_to(a, INADDR_ANY, 0), EINVAL);
	CHECK_ERR(bind_to(b, INADDR_LOOPBACK, port), EADDRINUSE);
	CHECK_ERR(bind_to(b, 0x0a000001, 0), EADDRNOTAVAIL);
	CHECK_ERR(bind(b, (struct sockaddr *)&six, sizeof(six) - 1), EINVAL);
	six.sin_family = AF_INET6;
	CHECK_ERR(bind(b, (struct sockaddr *)&six, sizeof(six)), EAFNOSUPPORT);
	CHECK_ERR(getpeername(a, (struct sockaddr *)&six, &(socklen_t){ 16 }), ENOTCONN);
	close(a);
	CHECK(bind_to(b, INADDR_LOOPBACK, port) == 0, "port free at close");
	close(b);

	/* SO_REUSEADDR: shared while nobody listens, not once one does */
	a = socket(AF_INET, SOCK_STREAM, 0);
	b = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(a, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	CHECK(bind_to(a, INADDR_LOOPBACK, 0) == 0, "bind");
	port = port_of(a);
	CHECK(bind_to(b, INADDR_LOOPBACK, port) == 0, "both SO_REUSEADDR");
	CHECK(listen(a, 1) == 0, "listen");
	CHECK_ERR(listen(b, 1), EADDRINUSE);
	close(b);
	b = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	CHECK_ERR(bind_to(b, INADDR_ANY, port), EADDRINUSE);
	close(b);
	b = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(bind_to(b, INADDR_LOOPBACK, port) == 0, "UDP has its own ports");
	close(b);
	close(a);

	/* SO_REUSEPORT: two listeners on one port */
	a = socket(AF_INET, SOCK_STREAM, 0);
	b = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(a, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	setsockopt(b, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	CHECK(bind_to(a, INADDR_LOOPBACK, 0) == 0 && listen(a, 1) == 0, "first");
	CHECK(bind_to(b, INADDR_LOOPBACK, port_of(a)) == 0 && listen(b, 1) == 0,
	      "second listener");
	close(a);
	close(b);

	if (setuid(1000) == 0) {
		a = socket(AF_INET, SOCK_STREAM, 0);
		CHECK_ERR(bind_to(a, INADDR_LOOPBACK, 80), EACCES);
		CHECK(bind_to(a, INADDR_LOOPBACK, 1024) == 0 || errno == EADDRINUSE,
		      "1024 is not privileged");
	}
}

static void t_connect(void)
{
	int a = socket(AF_INET, SOCK_STREAM, 0), b = socket(AF_INET, SOCK_STREAM, 0);
	uint16_t port;

	CHECK(bind_to(a, INADDR_LOOPBACK, 0) == 0, "bind");
	port = port_of(a);
	CHECK_ERR(connect_to(b, INADDR_LOOPBACK, port), ECONNREFUSED);
	CHECK(name_of(b, 0).sin_addr.s_addr == 0, "a refused connect: any again");
	CHECK(bind_to(b, INADDR_ANY, port_of(b)) == 0, "its port is free");
	CHECK_ERR(connect_to(b, 0x0a000001, 80), ENETUNREACH);
	CHECK_ERR(connect(b, (struct sockaddr *)&(struct sockaddr_in){ .sin_family = AF_INET }, 8), EINVAL);
	CHECK(listen(a, 4) == 0, "listen");
	CHECK_ERR(connect_to(a, INADDR_LOOPBACK, port), EISCONN);
	CHECK(connect_to(b, INADDR_ANY, port) == 0, "connect to any is to lo");
	CHECK_ERR(connect_to(b, INADDR_LOOPBACK, port), EISCONN);
	CHECK(name_of(b, 1).sin_addr.s_addr == htonl(INADDR_LOOPBACK), "peer");
	CHECK(ntohs(name_of(b, 0).sin_port) >= PORT_LOW, "autobound");

	/* non-blocking: EINPROGRESS, writable, done at the next connect */
	int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), err = -1;
	socklen_t len = sizeof(err);
	CHECK_ERR(connect_to(c, INADDR_LOOPBACK, port), EINPROGRESS);
	struct pollfd p = { c, POLLOUT, 0 };
	CHECK(poll(&p, 1, 1000) == 1 && (p.revents & POLLOUT), "writable");
	CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0,
	      "SO_ERROR %d", err);
	CHECK(connect_to(c, INADDR_LOOPBACK, port) == 0, "connected");
	CHECK_ERR(connect_to(c, INADDR_LOOPBACK, port), EISCONN);
	close(c);

	/* non-blocking to nobody: EINPROGRESS, then the refusal */
	close(a);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	CHECK_ERR(connect_to(c, INADDR_LOOPBACK, port), EINPROGRESS);
	p.fd = c;
	CHECK(poll(&p, 1, 1000) == 1 && (p.revents & POLLERR), "error %x", p.revents);
	CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
	      err == ECONNREFUSED, "SO_ERROR %d", err);
	CHECK_ERR(connect_to(c, INADDR_LOOPBACK, port), ECONNABORTED);
	close(c);
	close(b);
}

static void t_udp(void)
{
	int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in from, to;
	socklen_t len = sizeof(from);
	char buf[64];

	CHECK(bind_to(a, INADDR_LOOPBACK, 0) == 0, "bind");
	to = name_of(a, 0);
	CHECK_ERR(send(b, "x", 1, 0), EDESTADDRREQ);
	CHECK(sendto(b, "ping", 4, 0, (struct sockaddr *)&to, sizeof(to)) == 4, "sendto");
	uint16_t bport = port_of(b);
	CHECK(bport >= PORT_LOW && bport <= PORT_HIGH && name_of(b, 0).sin_addr.s_addr == 0,
	      "autobound to any:%u", bport);
	CHECK(recvfrom(a, buf, 2, 0, (struct sockaddr *)&from, &len) == 2 &&
	      !memcmp(buf, "pi", 2), "truncated datagram");
	CHECK(len == sizeof(from) && ntohs(from.sin_port) == bport &&
	      from.sin_addr.s_addr == htonl(INADDR_LOOPBACK), "sender %x:%u",
	      ntohl(from.sin_addr.s_addr), ntohs(from.sin_port));
	CHECK_ERR(recv(a, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);

	/* sendmsg and recvmsg with names */
	struct iovec iov = { "msg", 3 };
	struct msghdr mh = { .msg_name = &to, .msg_namelen = sizeof(to),
			     .msg_iov = &iov, .msg_iovlen = 1 };
	CHECK(sendmsg(b, &mh, 0) == 3, "sendmsg");
	struct sockaddr_in6 big;
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	mh.msg_name = &big;
	mh.msg_namelen = sizeof(big);
	CHECK(recvmsg(a, &mh, 0) == 3 && mh.msg_namelen == sizeof(from) &&
	      ((struct sockaddr_in *)&big)->sin_port == htons(bport), "recvmsg");

	/* connected: the peer's name, and only the peer gets through */
	CHECK(connect(b, (struct sockaddr *)&to, sizeof(to)) == 0, "connect");
	CHECK(name_of(b, 0).sin_addr.s_addr == htonl(INADDR_LOOPBACK), "now lo");
	CHECK(ntohs(name_of(b, 1).sin_port) == ntohs(to.sin_port), "peer");
	CHECK(send(b, "abc", 3, 0) == 3, "send");
	CHECK(recv(a, buf, sizeof(buf), MSG_PEEK) == 3 &&
	      recv(a, buf, sizeof(buf), 0) == 3 && !memcmp(buf, "abc", 3), "peek, recv");
	int c = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in bname = name_of(b, 0);
	CHECK(sendto(c, "no", 2, 0, (struct sockaddr *)&bname, sizeof(bname)) == 2,
	      "sendto a connected socket");
	CHECK_ERR(recv(b, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	CHECK(sendto(a, "yes", 3, 0, (struct sockaddr *)&bname, sizeof(bname)) == 3,
	      "its peer");
	CHECK(recv(b, buf, sizeof(buf), 0) == 3, "from the peer");

	/* a connected socket learns that nobody listens (ICMP) */
	close(a);
	CHECK(send(b, "lost", 4, 0) == 4, "send to nobody");
	CHECK_ERR(recv(b, buf, sizeof(buf), 0), ECONNREFUSED);
	CHECK(connect(b, (struct sockaddr *)&(struct sockaddr){ AF_UNSPEC }, 16) == 0,
	      "dissolve");
	CHECK_ERR(getpeername(b, (struct sockaddr *)&from, &len), ENOTCONN);
	CHECK(port_of(b) == 0, "the port connect took is free again");
	close(b);
	close(c);
}

static void t_peek_shutdown(void)
{
	int sv[2];
	char buf[16];

	CHECK(tcp_pair(sv) == 0, "pair");
	CHECK_ERR(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	CHECK(send(sv[0], "data", 4, 0) == 4, "send");
	CHECK(recv(sv[1], buf, sizeof(buf), MSG_PEEK) == 4 &&
	      recv(sv[1], buf, 2, 0) == 2 && recv(sv[1], buf, sizeof(buf), 0) == 2 &&
	      !memcmp(buf, "ta", 2), "peek then read");
	CHECK(shutdown(sv[0], SHUT_WR) == 0, "shutdown");
	CHECK(recv(sv[1], buf, sizeof(buf), 0) == 0, "end of file");
	CHECK(send(sv[1], "back", 4, 0) == 4 && recv(sv[0], buf, 4, 0) == 4,
	      "the other way still works");
	signal(SIGPIPE, SIG_IGN);
	CHECK_ERR(send(sv[0], "x", 1, 0), EPIPE);
	signal(SIGPIPE, SIG_DFL);
	pid_t pid = fork();
	if (pid == 0) {
		write(sv[0], "x", 1);
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE, "SIGPIPE");
	int u = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_ERR(recv(u, buf, 1, 0), ENOTCONN);
	CHECK_ERR(shutdown(u, SHUT_RDWR), ENOTCONN);
	CHECK_ERR(shutdown(sv[0], 7), EINVAL);
	CHECK(recv(u, buf, 1, 0) == 0, "shut down unconnected: end of file");
	close(u);
	close(sv[0]);
	close(sv[1]);
}

/* A close with unread data resets the connection (Linux sends RST). */
static void t_reset(void)
{
	int sv[2];
	char buf[16];

	CHECK(tcp_pair(sv) == 0, "pair");
	CHECK(send(sv[0], "unread", 6, 0) == 6, "send");
	CHECK(send(sv[1], "for you", 7, 0) == 7, "send back");
	close(sv[1]);
	CHECK(recv(sv[0], buf, sizeof(buf), 0) == 7, "data sent before the reset");
	CHECK_ERR(recv(sv[0], buf, sizeof(buf), 0), ECONNRESET);
	CHECK(recv(sv[0], buf, sizeof(buf), 0) == 0, "then end of file");
	signal(SIGPIPE, SIG_IGN);
	CHECK_ERR(send(sv[0], "x", 1, 0), EPIPE);
	close(sv[0]);

	/* a write to a closed peer goes out; the reset fails the next */
	CHECK(tcp_pair(sv) == 0, "pair");
	close(sv[1]);
	signal(SIGPIPE, SIG_IGN);
	CHECK(send(sv[0], "x", 1, 0) == 1, "first write");
	CHECK_ERR(send(sv[0], "x", 1, 0), EPIPE);
	CHECK(recv(sv[0], buf, sizeof(buf), 0) == 0, "end of file");
	close(sv[0]);
}

static void t_accept_poll(void)
{
	uint16_t port;
	int l = listener(&port);
	struct pollfd p = { l, POLLIN, 0 };

	fcntl(l, F_SETFL, O_NONBLOCK);
	CHECK_ERR(accept(l, NULL, NULL), EAGAIN);
	CHECK(poll(&p, 1, 0) == 0, "nothing to accept");
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(connect_to(c, INADDR_LOOPBACK, port) == 0, "connect");
	CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLIN, "listener readable");
	int a = accept4(l, NULL, NULL, SOCK_NONBLOCK);
	CHECK(a >= 0 && (fcntl(a, F_GETFL) & O_NONBLOCK), "accept4 SOCK_NONBLOCK");
	struct pollfd q[2] = { { a, POLLIN | POLLOUT, 0 }, { c, POLLIN | POLLOUT, 0 } };
	CHECK(poll(q, 2, 0) == 2 && q[0].revents == POLLOUT && q[1].revents == POLLOUT,
	      "writable %x %x", q[0].revents, q[1].revents);
	write(c, "z", 1);
	CHECK(poll(q, 1, 0) == 1 && q[0].revents == (POLLIN | POLLOUT), "readable");
	int n = -1;
	CHECK(ioctl(a, FIONREAD, &n) == 0 && n == 1, "FIONREAD %d", n);
	close(c);
	CHECK(poll(q, 1, 0) == 1 && (q[0].revents & POLLIN), "hang-up readable");
	close(a);
	close(l);
}

static void t_options(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0);
	int v = -1, one = 1;
	socklen_t len = sizeof(v);

	CHECK(getsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, &len) == 0 && v == 0, "reuse");
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	CHECK(getsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, &len) == 0 && v == 1, "reuse 1");
	setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	CHECK(getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, &len) == 0 && v == 1, "keepalive");
	v = 10000;
	setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	CHECK(getsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, &len) == 0 && v == 20000,
	      "SO_SNDBUF doubled: %d", v);
	CHECK(getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, &len) == 0 && v == 0, "nodelay");
	CHECK(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0 &&
	      getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, &len) == 0 && v == 1, "nodelay 1");
	CHECK(getsockopt(s, IPPROTO_IP, IP_TTL, &v, &len) == 0 && v == 64, "ttl %d", v);
	CHECK_ERR(setsockopt(u, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)), ENOPROTOOPT);
	CHECK_ERR(getsockopt(u, IPPROTO_TCP, TCP_NODELAY, &v, &len), EOPNOTSUPP);
	CHECK_ERR(getsockopt(s, IPPROTO_IP, 4242, &v, &len), ENOPROTOOPT);
	CHECK_ERR(setsockopt(s, IPPROTO_TCP, 4242, &one, sizeof(one)), ENOPROTOOPT);
	CHECK_ERR(listen(u, 1), EOPNOTSUPP);
	/* fexecve refuses a socket (selftests exec/non-regular) */
	char *argv[] = { "x", NULL };
	CHECK_ERR(syscall(SYS_execveat, s, "", argv, argv, AT_EMPTY_PATH), EACCES);
	close(s);
	close(u);
}

static struct sockaddr_in6 sin6_of(const struct in6_addr *a, uint16_t port)
{
	struct sockaddr_in6 s = { .sin6_family = AF_INET6, .sin6_port = htons(port),
				  .sin6_addr = *a };
	return s;
}

static uint16_t port6_of(int s, int peer, struct in6_addr *a)
{
	struct sockaddr_in6 n = { 0 };
	socklen_t len = sizeof(n);

	if ((peer ? getpeername : getsockname)(s, (struct sockaddr *)&n, &len) ||
	    len != sizeof(n) || n.sin6_family != AF_INET6)
		return 0;
	if (a)
		*a = n.sin6_addr;
	return ntohs(n.sin6_port);
}

/* AF_INET6: ::1, and IPv4 peers of a dual-stack socket as ::ffff:a.b.c.d. */
static void t_inet6(void)
{
	struct in6_addr mapped_lo = { { { 0 } } }, a, db8 = { { { 0x20, 1, 0xd, 0xb8 } } };
	int v = -1, one = 1;
	socklen_t len = sizeof(v);
	char buf[16];

	mapped_lo.s6_addr[10] = mapped_lo.s6_addr[11] = 0xff;
	mapped_lo.s6_addr[12] = 127;
	mapped_lo.s6_addr[15] = 1;
	db8.s6_addr[15] = 1;

	/* a dual-stack listener on :: takes IPv4 and IPv6 clients */
	int l = socket(AF_INET6, SOCK_STREAM, 0);
	struct sockaddr_in6 n = sin6_of(&in6addr_any, 0);
	CHECK(l >= 0 && getsockopt(l, SOL_SOCKET, SO_DOMAIN, &v, &len) == 0 &&
	      v == AF_INET6, "SO_DOMAIN %d", v);
	CHECK(getsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &v, &len) == 0 && v == 0, "v6only");
	CHECK(bind(l, (struct sockaddr *)&n, sizeof(n)) == 0 && listen(l, 4) == 0, "listen");
	uint16_t port = port6_of(l, 0, &a);
	CHECK(port >= PORT_LOW && IN6_IS_ADDR_UNSPECIFIED(&a), "bound to [::]:%u", port);
	int c4 = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(connect_to(c4, INADDR_LOOPBACK, port) == 0, "IPv4 client");
	int s4 = accept(l, NULL, NULL);
	CHECK(port6_of(s4, 1, &a) == port_of(c4) && !memcmp(&a, &mapped_lo, 16),
	      "its peer is ::ffff:127.0.0.1");
	CHECK(port6_of(s4, 0, &a) == port && !memcmp(&a, &mapped_lo, 16), "local");
	CHECK(ntohs(name_of(c4, 1).sin_port) == port, "the client sees IPv4");
	CHECK(write(c4, "v4", 2) == 2 && read(s4, buf, 2) == 2, "data");
	int c6 = socket(AF_INET6, SOCK_STREAM, 0);
	n = sin6_of(&in6addr_loopback, port);
	CHECK(connect(c6, (struct sockaddr *)&n, sizeof(n)) == 0, "IPv6 client");
	CHECK(port6_of(c6, 0, &a) >= PORT_LOW && IN6_IS_ADDR_LOOPBACK(&a), "from ::1");
	int s6 = accept(l, NULL, NULL);
	CHECK(port6_of(s6, 1, &a) == port6_of(c6, 0, NULL) && IN6_IS_ADDR_LOOPBACK(&a),
	      "its peer is ::1");

	/* the port is taken for IPv4 too; not with IPV6_V6ONLY */
	int b = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_ERR(bind_to(b, INADDR_LOOPBACK, port), EADDRINUSE);
	close(b);
	close(l);
	close(s4);
	close(s6);
	close(c4);
	close(c6);
	l = socket(AF_INET6, SOCK_STREAM, 0);
	setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	n = sin6_of(&in6addr_any, 0);
	CHECK(bind(l, (struct sockaddr *)&n, sizeof(n)) == 0 && listen(l, 1) == 0, "v6only");
	port = port6_of(l, 0, NULL);
	b = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(bind_to(b, INADDR_LOOPBACK, port) == 0, "IPv4 beside a v6only socket");
	CHECK_ERR(setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)), EINVAL);
	close(b);
	b = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_ERR(connect_to(b, INADDR_LOOPBACK, port), ECONNREFUSED);
	close(b);
	b = socket(AF_INET6, SOCK_STREAM, 0);
	setsockopt(b, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	n = sin6_of(&mapped_lo, port);
	CHECK_ERR(bind(b, (struct sockaddr *)&n, sizeof(n)), EINVAL);
	CHECK_ERR(connect(b, (struct sockaddr *)&n, sizeof(n)), ENETUNREACH);
	close(b);
	close(l);

	/* errors */
	b = socket(AF_INET6, SOCK_STREAM, 0);
	n = sin6_of(&db8, 0);
	CHECK_ERR(bind(b, (struct sockaddr *)&n, sizeof(n)), EADDRNOTAVAIL);
	CHECK_ERR(bind(b, (struct sockaddr *)&n, 20), EINVAL);
	n.sin6_port = htons(80);
	CHECK_ERR(connect(b, (struct sockaddr *)&n, sizeof(n)), ENETUNREACH);
	struct sockaddr_in four = sin_of(INADDR_LOOPBACK, 80);
	CHECK_ERR(connect(b, (struct sockaddr *)&four, 24), EAFNOSUPPORT);
	close(b);

	/* UDP: an IPv4 sender seen by a dual-stack socket, and ::1 */
	int u6 = socket(AF_INET6, SOCK_DGRAM, 0), u4 = socket(AF_INET, SOCK_DGRAM, 0);
	n = sin6_of(&in6addr_any, 0);
	CHECK(bind(u6, (struct sockaddr *)&n, sizeof(n)) == 0, "bind");
	port = port6_of(u6, 0, NULL);
	struct sockaddr_in to4 = sin_of(INADDR_LOOPBACK, port);
	CHECK(sendto(u4, "four", 4, 0, (struct sockaddr *)&to4, sizeof(to4)) == 4, "sendto");
	struct sockaddr_in6 from;
	socklen_t flen = sizeof(from);
	CHECK(recvfrom(u6, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen) == 4 &&
	      flen == sizeof(from) && !memcmp(&from.sin6_addr, &mapped_lo, 16) &&
	      ntohs(from.sin6_port) == port_of(u4), "from ::ffff:127.0.0.1");
	int v6 = socket(AF_INET6, SOCK_DGRAM, 0);
	n = sin6_of(&in6addr_loopback, port);
	CHECK(sendto(v6, "six", 3, 0, (struct sockaddr *)&n, sizeof(n)) == 3, "sendto ::1");
	flen = sizeof(from);
	CHECK(recvfrom(u6, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen) == 3 &&
	      IN6_IS_ADDR_LOOPBACK(&from.sin6_addr) &&
	      ntohs(from.sin6_port) == port6_of(v6, 0, NULL), "from ::1");
	CHECK(sendto(u6, "back", 4, 0, (struct sockaddr *)&from, flen) == 4, "reply");
	CHECK(recv(v6, buf, sizeof(buf), 0) == 4, "the reply");
	close(u4);
	close(u6);
	close(v6);
}

/* contains_line - does the file have a line with all of a, b (and c)? */
static int contains_line(const char *path, const char *a, const char *b, const char *c)
{
	char text[8192], *line, *save;
	int fd = open(path, O_RDONLY), n, found = 0;

	if (fd < 0)
		return 0;
	n = (int)read(fd, text, sizeof(text) - 1);
	close(fd);
	text[n > 0 ? n : 0] = 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		found |= strstr(line, a) && strstr(line, b) && (!c || strstr(line, c));
	return found;
}

/* /proc/net/tcp and udp as Linux writes them (busybox netstat reads them). */
static void t_proc_net(void)
{
	uint16_t port;
	int l = listener(&port), sv[2];
	char local[64], state[16];

	snprintf(local, sizeof(local), " 0100007F:%04X ", port);
	CHECK(contains_line("/proc/net/tcp", "  sl  local_address rem_address   st "
			    "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
			    "", NULL), "header");
	CHECK(contains_line("/proc/net/tcp", local, "00000000:0000 0A ", NULL),
	      "the listener");
	close(l);
	CHECK(tcp_pair(sv) == 0, "pair");
	snprintf(local, sizeof(local), " 0100007F:%04X ", port_of(sv[0]));
	snprintf(state, sizeof(state), ":%04X 01 ", port_of(sv[1]));
	CHECK(contains_line("/proc/net/tcp", local, state, NULL), "established");
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	bind_to(u, INADDR_ANY, 0);
	snprintf(local, sizeof(local), " 00000000:%04X ", port_of(u));
	CHECK(contains_line("/proc/net/udp", local, "00000000:0000 07 ", NULL), "udp");
	close(u);

	/* tcp6: a dual-stack listener, and its IPv4 peer as ::ffff:127.0.0.1 */
	int l6 = socket(AF_INET6, SOCK_STREAM, 0);
	struct sockaddr_in6 any6 = sin6_of(&in6addr_any, 0);
	CHECK(bind(l6, (struct sockaddr *)&any6, sizeof(any6)) == 0 && listen(l6, 1) == 0,
	      "listen6");
	port = port6_of(l6, 0, NULL);
	CHECK(contains_line("/proc/net/tcp6", "  sl  local_address                         "
			    "remote_address                        st tx_queue rx_queue tr "
			    "tm->when retrnsmt   uid  timeout inode", "", NULL), "tcp6 header");
	snprintf(local, sizeof(local), "0: 00000000000000000000000000000000:%04X ", port);
	CHECK(contains_line("/proc/net/tcp6", local, " 0A ", NULL), "tcp6 listener");
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(connect_to(c, INADDR_LOOPBACK, port) == 0, "connect");
	int a = accept(l6, NULL, NULL);
	snprintf(local, sizeof(local), " 0000000000000000FFFF00000100007F:%04X ", port);
	snprintf(state, sizeof(state), ":%04X 01 ", port_of(c));
	CHECK(contains_line("/proc/net/tcp6", local, state, NULL), "tcp6 accepted");
	close(a);
	close(c);
	close(l6);
	close(sv[0]);
	close(sv[1]);
}

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY), n;

	if (fd < 0)
		return -1;
	n = (int)write(fd, text, strlen(text));
	close(fd);
	return n == (int)strlen(text) ? 0 : -1;
}

/* ip_local_port_range: the ports port 0 means. */
static void t_port_range(void)
{
	const char *path = "/proc/sys/net/ipv4/ip_local_port_range";
	char text[64] = "";
	int fd = open(path, O_RDONLY), s[3];

	CHECK(fd >= 0 && read(fd, text, sizeof(text)) == 12 &&
	      !strcmp(text, "32768\t60999\n"), "default range: %s", text);
	close(fd);
	CHECK_ERR(write_text(path, "5000 4000"), EINVAL);
	CHECK_ERR(write_text(path, "1000 2000"), EINVAL);
	CHECK(write_text(path, "40000 40001\n") == 0, "set");
	for (int i = 0; i < 3; i++) {
		s[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (i < 2)
			CHECK(bind_to(s[i], INADDR_LOOPBACK, 0) == 0, "bind %d", i);
	}
	CHECK(port_of(s[0]) + port_of(s[1]) == 80001, "ports %u %u",
	      port_of(s[0]), port_of(s[1]));
	CHECK_ERR(bind_to(s[2], INADDR_LOOPBACK, 0), EADDRINUSE);
	CHECK(write_text(path, "32768 60999") == 0, "restore");
	for (int i = 0; i < 3; i++)
		close(s[i]);
}

/* Many connections opened and closed, some with data left: nothing kept. */
static void t_many(void)
{
	for (int i = 0; i < 20; i++) {
		int sv[2];
		if (tcp_pair(sv)) {
			CHECK(0, "pair %d", i);
			return;
		}
		send(sv[i % 2], "left", 4, 0);
		close(sv[0]);
		close(sv[1]);
	}
	/* beyond the receiver's SO_RCVBUF datagrams are lost, not waited for */
	int u = socket(AF_INET, SOCK_DGRAM, 0), small = 1, n = 0;
	char buf[16];
	setsockopt(u, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	bind_to(u, INADDR_LOOPBACK, 0);
	struct sockaddr_in to = name_of(u, 0);
	for (int i = 0; i < 40; i++)
		CHECK(sendto(u, "0123456789", 10, 0, (struct sockaddr *)&to,
			     sizeof(to)) == 10, "datagram %d", i);
	while (recv(u, buf, sizeof(buf), MSG_DONTWAIT) == 10)
		n++;
	CHECK(n > 0 && n < 40, "%d of 40 datagrams kept", n);
	close(u);
}

/* lo_up - Linux's lo starts down: bring it up (vmos: nothing to do). */
static void lo_up(void)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
}

static void run_all(void)
{
	RUN(t_socket_errors);
	RUN(t_tcp_echo);
	RUN(t_bind);
	RUN(t_connect);
	RUN(t_udp);
	RUN(t_peek_shutdown);
	RUN(t_reset);
	RUN(t_accept_poll);
	RUN(t_options);
	RUN(t_inet6);
	RUN(t_proc_net);
	RUN(t_port_range);
	RUN(t_many);
}

int main(void)
{
	printf("TAP version 13\n");
	if (access("/proc/self", F_OK)) /* Linux as init: nobody mounted it */
		mount("proc", "/proc", "proc", 0, NULL);
	lo_up();
	leak_checked_twice(run_all, NULL);
	return tap_done();
}
