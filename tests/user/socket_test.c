/*
 * tests/user/socket_test.c - AF_UNIX sockets (net): socketpair,
 * named and abstract sockets, connect/accept, datagrams, seqpacket, EOF,
 * EPIPE and SIGPIPE, the bounded buffer, poll, options, SCM_RIGHTS and
 * SCM_CREDENTIALS, with Linux's errors.  Run as init by the harness
 * (init=/tests/socket_test); TAP on the console, a leak check at the end.
 */
#define _GNU_SOURCE
#include "tap.h"
#include <poll.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>

#define BAD_PTR ((void *)0xffffffff80100000ul)

static socklen_t sun_of(struct sockaddr_un *a, const char *path, int abstract)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (abstract) {
		memcpy(a->sun_path + 1, path, strlen(path));
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(path));
	}
	strcpy(a->sun_path, path);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

static void t_socket_errors(void)
{
	int sv[2];

	CHECK_ERR(socket(AF_INET, SOCK_SEQPACKET, 0), ESOCKTNOSUPPORT);
	CHECK_ERR(socket(AF_INET6, SOCK_SEQPACKET, 0), ESOCKTNOSUPPORT);
	CHECK_ERR(socket(4242, SOCK_STREAM, 0), EAFNOSUPPORT);
	CHECK_ERR(socket(AF_UNIX, 42, 0), EINVAL);
	CHECK_ERR(socket(AF_UNIX, SOCK_STREAM | 0x100000, 0), EINVAL);
	CHECK_ERR(socket(AF_UNIX, SOCK_RDM, 0), ESOCKTNOSUPPORT);
	CHECK_ERR(socket(AF_UNIX, SOCK_STREAM, 7), EPROTONOSUPPORT);
	CHECK_ERR(socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP);
	CHECK_ERR(socketpair(AF_UNIX, SOCK_STREAM, 0, BAD_PTR), EFAULT);
	CHECK_ERR(bind(0, NULL, 0), ENOTSOCK);
	CHECK_ERR(listen(999, 1), EBADF);
	CHECK_ERR(shutdown(1, SHUT_RD), ENOTSOCK);
	int s = socket(AF_UNIX, SOCK_RAW, 0);
	int type = 0;
	socklen_t len = sizeof(type);
	CHECK(s >= 0 && getsockopt(s, SOL_SOCKET, SO_TYPE, &type, &len) == 0 &&
	      type == SOCK_DGRAM, "SOCK_RAW is SOCK_DGRAM (type %d)", type);
	close(s);
}

static void t_pair_stream(void)
{
	char buf[64];
	int sv[2];
	struct stat st;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	CHECK(write(sv[0], "hello", 5) == 5, "write");
	CHECK(send(sv[0], " world", 6, 0) == 6, "send");
	CHECK(recv(sv[1], buf, 3, MSG_PEEK) == 3 && !memcmp(buf, "hel", 3), "peek");
	CHECK(read(sv[1], buf, sizeof(buf)) == 11 && !memcmp(buf, "hello world", 11),
	      "a stream reads across writes");
	CHECK(write(sv[1], "back", 4) == 4 && read(sv[0], buf, 4) == 4, "both ways");
	CHECK(fstat(sv[0], &st) == 0 && S_ISSOCK(st.st_mode), "fstat: S_IFSOCK (%o)",
	      st.st_mode);
	CHECK_ERR(lseek(sv[0], 0, SEEK_SET), ESPIPE);
	CHECK_ERR(recv(sv[1], buf, 1, MSG_DONTWAIT), EAGAIN);
	CHECK_ERR(recv(sv[1], buf, 1, MSG_OOB), EOPNOTSUPP);
	CHECK_ERR(ioctl(sv[0], TCGETS, buf), ENOTTY);
	struct iovec iov[2] = { { "ab", 2 }, { "cde", 3 } };
	CHECK(writev(sv[0], iov, 2) == 5, "writev");
	char x[2], y[3];
	struct iovec riov[2] = { { x, 2 }, { y, 3 } };
	CHECK(readv(sv[1], riov, 2) == 5 && !memcmp(y, "cde", 3), "readv");
	int n = -1;
	write(sv[0], "1234", 4);
	CHECK(ioctl(sv[1], FIONREAD, &n) == 0 && n == 4, "FIONREAD %d", n);
	close(sv[0]);
	CHECK(read(sv[1], buf, sizeof(buf)) == 4, "data before EOF");
	CHECK(read(sv[1], buf, sizeof(buf)) == 0, "EOF after the peer closed");
	close(sv[1]);
}

