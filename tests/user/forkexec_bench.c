/*
 * tests/user/forkexec_bench.c - latency of fork + execve + wait of a small
 * static program, and of fork + exit + wait, as medians of N runs.
 * usage: forkexec_bench [N]   (the child program is /tests/hello)
 */
#include "bench.h"
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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
	printf("fork+execve+wait: median %ld us over %d runs\n", median(t, n) / 1000, n);
	for (int i = 0; i < n; i++) {
		long t0 = now_ns();
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		waitpid(pid, NULL, 0);
		t[i] = now_ns() - t0;
	}
	printf("fork+exit+wait: median %ld us over %d runs\n", median(t, n) / 1000, n);
	return 0;
}
