/*
 * tests/user/uffd_test.c - userfaultfd (mm/userfaultfd.c) and pidfds
 * (kernel/pidfd.c), as Linux 6.1 answers:
 *   a missing fault resolved by UFFDIO_COPY and UFFDIO_ZEROPAGE from a
 *   second thread, the message it reads; O_NONBLOCK reads, poll; the rules
 *   of UFFDIO_COPY (EEXIST, ENOENT, EINVAL, DONTWAKE and UFFDIO_WAKE);
 *   closing the userfaultfd or SIGKILL while a thread waits; a kernel copy
 *   into a registered page; UFFD_FEATURE_SIGBUS; UFFD_EVENT_FORK; EPERM
 *   for a user by default; the "um" VmFlag;
 *   pidfd_open, poll on a pidfd, pidfd_send_signal, process_mrelease.
 * The whole run is done twice, the second time inside a leak check.
 */
#define _GNU_SOURCE
#include "tap.h"
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

#define PAGE 4096ul

/* <linux/userfaultfd.h> (musl-gcc has no kernel headers) */
#define UFFD_API 0xaaull
#define UFFD_USER_MODE_ONLY 1
#define UFFD_EVENT_PAGEFAULT 0x12
#define UFFD_EVENT_FORK 0x13
#define UFFD_PAGEFAULT_FLAG_WRITE 1
#define UFFD_FEATURE_PAGEFAULT_FLAG_WP (1ull << 0)
#define UFFD_FEATURE_EVENT_FORK (1ull << 1)
#define UFFD_FEATURE_SIGBUS (1ull << 7)
#define UFFDIO_REGISTER_MODE_MISSING 1ull
#define UFFDIO_REGISTER_MODE_WP 2ull
#define UFFDIO_COPY_MODE_DONTWAKE 1ull
#define _UFFDIO_REGISTER 0x00
#define _UFFDIO_COPY 0x03
#define _UFFDIO_CONTINUE 0x07
#define UFFD_PAGEFAULT_FLAG_MINOR 4
#define UFFDIO_REGISTER_MODE_MINOR 4ull
struct uffdio_continue { struct { unsigned long long start, len; } range;
			 unsigned long long mode; long long mapped; };
#define UFFDIO_CONTINUE _IOWR(0xaa, 0x07, struct uffdio_continue)
struct uffd_msg {
	unsigned char event, reserved1;
	unsigned short reserved2;
	unsigned reserved3;
	union {
		struct { unsigned long long flags, address; unsigned ptid; } pagefault;
		struct { unsigned ufd; } fork;
		struct { unsigned long long a, b, c; } reserved;
	} arg;
} __attribute__((packed));
struct uffdio_api { unsigned long long api, features, ioctls; };
struct uffdio_range { unsigned long long start, len; };
struct uffdio_register { struct uffdio_range range; unsigned long long mode, ioctls; };
struct uffdio_copy { unsigned long long dst, src, len, mode; long long copy; };
struct uffdio_zeropage { struct uffdio_range range; unsigned long long mode; long long zeropage; };
#define UFFDIO_API _IOWR(0xaa, 0x3f, struct uffdio_api)
#define UFFDIO_REGISTER _IOWR(0xaa, 0x00, struct uffdio_register)
#define UFFDIO_UNREGISTER _IOR(0xaa, 0x01, struct uffdio_range)
#define UFFDIO_WAKE _IOR(0xaa, 0x02, struct uffdio_range)
#define UFFDIO_COPY _IOWR(0xaa, 0x03, struct uffdio_copy)
#define UFFDIO_ZEROPAGE _IOWR(0xaa, 0x04, struct uffdio_zeropage)
#define NR_pidfd_send_signal 424
#define NR_pidfd_open 434
#define NR_process_mrelease 448

static long uffd_open(int flags, unsigned long long features)
{
	struct uffdio_api api = { .api = UFFD_API, .features = features };
	long fd = syscall(SYS_userfaultfd, flags);

	if (fd >= 0 && ioctl((int)fd, UFFDIO_API, &api)) {
		close((int)fd);
		return -1;
	}
	return fd;
}

