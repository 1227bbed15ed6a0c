/*
 * tests/user/mqueue_test.c - POSIX message queues (ipc/mqueue.c) and
 * /dev/rtc0 (drivers/rtc.c), issue 14.
 *
 * Queues: priorities, the size limits, O_NONBLOCK, absolute timeouts,
 * a blocked sender and receiver woken by a child, EINTR, the errors and
 * their order, unlink while open, a queue outliving its creator, mq_notify
 * by signal, /dev/mqueue (mount, the QSIZE line, ls, rm), poll, the
 * /proc/sys/fs/mqueue limits and RLIMIT_MSGQUEUE.  Run twice, the second
 * time inside a leak check.
 *
 * The clock: RTC_RD_TIME agrees with time(), the rate's rules, one opener
 * at a time, the periodic interrupt at 64 Hz counted over half a second of
 * guest time, the update interrupt, read sizes and poll.  Run as init
 * (run.py's user-mqueue).
 */
#include "tap.h"
#include <mqueue.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <dirent.h>
#include <time.h>

#define NSEC 1000000000L

/* <linux/rtc.h>, which musl does not ship */
struct rtc_time {
	int tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year, tm_wday, tm_yday,
	    tm_isdst;
};
#define RTC_UIE_ON _IO('p', 0x03)
#define RTC_UIE_OFF _IO('p', 0x04)
#define RTC_PIE_ON _IO('p', 0x05)
#define RTC_PIE_OFF _IO('p', 0x06)
#define RTC_RD_TIME _IOR('p', 0x09, struct rtc_time)
#define RTC_IRQP_READ _IOR('p', 0x0b, unsigned long)
#define RTC_IRQP_SET _IOW('p', 0x0c, unsigned long)
#define RTC_IRQF 0x80
#define RTC_PF 0x40
#define RTC_UF 0x10

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* in_ms - an absolute CLOCK_REALTIME time ms from now. */
static struct timespec in_ms(long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += (ms % 1000) * 1000000;
	ts.tv_sec += ms / 1000 + ts.tv_nsec / NSEC;
	ts.tv_nsec %= NSEC;
	return ts;
}

static mqd_t open_small(const char *name, int flags, long maxmsg, long msgsize)
{
	struct mq_attr a = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };

	mq_unlink(name);
	return mq_open(name, flags | O_CREAT | O_EXCL, 0600, &a);
}

static void t_attributes(void)
{
	struct mq_attr a;
	mqd_t q = open_small("/attr", O_RDWR, 4, 64), d;

	CHECK(q >= 0, "mq_open");
	CHECK(mq_getattr(q, &a) == 0 && a.mq_maxmsg == 4 && a.mq_msgsize == 64 &&
	      a.mq_curmsgs == 0 && a.mq_flags == 0, "attr %ld %ld", a.mq_maxmsg,
	      a.mq_msgsize);
	CHECK(fcntl(q, F_GETFD) == FD_CLOEXEC, "close-on-exec, as Linux");
	/* the defaults: /proc/sys/fs/mqueue/msg_default and msgsize_default */
	d = mq_open("/attr-default", O_RDWR | O_CREAT, 0600, NULL);
	CHECK(mq_getattr(d, &a) == 0 && a.mq_maxmsg == 10 && a.mq_msgsize == 8192,
	      "default attr %ld %ld", a.mq_maxmsg, a.mq_msgsize);
	/* an existing queue keeps its size whatever attr says */
	struct mq_attr big = { .mq_maxmsg = 2, .mq_msgsize = 10 };
	mqd_t again = mq_open("/attr", O_RDWR | O_CREAT, 0600, &big);
	CHECK(mq_getattr(again, &a) == 0 && a.mq_maxmsg == 4, "kept");
	/* mq_setattr changes only O_NONBLOCK, of this descriptor */
	struct mq_attr nb = { .mq_flags = O_NONBLOCK, .mq_maxmsg = 99 }, old;
	CHECK(mq_setattr(q, &nb, &old) == 0 && old.mq_flags == 0, "setattr");
	CHECK(mq_getattr(q, &a) == 0 && a.mq_flags == O_NONBLOCK && a.mq_maxmsg == 4,
	      "flags %ld", a.mq_flags);
	CHECK(mq_getattr(again, &a) == 0 && a.mq_flags == 0, "other descriptor");
	nb.mq_flags = 1;
	CHECK_ERR(mq_setattr(q, &nb, NULL), EINVAL);
	mq_close(again);
	mq_close(d);
	mq_close(q);
	CHECK(mq_unlink("/attr") == 0 && mq_unlink("/attr-default") == 0, "unlink");
}

