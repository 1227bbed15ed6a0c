/*
 * tests/user/oom_test.c - out of memory and the kernel's limits.  The
 * harness boots it as init with 64 MiB (qemu/user-oom), so that memory
 * runs out quickly:
 *   - a memory hog, a page-table bomb and eight deeply recursing
 *     processes are killed by the OOM killer (SIGKILL, and its log line),
 *     and the test itself (init) survives;
 *   - the victim is the largest process, even asleep, not the one that
 *     faulted (which goes on);
 *   - a fork bomb ends in EAGAIN or ENOMEM (or OOM kills) and is reaped;
 *   - the limits: RLIMIT_NOFILE (EMFILE), the pipe bound (ENFILE),
 *     argv + envp (E2BIG), regions (vm.max_map_count: ENOMEM),
 *     RLIMIT_NPROC (EAGAIN), RLIMIT_FSIZE (EFBIG and SIGXFSZ).
 * After each case every process is reaped and /proc/kmem must be back
 * where it was (leak_check).
 */
#define _GNU_SOURCE
#include "tap.h"
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

#define PAGE 4096ul
#define MAX_MAP_COUNT 65530
#define MAX_ARG_STRLEN (128 * 1024)
#define RECURSERS 8

/* Counters shared by a case and the processes it starts (MAP_SHARED). */
struct shared {
	volatile long progress[RECURSERS]; /* pages touched, per process */
	volatile long forks, stops, eagain, enomem, other;
};