/* area - n fresh private anonymous pages, registered with uffd (MISSING). */
static char *area(int uffd, size_t n)
{
	char *p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct uffdio_register r = { .range = { (unsigned long)p, n * PAGE },
				     .mode = UFFDIO_REGISTER_MODE_MISSING };

	if (p == MAP_FAILED || ioctl(uffd, UFFDIO_REGISTER, &r))
		return NULL;
	return p;
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* A thread touching one byte: what it read (or wrote) and when it ended. */
struct toucher {
	volatile char *addr;
	int write;
	volatile int done;
	char value;
	pthread_t thread;
};

static void *touch(void *arg)
{
	struct toucher *t = arg;

	if (t->write)
		*t->addr = 'w';
	t->value = *t->addr;
	t->done = 1;
	return NULL;
}

static void start_touch(struct toucher *t, void *addr, int write)
{
	t->addr = addr;
	t->write = write;
	t->done = 0;
	pthread_create(&t->thread, NULL, touch, t);
}

static int read_msg(int uffd, struct uffd_msg *m)
{
	return read(uffd, m, sizeof(*m)) == sizeof(*m) ? 0 : -1;
}

static void t_api(void)
{
	struct uffdio_api api = { .api = UFFD_API, .features = 0 };
	struct uffdio_register r = { .mode = UFFDIO_REGISTER_MODE_WP };
	long fd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	char *p;

	CHECK(fd >= 0, "userfaultfd");
	CHECK_ERR(syscall(SYS_userfaultfd, 0x40), EINVAL);
	CHECK(fcntl((int)fd, F_GETFD) == FD_CLOEXEC, "O_CLOEXEC");
	CHECK_ERR(ioctl((int)fd, UFFDIO_REGISTER, &r), EINVAL); /* before the API */
	api.api = 0xab;
	CHECK_ERR(ioctl((int)fd, UFFDIO_API, &api), EINVAL);
	CHECK(api.api == 0 && api.features == 0, "refused: zeroed");
	api.api = UFFD_API;
	api.features = 1ull << 20;
	CHECK_ERR(ioctl((int)fd, UFFDIO_API, &api), EINVAL);
	api.api = UFFD_API;
	api.features = UFFD_FEATURE_PAGEFAULT_FLAG_WP; /* known: accepted */
	CHECK(ioctl((int)fd, UFFDIO_API, &api) == 0, "UFFDIO_API");
	CHECK(api.api == UFFD_API, "api");
	CHECK((api.features & (UFFD_FEATURE_EVENT_FORK | UFFD_FEATURE_SIGBUS)) ==
		      (UFFD_FEATURE_EVENT_FORK | UFFD_FEATURE_SIGBUS),
	      "features %llx", (unsigned long long)api.features);
	CHECK(api.ioctls & (1ull << _UFFDIO_REGISTER), "ioctls");
	CHECK_ERR(ioctl((int)fd, UFFDIO_API, &api), EINVAL); /* only once */
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	r.range.start = (unsigned long)p + 1;
	r.range.len = PAGE;
	r.mode = UFFDIO_REGISTER_MODE_MISSING;
	CHECK_ERR(ioctl((int)fd, UFFDIO_REGISTER, &r), EINVAL);
	r.range.start = (unsigned long)p;
	r.mode = 0;
	CHECK_ERR(ioctl((int)fd, UFFDIO_REGISTER, &r), EINVAL);
	r.mode = UFFDIO_REGISTER_MODE_MINOR; /* shmem only */
	CHECK_ERR(ioctl((int)fd, UFFDIO_REGISTER, &r), EINVAL);
	r.mode = UFFDIO_REGISTER_MODE_MISSING;
	CHECK(ioctl((int)fd, UFFDIO_REGISTER, &r) == 0, "register");
	CHECK(r.ioctls & (1ull << _UFFDIO_COPY), "range ioctls %llx",
	      (unsigned long long)r.ioctls);
	close((int)fd);
	munmap(p, 2 * PAGE);
}

/* A read fault resolved by UFFDIO_COPY, a write fault by UFFDIO_ZEROPAGE;
 * the monitor blocks in read(). */
static void t_copy_zeropage(void)
{
	int uffd = (int)uffd_open(O_CLOEXEC, 0);
	char *p = area(uffd, 2), src[PAGE];
	struct uffdio_copy c = { 0 };
	struct uffdio_zeropage z = { 0 };
	struct toucher t;
	struct uffd_msg m;

	CHECK(p != NULL, "area");
	memset(src, 'c', sizeof(src));
	start_touch(&t, p + 100, 0);
	CHECK(read_msg(uffd, &m) == 0, "read");
	CHECK(m.event == UFFD_EVENT_PAGEFAULT, "event %u", m.event);
	CHECK(m.arg.pagefault.address == (unsigned long)p, "address %llx",
	      (unsigned long long)m.arg.pagefault.address);
	CHECK(m.arg.pagefault.flags == 0, "read fault");
	CHECK(!t.done, "the faulting thread waits");
	c.dst = (unsigned long)p;
	c.src = (unsigned long)src;
	c.len = PAGE;
	CHECK(ioctl(uffd, UFFDIO_COPY, &c) == 0 && c.copy == PAGE, "copy %lld", c.copy);
	pthread_join(t.thread, NULL);
	CHECK(t.value == 'c', "the copy is seen");

	start_touch(&t, p + PAGE + 7, 1);
	CHECK(read_msg(uffd, &m) == 0, "read");
	CHECK(m.arg.pagefault.flags == UFFD_PAGEFAULT_FLAG_WRITE, "write fault");
	z.range.start = (unsigned long)p + PAGE;
	z.range.len = PAGE;
	CHECK(ioctl(uffd, UFFDIO_ZEROPAGE, &z) == 0 && z.zeropage == PAGE, "zeropage");
	pthread_join(t.thread, NULL);
	CHECK(t.value == 'w' && p[PAGE] == 0, "written after the zero page");
	close(uffd);
	munmap(p, 2 * PAGE);
}

/* Shared anonymous memory (a shmem object behind it, as on Linux) can be
 * registered: the missing page is filled by UFFDIO_COPY into the object,
 * so a forked child that maps the same object sees the copy too. */
static void t_shared_anon(void)
{
	int uffd = (int)uffd_open(O_CLOEXEC, 0);
	char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		       -1, 0), src[PAGE];
	struct uffdio_register r = { .range = { (unsigned long)p, PAGE },
				     .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct uffdio_copy c = { 0 };
	struct toucher t;
	struct uffd_msg m;
	int status;
	pid_t pid;

	CHECK(p != MAP_FAILED && ioctl(uffd, UFFDIO_REGISTER, &r) == 0,
	      "register MAP_SHARED|MAP_ANONYMOUS: %s", strerror(errno));
	memset(src, 's', sizeof(src));
	start_touch(&t, p + 5, 0);
	CHECK(read_msg(uffd, &m) == 0 && m.event == UFFD_EVENT_PAGEFAULT &&
	      m.arg.pagefault.address == (unsigned long)p, "the fault is reported");
	c.dst = (unsigned long)p;
	c.src = (unsigned long)src;
	c.len = PAGE;
	CHECK(ioctl(uffd, UFFDIO_COPY, &c) == 0 && c.copy == PAGE, "copy %lld", c.copy);
	pthread_join(t.thread, NULL);
	CHECK(t.value == 's', "the copy is seen");
	CHECK_ERR(ioctl(uffd, UFFDIO_COPY, &c), EEXIST); /* the object has it */
	close(uffd);
	pid = fork();
	if (pid == 0)
		_exit(p[PAGE - 1] == 's' ? 0 : 1);
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, "a child sees the object's page");
	munmap(p, PAGE);
}

