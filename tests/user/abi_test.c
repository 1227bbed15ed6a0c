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
#include <poll.h>

#define PAGE 4096l
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_CMP_REQUEUE_PRIVATE (FUTEX_CMP_REQUEUE | 128)
#ifndef FALLOC_FL_KEEP_SIZE
#define FALLOC_FL_KEEP_SIZE 1
#define FALLOC_FL_PUNCH_HOLE 2
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 1
#endif

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

/* ---- mmap, mlock, msync, madvise, mincore (mm/mmap.c) ---- */

/* region_count - lines of /proc/self/maps that overlap [a, a + len). */
static int region_count(const char *a, long len)
{
	char line[256];
	FILE *f = fopen("/proc/self/maps", "r");
	int n = 0;

	while (f && fgets(line, sizeof(line), f)) {
		unsigned long s, e;

		if (sscanf(line, "%lx-%lx", &s, &e) == 2 &&
		    s < (unsigned long)a + len && e > (unsigned long)a)
			n++;
	}
	if (f)
		fclose(f);
	return n;
}

/* vm_flags - the VmFlags line of the smaps entry holding a, into out. */
static int vm_flags(const void *a, char *out, size_t size)
{
	char line[256];
	FILE *f = fopen("/proc/self/smaps", "r");
	int in = 0, found = 0;

	while (f && fgets(line, sizeof(line), f)) {
		unsigned long s, e;

		if (sscanf(line, "%lx-%lx ", &s, &e) == 2 && strchr(line, '-') < strchr(line, ' '))
			in = s <= (unsigned long)a && (unsigned long)a < e;
		else if (in && !strncmp(line, "VmFlags:", 8)) {
			snprintf(out, size, "%s", line);
			found = 1;
			break;
		}
	}
	if (f)
		fclose(f);
	return found;
}

/* Linux's do_mmap: an unaligned offset is EINVAL first, then fget's
 * EBADF (even with length 0), then the file mode: EACCES for a write-only
 * descriptor, and for a shared writable mapping of a read-only one
 * (/dev/zero too, LTP mmap). */
static void t_mmap_errors(void)
{
	int wr = open("/tmp/abi-map", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	int zero = open("/dev/zero", O_RDONLY);
	void *p;

	CHECK(wr >= 0 && zero >= 0, "open");
	CHECK(ftruncate(wr, PAGE) == 0, "ftruncate");
	CHECK_ERR(mmap(NULL, 0, PROT_READ, MAP_PRIVATE, -1, 0), EBADF);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, 9999, 0), EBADF);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, -1, 1), EINVAL);
	CHECK_ERR(mmap(NULL, 0, PROT_READ, MAP_PRIVATE, wr, 0), EINVAL);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, wr, 0), EACCES);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, wr, 0), EACCES);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, zero, 0), EACCES);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, zero, 0);
	CHECK(p != MAP_FAILED && ((char *)p)[5] == 0, "private /dev/zero maps");
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, zero, 0);
	CHECK(p != MAP_FAILED, "shared read-only /dev/zero maps");
	unlink("/tmp/abi-map");
}

/* mlock's errors (LTP mlock02, mlock201..203, mlockall02): a hole is
 * ENOMEM; an unprivileged user over RLIMIT_MEMLOCK gets ENOMEM, with a
 * zero limit EPERM; bad flags EINVAL; msync over a hole ENOMEM,
 * MS_INVALIDATE of locked pages EBUSY; mprotect over a hole ENOMEM. */
static void t_mlock_errors(void)
{
	char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct rlimit rl = { 2 * PAGE, 2 * PAGE };

	CHECK(munmap(p + 2 * PAGE, PAGE) == 0, "a hole");
	CHECK_ERR(mlock(p, 4 * PAGE), ENOMEM);
	CHECK_ERR(munlock(p, 4 * PAGE), ENOMEM);
	CHECK_ERR(mlock2(p, PAGE, 2), EINVAL);
	CHECK_ERR(mlockall(0), EINVAL);
	CHECK_ERR(mlockall(MCL_ONFAULT), EINVAL);
	CHECK_ERR(msync(p, 4 * PAGE, MS_SYNC), ENOMEM);
	CHECK_ERR(mprotect(p, 4 * PAGE, PROT_READ), ENOMEM);
	CHECK(mlock(p, PAGE) == 0, "mlock");
	CHECK_ERR(msync(p, PAGE, MS_INVALIDATE), EBUSY);
	CHECK(munlock(p, PAGE) == 0, "munlock");
	CHECK(setrlimit(RLIMIT_MEMLOCK, &rl) == 0, "limit 2 pages");
	become(1000);
	CHECK_ERR(mlock(p, 3 * PAGE), ENOMEM);
	CHECK(mlock(p, 2 * PAGE) == 0, "two pages fit");
	/* mlock2 counts only the pages not locked yet (LTP mlock203) */
	CHECK(mlock2(p, 2 * PAGE, 0) == 0, "locking them again is no more");
	CHECK(mlock(p + 1, 1) == 0, "an unaligned start: its page");
	CHECK_ERR(mlock(p + 3 * PAGE, PAGE), ENOMEM);
	CHECK_ERR(mlockall(MCL_CURRENT), ENOMEM);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0),
		  EAGAIN);
	rl.rlim_cur = 0;
	CHECK(setrlimit(RLIMIT_MEMLOCK, &rl) == 0, "limit 0");
	CHECK_ERR(mlock(p, PAGE), EPERM);
	CHECK_ERR(mlockall(MCL_CURRENT), EPERM);
}

/* MAP_LOCKED and mlock make pages present and show "lo"; MLOCK_ONFAULT
 * (smaps "??" on 6.1) leaves them to the first touch; munlock of the middle of a
 * locked region splits it in three. */