static struct shared *shared_page(void)
{
	void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A number from a "name value" line of a /proc file, or -1. */
static long proc_value(const char *path, const char *name)
{
	char line[128];
	long v = -1, x;
	size_t n = strlen(name);
	FILE *f = fopen(path, "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && sscanf(line + n, " %ld", &x) == 1)
			v = x;
	if (f)
		fclose(f);
	return v;
}

static long oom_kills(void)
{
	return proc_value("/proc/vmstat", "oom_kill");
}

static long mem_free_kb(void)
{
	return proc_value("/proc/meminfo", "MemFree:");
}

static int wait_status(pid_t pid)
{
	int st = -1;

	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

static bool killed_by(int st, int sig)
{
	return WIFSIGNALED(st) && WTERMSIG(st) == sig;
}

/* reap_all - init's part: wait for every child, orphans included, until
 * none is left (every process descends from init, so none is missed). */
static void reap_all(void)
{
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
}

/* touch - write a byte in each page of [p, p + len), step bytes apart,
 * counting them in *count. */
static void touch(char *p, size_t len, size_t step, volatile long *count)
{
	for (size_t off = 0; off < len; off += step) {
		p[off] = 1;
		++*count;
	}
}

/* ---- the OOM killer ---- */

/* A process writes to page after page of a huge region until the OOM
 * killer kills it; what it touched shows the memory it had. */
static void t_memory_hog(void)
{
	struct shared *sh = shared_page();
	long kills = oom_kills(), free_kb = mem_free_kb(), kb;
	pid_t pid;
	int st;

	CHECK(sh && kills >= 0 && free_kb > 0, "setup");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		size_t len = 1ul << 30; /* more than the machine has */
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

		if (p != MAP_FAILED)
			touch(p, len, PAGE, &sh->progress[0]);
		_exit(3); /* not killed: the test fails */
	}
	printf("# memory hog: pid %d\n", pid);
	st = wait_status(pid);
	kb = sh->progress[0] * (long)(PAGE / 1024);
	printf("# memory hog: touched %ld kB of %ld kB free\n", kb, free_kb);
	CHECK(killed_by(st, SIGKILL), "hog status %#x", st);
	CHECK(oom_kills() == kills + 1, "oom_kill %ld -> %ld", kills, oom_kills());
	CHECK(kb > free_kb / 2 && kb <= free_kb, "touched %ld kB", kb);
	CHECK(mem_free_kb() > free_kb - 1024, "MemFree %ld kB after, %ld before",
	      mem_free_kb(), free_kb);
}

/*
 * The OOM killer takes the largest process, not the one that faulted: a
 * big process asleep in read() is killed (SIGKILL wakes it, it exits and
 * its memory comes back), and the small one that ran out goes on and
 * ends normally.  Without an OOM killer the faulting process dies.
 */
static void t_sleeping_victim(void)
{
	struct shared *sh = shared_page();
	long kills = oom_kills(), free_kb = mem_free_kb();
	size_t big = (size_t)free_kb * 1024 / 4 * 3, small = big / 2;
	int p[2], st_big, st_small;
	pid_t sleeper, grower;
	char c;

	CHECK(sh && pipe(p) == 0, "setup");
	fflush(stdout);
	sleeper = fork();
	if (sleeper == 0) { /* 3/4 of free memory, then sleep in read() */
		char *m = malloc(big);

		if (m)
			touch(m, big, PAGE, &sh->progress[0]);
		close(p[1]);
		read(p[0], &c, 1);
		_exit(3);
	}
	while (sh->progress[0] < (long)(big / PAGE))
		usleep(10000);
	usleep(50000); /* let it get to sleep in read() */
	grower = fork();
	if (grower == 0) { /* more than is left, but less than the sleeper */
		char *m = malloc(small);

		if (!m)
			_exit(2);
		touch(m, small, PAGE, &sh->progress[1]);
		_exit(0);
	}
	st_small = wait_status(grower);
	close(p[1]);
	st_big = wait_status(sleeper);
	printf("# sleeping victim: %ld kB asleep, %ld kB growing\n",
	       sh->progress[0] * 4, sh->progress[1] * 4);
	CHECK(WIFEXITED(st_small) && WEXITSTATUS(st_small) == 0,
	      "the growing process: status %#x", st_small);
	CHECK(killed_by(st_big, SIGKILL), "the sleeping one: status %#x", st_big);
	CHECK(oom_kills() == kills + 1, "oom_kill %ld -> %ld", kills, oom_kills());
}

/* One huge MAP_NORESERVE region, one byte per 2 MiB: every touch takes a
 * page-table page too, which the OOM killer's badness counts. */
static void t_page_table_bomb(void)
{
	struct shared *sh = shared_page();
	long kills = oom_kills(), free_kb = mem_free_kb(), tables_kb;
	pid_t pid;
	int st;

	CHECK(sh, "setup");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		size_t len = 64ul << 30;
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

		if (p == MAP_FAILED)
			_exit(2);
		touch(p, len, 2ul << 20, &sh->progress[0]);
		_exit(3);
	}
	printf("# page-table bomb: pid %d\n", pid);
	st = wait_status(pid);
	tables_kb = sh->progress[0] * (long)(PAGE / 1024);
	printf("# page-table bomb: %ld pages and as many tables\n", sh->progress[0]);
	CHECK(killed_by(st, SIGKILL), "status %#x", st);
	CHECK(oom_kills() == kills + 1, "oom_kill %ld -> %ld", kills, oom_kills());
	CHECK(2 * tables_kb > free_kb / 2, "only %ld pages", sh->progress[0]);
}

/* Recurse with a page-sized frame, counting the pages of stack (until
 * the process is killed: the test is there to make it endless). */
#pragma GCC diagnostic ignored "-Winfinite-recursion"
static void recurse(volatile long *count)
{
	char frame[PAGE];

	frame[0] = 1; /* the barriers keep it, and make this no tail call */
	asm volatile("" : : "r"(frame) : "memory");
	++*count;
	recurse(count);
	asm volatile("" : : "r"(frame) : "memory");
}

/* Eight processes recurse at once with no stack limit: the OOM killer
 * takes them one by one (the largest first), each time waking up the
 * others, which grow into what it freed. */
static void t_deep_recursion(void)
{
	struct shared *sh = shared_page();
	long kills = oom_kills();
	pid_t pid[RECURSERS];
	int killed = 0;

	CHECK(sh, "setup");
	fflush(stdout);
	for (int i = 0; i < RECURSERS; i++) {
		pid[i] = fork();
		if (pid[i] == 0) {
			struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

			setrlimit(RLIMIT_STACK, &rl);
			recurse(&sh->progress[i]);
			_exit(3);
		}
		CHECK(pid[i] > 0, "fork %d", i);
	}
	for (int i = 0; i < RECURSERS; i++) {
		int st = pid[i] > 0 ? wait_status(pid[i]) : 0;

		killed += killed_by(st, SIGKILL);
		CHECK(killed_by(st, SIGKILL) || killed_by(st, SIGSEGV),
		      "recurser %d status %#x after %ld pages", i, st,
		      sh->progress[i]);
	}
	printf("# deep recursion: %d of %d killed by the OOM killer\n", killed,
	       RECURSERS);
	CHECK(killed >= 1, "none killed");
	CHECK(oom_kills() == kills + killed, "oom_kill %ld -> %ld, %d SIGKILLs",
	      kills, oom_kills(), killed);
}

/* ---- fork bombs ---- */

/* Every process forks until fork fails, counting how it failed, then
 * waits to be killed. */
static __attribute__((noreturn)) void bomb(struct shared *sh)
{
	for (;;) {
		pid_t p = fork();

		if (p == 0) {
			__atomic_add_fetch(&sh->forks, 1, __ATOMIC_RELAXED);
			continue;
		}
		if (p < 0) {
			if (errno == EAGAIN)
				__atomic_add_fetch(&sh->eagain, 1, __ATOMIC_RELAXED);
			else if (errno == ENOMEM)
				__atomic_add_fetch(&sh->enomem, 1, __ATOMIC_RELAXED);
			else
				__atomic_add_fetch(&sh->other, 1, __ATOMIC_RELAXED);
			break;
		}
	}
	__atomic_add_fetch(&sh->stops, 1, __ATOMIC_RELAXED);
	for (;;)
		pause();
}

/* Wait until sh's counters stop moving for quiet_ms (at most max_ms). */
static void wait_settled(struct shared *sh, long quiet_ms, long max_ms)
{
	long start = now_ms(), last = start, sum = -1;

	while (now_ms() - start < max_ms && now_ms() - last < quiet_ms) {
		long s = sh->forks + sh->stops;

		if (s != sum) {
			sum = s;
			last = now_ms();
		}
		usleep(20000);
	}
}

/* The bomb's processes form their own process group, so one kill ends
 * them; their orphans come to init, which reaps them after the case. */
static void t_fork_bomb(void)
{
	struct shared *sh = shared_page();
	pid_t root;

	CHECK(sh, "setup");
	fflush(stdout);
	root = fork();
	if (root == 0) {
		setpgid(0, 0);
		bomb(sh);
	}
	setpgid(root, root);
	wait_settled(sh, 500, 10000);
	printf("# fork bomb: %ld forks; fork failed %ld times with EAGAIN, "
	       "%ld with ENOMEM, %ld otherwise; %ld stopped\n", sh->forks,
	       sh->eagain, sh->enomem, sh->other, sh->stops);
	CHECK(kill(-root, SIGKILL) == 0, "kill the group");
	CHECK(sh->forks >= 100, "only %ld forks", sh->forks);
	CHECK(sh->eagain + sh->enomem >= 1, "fork never failed");
	CHECK(sh->other == 0, "other errors");
	wait_status(root);
}

/* As a user, RLIMIT_NPROC bounds the user's processes: fork fails with
 * EAGAIN when it would pass it. */
static void t_rlimit_nproc(void)
{
	struct rlimit rl = { 10, 10 };
	pid_t kids[16];
	int n = 0;

	CHECK(setrlimit(RLIMIT_NPROC, &rl) == 0, "setrlimit");
	CHECK(setuid(1000) == 0, "setuid");
	for (; n < 16; n++) {
		kids[n] = fork();
		if (kids[n] == 0) {
			pause();
			_exit(0);
		}
		if (kids[n] < 0)
			break;
	}
	CHECK(n == 9, "%d children with a limit of 10 processes", n);
	CHECK(n < 16 && errno == EAGAIN, "errno %d", errno);
	for (int i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	for (int i = 0; i < n; i++)
		wait_status(kids[i]);
	/* Reaped, they no longer count. */
	kids[0] = fork();
	if (kids[0] == 0)
		_exit(0);
	CHECK(kids[0] > 0, "fork after reaping");
	wait_status(kids[0]);
}

/* ---- other limits ---- */

static void t_emfile(void)
{
	struct rlimit rl = { 32, 32 };
	int fd = -1, n = 0;

	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0, "setrlimit");
	while ((fd = open("/dev/null", O_RDONLY)) >= 0)
		n++;
	CHECK(errno == EMFILE, "open failed with errno %d", errno);
	CHECK(n == 32 - 3, "%d opened", n);
	CHECK_ERR(dup(0), EMFILE);
	CHECK_ERR(pipe((int[2]){ 0 }), EMFILE);
}

/* Pipes are bounded for the whole system (ENFILE), and each process by
 * its descriptors (EMFILE). */
static void t_pipes_bounded(void)
{
	int fds[2], n = 0;

	while (pipe(fds) == 0)
		n++;
	printf("# %d pipes, then errno %d\n", n, errno);
	CHECK(errno == ENFILE || errno == EMFILE, "errno %d", errno);
	CHECK(n >= 16, "only %d pipes", n);
}

/* execve of /tests/hello with these arguments: its exit status (it exits
 * with atoi(argv[1])), or -errno if execve failed. */
static int exec_hello(char **argv)
{
	int p[2], err = 0, st;
	pid_t pid;

	if (pipe(p))
		return -1000;
	pid = fork();
	if (pid == 0) { /* hello prints its arguments: not to the console */
		dup2(open("/dev/null", O_WRONLY), 1);
		close(p[0]);
		fcntl(p[1], F_SETFD, FD_CLOEXEC);
		execve("/tests/hello", argv, (char *[]){ NULL });
		err = errno;
		write(p[1], &err, sizeof(err));
		_exit(127);
	}
	close(p[1]);
	if (read(p[0], &err, sizeof(err)) != sizeof(err))
		err = 0;
	close(p[0]);
	st = wait_status(pid);
	return err ? -err : WEXITSTATUS(st);
}

static char *string_of(size_t n, char c)
{
	char *s = malloc(n + 1);

	if (s) {
		memset(s, c, n);
		s[n] = '\0';
	}
	return s;
}

/* E2BIG: one string of MAX_ARG_STRLEN with its NUL, or more than a
 * quarter of RLIMIT_STACK in all. */
static void t_e2big(void)
{
	char *fits = string_of(MAX_ARG_STRLEN - 1, 'a');
	char *too_long = string_of(MAX_ARG_STRLEN, 'b');
	char *big = string_of(100000, 'c');
	char *many[40] = { "/tests/hello", "5" };
	struct rlimit rl = { 1 << 20, RLIM_INFINITY };
	int r;

	CHECK(fits && too_long && big, "malloc");
	r = exec_hello((char *[]){ "/tests/hello", "4", fits, NULL });
	CHECK(r == 4, "a string of MAX_ARG_STRLEN - 1: %d", r);
	r = exec_hello((char *[]){ "/tests/hello", "4", too_long, NULL });
	CHECK(r == -E2BIG, "a string of MAX_ARG_STRLEN: %d", r);
	for (int i = 2; i < 5; i++) /* 300 kB: fine with 8 MiB of stack */
		many[i] = big;
	r = exec_hello(many);
	CHECK(r == 5, "300 kB of arguments: %d", r);
	for (int i = 5; i < 25; i++) /* 2.3 MB: more than 8 MiB / 4 */
		many[i] = big;
	r = exec_hello(many);
	CHECK(r == -E2BIG, "2.3 MB of arguments: %d", r);
	many[5] = NULL;
	CHECK(setrlimit(RLIMIT_STACK, &rl) == 0, "setrlimit");
	r = exec_hello(many); /* 300 kB: more than 1 MiB / 4 */
	CHECK(r == -E2BIG, "300 kB of arguments with a 1 MiB stack: %d", r);
}

/* Count the lines of /proc/self/maps (the regions). */
static long count_regions(void)
{
	char line[512];
	long n = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	while (f && fgets(line, sizeof(line), f))
		n += strchr(line, '\n') != NULL;
	if (f)
		fclose(f);
	return n;
}

/* vm.max_map_count: splitting one big region with mprotect, mapping more
 * and cutting holes all stop at 65530 regions with ENOMEM. */
static void t_max_map_count(void)
{
	size_t pages = 2ul * MAX_MAP_COUNT + 64, i;
	char *p = mmap(NULL, pages * PAGE, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	long before, regions;
	int err = 0;

	CHECK(p != MAP_FAILED, "mmap");
	before = count_regions();
	regions = before;
	/* Every other page PROT_NONE: each call adds two regions. */
	for (i = 1; i + 1 < pages; i += 2) {
		if (mprotect(p + i * PAGE, PAGE, PROT_NONE)) {
			err = errno;
			break;
		}
		regions += 2;
	}
	printf("# %ld regions, then mprotect failed with errno %d\n", regions, err);
	CHECK(err == ENOMEM, "mprotect errno %d", err);
	CHECK(regions >= MAX_MAP_COUNT - 1, "%ld regions", regions);
	/* New regions (that cannot merge) up to the limit, then no more. */
	for (int k = 0; k < 4; k++) {
		int prot = k % 2 ? PROT_EXEC : PROT_READ | PROT_EXEC;

		if (mmap(NULL, PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
		    MAP_FAILED) {
			err = errno;
			break;
		}
		regions++;
	}
	CHECK(err == ENOMEM, "mmap errno %d", err);
	CHECK(regions == MAX_MAP_COUNT, "%ld regions", regions);
	/* A hole in the middle of a region would make one more. */
	CHECK_ERR(munmap(p + (i + 2) * PAGE, PAGE), ENOMEM);
	/* (Not read from /proc/self/maps: 65530 lines, made again for
	 * each read.)  Unmapping whole regions is always possible. */
	CHECK(munmap(p, pages * PAGE) == 0, "munmap all");
	CHECK(count_regions() < before, "%ld regions after", count_regions());
}

/* RLIMIT_FSIZE: a write crossing it is cut short, one beyond it fails
 * with EFBIG and SIGXFSZ (ignored here; by default it kills). */
static void t_rlimit_fsize(void)
{
	struct rlimit rl = { 10000, RLIM_INFINITY };
	char buf[8192] = { 0 };
	int fd = open("/tmp/fsize", O_CREAT | O_TRUNC | O_RDWR, 0644), st;
	pid_t pid;

	CHECK(fd >= 0, "open");
	CHECK(setrlimit(RLIMIT_FSIZE, &rl) == 0, "setrlimit");
	signal(SIGXFSZ, SIG_IGN);
	CHECK(write(fd, buf, 8192) == 8192, "first write");
	CHECK(write(fd, buf, 8192) == 10000 - 8192, "a short write");
	CHECK_ERR(write(fd, buf, 1), EFBIG);
	CHECK_ERR(ftruncate(fd, 20000), EFBIG);
	CHECK(ftruncate(fd, 100) == 0, "shrinking is fine");
	signal(SIGXFSZ, SIG_DFL);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		lseek(fd, 10000, SEEK_SET);
		write(fd, buf, 1);
		_exit(0);
	}
	st = wait_status(pid);
	CHECK(killed_by(st, SIGXFSZ), "status %#x", st);
	close(fd);
	unlink("/tmp/fsize");
}

/* Each case, then its leak check: every process reaped, kernel memory
 * back to what it was. */
#define RUN_CHECKED(fn)                                                    \
	do {                                                               \
		long before_ = kmem_baseline();                            \
		RUN(fn);                                                   \
		reap_all();                                                \
		leak_check(#fn ": kernel memory back", before_, kmem_usage()); \
	} while (0)

int main(void)
{
	long start = now_ms();

	printf("# oom_test: %ld kB free\n", mem_free_kb());
	RUN_CHECKED(t_memory_hog);
	RUN_CHECKED(t_sleeping_victim);
	RUN_CHECKED(t_page_table_bomb);
	RUN_CHECKED(t_deep_recursion);
	/* The first bomb makes the kernel's page tables for as many kernel
	 * stacks as tasks may exist, which it keeps (mm/kstack.c): a high-
	 * water mark, which /proc/kmem reports apart and the leak check
	 * leaves out.  Twice: a second bomb must end the same way. */
	RUN_CHECKED(t_fork_bomb);
	RUN_CHECKED(t_fork_bomb);
	RUN_CHECKED(t_rlimit_nproc);
	RUN_CHECKED(t_emfile);
	RUN_CHECKED(t_pipes_bounded);
	RUN_CHECKED(t_e2big);
	RUN_CHECKED(t_max_map_count);
	RUN_CHECKED(t_rlimit_fsize);
	printf("# oom_test: %ld ms\n", now_ms() - start);
	return tap_done();
}
