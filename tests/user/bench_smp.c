/*
 * tests/user/bench_smp.c - do page faults scale over CPUs?  (issue 18's
 * targets, measured in the guest by its own clock, so that vmos and the
 * Linux peer boot the same program at the same -smp.)
 *
 *	bench_smp [MiB]		(default 32)
 *
 * Each case demand-faults MiB of fresh anonymous memory per worker
 * (one write per 4 KiB page) and prints the wall time of one worker
 * alone, then of two at once on two CPUs (pinned), as processes and as
 * threads of one process, and the ratio "two / one": 1.0 means the
 * faults ran fully in parallel, 2.0 that they took turns.  The median of
 * 5 rounds each.  Runs as init (PID 1) on either kernel, then powers off
 * by exiting (vmos) or with reboot(2) (Linux).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 5
static size_t bytes;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void fault_all(void)
{
	char *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (m == MAP_FAILED)
		exit(2);
	for (size_t off = 0; off < bytes; off += 4096)
		m[off] = 1;
	munmap(m, bytes);
}

static void *thread_main(void *arg)
{
	pin((int)(long)arg);
	fault_all();
	return NULL;
}

/* n workers at once (processes or threads), each on its CPU: seconds. */
static double run(int n, int threads)
{
	double t0 = now();

	if (threads) {
		pthread_t th[2];

		for (long i = 0; i < n; i++)
			pthread_create(&th[i], NULL, thread_main, (void *)i);
		for (int i = 0; i < n; i++)
			pthread_join(th[i], NULL);
	} else {
		pid_t pid[2];

		for (int i = 0; i < n; i++) {
			pid[i] = fork();
			if (pid[i] == 0) {
				pin(i);
				fault_all();
				_exit(0);
			}
		}
		for (int i = 0; i < n; i++)
			waitpid(pid[i], NULL, 0);
	}
	return now() - t0;
}

static double median(double *v)
{
	for (int i = 1; i < ROUNDS; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[ROUNDS / 2];
}

static void bench(const char *what, int threads)
{
	double one[ROUNDS], two[ROUNDS], a, b;

	for (int r = 0; r < ROUNDS; r++) {
		one[r] = run(1, threads);
		two[r] = run(2, threads);
	}
	a = median(one);
	b = median(two);
	printf("bench_smp: %s faulting %zu MiB each: one %.1f ms, two at once %.1f ms: "
	       "%.2fx\n", what, bytes >> 20, a * 1e3, b * 1e3, b / a);
}

int main(int argc, char **argv)
{
	bytes = (size_t)(argc > 1 ? atoi(argv[1]) : 32) << 20;
	printf("bench_smp: %ld CPUs\n", sysconf(_SC_NPROCESSORS_ONLN));
	if (sysconf(_SC_NPROCESSORS_ONLN) >= 2) {
		bench("two processes", 0);
		bench("two threads of one process", 1);
	}
	fflush(stdout);
	if (getpid() == 1 && access("/proc/vmos", F_OK) != 0 &&
	    access("/proc/kmem", F_OK) != 0)
		reboot(RB_POWER_OFF); /* Linux: init must not exit */
	return 0;
}
