/*
 * tests/user/mmrace_test.c - races, lifetimes and isolation (issue 14,
 * section 5): programs that race the address space from several threads
 * and processes, at -m 64M with a 256 MiB swap disk (run.py's
 * user-mmrace; `mmrace_test --rounds N` repeats the racy cases N times,
 * for make fuzz's mmrace-long).  Each case is one of the bugs found:
 * a fault whose own reclaim evicted its page, writes to shared memory lost
 * after the writer exits, swapoff during exec, FUTEX_CMP_REQUEUE under
 * memory pressure, robust futexes, MAP_POPULATE racing another thread,
 * ftruncate of a shared file mapping, mremap of shared anonymous memory,
 * /proc handles of a dead process, /proc/self/exe.  TAP on the console.
 */
#define _GNU_SOURCE
#include "tap.h"
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sched.h>
#include <time.h>

#define PAGE 4096UL
#define KiB 1024UL
#define MiB (1UL << 20)
#define WORDS (PAGE / sizeof(uint64_t))
#define PRESSURE (96 * MiB) /* more than RAM: pushes idle pages out */

static int rounds = 1; /* --rounds N: the racy cases, N times */

/* ---- memory with a pattern ---- */

static char *map_anon(size_t len, int flags)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static uint64_t page_key(uint64_t seed, size_t i)
{
	uint64_t x = (seed + 1) * 0x9e3779b97f4a7c15ULL ^ (i * 0xbf58476d1ce4e5b9ULL);

	return x ^ (x >> 31);
}

static void fill(char *p, size_t len, uint64_t seed)
{
	for (size_t i = 0; i < len / PAGE; i++) {
		uint64_t *w = (uint64_t *)(p + i * PAGE), key = page_key(seed, i);

		for (size_t k = 0; k < WORDS; k++)
			w[k] = key + k;
	}
}

/* verify - how many pages of [p, p + len) do not hold seed's pattern. */
static size_t verify(const char *p, size_t len, uint64_t seed)
{
	size_t bad = 0;

	for (size_t i = 0; i < len / PAGE; i++) {
		const uint64_t *w = (const uint64_t *)(p + i * PAGE);
		uint64_t key = page_key(seed, i);
		size_t k = 0;

		while (k < WORDS && w[k] == key + k)
			k++;
		bad += k < WORDS;
	}
	return bad;
}

/* ---- processes ---- */

/* wait_ok - reap pid: 1 if it exited 0; else says how it ended. */
static int wait_ok(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 1;
	printf("# pid %d: %s %d\n", pid, WIFSIGNALED(status) ? "killed by signal" : "exit",
	       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	return 0;
}

/* pressure - a process that writes len bytes of its own and exits: the
 * idle pages of everyone else go to swap.  1 if it ran to its end. */
static int pressure(size_t len)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *p = map_anon(len, MAP_PRIVATE);

		if (!p)
			_exit(2);
		for (size_t off = 0; off < len; off += PAGE)
			p[off] = 1;
		_exit(0);
	}
	return pid > 0 && wait_ok(pid);
}

/*
 * squeeze - a process that locks all free memory but keep_kb, so that the
 * next faults run reclaim with only a few pages to choose from.  Its pid
 * (kill it with SIGKILL and reap it), or -1.
 */
static pid_t squeeze(long keep_kb)
{
	long len = (meminfo_kb("MemFree:") - keep_kb) * (long)KiB;
	int ready[2];
	pid_t pid;
	char c;

	if (len <= 0 || pipe(ready))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *p = map_anon(len, MAP_PRIVATE);

		if (!p || mlock(p, len))
			_exit(2);
		(void)!write(ready[1], "x", 1);
		for (;;)
			pause();
	}
	close(ready[1]);
	if (pid < 0 || read(ready[0], &c, 1) != 1) {
		close(ready[0]);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		return -1;
	}
	close(ready[0]);
	return pid;
}

