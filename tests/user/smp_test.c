/*
 * tests/user/smp_test.c - programs on several CPUs at once (issue 18):
 * threads pinned to different CPUs run at the same time, and a change to
 * a mapping made on one CPU is seen by a thread on another the moment the
 * system call that made it returns (the TLB shootdown): mprotect to
 * PROT_NONE, munmap and a MAP_FIXED remap, a copy-on-write break after
 * fork while a sibling thread reads.  exit_group stops a thread spinning
 * on another CPU; futexes and pipes wake tasks across CPUs; threads and
 * processes fault in parallel; fork copies memory that sibling threads
 * are writing.  With one CPU each case says so and passes trivially.
 */
#define _GNU_SOURCE
#include "tap.h"
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#define PAGE 4096
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1

static int nr_cpus(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	return CPU_COUNT(&set);
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static unsigned getcpu_now(void)
{
	unsigned cpu = ~0u;

	syscall(SYS_getcpu, &cpu, NULL, NULL);
	return cpu;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- a reader on CPU 1 ---- */

/* The reader thread: pinned to CPU 1, it reads *reader_page in a loop,
 * counting reads and keeping the last value, until stop; a fault ends
 * its loop (faulted, with the count at that moment). */
static volatile int *volatile reader_page;
static atomic_long reads;
static atomic_int last_value, faulted, stop, reader_ready;
static long reads_at_fault;
static sigjmp_buf reader_jmp;

static void on_segv(int sig)
{
	reads_at_fault = atomic_load(&reads);
	atomic_store(&faulted, 1);
	siglongjmp(reader_jmp, 1);
}

static void *reader(void *arg)
{
	int retry = arg != NULL; /* after a fault, read again (a remap) */

	CHECK(pin(1) == 0 && getcpu_now() == 1, "the reader runs on CPU 1");
	atomic_store(&reader_ready, 1);
	while (!atomic_load(&stop)) {
		if (sigsetjmp(reader_jmp, 1) && !retry)
			return NULL;
		while (!atomic_load(&stop)) {
			atomic_store(&last_value, *reader_page);
			atomic_fetch_add(&reads, 1);
		}
	}
	return NULL;
}

static void start_reader(pthread_t *th, volatile int *page, int retry)
{
	struct sigaction sa = { .sa_handler = on_segv, .sa_flags = SA_NODEFER };

	sigaction(SIGSEGV, &sa, NULL);
	reader_page = page;
	atomic_store(&reads, 0);
	atomic_store(&faulted, 0);
	atomic_store(&stop, 0);
	atomic_store(&reader_ready, 0);
	pthread_create(th, NULL, reader, retry ? (void *)1 : NULL);
	while (!atomic_load(&reader_ready) || atomic_load(&reads) < 1000)
		;
}

/* wait_reads - until the reader has read n more times (or faulted, or
 * 5 s passed): did it? */
static int wait_reads(long n)
{
	long from = atomic_load(&reads);
	double end = now_s() + 5;

	while (atomic_load(&reads) < from + n && !atomic_load(&faulted))
		if (now_s() > end)
			return 0;
	return 1;
}

/* Two threads on two CPUs run at once: the one on CPU 0 spins without a
 * system call, and sees the count of the one on CPU 1 move. */
static void t_parallel(void)
{
	static int page[PAGE / sizeof(int)];
	pthread_t th;
	long seen;
	double end;

	if (nr_cpus() < 2) {
		printf("# one CPU: nothing runs in parallel\n");
		return;
	}
	CHECK(pin(0) == 0 && getcpu_now() == 0, "main runs on CPU 0");
	start_reader(&th, page, 0);
	seen = atomic_load(&reads);
	end = now_s() + 5;
	while (atomic_load(&reads) < seen + 1000000 && now_s() < end)
		;
	CHECK(atomic_load(&reads) >= seen + 1000000,
	      "CPU 1 read %ld times while CPU 0 spun", atomic_load(&reads) - seen);
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
}

/*
 * mprotect(PROT_NONE) while a thread on CPU 1 reads the page: its TLB
 * holds the translation, and only the shootdown makes it forget.  Once
 * mprotect returns, the reader's next read faults: at most the read in
 * flight completes after it.  Without the shootdown it would read on.
 */
static void t_mprotect_seen_at_once(void)
{
	pthread_t th;
	volatile int *page;
	long after;

	if (nr_cpus() < 2) {
		printf("# one CPU: no other CPU's TLB\n");
		return;
	}
	pin(0);
	page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(page != MAP_FAILED, "mmap");
	page[0] = 7;
	start_reader(&th, page, 0);
	CHECK(mprotect((void *)page, PAGE, PROT_NONE) == 0, "mprotect");
	after = atomic_load(&reads);
	CHECK(wait_reads(10000000) == 1 && atomic_load(&faulted),
	      "the reader faulted (%ld reads after mprotect)", atomic_load(&reads) - after);
	CHECK(reads_at_fault - after <= 2,
	      "the reader faulted at once: %ld reads after mprotect returned",
	      reads_at_fault - after);
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
	munmap((void *)page, PAGE);
}

/* munmap, then a MAP_FIXED mapping of a new page at the same address:
 * the reader on CPU 1 reads the new page's value right after (or faults
 * in between, and reads again). */
static void t_remap_seen_at_once(void)
{
	pthread_t th;
	volatile int *page, *again, *other;
	long after;

	if (nr_cpus() < 2) {
		printf("# one CPU: no other CPU's TLB\n");
		return;
	}
	pin(0);
	page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	page[0] = 1;
	start_reader(&th, page, 1);
	CHECK(munmap((void *)page, PAGE) == 0, "munmap");
	/* The freed frame goes to another page (9), so that the new mapping
	 * gets a frame of its own: a stale translation would read 9. */
	other = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	other[0] = 9;
	again = mmap((void *)page, PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(again == page, "the same address again");
	again[0] = 2;
	atomic_store(&faulted, 0); /* it may have faulted in the hole */
	after = atomic_load(&reads);
	CHECK(wait_reads(3), "the reader reads on");
	CHECK(atomic_load(&last_value) == 2,
	      "the reader sees the new page (%d) %ld reads after the remap",
	      atomic_load(&last_value), atomic_load(&reads) - after);
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
}

/*
 * fork while the reader on CPU 1 reads a private page; then the parent
 * writes it (its copy-on-write break gives it a new frame) and the child
 * writes 3 into the old one, which it now owns alone.  The parent's
 * reader must never see the child's 3: the COW break's shootdown drops
 * its translation to the old frame.
 */
static void t_cow_break_seen(void)
{
	pthread_t th;
	volatile int *page;
	int go[2], status = -1;
	pid_t pid;

	if (nr_cpus() < 2) {
		printf("# one CPU: no other CPU's TLB\n");
		return;
	}
	pin(0);
	page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	page[0] = 1;
	CHECK(pipe(go) == 0, "pipe");
	start_reader(&th, page, 0);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char c;

		if (read(go[0], &c, 1) != 1)
			_exit(2);
		page[0] = 3; /* the old frame, the child's alone now */
		_exit(0);
	}
	CHECK(wait_reads(1000), "the reader reads across the fork");
	page[0] = 2; /* the parent's COW break */
	CHECK(write(go[1], "x", 1) == 1, "go");
	CHECK(waitpid(pid, &status, 0) == pid && status == 0, "child: %#x", status);
	CHECK(wait_reads(100000), "the reader reads on");
	CHECK(atomic_load(&last_value) == 2,
	      "the reader sees the parent's 2, not the child's 3: %d",
	      atomic_load(&last_value));
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
}

/* exit_group while a thread spins on another CPU without a system call:
 * the process is gone at once (the spinner is interrupted by IPI). */
static void *spin_forever(void *arg)
{
	pin(1);
	atomic_store(&reader_ready, 1);
	for (;;)
		;
	return NULL;
}

static void spinner_child(void)
{
	pthread_t th;

	pin(0);
	atomic_store(&reader_ready, 0);
	pthread_create(&th, NULL, spin_forever, NULL);
	while (!atomic_load(&reader_ready))
		;
	_exit(0);
}

static void t_exit_group_stops_spinner(void)
{
	double t0 = now_s();
	int status = -1;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		spinner_child();
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, "status %#x", status);
	CHECK(now_s() - t0 < 2, "the spinning thread stopped: %.3f s", now_s() - t0);
}

/* ---- waking across CPUs ---- */

static atomic_int futex_word;
#define ROUNDS 2000

static long futex(atomic_int *uaddr, int op, int val)
{
	return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

/* turns - this side's turns at the futex word: wait for start, start +
 * 2, ..., answer each with the next value and wake the other side. */
static void turns(int start)
{
	for (int i = 0; i < ROUNDS; i++) {
		int want = 2 * i + start;

		while (atomic_load(&futex_word) != want)
			futex(&futex_word, FUTEX_WAIT, want - 1);
		atomic_store(&futex_word, want + 1);
		futex(&futex_word, FUTEX_WAKE, 1);
	}
}

/* The partner, on the last CPU: the odd values. */
static void *futex_partner(void *arg)
{
	pin(nr_cpus() - 1);
	turns(1);
	return NULL;
}

static void t_futex_pingpong(void)
{
	pthread_t th;

	pin(0);
	atomic_store(&futex_word, 0);
	pthread_create(&th, NULL, futex_partner, NULL);
	turns(0);
	while (atomic_load(&futex_word) != 2 * ROUNDS)
		futex(&futex_word, FUTEX_WAIT, 2 * ROUNDS - 1);
	pthread_join(th, NULL);
	CHECK(atomic_load(&futex_word) == 2 * ROUNDS, "%d round trips", ROUNDS);
}

/* A byte back and forth between two processes on two CPUs. */
static void t_pipe_pingpong(void)
{
	int ab[2], ba[2], status = -1;
	char c = 0;
	pid_t pid;

	CHECK(pipe(ab) == 0 && pipe(ba) == 0, "pipes");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		pin(nr_cpus() - 1);
		for (int i = 0; i < ROUNDS; i++)
			if (read(ab[0], &c, 1) != 1 || write(ba[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	pin(0);
	for (int i = 0; i < ROUNDS; i++) {
		c = (char)i;
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1 || c != (char)i)
			break;
	}
	CHECK(c == (char)(ROUNDS - 1), "%d round trips", ROUNDS);
	CHECK(waitpid(pid, &status, 0) == pid && status == 0, "partner: %#x", status);
}

/* ---- faulting in parallel ---- */

#define FAULT_BYTES (4u << 20)

/* Touch every page of a fresh region (one demand-zero fault each), with
 * a value of its own, then read them all back. */
static int fault_region(unsigned seed)
{
	char *m = mmap(NULL, FAULT_BYTES, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int bad = 0;

	if (m == MAP_FAILED)
		return -1;
	for (unsigned off = 0; off < FAULT_BYTES; off += PAGE)
		*(unsigned *)(m + off) = seed ^ off;
	for (unsigned off = 0; off < FAULT_BYTES; off += PAGE)
		bad += *(unsigned *)(m + off) != (seed ^ off);
	munmap(m, FAULT_BYTES);
	return bad;
}

static void *fault_thread(void *arg)
{
	long i = (long)arg;

	pin((int)(i % nr_cpus()));
	return (void *)(long)fault_region((unsigned)i * 0x9e3779b9u);
}

/* Many threads of one address space fault at once, on every CPU. */
static void t_threads_fault(void)
{
	pthread_t th[8];
	long bad = 0;

	for (long i = 0; i < 8; i++)
		pthread_create(&th[i], NULL, fault_thread, (void *)i);
	for (int i = 0; i < 8; i++) {
		void *r;

		pthread_join(th[i], &r);
		bad += (long)r;
	}
	CHECK(bad == 0, "8 threads x %u MiB: %ld pages wrong", FAULT_BYTES >> 20, bad);
}

/* Two processes fault at once, each on its CPU. */
static void t_processes_fault(void)
{
	int status[2] = { -1, -1 };
	pid_t pid[2];

	fflush(stdout);
	for (int i = 0; i < 2; i++) {
		pid[i] = fork();
		if (pid[i] == 0) {
			pin(i % nr_cpus());
			_exit(fault_region(0x1234u * (i + 1)) == 0 ? 0 : 1);
		}
	}
	for (int i = 0; i < 2; i++)
		CHECK(waitpid(pid[i], &status[i], 0) == pid[i] && status[i] == 0,
		      "process %d: %#x", i, status[i]);
}

/* ---- fork while siblings write ---- */

#define WRITERS 3
static long *arrays[WRITERS];
static atomic_int writers_stop;

/* A writer: fills its array with ever larger counts, each word the same
 * count at the end of a pass. */
static void *writer(void *arg)
{
	long i = (long)arg, *a = arrays[i];

	pin((int)((i + 1) % nr_cpus()));
	for (long n = 1; !atomic_load(&writers_stop); n++)
		for (int k = 0; k < PAGE / 8 * 4; k++)
			a[k] = n;
	return NULL;
}

/* The child's copy does not change once the child runs, though the
 * writers go on in the parent: fork's write protection reached their
 * CPUs' TLBs before it returned.  (The copy is not one instant's
 * picture: a page is copied while the writers still write the next, as
 * on Linux.) */
static int check_copy(void)
{
	static long snap[WRITERS][PAGE / 8 * 4];

	for (int i = 0; i < WRITERS; i++)
		memcpy(snap[i], arrays[i], sizeof(snap[i]));
	usleep(20000);
	for (int i = 0; i < WRITERS; i++)
		if (memcmp(snap[i], arrays[i], sizeof(snap[i])))
			return 2;
	return 0;
}

static void t_fork_while_threads_write(void)
{
	pthread_t th[WRITERS];
	int bad = 0;

	pin(0);
	atomic_store(&writers_stop, 0);
	for (long i = 0; i < WRITERS; i++) {
		arrays[i] = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		pthread_create(&th[i], NULL, writer, (void *)i);
	}
	usleep(10000);
	for (int round = 0; round < 20; round++) {
		int status = -1;
		pid_t pid;

		fflush(stdout);
		pid = fork();
		if (pid == 0)
			_exit(check_copy());
		if (waitpid(pid, &status, 0) != pid || status != 0) {
			printf("# round %d: child status %#x\n", round, status);
			bad++;
		}
	}
	atomic_store(&writers_stop, 1);
	for (int i = 0; i < WRITERS; i++)
		pthread_join(th[i], NULL);
	CHECK(bad == 0, "%d of 20 children saw their copy change", bad);
}

int main(void)
{
	printf("TAP version 13\n# %d CPUs\n", nr_cpus());
	RUN(t_parallel);
	RUN(t_mprotect_seen_at_once);
	RUN(t_remap_seen_at_once);
	RUN(t_cow_break_seen);
	RUN(t_exit_group_stops_spinner);
	RUN(t_futex_pingpong);
	RUN(t_pipe_pingpong);
	RUN(t_threads_fault);
	RUN(t_processes_fault);
	RUN(t_fork_while_threads_write);
	return tap_done();
}
