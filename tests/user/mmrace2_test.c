/*
 * mmrace2_test - more races, lifetimes and isolation (issue 14, section
 * 5), each case failing on the kernel before its fix:
 *   1. a MAP_POPULATE mmap that fails after sleeping for memory must not
 *      unmap what another thread mapped in its range meanwhile;
 *   2. ftruncate unmaps a shared file mapping's pages past the new end
 *      from every process (SIGBUS there; no stale bytes when it grows);
 *   3. mremap of MAP_SHARED|MAP_ANONYMOUS memory keeps it one object:
 *      shrunk and grown again, the pages are the other sharers' (Linux's
 *      shmem file); past the object's end, SIGBUS;
 *   4. a /proc/PID handle sticks to its process (not to a later one with
 *      the same PID), and another user's memory files are refused;
 *   5. /proc/self/exe is the program's absolute path; the last thread's
 *      exit status is the process's when the leader left first.
 * Runs as init at -m 64M with swap (run.py's user-mmrace2), and on Linux
 * 6.1 with tools/abi_peer.py (case 1 needs swap and is skipped there).
 * --rounds N repeats the racy case N times (make fuzz).
 */
#define _GNU_SOURCE
#include "tap.h"
#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sched.h>
#include <time.h>

#define PAGE 4096UL
#define MiB (1UL << 20)

static int rounds = 1;
static const char *self_path; /* argv[0]: this program's absolute path */

/* ---- touching memory that may be gone ---- */

static sigjmp_buf touch_env;

static void touch_handler(int sig)
{
	siglongjmp(touch_env, sig);
}

