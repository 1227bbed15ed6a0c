/*
 * tests/user/thread_test.c - threads (musl's pthreads on clone), futexes,
 * and what happens to a process when one of its threads exits, crashes,
 * receives a signal or calls execve.
 * Run by the harness as init (init=/tests/thread_test); TAP on the console.
 */
#define _GNU_SOURCE
#include "tap.h"
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

/* Linux's <linux/futex.h>, which musl does not ship. */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_FD 2
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_REQUEUE_PRIVATE (FUTEX_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_CMP_REQUEUE_PRIVATE (FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAIT_BITSET_PRIVATE (FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_BITSET_PRIVATE (FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_BITSET_MATCH_ANY 0xffffffff

/* Set to 1 once kernel/exec.c calls exec_kill_other_threads() (issue 3):
 * until then execve in a thread leaves the other threads running. */
#define TEST_EXEC_FROM_THREAD 1

#define KERNEL_ADDR ((void *)0xffffffff80100000ul)
#define MAX_THREADS 32

static const char *self_path; /* argv[0]: this program, for execve */

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static long futex(atomic_int *uaddr, int op, int val,
		  const struct timespec *timeout, atomic_int *uaddr2, int val3)
{
	return syscall(SYS_futex, uaddr, op, val, timeout, uaddr2, val3);
}

static long elapsed_ns(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000000000l + (b->tv_nsec - a->tv_nsec);
}

/* The status of child pid; the child is killed if it has not ended within
 * seconds (a thread that should have died and did not). */
static int wait_status_within(pid_t pid, int seconds)
{
	int status = -1;

	for (int i = 0; i < seconds * 100; i++) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return -1;
		usleep(10000);
	}
	printf("# child %d still running after %d s: killed\n", pid, seconds);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/* ---- create, join, identity ---- */

struct ident {
	int index;
	pid_t pid, tid, ppid;
};

static void *record_ident(void *arg)
{
	struct ident *id = arg;

	id->pid = getpid();
	id->tid = gettid_();
	id->ppid = getppid();
	return (void *)(intptr_t)(id->index * 3 + 1);
}

/* create_join - n threads that record their IDs; each joined for its
 * return value; the IDs checked against the process's. */
static void create_join(int n)
{
	pthread_t th[MAX_THREADS];
	struct ident id[MAX_THREADS];
	int created = 0;

	for (int i = 0; i < n; i++) {
		id[i] = (struct ident){ .index = i };
		if (pthread_create(&th[i], NULL, record_ident, &id[i]) != 0)
			break;
		created++;
	}
	CHECK(created == n, "created %d of %d threads", created, n);
	for (int i = 0; i < created; i++) {
		void *ret = NULL;

		CHECK(pthread_join(th[i], &ret) == 0, "join %d", i);
		CHECK(ret == (void *)(intptr_t)(i * 3 + 1), "thread %d returned %p",
		      i, ret);
		CHECK(id[i].pid == getpid(), "getpid in thread %d: %d, process %d", i,
		      id[i].pid, getpid());
		CHECK(id[i].tid != getpid() && id[i].tid > 0,
		      "gettid in thread %d: %d", i, id[i].tid);
		CHECK(id[i].ppid == getppid(), "getppid in thread %d: %d, not %d", i,
		      id[i].ppid, getppid());
		for (int j = 0; j < i; j++)
			CHECK(id[i].tid != id[j].tid,
			      "threads %d and %d share TID %d", i, j, id[i].tid);
	}
	CHECK(gettid_() == getpid(), "the main thread's TID is the PID");
}

static void t_one_thread(void) { create_join(1); }
static void t_eight_threads(void) { create_join(8); }
static void t_32_threads(void) { create_join(32); }

/* ---- shared memory and a mutex ---- */

#define COUNTER_THREADS 8
#define COUNTER_ROUNDS 20000

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *count_up(void *arg)
{
	for (int i = 0; i < COUNTER_ROUNDS; i++) {
		pthread_mutex_lock(&counter_lock);
		long v = counter;

		if (i % 512 == 0)
			sched_yield(); /* let the others find the mutex taken */
		counter = v + 1;
		pthread_mutex_unlock(&counter_lock);
	}
	return NULL;
}

static void t_mutex_counter(void)
{
	pthread_t th[COUNTER_THREADS];

	for (int i = 0; i < COUNTER_THREADS; i++)
		CHECK(pthread_create(&th[i], NULL, count_up, NULL) == 0, "create %d", i);
	for (int i = 0; i < COUNTER_THREADS; i++)
		pthread_join(th[i], NULL);
	CHECK(counter == (long)COUNTER_THREADS * COUNTER_ROUNDS,
	      "counter %ld, expected %ld", counter,
	      (long)COUNTER_THREADS * COUNTER_ROUNDS);
}

/* ---- TLS and stacks ---- */

#define TLS_THREADS 8

static __thread int tls_value = -1;
static pthread_barrier_t tls_barrier;

struct tls_report {
	int index;
	uintptr_t tls_addr, stack_addr;
	int value_after;
};

static void *tls_worker(void *arg)
{
	struct tls_report *r = arg;
	volatile int on_stack = r->index;

	r->tls_addr = (uintptr_t)&tls_value;
	r->stack_addr = (uintptr_t)&on_stack;
	tls_value = 1000 + r->index;
	pthread_barrier_wait(&tls_barrier); /* all have written their TLS */
	sched_yield();
	r->value_after = tls_value + (on_stack - r->index);
	pthread_barrier_wait(&tls_barrier); /* the main thread reads maps */
	pthread_barrier_wait(&tls_barrier);
	return NULL;
}

struct region {
	uintptr_t start, end;
	char perms[5];
};

/* read_maps - the regions of /proc/self/maps; the count, or -1. */
static int read_maps(struct region *out, int max)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[256];
	int n = 0;

	if (!f)
		return -1;
	while (n < max && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %4s", &out[n].start, &out[n].end,
			   out[n].perms) == 3)
			n++;
	}
	fclose(f);
	return n;
}

static int region_of(const struct region *r, int n, uintptr_t addr)
{
	for (int i = 0; i < n; i++)
		if (r[i].start <= addr && addr < r[i].end)
			return i;
	return -1;
}

static void check_stacks_in_maps(const struct tls_report *rep)
{
	static struct region maps[256];
	int n = read_maps(maps, 256), where[TLS_THREADS];

	CHECK(n > 0, "read /proc/self/maps");
	if (n <= 0)
		return;
	for (int i = 0; i < TLS_THREADS; i++) {
		int g;

		where[i] = region_of(maps, n, rep[i].stack_addr);
		CHECK(where[i] >= 0, "thread %d's stack 0x%lx is in no region", i,
		      rep[i].stack_addr);
		if (where[i] < 0)
			continue;
		CHECK(!strcmp(maps[where[i]].perms, "rw-p"), "stack region %s",
		      maps[where[i]].perms);
		for (int j = 0; j < i; j++)
			CHECK(where[i] != where[j], "threads %d and %d share the stack "
			      "region 0x%lx", i, j, maps[where[i]].start);
		/* musl maps a PROT_NONE guard right below each thread's stack */
		g = region_of(maps, n, maps[where[i]].start - 1);
		CHECK(g >= 0 && !strcmp(maps[g].perms, "---p"),
		      "no guard below thread %d's stack at 0x%lx", i,
		      maps[where[i]].start);
	}
}

static void t_tls_and_stacks(void)
{
	pthread_t th[TLS_THREADS];
	struct tls_report rep[TLS_THREADS];

	tls_value = 7;
	pthread_barrier_init(&tls_barrier, NULL, TLS_THREADS + 1);
	for (int i = 0; i < TLS_THREADS; i++) {
		rep[i] = (struct tls_report){ .index = i };
		CHECK(pthread_create(&th[i], NULL, tls_worker, &rep[i]) == 0, "create");
	}
	pthread_barrier_wait(&tls_barrier);
	pthread_barrier_wait(&tls_barrier);
	check_stacks_in_maps(rep);
	pthread_barrier_wait(&tls_barrier);
	for (int i = 0; i < TLS_THREADS; i++)
		pthread_join(th[i], NULL);
	CHECK(tls_value == 7, "the main thread's TLS changed to %d", tls_value);
	for (int i = 0; i < TLS_THREADS; i++) {
		CHECK(rep[i].value_after == 1000 + i, "thread %d read back %d", i,
		      rep[i].value_after);
		CHECK(rep[i].tls_addr != (uintptr_t)&tls_value, "thread %d's TLS is "
		      "the main thread's", i);
		for (int j = 0; j < i; j++) {
			CHECK(rep[i].tls_addr != rep[j].tls_addr,
			      "TLS %d == TLS %d", i, j);
			CHECK(rep[i].stack_addr != rep[j].stack_addr,
			      "stack %d == %d", i, j);
		}
	}
	pthread_barrier_destroy(&tls_barrier);
}

/* ---- a condition variable ---- */

#define PINGPONG_ROUNDS 1000

static pthread_mutex_t pp_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pp_cond = PTHREAD_COND_INITIALIZER;
static int pp_turn, pp_count[2];

/* Player me waits for its turn, plays, gives the turn to the other. */
static void *ping_pong(void *arg)
{
	int me = (int)(intptr_t)arg;

	for (int i = 0; i < PINGPONG_ROUNDS; i++) {
		pthread_mutex_lock(&pp_lock);
		while (pp_turn != me)
			pthread_cond_wait(&pp_cond, &pp_lock);
		pp_count[me]++;
		pp_turn = !me;
		pthread_cond_signal(&pp_cond);
		pthread_mutex_unlock(&pp_lock);
	}
	return NULL;
}

static void t_condvar_ping_pong(void)
{
	pthread_t a, b;

	CHECK(pthread_create(&a, NULL, ping_pong, (void *)0) == 0, "create a");
	CHECK(pthread_create(&b, NULL, ping_pong, (void *)1) == 0, "create b");
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	CHECK(pp_count[0] == PINGPONG_ROUNDS && pp_count[1] == PINGPONG_ROUNDS,
	      "rounds %d and %d", pp_count[0], pp_count[1]);
}

/* ---- futex directly ---- */

static void t_futex_wait_changed_value(void)
{
	atomic_int word = 5;

	CHECK_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 4, NULL, NULL, 0), EAGAIN);
	CHECK_ERR(futex(&word, FUTEX_WAIT, 6, NULL, NULL, 0), EAGAIN);
}