static void t_nonblock_poll(void)
{
	int uffd = (int)uffd_open(O_NONBLOCK, 0);
	int blocking = (int)uffd_open(0, 0);
	char *p = area(uffd, 1);
	struct pollfd pfd = { .fd = uffd, .events = POLLIN };
	struct uffdio_zeropage z = { { (unsigned long)p, PAGE }, 0, 0 };
	struct toucher t;
	struct uffd_msg m;

	CHECK(read(uffd, &m, sizeof(m)) == -1 && errno == EAGAIN, "EAGAIN");
	CHECK_ERR(read(uffd, &m, sizeof(m) - 1), EINVAL);
	CHECK(poll(&pfd, 1, 0) == 0, "nothing to read");
	start_touch(&t, p, 0);
	CHECK(poll(&pfd, 1, 5000) == 1 && pfd.revents == POLLIN, "POLLIN %x", pfd.revents);
	CHECK(read_msg(uffd, &m) == 0, "read");
	CHECK(poll(&pfd, 1, 0) == 0, "read already");
	CHECK(ioctl(uffd, UFFDIO_ZEROPAGE, &z) == 0, "zeropage");
	pthread_join(t.thread, NULL);
	pfd.fd = blocking;
	CHECK(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLERR), "blocking fd: POLLERR");
	close(uffd);
	close(blocking);
	munmap(p, PAGE);
}