/* touch - read (or write v to) *p: 0, or the signal it raised. */
static int touch(volatile char *p, int write, char v, char *got)
{
	struct sigaction sa = { .sa_handler = touch_handler }, old_bus, old_segv;
	int sig;

	sigaction(SIGBUS, &sa, &old_bus);
	sigaction(SIGSEGV, &sa, &old_segv);
	sig = sigsetjmp(touch_env, 1);
	if (!sig) {
		if (write)
			*p = v;
		else if (got)
			*got = *p;
		else
			(void)*p;
	}
	sigaction(SIGBUS, &old_bus, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	return sig;
}

/* is_mapped - does a region cover the page at p? (msync says ENOMEM) */
static int is_mapped(void *p)
{
	return msync(p, PAGE, MS_ASYNC) == 0;
}

/* ---- 1. MAP_POPULATE's undo after sleeping for memory ---- */

static char *race_at;           /* where the populating mmap maps */
static size_t race_len;
static volatile int race_ready; /* race_at is set */
static volatile int mmap_done;  /* the populating mmap has returned */
static volatile int acted;      /* 1: acted while the populate slept */

/* resident_pages - how many of the n pages at p are present. */
static int resident_pages(char *p, size_t n)
{
	unsigned char v[8];
	int k = 0;

	if (n > sizeof(v) || mincore(p, n * PAGE, v))
		return -1;
	for (size_t i = 0; i < n; i++)
		k += v[i] & 1;
	return k;
}

/*
 * The other thread: as soon as the populating mmap's region exists and
 * its last pages are not populated yet (its thread sleeps while the OOM
 * killer's victim dies), unmap the last two pages and map a page of its
 * own in the last one, with a mark.  The populate then meets the hole
 * and fails.
 */
static void *remapper(void *arg)
{
	char *mine;
	unsigned char v;

	while (!race_ready)
		sched_yield();
	mine = race_at + race_len - PAGE;
	while (mincore(race_at, PAGE, &v) != 0 && !mmap_done)
		sched_yield();
	if (mmap_done || resident_pages(mine - PAGE, 2) != 0)
		return NULL; /* too late: the populate got there */
	if (munmap(mine - PAGE, 2 * PAGE) ||
	    mmap(mine, PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != mine) {
		acted = -1;
		return NULL;
	}
	*mine = 0x5a;
	acted = 1;
	return NULL;
}

/* hog - a child holding len bytes (more than the populating process will
 * have when memory runs out, so the OOM killer picks it): its pid. */
static pid_t hog(size_t len)
{
	int ready[2];
	pid_t pid;
	char c;

	if (pipe(ready))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

		(void)!write(ready[1], p == MAP_FAILED ? "n" : "y", 1);
		for (;;)
			pause();
	}
	close(ready[1]);
	if (pid < 0 || read(ready[0], &c, 1) != 1 || c != 'y') {
		if (pid > 0)
			kill(pid, SIGKILL);
		pid = -1;
	}
	close(ready[0]);
	return pid;
}

/*
 * t_populate_undo - without swap, a MAP_POPULATE mmap of nearly all free
 * memory runs out halfway; the OOM killer kills a bigger process and the
 * mmap sleeps until it is gone.  Meanwhile another thread unmaps the end
 * of the range and maps a page of its own there.  Whatever the mmap
 * answers, that page must still be mapped, with its mark (the old
 * kernel's undo unmapped the whole range).
 */
static void pin_cpu0(void)
{
	unsigned long one = 1;

	syscall(SYS_sched_setaffinity, 0, sizeof(one), &one);
}

static void t_populate_undo(void)
{
	int hit = 0;

	for (int round = 0; round < 2 * rounds && hit < rounds; round++) {
		long free_kb = meminfo_kb("MemFree:");
		size_t hog_len = (size_t)free_kb * 1024 / 20 * 11 & ~(PAGE - 1);
		pid_t hog_pid;
		pthread_t th;
		char *r;

		race_len = (size_t)free_kb * 1024 / 10 * 9 & ~(PAGE - 1);
		/* The remapper must run while the populating thread sleeps
		 * for the OOM victim: both on CPU 0, as on one CPU (on two
		 * it spins on another CPU for the kernel, and mostly misses
		 * that moment). */
		pin_cpu0();
		hog_pid = hog(hog_len);
		CHECK(hog_pid > 0, "the hog of %zu bytes", hog_len);
		if (hog_pid <= 0)
			return;
		mmap_done = 0;
		acted = 0;
		race_ready = 0;
		/* the thread (and its stack) first, then a free range */
		pthread_create(&th, NULL, remapper, NULL);
		race_at = mmap(NULL, race_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (race_at == MAP_FAILED || munmap(race_at, race_len)) {
			CHECK(0, "no room for %zu bytes", race_len);
			_exit(1);
		}
		race_ready = 1;
		r = mmap(race_at, race_len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		mmap_done = 1;
		pthread_join(th, NULL);
		kill(hog_pid, SIGKILL);
		waitpid(hog_pid, NULL, 0);
		CHECK(r == race_at || r == MAP_FAILED, "mmap gave %p, not the hint %p",
		      (void *)r, (void *)race_at);
		CHECK(acted >= 0, "the other thread could not remap");
		if (acted == 1) {
			char *mine = race_at + race_len - PAGE;

			hit++;
			CHECK(is_mapped(mine) && *mine == 0x5a,
			      "round %d: the other thread's page is gone (mmap gave %p)",
			      round, (void *)r);
		}
		munmap(race_at, race_len);
	}
	printf("# t_populate_undo: the race hit %d time(s)\n", hit);
	CHECK(hit > 0, "the other thread never ran while the mmap populated");
}

/* ---- 2. ftruncate and shared file mappings ---- */

#define TRUNC_FILE "/tmp/mmrace2-trunc"

/* step - wait for one byte on rd, then answer with one on wr. */
static void step_wait(int rd)
{
	char c;

	if (read(rd, &c, 1) != 1)
		_exit(3);
}

static void step_go(int wr)
{
	if (write(wr, "x", 1) != 1)
		_exit(3);
}

/*
 * t_truncate_shared - two pages of a file, mapped shared by this process
 * twice and by a child (inherited).  Truncated to one page: the second
 * page is SIGBUS in every mapping.  Grown back: it reads zeros (not the
 * old bytes) and is one page for all: a store through one mapping is in
 * the file and in the other mappings.
 */
static void t_truncate_shared(void)
{
	int fd = open(TRUNC_FILE, O_RDWR | O_CREAT | O_TRUNC, 0600);
	int to_child[2], to_parent[2];
	char *p, *q, c = 0;
	pid_t pid;
	int status;

	CHECK(fd >= 0 && ftruncate(fd, 2 * PAGE) == 0, "the file");
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	q = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED && q != MAP_FAILED, "mmap");
	if (p == MAP_FAILED || q == MAP_FAILED || pipe(to_child) || pipe(to_parent))
		return;
	p[0] = 'a';
	p[PAGE] = 'b';
	CHECK(q[PAGE] == 'b', "the second mapping sees the first's store");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int bad = 0;

		bad |= p[PAGE] != 'b';
		step_go(to_parent[1]);
		step_wait(to_child[0]); /* truncated */
		bad |= (touch(p + PAGE, 0, 0, NULL) != SIGBUS) << 1;
		bad |= (touch(p, 0, 0, &c) != 0 || c != 'a') << 2;
		step_go(to_parent[1]);
		step_wait(to_child[0]); /* grown again, 'c' stored */
		bad |= (touch(p + PAGE, 0, 0, &c) != 0 || c != 'c') << 3;
		p[PAGE + 1] = 'd';
		step_go(to_parent[1]);
		_exit(bad);
	}
	step_wait(to_parent[0]);
	CHECK(ftruncate(fd, PAGE) == 0, "shrink");
	CHECK(touch(p + PAGE, 0, 0, NULL) == SIGBUS, "past the new end: SIGBUS");
	CHECK(touch(q + PAGE, 1, 'x', NULL) == SIGBUS, "a store past the end: SIGBUS");
	CHECK(touch(q, 0, 0, &c) == 0 && c == 'a', "the first page stays");
	step_go(to_child[1]);
	step_wait(to_parent[0]);
	CHECK(ftruncate(fd, 2 * PAGE) == 0, "grow");
	CHECK(touch(p + PAGE, 0, 0, &c) == 0 && c == 0, "grown again: zeros, not '%c'", c);
	q[PAGE] = 'c';
	CHECK(p[PAGE] == 'c', "one page for both mappings (saw %d)", p[PAGE]);
	CHECK(pread(fd, &c, 1, PAGE) == 1 && c == 'c', "the store is in the file");
	step_go(to_child[1]);
	step_wait(to_parent[0]);
	CHECK(p[PAGE + 1] == 'd' && q[PAGE + 1] == 'd', "the child's store is seen");
	CHECK(pread(fd, &c, 1, PAGE + 1) == 1 && c == 'd', "...and is in the file");
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, "the child saw the same (status 0x%x)", status);
	munmap(p, 2 * PAGE);
	munmap(q, 2 * PAGE);
	close(fd);
	unlink(TRUNC_FILE);
}