static void t_epipe_sigpipe(void)
{
	int sv[2];

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	close(sv[1]);
	signal(SIGPIPE, SIG_IGN);
	CHECK_ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	CHECK_ERR(write(sv[0], "x", 1), EPIPE);
	signal(SIGPIPE, SIG_DFL);
	CHECK_ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	pid_t pid = fork();
	if (pid == 0) {
		write(sv[0], "x", 1);
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE,
	      "write to a closed peer: SIGPIPE (status %#x)", status);
	int sv2[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv2);
	CHECK(shutdown(sv2[0], SHUT_WR) == 0, "shutdown");
	char c;
	CHECK(read(sv2[1], &c, 1) == 0, "the peer of SHUT_WR sees EOF");
	CHECK_ERR(send(sv2[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	CHECK_ERR(shutdown(sv2[0], 7), EINVAL);
	close(sv[0]);
	close(sv2[0]);
	close(sv2[1]);
}

static void t_blocking_buffer(void)
{
	static char big[65536];
	int sv[2], sndbuf = 0;
	socklen_t len = sizeof(sndbuf);
	long total = 0, n;

	socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
	CHECK(getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, &len) == 0 &&
	      sndbuf == 212992, "SO_SNDBUF default %d", sndbuf);
	while ((n = write(sv[0], big, sizeof(big))) > 0)
		total += n;
	CHECK(n == -1 && errno == EAGAIN, "a full buffer: EAGAIN");
	CHECK(total >= sndbuf / 2 && total <= 2 * sndbuf, "the buffer is bounded (%ld)",
	      total);
	struct pollfd p = { sv[0], POLLOUT, 0 };
	CHECK(poll(&p, 1, 0) == 0, "full: not writable");
	/* a blocking writer sleeps until the reader drains */
	int fl = fcntl(sv[0], F_GETFL);
	fcntl(sv[0], F_SETFL, fl & ~O_NONBLOCK);
	pid_t pid = fork();
	if (pid == 0) {
		_exit(write(sv[0], big, sizeof(big)) == sizeof(big) ? 0 : 1);
	}
	usleep(50000);
	long got = 0;
	fcntl(sv[1], F_SETFL, 0);
	while (got < total + (long)sizeof(big)) {
		n = read(sv[1], big, sizeof(big));
		if (n <= 0)
			break;
		got += n;
	}
	int status;
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "blocked writer finished");
	CHECK(got == total + (long)sizeof(big), "every byte arrived (%ld)", got);
	close(sv[0]);
	close(sv[1]);
}

static void t_named_stream(void)
{
	struct sockaddr_un a, b;
	socklen_t alen = sun_of(&a, "/tmp/sock1", 0), blen;
	struct stat st;
	int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	char buf[8];

	CHECK_ERR(connect(c, (void *)&a, alen), ENOENT);
	CHECK(bind(l, (void *)&a, alen) == 0, "bind");
	CHECK(stat("/tmp/sock1", &st) == 0 && S_ISSOCK(st.st_mode), "a socket inode");
	CHECK_ERR(open("/tmp/sock1", O_RDWR), ENXIO);
	CHECK_ERR(bind(l, (void *)&a, alen), EINVAL);
	int l2 = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_ERR(bind(l2, (void *)&a, alen), EADDRINUSE);
	CHECK_ERR(connect(c, (void *)&a, alen), ECONNREFUSED);
	CHECK_ERR(accept(l, NULL, NULL), EINVAL);
	CHECK(listen(l, 5) == 0, "listen");
	CHECK(connect(c, (void *)&a, alen) == 0, "connect");
	CHECK_ERR(connect(c, (void *)&a, alen), EISCONN);
	CHECK(write(c, "early", 5) == 5, "write before accept");
	blen = sizeof(b);
	int s = accept4(l, (void *)&b, &blen, SOCK_CLOEXEC);
	CHECK(s >= 0 && blen == sizeof(sa_family_t), "accept: unbound peer (len %u)", blen);
	CHECK(fcntl(s, F_GETFD) == FD_CLOEXEC, "accept4 SOCK_CLOEXEC");
	CHECK(read(s, buf, 5) == 5 && !memcmp(buf, "early", 5), "data queued before accept");
	blen = sizeof(b);
	CHECK(getsockname(s, (void *)&b, &blen) == 0 && blen == alen &&
	      !strcmp(b.sun_path, "/tmp/sock1"), "accepted socket's name");
	blen = sizeof(b);
	CHECK(getpeername(c, (void *)&b, &blen) == 0 && !strcmp(b.sun_path, "/tmp/sock1"),
	      "getpeername");
	blen = sizeof(b);
	CHECK_ERR(getpeername(l, (void *)&b, &blen), ENOTCONN);
	struct ucred cr;
	socklen_t crlen = sizeof(cr);
	CHECK(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) == 0 &&
	      cr.pid == getpid() && cr.uid == 0 && crlen == sizeof(cr), "SO_PEERCRED");
	int v;
	socklen_t vl = sizeof(v);
	CHECK(getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl) == 0 && v == 1, "ACCEPTCONN");
	CHECK_ERR(syscall(SYS_accept4, l, NULL, NULL, 0x4242), EINVAL);
	fcntl(l, F_SETFL, O_NONBLOCK);
	CHECK_ERR(accept(l, NULL, NULL), EAGAIN);
	close(c);
	CHECK(read(s, buf, 1) == 0, "EOF");
	close(s);
	close(l);
	close(l2);
	CHECK(stat("/tmp/sock1", &st) == 0, "the name outlives the socket");
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_ERR(connect(c, (void *)&a, alen), ECONNREFUSED);
	int d = socket(AF_UNIX, SOCK_DGRAM, 0);
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	unlink("/tmp/sock1");
	bind(l, (void *)&a, alen);
	listen(l, 1);
	CHECK_ERR(connect(d, (void *)&a, alen), EPROTOTYPE);
	CHECK_ERR(connect(c, (void *)&a, 1), EINVAL);
	CHECK_ERR(connect(c, BAD_PTR, alen), EFAULT);
	CHECK_ERR(bind(c, (void *)&a, 200), EINVAL);
	close(c);
	close(d);
	close(l);
	unlink("/tmp/sock1");
}

