/*
 * tests/user/fs_test.c - files, directories, descriptors, pipes and the
 * console, with their error cases and bad pointers.  Run as init by the
 * harness (init=/tests/fs_test); TAP on the console.
 */
#define _GNU_SOURCE
#include "tap.h"
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/uio.h>
#include <termios.h>

#define KERNEL_ADDR ((void *)0xffffffff80100000ul)

static void t_create_write_read(void)
{
	char buf[64] = { 0 };
	int fd = open("/tmp/a", O_CREAT | O_RDWR | O_TRUNC, 0644);
	struct stat st;

	CHECK(fd >= 0, "open O_CREAT");
	CHECK(write(fd, "hello, world", 12) == 12, "write");
	CHECK(lseek(fd, 0, SEEK_CUR) == 12, "position after write");
	CHECK(lseek(fd, 7, SEEK_SET) == 7, "lseek");
	CHECK(read(fd, buf, sizeof(buf)) == 5 && !memcmp(buf, "world", 5), "read");
	CHECK(read(fd, buf, sizeof(buf)) == 0, "end of file");
	CHECK(fstat(fd, &st) == 0 && st.st_size == 12 && S_ISREG(st.st_mode) &&
	      (st.st_mode & 0777) == 0644, "fstat size %ld mode %o",
	      (long)st.st_size, st.st_mode);
	CHECK(stat("/tmp/a", &st) == 0 && st.st_size == 12, "stat");
	CHECK(lseek(fd, -1, SEEK_SET) == -1 && errno == EINVAL, "negative seek");
	CHECK(close(fd) == 0, "close");
	CHECK_ERR(close(fd), EBADF);
	CHECK_ERR(open("/tmp/a", O_CREAT | O_EXCL | O_RDWR, 0644), EEXIST);
	CHECK_ERR(open("/no/such/dir/x", O_RDONLY), ENOENT);
	CHECK_ERR(open("/tmp/a/x", O_RDONLY), ENOTDIR);
	CHECK_ERR(open("/tmp", O_WRONLY), EISDIR);
	CHECK_ERR(open("/tmp/a", O_RDONLY | O_DIRECTORY), ENOTDIR);
}

static void t_append_truncate_holes(void)
{
	char buf[8192];
	int fd = open("/tmp/b", O_CREAT | O_RDWR | O_TRUNC, 0600);
	struct stat st;

	write(fd, "abc", 3);
	close(fd);
	fd = open("/tmp/b", O_WRONLY | O_APPEND);
	lseek(fd, 0, SEEK_SET);
	write(fd, "def", 3);
	close(fd);
	fd = open("/tmp/b", O_RDWR);
	CHECK(read(fd, buf, 10) == 6 && !memcmp(buf, "abcdef", 6), "O_APPEND writes at the end");
	CHECK(ftruncate(fd, 2) == 0 && fstat(fd, &st) == 0 && st.st_size == 2, "ftruncate down");
	CHECK(pwrite(fd, "Z", 1, 5000) == 1, "pwrite past the end");
	CHECK(pread(fd, buf, sizeof(buf), 0) == 5001, "size is now 5001");
	int zeros = 1;
	for (int i = 2; i < 5000; i++)
		zeros &= buf[i] == 0;
	CHECK(zeros && buf[5000] == 'Z' && buf[0] == 'a', "the hole reads as zeros");
	CHECK(truncate("/tmp/b", 0) == 0 && stat("/tmp/b", &st) == 0 && st.st_size == 0,
	      "truncate");
	CHECK_ERR(ftruncate(fd, -1), EINVAL);
	close(fd);
}

static void t_directories(void)
{
	int fd, n, found = 0;
	char buf[4096];

	CHECK(mkdir("/tmp/d", 0755) == 0, "mkdir");
	CHECK_ERR(mkdir("/tmp/d", 0755), EEXIST);
	close(open("/tmp/d/f1", O_CREAT | O_WRONLY, 0644));
	close(open("/tmp/d/f2", O_CREAT | O_WRONLY, 0644));
	fd = open("/tmp/d", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0, "open a directory");
	while ((n = (int)syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (int off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);

			found += !strcmp(d->d_name, "f1") || !strcmp(d->d_name, "f2") ||
				 !strcmp(d->d_name, ".") || !strcmp(d->d_name, "..");
			off += d->d_reclen;
		}
	}
	CHECK(found == 4, "getdents64 lists ., .., f1, f2 (%d)", found);
	close(fd);
	CHECK_ERR(rmdir("/tmp/d"), ENOTEMPTY);
	CHECK(unlink("/tmp/d/f1") == 0 && unlink("/tmp/d/f2") == 0, "unlink");
	CHECK_ERR(unlink("/tmp/d/f1"), ENOENT);
	CHECK_ERR(unlink("/tmp/d"), EISDIR);
	CHECK(rmdir("/tmp/d") == 0, "rmdir");
	CHECK_ERR(rmdir("/tmp/d"), ENOENT);
}