static void t_mlock_flags(void)
{
	char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
	char *q = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char vec[3];
	char flags[256];

	CHECK(p != MAP_FAILED && q != MAP_FAILED, "mmap");
	CHECK(mincore(p, 3 * PAGE, vec) == 0 && vec[0] && vec[1] && vec[2],
	      "MAP_LOCKED populates: %d %d %d", vec[0], vec[1], vec[2]);
	CHECK(vm_flags(p, flags, sizeof(flags)) && strstr(flags, " lo"), "lo: %s", flags);
	CHECK(munlock(p + PAGE, PAGE) == 0, "munlock the middle");
	CHECK(region_count(p, 3 * PAGE) == 3, "three regions: %d", region_count(p, 3 * PAGE));
	CHECK(vm_flags(p + PAGE, flags, sizeof(flags)) && !strstr(flags, " lo"),
	      "the middle is unlocked: %s", flags);
	CHECK(mlock2(q, 3 * PAGE, MLOCK_ONFAULT) == 0, "mlock2 ONFAULT");
	CHECK(mincore(q, 3 * PAGE, vec) == 0 && !vec[0] && !vec[1], "not populated");
	CHECK(vm_flags(q, flags, sizeof(flags)) && strstr(flags, " lo") && strstr(flags, " ??"),
	      "lo lf: %s", flags);
	q[PAGE] = 1;
	CHECK(mincore(q, 3 * PAGE, vec) == 0 && !vec[0] && vec[1], "touched page only");
	CHECK(mlock(q, 3 * PAGE) == 0, "mlock without ONFAULT");
	CHECK(vm_flags(q, flags, sizeof(flags)) && !strstr(flags, " ??"), "lf gone: %s", flags);
	CHECK(mincore(q, 3 * PAGE, vec) == 0 && vec[0] && vec[2], "now populated");
	CHECK(munlockall() == 0, "munlockall");
	CHECK(vm_flags(q, flags, sizeof(flags)) && !strstr(flags, " lo"), "unlocked: %s", flags);
	CHECK(mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) == 0, "mlockall onfault");
	p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(vm_flags(p, flags, sizeof(flags)) && strstr(flags, " ??"),
	      "MCL_FUTURE: a new region is locked on fault: %s", flags);
	CHECK(munlockall() == 0, "munlockall");
}

/* mincore (LTP mincore01..04): an absurd length is ENOMEM (access_ok),
 * an unaligned start EINVAL; a ramfs file mapping reports the file's
 * pages as resident without touching them, a page past the end not. */
static void t_mincore(void)
{
	int fd = open("/tmp/abi-mc", O_CREAT | O_RDWR | O_TRUNC, 0644);
	unsigned char vec[4];
	char *p;

	CHECK(fd >= 0 && write(fd, "abc", 3) == 3, "file");
	CHECK(pwrite(fd, "z", 1, 2 * PAGE) == 1, "third page");
	p = mmap(NULL, 4 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED, "mmap");
	CHECK_ERR(mincore(p, (size_t)-PAGE, vec), ENOMEM);
	CHECK_ERR(mincore(p, 1ul << 62, vec), ENOMEM);
	CHECK_ERR(mincore(p + 1, PAGE, vec), EINVAL);
	CHECK(mincore(p, 4 * PAGE, vec) == 0, "mincore");
	CHECK(vec[0] == 1 && vec[2] == 1 && vec[3] == 0,
	      "cached pages resident: %d %d %d %d", vec[0], vec[1], vec[2], vec[3]);
	unlink("/tmp/abi-mc");
}

/* madvise: MERGEABLE as on a kernel with KSM (Debian's): 0, "mg";
 * WIPEONFORK: the child sees zeros (EINVAL on shared memory);
 * POPULATE_READ/WRITE fault pages in (EINVAL without the permission);
 * an unknown advice is EINVAL, a hole ENOMEM. */
static void t_madvise(void)
{
	char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *s = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char *n = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *r = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char vec[2];
	char flags[256];
	int st;

	CHECK(madvise(p, 2 * PAGE, MADV_MERGEABLE) == 0, "MERGEABLE");
	CHECK(vm_flags(p, flags, sizeof(flags)) && strstr(flags, " mg"), "mg: %s", flags);
	CHECK(madvise(p, 2 * PAGE, MADV_UNMERGEABLE) == 0, "UNMERGEABLE");
	CHECK_ERR(madvise(p, PAGE, 999), EINVAL);
	CHECK_ERR(madvise(p + 1, PAGE, 999), EINVAL);
	CHECK_ERR(madvise(s, PAGE, MADV_WIPEONFORK), EINVAL);
	p[0] = 'x';
	p[PAGE] = 'y';
	CHECK(madvise(p, PAGE, MADV_WIPEONFORK) == 0, "WIPEONFORK");
	CHECK(vm_flags(p, flags, sizeof(flags)) && strstr(flags, " wf"), "wf: %s", flags);
	if (fork() == 0)
		_exit(p[0] == 0 && p[PAGE] == 'y' ? 0 : 1);
	CHECK(wait(&st) > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the child sees zeros in the wiped page only");
	CHECK(p[0] == 'x', "the parent keeps its data");
	CHECK(madvise(p, PAGE, MADV_KEEPONFORK) == 0, "KEEPONFORK");
	if (fork() == 0)
		_exit(p[0] == 'x' ? 0 : 1);
	CHECK(wait(&st) > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "kept again");
	CHECK(madvise(p, 2 * PAGE, MADV_DONTNEED) == 0, "DONTNEED");
	CHECK(madvise(p, 2 * PAGE, MADV_POPULATE_READ) == 0, "POPULATE_READ");
	CHECK(mincore(p, 2 * PAGE, vec) == 0 && vec[0] && vec[1], "present");
	CHECK(madvise(p, 2 * PAGE, MADV_POPULATE_WRITE) == 0, "POPULATE_WRITE");
	CHECK_ERR(madvise(n, PAGE, MADV_POPULATE_READ), EINVAL);
	CHECK_ERR(madvise(r, PAGE, MADV_POPULATE_WRITE), EINVAL);
	CHECK(madvise(r, PAGE, MADV_POPULATE_READ) == 0, "POPULATE_READ of PROT_READ");
	CHECK(munmap(r, PAGE) == 0, "a hole");
	CHECK_ERR(madvise(r, PAGE, MADV_POPULATE_READ), ENOMEM);
	CHECK_ERR(madvise(r, PAGE, MADV_NORMAL), ENOMEM);
}

/* MAP_32BIT (x86-64): the region is placed in [1 GiB, 2 GiB). */
static void t_map_32bit(void)
{
	char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	CHECK(p != MAP_FAILED && (unsigned long)p >= 0x40000000ul &&
	      (unsigned long)p + 3 * PAGE <= 0x80000000ul, "at %p", (void *)p);
	p[0] = 1;
	/* Linux 6.1 validates flags only for files: anonymous is EINVAL */
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0),
		  EINVAL);
}

