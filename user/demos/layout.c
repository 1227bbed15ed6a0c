/*
 * user/demos/layout.c - where a program's things live.
 *
 * Prints the address of a function, an initialized global, a zero
 * global, a malloc'd block, an mmap'd block, a stack local, argv,
 * environ, the linker's etext/edata/end, a block from sbrk and the
 * program break (just past the heap, so in no region), sorted by
 * address, each next to the /proc/self/maps line of the region that
 * holds it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "demo.h"

extern char etext, edata, end; /* defined by the linker */
extern char **environ;

int initialized_global = 42;
int zero_global;

struct thing {
	const char *what;
	const void *addr;
};

static int by_address(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct thing *)a)->addr;
	uintptr_t y = (uintptr_t)((const struct thing *)b)->addr;

	return x < y ? -1 : x > y;
}

/*
 * grow_heap - move the program break up by n bytes with the brk system
 * call (musl's sbrk only answers sbrk(0), and its malloc uses mmap);
 * returns the old break, the start of the new heap block, or NULL.
 */
static void *grow_heap(unsigned long n)
{
	char *old = (char *)syscall(SYS_brk, 0);

	if ((char *)syscall(SYS_brk, old + n) != old + n)
		return NULL;
	return old;
}

/* show - one thing: its address, and its region's maps line. */
static void show(const struct thing *t)
{
	char line[512];

	if (maps_line(t->addr, line, sizeof(line)) < 0)
		snprintf(line, sizeof(line), "(in no region)");
	printf("%-22s %18p  %s\n", t->what, t->addr, line);
}

int main(int argc, char **argv)
{
	int local = 1;
	void *block = malloc(100);
	void *heap = grow_heap(4096);
	void *map = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct thing t[] = {
		{ "function main", (const void *)main },
		{ "initialized global", &initialized_global },
		{ "zero global (bss)", &zero_global },
		{ "malloc(100)", block },
		{ "mmap anonymous", map },
		{ "stack local", &local },
		{ "argv[0] string", argv[0] },
		{ "environ[0] string", environ[0] },
		{ "etext (end of code)", &etext },
		{ "edata (end of data)", &edata },
		{ "end (end of bss)", &end },
		{ "heap block (brk +4 KiB)", heap },
		{ "program break (brk)", sbrk(0) },
	};
	size_t n = sizeof(t) / sizeof(t[0]);

	printf("layout: look for each kind of thing in its own region: code "
	       "and globals low in the program's file, heap above them, mmap and "
	       "stack near the top.\n");
	if (map == MAP_FAILED || !heap || !environ[0])
		return 1;
	qsort(t, n, sizeof(t[0]), by_address);
	for (size_t i = 0; i < n; i++)
		show(&t[i]);
	return initialized_global + zero_global + local - 43;
}
