/*
 * tests/user/vmbench.c - the benchmark of `make bench`: the costs of system
 * calls, page faults and process operations, each the median of REPS
 * repetitions timed with clock_gettime in the guest.  The same static
 * binary runs on vmos and, as /init, on Linux (tools/bench.py).
 *
 *   getpid            ns per call: the system-call round trip
 *   demand-zero       ns per page: 64 MiB of fresh anonymous memory touched
 *   cow               ns per page: a child writes 16 MiB its parent touched
 *   fork-exit-16M     us: fork, _exit, wait, with 16 MiB present
 *   fork-exit-16M-steady  us per round: the same 200 times in a row (20
 *                     with -q), so that the parent's entries are already
 *                     read-only: what fork and exit cost in steady state
 *   fork-exec         us: fork, execve of a small static program, wait
 *   mmap-cycle        ns: mmap one page, write it, munmap it
 *   brk-touch         ns per page: grow the heap a page, write it
 *   fault-N           ns per fault with N separate regions (N = 16, 1024,
 *                     16384), always in the same 16 of them: region lookup
 *   fault-N-spread    the same, the faults spread over all N regions
 *   pipe-rtt          ns: one byte there and back between two processes
 *
 * Output: "vmbench: start" first (tools/bench.py times the boot to it),
 * then one "NAME VALUE UNIT" line per benchmark, then "vmbench: done".
 * Run as PID 1 it powers the machine off at the end (Linux needs reboot();
 * vmos would also power off when init exits).
 *
 * usage: vmbench [-q]    -q: one repetition each (the test suite's run)
 *        vmbench -x      exit at once (the program fork-exec runs)
 *        vmbench -p      the faults tools/faultprof.py single-steps: 16
 *                        demand-zero faults at PROFILE_BASE, then 16
 *                        copy-on-write faults on the same pages in a child
 */
#define _GNU_SOURCE
#include "bench.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096ul
#define MAX_REPS 7

static const char *self = "/tests/vmbench"; /* for fork-exec's execve */

static void touch(char *p, size_t len)
{
	for (size_t i = 0; i < len; i += PAGE)
		p[i] = 1;
}

static char *map_anon(size_t len, int prot)
{
	char *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("vmbench: mmap");
		exit(1);
	}
	return p;
}

static long getpid_ns(void)
{
	int n = 20000;
	long t = now_ns();

	for (int i = 0; i < n; i++)
		syscall(SYS_getpid); /* not getpid(): a libc may cache it */
	return (now_ns() - t) / n;
}

static long demand_zero(void)
{
	size_t len = 64ul << 20;
	char *p = map_anon(len, PROT_READ | PROT_WRITE);
	long t = now_ns();

	touch(p, len);
	t = now_ns() - t;
	munmap(p, len);
	return t / (long)(len / PAGE);
}

static long cow(void)
{
	size_t len = 16ul << 20;
	char *p = map_anon(len, PROT_READ | PROT_WRITE);
	int fds[2];
	long t = 0;

	touch(p, len);
	if (pipe(fds) < 0)
		return -1;
	if (fork() == 0) {
		long t0 = now_ns();

		touch(p, len); /* every page: a copy-on-write fault */
		t0 = now_ns() - t0;
		write(fds[1], &t0, sizeof(t0));
		_exit(0);
	}
	if (read(fds[0], &t, sizeof(t)) != sizeof(t))
		t = -1;
	wait(NULL);
	close(fds[0]);
	close(fds[1]);
	munmap(p, len);
	return t / (long)(len / PAGE);
}

static long fork_exit(void)
{
	size_t len = 16ul << 20;
	char *p = map_anon(len, PROT_READ | PROT_WRITE);
	long t;

	touch(p, len);
	t = now_ns();
	if (fork() == 0)
		_exit(0);
	wait(NULL);
	t = now_ns() - t;
	munmap(p, len);
	return t / 1000;
}

static int steady_rounds = 200;

static long fork_exit_steady(void)
{
	size_t len = 16ul << 20;
	char *p = map_anon(len, PROT_READ | PROT_WRITE);
	long t;

	touch(p, len);
	t = now_ns();
	for (int i = 0; i < steady_rounds; i++) {
		if (fork() == 0)
			_exit(0);
		wait(NULL);
	}
	t = now_ns() - t;
	munmap(p, len);
	return t / 1000 / steady_rounds;
}

static long fork_exec(void)
{
	int n = 10;
	long t = now_ns();

	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			char *argv[] = { (char *)self, "-x", NULL };

			execv(self, argv);
			_exit(127);
		}
		waitpid(pid, NULL, 0);
	}
	return (now_ns() - t) / n / 1000;
}

static long mmap_cycle(void)
{
	int n = 200;
	long t = now_ns();

	for (int i = 0; i < n; i++) {
		char *p = map_anon(PAGE, PROT_READ | PROT_WRITE);

		p[0] = 1;
		munmap(p, PAGE);
	}
	return (now_ns() - t) / n;
}