/* MREMAP_DONTUNMAP (selftests mremap_dontunmap): the pages move, the old
 * range stays mapped and reads zeros; it needs MREMAP_MAYMOVE and the
 * same length (EINVAL). */
static void t_mremap_dontunmap(void)
{
	char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *q;

	p[0] = 'a';
	p[PAGE] = 'b';
	CHECK_ERR(mremap(p, 2 * PAGE, 2 * PAGE, MREMAP_DONTUNMAP), EINVAL);
	CHECK_ERR(mremap(p, 2 * PAGE, 3 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP), EINVAL);
	q = mremap(p, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
	CHECK(q != MAP_FAILED && q != p, "moved to %p", (void *)q);
	CHECK(q[0] == 'a' && q[PAGE] == 'b', "the contents moved");
	CHECK(p[0] == 0 && p[PAGE] == 0, "the old range reads zeros");
	p[0] = 'c';
	CHECK(q[0] == 'a', "and is a separate mapping");
}

/* O_TMPFILE (LTP open_tmpfile01, openat03 on tmpfs): an unnamed file in
 * a directory; EINVAL without write access, ENOTDIR on a file, ENOENT,
 * EISDIR-free; EOPNOTSUPP where files cannot be made (/proc). */
static void t_o_tmpfile(void)
{
	int fd = open("/tmp", O_TMPFILE | O_RDWR, 0600);
	struct stat st;
	char buf[4];

	CHECK(fd >= 0, "O_TMPFILE in /tmp");
	CHECK(write(fd, "tmp", 3) == 3 && pread(fd, buf, 3, 0) == 3 && !memcmp(buf, "tmp", 3),
	      "usable");
	CHECK(fstat(fd, &st) == 0 && st.st_nlink == 0 && S_ISREG(st.st_mode),
	      "no name: nlink %ld", (long)st.st_nlink);
	close(fd);
	CHECK_ERR(open("/tmp", O_TMPFILE | O_RDONLY, 0600), EINVAL);
	CHECK_ERR(open("/tmp", O_TMPFILE | O_RDWR | O_CREAT, 0600), EINVAL);
	CHECK_ERR(open("/tmp/abi-none/x", O_TMPFILE | O_RDWR, 0600), ENOENT);
	close(open("/tmp/abi-file", O_CREAT | O_WRONLY, 0644));
	CHECK_ERR(open("/tmp/abi-file", O_TMPFILE | O_RDWR, 0600), ENOTDIR);
	CHECK_ERR(open("/proc", O_TMPFILE | O_RDWR, 0600), EOPNOTSUPP);
	unlink("/tmp/abi-file");
}

/* ---- prctl (kernel/sys.c) ---- */

/* PR_SET/GET_TIMERSLACK (LTP prctl08): the default is 50 us, 0 sets the
 * default back, a child inherits it; PR_SET/GET_TSC: PR_TSC_SIGSEGV
 * makes rdtsc raise SIGSEGV; bad values EINVAL. */
static void t_prctl_slack_tsc(void)
{
	int v = -1, st;

	CHECK(prctl(PR_GET_TIMERSLACK) == 50000, "default %d", prctl(PR_GET_TIMERSLACK));
	CHECK(prctl(PR_SET_TIMERSLACK, 200000) == 0, "set");
	CHECK(prctl(PR_GET_TIMERSLACK) == 200000, "got %d", prctl(PR_GET_TIMERSLACK));
	if (fork() == 0) {
		int ok = prctl(PR_GET_TIMERSLACK) == 200000;

		prctl(PR_SET_TIMERSLACK, 7);
		prctl(PR_SET_TIMERSLACK, 0); /* back to the inherited default */
		_exit(ok && prctl(PR_GET_TIMERSLACK) == 200000 ? 0 : 1);
	}
	CHECK(wait(&st) > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "inherited");
	CHECK(prctl(PR_SET_TIMERSLACK, 0) == 0 && prctl(PR_GET_TIMERSLACK) == 50000,
	      "0: the default again");
	CHECK(prctl(PR_GET_TSC, &v) == 0 && v == PR_TSC_ENABLE, "tsc %d", v);
	CHECK_ERR(prctl(PR_SET_TSC, 3), EINVAL);
	if (fork() == 0) {
		unsigned lo, hi;

		prctl(PR_SET_TSC, PR_TSC_SIGSEGV);
		__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
		_exit(0);
	}
	CHECK(wait(&st) > 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	      "rdtsc killed by SIGSEGV: status 0x%x", st);
	if (fork() == 0) {
		unsigned lo, hi;

		prctl(PR_SET_TSC, PR_TSC_SIGSEGV);
		prctl(PR_GET_TSC, &v);
		prctl(PR_SET_TSC, PR_TSC_ENABLE);
		__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
		_exit(v == PR_TSC_SIGSEGV ? 0 : 1);
	}
	CHECK(wait(&st) > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "enabled again: status 0x%x", st);
}

static volatile sig_atomic_t got_signal;
static void note_signal(int sig) { got_signal = sig; }

/* PR_SET_PDEATHSIG (LTP prctl01/02): a signal when the parent process
 * ends; invalid signal EINVAL; not inherited by fork. */
static void t_prctl_pdeathsig(void)
{
	int v = -1, fds[2];
	char c = 0;

	CHECK_ERR(prctl(PR_SET_PDEATHSIG, 65), EINVAL);
	CHECK(prctl(PR_SET_PDEATHSIG, SIGUSR2) == 0, "set");
	CHECK(prctl(PR_GET_PDEATHSIG, &v) == 0 && v == SIGUSR2, "get %d", v);
	if (fork() == 0)
		_exit(prctl(PR_GET_PDEATHSIG, &v) == 0 && v == 0 ? 0 : 1);
	int st;
	CHECK(wait(&st) > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "not inherited");
	CHECK(pipe(fds) == 0, "pipe");
	if (fork() == 0) { /* the middle process */
		if (fork() == 0) { /* the grandchild: told when the middle dies */
			sigset_t set, old;

			signal(SIGUSR1, note_signal);
			sigemptyset(&set);
			sigaddset(&set, SIGUSR1);
			sigprocmask(SIG_BLOCK, &set, &old);
			prctl(PR_SET_PDEATHSIG, SIGUSR1);
			write(fds[1], "r", 1);
			while (!got_signal)
				sigsuspend(&old);
			write(fds[1], got_signal == SIGUSR1 ? "y" : "n", 1);
			_exit(0);
		}
		read(fds[0], &c, 1); /* it is ready */
		_exit(0);
	}
	wait(&st);
	CHECK(poll(&(struct pollfd){ fds[0], POLLIN, 0 }, 1, 3000) == 1 &&
	      read(fds[0], &c, 1) == 1 && c == 'y', "the orphan got SIGUSR1 (%c)", c);
}

/* PR_SET_CHILD_SUBREAPER (LTP prctl06..): orphans of descendants are
 * reparented to the subreaper, which can wait for them. */
static void t_prctl_subreaper(void)
{
	int v = -1, fds[2], go[2], st;
	pid_t middle, orphan = 0;

	CHECK(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0, "set");
	CHECK(prctl(PR_GET_CHILD_SUBREAPER, &v) == 0 && v == 1, "get %d", v);
	CHECK(pipe(fds) == 0 && pipe(go) == 0, "pipes");
	middle = fork();
	if (middle == 0) {
		pid_t g = fork();

		if (g == 0) {
			char c;

			read(go[0], &c, 1); /* until the middle has gone */
			_exit(7);
		}
		write(fds[1], &g, sizeof(g));
		_exit(0);
	}
	CHECK(read(fds[0], &orphan, sizeof(orphan)) == sizeof(orphan), "orphan pid");
	CHECK(waitpid(middle, &st, 0) == middle, "middle reaped");
	{
		char path[64], buf[512], *pp;

		snprintf(path, sizeof(path), "/proc/%d/status", orphan);
		CHECK(read_file(path, buf, sizeof(buf)) > 0 &&
		      (pp = strstr(buf, "PPid:")) && atoi(pp + 5) == getpid(),
		      "the orphan's parent is the subreaper (%s)", path);
	}
	write(go[1], "x", 1);
	CHECK(waitpid(orphan, &st, 0) == orphan && WIFEXITED(st) && WEXITSTATUS(st) == 7,
	      "and it reaps it");
}

/* ---- clone (kernel/fork.c) ---- */

static pid_t raw_clone(unsigned long flags)
{
	return syscall(SYS_clone, flags, 0, NULL, NULL, 0);
}

/* CLONE_PARENT (LTP clone): the child is the caller's sibling; init may
 * not (EINVAL, not tested: we are not init in a case). */
static void t_clone_parent(void)
{
	int fds[2];
	pid_t got = 0, child;

	CHECK(pipe(fds) == 0, "pipe");
	child = raw_clone(CLONE_PARENT | SIGCHLD);
	if (child == 0) {
		pid_t pp = getppid();

		write(fds[1], &pp, sizeof(pp));
		_exit(0);
	}
	CHECK(child > 0, "clone");
	CHECK(read(fds[0], &got, sizeof(got)) == sizeof(got) && got == getppid(),
	      "its parent is ours: %d, want %d", got, getppid());
	CHECK_ERR(waitpid(child, NULL, WNOHANG), ECHILD);
}

/* vfork and CLONE_VM|CLONE_VFORK: the child shares the memory and the
 * parent sleeps until it execs or exits. */
static int vfork_shared;
static char vfork_stack[65536] __attribute__((aligned(16)));

/* posix_spawn's way: a child on its own stack, in the parent's memory. */
static int vfork_child(void *arg)
{
	usleep(20000);
	vfork_shared = 7;
	execl("/nonexistent", "x", (char *)NULL); /* fails: still sharing */
	execl("/init", "init", "--exit0", (char *)NULL); /* the Linux peer */
	execl("/tests/hello", "hello", "0", (char *)NULL);
	_exit(3);
}

static void t_vfork(void)
{
	volatile int order = 0;
	pid_t child;
	int st;

	child = vfork();
	if (child == 0) {
		usleep(50000); /* the parent must still be asleep after this */
		vfork_shared = 42;
		order = 1;
		_exit(0);
	}
	CHECK(order == 1 && vfork_shared == 42, "the parent ran after the child: %d %d",
	      order, vfork_shared);
	CHECK(waitpid(child, &st, 0) == child && WIFEXITED(st), "reaped");
	child = clone(vfork_child, vfork_stack + sizeof(vfork_stack),
		      CLONE_VM | CLONE_VFORK | SIGCHLD, NULL);
	CHECK(child > 0 && vfork_shared == 7, "shared memory, waited for exec: %d",
	      vfork_shared);
	CHECK(waitpid(child, &st, 0) == child && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the child ran /tests/hello: 0x%x", st);
}

struct clone_args_v0 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
		stack_size, tls;
};

/* clone3 (LTP clone301..303, selftests clone3): size checks (EINVAL
 * below 64 bytes, E2BIG above a page or with nonzero bytes beyond what
 * the kernel knows), the argument checks, and a working fork-like call. */
static void t_clone3(void)
{
	struct { struct clone_args_v0 a; uint64_t more[16]; } big;
	struct clone_args_v0 a;
	int child_tid = 0, st;
	pid_t pid;

	memset(&a, 0, sizeof(a));
	memset(&big, 0, sizeof(big));
	a.exit_signal = SIGCHLD;
	CHECK_ERR(syscall(SYS_clone3, &a, 63), EINVAL);
	CHECK_ERR(syscall(SYS_clone3, &a, 4097), E2BIG);
	big.a.exit_signal = SIGCHLD;
	big.more[10] = 1;
	CHECK_ERR(syscall(SYS_clone3, &big, sizeof(big)), E2BIG);
	a.exit_signal = 65;
	CHECK_ERR(syscall(SYS_clone3, &a, sizeof(a)), EINVAL);
	a.exit_signal = SIGCHLD;
	a.flags = CLONE_THREAD | CLONE_SIGHAND | CLONE_VM;
	CHECK_ERR(syscall(SYS_clone3, &a, sizeof(a)), EINVAL); /* exit signal with THREAD */
	a.flags = 0;
	a.stack_size = 4096;
	CHECK_ERR(syscall(SYS_clone3, &a, sizeof(a)), EINVAL); /* size without stack */
	a.stack_size = 0;
	a.flags = CLONE_CHILD_SETTID;
	a.child_tid = (uintptr_t)&child_tid;
	pid = syscall(SYS_clone3, &a, sizeof(a));
	if (pid == 0)
		_exit(child_tid == getpid() ? 5 : 6);
	CHECK(pid > 0, "clone3");
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 5,
	      "the child ran, its tid stored: 0x%x", st);
	big.more[10] = 0; /* a larger struct of zeros is fine */
	pid = syscall(SYS_clone3, &big, sizeof(big));
	if (pid == 0)
		_exit(0);
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid, "clone3 with a larger struct");
}