static void t_priorities(void)
{
	static const struct { const char *text; unsigned prio; } sent[] = {
		{ "a", 1 }, { "b", 5 }, { "c", 1 }, { "d", 5 }, { "e", 0 }, { "f", 32767 },
	};
	static const char order[] = "fbdace";
	mqd_t q = open_small("/prio", O_RDWR, 8, 16);
	char buf[16];
	unsigned prio;

	for (size_t i = 0; i < sizeof(sent) / sizeof(sent[0]); i++)
		CHECK(mq_send(q, sent[i].text, 1, sent[i].prio) == 0, "send %zu", i);
	for (int i = 0; order[i]; i++) {
		ssize_t n = mq_receive(q, buf, sizeof(buf), &prio);
		CHECK(n == 1 && buf[0] == order[i], "message %d: %c (%zd), expected %c",
		      i, buf[0], n, order[i]);
	}
	CHECK(prio == 0, "prio of the last %u", prio);
	mq_close(q);
	mq_unlink("/prio");
}

static void t_nonblock_and_sizes(void)
{
	mqd_t q = open_small("/nb", O_RDWR | O_NONBLOCK, 2, 8);
	char buf[64];

	CHECK_ERR(mq_receive(q, buf, sizeof(buf), NULL), EAGAIN);
	CHECK(mq_send(q, "12345678", 8, 0) == 0, "a full-size message");
	CHECK(mq_send(q, "", 0, 0) == 0, "an empty message");
	CHECK_ERR(mq_send(q, "x", 1, 0), EAGAIN);
	CHECK_ERR(mq_send(q, "123456789", 9, 0), EMSGSIZE);
	CHECK_ERR(mq_receive(q, buf, 7, NULL), EMSGSIZE);
	CHECK_ERR(mq_send(q, "x", 1, 32768), EINVAL);
	CHECK(mq_receive(q, buf, 8, NULL) == 8, "receive 8");
	CHECK(mq_receive(q, buf, 8, NULL) == 0, "receive 0");
	/* a bad buffer: EFAULT, nothing queued */
	CHECK_ERR(mq_send(q, (char *)8, 1, 0), EFAULT);
	mq_close(q);
	mq_unlink("/nb");
}

static void t_errors(void)
{
	struct mq_attr a = { .mq_maxmsg = 0, .mq_msgsize = 8 };
	mqd_t r = open_small("/err", O_RDONLY, 2, 8), w;
	int p[2];
	char buf[8];

	CHECK_ERR(mq_open("/err", O_RDWR | O_CREAT | O_EXCL, 0600, NULL), EEXIST);
	CHECK_ERR(mq_open("/nosuch", O_RDWR), ENOENT);
	CHECK_ERR(mq_open("/", O_RDWR | O_CREAT, 0600, NULL), ENOENT);
	CHECK_ERR(mq_open("/a/b", O_RDWR | O_CREAT, 0600, NULL), EACCES);
	CHECK_ERR(mq_open("/..", O_RDWR | O_CREAT, 0600, NULL), EACCES);
	CHECK_ERR(syscall(SYS_mq_open, "", O_RDWR, 0, NULL), ENOENT);
	CHECK_ERR(syscall(SYS_mq_open, (char *)8, O_RDWR, 0, NULL), EFAULT);
	CHECK_ERR(mq_open("/bad", O_RDWR | O_CREAT, 0600, &a), EINVAL);
	a.mq_maxmsg = 65537; /* over HARD_MSGMAX, even for root */
	CHECK_ERR(mq_open("/bad", O_RDWR | O_CREAT, 0600, &a), EINVAL);
	a.mq_maxmsg = 2;
	a.mq_msgsize = -1;
	CHECK_ERR(mq_open("/bad", O_RDWR | O_CREAT, 0600, &a), EINVAL);
	CHECK_ERR(mq_open("/err", O_RDWR | O_WRONLY), EINVAL);
	CHECK_ERR(mq_send(r, "x", 1, 0), EBADF);
	w = mq_open("/err", O_WRONLY);
	CHECK_ERR(mq_receive(w, buf, sizeof(buf), NULL), EBADF);
	pipe(p);
	CHECK_ERR(mq_send(p[1], "x", 1, 0), EBADF);
	CHECK_ERR(mq_getattr(p[0], &a), EBADF);
	CHECK_ERR(mq_notify(p[0], NULL), EBADF);
	CHECK_ERR(mq_unlink("/nosuch"), ENOENT);
	/* write() on a queue: no write operation (Linux: EINVAL) */
	CHECK_ERR(write(w, "x", 1), EINVAL);
	mq_close(r);
	mq_close(w);
	mq_unlink("/err");
}