static void t_futex_wait_timeout(void)
{
	atomic_int word = 0;
	struct timespec before, after, timeout = { 0, 50 * 1000 * 1000 };

	clock_gettime(CLOCK_MONOTONIC, &before);
	CHECK_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 0, &timeout, NULL, 0), ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &after);
	CHECK(elapsed_ns(&before, &after) >= 50 * 1000 * 1000, "woke after %ld ns",
	      elapsed_ns(&before, &after));
	/* FUTEX_WAIT_BITSET takes an absolute time: one in the past */
	CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, &before, NULL,
			FUTEX_BITSET_MATCH_ANY), ETIMEDOUT);
	timeout.tv_nsec = 1000000000;
	CHECK_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 0, &timeout, NULL, 0), EINVAL);
}

static void t_futex_wake_nobody(void)
{
	atomic_int word = 0;

	CHECK(futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 0, "private");
	CHECK(futex(&word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0) == 0, "shared");
}

static void t_futex_bad_address(void)
{
	atomic_int word = 0;

	CHECK_ERR(futex(NULL, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), EFAULT);
	CHECK_ERR(futex(KERNEL_ADDR, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), EFAULT);
	CHECK_ERR(futex((atomic_int *)0x1000, FUTEX_WAIT, 0, NULL, NULL, 0), EFAULT);
	CHECK_ERR(futex((atomic_int *)((char *)&word + 1), FUTEX_WAIT_PRIVATE, 0,
			NULL, NULL, 0), EINVAL);
	CHECK_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 0, (struct timespec *)8, NULL, 0),
		  EFAULT);
	CHECK_ERR(futex(&word, FUTEX_FD, 0, NULL, NULL, 0), ENOSYS); /* removed in 2.6.26 */
}