static void t_abstract_autobind(void)
{
	struct sockaddr_un a, b;
	socklen_t alen = sun_of(&a, "vmos-abstract", 1), blen = sizeof(b);
	int l = socket(AF_UNIX, SOCK_STREAM, 0), l2 = socket(AF_UNIX, SOCK_STREAM, 0);
	int c = socket(AF_UNIX, SOCK_STREAM, 0);

	CHECK(bind(l, (void *)&a, alen) == 0, "bind abstract");
	CHECK_ERR(bind(l2, (void *)&a, alen), EADDRINUSE);
	CHECK(getsockname(l, (void *)&b, &blen) == 0 && blen == alen &&
	      !memcmp(&a, &b, alen), "getsockname abstract");
	CHECK_ERR(connect(c, (void *)&a, alen), ECONNREFUSED);
	listen(l, 0);
	CHECK(connect(c, (void *)&a, alen) == 0, "connect abstract");
	struct stat st;
	CHECK_ERR(stat("vmos-abstract", &st), ENOENT);
	struct sockaddr_un z = { .sun_family = AF_UNIX };
	CHECK(bind(l2, (void *)&z, sizeof(sa_family_t)) == 0, "autobind");
	blen = sizeof(b);
	CHECK(getsockname(l2, (void *)&b, &blen) == 0 && blen == 8 && b.sun_path[0] == 0,
	      "autobind: 5 hex digits (len %u)", blen);
	CHECK(bind(l2, (void *)&z, sizeof(sa_family_t)) == 0, "autobind again: 0");
	close(c);
	close(l);
	close(l2);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_ERR(connect(c, (void *)&a, alen), ECONNREFUSED);
	close(c);
}