static void t_timeouts(void)
{
	mqd_t q = open_small("/time", O_RDWR, 1, 8);
	struct timespec ts = in_ms(30), bad = { 0, NSEC };
	char buf[8];
	long t0 = now_ms(), t;

	CHECK_ERR(mq_timedreceive(q, buf, 8, NULL, &ts), ETIMEDOUT);
	t = now_ms() - t0;
	CHECK(t >= 29 && t < 1000, "receive timed out after %ld ms", t);
	CHECK_ERR(mq_timedreceive(q, buf, 8, NULL, &bad), EINVAL);
	ts.tv_sec -= 10; /* in the past: at once */
	CHECK_ERR(mq_timedreceive(q, buf, 8, NULL, &ts), ETIMEDOUT);
	CHECK(mq_send(q, "x", 1, 0) == 0, "fill");
	ts = in_ms(30);
	t0 = now_ms();
	CHECK_ERR(mq_timedsend(q, "y", 1, 0, &ts), ETIMEDOUT);
	t = now_ms() - t0;
	CHECK(t >= 29 && t < 1000, "send timed out after %ld ms", t);
	CHECK_ERR(mq_timedsend(q, "y", 1, 0, (struct timespec *)8), EFAULT);
	ts = in_ms(1000); /* not needed: a message is there */
	CHECK(mq_timedreceive(q, buf, 8, NULL, &ts) == 1, "no wait");
	mq_close(q);
	mq_unlink("/time");
}

/* Two processes: a receiver blocked on an empty queue, a sender blocked on
 * a full one, each woken by the other side. */
static void t_blocking(void)
{
	mqd_t q = open_small("/block", O_RDWR, 1, 8);
	char buf[8];
	unsigned prio;
	int status;
	long t0 = now_ms();
	pid_t pid = fork();

	if (pid == 0) {
		usleep(30000);
		mq_send(q, "hi", 2, 7);
		usleep(30000);
		mq_receive(q, buf, 8, NULL); /* "1": lets the blocked "2" in */
		_exit(0);
	}
	CHECK(mq_receive(q, buf, 8, &prio) == 2 && !memcmp(buf, "hi", 2) && prio == 7,
	      "woken with the child's message");
	CHECK(now_ms() - t0 >= 25, "it waited");
	CHECK(mq_send(q, "1", 1, 0) == 0, "fill");
	CHECK(mq_send(q, "2", 1, 0) == 0, "woken when the child made room");
	CHECK(mq_receive(q, buf, 8, NULL) == 1 && buf[0] == '2', "the waiter's message");
	waitpid(pid, &status, 0);
	mq_close(q);
	mq_unlink("/block");
}

static void on_alarm(int sig) {}

static void t_interrupted(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { .it_value = { 0, 20000 } };
	mqd_t q = open_small("/intr", O_RDWR, 1, 8);
	char buf[8];

	sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART */
	setitimer(ITIMER_REAL, &it, NULL);
	CHECK_ERR(mq_receive(q, buf, 8, NULL), EINTR);
	mq_send(q, "x", 1, 0);
	setitimer(ITIMER_REAL, &it, NULL);
	CHECK_ERR(mq_send(q, "y", 1, 0), EINTR);
	mq_close(q);
	mq_unlink("/intr");
}

