/*
 * net/socket.c - the socket system calls and sockets as open files.
 *
 * Each call finds the socket behind its descriptor (sockfd_lookup:
 * EBADF, ENOTSOCK), copies its arguments in from user space (addresses
 * as in Linux's move_addr_to_kernel, messages with their iovecs and
 * control messages), and lets the family (net.h: struct proto_ops) do
 * the work; results go back the same way (move_addr_to_user, put_cmsg,
 * scm_detach_fds).  A socket is also a file: read and write are recv
 * and send without flags, poll asks the family, fstat sees S_IFSOCK.
 *
 * AF_UNIX (af_unix.c), AF_INET and AF_INET6 (af_inet.c, loopback only)
 * exist.
 * Every other family fails with EAFNOSUPPORT, as Linux does for a family
 * it was built without.
 */
#include "kernel/capability.h"
#include <vmos/errno.h>
#include "fs/internal.h"
#include "net/net.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include <vmos/format.h>
#include <vmos/string.h>
#include "mm/kmalloc.h"
#include <asm/arch.h>

#define UIO_MAXIOV 1024         /* iovecs in one message */
#define OPTMEM_MAX 20480        /* control bytes one sendmsg may give */
#define FIONREAD 0x541B
#define SOCK_MODE (S_IFSOCK | 0777)
#define NSEC_PER_SEC 1000000000ull
#define NSEC_PER_USEC 1000ull
#define INT_MAX 0x7fffffff

/* The user's struct msghdr and struct cmsghdr (x86-64 layout). */
struct user_msghdr {
	u64 name;
	s32 namelen;
	u32 pad1;
	u64 iov;
	u64 iovlen;
	u64 control;
	u64 controllen;
	s32 flags;
	u32 pad2;
};

struct cmsghdr {
	u64 len;
	s32 level;
	s32 type;
};

#define CMSG_ALIGN(n) (((n) + 7) & ~7ul)
#define CMSG_LEN(n) (sizeof(struct cmsghdr) + (n))
#define CMSG_SPACE(n) (sizeof(struct cmsghdr) + CMSG_ALIGN(n))

struct k_timeval {
	s64 sec, usec;
};

static u32 next_sock_ino = 1;

/* ---- sockets as files ---- */

static const struct file_operations socket_fops;

bool is_socket_file(const struct file *f)
{
	return f->fops == &socket_fops;
}

struct socket *sock_alloc(int type, const struct proto_ops *ops)
{
	struct socket *sock = kzalloc(sizeof(*sock));

	if (sock) {
		sock->type = type;
		sock->ops = ops;
		sock->rcvlowat = 1;
	}
	return sock;
}

void sock_free(struct socket *sock)
{
	if (sock && sock->sk)
		sock->ops->release(sock);
	kfree(sock);
}

u64 sock_deadline(u64 timeo_ns)
{
	return timeo_ns ? arch_clock_ns() + timeo_ns : 0;
}

int sock_sleep(struct wait_queue *wq, u64 deadline)
{
	u64 flags = arch_irq_save();
	int r = wait_sleep_deadline(wq, deadline);

	arch_irq_restore(flags);
	if (!r && deadline && arch_clock_ns() >= deadline)
		return -EAGAIN;
	return r;
}

/* sock_alloc_file - an open file for sock, which it owns from now on
 * (freed with the file, or here on failure): NULL with *err. */
static struct file *sock_alloc_file(struct socket *sock, u32 flags, int *err)
{
	char name[32];
	struct inode *inode;
	struct file *f;

	inode = inode_alloc(SOCKFS_DEV, next_sock_ino++, SOCK_MODE, NULL,
			    &socket_fops);
	if (!inode) {
		sock_free(sock);
		*err = -ENOMEM;
		return NULL;
	}
	inode->private = sock;
	ksnprintf(name, sizeof(name), "socket:[%u]", inode->ino);
	f = file_open_inode(inode, O_RDWR | (flags & O_NONBLOCK), name, err);
	iput(inode); /* the file holds it now */
	if (!f) {
		sock_free(sock);
		return NULL;
	}
	f->private = sock;
	sock->file = f;
	return f;
}