static void t_rename_links(void)
{
	char buf[64];
	struct stat st;

	close(open("/tmp/r1", O_CREAT | O_WRONLY, 0644));
	CHECK(rename("/tmp/r1", "/tmp/r2") == 0, "rename");
	CHECK(access("/tmp/r1", F_OK) == -1 && access("/tmp/r2", F_OK) == 0, "moved");
	CHECK(symlink("/tmp/r2", "/tmp/sym") == 0, "symlink");
	CHECK(readlink("/tmp/sym", buf, sizeof(buf)) == 7 && !memcmp(buf, "/tmp/r2", 7),
	      "readlink");
	CHECK(lstat("/tmp/sym", &st) == 0 && S_ISLNK(st.st_mode), "lstat sees the link");
	CHECK(stat("/tmp/sym", &st) == 0 && S_ISREG(st.st_mode), "stat follows it");
	CHECK(symlink("/tmp/loop2", "/tmp/loop1") == 0 && symlink("/tmp/loop1", "/tmp/loop2") == 0,
	      "a loop of links");
	CHECK_ERR(open("/tmp/loop1", O_RDONLY), ELOOP);
	CHECK_ERR(readlink("/tmp/r2", buf, sizeof(buf)), EINVAL);
}

static void t_cwd(void)
{
	char buf[256];

	CHECK(mkdir("/tmp/cw", 0755) == 0 && chdir("/tmp/cw") == 0, "chdir");
	CHECK(getcwd(buf, sizeof(buf)) && !strcmp(buf, "/tmp/cw"), "getcwd %s", buf);
	close(open("rel", O_CREAT | O_WRONLY, 0644));
	CHECK(access("/tmp/cw/rel", F_OK) == 0, "a relative path starts at the cwd");
	CHECK(chdir("..") == 0 && getcwd(buf, sizeof(buf)) && !strcmp(buf, "/tmp"), "..");
	CHECK_ERR(chdir("/tmp/cw/rel"), ENOTDIR);
	CHECK(syscall(SYS_getcwd, buf, 3) == -1 && errno == ERANGE, "getcwd small buffer");
	int fd = open("/tmp/cw", O_RDONLY | O_DIRECTORY);
	CHECK(fchdir(fd) == 0 && getcwd(buf, sizeof(buf)) && !strcmp(buf, "/tmp/cw"), "fchdir");
}

static void t_dup_fcntl_cloexec(void)
{
	int fd = open("/tmp/c", O_CREAT | O_RDWR | O_TRUNC, 0644), d;

	write(fd, "xyz", 3);
	d = dup(fd);
	CHECK(d > fd && lseek(d, 0, SEEK_CUR) == 3, "dup shares the position");
	CHECK(dup2(fd, 50) == 50 && fcntl(50, F_GETFD) == 0, "dup2");
	CHECK(dup3(fd, 51, O_CLOEXEC) == 51 && fcntl(51, F_GETFD) == FD_CLOEXEC, "dup3 O_CLOEXEC");
	CHECK(fcntl(fd, F_DUPFD, 60) == 60, "F_DUPFD");
	CHECK(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK) == 0 &&
	      (fcntl(fd, F_GETFL) & (O_APPEND | O_NONBLOCK)) == (O_APPEND | O_NONBLOCK),
	      "F_SETFL/F_GETFL");
	CHECK_ERR(dup2(fd, -1), EBADF);
	CHECK_ERR(dup(999), EBADF);
	CHECK_ERR(fcntl(999, F_GETFD), EBADF);
	/* O_CLOEXEC is honoured by exec: the new program finds 51 closed and
	 * 50 open (this program, re-run in its checking mode). */
	pid_t pid = fork();
	if (pid == 0) {
		execl("/tests/fs_test", "fs_test", "--check-cloexec", (char *)NULL);
		_exit(2);
	}
	int st;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "after exec: status 0x%x", st);
}