#define SLEEPERS 5

static atomic_int wake_word, wake_ready, wake_done;

static void *futex_sleeper(void *arg)
{
	atomic_fetch_add(&wake_ready, 1);
	while (atomic_load(&wake_word) == 0)
		futex(&wake_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	atomic_fetch_add(&wake_done, 1);
	return NULL;
}

/* Wait until n sleepers are (very likely) asleep in the kernel. */
static void let_sleepers_settle(int n)
{
	while (atomic_load(&wake_ready) < n)
		sched_yield();
	usleep(100 * 1000);
}

static void t_futex_wake_at_most_n(void)
{
	pthread_t th[SLEEPERS];
	long r;

	for (int i = 0; i < SLEEPERS; i++)
		pthread_create(&th[i], NULL, futex_sleeper, NULL);
	let_sleepers_settle(SLEEPERS);
	CHECK_ERR(futex(&wake_word, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 0),
		  EINVAL); /* an empty bitset */
	atomic_store(&wake_word, 1);
	r = futex(&wake_word, FUTEX_WAKE_PRIVATE, 2, NULL, NULL, 0);
	CHECK(r == 2, "WAKE 2 woke %ld", r);
	usleep(50 * 1000);
	CHECK(atomic_load(&wake_done) == 2, "%d threads went on",
	      atomic_load(&wake_done));
	r = futex(&wake_word, FUTEX_WAKE_PRIVATE, 100, NULL, NULL, 0);
	CHECK(r == SLEEPERS - 2, "WAKE 100 woke %ld, expected %d", r, SLEEPERS - 2);
	for (int i = 0; i < SLEEPERS; i++)
		pthread_join(th[i], NULL);
	CHECK(atomic_load(&wake_done) == SLEEPERS, "%d went on",
	      atomic_load(&wake_done));
}

static atomic_int rq_from, rq_to;

static void *requeue_sleeper(void *arg)
{
	atomic_fetch_add(&wake_ready, 1);
	futex(&rq_from, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	atomic_fetch_add(&wake_done, 1);
	return NULL;
}

/* CMP_REQUEUE: one woken, the others moved to another futex, woken there. */
static void t_futex_requeue(void)
{
	pthread_t th[SLEEPERS];
	long r;

	for (int i = 0; i < SLEEPERS; i++)
		pthread_create(&th[i], NULL, requeue_sleeper, NULL);
	let_sleepers_settle(SLEEPERS);
	CHECK_ERR(futex(&rq_from, FUTEX_CMP_REQUEUE_PRIVATE, 1,
			(struct timespec *)(intptr_t)INT_MAX, &rq_to, 1), EAGAIN);
	r = futex(&rq_from, FUTEX_CMP_REQUEUE_PRIVATE, 1,
		  (struct timespec *)(intptr_t)INT_MAX, &rq_to, 0);
	CHECK(r == SLEEPERS, "CMP_REQUEUE woke or moved %ld", r);
	usleep(50 * 1000);
	CHECK(atomic_load(&wake_done) == 1, "%d went on", atomic_load(&wake_done));
	r = futex(&rq_from, FUTEX_WAKE_PRIVATE, 100, NULL, NULL, 0);
	CHECK(r == 0, "%ld still on the first futex", r);
	/* onto the futex they are on: they stay (and the kernel does not loop) */
	r = futex(&rq_to, FUTEX_REQUEUE_PRIVATE, 0,
		  (struct timespec *)(intptr_t)INT_MAX, &rq_to, 0);
	CHECK(r == SLEEPERS - 1, "REQUEUE onto itself moved %ld", r);
	r = futex(&rq_to, FUTEX_WAKE_PRIVATE, 100, NULL, NULL, 0);
	CHECK(r == SLEEPERS - 1, "WAKE on the second woke %ld", r);
	for (int i = 0; i < SLEEPERS; i++)
		pthread_join(th[i], NULL);
}

/* A word in a MAP_SHARED page: parent and child meet on it. */
static void t_futex_shared_between_processes(void)
{
	atomic_int *word = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid;
	long r = 0;
	int st;

	CHECK(word != MAP_FAILED, "mmap");
	if (word == MAP_FAILED)
		return;
	pid = fork();
	if (pid == 0) {
		while (atomic_load(word) == 0)
			futex(word, FUTEX_WAIT, 0, NULL, NULL, 0);
		_exit(0);
	}
	usleep(100 * 1000);
	atomic_store(word, 1);
	for (int i = 0; i < 100 && r == 0; i++) {
		r = futex(word, FUTEX_WAKE, 1, NULL, NULL, 0);
		if (r == 0)
			usleep(10000); /* the child was not asleep yet */
	}
	CHECK(r == 1, "WAKE woke %ld", r);
	st = wait_status_within(pid, 5);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status 0x%x", st);
	munmap(word, 4096);
}

/* ---- a thread ends the process ---- */

static void *sleep_forever(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

static void *call_exit_group(void *arg)
{
	usleep(20 * 1000);
	_exit(42); /* musl: exit_group */
}

static void t_exit_group_from_thread(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		pthread_t a, b;

		pthread_create(&a, NULL, sleep_forever, NULL);
		pthread_create(&b, NULL, call_exit_group, NULL);
		sleep_forever(NULL);
	}
	st = wait_status_within(pid, 5);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42, "status 0x%x", st);
}

/* pthread_exit in main: the process lives on until its last thread ends. */
static void *exit_later(void *arg)
{
	usleep(200 * 1000);
	return NULL; /* the last thread: musl calls exit(0) */
}

/* The program run as "--main-exits-first". */
static int main_exits_first(void)
{
	pthread_t a;

	pthread_create(&a, NULL, exit_later, NULL);
	pthread_exit(NULL);
}

/*
 * In a process of its own, started by execve: musl 1.2.3's fork does not
 * register the thread-list lock with set_tid_address in the child, so a
 * forked child's main thread cannot pthread_exit with others running
 * (Linux would hang it the same way).
 */
static void t_main_thread_exits_first(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		execl(self_path, self_path, "--main-exits-first", (char *)NULL);
		_exit(99);
	}
	usleep(50 * 1000);
	CHECK(waitpid(pid, &st, WNOHANG) == 0,
	      "the process ended with its main thread");
	st = wait_status_within(pid, 5);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status 0x%x", st);
}