static void t_copy_rules(void)
{
	int uffd = (int)uffd_open(O_NONBLOCK, 0);
	char *p = area(uffd, 2), src[PAGE] = "x";
	char *plain = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct uffdio_copy c = { (unsigned long)p, (unsigned long)src, PAGE, 0, 0 };
	struct uffdio_range w = { (unsigned long)p + PAGE, PAGE };
	struct toucher t;
	struct uffd_msg m;

	CHECK(ioctl(uffd, UFFDIO_COPY, &c) == 0, "copy");
	c.copy = 0;
	CHECK_ERR(ioctl(uffd, UFFDIO_COPY, &c), EEXIST);
	CHECK(c.copy == -EEXIST, "copy field %lld", c.copy);
	c.dst = (unsigned long)plain;
	CHECK_ERR(ioctl(uffd, UFFDIO_COPY, &c), ENOENT);
	c.dst = (unsigned long)p;
	c.len = 3 * PAGE; /* beyond the registered region */
	CHECK_ERR(ioctl(uffd, UFFDIO_COPY, &c), ENOENT);
	c.len = PAGE + 1;
	CHECK_ERR(ioctl(uffd, UFFDIO_COPY, &c), EINVAL);
	c.len = 0;
	CHECK_ERR(ioctl(uffd, UFFDIO_COPY, &c), EINVAL);
	c.len = PAGE;
	c.mode = 1ull << 5;
	CHECK_ERR(ioctl(uffd, UFFDIO_COPY, &c), EINVAL);
	c.mode = 0;
	c.dst = (unsigned long)p + PAGE;
	c.src = 0x1000;
	CHECK_ERR(ioctl(uffd, UFFDIO_COPY, &c), EFAULT);
	/* DONTWAKE: the page is there, but the waiter sleeps until WAKE. */
	start_touch(&t, p + PAGE, 0);
	while (read(uffd, &m, sizeof(m)) != sizeof(m))
		nap_ms(1);
	c.src = (unsigned long)src;
	c.mode = UFFDIO_COPY_MODE_DONTWAKE;
	CHECK(ioctl(uffd, UFFDIO_COPY, &c) == 0, "copy, dontwake");
	nap_ms(50);
	CHECK(!t.done, "still asleep");
	CHECK(ioctl(uffd, UFFDIO_WAKE, &w) == 0, "wake");
	pthread_join(t.thread, NULL);
	CHECK(t.value == 'x', "woken, page seen");
	close(uffd);
	munmap(p, 2 * PAGE);
	munmap(plain, PAGE);
}

/* Closing the userfaultfd lets the waiter go on: its retried fault gets a
 * zero page.  UNREGISTER does too. */
static void t_close_wakes(void)
{
	int uffd = (int)uffd_open(O_NONBLOCK, 0);
	char *p = area(uffd, 2);
	struct uffdio_range r = { (unsigned long)p + PAGE, PAGE };
	struct toucher t;

	start_touch(&t, p, 0);
	nap_ms(30);
	CHECK(!t.done, "waiting");
	close(uffd);
	pthread_join(t.thread, NULL);
	CHECK(t.value == 0, "zero page after close");

	uffd = (int)uffd_open(O_NONBLOCK, 0);
	munmap(p, 2 * PAGE);
	p = area(uffd, 2);
	r.start = (unsigned long)p + PAGE;
	start_touch(&t, p + PAGE, 0);
	nap_ms(30);
	CHECK(ioctl(uffd, UFFDIO_UNREGISTER, &r) == 0, "unregister");
	pthread_join(t.thread, NULL);
	CHECK(t.value == 0, "zero page after unregister");
	close(uffd);
	munmap(p, 2 * PAGE);
}

/* A process waiting on its own userfaultfd (nobody reads it) dies of
 * SIGKILL; and of an ordinary signal's default action. */
static void t_kill_faulter(void)
{
	for (int sig = SIGKILL; sig; sig = sig == SIGKILL ? SIGTERM : 0) {
		int status = 0;
		pid_t pid = fork();

		if (pid == 0) {
			int uffd = (int)uffd_open(0, 0);
			volatile char *p = area(uffd, 1);

			(void)*p;
			_exit(3);
		}
		nap_ms(50);
		kill(pid, sig);
		CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
			      WTERMSIG(status) == sig, "status %x", status);
	}
}

/* The kernel's own copy into a registered page: EFAULT for a
 * UFFD_USER_MODE_ONLY userfaultfd; otherwise it waits like a user access. */
static void *copy_monitor(void *arg)
{
	int uffd = *(int *)arg;
	struct uffd_msg m;
	char src[PAGE];

	memset(src, 'k', sizeof(src));
	if (read_msg(uffd, &m) == 0) {
		struct uffdio_copy c = { m.arg.pagefault.address, (unsigned long)src, PAGE, 0, 0 };
		ioctl(uffd, UFFDIO_COPY, &c);
	}
	return NULL;
}