/* A queue nobody unlinked outlives its creator, messages and all. */
static void t_unlink_semantics(void)
{
	mqd_t q = open_small("/keep", O_RDWR, 2, 8), q2;
	char buf[8];
	int status;

	mq_close(q);
	if (fork() == 0) {
		mqd_t c = mq_open("/keep", O_WRONLY);
		mq_send(c, "kept", 4, 0);
		_exit(0);
	}
	wait(&status);
	q = mq_open("/keep", O_RDWR);
	CHECK(mq_receive(q, buf, 8, NULL) == 4 && !memcmp(buf, "kept", 4), "kept");
	/* unlinked while open: the descriptor still works, the name is free */
	CHECK(mq_unlink("/keep") == 0, "unlink");
	CHECK_ERR(mq_open("/keep", O_RDWR), ENOENT);
	CHECK(mq_send(q, "old", 3, 0) == 0, "send after unlink");
	q2 = open_small("/keep", O_RDWR, 2, 8);
	CHECK(q2 >= 0, "a new queue of that name");
	mq_setattr(q2, &(struct mq_attr){ .mq_flags = O_NONBLOCK }, NULL);
	CHECK_ERR(mq_receive(q2, buf, 8, NULL), EAGAIN); /* empty: not the old one */
	CHECK(mq_receive(q, buf, 8, NULL) == 3, "the old queue's message");
	mq_close(q);
	mq_close(q2);
	mq_unlink("/keep");
}

static volatile int got_sig, got_code, got_value, got_pid;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	got_sig = sig;
	got_code = si->si_code;
	got_value = si->si_value.sival_int;
	got_pid = si->si_pid;
}

