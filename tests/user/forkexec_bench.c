/*
 * tests/user/forkexec_bench.c - latency of fork + execve + wait of a small
 * static program, and of fork + exit + wait, as medians of N runs.
 * usage: forkexec_bench [N]   (the child program is /tests/hello)
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000l + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

static long median_us(long *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return v[n / 2] / 1000;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 21;
	long *t = calloc((size_t)n, sizeof(long));
	char *child_argv[] = { "/tests/hello", "0", NULL };

	for (int i = 0; i < n; i++) {
		long t0 = now_ns();
		pid_t pid = fork();

		if (pid == 0) {
			int fd = dup(1);
			close(1); /* keep the benchmark's output clean */
			execv(child_argv[0], child_argv);
			dup2(fd, 1);
			_exit(127);
		}
		waitpid(pid, NULL, 0);
		t[i] = now_ns() - t0;
	}
	printf("fork+execve+wait: median %ld us over %d runs\n", median_us(t, n), n);
	for (int i = 0; i < n; i++) {
		long t0 = now_ns();
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		waitpid(pid, NULL, 0);
		t[i] = now_ns() - t0;
	}
	printf("fork+exit+wait: median %ld us over %d runs\n", median_us(t, n), n);
	return 0;
}