/* ---- 3. mremap of shared anonymous memory ---- */

/*
 * t_mremap_shared_anon - two shared anonymous pages, shared with a child.
 * The child shrinks its mapping to one page and grows it again: the
 * second page is the parent's (Linux: one shmem object), both ways.
 * Grown past the object's size, the new page is SIGBUS, as on Linux.
 */
static void t_mremap_shared_anon(void)
{
	char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int to_child[2], to_parent[2], status;
	pid_t pid;

	CHECK(p != MAP_FAILED, "mmap");
	if (p == MAP_FAILED || pipe(to_child) || pipe(to_parent))
		return;
	p[0] = 1;
	p[PAGE] = 2;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int bad = 0;
		char *r, *big, c = 0;

		bad |= mremap(p, 2 * PAGE, PAGE, 0) != p;
		r = mremap(p, PAGE, 2 * PAGE, MREMAP_MAYMOVE);
		bad |= (r == MAP_FAILED) << 1;
		if (r != MAP_FAILED) {
			bad |= (touch(r + PAGE, 0, 0, &c) != 0 || c != 2) << 2;
			r[PAGE] = 3;
			step_go(to_parent[1]);
			step_wait(to_child[0]); /* the parent stored 4 */
			bad |= (r[PAGE] != 4) << 3;
			big = mremap(r, 2 * PAGE, 3 * PAGE, MREMAP_MAYMOVE);
			bad |= (big == MAP_FAILED) << 4;
			if (big != MAP_FAILED) {
				bad |= (big[PAGE] != 4) << 5;
				bad |= (touch(big + 2 * PAGE, 0, 0, NULL) != SIGBUS) << 6;
			}
		}
		_exit(bad);
	}
	step_wait(to_parent[0]);
	CHECK(p[PAGE] == 3, "the child's grown page is the parent's (saw %d)", p[PAGE]);
	p[PAGE] = 4;
	step_go(to_child[1]);
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, "the child's checks (status 0x%x)", status);
	munmap(p, 2 * PAGE);
}