/* ---- files: FIFOs, pipe sizes, fallocate, fadvise (fs) ---- */

/* A named pipe (LTP open, mkfifo): O_RDWR opens both ends at once;
 * O_WRONLY|O_NONBLOCK without a reader is ENXIO; O_RDONLY|O_NONBLOCK
 * does not wait; a blocking open waits for the other end. */
static void t_fifo(void)
{
	const char *path = "/tmp/abi-fifo";
	char buf[8] = "";
	int fd, rd, st;

	unlink(path);
	CHECK(mkfifo(path, 0644) == 0, "mkfifo");
	fd = open(path, O_RDWR);
	CHECK(fd >= 0, "O_RDWR");
	CHECK(write(fd, "hi", 2) == 2 && read(fd, buf, 2) == 2 && !memcmp(buf, "hi", 2),
	      "through itself");
	CHECK(fcntl(fd, F_GETPIPE_SZ) == 65536, "F_GETPIPE_SZ %d", fcntl(fd, F_GETPIPE_SZ));
	close(fd);
	CHECK_ERR(open(path, O_WRONLY | O_NONBLOCK), ENXIO);
	rd = open(path, O_RDONLY | O_NONBLOCK);
	CHECK(rd >= 0, "O_RDONLY|O_NONBLOCK does not wait");
	fd = open(path, O_WRONLY | O_NONBLOCK);
	CHECK(fd >= 0, "a writer now that there is a reader");
	CHECK(write(fd, "ab", 2) == 2 && read(rd, buf, 8) == 2, "data");
	close(fd);
	close(rd);
	if (fork() == 0) {
		fd = open(path, O_WRONLY); /* waits for the reader */
		_exit(fd >= 0 && write(fd, "xyz", 3) == 3 ? 0 : 1);
	}
	usleep(20000);
	rd = open(path, O_RDONLY);
	CHECK(rd >= 0 && read(rd, buf, 3) == 3 && !memcmp(buf, "xyz", 3), "blocking opens meet");
	CHECK(wait(&st) > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "writer");
	close(rd);
	/* Access mode 3 (both bits of O_ACCMODE): neither end of a pipe,
	 * EINVAL as on Linux (the fuzzer found vmos opening such a file and
	 * reading the pipe freed by the last end's close at its own). */
	rd = open(path, O_RDONLY | O_NONBLOCK);
	CHECK(rd >= 0, "a reader");
	CHECK_ERR(open(path, 3 | O_NONBLOCK), EINVAL);
	close(rd);
	CHECK_ERR(open(path, 3 | O_NONBLOCK), EINVAL);
	rd = open(path, O_RDONLY | O_NONBLOCK);
	CHECK(rd >= 0 && read(rd, buf, 1) == 0, "a new pipe after the last file");
	close(rd);
	unlink(path);
}

