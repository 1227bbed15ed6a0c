/*
 * user/demos/lazy.c - memory is promised at once and given page by page.
 *
 * Grows the heap (brk) and maps anonymous memory, 20 MiB each, and
 * prints VmSize and VmRSS from /proc/self/status after each step: the
 * size jumps at once, the resident set only when the pages are written,
 * one zero-filled frame per page at its first touch.
 */
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include "demo.h"

#define GROWTH (20UL << 20)

/* report - print VmSize and VmRSS now, after step; returns VmRSS. */
static long report(const char *step)
{
	long rss = status_kb(0, "VmRSS");

	printf("lazy: %-34s VmSize %7ld kB  VmRSS %7ld kB\n", step,
	       status_kb(0, "VmSize"), rss);
	return rss;
}

int main(void)
{
	long rss_start, rss_reserved, rss_written;
	char *heap, *map;

	printf("lazy: look how VmSize jumps by 20 MiB at each brk and mmap while "
	       "VmRSS grows only when the pages are written.\n");
	rss_start = report("at start");
	heap = (char *)syscall(SYS_brk, 0);
	if ((char *)syscall(SYS_brk, heap + GROWTH) != heap + GROWTH)
		return 1;
	report("after brk +20 MiB");
	map = mmap(NULL, GROWTH, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return 1;
	rss_reserved = report("after mmap 20 MiB");
	memset(heap, 1, GROWTH);
	report("after writing the heap");
	memset(map, 1, GROWTH);
	rss_written = report("after writing the mmap");
	printf("lazy: reserving %lu kB added %ld kB of VmRSS; writing it added "
	       "%ld kB\n", 2 * GROWTH >> 10, rss_reserved - rss_start,
	       rss_written - rss_reserved);
	return 0;
}