/* Only sock_alloc_file opens a socket: opening its inode again (through
 * /proc/PID/fd) fails with ENXIO, as on Linux. */
static int sock_open(struct inode *inode, struct file *f)
{
	struct socket *sock = inode->private;

	return sock && !sock->file ? 0 : -ENXIO;
}

static void sock_release(struct file *f)
{
	struct socket *sock = f->private;

	f->inode->private = NULL;
	sock_free(sock);
}

static long sock_read(struct file *f, struct uio *u, u64 *pos)
{
	struct socket *sock = f->private;
	struct kmsg m = { .uio = *u };
	long n;

	if (!u->len)
		return 0;
	n = sock->ops->recvmsg(sock, &m, 0, f->flags & O_NONBLOCK);
	*u = m.uio;
	return n;
}

static long sock_write(struct file *f, struct uio *u, u64 *pos)
{
	struct socket *sock = f->private;
	struct kmsg m = { .uio = *u };
	long n;

	n = sock->ops->sendmsg(sock, &m, 0, f->flags & O_NONBLOCK);
	*u = m.uio;
	return n;
}

static unsigned sock_poll(struct file *f)
{
	struct socket *sock = f->private;

	return sock->ops->poll(sock);
}

static long sock_ioctl(struct file *f, unsigned cmd, u64 arg)
{
	struct socket *sock = f->private;
	int n;

	if (cmd != FIONREAD)
		return -ENOTTY;
	n = sock->ops->fionread(sock);
	if (n < 0)
		return n;
	return copy_to_user((void __user *)arg, &n, sizeof(n)) ? -EFAULT : 0;
}

static const struct file_operations socket_fops = {
	.open = sock_open,
	.read = sock_read,
	.write = sock_write,
	.ioctl = sock_ioctl,
	.poll = sock_poll,
	.release = sock_release,
	.stream = true,
};

/* sockfd_lookup - the socket behind fd, its file referenced in *fp:
 * NULL with *err = -EBADF or -ENOTSOCK. */
static struct socket *sockfd_lookup(int fd, struct file **fp, int *err)
{
	struct file *f = fd_get(current->files, fd);

	*err = -EBADF;
	if (!f)
		return NULL;
	if (!is_socket_file(f) || (f->flags & O_PATH)) {
		*err = (f->flags & O_PATH) ? -EBADF : -ENOTSOCK;
		file_put(f);
		return NULL;
	}
	*fp = f;
	return f->private;
}

/* ---- addresses across the boundary ---- */

/* move_addr_to_kernel - a user address of len bytes: 0, -EINVAL, -EFAULT. */
static int move_addr_to_kernel(const void __user *uaddr, int len, u8 *kaddr)
{
	if (len < 0 || len > SOCKADDR_MAX)
		return -EINVAL;
	if (len == 0)
		return 0;
	return copy_from_user(kaddr, uaddr, (size_t)len) ? -EFAULT : 0;
}

/* move_addr_to_user - klen bytes of address: as many as *ulen allows go
 * to uaddr, and *ulen becomes klen.  0, -EINVAL (negative *ulen), -EFAULT. */
static int move_addr_to_user(const u8 *kaddr, int klen, void __user *uaddr,
			     int __user *ulen)
{
	int len;

	if (copy_from_user(&len, ulen, sizeof(len)))
		return -EFAULT;
	if (len > klen)
		len = klen;
	if (len < 0)
		return -EINVAL;
	if (len && copy_to_user(uaddr, kaddr, (size_t)len))
		return -EFAULT;
	return copy_to_user(ulen, &klen, sizeof(klen)) ? -EFAULT : 0;
}

/* ---- creating ---- */