/*
 * t_shmem_keeps_pages - the object behind shared anonymous memory keeps
 * a page no mapping holds: one the child wrote before it exited, one a
 * shrink let go and a grow maps again; and /proc/self/map_files opens
 * the object itself (reads and writes reach the mapping), as on Linux.
 */
static void t_shmem_keeps_pages(void)
{
	char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0), *q, path[96], c = 0;
	unsigned char vec[2] = { 0, 0 };
	int status, fd;
	pid_t pid;

	CHECK(p != MAP_FAILED, "mmap");
	if (p == MAP_FAILED)
		return;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		p[PAGE] = 9; /* a page the parent never touched */
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid && status == 0, "child");
	CHECK(p[PAGE] == 9, "the exited child's page is there (%d)", p[PAGE]);
	CHECK(mremap(p, 2 * PAGE, PAGE, 0) == p, "shrink to one page");
	q = mremap(p, PAGE, 2 * PAGE, MREMAP_MAYMOVE);
	CHECK(q != MAP_FAILED && mincore(q, 2 * PAGE, vec) == 0 && vec[1] == 1,
	      "mincore: the object's page is resident before it is touched");
	CHECK(q != MAP_FAILED && q[PAGE] == 9, "grown again: the page is back (%d)",
	      q == MAP_FAILED ? -1 : q[PAGE]);
	if (q == MAP_FAILED)
		return;
	snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx", (unsigned long)q,
		 (unsigned long)q + 2 * PAGE);
	fd = open(path, O_RDWR);
	CHECK(fd >= 0 && pread(fd, &c, 1, PAGE) == 1 && c == 9, "read through map_files");
	CHECK(pwrite(fd, "w", 1, PAGE + 1) == 1 && q[PAGE + 1] == 'w',
	      "a write through map_files is in the mapping");
	close(fd);
	munmap(q, 2 * PAGE);
}

/* ---- 4. /proc handles and another user's process ---- */

#define REUSE_NAME "pid-reuser"

/* child_in_pipe - a child that waits for a byte (or EOF) and exits. */
static pid_t child_waiting(int *wr)
{
	int fds[2];
	pid_t pid;
	char c;

	if (pipe(fds))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(fds[1]);
		(void)!read(fds[0], &c, 1);
		_exit(0);
	}
	close(fds[0]);
	*wr = fds[1];
	return pid;
}

/*
 * reuse_pid - a new process with PID pid (cycling through the PIDs with
 * forks, or at once where ns_last_pid is writable), named REUSE_NAME, waiting on *wr; -1 if none could be made.
 */
static pid_t reuse_pid(pid_t pid, int *wr)
{
	int last = open("/proc/sys/kernel/ns_last_pid", O_WRONLY);

	if (last >= 0) { /* Linux: the next PID is the one after this */
		dprintf(last, "%d", pid - 1);
		close(last);
	}
	for (int i = 0; i < 70000; i++) {
		int fds[2];
		pid_t got;
		char c;

		if (pipe(fds))
			return -1;
		got = fork();
		if (got == 0) {
			if (getpid() == pid) {
				close(fds[1]);
				prctl(PR_SET_NAME, REUSE_NAME);
				(void)!read(fds[0], &c, 1);
			}
			_exit(0);
		}
		close(fds[0]);
		if (got == pid) {
			*wr = fds[1];
			return got;
		}
		close(fds[1]);
		if (got < 0 || waitpid(got, NULL, 0) != got)
			return -1;
	}
	return -1;
}