/* F_SETPIPE_SZ / F_GETPIPE_SZ (LTP fcntl30, fcntl35, fcntl37): rounded
 * up to a power of two pages; above 2^31 EINVAL; less than the bytes
 * held EBUSY; above /proc/sys/fs/pipe-max-size EPERM for a user; not a
 * pipe EBADF. */
static void t_pipe_size(void)
{
	int p[2], fd = open("/tmp/abi-psz", O_CREAT | O_RDWR, 0644);
	char buf[8192];

	memset(buf, 'q', sizeof(buf));
	CHECK(pipe(p) == 0, "pipe");
	CHECK(fcntl(p[0], F_GETPIPE_SZ) == 65536, "default 64 KiB");
	CHECK(fcntl(p[1], F_SETPIPE_SZ, 5000) == 8192, "5000 -> 8192");
	CHECK(fcntl(p[0], F_GETPIPE_SZ) == 8192, "read end sees it");
	CHECK(fcntl(p[0], F_SETPIPE_SZ, 0) == 4096, "0 -> one page");
	CHECK(fcntl(p[0], F_SETPIPE_SZ, 8192) == 8192, "8 KiB again");
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	CHECK(write(p[1], buf, sizeof(buf)) == 8192, "fills it");
	CHECK_ERR(write(p[1], buf, 1), EAGAIN);
	CHECK_ERR(fcntl(p[1], F_SETPIPE_SZ, 4096), EBUSY);
	CHECK_ERR(fcntl(p[1], F_SETPIPE_SZ, (1u << 31) + 1), EINVAL);
	CHECK_ERR(fcntl(fd, F_SETPIPE_SZ, 4096), EBADF);
	CHECK_ERR(fcntl(fd, F_GETPIPE_SZ), EBADF);
	CHECK(read(p[0], buf, sizeof(buf)) == 8192, "all there");
	become(1000);
	CHECK_ERR(fcntl(p[1], F_SETPIPE_SZ, 2 << 20), EPERM);
	CHECK(fcntl(p[1], F_SETPIPE_SZ, 1 << 20) == 1 << 20, "up to pipe-max-size");
	unlink("/tmp/abi-psz");
}