static void t_readv_writev(void)
{
	int fd = open("/tmp/v", O_CREAT | O_RDWR | O_TRUNC, 0644);
	char a[4], b[8];
	struct iovec w[2] = { { "abc", 3 }, { "defgh", 5 } }, r[2] = { { a, 4 }, { b, 8 } };

	CHECK(writev(fd, w, 2) == 8, "writev");
	lseek(fd, 0, SEEK_SET);
	CHECK(readv(fd, r, 2) == 8 && !memcmp(a, "abcd", 4) && !memcmp(b, "efgh", 4), "readv");
	struct iovec bad[1] = { { KERNEL_ADDR, 4 } };
	CHECK_ERR(writev(fd, bad, 1), EFAULT);
	CHECK_ERR(writev(fd, (struct iovec *)KERNEL_ADDR, 1), EFAULT);
	CHECK_ERR(writev(fd, w, -1), EINVAL);
	close(fd);
}

static void t_pipes(void)
{
	int p[2], st;
	char buf[16];
	pid_t pid;

	CHECK(pipe(p) == 0, "pipe");
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		write(p[1], "ping", 4);
		_exit(0);
	}
	close(p[1]);
	CHECK(read(p[0], buf, sizeof(buf)) == 4 && !memcmp(buf, "ping", 4), "across fork");
	CHECK(read(p[0], buf, sizeof(buf)) == 0, "EOF when the writer is gone");
	waitpid(pid, &st, 0);
	close(p[0]);
	CHECK(pipe2(p, O_NONBLOCK | O_CLOEXEC) == 0, "pipe2");
	CHECK_ERR(read(p[0], buf, sizeof(buf)), EAGAIN);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	CHECK_ERR(write(p[1], "x", 1), EPIPE);
	close(p[1]);
	CHECK_ERR(pipe((int *)KERNEL_ADDR), EFAULT);
}