/* read_line - the whole of a small file, or "" */
static void read_line(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;

	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

/* read_line_elsewhere - read_line in another process: the owner of a
 * notification that closes any descriptor of its queue cancels it (Linux's
 * flush), so it must not read the file itself. */
static void read_line_elsewhere(const char *path, char *buf, size_t size)
{
	int p[2], status;
	ssize_t n;

	pipe(p);
	if (fork() == 0) {
		read_line(path, buf, size);
		write(p[1], buf, strlen(buf));
		_exit(0);
	}
	close(p[1]);
	n = read(p[0], buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(p[0]);
	wait(&status);
}

static void t_notify(void)
{
	struct sigaction sa = { .sa_sigaction = on_usr1,
				.sa_flags = SA_SIGINFO | SA_RESTART };
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1,
			       .sigev_value.sival_int = 42 };
	mqd_t q = open_small("/note", O_RDWR, 4, 8);
	char line[128], want[128];
	int status, p[2];
	pid_t pid;

	mkdir("/dev/mqueue", 01777);
	CHECK(mount("none", "/dev/mqueue", "mqueue", 0, NULL) == 0, "mount");
	sigaction(SIGUSR1, &sa, NULL);
	CHECK(mq_notify(q, &ev) == 0, "register");
	read_line_elsewhere("/dev/mqueue/note", line, sizeof(line));
	snprintf(want, sizeof(want), "QSIZE:0          NOTIFY:0     SIGNO:10    "
		 "NOTIFY_PID:%-6d\n", getpid());
	CHECK(!strcmp(line, want), "line '%s'", line);
	pid = fork();
	if (pid == 0) {
		/* someone else: EBUSY; then the message that notifies */
		_exit(mq_notify(q, &ev) == -1 && errno == EBUSY &&
		      mq_send(q, "hello", 5, 0) == 0 ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	CHECK(status == 0, "child");
	CHECK(got_sig == SIGUSR1 && got_code == SI_MESGQ && got_value == 42 &&
	      got_pid == pid, "signal %d code %d value %d pid %d", got_sig, got_code,
	      got_value, got_pid);
	/* one notification only; the queue holds the 5 bytes */
	read_line("/dev/mqueue/note", line, sizeof(line));
	CHECK(!strcmp(line, "QSIZE:5          NOTIFY:0     SIGNO:0     NOTIFY_PID:0     \n"),
	      "after: '%s'", line);
	got_sig = 0;
	mq_send(q, "again", 5, 0);
	CHECK(got_sig == 0, "not notified twice");
	/* SIGEV_NONE: registered, nothing sent; NULL cancels it */
	ev.sigev_notify = SIGEV_NONE;
	CHECK(mq_notify(q, &ev) == 0 && mq_notify(q, &ev) == -1 && errno == EBUSY,
	      "SIGEV_NONE");
	read_line_elsewhere("/dev/mqueue/note", line, sizeof(line));
	CHECK(strstr(line, "NOTIFY:1 ") != NULL, "'%s'", line);
	CHECK(mq_notify(q, NULL) == 0 && mq_notify(q, &ev) == 0, "cancel");
	/* the owner closing a descriptor of the queue cancels it too */
	close(open("/dev/mqueue/note", O_RDONLY));
	CHECK(mq_notify(q, &ev) == 0, "cancelled by close");
	mq_notify(q, NULL);
	/* bad requests */
	ev.sigev_notify = 99;
	CHECK_ERR(mq_notify(q, &ev), EINVAL);
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = 65;
	CHECK_ERR(mq_notify(q, &ev), EINVAL);
	/* SIGEV_THREAD needs a netlink socket in sigev_signo (the raw call) */
	pipe(p);
	ev.sigev_notify = SIGEV_THREAD;
	ev.sigev_signo = p[0];
	ev.sigev_value.sival_ptr = want;
	CHECK_ERR(syscall(SYS_mq_notify, q, &ev), ENOTSOCK);
	ev.sigev_signo = 999;
	CHECK_ERR(syscall(SYS_mq_notify, q, &ev), EBADF);
	mq_close(q);
	mq_unlink("/note");
	umount("/dev/mqueue");
}

/* The file system: ls, stat, the line, open(O_CREAT) and rm. */
static void t_mqueue_fs(void)
{
	mqd_t q = open_small("/fsq", O_RDWR, 4, 16);
	struct mq_attr a;
	struct stat st, fs;
	char line[128], text[4096];
	int found = 0, fd;
	struct dirent *e;
	DIR *d;

	mkdir("/dev/mqueue", 01777);
	CHECK(mount("none", "/dev/mqueue", "mqueue", 0, NULL) == 0, "mount");
	read_line("/proc/self/mounts", text, sizeof(text));
	CHECK(strstr(text, "none /dev/mqueue mqueue rw,relatime 0 0\n") != NULL, "mounts");
	read_line("/proc/filesystems", text, sizeof(text));
	CHECK(strstr(text, "nodev\tmqueue\n") != NULL, "filesystems");
	mq_send(q, "12345", 5, 1);
	mq_send(q, "1234567", 7, 2);
	read_line("/dev/mqueue/fsq", line, sizeof(line));
	CHECK(!strcmp(line, "QSIZE:12         NOTIFY:0     SIGNO:0     NOTIFY_PID:0     \n"),
	      "'%s'", line);
	CHECK(stat("/dev/mqueue/fsq", &st) == 0 && S_ISREG(st.st_mode) &&
	      (st.st_mode & 07777) == 0600 && st.st_size == 80, "stat");
	CHECK(stat("/dev/mqueue", &st) == 0 && (st.st_mode & 07777) == 01777, "root mode");
	d = opendir("/dev/mqueue");
	while (d && (e = readdir(d)))
		found += !strcmp(e->d_name, "fsq");
	if (d)
		closedir(d);
	CHECK(found == 1, "ls shows the queue");
	fd = open("/dev/mqueue/made", O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0 && mq_getattr(fd, &a) == 0 && a.mq_maxmsg == 10, "open(O_CREAT)");
	CHECK(mq_send(fd, "x", 1, 0) == 0, "an open() descriptor is a queue");
	close(fd);
	CHECK_ERR(mkdir("/dev/mqueue/dir", 0755), EPERM);
	CHECK(unlink("/dev/mqueue/made") == 0, "rm");
	CHECK_ERR(mq_open("/made", O_RDONLY), ENOENT);
	/* a second mount shows the same queues (unmounted once no queue
	 * is open: here an open queue keeps every mqueue mount busy) */
	mkdir("/tmp/mq2", 0755);
	CHECK(mount("none", "/tmp/mq2", "mqueue", 0, NULL) == 0, "second mount");
	CHECK(stat("/tmp/mq2/fsq", &st) == 0 && st.st_size == 80, "seen twice");
	CHECK(unlink("/dev/mqueue/fsq") == 0, "rm");
	mq_close(q);
	CHECK(umount("/tmp/mq2") == 0 && rmdir("/tmp/mq2") == 0, "umount the second");
	CHECK(stat("/dev/mqueue/..", &st) == 0 && stat("/dev", &fs) == 0 &&
	      st.st_ino == fs.st_ino, ".. leaves the mount");
	CHECK(umount("/dev/mqueue") == 0, "umount");
}

static void t_poll(void)
{
	mqd_t q = open_small("/poll", O_RDWR, 2, 8);
	struct pollfd p = { .fd = q, .events = POLLIN | POLLOUT };
	char buf[8];
	int status;
	long t0;
	pid_t pid;

	CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLOUT, "empty %x", p.revents);
	mq_send(q, "a", 1, 0);
	CHECK(poll(&p, 1, 0) == 1 && p.revents == (POLLIN | POLLOUT), "%x", p.revents);
	mq_send(q, "b", 1, 0);
	CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLIN, "full %x", p.revents);
	fd_set rd, wr;
	struct timeval zero = { 0, 0 };
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(q, &rd);
	FD_SET(q, &wr);
	CHECK(select(q + 1, &rd, &wr, NULL, &zero) == 1 && FD_ISSET(q, &rd) &&
	      !FD_ISSET(q, &wr), "select on a full queue");
	mq_receive(q, buf, 8, NULL);
	mq_receive(q, buf, 8, NULL);
	p.events = POLLIN;
	t0 = now_ms();
	pid = fork();
	if (pid == 0) {
		usleep(30000);
		mq_send(q, "c", 1, 0);
		_exit(0);
	}
	CHECK(poll(&p, 1, 5000) == 1 && p.revents == POLLIN, "woken %x", p.revents);
	CHECK(now_ms() - t0 >= 25, "it waited");
	waitpid(pid, &status, 0);
	mq_close(q);
	mq_unlink("/poll");
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);

	if (fd >= 0) {
		write(fd, text, strlen(text));
		close(fd);
	}
}