static void t_backlog_nonblock(void)
{
	struct sockaddr_un a;
	socklen_t alen = sun_of(&a, "backlog", 1);
	int l = socket(AF_UNIX, SOCK_STREAM, 0), c[4];

	bind(l, (void *)&a, alen);
	listen(l, 1);
	for (int i = 0; i < 4; i++)
		c[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	CHECK(connect(c[0], (void *)&a, alen) == 0, "first");
	CHECK(connect(c[1], (void *)&a, alen) == 0, "second (backlog + 1)");
	CHECK_ERR(connect(c[2], (void *)&a, alen), EAGAIN);
	struct pollfd p = { l, POLLIN, 0 };
	CHECK(poll(&p, 1, 0) == 1 && (p.revents & POLLIN), "listener readable");
	close(l); /* unaccepted connections are reset */
	char ch;
	CHECK_ERR(read(c[0], &ch, 1), ECONNRESET);
	CHECK(read(c[0], &ch, 1) == 0, "then EOF");
	for (int i = 0; i < 4; i++)
		close(c[i]);
}

static void t_dgram(void)
{
	struct sockaddr_un a, b, from;
	socklen_t alen = sun_of(&a, "/tmp/dg1", 0), blen = sun_of(&b, "dg2", 1);
	socklen_t flen = sizeof(from);
	int s1 = socket(AF_UNIX, SOCK_DGRAM, 0), s2 = socket(AF_UNIX, SOCK_DGRAM, 0);
	char buf[16];

	unlink("/tmp/dg1");
	CHECK(bind(s1, (void *)&a, alen) == 0 && bind(s2, (void *)&b, blen) == 0, "bind");
	CHECK_ERR(send(s2, "x", 1, 0), ENOTCONN);
	CHECK(sendto(s2, "one", 3, 0, (void *)&a, alen) == 3, "sendto");
	CHECK(sendto(s2, "second", 6, 0, (void *)&a, alen) == 6, "sendto");
	CHECK(recvfrom(s1, buf, sizeof(buf), 0, (void *)&from, &flen) == 3 &&
	      flen == blen && !memcmp(&from, &b, blen), "recvfrom: sender's name");
	CHECK(recv(s1, buf, 2, MSG_TRUNC) == 6, "MSG_TRUNC: the real length");
	struct msghdr m = { 0 };
	struct iovec iov = { buf, 2 };
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	sendto(s2, "abcdef", 6, 0, (void *)&a, alen);
	CHECK(recvmsg(s1, &m, 0) == 2 && (m.msg_flags & MSG_TRUNC), "recvmsg truncates");
	CHECK_ERR(recv(s1, buf, 1, MSG_DONTWAIT), EAGAIN);
	CHECK(send(s1, "", 0, MSG_DONTWAIT) == -1 && errno == ENOTCONN, "unconnected");
	CHECK(connect(s1, (void *)&b, blen) == 0, "connect dgram");
	CHECK(send(s1, "hey", 3, 0) == 3 && recv(s2, buf, 16, 0) == 3, "send to the peer");
	CHECK(sendto(s2, "", 0, 0, (void *)&a, alen) == 0 && recv(s1, buf, 16, 0) == 0,
	      "empty datagram");
	/* s1 is connected to s2: a third socket may not send to s1 */
	int s3 = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK_ERR(sendto(s3, "x", 1, 0, (void *)&a, alen), EPERM);
	/* a full queue: EAGAIN */
	int n = 0;
	while (sendto(s3, "q", 1, MSG_DONTWAIT, (void *)&b, blen) == 1 && n < 100)
		n++;
	CHECK(n == 11 && errno == EAGAIN, "max_dgram_qlen: %d queued", n);
	close(s2);
	CHECK_ERR(send(s1, "x", 1, 0), ECONNREFUSED);
	CHECK_ERR(send(s1, "x", 1, 0), ENOTCONN);
	int big = 300000;
	static char huge[300000];
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	CHECK_ERR(send(sv[0], huge, big, 0), EMSGSIZE);
	close(sv[0]);
	close(sv[1]);
	close(s1);
	close(s3);
	unlink("/tmp/dg1");
}

static void t_seqpacket(void)
{
	int sv[2];
	char buf[16];

	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0, "socketpair");
	send(sv[0], "abc", 3, 0);
	send(sv[0], "defg", 4, 0);
	CHECK(recv(sv[1], buf, 2, 0) == 2, "a record truncated");
	CHECK(recv(sv[1], buf, 16, 0) == 4 && !memcmp(buf, "defg", 4), "boundaries kept");
	close(sv[0]);
	CHECK(recv(sv[1], buf, 16, 0) == 0, "EOF");
	CHECK_ERR(send(sv[1], "x", 1, MSG_NOSIGNAL), EPIPE);
	close(sv[1]);
	int s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	CHECK_ERR(send(s, "x", 1, 0), ENOTCONN);
	CHECK_ERR(listen(s, 1), EINVAL);
	close(s);
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK_ERR(listen(s, 1), EOPNOTSUPP);
	CHECK_ERR(accept(s, NULL, NULL), EOPNOTSUPP);
	close(s);
}

