/*
 * tests/user/lab_swap.c - the grader of the page-replacement lab
 * (docs/labs/swap.md; tests/labs/swap.py gives its cases their points).
 * Booted with little memory and a virtio disk for swap (/dev/vda).
 *
 * One worker process keeps a hot working set of HOT pages in use (it
 * writes every hot page after every STRIDE pages of the sweep) while it
 * writes a cold sweep larger than free memory once, so that the kernel
 * must evict.  A policy that gives pages used since the hand last passed
 * a second chance (the clock) keeps the hot pages resident: the worker's
 * major faults during the sweep (only hot pages are ever touched again
 * while it runs) stay few.  One that evicts in frame order whatever it
 * meets (FIFO) evicts each hot page once a turn and reads it back at its
 * next use.  Then the worker reads every page back.
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
#define STRIDE 16   /* sweep pages between two uses of the working set */
/* Major faults of the hot pages during the sweep, at most: the clock
 * (measured) takes a handful, FIFO takes several per hot page (see
 * docs/labs/swap.md for the numbers). */
#define HOT_MAJFLT_BOUND 16

struct report {
	int done;         /* the worker got to the end */
	long cold_pages;  /* the sweep's size */
	long majflt;      /* major faults during the sweep */
	long bad;         /* pages that did not read back their value */
};

static struct report *rep;

static long vmstat(const char *name)
{
	return text_field(slurp("/proc/vmstat"), name);
}

static long majflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_majflt;
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
	long n = rep->cold_pages, before;
	char *hot = mmap(NULL, HOT * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *cold = mmap(NULL, (size_t)n * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (hot == MAP_FAILED || cold == MAP_FAILED)
		_exit(2);
	for (long h = 0; h < HOT; h++)
		put(hot + h * PAGE, h, 1);
	before = majflt();
	for (long i = 0; i < n; i++) {
		put(cold + i * PAGE, i, 2);
		if (i % STRIDE == 0)
			for (long h = 0; h < HOT; h++)
				put(hot + h * PAGE, h, (int)(i / STRIDE) + 3);
	}
	rep->majflt = majflt() - before;
	for (long h = 0; h < HOT; h++)
		rep->bad += !holds(hot + h * PAGE, h, (int)((n - 1) / STRIDE) + 3);
	for (long i = 0; i < n; i++)
		rep->bad += !holds(cold + i * PAGE, i, 2);
	rep->done = 1;
}

int main(void)
{
	long out0, slots, free_kb;
	int status = -1, swapped;
	pid_t pid;

	/* The runner's own pages stay resident: only the worker's go to swap. */
	mlockall(MCL_CURRENT | MCL_FUTURE);
	rep = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rep == MAP_FAILED || run_quiet("/bin/mkswap", "/dev/vda") || swapon("/dev/vda", 0))
		printf("# lab_swap: mkswap or swapon /dev/vda failed\n");
	free_kb = meminfo_kb("MemFree:");
	rep->cold_pages = free_kb / 4 + free_kb / 16; /* free memory and a quarter */
	printf("# lab_swap: MemFree %ld kB, a sweep of %ld pages, %d hot pages used "
	       "every %d\n", free_kb, rep->cold_pages, HOT, STRIDE);
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
	       "%ld major faults during the sweep, %ld pages wrong\n",
	       status, swapped, rep->majflt, rep->bad);
	int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && rep->done;

	tap_result(ok && swapped >= rep->cold_pages / 8,
		   "a sweep larger than memory completes, pages go to swap", NULL);
	tap_result(ok && rep->bad == 0, "every page reads back its value", NULL);
	tap_result(ok && rep->majflt <= HOT_MAJFLT_BOUND,
		   "the hot working set stays resident: few major faults", NULL);
	slots = meminfo_kb("SwapTotal:") - meminfo_kb("SwapFree:");
	printf("# lab_swap: %ld kB of swap in use after the worker's exit\n", slots);
	tap_result(ok && swapped > 0 && slots == 0,
		   "every swap slot is free again after the worker exits", NULL);
	swapoff("/dev/vda");
	return tap_done();
}
