/*
 * tests/user/bench_malloc.c - the memory-hungry program of `make bench`
 * (issue 17): allocate 256 MiB with malloc in pieces of 64 KiB to 4 MiB,
 * write every page, free it all, and do it again with the pieces in
 * another order, ROUNDS times.  musl's malloc serves small pieces from
 * brk/mmap'd groups and large ones from mmap, so this exercises brk,
 * mmap, munmap and the demand-zero fault the way a real program does.
 *
 * usage: bench_malloc [MiB [ROUNDS]]     (default 256 MiB, 2 rounds)
 * Output: "bench_malloc: N pieces, M MiB, R rounds, T ns" and exit 0;
 * exit 1 if malloc fails or a page does not read back what was written.
 */
#include "bench.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 4096ul
#define MAX_PIECES 8192

static unsigned long seed = 12345;

/* rnd - a fixed pseudo-random sequence, the same on every kernel. */
static unsigned long rnd(void)
{
	seed = seed * 6364136223846793005ul + 1442695040888963407ul;
	return seed >> 33;
}

static size_t sizes[MAX_PIECES];
static char *pieces[MAX_PIECES];

/* one_round - allocate and touch every piece in ORDER, then free them. */
static int one_round(int n, int reverse)
{
	for (int k = 0; k < n; k++) {
		int i = reverse ? n - 1 - k : k;
		char *p = malloc(sizes[i]);

		if (!p) {
			fprintf(stderr, "bench_malloc: malloc(%zu) failed\n", sizes[i]);
			return -1;
		}
		for (size_t off = 0; off < sizes[i]; off += PAGE)
			p[off] = (char)i;
		pieces[i] = p;
	}
	for (int i = 0; i < n; i++) {
		if (pieces[i][0] != (char)i) {
			fprintf(stderr, "bench_malloc: piece %d reads back wrong\n", i);
			return -1;
		}
		free(pieces[i]);
	}
	return 0;
}

int main(int argc, char **argv)
{
	size_t total = (argc > 1 ? strtoul(argv[1], NULL, 0) : 256) << 20;
	int rounds = argc > 2 ? atoi(argv[2]) : 2;
	size_t sum = 0;
	int n = 0;

	/* sizes from 64 KiB to 4 MiB, log-uniform, up to the total */
	while (n < MAX_PIECES && sum < total) {
		size_t s = (64ul << 10) << (rnd() % 7); /* 64 KiB .. 4 MiB */

		s += (rnd() % (s / PAGE)) * PAGE / 2;
		if (s > (4ul << 20))
			s = 4ul << 20;
		if (s > total - sum)
			s = total - sum;
		sizes[n++] = s;
		sum += s;
	}
	long t = now_ns();
	for (int r = 0; r < rounds; r++)
		if (one_round(n, r & 1))
			return 1;
	t = now_ns() - t;
	printf("bench_malloc: %d pieces, %zu MiB, %d rounds, %ld ns\n", n,
	       sum >> 20, rounds, t);
	return 0;
}
