/*
 * tests/user/lab_swap.c - the grader of the page-replacement lab
 * (docs/labs/swap.md; tests/labs/swap.py gives its cases their points).
 * Booted with little memory and a virtio disk for swap (/dev/vda).
 *
 * One worker process keeps a hot working set of HOT pages in use (it
 * writes every hot page after every stride pages of the sweep) while it
 * writes a cold sweep of five times free memory once, so that the kernel
 * must evict.  A policy that gives pages used since the hand last passed
 * a second chance (the clock) keeps the hot pages resident: the worker's
 * faults during the sweep beyond the sweep's own first touches (only hot
 * pages are ever touched again while it runs) stay few.  One that evicts
 * in frame order whatever it meets (FIFO) evicts each hot page once a
 * turn of the hand and reads it back at its next use.  Then the worker
 * reads every page back.
 *
 * The worker reports through a shared page; a kernel that finds no
 * victim ends it by the OOM killer, and its cases fail.
 */
#include "tap.h"
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/swap.h>

#define PAGE 4096
#define HOT 32      /* pages in the working set */
static long stride = 4;  /* sweep pages between two uses of the working set */
static long sweep = 5;   /* the sweep's size, in free memories */
/*
 * Faults of the working set during the sweep, counted from the second
 * free memory's worth of it on, at most.  A page brought back from swap
 * by a write costs one counted fault (the task sleeps while the disk
 * reads, and the fault that maps the page after is the one counted; it
 * is mapped writable if no other entry holds its slot).  Measured
 * at 24 MiB (docs/labs/swap.md), 25 runs: the clock 1-35, FIFO 230-236
 * (each hot page once a turn of the hand).  Not
 * counted: when memory first runs low every page is young at once, one
 * turn clears every bit and the next takes everything, the working set
 * too.  (At 32 MiB on a loaded host the clock lost the working set up to
 * 77 times: when kswapd0 fell behind, the OOM path's two-turn reclaim
 * took pages in use.)
 */
#define HOT_FAULT_BOUND 100

struct report {
	int done;         /* the worker got to the end */
	long cold_pages;  /* the sweep's size */
	long majflt;      /* major faults during the sweep */
	long hot_faults;  /* faults during the sweep but the sweep's own */
	long bad;         /* pages that did not read back their value */
};

static struct report *rep;

static long vmstat(const char *name)
{
	return text_field(slurp("/proc/vmstat"), name);
}

/* Faults of this process so far, major (read from disk) and minor. */
static long faults(long *major)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	*major = ru.ru_majflt;
	return ru.ru_majflt + ru.ru_minflt;
}

/* The value page i of a region with tag holds (a word at its start and
 * one at its end). */
static unsigned long value(long i, int tag)
{
	return (unsigned long)i * 2654435761u + (unsigned long)tag;
}

static void put(char *page, long i, int tag)
{
	((unsigned long *)page)[0] = value(i, tag);
	((unsigned long *)(page + PAGE))[-1] = value(i, tag);
}

static int holds(const char *page, long i, int tag)
{
	return ((const unsigned long *)page)[0] == value(i, tag) &&
	       ((const unsigned long *)(page + PAGE))[-1] == value(i, tag);
}

static void worker(void)
{
	long n = rep->cold_pages, before = 0, major0 = 0, major1;
	char *hot = mmap(NULL, HOT * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *cold = mmap(NULL, (size_t)n * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (hot == MAP_FAILED || cold == MAP_FAILED)
		_exit(2);
	for (long h = 0; h < HOT; h++)
		put(hot + h * PAGE, h, 1);
	for (long i = 0; i < n; i++) {
		/* Count from the second free memory's worth on: when memory
		 * first runs low every page is young at once, and any policy
		 * may take the working set then (see HOT_FAULT_BOUND). */
		if (i == n / sweep)
			before = faults(&major0);
		put(cold + i * PAGE, i, 2);
		if (i % stride == 0)
			for (long h = 0; h < HOT; h++)
				put(hot + h * PAGE, h, (int)(i / stride + 3));
	}
	/* each sweep page's first touch is one fault; the rest are the
	 * working set's, read back after an eviction */
	rep->hot_faults = faults(&major1) - before - (n - n / sweep);
	rep->majflt = major1 - major0;
	for (long h = 0; h < HOT; h++)
		rep->bad += !holds(hot + h * PAGE, h, (int)((n - 1) / stride + 3));
	for (long i = 0; i < n; i++)
		rep->bad += !holds(cold + i * PAGE, i, 2);
	rep->done = 1;
}

/* lab_swap [SWEEP [STRIDE]]: other sizes, to measure. */
int main(int argc, char **argv)
{
	long out0, slots, free_kb;
	int status = -1, swapped;
	pid_t pid;

	/* The runner's own pages stay resident: only the worker's go to swap. */
	mlockall(MCL_CURRENT | MCL_FUTURE);
	rep = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rep == MAP_FAILED || run_quiet("/bin/mkswap", "/dev/vda") || swapon("/dev/vda", 0))
		printf("# lab_swap: mkswap or swapon /dev/vda failed\n");
	if (argc > 1)
		sweep = atol(argv[1]);
	if (argc > 2)
		stride = atol(argv[2]);
	free_kb = meminfo_kb("MemFree:");
	rep->cold_pages = free_kb / 4 * sweep; /* sweep times free memory */
	printf("# lab_swap: MemFree %ld kB, a sweep of %ld pages, %d hot pages used "
	       "every %ld\n", free_kb, rep->cold_pages, HOT, stride);
	out0 = vmstat("pswpout");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		worker();
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	swapped = vmstat("pswpout") - out0;
	printf("# lab_swap: worker wait status 0x%x, %d pages written to swap, "
	       "%ld faults of the working set during the sweep (%ld major), "
	       "%ld pages wrong\n",
	       status, swapped, rep->hot_faults, rep->majflt, rep->bad);
	int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && rep->done;

	tap_result(ok && swapped >= rep->cold_pages / 8,
		   "a sweep larger than memory completes, pages go to swap", NULL);
	tap_result(ok && rep->bad == 0, "every page reads back its value", NULL);
	tap_result(ok && rep->hot_faults <= HOT_FAULT_BOUND,
		   "the hot working set stays resident: few faults", NULL);
	slots = meminfo_kb("SwapTotal:") - meminfo_kb("SwapFree:");
	printf("# lab_swap: %ld kB of swap in use after the worker's exit\n", slots);
	tap_result(ok && swapped > 0 && slots == 0,
		   "every swap slot is free again after the worker exits", NULL);
	swapoff("/dev/vda");
	return tap_done();
}