static void t_limits(void)
{
	static const char *const files[][2] = {
		{ "msg_max", "10\n" }, { "msgsize_max", "8192\n" },
		{ "queues_max", "256\n" }, { "msg_default", "10\n" },
		{ "msgsize_default", "8192\n" },
	};
	struct rlimit rl;
	struct mq_attr a = { .mq_maxmsg = 10, .mq_msgsize = 8192 };
	char path[64], line[32];
	int status;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "/proc/sys/fs/mqueue/%s", files[i][0]);
		read_line(path, line, sizeof(line));
		CHECK(!strcmp(line, files[i][1]), "%s: '%s'", path, line);
	}
	CHECK(getrlimit(RLIMIT_MSGQUEUE, &rl) == 0 && rl.rlim_cur == 819200, "rlimit");
	/* 10 x 8192 bytes and 10 x 96 of bookkeeping: 82880 bytes charged
	 * per queue, Linux's formula */
	rl.rlim_cur = 82880 * 2 + 100;
	setrlimit(RLIMIT_MSGQUEUE, &rl);
	mq_unlink("/l1");
	mq_unlink("/l2");
	mq_unlink("/l3");
	mqd_t q1 = mq_open("/l1", O_RDWR | O_CREAT, 0600, &a);
	mqd_t q2 = mq_open("/l2", O_RDWR | O_CREAT, 0600, &a);
	CHECK(q1 >= 0 && q2 >= 0, "two fit");
	CHECK_ERR(mq_open("/l3", O_RDWR | O_CREAT, 0600, &a), EMFILE);
	mq_close(q1);
	mq_unlink("/l1"); /* freed: the charge goes back */
	q1 = mq_open("/l3", O_RDWR | O_CREAT, 0600, &a);
	CHECK(q1 >= 0, "room again");
	mq_close(q1);
	mq_close(q2);
	mq_unlink("/l2");
	mq_unlink("/l3");
	/* a user is bound by msg_max and queues_max (root is not) */
	write_file("/proc/sys/fs/mqueue/queues_max", "0\n");
	if (fork() == 0) {
		setuid(1000);
		_exit(mq_open("/user", O_RDWR | O_CREAT, 0600, NULL) == -1 &&
		      errno == ENOSPC ? 0 : 1);
	}
	wait(&status);
	write_file("/proc/sys/fs/mqueue/queues_max", "256\n");
	CHECK(status == 0, "a user over queues_max: ENOSPC");
	if (fork() == 0) {
		struct mq_attr big = { .mq_maxmsg = 11, .mq_msgsize = 8 };

		setuid(1000);
		_exit(mq_open("/user", O_RDWR | O_CREAT, 0600, &big) == -1 &&
		      errno == EINVAL ? 0 : 1);
	}
	wait(&status);
	CHECK(status == 0, "a user over msg_max: EINVAL");
	read_line("/proc/sys/fs/mqueue/queues_max", line, sizeof(line));
	CHECK(!strcmp(line, "256\n"), "restored");
}