static void *write_to_null(void *arg)
{
	usleep(20 * 1000);
	*(volatile int *)(uintptr_t)arg = 1; /* arg is NULL */
	return NULL;
}

static void t_segv_in_thread_kills_process(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		pthread_t a, b;

		pthread_create(&a, NULL, sleep_forever, NULL);
		pthread_create(&b, NULL, write_to_null, NULL);
		sleep_forever(NULL);
	}
	st = wait_status_within(pid, 5);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "status 0x%x", st);
}

/* Recursion that uses ~1 KiB of stack a level, max levels deep. */
static long recurse(long depth, long max)
{
	volatile char buf[1024];

	buf[0] = (char)depth;
	if (depth >= max)
		return buf[0];
	return recurse(depth + 1, max) + buf[0];
}

static void *overflow_stack(void *arg)
{
	return (void *)recurse(0, 1 << 30); /* far beyond the 64 KiB stack */
}

static void t_thread_stack_overflow(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		pthread_attr_t attr;
		pthread_t a;

		pthread_attr_init(&attr);
		pthread_attr_setstacksize(&attr, 64 * 1024);
		pthread_create(&a, &attr, overflow_stack, NULL);
		sleep_forever(NULL);
	}
	st = wait_status_within(pid, 5);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "status 0x%x", st);
}