static void t_poll(void)
{
	int p[2];
	struct pollfd fds[1];

	pipe(p);
	fds[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	CHECK(poll(fds, 1, 0) == 0, "nothing to read yet");
	write(p[1], "x", 1);
	CHECK(poll(fds, 1, 1000) == 1 && (fds[0].revents & POLLIN), "readable");
	CHECK(poll(fds, 1, -1) == 1, "still readable");
	close(p[0]);
	close(p[1]);
}

static void t_devices(void)
{
	char buf[16];
	int fd = open("/dev/zero", O_RDONLY), nz = 0;

	memset(buf, 1, sizeof(buf));
	CHECK(read(fd, buf, sizeof(buf)) == 16 && !buf[0] && !buf[15], "/dev/zero");
	close(fd);
	fd = open("/dev/null", O_RDWR);
	CHECK(write(fd, "x", 1) == 1 && read(fd, buf, 1) == 0, "/dev/null");
	close(fd);
	fd = open("/dev/urandom", O_RDONLY);
	CHECK(read(fd, buf, 16) == 16, "/dev/urandom");
	for (int i = 0; i < 16; i++)
		nz += buf[i] != 0;
	CHECK(nz > 8, "random bytes");
	close(fd);
	struct winsize ws;
	CHECK(ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0, "console window size");
	struct termios t;
	CHECK(tcgetattr(0, &t) == 0 && (t.c_lflag & ICANON), "console is canonical");
	CHECK_ERR(ioctl(fd, TIOCGWINSZ, &ws), EBADF);
	CHECK_ERR(ioctl(0, 0x12345678, 0), ENOTTY);
}

static void t_bad_pointers(void)
{
	char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = open("/tmp/a", O_RDONLY);
	extern char __executable_start[];
	struct stat st;

	munmap(page + 4096, 4096);
	CHECK_ERR(syscall(SYS_open, NULL, O_RDONLY), EFAULT);
	CHECK_ERR(syscall(SYS_open, KERNEL_ADDR, O_RDONLY), EFAULT);
	CHECK_ERR(read(fd, NULL, 4), EFAULT);
	CHECK_ERR(read(fd, KERNEL_ADDR, 4), EFAULT);
	CHECK_ERR(read(fd, __executable_start, 4), EFAULT); /* read-only text */
	CHECK_ERR(read(fd, page + 4094, 4), EFAULT);        /* straddles a hole */
	CHECK_ERR(syscall(SYS_stat, "/tmp/a", KERNEL_ADDR), EFAULT);
	CHECK_ERR(syscall(SYS_fstat, fd, NULL), EFAULT);
	CHECK_ERR(syscall(SYS_getcwd, KERNEL_ADDR, 100), EFAULT);
	int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
	CHECK_ERR(syscall(SYS_getdents64, dir, KERNEL_ADDR, 100), EFAULT);
	CHECK_ERR(syscall(SYS_getdents64, fd, page, 100), ENOTDIR);
	close(dir);
	/* A path that runs into a hole without its NUL. */
	memset(page + 4000, 'a', 96);
	CHECK_ERR(open(page + 4000, O_RDONLY), EFAULT);
	/* A name ending exactly on the last byte before the hole is fine. */
	memcpy(page + 4088, "/tmp/a", 7);
	page[4095] = 0;
	CHECK(stat(page + 4088, &st) == 0 || errno == ENOENT, "a string on a region's last bytes");
	char *last = page + 4095;
	*last = 0;
	CHECK_ERR(open(last, O_RDONLY), ENOENT); /* "" */
	CHECK(fstat(fd, &st) == 0, "and good calls still work");
	close(fd);
}

static void t_limits(void)
{
	int n = 0, fd;

	while ((fd = open("/dev/null", O_RDONLY)) >= 0)
		n++;
	CHECK(errno == EMFILE && n > 1000 && n < 1024, "EMFILE after %d", n);
	char name[300];
	memset(name, 'x', 299);
	name[0] = '/';
	name[299] = 0;
	CHECK_ERR(open(name, O_RDONLY), ENAMETOOLONG);
}

static void t_busybox_pipeline(void)
{
	int p[2], st;
	char buf[32] = { 0 };
	pid_t pid;

	pipe(p);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		execl("/bin/sh", "sh", "-c", "echo hi | cat | wc -c", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	int n = (int)read(p[0], buf, sizeof(buf) - 1);
	waitpid(pid, &st, 0);
	CHECK(n > 0 && atoi(buf) == 3, "sh -c 'echo hi | cat | wc -c' printed \"%s\"", buf);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status 0x%x", st);
}

/* chmod and chown: only the owner (or root) changes a file's mode, only
 * root gives a file away (found by sysfuzz: any user could chmod and
 * chown /dev/null). */
static void t_owner_only(void)
{
	int fd = open("/tmp/own", O_CREAT | O_RDWR | O_TRUNC, 0644);
	struct stat st;

	CHECK(fd >= 0, "open");
	CHECK(chown("/tmp/own", 1000, 0) == 0, "root gives /tmp/own to 1000");
	CHECK(setuid(2000) == 0, "become user 2000");
	CHECK_ERR(chmod("/tmp/own", 0777), EPERM);
	CHECK_ERR(fchmod(fd, 0777), EPERM);
	CHECK_ERR(chmod("/dev/null", 0), EPERM);
	CHECK_ERR(chown("/tmp/own", 2000, (gid_t)-1), EPERM);
	CHECK_ERR(fchown(fd, 2000, (gid_t)-1), EPERM);
	CHECK_ERR(lchown("/dev/null", 2000, 0), EPERM);
	CHECK(stat("/tmp/own", &st) == 0 && (st.st_mode & 0777) == 0644 &&
	      st.st_uid == 1000, "unchanged: mode %o uid %u", st.st_mode & 0777,
	      st.st_uid);
	/* /tmp is sticky: only 1000 (or root) may remove 1000's file there */
	CHECK_ERR(unlink("/tmp/own"), EPERM);
	CHECK_ERR(rename("/tmp/own", "/tmp/own2"), EPERM);
	close(fd);
}

/* ... and an owner that is not root may change its own file's mode and
 * group (to its own, 0), not its owner. */
static void t_owner_may(void)
{
	int fd = open("/tmp/own", O_CREAT | O_RDWR | O_TRUNC, 0644);
	struct stat st;

	CHECK(chown("/tmp/own", 1000, 0) == 0, "root gives /tmp/own to 1000");
	CHECK(setuid(1000) == 0, "become user 1000");
	CHECK(fchmod(fd, 0600) == 0, "fchmod own file");
	CHECK(chmod("/tmp/own", 0640) == 0, "chmod own file");
	CHECK(chown("/tmp/own", (uid_t)-1, 0) == 0, "chown own file to own group");
	CHECK(chown("/tmp/own", 1000, (gid_t)-1) == 0, "chown to self");
	CHECK_ERR(chown("/tmp/own", 0, (gid_t)-1), EPERM);
	CHECK(stat("/tmp/own", &st) == 0 && (st.st_mode & 0777) == 0640,
	      "mode %o", st.st_mode & 0777);
	close(fd);
	unlink("/tmp/own");
}

/* as_user - run fn in a child that has become uid; true if it passed. */
static int as_user(uid_t uid, void (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (setuid(uid))
			_exit(2);
		fn();
		_exit(case_failed);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

static void perm_user_checks(void)
{
	struct stat st;
	struct timespec ts[2] = { { 1, 0 }, { 2, 0 } };
	char *argv[] = { "secret", NULL };
	int fd;

	/* reading and writing: the owner's bits, or the others' */
	CHECK_ERR(open("/tmp/perm/secret", O_RDONLY), EACCES);
	fd = open("/tmp/perm/pub", O_RDONLY);
	CHECK(fd >= 0, "a 0644 file is readable by all");
	close(fd);
	CHECK_ERR(open("/tmp/perm/pub", O_WRONLY), EACCES);
	CHECK_ERR(open("/tmp/perm/pub", O_RDONLY | O_TRUNC), EACCES);
	CHECK_ERR(truncate("/tmp/perm/pub", 0), EACCES);
	CHECK(access("/tmp/perm/pub", R_OK) == 0, "access R_OK");
	CHECK_ERR(access("/tmp/perm/pub", W_OK), EACCES);
	CHECK_ERR(access("/tmp/perm/secret", R_OK), EACCES);
	CHECK_ERR(utimensat(AT_FDCWD, "/tmp/perm/pub", NULL, 0), EACCES);
	CHECK_ERR(utimensat(AT_FDCWD, "/tmp/perm/pub", ts, 0), EPERM);
	/* a directory: w to add and remove names, x to search it */
	CHECK_ERR(open("/tmp/perm/new", O_CREAT | O_WRONLY, 0644), EACCES);
	CHECK_ERR(mkdir("/tmp/perm/d", 0755), EACCES);
	CHECK_ERR(mkdir("/tmp/perm", 0755), EEXIST); /* mkdir -p relies on it */
	CHECK_ERR(symlink("pub", "/tmp/perm/sl"), EACCES);
	CHECK_ERR(unlink("/tmp/perm/pub"), EACCES);
	CHECK_ERR(rename("/tmp/perm/pub", "/tmp/perm/mine/pub"), EACCES);
	CHECK_ERR(stat("/tmp/perm/closed/f", &st), EACCES);
	CHECK_ERR(chdir("/tmp/perm/closed"), EACCES);
	CHECK_ERR(mkdir("/bin/x", 0755), EACCES);
	CHECK_ERR(unlink("/bin/busybox"), EACCES);
	/* protected_hardlinks: no links to others' files one cannot write */
	CHECK_ERR(link("/tmp/perm/pub", "/tmp/perm/mine/l"), EPERM);
	/* exec: an x bit for this user */
	CHECK_ERR(execve("/tmp/perm/secret", argv, NULL), EACCES);
	/* a directory of one's own: anything goes, and new files are one's own */
	fd = open("/tmp/perm/mine/f", O_CREAT | O_RDWR, 0600);
	CHECK(fd >= 0 && write(fd, "hi", 2) == 2, "create in own directory");
	CHECK(fstat(fd, &st) == 0 && st.st_uid == 1000, "owner %u", st.st_uid);
	close(fd);
	CHECK(rename("/tmp/perm/mine/f", "/tmp/perm/mine/g") == 0 &&
	      unlink("/tmp/perm/mine/g") == 0, "rename and unlink own file");
	/* /proc/PID belongs to the process's user */
	fd = open("/proc/self/pagemap", O_RDONLY);
	CHECK(fd >= 0, "own pagemap");
	close(fd);
	CHECK_ERR(open("/proc/1/pagemap", O_RDONLY), EACCES);
	CHECK_ERR(open("/proc/1/fd", O_RDONLY | O_DIRECTORY), EACCES);
}

/* Unix permissions: as user 1000 in a root-owned tree (found by sysfuzz:
 * a user could make directories anywhere). */
static void t_permissions(void)
{
	int fd;

	mkdir("/tmp/perm", 0755);
	mkdir("/tmp/perm/closed", 0700);
	mkdir("/tmp/perm/mine", 0700);
	CHECK(chown("/tmp/perm/mine", 1000, 0) == 0, "chown");
	fd = open("/tmp/perm/secret", O_CREAT | O_WRONLY, 0600);
	CHECK(fd >= 0 && write(fd, "\x7f" "ELF", 4) == 4, "secret");
	close(fd);
	close(open("/tmp/perm/pub", O_CREAT | O_WRONLY, 0644));
	CHECK(as_user(1000, perm_user_checks), "the checks as user 1000");
	/* root reads anything, but executes only what has an x bit */
	fd = open("/tmp/perm/secret", O_RDWR);
	CHECK(fd >= 0, "root opens a 0600 file of its own");
	close(fd);
	CHECK(access("/tmp/perm/closed", X_OK) == 0, "root searches any directory");
	CHECK_ERR(execve("/tmp/perm/pub", (char *[]){ "pub", NULL }, NULL), EACCES);
	unlink("/tmp/perm/secret");
	unlink("/tmp/perm/pub");
	rmdir("/tmp/perm/closed");
	rmdir("/tmp/perm/mine");
	rmdir("/tmp/perm");
}

static void signal_user_checks(void)
{
	struct rlimit rl;

	CHECK_ERR(kill(1, SIGTERM), EPERM);
	CHECK_ERR(kill(1, 0), EPERM);
	CHECK_ERR(kill(getppid(), SIGKILL), EPERM);
	CHECK(kill(getpid(), 0) == 0, "signal oneself");
	CHECK_ERR(kill(INT_MIN, 0), ESRCH); /* no group -INT_MIN */
	CHECK(kill(-1, 0) == 0, "kill -1 tries others: 0 (as Linux)");
	CHECK_ERR(syscall(SYS_tgkill, 1, 1, SIGTERM), EPERM);
	CHECK_ERR(syscall(SYS_prlimit64, 1, RLIMIT_NOFILE, NULL, &rl), EPERM);
	rl.rlim_cur = rl.rlim_max = 100;
	CHECK(setrlimit(RLIMIT_CORE, &rl) == 0, "a user lowers its hard limit");
	rl.rlim_max = 200;
	CHECK_ERR(setrlimit(RLIMIT_CORE, &rl), EPERM); /* only root raises it */
}

/* kill and prlimit64: a user may act only on its own processes. */
static void t_signal_permissions(void)
{
	CHECK(as_user(1000, signal_user_checks), "the checks as user 1000");
}

static void run_all(void)
{
	RUN(t_create_write_read);
	RUN(t_append_truncate_holes);
	RUN(t_directories);
	RUN(t_rename_links);
	RUN(t_cwd);
	RUN(t_dup_fcntl_cloexec);
	RUN(t_readv_writev);
	RUN(t_pipes);
	RUN(t_poll);
	RUN(t_devices);
	RUN(t_bad_pointers);
	RUN(t_limits);
	RUN(t_busybox_pipeline);
	RUN(t_owner_only);
	RUN(t_owner_may);
	RUN(t_permissions);
	RUN(t_signal_permissions);
}

/* Remove what the cases left in /tmp, so a second pass starts clean. */
static void clean_tmp(void)
{
	int pid = fork();

	if (pid == 0) {
		execl("/bin/rm", "rm", "-rf", "/tmp/a", "/tmp/b", "/tmp/c", "/tmp/v",
		      "/tmp/r2", "/tmp/sym", "/tmp/loop1", "/tmp/loop2", "/tmp/cw",
		      (char *)NULL);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--check-cloexec"))
		return fcntl(50, F_GETFD) == 0 && fcntl(51, F_GETFD) == -1 &&
		       errno == EBADF ? 0 : 1;
	printf("TAP version 13\n");
	leak_checked_twice(run_all, clean_tmp);
	return tap_done();
}
