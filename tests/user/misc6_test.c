/*
 * tests/user/misc6_test.c - issue 14's odds and ends, each as Linux 6.1
 * answers (the program also runs as /init on the Linux peer:
 * tools/abi_peer.py build/tests/user/misc6_test):
 *   mount and umount2 of tmpfs, ramfs and proc, crossing mounts in path
 *   lookup, busy and read-only mounts, /proc/self/mounts and mountinfo,
 *   busybox mount, df and umount; execveat; arch_prctl's GS base;
 *   membarrier's registration rules.
 * The whole run is done twice, the second time inside a leak check.
 */
#define _GNU_SOURCE
#include "tap.h"
#include <stdint.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <grp.h>

#define MNT "/tmp/m6"
#define TMPFS_MAGIC 0x01021994
#define RAMFS_MAGIC 0x858458f6
#define PROC_SUPER_MAGIC 0x9fa0

static const char *self;

/* become - drop to uid/gid 1000, as a non-root user would run. */
static void become_user(void)
{
	if (setgroups(0, NULL) || setgid(1000) || setuid(1000))
		printf("# become_user failed: %s\n", strerror(errno));
}

/* mounts_line - the line of text that contains needle (copied to out). */
static int find_line(const char *text, const char *needle, char *out, size_t size)
{
	const char *p = strstr(text, needle), *start, *end;

	if (!p)
		return 0;
	for (start = p; start > text && start[-1] != '\n'; start--)
		;
	end = strchr(p, '\n');
	if (!end)
		end = p + strlen(p);
	snprintf(out, size, "%.*s", (int)(end - start), start);
	return 1;
}

/* run_output - prog's stdout and stderr (argv NULL-terminated) into buf:
 * its exit status, or -1. */