/*
 * A pipe needs no contiguous memory: with nearly all free memory in single
 * pages whose neighbours are in use (a child fills memory, then unmaps
 * every other page), a pipe still grows to 1 MiB (F_SETPIPE_SZ) and
 * carries 1 MiB intact.  When the ring was one kmalloc'd block, that
 * needed 256 contiguous pages: ENOMEM with plenty of memory free.
 */
static void fragmented_child(void)
{
	const long page = 4096, keep_kb = 256;
	long free_kb = meminfo_kb("MemFree:"), n = (free_kb - keep_kb) * 1024 / page, bad = 0;
	static unsigned char buf[1 << 20], back[1 << 20];
	char *m;
	int p[2];

	if (n < 1024)
		_exit(10);
	m = mmap(NULL, (size_t)n * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (m == MAP_FAILED)
		_exit(11);
	for (long i = 1; i < n; i += 2)
		munmap(m + i * page, page);
	printf("# fragmented: %ld kB free, in single pages but %ld kB\n",
	       meminfo_kb("MemFree:"), keep_kb);
	if (pipe(p))
		_exit(12);
	if (fcntl(p[1], F_SETPIPE_SZ, 1 << 20) != 1 << 20)
		_exit(13);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7 + i / 4096);
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	if (write(p[1], buf, sizeof(buf)) != sizeof(buf))
		_exit(14);
	if (read(p[0], back, sizeof(back)) != sizeof(back))
		_exit(15);
	for (size_t i = 0; i < sizeof(buf); i++)
		bad += buf[i] != back[i];
	_exit(bad ? 16 : 0);
}

static void t_pipe_fragmented_memory(void)
{
	int status = -1;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		fragmented_child();
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0,
	      "a 1 MiB pipe in fragmented memory (status 0x%x: 13 F_SETPIPE_SZ "
	      "failed, 14 the write, 16 bytes changed)", status);
}

/* fallocate (LTP fallocate01..03, on tmpfs/ramfs): mode 0 extends the
 * file, KEEP_SIZE does not; Linux's checks. */
static void t_fallocate(void)
{
	int fd = open("/tmp/abi-fa", O_CREAT | O_RDWR | O_TRUNC, 0644);
	int ro = open("/tmp/abi-fa", O_RDONLY), p[2];
	struct stat st;
	char c = 1;

	CHECK(fd >= 0 && ro >= 0 && pipe(p) == 0, "open");
	CHECK(fallocate(fd, 0, 0, 10000) == 0, "mode 0");
	CHECK(fstat(fd, &st) == 0 && st.st_size == 10000, "size %ld", (long)st.st_size);
	CHECK(pread(fd, &c, 1, 9999) == 1 && c == 0, "zeros");
	CHECK(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 20000) == 0, "KEEP_SIZE");
	CHECK(fstat(fd, &st) == 0 && st.st_size == 10000, "size kept %ld", (long)st.st_size);
	CHECK(fallocate(fd, 0, 100, 10) == 0, "inside: nothing changes");
	CHECK(fstat(fd, &st) == 0 && st.st_size == 10000, "size %ld", (long)st.st_size);
	CHECK_ERR(fallocate(fd, 0, 0, 0), EINVAL);
	CHECK_ERR(fallocate(fd, 0, -1, 10), EINVAL);
	CHECK_ERR(fallocate(fd, 0x80, 0, 10), EOPNOTSUPP);
	CHECK_ERR(fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 10), EOPNOTSUPP);
	CHECK_ERR(fallocate(ro, 0, 0, 10), EBADF);
	CHECK_ERR(fallocate(p[1], 0, 0, 10), ESPIPE);
	CHECK_ERR(fallocate(9999, 0, 0, 10), EBADF);
	CHECK_ERR(fallocate(fd, 0, 0x7ffffffffffff000l, 0x2000), EFBIG);
	unlink("/tmp/abi-fa");
}

/* posix_fadvise (LTP posix_fadvise01..04): EBADF, ESPIPE for a pipe,
 * EINVAL for a bad advice or a negative length; else 0. */
static void t_fadvise(void)
{
	int fd = open("/tmp/abi-fd", O_CREAT | O_RDWR, 0644), p[2];

	CHECK(fd >= 0 && pipe(p) == 0, "open");
	CHECK(syscall(SYS_fadvise64, fd, 0, 100, POSIX_FADV_SEQUENTIAL) == 0, "SEQUENTIAL");
	CHECK(syscall(SYS_fadvise64, fd, 0, 0, POSIX_FADV_DONTNEED) == 0, "DONTNEED");
	CHECK(syscall(SYS_fadvise64, fd, 0, 0, POSIX_FADV_NOREUSE) == 0, "NOREUSE");
	CHECK_ERR(syscall(SYS_fadvise64, fd, 0, 0, 6), EINVAL);
	CHECK_ERR(syscall(SYS_fadvise64, fd, 0, -1l, 0), EINVAL);
	CHECK_ERR(syscall(SYS_fadvise64, p[0], 0, 0, 0), ESPIPE);
	CHECK_ERR(syscall(SYS_fadvise64, 9999, 0, 0, 0), EBADF);
	unlink("/tmp/abi-fd");
}