static void t_kernel_copy(void)
{
	int uffd = (int)uffd_open(UFFD_USER_MODE_ONLY, 0), fds[2];
	char *p = area(uffd, 1);
	pthread_t mon;

	pipe(fds);
	write(fds[1], "ab", 2);
	CHECK_ERR(read(fds[0], p, 1), EFAULT);
	close(uffd);
	munmap(p, PAGE);

	uffd = (int)uffd_open(0, 0);
	p = area(uffd, 1);
	pthread_create(&mon, NULL, copy_monitor, &uffd);
	CHECK(read(fds[0], p + 10, 2) == 2, "read into a registered page");
	pthread_join(mon, NULL);
	CHECK(p[0] == 'k' && p[10] == 'a' && p[11] == 'b', "%c%c%c", p[0], p[10], p[11]);
	close(uffd);
	close(fds[0]);
	close(fds[1]);
	munmap(p, PAGE);
}

static sigjmp_buf bus_jmp;
static void on_bus(int sig)
{
	siglongjmp(bus_jmp, 1);
}

static void t_sigbus(void)
{
	int uffd = (int)uffd_open(0, UFFD_FEATURE_SIGBUS);
	volatile char *p = area(uffd, 1);
	volatile int got = 0;

	signal(SIGBUS, on_bus);
	if (sigsetjmp(bus_jmp, 1) == 0)
		(void)*p;
	else
		got = 1;
	CHECK(got, "SIGBUS");
	close(uffd);
	CHECK(*p == 0, "after close: a zero page");
	munmap((void *)p, PAGE);
}

/* UFFD_EVENT_FORK: the child's registered pages fault to a new
 * userfaultfd, which the monitor reads as a descriptor of its own. */
static int child_uffd = -1;

static void *fork_monitor(void *arg)
{
	int uffd = *(int *)arg;
	struct uffd_msg m;
	char src[PAGE];

	memset(src, 'f', sizeof(src));
	if (read_msg(uffd, &m) || m.event != UFFD_EVENT_FORK)
		return (void *)1;
	child_uffd = (int)m.arg.fork.ufd;
	if (read_msg(child_uffd, &m) || m.event != UFFD_EVENT_PAGEFAULT)
		return (void *)2;
	struct uffdio_copy c = { m.arg.pagefault.address, (unsigned long)src, PAGE, 0, 0 };
	if (ioctl(child_uffd, UFFDIO_COPY, &c))
		return (void *)3;
	return NULL;
}

static void t_fork_event(void)
{
	int uffd = (int)uffd_open(0, UFFD_FEATURE_EVENT_FORK);
	char *p = area(uffd, 1);
	void *res = (void *)9;
	pthread_t mon;
	int status = 0;
	pid_t pid;

	pthread_create(&mon, NULL, fork_monitor, &uffd);
	pid = fork();
	if (pid == 0)
		_exit(p[0] == 'f' ? 0 : 1);
	CHECK(waitpid(pid, &status, 0) == pid && status == 0, "child status %x", status);
	pthread_join(mon, &res);
	CHECK(res == NULL, "monitor step %ld", (long)res);
	/* The child is gone, and its address space: ESRCH, ENOMEM. */
	struct uffdio_copy c = { (unsigned long)p, (unsigned long)p, PAGE, 0, 0 };
	struct uffdio_register r = { { (unsigned long)p, PAGE }, UFFDIO_REGISTER_MODE_MISSING, 0 };
	CHECK_ERR(ioctl(child_uffd, UFFDIO_COPY, &c), ESRCH);
	CHECK_ERR(ioctl(child_uffd, UFFDIO_REGISTER, &r), ENOMEM);
	close(child_uffd);
	close(uffd);
	munmap(p, PAGE);
}

/* set_unprivileged - write 0 or 1 to /proc/sys/vm/unprivileged_userfaultfd. */
static int set_unprivileged(const char *v)
{
	int fd = open("/proc/sys/vm/unprivileged_userfaultfd", O_WRONLY);
	int ok = fd >= 0 && write(fd, v, 1) == 1;

	close(fd);
	return ok;
}

/* As uid 1000: EPERM without UFFD_USER_MODE_ONLY, unless the sysctl is 1. */
static void unprivileged_user(void)
{
	long uffd;
	int fd = open("/proc/sys/vm/unprivileged_userfaultfd", O_RDONLY);
	char text[4] = "";

	read(fd, text, sizeof(text) - 1);
	close(fd);
	if (setgroups(0, NULL) || setgid(1000) || setuid(1000))
		CHECK(0, "become uid 1000");
	if (text[0] == '0')
		CHECK_ERR(syscall(SYS_userfaultfd, O_CLOEXEC), EPERM);
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | (text[0] == '0' ? UFFD_USER_MODE_ONLY : 0));
	CHECK(uffd >= 0, "allowed (sysctl %c)", text[0]);
	close((int)uffd);
	CHECK_ERR(uffd_open(0, UFFD_FEATURE_EVENT_FORK), EPERM); /* CAP_SYS_PTRACE */
}