/* ---- signals and threads ---- */

static atomic_int handled_sig, handled_tid;

static void note_handler(int sig)
{
	atomic_store(&handled_tid, gettid_());
	atomic_store(&handled_sig, sig);
}

static atomic_int worker_tid, worker_stop;

static void *signal_worker(void *arg)
{
	atomic_store(&worker_tid, gettid_());
	while (!atomic_load(&worker_stop))
		usleep(1000);
	return NULL;
}

static int wait_for_handler(int sig)
{
	for (int i = 0; i < 500 && atomic_load(&handled_sig) != sig; i++)
		usleep(1000);
	return atomic_load(&handled_sig) == sig;
}

static void t_signals_to_threads(void)
{
	sigset_t block;
	pthread_t w;

	signal(SIGUSR1, note_handler);
	signal(SIGUSR2, note_handler);
	pthread_create(&w, NULL, signal_worker, NULL);
	while (!atomic_load(&worker_tid))
		sched_yield();

	/* pthread_kill: that thread runs the handler */
	CHECK(pthread_kill(w, SIGUSR1) == 0, "pthread_kill");
	CHECK(wait_for_handler(SIGUSR1), "no handler ran");
	CHECK(atomic_load(&handled_tid) == atomic_load(&worker_tid),
	      "SIGUSR1 for thread %d ran in %d", atomic_load(&worker_tid),
	      atomic_load(&handled_tid));

	/* kill: the process; the main thread blocks it, so the worker takes it */
	sigemptyset(&block);
	sigaddset(&block, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &block, NULL);
	CHECK(kill(getpid(), SIGUSR2) == 0, "kill");
	CHECK(wait_for_handler(SIGUSR2), "no handler ran");
	CHECK(atomic_load(&handled_tid) == atomic_load(&worker_tid),
	      "SIGUSR2 for the process ran in %d, not the worker %d",
	      atomic_load(&handled_tid), atomic_load(&worker_tid));

	/* tgkill: one thread, named by process and thread ID */
	atomic_store(&handled_sig, 0);
	CHECK(syscall(SYS_tgkill, getpid(), atomic_load(&worker_tid), SIGUSR1) == 0,
	      "tgkill");
	CHECK(wait_for_handler(SIGUSR1), "no handler ran");
	CHECK(atomic_load(&handled_tid) == atomic_load(&worker_tid),
	      "tgkill's SIGUSR1 ran in %d", atomic_load(&handled_tid));

	/* tgkill to a TID of another process's group fails */
	CHECK_ERR(syscall(SYS_tgkill, getppid(), atomic_load(&worker_tid), 0), ESRCH);
	atomic_store(&worker_stop, 1);
	pthread_join(w, NULL);
	CHECK_ERR(syscall(SYS_tgkill, getpid(), atomic_load(&worker_tid), 0), ESRCH);
}