static void t_poll_select(void)
{
	int sv[2];
	struct pollfd p[2];

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	p[0] = (struct pollfd){ sv[0], POLLIN | POLLOUT, 0 };
	CHECK(poll(p, 1, 0) == 1 && p[0].revents == POLLOUT, "writable only (%#x)",
	      p[0].revents);
	pid_t pid = fork();
	if (pid == 0) {
		usleep(30000);
		write(sv[1], "z", 1);
		_exit(0);
	}
	p[0].events = POLLIN;
	CHECK(poll(p, 1, 2000) == 1 && (p[0].revents & POLLIN), "woken by data");
	waitpid(pid, NULL, 0);
	fd_set r;
	FD_ZERO(&r);
	FD_SET(sv[0], &r);
	struct timeval tv = { 0, 0 };
	CHECK(select(sv[0] + 1, &r, NULL, NULL, &tv) == 1, "select readable");
	close(sv[1]);
	p[0].events = POLLIN;
	CHECK(poll(p, 1, 0) == 1 && (p[0].revents & POLLHUP), "POLLHUP after close");
	close(sv[0]);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	p[0] = (struct pollfd){ s, POLLIN | POLLOUT, 0 };
	CHECK(poll(p, 1, 0) == 1 && p[0].revents == (POLLOUT | POLLHUP),
	      "a new stream socket: POLLOUT|POLLHUP (%#x)", p[0].revents);
	close(s);
}

static void t_options(void)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0), v = 0;
	socklen_t len = sizeof(v);

	CHECK(getsockopt(s, SOL_SOCKET, SO_DOMAIN, &v, &len) == 0 && v == AF_UNIX, "DOMAIN");
	CHECK(getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &v, &len) == 0 && v == 0, "PROTOCOL");
	CHECK(getsockopt(s, SOL_SOCKET, SO_ERROR, &v, &len) == 0 && v == 0, "ERROR");
	v = 10000;
	CHECK(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) == 0, "set RCVBUF");
	CHECK(getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &len) == 0 && v == 20000,
	      "RCVBUF doubled (%d)", v);
	v = 1;
	CHECK(setsockopt(s, SOL_SOCKET, SO_PASSCRED, &v, sizeof(v)) == 0, "PASSCRED");
	CHECK(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)) == 0, "REUSEADDR");
	CHECK_ERR(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, 2), EINVAL);
	CHECK_ERR(setsockopt(s, SOL_SOCKET, 4242, &v, sizeof(v)), ENOPROTOOPT);
	CHECK_ERR(setsockopt(s, 6 /* IPPROTO_TCP */, 1, &v, sizeof(v)), EOPNOTSUPP);
	CHECK_ERR(getsockopt(s, SOL_SOCKET, 4242, &v, &len), ENOPROTOOPT);
	CHECK_ERR(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, BAD_PTR), EFAULT);
	len = (socklen_t)-1;
	CHECK_ERR(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len), EINVAL);
	struct ucred cr;
	len = sizeof(cr);
	CHECK(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0 && cr.pid == 0 &&
	      cr.uid == (uid_t)-1, "PEERCRED unconnected");
	struct timeval tv = { 0, 50000 };
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	CHECK(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0, "RCVTIMEO");
	char c;
	CHECK_ERR(read(sv[0], &c, 1), EAGAIN);
	close(sv[0]);
	close(sv[1]);
	close(s);
}