/* ---- futex (kernel/futex.c) ---- */

/* LTP futex_wake02/futex_cmp_requeue02: a shared futex word must be
 * mapped and accessible: EFAULT for a hole or PROT_NONE; a requeue's
 * compare reads the word (EFAULT, private too). */
static void t_futex_efault(void)
{
	int *hole = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int *none = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int word = 0;

	munmap(hole, PAGE);
	CHECK(syscall(SYS_futex, &word, FUTEX_WAKE, 1, NULL, NULL, 0) == 0, "a good word");
	CHECK_ERR(syscall(SYS_futex, hole, FUTEX_WAKE, 1, NULL, NULL, 0), EFAULT);
	CHECK_ERR(syscall(SYS_futex, none, FUTEX_WAKE, 1, NULL, NULL, 0), EFAULT);
	CHECK_ERR(syscall(SYS_futex, &word, FUTEX_REQUEUE, 1, 1, hole, 0), EFAULT);
	CHECK_ERR(syscall(SYS_futex, hole, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &word, 0), EFAULT);
	CHECK_ERR(syscall(SYS_futex, none, FUTEX_CMP_REQUEUE, 1, 1, &word, 0), EFAULT);
	CHECK_ERR(syscall(SYS_futex, hole, FUTEX_WAIT, 0, NULL, NULL, 0), EFAULT);
}

/* ---- execve (kernel/exec.c) ---- */

static const char *self; /* this program's path (argv[0]) */

/* copy_self - this program as an executable file at path: 0 or -1. */
static int copy_self(const char *path)
{
	char buf[65536];
	int in = open(self, O_RDONLY), out = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0755);
	long n;

	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			return -1;
	close(in);
	close(out);
	return in >= 0 && out >= 0 ? 0 : -1;
}

/* exec_status - run path with argv in a child: its exit status, or 1000 +
 * execve's errno. */
static int exec_status(const char *path, char *const argv[])
{
	int st, p[2], err = 0;
	pid_t pid;

	pipe(p);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		fcntl(p[1], F_SETFD, FD_CLOEXEC);
		syscall(SYS_execve, path, argv, (char *[]){ "A=1", NULL });
		err = errno;
		write(p[1], &err, sizeof(err));
		_exit(127);
	}
	close(p[1]);
	if (read(p[0], &err, sizeof(err)) != sizeof(err))
		err = 0;
	close(p[0]);
	waitpid(pid, &st, 0);
	return err ? 1000 + err : WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ETXTBSY both ways (LTP execve04, open-for-write of a running program,
 * creat07): Linux 6.1 still denies writes to a running program. */
static void t_exec_txtbsy(void)
{
	const char *prog = "/tmp/abi-prog";
	char *argv[] = { (char *)prog, "--exit0", NULL };
	char *pause_argv[] = { (char *)prog, "--pause", NULL };
	int fd, st, tries;
	pid_t pid;

	CHECK(copy_self(prog) == 0, "copy");
	fd = open(prog, O_WRONLY);
	CHECK(exec_status(prog, argv) == 1000 + ETXTBSY, "exec of a file open for writing: %d",
	      exec_status(prog, argv));
	close(fd);
	CHECK(exec_status(prog, argv) == 0, "closed: it runs");
	pid = fork();
	if (pid == 0) {
		execv(prog, pause_argv);
		_exit(127);
	}
	/* Wait until the child runs the program (its cmdline says so): an
	 * open for writing before its execve would make the execve fail
	 * (ETXTBSY), and on two CPUs the two run at once. */
	for (tries = 0; tries < 200; tries++) {
		char path[64], cmd[256];
		long n;

		snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
		n = read_text(path, cmd, sizeof(cmd));
		if (n > 0 && memmem(cmd, (size_t)n, "--pause", 7))
			break;
		usleep(10000);
	}
	fd = open(prog, O_WRONLY);
	CHECK(fd < 0 && errno == ETXTBSY, "open for writing while it runs: ETXTBSY (%d)", errno);
	CHECK_ERR(truncate(prog, 0), ETXTBSY);
	fd = open(prog, O_RDONLY);
	CHECK(fd >= 0, "reading is fine");
	close(fd);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	fd = open(prog, O_WRONLY);
	CHECK(fd >= 0, "writable again once it has gone");
	close(fd);
	unlink(prog);
}

/* execve of a FIFO or a device is EACCES (Linux's may_open: before the
 * FIFO's open could wait), with a NULL argv the program gets argc 1 and
 * argv[0] = "" (Linux >= 5.18). */
static void t_exec_special(void)
{
	char *argv[] = { "x", NULL };

	unlink("/tmp/abi-xfifo");
	CHECK(mkfifo("/tmp/abi-xfifo", 0755) == 0, "mkfifo");
	CHECK(exec_status("/tmp/abi-xfifo", argv) == 1000 + EACCES, "FIFO: %d",
	      exec_status("/tmp/abi-xfifo", argv));
	CHECK(exec_status("/dev/null", argv) == 1000 + EACCES, "device: %d",
	      exec_status("/dev/null", argv));
	CHECK(exec_status(self, NULL) == 42, "NULL argv: argc 1, argv[0] empty: %d",
	      exec_status(self, NULL));
	CHECK(exec_status(self, (char *[]){ NULL }) == 42, "empty argv too");
	unlink("/tmp/abi-xfifo");
}

/* ---- /proc/sys (fs/proc_sys.c) ---- */