/* A process-directed fatal signal kills every thread. */
static void t_kill_multithreaded_process(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		pthread_t a, b;

		pthread_create(&a, NULL, sleep_forever, NULL);
		pthread_create(&b, NULL, sleep_forever, NULL);
		sleep_forever(NULL);
	}
	usleep(50 * 1000);
	CHECK(kill(pid, SIGTERM) == 0, "kill");
	st = wait_status_within(pid, 5);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "status 0x%x", st);
}

/* ---- execve in a thread ---- */

static pid_t exec_pid;

static void *exec_self(void *arg)
{
	char pid[16];
	char *argv[] = { (char *)self_path, "--exec-check", pid, NULL };

	snprintf(pid, sizeof(pid), "%d", exec_pid);
	execv(self_path, argv);
	_exit(99);
}

/* The new image: the process's only thread, with the old PID. */
static int exec_check(pid_t expected)
{
	return getpid() == expected && gettid_() == expected ? 42 : 1;
}

static void t_exec_from_thread(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		pthread_t a, b;

		exec_pid = getpid();
		pthread_create(&a, NULL, sleep_forever, NULL);
		pthread_create(&b, NULL, exec_self, NULL);
		sleep_forever(NULL);
	}
	st = wait_status_within(pid, 5);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42, "status 0x%x", st);
}

/* ---- many threads ---- */

static void *nothing(void *arg)
{
	return arg;
}

static void t_many_short_threads(void)
{
	int ok = 0;

	for (int i = 0; i < 1000; i++) {
		pthread_t t;
		void *ret = NULL;

		if (pthread_create(&t, NULL, nothing, (void *)(intptr_t)i) == 0 &&
		    pthread_join(t, &ret) == 0 && ret == (void *)(intptr_t)i)
			ok++;
	}
	CHECK(ok == 1000, "%d of 1000 threads ran and joined", ok);
}

static void *detached_worker(void *arg)
{
	atomic_fetch_add((atomic_int *)arg, 1);
	return NULL;
}