static void t_unprivileged(void)
{
	char text[16] = "";
	int fd = open("/proc/sys/vm/unprivileged_userfaultfd", O_RDONLY);

	CHECK(fd >= 0 && read(fd, text, sizeof(text)) == 2 && !strcmp(text, "0\n"),
	      "sysctl '%s'", text);
	close(fd);
	CHECK(run_child(unprivileged_user) == 0, "uid 1000, by default");
	CHECK(set_unprivileged("1"), "sysctl write");
	CHECK(run_child(unprivileged_user) == 0, "uid 1000, sysctl 1");
	CHECK(set_unprivileged("0"), "sysctl write");
}

/* The "um" VmFlag of a registered region in /proc/self/smaps. */
static void t_smaps(void)
{
	static char text[65536];
	int uffd = (int)uffd_open(0, 0), fd;
	char *p = area(uffd, 1), head[32], *at, *flags;
	long n = 0, got;

	snprintf(head, sizeof(head), "%lx-", (unsigned long)p);
	fd = open("/proc/self/smaps", O_RDONLY);
	while ((got = read(fd, text + n, sizeof(text) - 1 - (size_t)n)) > 0)
		n += got;
	text[n] = '\0';
	close(fd);
	at = strstr(text, head);
	flags = at ? strstr(at, "VmFlags:") : NULL;
	CHECK(flags && strstr(flags, " um") && strstr(flags, " um") < strchr(flags, '\n'),
	      "VmFlags with um");
	close(uffd);
	munmap(p, PAGE);
}

/* A memfd (shmem): holes punched by fallocate and MADV_REMOVE read as
 * zeros in every mapping; registered, a hole is a missing page, and
 * UFFDIO_COPY puts the page in the file, where every mapping sees it. */
