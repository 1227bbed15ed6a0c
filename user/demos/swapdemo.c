/*
 * user/demos/swapdemo.c - more memory than the machine has.
 *
 * Turns swap on (/dev/vda, prepared with busybox's mkswap if it has no
 * swap signature yet), then writes memory 16 MiB at a time until it has
 * written more than RAM.  After each step: VmRSS and VmSwap of this
 * process, SwapFree of the machine, and pswpout, the pages written to
 * swap so far.  Once RAM is full, VmRSS stops growing and VmSwap grows
 * instead.  Then it reads everything back: each page in swap costs a
 * major fault (a disk read), VmRSS and VmSwap move the other way, and
 * every page still holds what was written.  Each part is freed once
 * read, so VmSwap falls step by step; reading evicts too (RAM cannot
 * hold it all), which pswpout shows.
 *
 *   swapdemo [MiB]      (default: one and a half times MemTotal)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/swap.h>
#include "demo.h"

#define MiB (1UL << 20)
#define STEP (16 * MiB)
#define DISK "/dev/vda"

/* proc_value - the number after "name" in path, or -1. */
static long proc_value(const char *path, const char *name)
{
	char line[256];
	size_t n = strlen(name);
	long value = -1;
	FILE *f = fopen(path, "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n)) {
			value = strtol(line + n, NULL, 10);
			break;
		}
	if (f)
		fclose(f);
	return value;
}

static long majflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_majflt;
}

static void show(const char *what)
{
	printf("swapdemo: %-22s VmRSS %6ld kB  VmSwap %6ld kB  SwapFree %6ld kB  "
	       "pswpout %6ld  majflt %5ld\n", what, status_kb(0, "VmRSS"),
	       status_kb(0, "VmSwap"), proc_value("/proc/meminfo", "SwapFree:"),
	       proc_value("/proc/vmstat", "pswpout "), majflt());
	fflush(stdout);
}

/* swap_on - turn on swap on DISK, running mkswap first if it has no
 * swap signature; 0 if swap is on. */
static int swap_on(void)
{
	if (proc_value("/proc/meminfo", "SwapTotal:") > 0)
		return 0;
	if (swapon(DISK, 0) == 0)
		return 0;
	if (errno == EINVAL) {
		printf("swapdemo: %s has no swap signature: running mkswap %s\n", DISK, DISK);
		fflush(stdout);
		if (system("mkswap " DISK " >/dev/null") == 0 && swapon(DISK, 0) == 0)
			return 0;
	}
	perror("swapdemo: swapon " DISK);
	return -1;
}

int main(int argc, char **argv)
{
	long total_kb = proc_value("/proc/meminfo", "MemTotal:");
	size_t len = argc > 1 ? strtoul(argv[1], NULL, 10) * MiB
			      : (size_t)total_kb * 1024 * 3 / 2 / STEP * STEP;
	char *p, label[32];
	size_t bad = 0;

	printf("swapdemo: look for VmRSS to stop growing at the size of RAM while "
	       "VmSwap grows, and for major faults when the memory is read back.\n");
	if (swap_on())
		return 1;
	printf("swapdemo: RAM %ld kB, swap %ld kB; writing %zu MiB, %lu MiB at a time\n",
	       total_kb, proc_value("/proc/meminfo", "SwapTotal:"), len / MiB, STEP / MiB);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	show("before");
	for (size_t done = 0; done < len; done += STEP) {
		for (size_t off = done; off < done + STEP; off += PAGE_SIZE_4K)
			memset(p + off, (int)(off / PAGE_SIZE_4K % 251), PAGE_SIZE_4K);
		snprintf(label, sizeof(label), "wrote %zu MiB", (done + STEP) / MiB);
		show(label);
	}
	printf("swapdemo: reading it back 16 MiB at a time, oldest first, and freeing "
	       "each part once read: its pages in swap are major faults\n");
	for (size_t done = 0; done < len; done += STEP) {
		for (size_t off = done; off < done + STEP; off += PAGE_SIZE_4K)
			bad += p[off] != (char)(off / PAGE_SIZE_4K % 251) ||
			       p[off + PAGE_SIZE_4K - 1] != (char)(off / PAGE_SIZE_4K % 251);
		snprintf(label, sizeof(label), "read %zu MiB", (done + STEP) / MiB);
		show(label);
		munmap(p + done, STEP);
	}
	printf("swapdemo: %zu pages differ from what was written\n", bad);
	show("all freed");
	if (status_kb(0, "VmSwap") > 0)
		printf("swapdemo: what VmSwap still counts are pages of swapdemo's own "
		       "(data, stack) not used since they went out\n");
	return bad != 0;
}