/* Detached threads unmap their own stack as they exit (musl). */
static void t_detached_threads(void)
{
	static atomic_int ran;
	pthread_attr_t attr;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (int i = 0; i < 50; i++) {
		pthread_t t;

		CHECK(pthread_create(&t, &attr, detached_worker, &ran) == 0, "create");
	}
	for (int i = 0; i < 500 && atomic_load(&ran) < 50; i++)
		usleep(1000);
	CHECK(atomic_load(&ran) == 50, "%d of 50 ran", atomic_load(&ran));
}

/* ---- clone's rules ---- */

static void t_clone_flag_rules(void)
{
	/* CLONE_THREAD needs CLONE_SIGHAND, CLONE_SIGHAND needs CLONE_VM */
	CHECK_ERR(syscall(SYS_clone, CLONE_THREAD | CLONE_VM, NULL, NULL, NULL, 0),
		  EINVAL);
	CHECK_ERR(syscall(SYS_clone, CLONE_SIGHAND, NULL, NULL, NULL, 0), EINVAL);
	CHECK_ERR(syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, NULL, NULL, NULL, 0),
		  EINVAL);
}

/* ---- what /proc shows for a multi-threaded process ---- */

static pthread_barrier_t proc_barrier;
static atomic_int proc_tids[3];

static void *proc_waiter(void *arg)
{
	proc_tids[(intptr_t)arg] = (int)syscall(SYS_gettid);
	pthread_barrier_wait(&proc_barrier); /* all started */
	pthread_barrier_wait(&proc_barrier); /* the main thread has looked */
	return NULL;
}

static void t_proc_shows_threads(void)
{
	pthread_t th[3];
	char line[128], path[64];
	int threads = -1, listed = 0;
	FILE *f;

	pthread_barrier_init(&proc_barrier, NULL, 4);
	for (intptr_t i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, proc_waiter, (void *)i);
	pthread_barrier_wait(&proc_barrier);
	f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		sscanf(line, "Threads: %d", &threads);
	if (f)
		fclose(f);
	CHECK(threads == 4, "/proc/self/status: Threads: %d", threads);
	for (int i = 0; i < 3; i++) {
		DIR *d = opendir("/proc");
		struct dirent *e;
		char want[16];

		snprintf(want, sizeof(want), "%d", proc_tids[i]);
		while (d && (e = readdir(d)))
			listed += !strcmp(e->d_name, want);
		if (d)
			closedir(d);
		snprintf(path, sizeof(path), "/proc/%d/stat", proc_tids[i]);
		CHECK(access(path, R_OK) == 0, "/proc/TID still opens (%s)", path);
	}
	CHECK(listed == 0, "threads are not listed in /proc as processes (%d)", listed);
	/* ...but in /proc/self/task, each with its directory, as on Linux */
	listed = 0;
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		for (int i = 0; i < 3; i++) {
			snprintf(path, sizeof(path), "%d", proc_tids[i]);
			listed += !strcmp(e->d_name, path);
		}
		snprintf(path, sizeof(path), "%d", getpid());
		listed += !strcmp(e->d_name, path);
	}
	if (d)
		closedir(d);
	CHECK(listed == 4, "/proc/self/task lists the 4 threads (%d)", listed);
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", proc_tids[1]);
	CHECK(access(path, R_OK) == 0, "%s opens", path);
	char link[64] = "", want[64];
	readlink("/proc/thread-self", link, sizeof(link) - 1);
	snprintf(want, sizeof(want), "%d/task/%d", getpid(), gettid_());
	CHECK(!strcmp(link, want), "/proc/thread-self -> %s, not %s", link, want);
	CHECK(access("/proc/thread-self/status", R_OK) == 0, "thread-self/status");
	snprintf(path, sizeof(path), "/proc/self/task/%d", getpid() + 100000);
	CHECK(access(path, F_OK) == -1 && errno == ENOENT, "no such thread: ENOENT");
	/* A thread's directory has the process's files but no task of its
	 * own (Linux's tid_base_stuff): a walk of /proc ends. */
	snprintf(path, sizeof(path), "/proc/self/task/%d/task", proc_tids[1]);
	CHECK(access(path, F_OK) == -1 && errno == ENOENT, "%s: ENOENT", path);
	snprintf(path, sizeof(path), "/proc/self/task/%d", proc_tids[1]);
	d = opendir(path);
	listed = 0;
	while (d && (e = readdir(d)))
		listed += !strcmp(e->d_name, "task") * 100 + !strcmp(e->d_name, "maps");
	if (d)
		closedir(d);
	CHECK(listed == 1, "%s lists maps and no task (%d)", path, listed);
	CHECK(access("/proc/thread-self/maps", R_OK) == 0 &&
	      access("/proc/self/task", F_OK) == 0, "thread-self/maps, self/task");
	pthread_barrier_wait(&proc_barrier);
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
}

