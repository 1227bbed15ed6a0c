/*
 * tests/user/abi_test.c - small ABI points where vmos must answer as Linux
 * 6.1 does (issue 14: what the Linux Test Project and the kernel's own
 * selftests found).  Each case names the errno Linux gives in a comment;
 * the program also runs as /init on the Linux peer (tools/abi_peer.py),
 * where every case must pass too.
 */
#define _GNU_SOURCE
#include "tap.h"
#include <sched.h>
#include <stdint.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <grp.h>

#define PAGE 4096l

/* become - drop to uid/gid (both), as a non-root user would run. */
static __attribute__((unused)) void become(unsigned id)
{
	if (setgroups(0, NULL) || setgid(id) || setuid(id))
		printf("# become(%u) failed: %s\n", id, strerror(errno));
}

/* read_file - the first size-1 bytes of path, NUL-terminated; -1 on error. */
static __attribute__((unused)) long read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	long n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* write_file - write s to path: 0, or -1 with errno. */
static __attribute__((unused)) int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	long n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (long)strlen(s) ? 0 : -1;
}

/* ---- system-call numbers ---- */

/* Linux >= 5.12 (do_syscall_64 takes an int nr, compared unsigned): only
 * the low 32 bits of rax count; a number with bit 31 set is ENOSYS. */
static void t_syscall_nr_low32(void)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(0x100000000l | SYS_getpid)
			 : "rcx", "r11", "memory");
	CHECK(r == getpid(), "0x1_0000_0027 is getpid: %ld", r);
	__asm__ volatile("syscall" : "=a"(r) : "a"(0xffffffff00000000l | SYS_getppid)
			 : "rcx", "r11", "memory");
	CHECK(r == getppid(), "high bits set: still getppid: %ld", r);
	__asm__ volatile("syscall" : "=a"(r) : "a"(0x80000000l | SYS_getpid)
			 : "rcx", "r11", "memory");
	CHECK(r == -ENOSYS, "bit 31: ENOSYS, got %ld", r);
}

/* ---- credentials (kernel/sys.c) ---- */

/* Root may set any gid (LTP setgid01..03); all three follow. */
static void t_setgid_root(void)
{
	gid_t r, e, s;

	CHECK(setgid(65534) == 0, "setgid(65534) as root");
	CHECK(getgid() == 65534 && getegid() == 65534, "gid %d egid %d",
	      getgid(), getegid());
	CHECK(getresgid(&r, &e, &s) == 0 && s == 65534, "saved gid %d", s);
	CHECK(setgid(0) == 0, "root (euid 0) may go back");
	CHECK_ERR(syscall(SYS_setgid, -1), EINVAL); /* Linux: !gid_valid */
}

/* A non-root user may set its effective gid to its real or saved one
 * only (Linux: EPERM otherwise); setgroups needs CAP_SETGID (EPERM). */
static void t_setgid_user(void)
{
	gid_t r, e, s;
	gid_t list[4];

	CHECK(setresgid(100, 200, 300) == 0, "root: setresgid");
	CHECK(getresgid(&r, &e, &s) == 0 && r == 100 && e == 200 && s == 300,
	      "%d %d %d", r, e, s);
	CHECK(setgroups(2, (gid_t[]){ 7, 8 }) == 0, "root: setgroups");
	CHECK(getgroups(0, NULL) == 2, "getgroups(0) counts");
	CHECK(getgroups(4, list) == 2 && list[0] == 7 && list[1] == 8, "groups");
	CHECK_ERR(getgroups(1, list), EINVAL);
	CHECK(setresuid(1000, 1000, 1000) == 0, "drop uid");
	CHECK(setgid(300) == 0 && getegid() == 300 && getgid() == 100,
	      "to the saved gid: effective only (%d %d)", getgid(), getegid());
	CHECK_ERR(setgid(0), EPERM);
	CHECK_ERR(setgroups(0, NULL), EPERM);
	CHECK_ERR(setresgid(-1, 5, -1), EPERM);
	CHECK(setregid(300, 100) == 0, "setregid within the three");
	CHECK(getresgid(&r, &e, &s) == 0 && r == 300 && e == 100 && s == 100,
	      "setregid: saved follows effective: %d %d %d", r, e, s);
	CHECK_ERR(setregid(5, -1), EPERM);
	CHECK_ERR(setreuid(0, -1), EPERM);
	CHECK_ERR(setuid(0), EPERM);
}

/* The group bits of a file apply to a member of its group. */
static void t_group_permission(void)
{
	int fd = open("/tmp/abi-grp", O_CREAT | O_WRONLY | O_TRUNC, 0640);

	CHECK(fd >= 0, "create");
	close(fd);
	CHECK(chown("/tmp/abi-grp", 0, 50) == 0, "chown to group 50");
	if (fork() == 0) {
		setgroups(1, (gid_t[]){ 50 });
		setgid(60);
		setuid(1000);
		fd = open("/tmp/abi-grp", O_RDONLY);
		_exit(fd >= 0 ? 0 : 1);
	}
	int st;
	wait(&st);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a member reads a 0640 file");
	if (fork() == 0) {
		setgroups(0, NULL);
		setgid(60);
		setuid(1000);
		fd = open("/tmp/abi-grp", O_RDONLY);
		_exit(fd < 0 && errno == EACCES ? 0 : 1);
	}
	wait(&st);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a stranger may not (EACCES)");
	unlink("/tmp/abi-grp");
}

/* mount_proc - on the Linux peer, /init starts without /proc. */
static void mount_proc(void)
{
	if (access("/proc/self/status", F_OK) != 0) {
		mkdir("/proc", 0555);
		mount("proc", "/proc", "proc", 0, NULL);
	}
}

int main(void)
{
	mount_proc();
	mkdir("/tmp", 01777);
	RUN(t_syscall_nr_low32);
	RUN(t_setgid_root);
	RUN(t_setgid_user);
	RUN(t_group_permission);
	return tap_done();
}