static void unsqueeze(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/* low_watermark_kb - where the kernel starts to reclaim (mm/vmscan.c:
 * 1/32 of memory). */
static long low_watermark_kb(void)
{
	return meminfo_kb("MemTotal:") / 32;
}

/* ---- 1. a fault's own reclaim must not fail the fault ---- */

#define OWN_LEN (6 * MiB)

/*
 * With almost all memory locked, the pages of one copy-on-write region
 * are nearly all reclaim can choose.  The child's write faults (and
 * pread()s into the shared pages, which the kernel writes) each run
 * reclaim first, which often evicts the very page being written: the
 * fault must bring it back, not take it for out of memory.
 */
static void t_fault_own_page(void)
{
	char *p = map_anon(OWN_LEN, MAP_PRIVATE);
	pid_t holder, pid;
	int fd;

	CHECK(p, "mmap");
	if (!p)
		return;
	fd = open("/tests/mmrace_test", O_RDONLY);
	CHECK(fd >= 0, "open a file to read from");
	holder = squeeze(low_watermark_kb() + 2048);
	CHECK(holder > 0, "lock most of memory");
	for (int round = 0; round < rounds; round++) {
		fill(p, OWN_LEN, round);
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			size_t bad = 0;

			for (size_t i = 0; i < OWN_LEN / PAGE; i += 2)
				*(volatile uint64_t *)(p + i * PAGE) = 1;
			for (size_t i = 1; i < OWN_LEN / PAGE; i += 2)
				bad += pread(fd, p + i * PAGE, 64, 0) != 64;
			if (bad)
				printf("# %zu preads into copy-on-write pages failed\n", bad);
			_exit(bad != 0);
		}
		CHECK(pid > 0 && wait_ok(pid), "the child wrote its copy-on-write pages");
		CHECK(verify(p, OWN_LEN, round) == 0, "the parent's pages are intact");
	}
	unsqueeze(holder);
	close(fd);
	munmap(p, OWN_LEN);
}

/* ---- 2. writes to shared memory outlive their writer ---- */

#define SHARED_LEN (8 * MiB)

/*
 * A shared region goes to swap; a child writes every page (each comes
 * back into the swap cache, since the parent's entries still hold the
 * slot) and exits.  Its entries, and their dirty bits, are gone; memory
 * pressure then drops the cached pages.  The parent must read the child's
 * writes, not the old copies in swap.
 */
static void t_shared_dirty_after_exit(void)
{
	char *p = map_anon(SHARED_LEN, MAP_SHARED);
	size_t bad;
	pid_t pid;

	CHECK(p, "mmap");
	if (!p)
		return;
	for (int round = 0; round < rounds; round++) {
		fill(p, SHARED_LEN, 10 + round);
		CHECK(pressure(PRESSURE), "pressure");
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			fill(p, SHARED_LEN, 20 + round);
			_exit(0);
		}
		CHECK(pid > 0 && wait_ok(pid), "the writer");
		CHECK(pressure(PRESSURE), "pressure");
		bad = verify(p, SHARED_LEN, 20 + round);
		CHECK(bad == 0, "%zu of %lu pages lost the writer's data", bad,
		      SHARED_LEN / PAGE);
	}
	munmap(p, SHARED_LEN);
}

/* ---- 3. swapoff while an exec waits for its other threads ---- */

/* task_state - the State letter of /proc/PID/status, '?' if gone. */
static char task_state(pid_t pid)
{
	char path[64];
	const char *p;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	p = strstr(slurp(path), "State:\t");
	return p ? p[7] : '?';
}

/*
 * The swapper: each byte on go, while the exec below sleeps waiting for
 * its other thread to die, it makes free memory short with locked pages
 * (no reclaim yet: mlock does not run it), faults once (reclaim then takes
 * two turns of the clock over the few pages left to choose from, and
 * evicts them all, the new image's stack too), gives the locked pages
 * back, and turns swap off and on: every page must come back, also the
 * new image's, which no task uses yet.
 */