/* Permissions: a user may not open root's 0600 queue, nor remove it. */
static void t_permissions(void)
{
	mqd_t q = open_small("/perm", O_RDWR, 2, 8);
	int status;

	if (fork() == 0) {
		setuid(1000);
		/* the sticky directory's rule: EPERM (musl's mq_unlink
		 * turns it into EACCES) */
		_exit(mq_open("/perm", O_RDONLY) == -1 && errno == EACCES &&
		      syscall(SYS_mq_unlink, "perm") == -1 && errno == EPERM ? 0 : 1);
	}
	wait(&status);
	CHECK(status == 0, "user refused");
	mq_close(q);
	mq_unlink("/perm");
}

static void mq_cases(void)
{
	RUN(t_attributes);
	RUN(t_priorities);
	RUN(t_nonblock_and_sizes);
	RUN(t_errors);
	RUN(t_timeouts);
	RUN(t_blocking);
	RUN(t_interrupted);
	RUN(t_unlink_semantics);
	RUN(t_notify);
	RUN(t_mqueue_fs);
	RUN(t_poll);
	RUN(t_limits);
	RUN(t_permissions);
}

/* ---- /dev/rtc0 ---- */

static void t_rtc_time(void)
{
	struct rtc_time tm;
	struct tm want;
	int fd = open("/dev/rtc0", O_RDONLY);
	time_t now = time(NULL), rtc;

	CHECK(fd >= 0, "open");
	CHECK(ioctl(fd, RTC_RD_TIME, &tm) == 0, "RTC_RD_TIME");
	memset(&want, 0, sizeof(want));
	want.tm_sec = tm.tm_sec;
	want.tm_min = tm.tm_min;
	want.tm_hour = tm.tm_hour;
	want.tm_mday = tm.tm_mday;
	want.tm_mon = tm.tm_mon;
	want.tm_year = tm.tm_year;
	rtc = timegm(&want);
	CHECK(rtc - now <= 2 && now - rtc <= 2, "rtc %ld, time() %ld", (long)rtc, (long)now);
	/* rtc-cmos leaves the weekday and the day of the year 0 */
	CHECK(tm.tm_wday == 0 && tm.tm_yday == 0 && tm.tm_isdst == 0, "wday %d yday %d",
	      tm.tm_wday, tm.tm_yday);
	CHECK_ERR(open("/dev/rtc0", O_RDONLY), EBUSY);
	CHECK_ERR(ioctl(fd, RTC_RD_TIME, (void *)8), EFAULT);
	close(fd);
}