static void t_memfd(void)
{
	int fd = memfd_create("uffd", 0), uffd = (int)uffd_open(0, 0);
	char buf[4] = "", src[PAGE], *p, *q, *priv;
	struct uffdio_register r = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct uffdio_copy c = { 0 };
	struct uffd_msg m;
	struct toucher t;
	struct stat st;

	memset(src, 's', sizeof(src));
	CHECK(ftruncate(fd, 4 * PAGE) == 0, "ftruncate");
	pwrite(fd, "abc", 3, 0);
	pwrite(fd, "abc", 3, 2 * PAGE);
	CHECK(fallocate(fd, 0x03, 1, PAGE) == 0, "punch hole"); /* PUNCH_HOLE|KEEP_SIZE */
	CHECK(pread(fd, buf, 3, 0) == 3 && !memcmp(buf, "a\0\0", 3), "partly zeroed");
	CHECK_ERR(fallocate(fd, 0x02, 0, PAGE), EOPNOTSUPP);
	fstat(fd, &st);
	CHECK(st.st_size == 4 * PAGE, "size kept");
	p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	q = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	priv = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(q[2 * PAGE] == 'a', "file page");
	priv[2 * PAGE] = 'P'; /* a private copy */
	CHECK(madvise(p + 2 * PAGE, PAGE, MADV_REMOVE) == 0, "MADV_REMOVE");
	CHECK(q[2 * PAGE] == 0 && pread(fd, buf, 1, 2 * PAGE) == 1 && !buf[0], "removed");
	CHECK(priv[2 * PAGE] == 'P', "the private copy stays");
	CHECK_ERR(madvise(priv, PAGE, MADV_REMOVE), EACCES);
	/* A private mapping of it too (Linux: any shmem mapping): a missing
	 * page gets a private copy. */
	r.range.start = (unsigned long)priv;
	r.range.len = 4 * PAGE;
	CHECK(ioctl(uffd, UFFDIO_REGISTER, &r) == 0, "register a private mapping");
	c.dst = (unsigned long)priv + 3 * PAGE;
	c.src = (unsigned long)src;
	c.len = PAGE;
	CHECK(ioctl(uffd, UFFDIO_COPY, &c) == 0 && priv[3 * PAGE] == 's', "private copy");
	CHECK(pread(fd, buf, 1, 3 * PAGE) == 1 && buf[0] == 0, "not in the file");
	r.range.len = 4 * PAGE;
	r.range.start = (unsigned long)p;
	CHECK(ioctl(uffd, UFFDIO_REGISTER, &r) == 0, "register");
	r.range.start = (unsigned long)q;
	CHECK(ioctl(uffd, UFFDIO_REGISTER, &r) == 0, "register the alias");
	start_touch(&t, q + PAGE, 0); /* page 1: a hole, never touched */
	CHECK(read_msg(uffd, &m) == 0 && m.arg.pagefault.address == (unsigned long)q + PAGE,
	      "a hole is missing");
	c.dst = (unsigned long)q + PAGE;
	c.src = (unsigned long)src;
	c.len = PAGE;
	CHECK(ioctl(uffd, UFFDIO_COPY, &c) == 0, "copy into the file");
	pthread_join(t.thread, NULL);
	CHECK(t.value == 's' && p[PAGE] == 's', "seen through both mappings");
	c.dst = (unsigned long)p + PAGE;
	CHECK_ERR(ioctl(uffd, UFFDIO_COPY, &c), EEXIST); /* the file has it */

	/* Minor faults: page 0 is in the file but not mapped in a new
	 * mapping (Linux maps pages around a fault: not in one with
	 * minor faults registered). */
	munmap(q, 4 * PAGE);
	q = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	r.range.start = (unsigned long)q;
	r.mode = UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_MINOR;
	CHECK(ioctl(uffd, UFFDIO_REGISTER, &r) == 0 &&
		      (r.ioctls & (1ull << _UFFDIO_CONTINUE)), "register minor");
	start_touch(&t, q, 0);
	CHECK(read_msg(uffd, &m) == 0 && m.arg.pagefault.address == (unsigned long)q &&
		      m.arg.pagefault.flags == UFFD_PAGEFAULT_FLAG_MINOR, "minor fault");
	p[0] = 'M'; /* through the other mapping */
	struct uffdio_continue k = { { (unsigned long)q, PAGE }, 0, 0 };
	CHECK(ioctl(uffd, UFFDIO_CONTINUE, &k) == 0 && k.mapped == PAGE, "continue");
	pthread_join(t.thread, NULL);
	CHECK(t.value == 'M', "the page, as changed");
	CHECK_ERR(ioctl(uffd, UFFDIO_CONTINUE, &k), EEXIST);
	CHECK(k.mapped == -EEXIST, "mapped %lld", k.mapped);
	k.range.start = (unsigned long)q + 3 * PAGE; /* a hole */
	CHECK_ERR(ioctl(uffd, UFFDIO_CONTINUE, &k), EFAULT);
	close(uffd);
	munmap(p, 4 * PAGE);
	munmap(q, 4 * PAGE);
	munmap(priv, 4 * PAGE);
	close(fd);
}

/* ---- pidfds ---- */

static long pidfd_open(pid_t pid, unsigned flags)
{
	return syscall(NR_pidfd_open, pid, flags);
}

static void t_pidfd(void)
{
	pid_t pid = fork();
	struct pollfd pfd = { .events = POLLIN };
	long fd;
	int status = 0;

	if (pid == 0) {
		pause();
		_exit(0);
	}
	fd = pidfd_open(pid, 0);
	CHECK(fd >= 0, "pidfd_open");
	CHECK(fcntl((int)fd, F_GETFD) == FD_CLOEXEC, "close-on-exec");
	CHECK_ERR(pidfd_open(pid, 1), EINVAL);
	CHECK_ERR(pidfd_open(0, 0), EINVAL);
	CHECK_ERR(pidfd_open(-1, 0), EINVAL);
	CHECK_ERR(syscall(NR_pidfd_send_signal, 0, SIGKILL, NULL, 0), EBADF);
	CHECK_ERR(syscall(NR_pidfd_send_signal, (int)fd, SIGKILL, NULL, 1), EINVAL);
	pfd.fd = (int)fd;
	CHECK(poll(&pfd, 1, 0) == 0, "alive: not readable");
	CHECK(syscall(NR_pidfd_send_signal, (int)fd, 0, NULL, 0) == 0, "signal 0");
	CHECK(syscall(NR_pidfd_send_signal, (int)fd, SIGTERM, NULL, 0) == 0, "SIGTERM");
	CHECK(poll(&pfd, 1, 5000) == 1 && (pfd.revents & POLLIN), "exited: readable");
	CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
		      WTERMSIG(status) == SIGTERM, "status %x", status);
	CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLIN, "reaped: %x", pfd.revents);
	CHECK_ERR(syscall(NR_pidfd_send_signal, (int)fd, SIGTERM, NULL, 0), ESRCH);
	CHECK_ERR(syscall(NR_process_mrelease, (int)fd, 0), ESRCH);
	close((int)fd);
	CHECK_ERR(pidfd_open(pid, 0), ESRCH);
}

