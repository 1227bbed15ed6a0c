/*
 * tests/user/sched_test.c - no task can stall the machine (issue 14, 1):
 * CPU hogs of every kind (a user-mode loop, a system-call loop, a loop of
 * faults each handled by a signal handler, a sched_yield loop, a waitpid
 * loop that gets ECHILD, a pread loop on /proc/uptime) run beside an
 * interactive process, which must still get the CPU within 100 ms of guest
 * time, and signals must reach a process that never enters the kernel.
 * Run by the harness as init (init=/tests/sched_test); TAP on the console.
 */
#define _GNU_SOURCE
#include "tap.h"
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>

/*
 * The bounds.  Guest time runs on while the host does not run QEMU (under
 * TCG the TSC follows the host's clock), and then the guest's timer
 * interrupts arrive late and merged: no guest scheduler can hide that, so
 * the typical (median) latency must be within 100 ms, the bound,
 * and the worst within 5 s (a starved task waits forever; a host busy
 * with other QEMUs has been seen to stall one for 1.5 s).
 */
#define MAX_LATENCY_NS 100000000l  /* 100 ms */
#define MAX_OUTLIER_NS 5000000000l /* 5 s */
#define HOG_COPIES 2
#define ROUNDS 20

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* median - of the n values in v (sorted in place). */
static long median(long *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_long);
	return v[n / 2];
}

static long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000l + t.tv_nsec;
}

/* ---- the hogs: each runs until killed ---- */

static void hog_user(void)
{
	for (volatile unsigned long i = 0;; i++)
		;
}

static void hog_syscall(void)
{
	for (;;)
		getppid();
}

static void hog_yield(void)
{
	for (;;)
		sched_yield();
}

static void hog_waitpid(void)
{
	for (;;)
		waitpid(-1, NULL, WNOHANG); /* no children: ECHILD at once */
}

static void hog_pread(void)
{
	int fd = open("/proc/uptime", O_RDONLY);
	char buf[64];

	for (;;)
		pread(fd, buf, sizeof(buf), 0);
}

/* A write to a read-only page, caught by a handler that makes the page
 * writable for a moment and read-only again: a fault and a signal frame
 * per iteration, forever. */
static char *fault_page;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)si, (void)uc;
	mprotect(fault_page, 4096, PROT_READ | PROT_WRITE);
}

static void hog_fault(void)
{
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };

	fault_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sigaction(SIGSEGV, &sa, NULL);
	for (;;) {
		*(volatile char *)fault_page = 1;
		mprotect(fault_page, 4096, PROT_READ);
	}
}

static void (*const hogs[])(void) = {
	hog_user, hog_syscall, hog_fault, hog_yield, hog_waitpid, hog_pread,
};
#define NHOGS (int)(sizeof(hogs) / sizeof(hogs[0]))

static pid_t hog_pids[NHOGS * HOG_COPIES];

static void start_hogs(void)
{
	for (int i = 0; i < NHOGS * HOG_COPIES; i++) {
		hog_pids[i] = fork();
		if (hog_pids[i] == 0) {
			hogs[i % NHOGS]();
			_exit(0);
		}
	}
}

/* stop_hogs - kill every hog and reap it; false if one did not die of
 * SIGKILL (a hog that cannot be killed is a stalled machine too). */