static void t_rtc_rates(void)
{
	unsigned long hz;
	int fd = open("/dev/rtc0", O_RDONLY), status;

	CHECK(ioctl(fd, RTC_IRQP_READ, &hz) == 0 && hz == 1024, "boot rate %lu", hz);
	/* (3 Hz: EINVAL here, where Linux 6.1's timer takes it) */
	CHECK_ERR(ioctl(fd, RTC_IRQP_SET, 0), EINVAL);
	CHECK_ERR(ioctl(fd, RTC_IRQP_SET, 16384), EINVAL);
	CHECK(ioctl(fd, RTC_IRQP_SET, 8192) == 0, "8192 Hz for root");
	if (fork() == 0) {
		setuid(1000);
		/* over 64 Hz needs CAP_SYS_RESOURCE: setting it, or turning
		 * on a rate above it */
		_exit(ioctl(fd, RTC_IRQP_SET, 128) == -1 && errno == EACCES &&
		      ioctl(fd, RTC_PIE_ON, 0) == -1 && errno == EACCES &&
		      ioctl(fd, RTC_IRQP_SET, 64) == 0 ? 0 : 1);
	}
	wait(&status);
	CHECK(status == 0, "a user's rates");
	CHECK(ioctl(fd, RTC_IRQP_READ, &hz) == 0 && hz == 64, "rate %lu", hz);
	ioctl(fd, RTC_IRQP_SET, 1024);
	close(fd);
}

/*
 * The periodic interrupt at 64 Hz counted over half a second of guest time,
 * with the update interrupt (once a second) on too: reading goes on until
 * one has come as well.
 */
static void t_rtc_interrupts(void)
{
	unsigned long data, count = 0;
	unsigned int small;
	int fd = open("/dev/rtc0", O_RDONLY), reads = 0, updates = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	long t0, t;

	CHECK(ioctl(fd, RTC_IRQP_SET, 64) == 0, "64 Hz");
	fcntl(fd, F_SETFL, O_NONBLOCK);
	CHECK_ERR(read(fd, &data, sizeof(data)), EAGAIN);
	fcntl(fd, F_SETFL, 0);
	CHECK(ioctl(fd, RTC_PIE_ON, 0) == 0 && ioctl(fd, RTC_UIE_ON, 0) == 0, "on");
	read(fd, &data, sizeof(data)); /* start at an interrupt */
	t0 = now_ms();
	while ((t = now_ms() - t0) < 500 || !updates) {
		if (t > 2500) /* no update interrupt: fail, not hang */
			break;
		CHECK(read(fd, &data, sizeof(data)) == sizeof(data), "read");
		CHECK((data & RTC_IRQF) && !(data & 0x2f) && (data & (RTC_PF | RTC_UF)),
		      "kinds %lx", data & 0xff);
		updates += !!(data & RTC_UF);
		if (t < 500) {
			count += data >> 8;
			reads++;
		}
	}
	printf("# 64 Hz: %lu interrupts in %d reads over 500 ms\n", count, reads);
	/* 32 expected.  Loose below: on a host loaded far beyond its CPUs,
	 * QEMU fires its RTC timer late and drops the ticks it missed (13
	 * seen at a load of 12 on 2 CPUs); 2 Hz or the boot's 1024 Hz would
	 * still be far outside. */
	CHECK(count >= 10 && count <= 40, "%lu interrupts in 0.5 s at 64 Hz", count);
	CHECK(updates == 1 || updates == 2, "%d update interrupts", updates);
	CHECK(ioctl(fd, RTC_UIE_OFF, 0) == 0, "UIE off");
	CHECK(poll(&p, 1, 1000) == 1 && p.revents == POLLIN, "poll %x", p.revents);
	CHECK(read(fd, &small, sizeof(small)) == 4 && (small & 0xff) == 0xc0, "4 bytes");
	CHECK_ERR(read(fd, &small, 2), EINVAL);
	CHECK(ioctl(fd, RTC_PIE_OFF, 0) == 0, "PIE off");
	fcntl(fd, F_SETFL, O_NONBLOCK);
	read(fd, &data, sizeof(data)); /* one that came before the off */
	CHECK(poll(&p, 1, 100) == 0, "no interrupts after PIE_OFF");
	ioctl(fd, RTC_IRQP_SET, 1024);
	close(fd);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("TAP version 13\n");
	/* as /init on Linux (tools/abi_peer.py), nothing is mounted yet */
	if (access("/proc/self", F_OK))
		mount("proc", "/proc", "proc", 0, NULL);
	if (access("/dev/rtc0", F_OK))
		mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	leak_checked_twice(mq_cases, NULL);
	RUN(t_rtc_time);
	RUN(t_rtc_rates);
	RUN(t_rtc_interrupts);
	return tap_done();
}