/* membarrier: the commands a one-CPU kernel completes at once. */
static void t_membarrier(void)
{
	long mask = syscall(SYS_membarrier, 0, 0, 0); /* MEMBARRIER_CMD_QUERY */

	CHECK(mask > 0 && (mask & 0x08) && (mask & 0x10),
	      "QUERY lists PRIVATE_EXPEDITED and its REGISTER: 0x%lx", mask);
	CHECK(syscall(SYS_membarrier, 0x10, 0, 0) == 0, "REGISTER_PRIVATE_EXPEDITED");
	CHECK(syscall(SYS_membarrier, 0x08, 0, 0) == 0, "PRIVATE_EXPEDITED");
	CHECK(syscall(SYS_membarrier, 0x01, 0, 0) == 0, "GLOBAL");
	CHECK_ERR(syscall(SYS_membarrier, 0x03, 0, 0), EINVAL);
	CHECK_ERR(syscall(SYS_membarrier, 0x08, 1, 0), EINVAL);
	CHECK_ERR(syscall(SYS_membarrier, 0x400, 0, 0), EINVAL); /* unknown */
	/* the RSEQ commands, as Linux with CONFIG_RSEQ */
	CHECK((mask & 0x180) == 0x180, "QUERY lists the RSEQ commands: 0x%lx", mask);
	CHECK_ERR(syscall(SYS_membarrier, 0x80, 0, 0), EPERM);
	CHECK(syscall(SYS_membarrier, 0x100, 0, 0) == 0, "REGISTER_PRIVATE_EXPEDITED_RSEQ");
	CHECK(syscall(SYS_membarrier, 0x80, 0, 0) == 0, "PRIVATE_EXPEDITED_RSEQ");
}

static void run_all(void)
{
	RUN(t_one_thread);
	RUN(t_proc_shows_threads);
	RUN(t_eight_threads);
	RUN(t_32_threads);
	RUN(t_mutex_counter);
	RUN(t_tls_and_stacks);
	RUN(t_condvar_ping_pong);
	RUN(t_futex_wait_changed_value);
	RUN(t_futex_wait_timeout);
	RUN(t_futex_wake_nobody);
	RUN(t_futex_bad_address);
	RUN(t_futex_wake_at_most_n);
	RUN(t_futex_requeue);
	RUN(t_futex_shared_between_processes);
	RUN(t_exit_group_from_thread);
	RUN(t_main_thread_exits_first);
	RUN(t_segv_in_thread_kills_process);
	RUN(t_thread_stack_overflow);
	RUN(t_signals_to_threads);
	RUN(t_kill_multithreaded_process);
	if (TEST_EXEC_FROM_THREAD)
		RUN(t_exec_from_thread);
	RUN(t_many_short_threads);
	RUN(t_detached_threads);
	RUN(t_clone_flag_rules);
	RUN(t_membarrier);
}

int main(int argc, char **argv)
{
	int passes = 2;
	long before = 0;

	self_path = argv[0];
	if (argc > 2 && !strcmp(argv[1], "--exec-check"))
		return exec_check(atoi(argv[2]));
	if (argc > 1 && !strcmp(argv[1], "--main-exits-first"))
		return main_exits_first();
	if (argc > 1)
		passes = atoi(argv[1]);
	printf("TAP version 13\n");
	/* The first pass also warms the kernel's caches; the last must give
	 * back exactly what it took. */
	for (int i = 0; i < passes; i++) {
		if (i == passes - 1)
			before = kmem_baseline();
		run_all();
	}
	leak_check("no memory lost by the whole suite", before, kmem_usage());
	return tap_done();
}