/* send_fd / recv_fd - one descriptor with SCM_RIGHTS. */
static int send_fds(int s, const int *fds, int n, const char *data)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 8)];
	struct iovec iov = { (void *)data, strlen(data) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = CMSG_SPACE(sizeof(int) * n) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	return (int)sendmsg(s, &m, 0);
}

static int recv_fd(int s, int flags, size_t room, int *msg_flags)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 8)], data[16];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = room };
	int fd = -1;

	if (recvmsg(s, &m, flags) < 0)
		return -2;
	*msg_flags = m.msg_flags;
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	if (c && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

static void t_scm_rights(void)
{
	int sv[2], p[2], fl = 0;
	char buf[8];

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pipe(p);
	CHECK(send_fds(sv[0], &p[1], 1, "fd") == 2, "sendmsg SCM_RIGHTS");
	close(p[1]);
	int fd = recv_fd(sv[1], MSG_CMSG_CLOEXEC, CMSG_SPACE(sizeof(int)), &fl);
	CHECK(fd >= 0 && fd != p[1] - 100, "received a descriptor (%d)", fd);
	CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC, "MSG_CMSG_CLOEXEC");
	CHECK(write(fd, "via", 3) == 3 && read(p[0], buf, 3) == 3 && !memcmp(buf, "via", 3),
	      "the passed pipe end works");
	close(fd);
	CHECK(read(p[0], buf, 1) == 0, "the last write end is closed: EOF");
	/* no room for the descriptor: MSG_CTRUNC, nothing leaks */
	int q[2];
	pipe(q);
	send_fds(sv[0], &q[1], 1, "x");
	close(q[1]);
	fd = recv_fd(sv[1], 0, 0, &fl);
	CHECK(fd == -1 && (fl & MSG_CTRUNC), "MSG_CTRUNC (flags %#x)", fl);
	CHECK(read(q[0], buf, 1) == 0, "the dropped descriptor was closed");
	close(q[0]);
	int bad = 999;
	CHECK(send_fds(sv[0], &bad, 1, "x") == -1 && errno == EBADF, "EBADF");
	/* a descriptor in a message nobody reads is released with the socket */
	pipe(q);
	send_fds(sv[0], &q[1], 1, "lost");
	close(q[1]);
	close(sv[1]);
	CHECK(read(q[0], buf, 1) == 0, "unreceived descriptor released at close");
	close(q[0]);
	close(sv[0]);
	/* nested: pair A's end in B's queue, a pipe end in A's queue; closing
	 * B releases A, whose queue releases the pipe end (no recursion) */
	int A[2], B[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, A);
	socketpair(AF_UNIX, SOCK_DGRAM, 0, B);
	pipe(q);
	send_fds(A[1], &q[1], 1, "a");   /* into A[0]'s queue */
	send_fds(B[1], &A[0], 1, "b");   /* A[0] into B[0]'s queue */
	close(q[1]);
	close(A[0]);
	close(A[1]);
	CHECK(fcntl(q[0], F_SETFL, O_NONBLOCK) == 0 && read(q[0], buf, 1) == -1 &&
	      errno == EAGAIN, "still in flight");
	close(B[0]);
	CHECK(read(q[0], buf, 1) == 0, "released through two queues");
	close(B[1]);
	close(q[0]);
}