/*
 * t_proc_dead_child - handles on a child's /proc directory, pagemap and
 * status, kept while the child dies and another process gets its PID:
 * the directory finds nothing in it (ENOENT), pagemap reads 0 bytes, and
 * nothing read shows the new process.
 */
static void t_proc_dead_child(void)
{
	char path[64], buf[4096];
	int wr, wr2 = -1, dir, pm, st, fd;
	uint64_t word;
	pid_t pid = child_waiting(&wr), again;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d", pid);
	dir = open(path, O_RDONLY | O_DIRECTORY);
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	pm = open(path, O_RDONLY);
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	st = open(path, O_RDONLY);
	CHECK(dir >= 0 && pm >= 0 && st >= 0, "open the child's /proc files");
	CHECK(pread(pm, &word, 8, 0) == 8, "pagemap reads while the child lives");
	close(wr);
	waitpid(pid, NULL, 0);
	again = reuse_pid(pid, &wr2);
	CHECK(again == pid, "no process got PID %d again", pid);
	if (again != pid)
		return;
	fd = openat(dir, "status", O_RDONLY);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	buf[n > 0 ? n : 0] = '\0';
	CHECK(fd < 0 && errno == ENOENT, "the old directory opened the new "
	      "process's status (%zd bytes: %.30s)", n, buf);
	if (fd >= 0)
		close(fd);
	n = readlinkat(dir, "exe", buf, sizeof(buf));
	CHECK(n < 0 && errno == ENOENT, "the old directory's exe link gave %zd", n);
	n = pread(pm, buf, 64, 0);
	CHECK(n == 0, "pagemap of the dead child read %zd bytes, not 0", n);
	n = pread(st, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	CHECK(!strstr(buf, REUSE_NAME), "the old status shows the new process");
	close(wr2);
	waitpid(again, NULL, 0);
	close(dir);
	close(pm);
	close(st);
}

/* An unprivileged user reads another user's (root's) process. */
static void t_proc_other_user(void)
{
	static const char *const refused[] = { "maps", "smaps", "smaps_rollup",
					       "pagemap", "pagetable" };
	static const char *const links[] = { "exe", "cwd" };
	static const char *const open_ok[] = { "status", "stat", "statm",
					       "cmdline", "comm" };
	char path[64], buf[256];
	int wr, fd;
	pid_t root_child = child_waiting(&wr);

	CHECK(setresgid(1000, 1000, 1000) == 0 && setresuid(1000, 1000, 1000) == 0,
	      "become uid 1000");
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		snprintf(path, sizeof(path), "/proc/%d/%s", root_child, refused[i]);
		errno = 0;
		fd = open(path, O_RDONLY);
		CHECK(fd < 0 && errno == EACCES, "%s opened (fd %d)", path, fd);
		if (fd >= 0)
			close(fd);
	}
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/%d/%s", root_child, links[i]);
		errno = 0;
		n = readlink(path, buf, sizeof(buf));
		CHECK(n < 0 && errno == EACCES, "readlink %s gave %zd", path, n);
	}
	for (size_t i = 0; i < sizeof(open_ok) / sizeof(open_ok[0]); i++) {
		snprintf(path, sizeof(path), "/proc/%d/%s", root_child, open_ok[i]);
		fd = open(path, O_RDONLY);
		CHECK(fd >= 0, "%s refused", path);
		if (fd >= 0)
			close(fd);
	}
	fd = open("/proc/self/maps", O_RDONLY);
	CHECK(fd >= 0, "its own maps refused");
	if (fd >= 0)
		close(fd);
	CHECK(readlink("/proc/self/exe", buf, sizeof(buf)) > 0, "its own exe refused");
	close(wr);
	/* root_child is reaped by init's own wait in main */
}

