/*
 * tests/user/bench.h - timing for the in-guest benchmark programs: a
 * monotonic clock in nanoseconds and the median of a set of samples.
 */
#ifndef TESTS_USER_BENCH_H
#define TESTS_USER_BENCH_H

#include <stdlib.h>
#include <time.h>

static inline long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000l + ts.tv_nsec;
}

static inline int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* median - the middle of n samples (v is sorted in place). */
static inline long median(long *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_long);
	return v[n / 2];
}

#endif