static int run_output(char *const argv[], char *buf, size_t size)
{
	int fds[2], status = -1;
	long n, got = 0;
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf + got, size - 1 - (size_t)got)) > 0)
		got += n;
	buf[got] = '\0';
	close(fds[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ---- mount and umount2 ---- */

static void t_mount_tmpfs(void)
{
	struct stat root, mp, in, dotdot;
	struct statfs sf;
	char buf[256], text[4096], line[256];
	int fd;

	mkdir(MNT, 0755);
	CHECK(stat("/", &root) == 0 && stat(MNT, &mp) == 0, "stat");
	CHECK(mount("none", MNT, "tmpfs", 0, NULL) == 0, "mount tmpfs");
	CHECK(stat(MNT, &in) == 0 && in.st_dev != mp.st_dev, "a new device");
	CHECK((in.st_mode & 07777) == 01777, "tmpfs root is 1777: %o", in.st_mode);
	CHECK(stat(MNT "/..", &dotdot) == 0 && stat("/tmp", &root) == 0 &&
	      dotdot.st_ino == root.st_ino && dotdot.st_dev == root.st_dev,
	      ".. at the mount's root is the parent's directory");
	CHECK(statfs(MNT, &sf) == 0 && sf.f_type == TMPFS_MAGIC, "tmpfs magic");
	fd = open(MNT "/f", O_CREAT | O_RDWR, 0644);
	CHECK(fd >= 0 && write(fd, "abc", 3) == 3, "a file on it");
	close(fd);
	CHECK(mkdir(MNT "/d", 0755) == 0 && mkdir(MNT "/d/e", 0755) == 0, "dirs");
	CHECK_ERR(link(MNT "/f", "/tmp/m6link"), EXDEV);
	CHECK_ERR(rename(MNT "/f", "/tmp/m6ren"), EXDEV);
	CHECK(chdir(MNT "/d/e") == 0 && getcwd(buf, sizeof(buf)) &&
	      !strcmp(buf, MNT "/d/e"), "getcwd below a mount: %s", buf);
	CHECK(chdir("../../..") == 0 && getcwd(buf, sizeof(buf)) &&
	      !strcmp(buf, "/tmp"), "back up over the mount: %s", buf);
	chdir("/");
	CHECK(read_text("/proc/self/mounts", text, sizeof(text)) > 0, "mounts");
	CHECK(find_line(text, " " MNT " ", line, sizeof(line)) &&
	      !strcmp(line, "none " MNT " tmpfs rw,relatime,inode64 0 0"),
	      "mounts line: %s", line);
	CHECK(read_text("/proc/self/mountinfo", text, sizeof(text)) > 0, "mountinfo");
	CHECK(find_line(text, " " MNT " ", line, sizeof(line)) &&
	      strstr(line, " / " MNT " rw,relatime") &&
	      strstr(line, " - tmpfs none rw,inode64"), "mountinfo line: %s", line);
	CHECK_ERR(rmdir(MNT), EBUSY);
	CHECK(umount(MNT) == 0, "umount");
	CHECK(access(MNT "/f", F_OK) == -1 && errno == ENOENT, "its files are gone");
	CHECK(stat(MNT, &in) == 0 && in.st_dev == mp.st_dev && in.st_ino == mp.st_ino,
	      "the directory is back");
	CHECK(read_text("/proc/self/mounts", text, sizeof(text)) > 0 &&
	      !strstr(text, " " MNT " "), "not in mounts");
	rmdir(MNT);
}

static void t_mount_stacked_ramfs(void)
{
	struct statfs sf;
	char buf[256];

	mkdir(MNT, 0755);
	CHECK(mount("a", MNT, "ramfs", 0, NULL) == 0, "first");
	CHECK(statfs(MNT, &sf) == 0 && sf.f_type == RAMFS_MAGIC, "ramfs magic");
	CHECK(mkdir(MNT "/one", 0700) == 0, "mkdir in first");
	CHECK(mount("b", MNT, "ramfs", 0, NULL) == 0, "second on top");
	CHECK(access(MNT "/one", F_OK) == -1, "the top one hides the first");
	CHECK(chdir(MNT) == 0 && getcwd(buf, sizeof(buf)) && !strcmp(buf, MNT),
	      "getcwd on stacked mounts: %s", buf);
	CHECK(chdir("..") == 0 && getcwd(buf, sizeof(buf)) && !strcmp(buf, "/tmp"),
	      "..: %s", buf);
	chdir("/");
	CHECK(umount(MNT) == 0, "the top one");
	CHECK(access(MNT "/one", F_OK) == 0, "the first is back");
	CHECK(umount(MNT) == 0, "the first one");
	rmdir(MNT);
}

static void t_mount_busy(void)
{
	int fd;

	mkdir(MNT, 0755);
	CHECK(mount("none", MNT, "tmpfs", 0, NULL) == 0, "mount");
	mkdir(MNT "/d", 0755);
	fd = open(MNT "/d/f", O_CREAT | O_RDWR, 0600);
	CHECK(fd >= 0, "open below");
	CHECK_ERR(umount(MNT), EBUSY);
	close(fd);
	CHECK(chdir(MNT "/d") == 0, "chdir below");
	CHECK_ERR(umount(MNT), EBUSY);
	CHECK_ERR(umount2(MNT, MNT_EXPIRE), EBUSY);
	chdir("/");
	mkdir(MNT "/sub", 0755);
	CHECK(mount("none", MNT "/sub", "ramfs", 0, NULL) == 0, "a mount below");
	CHECK_ERR(umount(MNT), EBUSY);
	CHECK(umount(MNT "/sub") == 0, "the one below");
	CHECK_ERR(umount2(MNT, MNT_EXPIRE), EAGAIN); /* marked */
	CHECK(umount2(MNT, MNT_EXPIRE) == 0, "expired");
	/* MNT_DETACH: gone from the tree at once, even in use. */
	CHECK(mount("none", MNT, "tmpfs", 0, NULL) == 0, "again");
	fd = open(MNT "/g", O_CREAT | O_RDWR, 0600);
	CHECK(fd >= 0 && write(fd, "xy", 2) == 2, "a file");
	CHECK(umount2(MNT, MNT_DETACH) == 0, "lazy umount");
	CHECK(access(MNT "/g", F_OK) == -1, "detached");
	CHECK(pread(fd, (char[2]){ 0 }, 2, 0) == 2, "the open file still reads");
	close(fd);
	rmdir(MNT);
}

static void t_mount_errors(void)
{
	int st;

	mkdir(MNT, 0755);
	close(open("/tmp/m6file", O_CREAT | O_RDWR, 0600));
	CHECK_ERR(mount("none", "/tmp/nonexistent6", "tmpfs", 0, NULL), ENOENT);
	CHECK_ERR(mount("none", "/tmp/m6file/x", "tmpfs", 0, NULL), ENOTDIR);
	CHECK_ERR(mount("none", "/tmp/m6file", "tmpfs", 0, NULL), ENOTDIR);
	CHECK_ERR(mount("none", MNT, "nosuchfs", 0, NULL), ENODEV);
	CHECK_ERR(mount("none", MNT, NULL, 0, NULL), EINVAL);
	CHECK_ERR(mount("none", MNT, (char *)8, 0, NULL), EFAULT);
	CHECK_ERR(umount(MNT), EINVAL);          /* not a mount */
	CHECK_ERR(umount("/tmp/nonexistent6"), ENOENT);
	CHECK_ERR(umount2(MNT, 0x100), EINVAL);  /* unknown flag */
	CHECK(mount("none", MNT, "tmpfs", 0, NULL) == 0, "mount");
	CHECK_ERR(umount2(MNT, MNT_EXPIRE | MNT_DETACH), EINVAL);
	if (fork() == 0) {
		become_user();
		CHECK_ERR(mount("none", "/tmp", "tmpfs", 0, NULL), EPERM);
		CHECK_ERR(umount(MNT), EPERM);
		CHECK_ERR(umount("/tmp/nonexistent6"), ENOENT); /* lookup first */
		_exit(case_failed);
	}
	CHECK(wait(&st) > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "as a user");
	CHECK(umount(MNT) == 0, "umount");
	unlink("/tmp/m6file");
	rmdir(MNT);
}

static void t_mount_rdonly(void)
{
	char text[4096], line[256];
	int fd;

	mkdir(MNT, 0755);
	CHECK(mount("none", MNT, "tmpfs", 0, NULL) == 0, "mount");
	fd = open(MNT "/f", O_CREAT | O_RDWR, 0644);
	CHECK(fd >= 0, "a file");
	close(fd);
	mkdir(MNT "/d", 0755);
	CHECK(mount("none", MNT, NULL, MS_REMOUNT | MS_RDONLY, NULL) == 0, "remount ro");
	CHECK_ERR(open(MNT "/g", O_CREAT | O_WRONLY, 0644), EROFS);
	CHECK_ERR(open(MNT "/f", O_WRONLY), EROFS);
	CHECK_ERR(open(MNT "/f", O_RDONLY | O_TRUNC), EROFS);
	CHECK_ERR(mkdir(MNT "/e", 0755), EROFS);
	CHECK_ERR(mkdir(MNT "/d", 0755), EEXIST);
	CHECK_ERR(rmdir(MNT "/d"), EROFS);
	CHECK_ERR(unlink(MNT "/f"), EROFS);
	CHECK_ERR(chmod(MNT "/f", 0600), EROFS);
	CHECK_ERR(truncate(MNT "/f", 0), EROFS);
	CHECK_ERR(symlink("x", MNT "/l"), EROFS);
	CHECK_ERR(access(MNT "/f", W_OK), EROFS);
	fd = open(MNT "/f", O_RDONLY);
	CHECK(fd >= 0, "reading still works");
	close(fd);
	CHECK(read_text("/proc/self/mounts", text, sizeof(text)) > 0 &&
	      find_line(text, " " MNT " ", line, sizeof(line)) &&
	      !strncmp(line, "none " MNT " tmpfs ro,", 22), "ro in mounts: %s", line);
	CHECK(mount("none", MNT, NULL, MS_REMOUNT, NULL) == 0, "remount rw");
	CHECK(unlink(MNT "/f") == 0, "writable again");
	CHECK(umount(MNT) == 0, "umount");
	/* A new mount read-only from the start. */
	CHECK(mount("none", MNT, "tmpfs", MS_RDONLY | MS_NOSUID, NULL) == 0, "ro mount");
	CHECK_ERR(mkdir(MNT "/e", 0755), EROFS);
	CHECK(umount(MNT) == 0 && mount("none", MNT, "tmpfs", MS_NOEXEC, NULL) == 0,
	      "noexec mount");
	fd = open(MNT "/prog", O_CREAT | O_WRONLY, 0755);
	CHECK(fd >= 0 && write(fd, "#!/bin/sh\n", 10) == 10, "a program");
	close(fd);
	CHECK_ERR(execl(MNT "/prog", "prog", (char *)NULL), EACCES);
	CHECK(umount(MNT) == 0 && mount("none", MNT, "tmpfs", MS_RDONLY | MS_NOSUID,
					NULL) == 0, "ro again");
	CHECK(read_text("/proc/self/mounts", text, sizeof(text)) > 0 &&
	      find_line(text, " " MNT " ", line, sizeof(line)) &&
	      !strcmp(line, "none " MNT " tmpfs ro,nosuid,relatime,inode64 0 0"), "%s", line);
	CHECK(umount(MNT) == 0, "umount");
	rmdir(MNT);
}

static void t_mount_proc(void)
{
	struct stat root, dotdot;
	struct statfs sf;
	char buf[64], path[128];

	mkdir(MNT, 0755);
	CHECK(mount("proc", MNT, "proc", 0, NULL) == 0, "mount proc");
	CHECK(statfs(MNT, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC, "proc magic");
	char comm[64];

	snprintf(path, sizeof(path), MNT "/%d/comm", getpid());
	CHECK(read_text("/proc/self/comm", comm, sizeof(comm)) > 0 &&
	      read_text(path, buf, sizeof(buf)) > 0 && !strcmp(buf, comm),
	      "its files: %s", buf);
	CHECK(stat(MNT "/..", &dotdot) == 0 && stat("/tmp", &root) == 0 &&
	      dotdot.st_ino == root.st_ino, ".. leaves it");
	CHECK(chdir(MNT) == 0 && getcwd(path, sizeof(path)) && !strcmp(path, MNT),
	      "getcwd in it: %s", path);
	chdir("/");
	/* Linux 6.1: each proc mount is a new instance, so this stacks. */
	CHECK(mount("proc", MNT, "proc", 0, NULL) == 0, "again on top");
	CHECK(umount(MNT) == 0 && access(MNT "/self", F_OK) == 0, "the top one");
	CHECK(umount(MNT) == 0, "umount");
	CHECK(access(MNT "/self", F_OK) == -1, "gone");
	rmdir(MNT);
}

/* /proc/mounts as Linux shows an initramfs root and the /proc our init
 * (or, on Linux, the test itself) mounted. */
static void t_proc_mounts_format(void)
{
	char text[4096], self_text[4096], info[4096], line[256];

	CHECK(read_text("/proc/mounts", text, sizeof(text)) > 0, "read");
	CHECK(read_text("/proc/self/mounts", self_text, sizeof(self_text)) > 0 &&
	      !strcmp(text, self_text), "the same as /proc/self/mounts");
	CHECK(!strncmp(text, "rootfs / rootfs rw", 18), "root line: %.40s", text);
	CHECK(find_line(text, " /proc ", line, sizeof(line)) &&
	      !strncmp(line, "proc /proc proc rw", 18) && strstr(line, " 0 0"),
	      "proc line: %s", line);
	CHECK(read_text("/proc/self/mountinfo", info, sizeof(info)) > 0, "mountinfo");
	CHECK(find_line(info, " / / ", line, sizeof(line)) &&
	      strstr(line, " - rootfs rootfs rw"), "mountinfo root: %s", line);
	CHECK(find_line(info, " /proc ", line, sizeof(line)) &&
	      strstr(line, " - proc proc rw"), "mountinfo proc: %s", line);
}

/* busybox's mount, df and umount (they read /proc/mounts). */
static void t_busybox_mount(void)
{
	char out[4096];

	if (access("/bin/busybox", X_OK)) {
		printf("# no busybox here: skipped\n");
		return;
	}
	mkdir(MNT, 0755);
	CHECK(run_output((char *[]){ "/bin/mount", "-t", "tmpfs", "tmpfs", MNT,
				     NULL }, out, sizeof(out)) == 0, "mount: %s", out);
	CHECK(run_output((char *[]){ "/bin/mount", NULL }, out, sizeof(out)) == 0 &&
	      strstr(out, "tmpfs on " MNT " type tmpfs (rw,relatime,inode64)"),
	      "mount lists it: %s", out);
	CHECK(run_output((char *[]){ "/bin/df", MNT, NULL }, out, sizeof(out)) == 0 &&
	      strstr(out, "tmpfs") && strstr(out, MNT), "df: %s", out);
	CHECK(run_output((char *[]){ "/bin/df", NULL }, out, sizeof(out)) == 0 &&
	      strstr(out, MNT), "df lists it: %s", out);
	CHECK(run_output((char *[]){ "/bin/umount", MNT, NULL }, out, sizeof(out)) == 0,
	      "umount: %s", out);
	CHECK(run_output((char *[]){ "/bin/mount", NULL }, out, sizeof(out)) == 0 &&
	      !strstr(out, MNT), "gone: %s", out);
	rmdir(MNT);
}

/* ---- execveat ---- */

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

static int sys_execveat(int dirfd, const char *path, char *const argv[],
			char *const envp[], int flags)
{
	return (int)syscall(SYS_execveat, dirfd, path, argv, envp, flags);
}

/* exec_report - in a child, run how(arg) (an exec of this program with
 * --report, which prints its AT_EXECFN and comm); the output into out:
 * the exit status, 126 if the exec failed (errno in *err). */
static int exec_report(void (*how)(int), int arg, char *out, size_t size,
		       int *err)
{
	int fds[2], ep[2], status = -1;
	long n, got = 0;
	pid_t pid;

	*err = 0;
	if (pipe(fds) || pipe2(ep, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(ep[0]);
		how(arg);
		write(ep[1], &errno, sizeof(errno));
		_exit(126);
	}
	close(fds[1]);
	close(ep[1]);
	while ((n = read(fds[0], out + got, size - 1 - (size_t)got)) > 0)
		got += n;
	out[got] = '\0';
	if (read(ep[0], err, sizeof(*err)) != sizeof(*err))
		*err = 0;
	close(fds[0]);
	close(ep[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static char *const report_argv[] = { "prog", "--report", NULL };
static char *const no_env[] = { "A=1", NULL };

static void by_dirfd(int flags)
{
	char dir[256];
	int dfd;

	snprintf(dir, sizeof(dir), "%s", self);
	*strrchr(dir, '/') = '\0';
	dfd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY);
	sys_execveat(dfd, strrchr(self, '/') + 1, report_argv, no_env, flags);
}

static void by_fd(int open_flags)
{
	int fd = open(self, open_flags);

	if (fd != 5) {
		dup2(fd, 5);
		close(fd);
	}
	sys_execveat(5, "", report_argv, no_env, AT_EMPTY_PATH);
}

static void by_fexecve(int unused)
{
	int fd = open(self, O_RDONLY);

	fexecve(fd, report_argv, no_env);
}

static void by_proc_fd(int unused)
{
	char path[64];
	int fd = open(self, O_RDONLY);

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	execve(path, report_argv, no_env);
}

static void by_link_nofollow(int unused)
{
	sys_execveat(AT_FDCWD, "/tmp/m6exe", report_argv, no_env, AT_SYMLINK_NOFOLLOW);
}

static void by_link(int unused)
{
	sys_execveat(AT_FDCWD, "/tmp/m6exe", report_argv, no_env, 0);
}

static void t_execveat(void)
{
	char out[512], want[512], comm[32];
	int err, code;

	code = exec_report(by_dirfd, 0, out, sizeof(out), &err);
	snprintf(comm, sizeof(comm), "%.15s", strrchr(self, '/') + 1);
	snprintf(want, sizeof(want), "execfn=/dev/fd/3/%s comm=%s argv0=prog",
		 strrchr(self, '/') + 1, comm);
	CHECK(code == 0 && !strcmp(out, want), "dirfd + path: %d %d %s", code,
	      err, out);
	/* comm: the file's own name (Linux 6.1), not the "5" of /dev/fd/5 */
	snprintf(want, sizeof(want), "execfn=/dev/fd/5 comm=%s argv0=prog", comm);
	code = exec_report(by_fd, O_RDONLY, out, sizeof(out), &err);
	CHECK(code == 0 && !strcmp(out, want), "AT_EMPTY_PATH: %d %d %s", code,
	      err, out);
	code = exec_report(by_fd, O_PATH, out, sizeof(out), &err);
	CHECK(code == 0 && !strcmp(out, want), "AT_EMPTY_PATH on O_PATH: %d %d %s",
	      code, err, out);
	code = exec_report(by_fexecve, 0, out, sizeof(out), &err);
	CHECK(code == 0 && !strncmp(out, "execfn=/dev/fd/", 15), "fexecve: %d %d %s",
	      code, err, out);
	code = exec_report(by_proc_fd, 0, out, sizeof(out), &err);
	CHECK(code == 0 && !strncmp(out, "execfn=/proc/self/fd/", 21),
	      "/proc/self/fd/N: %d %d %s", code, err, out);
	unlink("/tmp/m6exe");
	CHECK(symlink(self, "/tmp/m6exe") == 0, "symlink");
	code = exec_report(by_link_nofollow, 0, out, sizeof(out), &err);
	CHECK(code == 126 && err == ELOOP, "AT_SYMLINK_NOFOLLOW: %d %d", code, err);
	code = exec_report(by_link, 0, out, sizeof(out), &err);
	CHECK(code == 0 && !strcmp(out, "execfn=/tmp/m6exe comm=m6exe argv0=prog"),
	      "through the link: %d %d %s", code, err, out);
	unlink("/tmp/m6exe");
}

static void t_execveat_errors(void)
{
	int fd = open(self, O_RDONLY), dfd = open("/", O_RDONLY | O_DIRECTORY);

	CHECK_ERR(sys_execveat(fd, "", report_argv, no_env, 0), ENOENT);
	CHECK_ERR(sys_execveat(fd, "", report_argv, no_env, 0x8000), ENOENT);
	CHECK_ERR(sys_execveat(fd, "", report_argv, no_env, 0x8000 | AT_EMPTY_PATH),
		  EINVAL);
	CHECK_ERR(sys_execveat(fd, "x", report_argv, no_env, 0), ENOTDIR);
	CHECK_ERR(sys_execveat(99, "", report_argv, no_env, AT_EMPTY_PATH), EBADF);
	CHECK_ERR(sys_execveat(99, "x", report_argv, no_env, 0), EBADF);
	CHECK_ERR(sys_execveat(dfd, "", report_argv, no_env, AT_EMPTY_PATH), EACCES);
	CHECK_ERR(sys_execveat(dfd, "nonexistent", report_argv, no_env, 0), ENOENT);
	close(fd);
	close(dfd);
}

/* A script run from a descriptor: its interpreter opens /dev/fd/N, which
 * a close-on-exec descriptor would not be: Linux refuses with ENOENT. */
static void t_execveat_script(void)
{
	int fd, st;

	if (access("/bin/sh", X_OK)) {
		printf("# no /bin/sh here: skipped\n");
		return;
	}
	fd = open("/tmp/m6script", O_CREAT | O_TRUNC | O_WRONLY, 0755);
	CHECK(fd >= 0 && write(fd, "#!/bin/sh\nexit 9\n", 18) == 18, "script");
	close(fd);
	fd = open("/tmp/m6script", O_RDONLY | O_CLOEXEC);
	CHECK_ERR(sys_execveat(fd, "", report_argv, no_env, AT_EMPTY_PATH), ENOENT);
	close(fd);
	if (fork() == 0) {
		fd = open("/tmp/m6script", O_RDONLY);
		sys_execveat(fd, "", report_argv, no_env, AT_EMPTY_PATH);
		_exit(126);
	}
	CHECK(wait(&st) > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 9,
	      "the script ran: %x", st);
	unlink("/tmp/m6script");
}

/* ---- arch_prctl: the GS base ---- */

#define ARCH_SET_GS 0x1001
#define ARCH_GET_GS 0x1004
#define ARCH_GET_CPUID 0x1011
#define ARCH_SET_CPUID 0x1012

static long arch_prctl(int code, unsigned long addr)
{
	return syscall(SYS_arch_prctl, code, addr);
}

static unsigned long gs_word(void)
{
	unsigned long v;

	asm volatile("mov %%gs:0, %0" : "=r"(v));
	return v;
}

static void t_arch_gs(void)
{
	unsigned long *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), got = 1;
	int st, fds[2];

	page[0] = 0x1111;
	page[512] = 0x2222;
	CHECK(arch_prctl(ARCH_GET_GS, (unsigned long)&got) == 0 && got == 0,
	      "0 at first: %lx", got);
	CHECK(arch_prctl(ARCH_SET_GS, (unsigned long)page) == 0, "set");
	CHECK(arch_prctl(ARCH_GET_GS, (unsigned long)&got) == 0 &&
	      got == (unsigned long)page, "get: %lx", got);
	CHECK(gs_word() == 0x1111, "gs-relative load");
	CHECK_ERR(arch_prctl(ARCH_SET_GS, 1ul << 63), EPERM); /* above TASK_SIZE_MAX */
	CHECK_ERR(arch_prctl(ARCH_GET_GS, 8), EFAULT);
	CHECK(pipe(fds) == 0, "pipe");
	if (fork() == 0) { /* inherited; its own change stays its own */
		char c;

		CHECK(gs_word() == 0x1111, "inherited by fork");
		arch_prctl(ARCH_SET_GS, (unsigned long)(page + 512));
		read(fds[0], &c, 1); /* the parent runs meanwhile */
		CHECK(gs_word() == 0x2222, "kept across a switch (child)");
		_exit(case_failed);
	}
	usleep(20000);
	CHECK(gs_word() == 0x1111, "kept across a switch (parent)");
	write(fds[1], "x", 1);
	CHECK(wait(&st) > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "child");
	CHECK(run_output((char *[]){ (char *)self, "--gs", NULL }, (char[64]){ 0 },
			 64) == 0, "execve starts with GS base 0");
	CHECK(arch_prctl(ARCH_GET_CPUID, 0) == 1, "cpuid enabled");
	errno = 0;
	CHECK(arch_prctl(ARCH_SET_CPUID, 1) == 0 || errno == ENODEV,
	      "ARCH_SET_CPUID: 0 with CPUID faulting, else ENODEV");
	CHECK_ERR(arch_prctl(0x1999, 0), EINVAL);
}

/* ---- membarrier ---- */

#define MB_QUERY 0
#define MB_GLOBAL 1
#define MB_GLOBAL_EXPEDITED 2
#define MB_REGISTER_GLOBAL_EXPEDITED 4
#define MB_PRIVATE_EXPEDITED 8
#define MB_REGISTER_PRIVATE_EXPEDITED 16
#define MB_PRIVATE_EXPEDITED_SYNC_CORE 32
#define MB_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE 64
#define MB_PRIVATE_EXPEDITED_RSEQ 128
#define MB_REGISTER_PRIVATE_EXPEDITED_RSEQ 256

static long membarrier(int cmd, unsigned flags, int cpu)
{
	return syscall(SYS_membarrier, cmd, flags, cpu);
}

static void t_membarrier(void)
{
	long q = membarrier(MB_QUERY, 0, 0);
	int st;

	CHECK((q & 0x7f) == 0x7f, "query: %lx", q);
	CHECK_ERR(membarrier(MB_QUERY, 1, 0), EINVAL);
	CHECK(membarrier(MB_GLOBAL, 0, 0) == 0, "global");
	CHECK(membarrier(MB_GLOBAL_EXPEDITED, 0, 0) == 0, "global expedited");
	CHECK_ERR(membarrier(MB_PRIVATE_EXPEDITED, 0, 0), EPERM);
	CHECK_ERR(membarrier(MB_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0), EPERM);
	CHECK_ERR(membarrier(MB_PRIVATE_EXPEDITED, 1, 0), EINVAL);
	CHECK_ERR(membarrier(3, 0, 0), EINVAL);
	CHECK_ERR(membarrier(-1, 0, 0), EINVAL);
	CHECK_ERR(membarrier(1 << 10, 0, 0), EINVAL);
	if (!(q & MB_PRIVATE_EXPEDITED_RSEQ)) { /* no rseq: as CONFIG_RSEQ=n */
		CHECK_ERR(membarrier(MB_REGISTER_PRIVATE_EXPEDITED_RSEQ, 0, 0), EINVAL);
		CHECK_ERR(membarrier(MB_PRIVATE_EXPEDITED_RSEQ, 0, 0), EINVAL);
		CHECK_ERR(membarrier(MB_PRIVATE_EXPEDITED_RSEQ, 1, 0), EINVAL);
	} else { /* rseq: registered per process, FLAG_CPU (1) allowed */
		CHECK_ERR(membarrier(MB_PRIVATE_EXPEDITED_RSEQ, 0, 0), EPERM);
		CHECK_ERR(membarrier(MB_PRIVATE_EXPEDITED_RSEQ, 2, 0), EINVAL);
		CHECK_ERR(membarrier(MB_REGISTER_PRIVATE_EXPEDITED_RSEQ, 1, 0), EINVAL);
		CHECK(membarrier(MB_REGISTER_PRIVATE_EXPEDITED_RSEQ, 0, 0) == 0, "rseq register");
		CHECK(membarrier(MB_PRIVATE_EXPEDITED_RSEQ, 0, 0) == 0, "rseq barrier");
		CHECK(membarrier(MB_PRIVATE_EXPEDITED_RSEQ, 1, 0) == 0, "rseq, CPU 0");
		CHECK(membarrier(MB_PRIVATE_EXPEDITED_RSEQ, 1, 1000) == 0, "rseq, no such CPU");
		CHECK_ERR(membarrier(MB_PRIVATE_EXPEDITED, 0, 0), EPERM);
	}
	CHECK(membarrier(MB_REGISTER_GLOBAL_EXPEDITED, 0, 0) == 0, "register global");
	CHECK(membarrier(MB_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0, "register");
	CHECK(membarrier(MB_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0, "twice");
	CHECK(membarrier(MB_PRIVATE_EXPEDITED, 0, 0) == 0, "private expedited");
	CHECK(membarrier(MB_PRIVATE_EXPEDITED, 0, 1000) == 0, "cpu_id unread");
	CHECK_ERR(membarrier(MB_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0), EPERM);
	CHECK(membarrier(MB_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0) == 0, "sync core");
	CHECK(membarrier(MB_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0) == 0, "sync core barrier");
	if (fork() == 0)
		_exit(membarrier(MB_PRIVATE_EXPEDITED, 0, 0) == 0 ? 0 : 1);
	CHECK(wait(&st) > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "fork keeps the registration");
	CHECK(run_output((char *[]){ (char *)self, "--membarrier", NULL },
			 (char[64]){ 0 }, 64) == 0, "exec clears it");
}

/* memfd_create: an anonymous file in memory, shared by its mappings, named
 * "/memfd:NAME (deleted)" as on Linux; flags and name checked. */
static void t_memfd(void)
{
	int fd = (int)syscall(SYS_memfd_create, "hello", 1 /* MFD_CLOEXEC */);
	char link[64] = "", big[300];
	char *a, *b;

	CHECK(fd >= 0, "memfd_create");
	CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC, "MFD_CLOEXEC");
	CHECK(ftruncate(fd, 8192) == 0, "ftruncate");
	a = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	b = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(a != MAP_FAILED && b != MAP_FAILED, "two shared mappings");
	strcpy(a + 4096, "shared");
	CHECK(!strcmp(b + 4096, "shared"), "one page for both");
	CHECK(pread(fd, link, 6, 4096) == 6 && !memcmp(link, "shared", 6), "read");
	snprintf(big, sizeof(big), "/proc/self/fd/%d", fd);
	memset(link, 0, sizeof(link));
	CHECK(readlink(big, link, sizeof(link) - 1) > 0 &&
	      !strcmp(link, "/memfd:hello (deleted)"), "fd link %s", link);
	CHECK_ERR(syscall(SYS_memfd_create, "x", 0x100), EINVAL);
	CHECK_ERR(syscall(SYS_memfd_create, "x", 4 /* MFD_HUGETLB */), EINVAL);
	memset(big, 'n', 250);
	big[250] = 0;
	CHECK_ERR(syscall(SYS_memfd_create, big, 0), EINVAL);
	CHECK_ERR(syscall(SYS_memfd_create, (void *)8, 0), EFAULT);
	munmap(a, 8192);
	munmap(b, 8192);
	close(fd);
}

static void all_cases(void)
{
	RUN(t_mount_tmpfs);
	RUN(t_mount_stacked_ramfs);
	RUN(t_mount_busy);
	RUN(t_mount_errors);
	RUN(t_mount_rdonly);
	RUN(t_mount_proc);
	RUN(t_proc_mounts_format);
	RUN(t_busybox_mount);
	RUN(t_execveat);
	RUN(t_execveat_errors);
	RUN(t_execveat_script);
	RUN(t_arch_gs);
	RUN(t_membarrier);
	RUN(t_memfd);
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 1 && !strcmp(argv[1], "--gs")) {
		unsigned long gs = 1;

		return arch_prctl(ARCH_GET_GS, (unsigned long)&gs) || gs;
	}
	if (argc > 1 && !strcmp(argv[1], "--membarrier"))
		return !(membarrier(MB_PRIVATE_EXPEDITED, 0, 0) == -1 && errno == EPERM);
	if (argc > 1 && !strcmp(argv[1], "--report")) {
		char comm[32] = "";

		read_text("/proc/self/comm", comm, sizeof(comm));
		comm[strcspn(comm, "\n")] = '\0';
		printf("execfn=%s comm=%s argv0=%s", (char *)getauxval(AT_EXECFN),
		       comm, argv[0]);
		return 0;
	}
	if (access("/proc/self/status", F_OK) != 0) { /* the Linux peer */
		mkdir("/proc", 0555);
		mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	}
	mkdir("/tmp", 01777);
	leak_checked_twice(all_cases, NULL);
	return tap_done();
}