static bool stop_hogs(void)
{
	bool ok = true;

	for (int i = 0; i < NHOGS * HOG_COPIES; i++)
		kill(hog_pids[i], SIGKILL);
	for (int i = 0; i < NHOGS * HOG_COPIES; i++) {
		int status = 0;

		if (waitpid(hog_pids[i], &status, 0) != hog_pids[i] ||
		    !WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
			ok = false;
	}
	return ok;
}

/* ---- the cases ---- */

/* A sleeper wakes on time: nanosleep(5 ms) returns within 100 ms. */
static void t_sleeper_beside_hogs(void)
{
	long late[ROUNDS], mid;

	start_hogs();
	for (int i = 0; i < ROUNDS; i++) {
		struct timespec d = { 0, 5000000 };
		long t0 = now_ns();

		nanosleep(&d, NULL);
		late[i] = now_ns() - t0 - d.tv_nsec;
	}
	mid = median(late, ROUNDS);
	printf("# nanosleep(5 ms) beside %d hogs: %ld us late (median), at most "
	       "%ld us\n", NHOGS * HOG_COPIES, mid / 1000, late[ROUNDS - 1] / 1000);
	CHECK(mid < MAX_LATENCY_NS, "a sleeper woke %ld ms late", mid / 1000000);
	CHECK(late[ROUNDS - 1] < MAX_OUTLIER_NS, "once %ld ms late",
	      late[ROUNDS - 1] / 1000000);
	CHECK(stop_hogs(), "every hog dies of SIGKILL");
}

/* A process blocked on a pipe answers within 100 ms. */
static void t_pipe_echo_beside_hogs(void)
{
	int req[2], rsp[2];
	long took[ROUNDS], mid;
	pid_t echo;
	char c = 'x';

	CHECK(pipe(req) == 0 && pipe(rsp) == 0, "pipes");
	echo = fork();
	if (echo == 0) {
		close(req[1]);
		close(rsp[0]);
		while (read(req[0], &c, 1) == 1)
			write(rsp[1], &c, 1);
		_exit(0);
	}
	start_hogs();
	for (int i = 0; i < ROUNDS; i++) {
		long t0 = now_ns();

		CHECK(write(req[1], &c, 1) == 1 && read(rsp[0], &c, 1) == 1,
		      "round trip %d", i);
		took[i] = now_ns() - t0;
	}
	mid = median(took, ROUNDS);
	printf("# pipe round trip beside %d hogs: %ld us (median), at most %ld us\n",
	       NHOGS * HOG_COPIES, mid / 1000, took[ROUNDS - 1] / 1000);
	CHECK(mid < MAX_LATENCY_NS, "an echo took %ld ms", mid / 1000000);
	CHECK(took[ROUNDS - 1] < MAX_OUTLIER_NS, "once %ld ms",
	      took[ROUNDS - 1] / 1000000);
	CHECK(stop_hogs(), "every hog dies of SIGKILL");
	close(req[1]);
	waitpid(echo, NULL, 0);
}

/* Each hog gets the CPU: a hog that counts in shared memory makes
 * progress while the others run (round robin, nobody starved). */
static void t_every_hog_runs(void)
{
	volatile unsigned long *count =
		mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t counter[2];
	struct timespec d = { 0, 300000000 };

	for (int i = 0; i < 2; i++) {
		counter[i] = fork();
		if (counter[i] == 0)
			for (;;)
				count[i]++;
	}
	start_hogs();
	nanosleep(&d, NULL);
	unsigned long a = count[0], b = count[1];
	nanosleep(&d, NULL);
	printf("# counters in 300 ms beside the hogs: %lu and %lu\n",
	       count[0] - a, count[1] - b);
	CHECK(count[0] > a && count[1] > b, "both counters moved");
	CHECK(stop_hogs(), "every hog dies of SIGKILL");
	for (int i = 0; i < 2; i++) {
		kill(counter[i], SIGKILL);
		waitpid(counter[i], NULL, 0);
	}
}

/* A signal reaches a process that never enters the kernel: the timer
 * interrupt's return to user mode delivers it. */
static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

static void t_signal_reaches_spinner(void)
{
	int status = 0;
	pid_t pid;

	signal(SIGUSR1, on_usr1);
	pid = fork();
	if (pid == 0) {
		while (!got_usr1)
			;
		_exit(42);
	}
	struct timespec d = { 0, 20000000 };
	nanosleep(&d, NULL); /* let it start spinning */
	long t0 = now_ns();
	kill(pid, SIGUSR1);
	CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42,
	      "the spinner saw SIGUSR1 (status 0x%x)", status);
	CHECK(now_ns() - t0 < MAX_LATENCY_NS, "within 100 ms");
}

/* sched_yield alone (nothing else runnable) returns at once. */
static void t_yield_alone(void)
{
	long t0 = now_ns();

	for (int i = 0; i < 1000; i++)
		CHECK(sched_yield() == 0, "sched_yield");
	CHECK(now_ns() - t0 < MAX_LATENCY_NS, "1000 yields took %ld ms",
	      (now_ns() - t0) / 1000000);
}

/* The issue's own case: a process polls /proc/uptime with pread at
 * offset 0 until the text changes.  The read at 0 makes the text anew
 * (as Linux's seq_file), and the poller gets the CPU to see it. */
static void t_pread_uptime_until_it_changes(void)
{
	int fd = open("/proc/uptime", O_RDONLY);
	char first[64] = "", now[64] = "";
	long t0 = now_ns();
	int tries = 0;

	CHECK(fd >= 0, "open /proc/uptime");
	CHECK(pread(fd, first, sizeof(first) - 1, 0) > 0, "pread");
	do {
		memset(now, 0, sizeof(now));
		pread(fd, now, sizeof(now) - 1, 0);
		tries++;
	} while (!strcmp(first, now) && now_ns() - t0 < MAX_OUTLIER_NS);
	printf("# /proc/uptime changed after %d reads, %ld us\n", tries,
	       (now_ns() - t0) / 1000);
	CHECK(strcmp(first, now) != 0, "/proc/uptime still says %s", now);
	close(fd);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("TAP version 13\n");
	RUN(t_yield_alone);
	RUN(t_signal_reaches_spinner);
	RUN(t_sleeper_beside_hogs);
	RUN(t_pipe_echo_beside_hogs);
	RUN(t_every_hog_runs);
	RUN(t_pread_uptime_until_it_changes);
	return tap_done();
}