/* sock_create - a socket of family and type (SOCK_* flags removed). */
static int sock_create(int family, int type, int protocol, struct socket **res)
{
	struct socket *sock;
	int err;

	if (family < 0 || family >= AF_MAX)
		return -EAFNOSUPPORT;
	if (type < 0 || type >= SOCK_MAX)
		return -EINVAL;
	if (family != AF_UNIX && family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	if (family == AF_UNIX && protocol && protocol != AF_UNIX)
		return -EPROTONOSUPPORT;
	sock = sock_alloc(type, NULL);
	if (!sock)
		return -ENOMEM;
	err = family == AF_UNIX ? unix_create(sock) :
	      inet_create(sock, family, protocol);
	if (err) {
		kfree(sock);
		return err;
	}
	*res = sock;
	return 0;
}

/* install_socket - a new descriptor for sock (owned from now on). */
static int install_socket(struct socket *sock, u32 flags)
{
	struct file *f;
	int err;

	f = sock_alloc_file(sock, flags, &err);
	if (!f)
		return err;
	return fd_install_new(f, flags & O_CLOEXEC);
}

SYSCALL_DEFINE3(socket, int, family, int, type, int, protocol)
{
	struct socket *sock;
	u32 flags = (u32)type & ~SOCK_TYPE_MASK;
	int err;

	if (flags & ~(u32)(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	err = sock_create(family, type & SOCK_TYPE_MASK, protocol, &sock);
	if (err)
		return err;
	return install_socket(sock, flags);
}

SYSCALL_DEFINE4(socketpair, int, family, int, type, int, protocol,
		int __user *, usv)
{
	u32 flags = (u32)type & ~SOCK_TYPE_MASK;
	struct socket *a, *b;
	int fd[2], err;

	if (flags & ~(u32)(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	err = sock_create(family, type & SOCK_TYPE_MASK, protocol, &a);
	if (err)
		return err;
	err = sock_create(family, type & SOCK_TYPE_MASK, protocol, &b);
	if (err) {
		sock_free(a);
		return err;
	}
	err = a->ops->socketpair(a, b);
	if (err) {
		sock_free(a);
		sock_free(b);
		return err;
	}
	fd[0] = install_socket(a, flags);
	if (fd[0] < 0) {
		sock_free(b);
		return fd[0];
	}
	fd[1] = install_socket(b, flags);
	if (fd[1] < 0) {
		fd_close(current->files, fd[0]);
		return fd[1];
	}
	if (copy_to_user(usv, fd, sizeof(fd))) {
		fd_close(current->files, fd[0]);
		fd_close(current->files, fd[1]);
		return -EFAULT;
	}
	return 0;
}

/* ---- naming and connecting ---- */

SYSCALL_DEFINE3(bind, int, fd, const void __user *, uaddr, int, len)
{
	u8 addr[SOCKADDR_MAX];
	struct socket *sock;
	struct file *f;
	int err;

	sock = sockfd_lookup(fd, &f, &err);
	if (!sock)
		return err;
	err = move_addr_to_kernel(uaddr, len, addr);
	if (!err)
		err = sock->ops->bind(sock, addr, len);
	file_put(f);
	return err;
}

SYSCALL_DEFINE2(listen, int, fd, int, backlog)
{
	struct socket *sock;
	struct file *f;
	int err;

	sock = sockfd_lookup(fd, &f, &err);
	if (!sock)
		return err;
	err = sock->ops->listen(sock, backlog);
	file_put(f);
	return err;
}

SYSCALL_DEFINE3(connect, int, fd, const void __user *, uaddr, int, len)
{
	u8 addr[SOCKADDR_MAX];
	struct socket *sock;
	struct file *f;
	int err;

	sock = sockfd_lookup(fd, &f, &err);
	if (!sock)
		return err;
	err = move_addr_to_kernel(uaddr, len, addr);
	if (!err)
		err = sock->ops->connect(sock, addr, len, f->flags & O_NONBLOCK);
	file_put(f);
	return err;
}

/* fd_available - is there a free descriptor (accept checks first, as
 * Linux: EMFILE without taking a connection)? */
static bool fd_available(void)
{
	struct files *files = current->files;
	int limit = fd_limit();

	for (int fd = 0; fd < limit; fd++)
		if (!files->fd[fd])
			return true;
	return false;
}

static long do_accept(int fd, void __user *uaddr, int __user *ulen, int flags)
{
	struct socket *sock, *newsock = NULL;
	u8 addr[SOCKADDR_MAX];
	struct file *f, *nf;
	int err, len;

	if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	sock = sockfd_lookup(fd, &f, &err);
	if (!sock)
		return err;
	err = fd_available() ? 0 : -EMFILE;
	if (!err)
		err = sock->ops->accept(sock, &newsock, f->flags & O_NONBLOCK);
	file_put(f);
	if (err)
		return err;
	nf = sock_alloc_file(newsock, (u32)flags, &err);
	if (!nf)
		return err;
	if (uaddr) {
		len = newsock->ops->getname(newsock, addr, true);
		err = len < 0 ? -ECONNABORTED :
		      move_addr_to_user(addr, len, uaddr, ulen);
		if (err) {
			file_put(nf);
			return err;
		}
	}
	return fd_install_new(nf, flags & SOCK_CLOEXEC);
}

SYSCALL_DEFINE4(accept4, int, fd, void __user *, uaddr, int __user *, ulen,
		int, flags)
{
	return do_accept(fd, uaddr, ulen, flags);
}

SYSCALL_DEFINE3(accept, int, fd, void __user *, uaddr, int __user *, ulen)
{
	return do_accept(fd, uaddr, ulen, 0);
}

static long do_getname(int fd, void __user *uaddr, int __user *ulen, bool peer)
{
	u8 addr[SOCKADDR_MAX];
	struct socket *sock;
	struct file *f;
	int err, len;

	sock = sockfd_lookup(fd, &f, &err);
	if (!sock)
		return err;
	len = sock->ops->getname(sock, addr, peer);
	file_put(f);
	if (len < 0)
		return len;
	return move_addr_to_user(addr, len, uaddr, ulen);
}

SYSCALL_DEFINE3(getsockname, int, fd, void __user *, uaddr, int __user *, ulen)
{
	return do_getname(fd, uaddr, ulen, false);
}

SYSCALL_DEFINE3(getpeername, int, fd, void __user *, uaddr, int __user *, ulen)
{
	return do_getname(fd, uaddr, ulen, true);
}

SYSCALL_DEFINE2(shutdown, int, fd, int, how)
{
	struct socket *sock;
	struct file *f;
	int err;

	sock = sockfd_lookup(fd, &f, &err);
	if (!sock)
		return err;
	err = sock->ops->shutdown(sock, how);
	file_put(f);
	return err;
}

/* ---- control messages ---- */

static void scm_destroy(struct scm *scm)
{
	for (unsigned i = 0; i < scm->nfds; i++)
		file_put(scm->fp[i]);
	scm->nfds = 0;
}

/* scm_fp_copy - the files of an SCM_RIGHTS message, referenced into scm. */
static int scm_fp_copy(const struct cmsghdr *c, struct scm *scm)
{
	const int *fds = (const int *)(c + 1);
	long num = (long)((c->len - sizeof(*c)) / sizeof(int));

	if (num <= 0)
		return 0;
	if (num > SCM_MAX_FD || scm->nfds + num > SCM_MAX_FD)
		return -EINVAL;
	for (long i = 0; i < num; i++) {
		struct file *f = fd_get(current->files, fds[i]);

		if (!f)
			return -EBADF;
		scm->fp[scm->nfds++] = f;
	}
	return 0;
}

/* scm_check_creds - may the sender claim creds (SCM_CREDENTIALS)?  Its
 * own process ID and one of its user IDs, unless it is root. */
static int scm_check_creds(const struct ucred *c)
{
	const struct task_cred *cred = &current->cred;

	if (c->uid == (u32)-1 || c->gid == (u32)-1)
		return -EINVAL;
	if (c->pid != current->tgid && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (c->uid != cred->uid && c->uid != cred->euid && c->uid != cred->suid &&
	    !capable(CAP_SETUID))
		return -EPERM;
	if (c->gid != cred->gid && c->gid != cred->egid && c->gid != cred->sgid &&
	    !capable(CAP_SETGID))
		return -EPERM;
	return 0;
}

/* scm_send - parse a control buffer of len bytes (Linux's __scm_send):
 * 0 or -EINVAL, -EBADF, -EPERM; files taken stay in scm (scm_destroy). */
static int scm_send(const u8 *buf, size_t len, struct scm *scm)
{
	size_t off = 0;
	int err;

	while (off + sizeof(struct cmsghdr) <= len) {
		const struct cmsghdr *c = (const void *)(buf + off);

		if (c->len < sizeof(*c) || c->len > len - off)
			return -EINVAL;
		if (c->level == SOL_SOCKET) {
			switch (c->type) {
			case SCM_RIGHTS:
				err = scm_fp_copy(c, scm);
				break;
			case SCM_CREDENTIALS:
				if (c->len != CMSG_LEN(sizeof(struct ucred)))
					return -EINVAL;
				memcpy(&scm->creds, c + 1, sizeof(scm->creds));
				scm->has_creds = true;
				err = scm_check_creds(&scm->creds);
				break;
			default:
				err = -EINVAL;
			}
			if (err)
				return err;
		}
		off += CMSG_ALIGN(c->len);
	}
	return 0;
}

/* A control buffer being filled for recvmsg. */
struct cmsg_out {
	u64 ptr;   /* next user byte */
	u64 left;  /* bytes left */
	int *flags;
};

/* put_cmsg - one control message (as much as fits; MSG_CTRUNC if not all). */
static int put_cmsg(struct cmsg_out *o, int type, const void *data, size_t len)
{
	struct cmsghdr h = { CMSG_LEN(len), SOL_SOCKET, type };
	u64 cmlen = CMSG_LEN(len);

	if (!o->ptr || o->left < sizeof(h)) {
		*o->flags |= MSG_CTRUNC;
		return 0;
	}
	if (o->left < cmlen) {
		*o->flags |= MSG_CTRUNC;
		cmlen = o->left;
	}
	h.len = cmlen;
	if (copy_to_user((void __user *)o->ptr, &h, sizeof(h)) ||
	    copy_to_user((void __user *)(o->ptr + sizeof(h)), data,
			 cmlen - sizeof(h)))
		return -EFAULT;
	cmlen = MIN(CMSG_SPACE(len), o->left);
	o->ptr += cmlen;
	o->left -= cmlen;
	return 0;
}

/* scm_detach_fds - install the received files as descriptors, as many as
 * the buffer has room for (MSG_CTRUNC otherwise; the rest are closed). */
static int scm_detach_fds(struct cmsg_out *o, struct scm *scm, bool cloexec)
{
	int fds[SCM_MAX_FD];
	unsigned fdmax = o->ptr && o->left > sizeof(struct cmsghdr) ?
			 (unsigned)((o->left - sizeof(struct cmsghdr)) / sizeof(int)) : 0;
	unsigned i, n = MIN(fdmax, scm->nfds);
	int err = 0;

	for (i = 0; i < n; i++) {
		fds[i] = fd_install(current->files, scm->fp[i], cloexec);
		if (fds[i] < 0)
			break;
	}
	if (i > 0)
		err = put_cmsg(o, SCM_RIGHTS, fds, i * sizeof(int));
	if (i < scm->nfds)
		*o->flags |= MSG_CTRUNC;
	for (unsigned j = i; j < scm->nfds; j++)
		file_put(scm->fp[j]);
	scm->nfds = 0;
	return err;
}

/* ---- sending and receiving ---- */

/* A message being built from a user struct msghdr (or sendto's args). */
struct msg_args {
	struct kmsg m;
	struct uio_seg *iov;     /* kmalloc'd pieces, or one in seg */
	struct uio_seg seg;
	u8 addr[SOCKADDR_MAX + 2];
	struct scm scm;
	u64 control, controllen; /* recv: the user's control buffer */
};

/* import_msg - the data pieces and the address of um (send: the address
 * copied in, clamped as Linux; recv: the user's buffer remembered). */
static int import_msg(struct msg_args *a, const struct user_msghdr *um, bool send)
{
	int namelen = um->name ? um->namelen : 0;
	int err;

	if (namelen < 0)
		return -EINVAL;
	if (namelen > SOCKADDR_MAX)
		namelen = SOCKADDR_MAX;
	if (um->iovlen > UIO_MAXIOV)
		return -EMSGSIZE;
	a->m.name = a->addr;
	a->m.namelen = 0;
	if (send && namelen) {
		err = move_addr_to_kernel((const void __user *)um->name, namelen,
					  a->addr);
		if (err)
			return err;
		a->m.namelen = namelen;
	}
	a->iov = &a->seg;
	if (um->iovlen) {
		a->iov = kmalloc(um->iovlen * sizeof(struct uio_seg));
		if (!a->iov)
			return -ENOMEM;
		if (copy_from_user(a->iov, (const void __user *)um->iov,
				   um->iovlen * sizeof(struct uio_seg)))
			return -EFAULT;
	}
	return uio_init_vec(&a->m.uio, a->iov, (unsigned)um->iovlen,
			    MAX_RW_COUNT, true);
}

static void msg_args_free(struct msg_args *a)
{
	if (a->iov && a->iov != &a->seg)
		kfree(a->iov);
	scm_destroy(&a->scm);
}

/* import_control - sendmsg's control messages into a->scm. */
static int import_control(struct msg_args *a, const struct user_msghdr *um)
{
	u8 *buf;
	int err;

	if (um->controllen > INT_MAX)
		return -ENOBUFS;
	if (um->controllen < sizeof(struct cmsghdr))
		return 0;
	if (um->controllen > OPTMEM_MAX)
		return -ENOBUFS;
	buf = kmalloc(um->controllen);
	if (!buf)
		return -ENOBUFS;
	err = copy_from_user(buf, (const void __user *)um->control,
			     um->controllen) ? -EFAULT : 0;
	if (!err)
		err = scm_send(buf, um->controllen, &a->scm);
	kfree(buf);
	return err;
}

static long sock_sendmsg(struct socket *sock, struct file *f, struct msg_args *a,
			 int flags)
{
	bool nonblock = (f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT);

	a->m.scm = &a->scm;
	return sock->ops->sendmsg(sock, &a->m, flags, nonblock);
}

static long sock_recvmsg(struct socket *sock, struct file *f, struct msg_args *a,
			 int flags)
{
	bool nonblock = (f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT);

	a->m.scm = &a->scm;
	return sock->ops->recvmsg(sock, &a->m, flags, nonblock);
}

SYSCALL_DEFINE3(sendmsg, int, fd, const struct user_msghdr __user *, umsg,
		int, flags)
{
	struct msg_args *a;
	struct user_msghdr um;
	struct socket *sock;
	struct file *f;
	long err;
	int e;

	sock = sockfd_lookup(fd, &f, &e);
	if (!sock)
		return e;
	a = kzalloc(sizeof(*a));
	err = !a ? -ENOMEM :
	      copy_from_user(&um, umsg, sizeof(um)) ? -EFAULT : 0;
	if (!err)
		err = import_msg(a, &um, true);
	if (!err)
		err = import_control(a, &um);
	if (!err)
		err = sock_sendmsg(sock, f, a, flags);
	if (a)
		msg_args_free(a);
	kfree(a);
	file_put(f);
	return err;
}

/* finish_recvmsg - the address, control messages and flags back into the
 * user's msghdr. */
static long finish_recvmsg(struct msg_args *a, struct user_msghdr __user *umsg,
			   const struct user_msghdr *um, int flags)
{
	struct cmsg_out o = { um->control, um->controllen, &a->m.flags };
	u64 used;
	int err;

	if (um->name) {
		err = move_addr_to_user(a->addr, a->m.namelen,
					(void __user *)um->name, &umsg->namelen);
		if (err)
			return err;
	}
	if (a->scm.has_creds &&
	    (err = put_cmsg(&o, SCM_CREDENTIALS, &a->scm.creds, sizeof(a->scm.creds))))
		return err;
	if (a->scm.nfds &&
	    (err = scm_detach_fds(&o, &a->scm, flags & MSG_CMSG_CLOEXEC)))
		return err;
	used = um->controllen - o.left;
	if (copy_to_user(&umsg->flags, &a->m.flags, sizeof(a->m.flags)) ||
	    copy_to_user(&umsg->controllen, &used, sizeof(used)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE3(recvmsg, int, fd, struct user_msghdr __user *, umsg, int, flags)
{
	struct msg_args *a;
	struct user_msghdr um;
	struct socket *sock;
	struct file *f;
	long n, err;
	int e;

	sock = sockfd_lookup(fd, &f, &e);
	if (!sock)
		return e;
	a = kzalloc(sizeof(*a));
	err = !a ? -ENOMEM :
	      copy_from_user(&um, umsg, sizeof(um)) ? -EFAULT : 0;
	if (!err)
		err = import_msg(a, &um, false);
	n = err ? err : sock_recvmsg(sock, f, a, flags);
	if (n >= 0) {
		err = finish_recvmsg(a, umsg, &um, flags);
		if (err)
			n = err;
	}
	if (a)
		msg_args_free(a);
	kfree(a);
	file_put(f);
	return n;
}

/* one_piece - sendto/recvfrom's buffer as a message of one piece. */
static int one_piece(struct msg_args *a, void __user *buf, size_t len)
{
	a->seg.base = (u64)buf;
	a->seg.len = MIN(len, (size_t)INT_MAX);
	a->iov = &a->seg;
	a->m.name = a->addr;
	return uio_init_vec(&a->m.uio, &a->seg, 1, MAX_RW_COUNT, true);
}

SYSCALL_DEFINE6(sendto, int, fd, const void __user *, buf, size_t, len,
		int, flags, const void __user *, uaddr, int, addrlen)
{
	struct msg_args *a;
	struct socket *sock;
	struct file *f;
	long err;
	int e;

	sock = sockfd_lookup(fd, &f, &e);
	if (!sock)
		return e;
	a = kzalloc(sizeof(*a));
	err = a ? one_piece(a, (void __user *)buf, len) : -ENOMEM;
	if (!err && uaddr) {
		err = move_addr_to_kernel(uaddr, addrlen, a->addr);
		a->m.namelen = addrlen;
	}
	if (!err)
		err = sock_sendmsg(sock, f, a, flags);
	if (a)
		msg_args_free(a);
	kfree(a);
	file_put(f);
	return err;
}

SYSCALL_DEFINE6(recvfrom, int, fd, void __user *, buf, size_t, len, int, flags,
		void __user *, uaddr, int __user *, ulen)
{
	struct msg_args *a;
	struct socket *sock;
	struct file *f;
	long n, err;
	int e;

	sock = sockfd_lookup(fd, &f, &e);
	if (!sock)
		return e;
	a = kzalloc(sizeof(*a));
	n = a ? one_piece(a, buf, len) : -ENOMEM;
	if (!n)
		n = sock_recvmsg(sock, f, a, flags & ~MSG_CMSG_CLOEXEC);
	if (n >= 0 && uaddr) {
		err = move_addr_to_user(a->addr, a->m.namelen, uaddr, ulen);
		if (err)
			n = err;
	}
	if (a)
		msg_args_free(a); /* files of a message read without control */
	kfree(a);
	file_put(f);
	return n;
}

/* ---- options ---- */

/* timeout_get / timeout_set - SO_RCVTIMEO/SO_SNDTIMEO as a struct timeval. */
static struct k_timeval timeout_get(u64 ns)
{
	return (struct k_timeval){ (s64)(ns / NSEC_PER_SEC),
				   (s64)(ns % NSEC_PER_SEC / NSEC_PER_USEC) };
}

static int timeout_set(u64 *ns, const struct k_timeval *tv)
{
	if (tv->usec < 0 || tv->usec >= 1000000)
		return -EDOM;
	if (tv->sec < 0 || (u64)tv->sec > 0xffffffffull) {
		*ns = 0; /* Linux: negative is no timeout, huge is forever */
		return 0;
	}
	*ns = (u64)tv->sec * NSEC_PER_SEC + (u64)tv->usec * NSEC_PER_USEC;
	return 0;
}

/* Boolean options a socket keeps for getsockopt but that change nothing
 * for AF_UNIX. */
static bool kept_option(int name)
{
	return name == SO_REUSEADDR || name == SO_KEEPALIVE ||
	       name == SO_BROADCAST || name == SO_OOBINLINE ||
	       name == SO_DONTROUTE || name == SO_REUSEPORT || name == SO_DEBUG;
}

/* generic_getsockopt - SOL_SOCKET options every socket answers. */
static int generic_getsockopt(struct socket *sock, int name, u8 *val, int *len)
{
	struct k_timeval tv;
	int v;

	switch (name) {
	case SO_TYPE:
		v = sock->type;
		break;
	case SO_DOMAIN:
		v = sock->ops->family;
		break;
	case SO_PROTOCOL:
		v = 0;
		break;
	case SO_RCVLOWAT:
		v = sock->rcvlowat;
		break;
	case SO_SNDLOWAT:
		v = 1;
		break;
	case SO_RCVTIMEO:
	case SO_SNDTIMEO:
		tv = timeout_get(name == SO_RCVTIMEO ? sock->rcvtimeo_ns :
				 sock->sndtimeo_ns);
		memcpy(val, &tv, sizeof(tv));
		*len = sizeof(tv);
		return 0;
	case SO_LINGER:
		memcpy(val, sock->linger, sizeof(sock->linger));
		*len = sizeof(sock->linger);
		return 0;
	default:
		if (!kept_option(name))
			return -ENOPROTOOPT;
		v = (sock->bool_opts >> name) & 1;
	}
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
}

SYSCALL_DEFINE5(getsockopt, int, fd, int, level, int, name,
		void __user *, uval, int __user *, ulen)
{
	u8 val[SOCKADDR_MAX];
	struct socket *sock;
	struct file *f;
	int err, len, klen = 0;

	sock = sockfd_lookup(fd, &f, &err);
	if (!sock)
		return err;
	err = level != SOL_SOCKET && !sock->ops->proto_getsockopt ? -EOPNOTSUPP :
	      copy_from_user(&len, ulen, sizeof(len)) ? -EFAULT :
	      len < 0 ? -EINVAL : 0;
	if (!err && level != SOL_SOCKET)
		err = sock->ops->proto_getsockopt(sock, level, name, val, &klen);
	else if (!err) {
		err = sock->ops->getsockopt(sock, name, val, &klen);
		if (err == -ENOPROTOOPT)
			err = generic_getsockopt(sock, name, val, &klen);
	}
	file_put(f);
	if (err)
		return err;
	len = MIN(len, klen);
	if (copy_to_user(uval, val, (size_t)len) ||
	    copy_to_user(ulen, &len, sizeof(len)))
		return -EFAULT;
	return 0;
}

/* generic_setsockopt - SOL_SOCKET options every socket takes (len is at
 * least sizeof(int) and val holds len bytes, at most 16). */
static int generic_setsockopt(struct socket *sock, int name, const u8 *val, int len)
{
	struct k_timeval tv;
	int v;

	memcpy(&v, val, sizeof(v));
	switch (name) {
	case SO_RCVTIMEO:
	case SO_SNDTIMEO:
		if (len < (int)sizeof(tv))
			return -EINVAL;
		memcpy(&tv, val, sizeof(tv));
		return timeout_set(name == SO_RCVTIMEO ? &sock->rcvtimeo_ns :
				   &sock->sndtimeo_ns, &tv);
	case SO_LINGER:
		if (len < (int)sizeof(sock->linger))
			return -EINVAL;
		memcpy(sock->linger, val, sizeof(sock->linger));
		sock->linger[0] = sock->linger[0] != 0;
		return 0;
	case SO_RCVLOWAT:
		sock->rcvlowat = v < 0 ? INT_MAX : v ? v : 1;
		return 0;
	}
	if (!kept_option(name))
		return -ENOPROTOOPT;
	if (v)
		sock->bool_opts |= 1ull << name;
	else
		sock->bool_opts &= ~(1ull << name);
	return 0;
}

SYSCALL_DEFINE5(setsockopt, int, fd, int, level, int, name,
		const void __user *, uval, int, len)
{
	u8 val[16] = { 0 };
	struct socket *sock;
	struct file *f;
	int err;

	sock = sockfd_lookup(fd, &f, &err);
	if (!sock)
		return err;
	err = len < 0 ? -EINVAL :
	      level != SOL_SOCKET && !sock->ops->proto_setsockopt ? -EOPNOTSUPP :
	      len < (int)sizeof(int) ? -EINVAL :
	      copy_from_user(val, uval, MIN((size_t)len, sizeof(val))) ? -EFAULT : 0;
	if (!err && level != SOL_SOCKET)
		err = sock->ops->proto_setsockopt(sock, level, name, val, len);
	else if (!err) {
		err = sock->ops->setsockopt(sock, name, val, len);
		if (err == -ENOPROTOOPT)
			err = generic_setsockopt(sock, name, val, len);
	}
	file_put(f);
	return err;
}