static long brk_touch(void)
{
	char *b = (char *)syscall(SYS_brk, 0);
	int pages = 1024;
	long t = now_ns();

	for (int i = 0; i < pages; i++) {
		syscall(SYS_brk, b + (i + 1) * PAGE);
		b[i * PAGE] = 1;
	}
	t = now_ns() - t;
	syscall(SYS_brk, b);
	return t / pages;
}

/*
 * Fault cost with n separate regions mapped (a PROT_NONE page between each
 * two read-write pages keeps them from merging): 256 demand-zero faults,
 * each on a page given back with MADV_DONTNEED first.  spread: the faults
 * land all over the n regions (so memory locality changes with n too);
 * otherwise always in the same 16 regions, so only the region lookup
 * depends on n.
 */
static long fault_with_regions(int n, int spread)
{
	char *base = map_anon((size_t)n * 2 * PAGE, PROT_NONE);
	int span = spread ? n : 16;
	long t = 0;

	for (int i = 0; i < n; i++)
		mprotect(base + (size_t)i * 2 * PAGE, PAGE, PROT_READ | PROT_WRITE);
	for (int i = 0; i < span; i++)
		base[(size_t)i * 2 * PAGE] = 1; /* page tables exist */
	for (int i = 0; i < 256; i++) {
		char *q = base + (size_t)((i * 7919) % span) * 2 * PAGE;
		long t0;

		madvise(q, PAGE, MADV_DONTNEED);
		t0 = now_ns();
		q[0] = 1; /* the fault alone is timed */
		t += now_ns() - t0;
	}
	munmap(base, (size_t)n * 2 * PAGE);
	return t / 256;
}

static long pipe_rtt(void)
{
	int there[2], back[2], n = 2000;
	char c = 0;
	long t;
	pid_t pid;

	if (pipe(there) < 0 || pipe(back) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		close(there[1]); /* so that read sees the end when the parent closes */
		while (read(there[0], &c, 1) == 1)
			write(back[1], &c, 1);
		_exit(0);
	}
	t = now_ns();
	for (int i = 0; i < n; i++) {
		write(there[1], &c, 1);
		read(back[0], &c, 1);
	}
	t = now_ns() - t;
	close(there[1]);
	waitpid(pid, NULL, 0);
	close(there[0]);
	close(back[0]);
	close(back[1]);
	return t / n;
}

#define PROFILE_BASE 0x100000000000ul /* tools/faultprof.py knows it */
#define PROFILE_PAGES 16

static int profile_faults(void)
{
	size_t len = PROFILE_PAGES * PAGE;
	char *p = mmap((void *)PROFILE_BASE, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p != (char *)PROFILE_BASE) {
		perror("vmbench: mmap at PROFILE_BASE");
		return 1;
	}
	touch(p, len); /* demand-zero faults */
	if (fork() == 0) {
		touch(p, len); /* copy-on-write faults */
		_exit(0);
	}
	wait(NULL);
	printf("vmbench: profile faults done\n");
	return 0;
}

static int reps = MAX_REPS;

static void measure(const char *name, const char *unit, long (*fn)(void))
{
	long v[MAX_REPS];

	for (int r = 0; r < reps; r++)
		v[r] = fn();
	printf("%-20s %8ld %s\n", name, median(v, reps), unit);
	fflush(stdout);
}

#define REGIONS(n, spread) \
	static long fault_##n##_##spread(void) { return fault_with_regions(n, spread); }
REGIONS(16, 0)
REGIONS(1024, 0)
REGIONS(16384, 0)
REGIONS(1024, 1)
REGIONS(16384, 1)

int main(int argc, char **argv)
{
	struct utsname u;

	if (argc > 1 && !strcmp(argv[1], "-x"))
		return 0;
	if (argc > 1 && !strcmp(argv[1], "-p"))
		return profile_faults();
	printf("vmbench: start\n");
	fflush(stdout);
	if (argc > 1 && !strcmp(argv[1], "-q"))
		reps = 1, steady_rounds = 20;
	if (argv[0] && strchr(argv[0], '/'))
		self = argv[0];
	if (uname(&u) == 0)
		printf("vmbench: kernel %s %s\n", u.sysname, u.release);

	measure("getpid", "ns", getpid_ns);
	measure("demand-zero", "ns/page", demand_zero);
	measure("cow", "ns/page", cow);
	measure("fork-exit-16M", "us", fork_exit);
	measure("fork-exit-16M-steady", "us", fork_exit_steady);
	measure("fork-exec", "us", fork_exec);
	measure("mmap-cycle", "ns", mmap_cycle);
	measure("brk-touch", "ns/page", brk_touch);
	measure("fault-16", "ns", fault_16_0);
	measure("fault-1024", "ns", fault_1024_0);
	measure("fault-16384", "ns", fault_16384_0);
	measure("fault-1024-spread", "ns", fault_1024_1);
	measure("fault-16384-spread", "ns", fault_16384_1);
	measure("pipe-rtt", "ns", pipe_rtt);
	printf("vmbench: done\n");
	fflush(stdout);
	if (getpid() == 1)
		reboot(RB_POWER_OFF);
	return 0;
}