/* ---- 5. /proc/self/exe and the exit status ---- */

/* exe_check - the exec'd side: /proc/self/exe must read self_path (as
 * argv[2] says); with "again", exec /proc/self/exe once more. */
static int exe_check(const char *expect, int again)
{
	char buf[256];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	buf[n > 0 ? n : 0] = '\0';
	if (strcmp(buf, expect)) {
		printf("# /proc/self/exe is '%s', not '%s'\n", buf, expect);
		return 1;
	}
	if (again) {
		execl("/proc/self/exe", "x", "--exe-check", expect, (char *)NULL);
		printf("# exec /proc/self/exe: %s\n", strerror(errno));
		return 2;
	}
	return 0;
}

/*
 * t_exe_path - exec'd as ./NAME from its directory, the program's
 * /proc/self/exe is its absolute path, and exec'ing /proc/self/exe works
 * (twice over: the second exec starts from the first's link).
 */
static void t_exe_path(void)
{
	char dir[256], *slash;
	int status;
	pid_t pid;

	snprintf(dir, sizeof(dir), "%s", self_path);
	slash = strrchr(dir, '/');
	CHECK(slash && dir[0] == '/', "argv[0] '%s' is not absolute", self_path);
	if (!slash || dir[0] != '/')
		return;
	*slash = '\0';
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char rel[256];

		snprintf(rel, sizeof(rel), "./%s", slash + 1);
		if (chdir(dir[0] ? dir : "/"))
			_exit(5);
		execl(rel, "x", "--exe-again", self_path, (char *)NULL);
		_exit(6);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, "the exec'd program's checks (status 0x%x)", status);
}

static void *last_thread(void *arg)
{
	usleep(100 * 1000);
	syscall(SYS_exit, 5);
	return NULL;
}

/*
 * t_exit_leader_first - the leader ends with SYS_exit(3) (its thread
 * only), the last thread later with SYS_exit(5): Linux 6.1 reports 5.
 */
static void t_exit_leader_first(void)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		pthread_t th;

		pthread_create(&th, NULL, last_thread, NULL);
		syscall(SYS_exit, 3);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status),
	      "status 0x%x", status);
	CHECK(WEXITSTATUS(status) == 5, "exit status %d, Linux's is 5",
	      WEXITSTATUS(status));
}

int main(int argc, char **argv)
{
	int swap;

	if (argc > 2 && !strcmp(argv[1], "--exe-check"))
		return exe_check(argv[2], 0);
	if (argc > 2 && !strcmp(argv[1], "--exe-again"))
		return exe_check(argv[2], 1);
	if (argc > 2 && !strcmp(argv[1], "--rounds"))
		rounds = atoi(argv[2]);
	self_path = argv[0];
	mkdir("/proc", 0555);
	if (access("/proc/self", F_OK))
		mount("proc", "/proc", "proc", 0, NULL);
	mkdir("/tmp", 01777);
	printf("# mmrace2_test: %d round(s)\n", rounds);
	/* Without swap: the populate must run out of memory and wait for
	 * the OOM killer's victim (Linux would swap instead: vmos only). */
	if (access("/dev/vda", F_OK) == 0)
		RUN(t_populate_undo);
	else
		printf("# t_populate_undo skipped: not on vmos\n");
	swap = access("/dev/vda", F_OK) == 0;
	if (swap)
		tap_result(run_quiet("/bin/mkswap", "/dev/vda") == 0 &&
			   swapon("/dev/vda", 0) == 0, "mkswap and swapon /dev/vda", NULL);
	RUN(t_truncate_shared);
	RUN(t_mremap_shared_anon);
	RUN(t_shmem_keeps_pages);
	RUN(t_proc_dead_child);
	RUN(t_proc_other_user);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	RUN(t_exe_path);
	RUN(t_exit_leader_first);
	if (swap)
		tap_result(swapoff("/dev/vda") == 0, "swapoff /dev/vda at the end", NULL);
	return tap_done();
}