static void swapper(int go, int done)
{
	pid_t x;

	while (read(go, &x, sizeof(x)) == sizeof(x)) {
		char st = task_state(x);

		while (st == 'R') /* until the exec sleeps */
			st = task_state(x);
		if (st != 'S')
			printf("# the exec was not waiting (state %c)\n", st);
		long len = (meminfo_kb("MemFree:") - low_watermark_kb() + 256) * (long)KiB;
		char *q = len > 0 ? map_anon(len, MAP_PRIVATE) : NULL;
		char *touch = map_anon(PAGE, MAP_PRIVATE);
		int ok;

		if (q && mlock(q, len))
			printf("# swapper: mlock %ld kB failed\n", len / 1024);
		if (touch)
			*(volatile char *)touch = 1; /* reclaim runs here */
		if (q)
			munmap(q, len);
		if (touch)
			munmap(touch, PAGE);
		ok = swapoff("/dev/vda") == 0 && swapon("/dev/vda", 0) == 0;
		(void)!write(done, ok ? "y" : "n", 1);
	}
	_exit(0);
}

static void *sleeper(void *arg)
{
	for (;;)
		pause();
	return arg;
}

/* The exec: a second thread, then wake the swapper and exec at once, so
 * that the swapper runs while exec waits for the thread to exit. */
static void exec_with_thread(int go)
{
	pthread_t t;
	char *argv[] = { "/tests/mmrace_test", "--exit", NULL };

	if (pthread_create(&t, NULL, sleeper, NULL))
		_exit(3);
	pid_t self = getpid();

	(void)!write(go, &self, sizeof(self));
	sched_yield(); /* the swapper polls */
	execv(argv[0], argv);
	_exit(4);
}

static void t_swapoff_during_exec(void)
{
	int go[2], done[2], turned = 0;
	pid_t swp, pid;
	char c;

	CHECK(!pipe(go) && !pipe(done), "pipes");
	fflush(stdout);
	swp = fork();
	if (swp == 0) {
		close(go[1]);
		swapper(go[0], done[1]);
	}
	close(go[0]);
	for (int round = 0; round < 3 * rounds; round++) {
		fflush(stdout);
		pid = fork();
		if (pid == 0)
			exec_with_thread(go[1]);
		CHECK(pid > 0 && wait_ok(pid), "the exec'd program");
		CHECK(read(done[0], &c, 1) == 1, "the swapper answered");
		turned += c == 'y';
	}
	close(go[1]);
	CHECK(wait_ok(swp), "the swapper");
	CHECK(turned == 3 * rounds, "swapoff and swapon %d times of %d", turned, 3 * rounds);
}

/* ---- 4. FUTEX_CMP_REQUEUE to a shared word under memory pressure ---- */

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_CMP_REQUEUE 4

static long futex(uint32_t *uaddr, int op, uint32_t val, long val2,
		  uint32_t *uaddr2, uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op, val, val2, uaddr2, val3);
}

/* make_short - lock memory until free frames are just below the point
 * where reclaim starts (no reclaim yet: mlock does not run it); the
 * region, to munmap, with its length in *len (NULL: short already, or
 * mlock failed). */
static char *make_short(size_t *len)
{
	long l = (meminfo_kb("MemFree:") - low_watermark_kb() + 256) * (long)KiB;
	char *q = l > 0 ? map_anon(l, MAP_PRIVATE) : NULL;

	if (q && mlock(q, l)) {
		munmap(q, l);
		q = NULL;
	}
	*len = q ? l : 0;
	return q;
}

static uint32_t *requeue_from; /* in a private page */

static void *requeue_waiter(void *arg)
{
	while (__atomic_load_n(requeue_from, __ATOMIC_SEQ_CST) == 0)
		futex(requeue_from, FUTEX_WAIT, 0, 0, NULL, 0);
	return arg;
}

#define TOUCHES 4 /* faults, each running reclaim: one clears the accessed
		   * bits, the next evicts what was not used since */

/*
 * A thread waits on a word in a private page; memory runs short, both
 * that page and the shared target page go to swap, the target comes back.
 * Then FUTEX_CMP_REQUEUE: the compare read faults the private page in, and
 * that fault's reclaim evicts the target page whose key was just taken.
 * The key's page must stay pinned: the moved waiter must be found by a
 * wake on the target word (before: a panic in page_get, or a waiter
 * never woken).  Before that, the first fault with memory locked this
 * short hung the kernel: the fault path's reclaim made two turns of the
 * clock and evicted every evictable page, the other page of the faulting
 * instruction too (mm/vmscan.c), so the instruction faulted forever.
 */