static void t_mrelease(void)
{
	int ready[2], status = 0;
	char c;
	pid_t pid;
	long fd;

	CHECK_ERR(syscall(NR_process_mrelease, -1, 0), EBADF);
	CHECK_ERR(syscall(NR_process_mrelease, 0, 0), EBADF); /* not a pidfd */
	pipe(ready);
	pid = fork();
	if (pid == 0) {
		size_t len = 4 << 20;
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		memset(p, 1, len);
		write(ready[1], "", 1);
		pause();
		_exit(0);
	}
	read(ready[0], &c, 1);
	fd = pidfd_open(pid, 0);
	CHECK_ERR(syscall(NR_process_mrelease, (int)fd, 1), EINVAL);
	CHECK_ERR(syscall(NR_process_mrelease, (int)fd, 0), EINVAL); /* alive */
	kill(pid, SIGKILL);
	errno = 0;
	long r = syscall(NR_process_mrelease, (int)fd, 0);
	CHECK(r == 0 || errno == ESRCH, "mrelease %ld", r);
	if (r == 0) { /* its 4 MiB are gone, before it even ran again */
		char path[32], text[64] = "";
		long size = 0, rss = -1;
		int sfd;

		snprintf(path, sizeof(path), "/proc/%d/statm", pid);
		sfd = open(path, O_RDONLY);
		if (sfd >= 0 && read(sfd, text, sizeof(text) - 1) > 0)
			sscanf(text, "%ld %ld", &size, &rss);
		close(sfd);
		CHECK(rss >= 0 && rss < 512, "rss %ld pages after process_mrelease", rss);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WTERMSIG(status) == SIGKILL, "killed");
	close((int)fd);
	close(ready[0]);
	close(ready[1]);
}

/* CLONE_PIDFD: clone3 stores a pidfd for the child; the old clone may not
 * have it with CLONE_PARENT_SETTID (one pointer for both), nor may a thread. */
static void t_clone_pidfd(void)
{
	struct {
		unsigned long long flags, pidfd, child_tid, parent_tid, exit_signal,
			stack, stack_size, tls;
	} args = { 0 };
	struct pollfd pfd = { .events = POLLIN };
	int pidfd = -1, status = 0, tid = 0;
	long pid;

	args.flags = 0x1000; /* CLONE_PIDFD */
	args.pidfd = (unsigned long)&pidfd;
	args.exit_signal = SIGCHLD;
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0)
		_exit(7);
	CHECK(pid > 0 && pidfd >= 0, "clone3: %ld, pidfd %d", pid, pidfd);
	CHECK(fcntl(pidfd, F_GETFD) == FD_CLOEXEC, "close-on-exec");
	pfd.fd = pidfd;
	CHECK(poll(&pfd, 1, 5000) == 1 && (pfd.revents & POLLIN), "child exited");
	CHECK(waitpid((pid_t)pid, &status, 0) == pid && WEXITSTATUS(status) == 7,
	      "status %x", status);
	close(pidfd);
	CHECK_ERR(syscall(SYS_clone, 0x1000 | 0x100000 | SIGCHLD, 0, &tid, 0, 0), EINVAL);
	CHECK_ERR(syscall(SYS_clone, 0x1000 | 0x10000 | 0x800 | 0x100, 0, &tid, 0, 0),
		  EINVAL);
	args.pidfd = 8; /* unwritable: no child */
	CHECK_ERR(syscall(SYS_clone3, &args, sizeof(args)), EFAULT);
	CHECK(waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD, "no child made");
}

static void all_cases(void)
{
	RUN(t_api);
	RUN(t_copy_zeropage);
	RUN(t_shared_anon);
	RUN(t_nonblock_poll);
	RUN(t_copy_rules);
	RUN(t_close_wakes);
	RUN(t_kill_faulter);
	RUN(t_kernel_copy);
	RUN(t_sigbus);
	RUN(t_fork_event);
	RUN(t_unprivileged);
	RUN(t_smaps);
	RUN(t_memfd);
	RUN(t_pidfd);
	RUN(t_mrelease);
	RUN(t_clone_pidfd);
}

int main(void)
{
	if (access("/proc/self/status", F_OK) != 0) { /* the Linux peer */
		mkdir("/proc", 0555);
		mount("proc", "/proc", "proc", 0, NULL);
	}
	leak_checked_twice(all_cases, NULL);
	return tap_done();
}