/* sys_value - the number in /proc/sys/NAME, or -1. */
static long sys_value(const char *name)
{
	char path[96], buf[160];

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	return read_file(path, buf, sizeof(buf)) > 0 ? strtol(buf, NULL, 10) : -1;
}

/* stack_of_child - where a freshly exec'd copy of us has its stack. */
static unsigned long stack_of_child(void)
{
	unsigned long where = 0;
	int p[2], st;
	pid_t pid;

	pipe(p);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		execl(self, self, "--stack", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	if (read(p[0], &where, sizeof(where)) != sizeof(where))
		where = 0;
	close(p[0]);
	waitpid(pid, &st, 0);
	return where;
}

/* Linux 6.1's values in this setup (Debian's kernel, one CPU: pid_max
 * 32768); randomize_va_space 0 turns ASLR off for the next execve;
 * writes are root's (EACCES otherwise) and range-checked (EINVAL). */
static void t_proc_sys(void)
{
	char buf[160];
	unsigned long a, b;

	CHECK(sys_value("vm/mmap_min_addr") == 65536, "mmap_min_addr %ld",
	      sys_value("vm/mmap_min_addr"));
	CHECK(sys_value("vm/overcommit_memory") == 0, "overcommit_memory");
	CHECK(sys_value("vm/max_map_count") == 65530, "max_map_count");
	CHECK(sys_value("vm/swappiness") == 60, "swappiness %ld", sys_value("vm/swappiness"));
	CHECK(sys_value("kernel/randomize_va_space") == 2, "randomize_va_space");
	CHECK(sys_value("kernel/pid_max") == 32768, "pid_max %ld", sys_value("kernel/pid_max"));
	CHECK(sys_value("kernel/tainted") >= 0, "tainted");
	CHECK(read_file("/proc/sys/kernel/core_pattern", buf, sizeof(buf)) > 0 &&
	      !strcmp(buf, "core\n"), "core_pattern '%s'", buf);
	CHECK(sys_value("fs/pipe-max-size") == 1048576, "pipe-max-size");
	CHECK(sys_value("fs/pipe-user-pages-hard") == 0, "pipe-user-pages-hard");
	CHECK(sys_value("fs/pipe-user-pages-soft") == 16384, "pipe-user-pages-soft");
	CHECK(write_file("/proc/sys/vm/overcommit_memory", "1\n") == 0 &&
	      sys_value("vm/overcommit_memory") == 1, "overcommit_memory set");
	CHECK(write_file("/proc/sys/vm/overcommit_memory", "0") == 0, "and back");
	errno = 0;
	CHECK(write_file("/proc/sys/vm/overcommit_memory", "abc") == -1 && errno == EINVAL,
	      "not a number: EINVAL");
	CHECK(write_file("/proc/sys/fs/pipe-max-size", "5000") == 0 &&
	      sys_value("fs/pipe-max-size") == 8192, "pipe-max-size rounds up: %ld",
	      sys_value("fs/pipe-max-size"));
	CHECK(write_file("/proc/sys/fs/pipe-max-size", "1048576") == 0, "and back");
	CHECK(write_file("/proc/sys/kernel/randomize_va_space", "0") == 0, "ASLR off");
	a = stack_of_child();
	b = stack_of_child();
	CHECK(a && a == b, "the same stack twice: %lx %lx", a, b);
	CHECK(write_file("/proc/sys/kernel/randomize_va_space", "2") == 0, "ASLR on");
	a = stack_of_child();
	b = stack_of_child();
	CHECK(a && b && a != b, "randomized again: %lx %lx", a, b);
	if (fork() == 0) {
		become(1000);
		errno = 0;
		_exit(write_file("/proc/sys/vm/swappiness", "10") == -1 && errno == EACCES ? 0 : 1);
	}
	int st;
	CHECK(wait(&st) > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "a user may not write");
}

/* mount_proc - on the Linux peer, /init starts without /proc. */
static void mount_proc(void)
{
	if (access("/proc/self/status", F_OK) != 0) {
		mkdir("/proc", 0555);
		mount("proc", "/proc", "proc", 0, NULL);
	}
}

int main(int argc, char **argv)
{
	if (argc == 1 && !argv[0][0] && argv[1] == NULL && argv[2] && !strcmp(argv[2], "A=1"))
		return 42; /* exec'd with a NULL argv: argv[1] ends it, envp follows */
	if (argc == 0)
		return 43; /* ... by a kernel that does not add the empty string */
	if (argc > 1 && !strcmp(argv[1], "--exit0"))
		return 0;
	if (argc > 1 && !strcmp(argv[1], "--stack")) {
		unsigned long here = (unsigned long)&argc;

		return write(1, &here, sizeof(here)) == sizeof(here) ? 0 : 1;
	}
	if (argc > 1 && !strcmp(argv[1], "--pause"))
		for (;;)
			pause();
	self = argv[0];
	mount_proc();
	mkdir("/tmp", 01777);
	RUN(t_syscall_nr_low32);
	RUN(t_setgid_root);
	RUN(t_setgid_user);
	RUN(t_group_permission);
	RUN(t_mmap_errors);
	RUN(t_mlock_errors);
	RUN(t_mlock_flags);
	RUN(t_mincore);
	RUN(t_madvise);
	RUN(t_map_32bit);
	RUN(t_mremap_dontunmap);
	RUN(t_o_tmpfile);
	RUN(t_prctl_slack_tsc);
	RUN(t_prctl_pdeathsig);
	RUN(t_prctl_subreaper);
	RUN(t_clone_parent);
	RUN(t_vfork);
	RUN(t_clone3);
	RUN(t_fifo);
	RUN(t_pipe_size);
	RUN(t_pipe_fragmented_memory);
	RUN(t_fallocate);
	RUN(t_fadvise);
	RUN(t_futex_efault);
	RUN(t_exec_txtbsy);
	RUN(t_exec_special);
	RUN(t_proc_sys);
	return tap_done();
}
