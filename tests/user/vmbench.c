/*
 * tests/user/vmbench.c - the costs of the virtual-memory paths, as medians
 * of REPS repetitions (clock_gettime in the guest):
 *   demand-zero fault      ns per page, 64 MiB touched once
 *   COW fault after fork   ns per page, 16 MiB written by the child
 *   fork+exit+wait         us, with 16 MiB touched
 *   mmap+touch+munmap      ns, one page
 *   brk growth + touch     ns per page
 *   fault cost             ns per fault with 16, 1024 and 16384 regions
 * Prints one "name: value unit" line each; the same program is meant to
 * run on Linux for comparison (issue 7's make bench).
 */
#define _GNU_SOURCE
#include "bench.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096ul
#define REPS 7

static void touch(char *p, size_t len)
{
	for (size_t i = 0; i < len; i += PAGE)
		p[i] = 1;
}

static long demand_zero(void)
{
	size_t len = 64ul << 20;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long t = now_ns();

	touch(p, len);
	t = now_ns() - t;
	munmap(p, len);
	return t / (long)(len / PAGE);
}

static long cow(void)
{
	size_t len = 16ul << 20;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fds[2];
	long t = 0;

	touch(p, len);
	pipe(fds);
	if (fork() == 0) {
		long t0 = now_ns();

		touch(p, len); /* every page: a copy-on-write fault */
		t0 = now_ns() - t0;
		write(fds[1], &t0, sizeof(t0));
		_exit(0);
	}
	read(fds[0], &t, sizeof(t));
	wait(NULL);
	close(fds[0]);
	close(fds[1]);
	munmap(p, len);
	return t / (long)(len / PAGE);
}

static long fork_exit(void)
{
	size_t len = 16ul << 20;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
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

static long mmap_cycle(void)
{
	long t = now_ns();

	for (int i = 0; i < 100; i++) {
		char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		p[0] = 1;
		munmap(p, PAGE);
	}
	return (now_ns() - t) / 100;
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
 * Fault cost with n separate regions mapped (alternate protections keep
 * neighbours from merging): 256 demand-zero faults, each on a page given
 * back with MADV_DONTNEED first.  spread: the faults land all over the n
 * regions (so memory locality changes with n too); local: always in the
 * same 16 regions, so only the region lookup depends on n.
 */
static long fault_with_regions(int n, int spread)
{
	char *base = mmap(NULL, (size_t)n * 2 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
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

#define MEASURE(name, unit, expr)                         \
	do {                                              \
		long v[REPS];                             \
		for (int r = 0; r < REPS; r++)            \
			v[r] = (expr);                    \
		printf("%-24s %8ld %s\n", name, median(v, REPS), unit); \
		fflush(stdout);                           \
	} while (0)

int main(void)
{
	MEASURE("demand-zero fault:", "ns/page", demand_zero());
	MEASURE("COW fault:", "ns/page", cow());
	MEASURE("fork+exit+wait 16 MiB:", "us", fork_exit());
	MEASURE("mmap+touch+munmap:", "ns", mmap_cycle());
	MEASURE("brk+touch:", "ns/page", brk_touch());
	MEASURE("fault, 16 regions:", "ns", fault_with_regions(16, 0));
	MEASURE("fault, 1024 regions:", "ns", fault_with_regions(1024, 0));
	MEASURE("fault, 16384 regions:", "ns", fault_with_regions(16384, 0));
	MEASURE("fault, 1024 spread:", "ns", fault_with_regions(1024, 1));
	MEASURE("fault, 16384 spread:", "ns", fault_with_regions(16384, 1));
	return 0;
}