static void t_futex_requeue_pressure(void)
{
	uint32_t *shared = (uint32_t *)map_anon(PAGE, MAP_SHARED);
	size_t len1, len2;
	char *q1, *q2, *touch;
	pthread_t t;
	long moved, woken = 0;

	requeue_from = (uint32_t *)map_anon(PAGE, MAP_PRIVATE);
	touch = map_anon(TOUCHES * PAGE, MAP_PRIVATE);
	CHECK(shared && requeue_from && touch, "mmap");
	if (!shared || !requeue_from || !touch)
		return;
	*shared = 0;
	*requeue_from = 0;
	CHECK(pthread_create(&t, NULL, requeue_waiter, NULL) == 0, "pthread_create");
	usleep(20000); /* the waiter sleeps */
	q1 = make_short(&len1);
	for (int i = 0; i < TOUCHES; i++)
		touch[i * PAGE] = 1; /* reclaim evicts what it can */
	(void)*(volatile uint32_t *)shared; /* the target comes back */
	q2 = make_short(&len2);
	CHECK(q1, "lock memory");
	moved = futex(requeue_from, FUTEX_CMP_REQUEUE, 0, 1 << 30, shared, 0);
	if (q2)
		munmap(q2, len2);
	if (q1)
		munmap(q1, len1);
	CHECK(moved == 1, "FUTEX_CMP_REQUEUE moved %ld waiters, not 1", moved);
	__atomic_store_n(requeue_from, 1, __ATOMIC_SEQ_CST);
	for (int i = 0; i < 100 && woken < 1; i++) {
		woken = futex(shared, FUTEX_WAKE, 1, 0, NULL, 0);
		if (!woken)
			usleep(1000);
	}
	CHECK(woken == 1, "FUTEX_WAKE on the target woke %ld", woken);
	if (woken != 1)
		futex(requeue_from, FUTEX_WAKE, 1, 0, NULL, 0);
	CHECK(pthread_join(t, NULL) == 0, "the waiter returned");
}

/* ---- after each case ---- */

/* run_mm_case - the case, then its slot check and its leak check. */
static void run_mm_case(void (*fn)(void), const char *name)
{
	char what[96];
	long before = kmem_baseline();
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	run_case(fn, name);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# %s: %.2f s\n", name,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	swap_all_free(name);
	snprintf(what, sizeof(what), "%s: no kernel memory lost", name);
	leak_check(what, before, kmem_usage());
}

#define RUN_MM(fn) run_mm_case(fn, #fn)

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--exit"))
		return 0; /* exec'd by t_swapoff_during_exec */
	if (argc > 2 && !strcmp(argv[1], "--rounds"))
		rounds = atoi(argv[2]);
	printf("# mmrace_test: %d round(s)\n", rounds);
	/* This process's own pages must not go to swap: they would count
	 * as slots in use and as frames freed between the checks. */
	tap_result(mlockall(MCL_CURRENT) == 0, "mlockall: the test runner stays resident", NULL);
	tap_result(run_quiet("/bin/mkswap", "/dev/vda") == 0 && swapon("/dev/vda", 0) == 0,
		   "mkswap and swapon /dev/vda", NULL);
	RUN_MM(t_fault_own_page);
	RUN_MM(t_shared_dirty_after_exit);
	RUN_MM(t_swapoff_during_exec);
	for (int round = 0; round < rounds; round++)
		RUN_MM(t_futex_requeue_pressure);
	if (meminfo_kb("SwapFree:") == meminfo_kb("SwapTotal:"))
		tap_result(swapoff("/dev/vda") == 0, "swapoff /dev/vda at the end", NULL);
	else
		tap_result(0, "swapoff /dev/vda at the end", "slots were lost: not tried");
	return tap_done();
}