static void t_scm_credentials(void)
{
	int sv[2], on = 1;
	char cbuf[CMSG_SPACE(sizeof(struct ucred))], data[4];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };

	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));
	send(sv[0], "c", 1, 0);
	CHECK(recvmsg(sv[1], &m, 0) == 1, "recvmsg");
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	struct ucred cr;
	CHECK(c && c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len == CMSG_LEN(sizeof(cr)),
	      "SCM_CREDENTIALS");
	if (c) {
		memcpy(&cr, CMSG_DATA(c), sizeof(cr));
		CHECK(cr.pid == getpid() && cr.uid == 0 && cr.gid == 0, "our credentials");
	}
	/* explicit credentials: an unprivileged sender may not lie */
	struct msghdr s = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	c = CMSG_FIRSTHDR(&s);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_CREDENTIALS;
	c->cmsg_len = CMSG_LEN(sizeof(cr));
	cr = (struct ucred){ getpid(), 1000, 0 };
	memcpy(CMSG_DATA(c), &cr, sizeof(cr));
	iov.iov_len = 1;
	CHECK(sendmsg(sv[0], &s, 0) == 1, "root may claim any uid");
	pid_t pid = fork();
	if (pid == 0) {
		setuid(1000);
		cr.pid = getpid();
		cr.uid = 0;
		memcpy(CMSG_DATA(c), &cr, sizeof(cr));
		_exit(sendmsg(sv[0], &s, 0) == -1 && errno == EPERM ? 0 : 1);
	}
	int status;
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a user may not claim uid 0");
	c->cmsg_len = CMSG_LEN(4);
	CHECK_ERR(sendmsg(sv[0], &s, 0), EINVAL);
	close(sv[0]);
	close(sv[1]);
}

/* raw system calls: musl copies the msghdr and control data itself */
static void t_bad_msghdr(void)
{
	int sv[2];
	char buf[4];
	struct iovec iov = { buf, 4 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	CHECK_ERR(syscall(SYS_sendmsg, sv[0], BAD_PTR, 0), EFAULT);
	CHECK_ERR(syscall(SYS_recvmsg, sv[0], BAD_PTR, 0), EFAULT);
	m.msg_iovlen = 2000;
	CHECK_ERR(syscall(SYS_sendmsg, sv[0], &m, 0), EMSGSIZE);
	m.msg_iovlen = 1;
	m.msg_iov = BAD_PTR;
	CHECK_ERR(syscall(SYS_sendmsg, sv[0], &m, 0), EFAULT);
	CHECK_ERR(send(sv[0], BAD_PTR, 4, 0), EFAULT);
	m.msg_iov = &iov;
	m.msg_control = buf;
	m.msg_controllen = 0x80000000u;
	CHECK_ERR(syscall(SYS_sendmsg, sv[0], &m, 0), ENOBUFS);
	m.msg_controllen = 16;
	m.msg_control = BAD_PTR;
	CHECK_ERR(syscall(SYS_sendmsg, sv[0], &m, 0), EFAULT);
	write(sv[0], "abcd", 4);
	CHECK_ERR(recv(sv[1], BAD_PTR, 4, 0), EFAULT);
	CHECK(recv(sv[1], buf, 4, 0) == 4, "the data is still there");
	close(sv[0]);
	close(sv[1]);
}

static void t_many_sockets(void)
{
	/* sockets of a process that exits are all released */
	pid_t pid = fork();

	if (pid == 0) {
		for (int i = 0; i < 100; i++) {
			int sv[2];
			if (socketpair(AF_UNIX, i % 2 ? SOCK_DGRAM : SOCK_STREAM, 0, sv))
				_exit(1);
			send(sv[0], "data", 4, 0);
			send_fds(sv[0], &sv[0], 1, "x");
		}
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "100 pairs");
}

static void run_all(void)
{
	RUN(t_socket_errors);
	RUN(t_pair_stream);
	RUN(t_epipe_sigpipe);
	RUN(t_blocking_buffer);
	RUN(t_named_stream);
	RUN(t_abstract_autobind);
	RUN(t_backlog_nonblock);
	RUN(t_dgram);
	RUN(t_seqpacket);
	RUN(t_poll_select);
	RUN(t_options);
	RUN(t_scm_rights);
	RUN(t_scm_credentials);
	RUN(t_bad_msghdr);
	RUN(t_many_sockets);
}

int main(void)
{
	printf("TAP version 13\n");
	leak_checked_twice(run_all, NULL);
	return tap_done();
}
