/*
 * tests/user/futex_test.c - futexes beyond wait and wake (issue 14): how
 * long timed waits sleep, the priority-inheritance operations and their
 * value protocol (with musl's PTHREAD_PRIO_INHERIT mutexes), requeue-PI,
 * futex_waitv, and robust lists (musl's robust process-shared mutexes
 * whose owner exits or is killed).  thread_test.c keeps the basic cases.
 * Run as init (run.py's user-futex), every case twice, then a leak check;
 * TAP on the console.
 */
#define _GNU_SOURCE
#include "tap.h"
#include <limits.h>
#include <stddef.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

/* Linux's <linux/futex.h>, which musl does not ship. */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_TRYLOCK_PI 8
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAIT_REQUEUE_PI 11
#define FUTEX_CMP_REQUEUE_PI 12
#define FUTEX_LOCK_PI2 13
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK 0x3fffffffu
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu
#define P FUTEX_PRIVATE_FLAG

#define SYS_futex_waitv_ 449
#define FUTEX2_SIZE_U8 0x00
#define FUTEX2_SIZE_U32 0x02
#define FUTEX2_PRIVATE 128

struct futex_waitv {
	uint64_t val;
	uint64_t uaddr;
	uint32_t flags;
	uint32_t reserved;
};

struct robust_list_head {
	void *next;
	long futex_offset;
	void *list_op_pending;
};

#define MS 1000000L

static long futex(void *uaddr, int op, uint32_t val, const void *timeout,
		  void *uaddr2, uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op, val, timeout, uaddr2, val3);
}

static long waitv(struct futex_waitv *w, unsigned n, unsigned flags,
		  const struct timespec *ts, int clockid)
{
	return syscall(SYS_futex_waitv_, w, n, flags, ts, clockid);
}

static uint32_t gettid_(void)
{
	return (uint32_t)syscall(SYS_gettid);
}

static long now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static struct timespec ns_to_ts(long ns)
{
	return (struct timespec){ ns / 1000000000L, ns % 1000000000L };
}

static void *shared_page(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* wait_for_sleeper - until task tid (of this process) sleeps ('S'). */
static int wait_for_sleeper(uint32_t tid)
{
	char path[64], buf[256];

	snprintf(path, sizeof(path), "/proc/self/task/%u/stat", tid);
	for (int i = 0; i < 2000; i++) {
		int fd = open(path, O_RDONLY);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
		char *s;

		if (fd >= 0)
			close(fd);
		if (n <= 0) { /* no /proc/self/task: give it time */
			usleep(20000);
			return 1;
		}
		buf[n] = '\0';
		s = strrchr(buf, ')');
		if (s && s[1] == ' ' && s[2] == 'S')
			return 1;
		usleep(1000);
	}
	return 0;
}

/* ---- 1. timeouts end on time, never early ---- */

#define TIMED_RUNS 5
#define TIMEOUT_NS (20 * MS)

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* One kind of timed wait, five times: none early, the median late by
 * at most 3 ms (a tick is 1 ms; QEMU on a loaded host adds some). */
static void timed(const char *what, int op, int absolute, clockid_t clock)
{
	uint32_t word = 0;
	long late[TIMED_RUNS];

	for (int i = 0; i < TIMED_RUNS; i++) {
		long t0 = now_ns(CLOCK_MONOTONIC), c0 = now_ns(clock);
		struct timespec ts = ns_to_ts(absolute ? c0 + TIMEOUT_NS : TIMEOUT_NS);
		long r = futex(&word, op, 0, &ts, NULL, FUTEX_BITSET_MATCH_ANY);
		long c1 = now_ns(clock), t1 = now_ns(CLOCK_MONOTONIC);

		CHECK(r == -1 && errno == ETIMEDOUT, "%s: %ld", what, r);
		CHECK(c1 - c0 >= TIMEOUT_NS, "%s: ended %ld us early", what,
		      (TIMEOUT_NS - (c1 - c0)) / 1000);
		late[i] = t1 - t0 - TIMEOUT_NS;
	}
	qsort(late, TIMED_RUNS, sizeof(late[0]), cmp_long);
	printf("# %s: late by %ld us (median), %ld us (most)\n", what,
	       late[TIMED_RUNS / 2] / 1000, late[TIMED_RUNS - 1] / 1000);
	CHECK(late[TIMED_RUNS / 2] <= 3 * MS, "%s: median %ld us late", what,
	      late[TIMED_RUNS / 2] / 1000);
}

static void t_timeouts_on_time(void)
{
	timed("FUTEX_WAIT relative", FUTEX_WAIT | P, 0, CLOCK_MONOTONIC);
	timed("FUTEX_WAIT|CLOCK_REALTIME relative", FUTEX_WAIT | P | FUTEX_CLOCK_REALTIME,
	      0, CLOCK_MONOTONIC);
	timed("FUTEX_WAIT_BITSET absolute monotonic", FUTEX_WAIT_BITSET | P, 1,
	      CLOCK_MONOTONIC);
	timed("FUTEX_WAIT_BITSET|CLOCK_REALTIME absolute", FUTEX_WAIT_BITSET | P |
	      FUTEX_CLOCK_REALTIME, 1, CLOCK_REALTIME);
}

/* ---- 2. PI futexes: the value protocol ---- */

static void t_pi_value_protocol(void)
{
	uint32_t w = 0, tid = gettid_();
	struct timespec past = { 1, 0 };

	CHECK(futex(&w, FUTEX_TRYLOCK_PI | P, 0, NULL, NULL, 0) == 0, "trylock free");
	CHECK(w == tid, "word %#x, tid %#x", w, tid);
	CHECK_ERR(futex(&w, FUTEX_LOCK_PI | P, 0, NULL, NULL, 0), EDEADLK);
	CHECK_ERR(futex(&w, FUTEX_TRYLOCK_PI | P, 0, NULL, NULL, 0), EDEADLK);
	CHECK(futex(&w, FUTEX_UNLOCK_PI | P, 0, NULL, NULL, 0) == 0, "unlock");
	CHECK(w == 0, "word %#x after unlock", w);
	CHECK_ERR(futex(&w, FUTEX_UNLOCK_PI | P, 0, NULL, NULL, 0), EPERM);
	w = 1; /* pid 1: alive, not us */
	CHECK_ERR(futex(&w, FUTEX_UNLOCK_PI | P, 0, NULL, NULL, 0), EPERM);
	CHECK_ERR(futex(&w, FUTEX_TRYLOCK_PI | P, 0, NULL, NULL, 0), EAGAIN);
	CHECK(w == (1 | FUTEX_WAITERS), "a failed trylock leaves %#x (Linux sets the bit)", w);
	/* LOCK_PI's timeout: absolute CLOCK_REALTIME */
	CHECK_ERR(futex(&w, FUTEX_LOCK_PI | P, 0, &past, NULL, 0), ETIMEDOUT);
	CHECK(w == (1 | FUTEX_WAITERS), "word %#x", w);
	CHECK_ERR(futex(&w, FUTEX_LOCK_PI2 | P | FUTEX_CLOCK_REALTIME, 0, &past, NULL, 0),
		  ETIMEDOUT);
	w = 0x3ffffff0; /* no such thread */
	CHECK_ERR(futex(&w, FUTEX_LOCK_PI | P, 0, NULL, NULL, 0), ESRCH);
	/* a dead owner's word (robust): taken with FUTEX_OWNER_DIED kept */
	w = FUTEX_OWNER_DIED;
	CHECK(futex(&w, FUTEX_LOCK_PI | P, 0, NULL, NULL, 0) == 0, "owner died");
	CHECK(w == (tid | FUTEX_OWNER_DIED), "word %#x", w);
	CHECK_ERR(futex((char *)&w + 1, FUTEX_LOCK_PI | P, 0, NULL, NULL, 0), EINVAL);
	CHECK_ERR(futex(NULL, FUTEX_LOCK_PI | P, 0, NULL, NULL, 0), EFAULT);
	CHECK_ERR(futex(&w, FUTEX_LOCK_PI | FUTEX_CLOCK_REALTIME, 0, NULL, NULL, 0), ENOSYS);
	CHECK_ERR(futex(&w, 2 /* FUTEX_FD, removed */, 0, NULL, NULL, 0), ENOSYS);
}

static uint32_t pi_word;
static atomic_uint pi_waiter_tid;
static atomic_long pi_result;

static void *pi_locker(void *arg)
{
	pi_waiter_tid = gettid_();
	pi_result = futex(&pi_word, FUTEX_LOCK_PI | P, 0, NULL, NULL, 0);
	if (pi_result == 0 && (pi_word & FUTEX_TID_MASK) == gettid_())
		futex(&pi_word, FUTEX_UNLOCK_PI | P, 0, NULL, NULL, 0);
	return arg;
}

static atomic_int handled;

static void on_usr1(int sig)
{
	handled++;
}

/* UNLOCK_PI hands the lock to the sleeper: its ID in the word.  A signal
 * handler (no SA_RESTART) meanwhile does not end the wait: LOCK_PI is
 * restarted (Linux's -ERESTARTNOINTR). */
static void t_pi_handoff(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	pthread_t t;
	uint32_t tid = gettid_();

	pi_word = tid;
	pi_waiter_tid = 0;
	pi_result = 1;
	CHECK(pthread_create(&t, NULL, pi_locker, NULL) == 0, "pthread_create");
	while (!pi_waiter_tid)
		sched_yield();
	CHECK(wait_for_sleeper(pi_waiter_tid), "the locker sleeps");
	CHECK(pi_word == (tid | FUTEX_WAITERS), "word %#x while it waits", pi_word);
	handled = 0;
	sigaction(SIGUSR1, &sa, NULL);
	pthread_kill(t, SIGUSR1);
	while (!handled)
		sched_yield();
	CHECK(wait_for_sleeper(pi_waiter_tid), "the locker sleeps again");
	CHECK(pi_result == 1, "LOCK_PI returned %ld after a handler", (long)pi_result);
	/* a plain FUTEX_WAKE must not take a PI waiter */
	CHECK_ERR(futex(&pi_word, FUTEX_WAKE | P, 1, NULL, NULL, 0), EINVAL);
	CHECK(futex(&pi_word, FUTEX_UNLOCK_PI | P, 0, NULL, NULL, 0) == 0, "unlock");
	CHECK(pthread_join(t, NULL) == 0, "join");
	CHECK(pi_result == 0, "LOCK_PI gave %ld", (long)pi_result);
	CHECK(pi_word == 0, "word %#x at the end", pi_word);
}

#define PI_THREADS 4
#define PI_ROUNDS 2000

static pthread_mutex_t pi_mutex;
static long pi_counter;

static void *pi_worker(void *arg)
{
	for (int i = 0; i < PI_ROUNDS; i++) {
		if (pthread_mutex_lock(&pi_mutex))
			return (void *)1;
		long c = pi_counter;

		if (i % 64 == 0)
			sched_yield(); /* let the others meet a held lock */
		pi_counter = c + 1;
		pthread_mutex_unlock(&pi_mutex);
	}
	return arg;
}

/* musl's PTHREAD_PRIO_INHERIT mutex: mutual exclusion through LOCK_PI. */
static void t_pi_mutex_musl(void)
{
	pthread_mutexattr_t a;
	pthread_t t[PI_THREADS];
	void *r;
	int bad = 0;

	pthread_mutexattr_init(&a);
	CHECK(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT) == 0, "setprotocol");
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
	CHECK(pthread_mutex_init(&pi_mutex, &a) == 0, "init");
	pi_counter = 0;
	for (int i = 0; i < PI_THREADS; i++)
		CHECK(pthread_create(&t[i], NULL, pi_worker, NULL) == 0, "create");
	for (int i = 0; i < PI_THREADS; i++) {
		pthread_join(t[i], &r);
		bad += r != NULL;
	}
	CHECK(!bad && pi_counter == PI_THREADS * PI_ROUNDS, "counter %ld", pi_counter);
	CHECK(pthread_mutex_lock(&pi_mutex) == 0, "lock");
	CHECK(pthread_mutex_lock(&pi_mutex) == EDEADLK, "relock is EDEADLK");
	CHECK(pthread_mutex_unlock(&pi_mutex) == 0, "unlock");
	pthread_mutex_destroy(&pi_mutex);
}

/* ---- 3. requeue-PI ---- */

static uint32_t cond_word, rq_lock;
static atomic_long rq_result;
static atomic_uint rq_tid;

static void *rq_waiter(void *arg)
{
	rq_tid = gettid_();
	rq_result = futex(&cond_word, FUTEX_WAIT_REQUEUE_PI | P, 0, NULL, &rq_lock, 0);
	if (rq_result == 0 && (rq_lock & FUTEX_TID_MASK) == gettid_())
		futex(&rq_lock, FUTEX_UNLOCK_PI | P, 0, NULL, NULL, 0);
	else if (rq_result == 0)
		rq_result = -1000; /* returned without the lock */
	return arg;
}

static void start_rq_waiter(pthread_t *t)
{
	rq_tid = 0;
	rq_result = 1;
	CHECK(pthread_create(t, NULL, rq_waiter, NULL) == 0, "pthread_create");
	while (!rq_tid)
		sched_yield();
	CHECK(wait_for_sleeper(rq_tid), "the waiter sleeps");
}

static void t_requeue_pi(void)
{
	pthread_t t;

	cond_word = 0;
	/* errors first */
	CHECK_ERR(futex(&cond_word, FUTEX_WAIT_REQUEUE_PI | P, 0, NULL, &cond_word, 0), EINVAL);
	CHECK_ERR(futex(&cond_word, FUTEX_WAIT_REQUEUE_PI | P, 1, NULL, &rq_lock, 0), EAGAIN);
	CHECK_ERR(futex(&cond_word, FUTEX_CMP_REQUEUE_PI | P, 2, NULL, &rq_lock, 0), EINVAL);
	CHECK_ERR(futex(&cond_word, FUTEX_CMP_REQUEUE_PI | P, 1, NULL, &cond_word, 0), EINVAL);
	CHECK_ERR(futex(&cond_word, FUTEX_CMP_REQUEUE_PI | P, 1, NULL, &rq_lock, 5), EAGAIN);

	/* the lock is free: the waiter is woken owning it */
	rq_lock = 0;
	start_rq_waiter(&t);
	CHECK_ERR(futex(&cond_word, FUTEX_WAKE | P, 1, NULL, NULL, 0), EINVAL);
	CHECK(futex(&cond_word, FUTEX_CMP_REQUEUE_PI | P, 1, (void *)0, &rq_lock, 0) == 1,
	      "requeue-PI woke one");
	pthread_join(t, NULL);
	CHECK(rq_result == 0, "WAIT_REQUEUE_PI gave %ld", (long)rq_result);
	CHECK(rq_lock == 0, "word %#x after its unlock", rq_lock);

	/* the lock is held: moved to it, then UNLOCK_PI hands it over */
	rq_lock = gettid_();
	start_rq_waiter(&t);
	CHECK(futex(&cond_word, FUTEX_CMP_REQUEUE_PI | P, 1, (void *)1, &rq_lock, 0) == 1,
	      "requeue-PI moved one");
	CHECK(rq_lock == (gettid_() | FUTEX_WAITERS), "word %#x", rq_lock);
	CHECK(futex(&rq_lock, FUTEX_UNLOCK_PI | P, 0, NULL, NULL, 0) == 0, "unlock");
	pthread_join(t, NULL);
	CHECK(rq_result == 0, "WAIT_REQUEUE_PI gave %ld", (long)rq_result);
	CHECK(rq_lock == 0, "word %#x at the end", rq_lock);
}

/* ---- 4. futex_waitv ---- */

static uint32_t wv_words[3];
static atomic_long wv_result;
static atomic_uint wv_tid;

static void *wv_waiter(void *arg)
{
	struct futex_waitv w[3];

	for (int i = 0; i < 3; i++)
		w[i] = (struct futex_waitv){ 0, (uintptr_t)&wv_words[i],
					     FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0 };
	wv_tid = gettid_();
	wv_result = waitv(w, 3, 0, NULL, 0);
	return arg;
}

static void t_futex_waitv(void)
{
	uint32_t word = 7;
	struct futex_waitv w = { 7, (uintptr_t)&word, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0 };
	struct futex_waitv big[129];
	struct timespec soon, past = { 0, 0 };
	pthread_t t;
	long t0;

	CHECK_ERR(waitv(&w, 1, 1, NULL, 0), EINVAL);          /* flags */
	CHECK_ERR(waitv(&w, 0, 0, NULL, 0), EINVAL);          /* none */
	for (int i = 0; i < 129; i++)
		big[i] = w;
	CHECK_ERR(waitv(big, 129, 0, NULL, 0), EINVAL);       /* > 128 */
	CHECK_ERR(waitv(NULL, 1, 0, NULL, 0), EINVAL);
	CHECK_ERR(waitv(&w, 1, 0, &past, 5 /* CLOCK_REALTIME_COARSE */), EINVAL);
	CHECK_ERR(waitv((void *)16, 1, 0, NULL, 0), EFAULT);
	w.flags = FUTEX2_SIZE_U8;
	CHECK_ERR(waitv(&w, 1, 0, &past, CLOCK_MONOTONIC), EINVAL);
	w.flags = FUTEX2_SIZE_U32 | 4;
	CHECK_ERR(waitv(&w, 1, 0, &past, CLOCK_MONOTONIC), EINVAL);
	w.flags = FUTEX2_SIZE_U32;
	w.reserved = 1;
	CHECK_ERR(waitv(&w, 1, 0, &past, CLOCK_MONOTONIC), EINVAL);
	w.reserved = 0;
	w.uaddr = (uintptr_t)&word + 2;
	CHECK_ERR(waitv(&w, 1, 0, &past, CLOCK_MONOTONIC), EINVAL);
	w.uaddr = (uintptr_t)&word;
	w.val = 8;
	CHECK_ERR(waitv(&w, 1, 0, NULL, 0), EAGAIN);
	w.val = 7;
	CHECK_ERR(waitv(&w, 1, 0, &past, CLOCK_MONOTONIC), ETIMEDOUT);
	t0 = now_ns(CLOCK_REALTIME);
	soon = ns_to_ts(t0 + 20 * MS);
	CHECK_ERR(waitv(&w, 1, 0, &soon, CLOCK_REALTIME), ETIMEDOUT);
	CHECK(now_ns(CLOCK_REALTIME) - t0 >= 20 * MS, "ended early");
	for (int i = 0; i < 128; i++)
		big[i] = w;
	CHECK_ERR(waitv(big, 128, 0, &past, CLOCK_MONOTONIC), ETIMEDOUT);

	/* a wake on the third word: index 2 */
	memset(wv_words, 0, sizeof(wv_words));
	wv_tid = 0;
	CHECK(pthread_create(&t, NULL, wv_waiter, NULL) == 0, "pthread_create");
	while (!wv_tid)
		sched_yield();
	CHECK(wait_for_sleeper(wv_tid), "the waiter sleeps");
	CHECK(futex(&wv_words[2], FUTEX_WAKE | P, 1, NULL, NULL, 0) == 1, "woke one");
	pthread_join(t, NULL);
	CHECK(wv_result == 2, "futex_waitv gave %ld", (long)wv_result);
}

/* ---- 5. robust lists ---- */

static void t_robust_list_calls(void)
{
	struct robust_list_head head = { &head, 0, NULL }, *got = NULL;
	size_t len = 0;

	CHECK_ERR(syscall(SYS_set_robust_list, &head, sizeof(head) - 1), EINVAL);
	CHECK(syscall(SYS_set_robust_list, &head, sizeof(head)) == 0, "set");
	CHECK(syscall(SYS_get_robust_list, 0, &got, &len) == 0, "get");
	CHECK(got == &head && len == sizeof(head), "got %p, %zu", (void *)got, len);
	CHECK(syscall(SYS_get_robust_list, gettid_(), &got, &len) == 0 && got == &head,
	      "get by tid");
	CHECK_ERR(syscall(SYS_get_robust_list, 0x3ffffff0, &got, &len), ESRCH);
	CHECK_ERR(syscall(SYS_get_robust_list, 0, NULL, &len), EFAULT);
}

static pthread_mutex_t *robust; /* in a MAP_SHARED page */
static atomic_int robust_locked;

static void robust_init(int pi)
{
	pthread_mutexattr_t a;

	robust = shared_page();
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	if (pi)
		pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
	CHECK(robust && pthread_mutex_init(robust, &a) == 0, "init");
}

static void *lock_and_exit(void *arg)
{
	pthread_mutex_lock(robust);
	robust_locked = 1;
	if (arg)
		usleep(50000); /* the main thread sleeps in the lock meanwhile */
	return NULL; /* exits holding it */
}

/* EOWNERDEAD for the next locker, consistent, then a normal mutex. */
static void check_owner_dead(const char *what)
{
	struct timespec deadline = ns_to_ts(now_ns(CLOCK_REALTIME) + 3000 * MS);
	int r = pthread_mutex_timedlock(robust, &deadline);

	CHECK(r == EOWNERDEAD, "%s: EOWNERDEAD, not %d", what, r);
	if (r == ETIMEDOUT)
		return;
	CHECK(pthread_mutex_consistent(robust) == 0, "%s: consistent", what);
	CHECK(pthread_mutex_unlock(robust) == 0, "%s: unlock", what);
	CHECK(pthread_mutex_lock(robust) == 0, "%s: lock again", what);
	CHECK(pthread_mutex_unlock(robust) == 0, "%s: unlock again", what);
}

static void robust_thread_exits(int pi)
{
	const char *what = pi ? "PI, thread" : "thread";
	pthread_t t;

	robust_init(pi);
	/* The owner is gone before the lock... */
	robust_locked = 0;
	CHECK(pthread_create(&t, NULL, lock_and_exit, NULL) == 0, "create");
	pthread_join(t, NULL);
	check_owner_dead(what);
	/* ...and while the next locker sleeps in it. */
	robust_locked = 0;
	CHECK(pthread_create(&t, NULL, lock_and_exit, (void *)1) == 0, "create");
	while (!robust_locked)
		sched_yield();
	check_owner_dead(what);
	pthread_join(t, NULL);
	munmap(robust, 4096);
}

static void t_robust_mutex_thread_exits(void)
{
	robust_thread_exits(0);
}

static void t_robust_pi_mutex_thread_exits(void)
{
	robust_thread_exits(1);
}

/* A child process locks it and is killed with SIGKILL. */
static void robust_process_killed(int pi)
{
	int ready[2];
	pid_t owner, killer;
	char c;

	robust_init(pi);
	CHECK(pipe(ready) == 0, "pipe");
	fflush(stdout);
	owner = fork();
	if (owner == 0) {
		pthread_mutex_lock(robust);
		(void)!write(ready[1], "x", 1);
		for (;;)
			pause();
	}
	CHECK(read(ready[0], &c, 1) == 1, "the owner locked it");
	killer = fork(); /* kills the owner while we sleep in the lock */
	if (killer == 0) {
		usleep(50000);
		kill(owner, SIGKILL);
		_exit(0);
	}
	check_owner_dead(pi ? "PI, process" : "process");
	waitpid(owner, NULL, 0);
	waitpid(killer, NULL, 0);
	close(ready[0]);
	close(ready[1]);
	munmap(robust, 4096);
}

static void t_robust_mutex_process_killed(void)
{
	robust_process_killed(0);
}

static void t_robust_pi_mutex_process_killed(void)
{
	robust_process_killed(1);
}

/* A list the kernel must not trust: a loop, a bad pointer, a pending
 * entry; the thread's exit stops after the limit and marks what it owns. */
struct loop_entry {
	void *next;
	uint32_t word;
};
static struct loop_entry loop_entries[2];

static void *bad_list_exit(void *arg)
{
	static __thread struct robust_list_head head;

	loop_entries[0].next = &loop_entries[1];
	loop_entries[1].next = &loop_entries[0]; /* a cycle, never the head */
	loop_entries[0].word = gettid_();
	loop_entries[1].word = 12345;            /* not ours: untouched */
	head.next = arg ? (void *)8 : &loop_entries[0];
	head.futex_offset = (long)offsetof(struct loop_entry, word);
	head.list_op_pending = NULL;
	syscall(SYS_set_robust_list, &head, sizeof(head));
	return NULL;
}

static void t_robust_list_bad(void)
{
	pthread_t t;

	CHECK(pthread_create(&t, NULL, bad_list_exit, NULL) == 0, "create");
	CHECK(pthread_join(t, NULL) == 0, "a cyclic list: the thread exits");
	CHECK(loop_entries[0].word == FUTEX_OWNER_DIED, "owned word %#x",
	      loop_entries[0].word);
	CHECK(loop_entries[1].word == 12345, "other word %u", loop_entries[1].word);
	CHECK(pthread_create(&t, NULL, bad_list_exit, (void *)1) == 0, "create");
	CHECK(pthread_join(t, NULL) == 0, "a bad pointer: the thread exits");
}

static void all(void)
{
	RUN(t_timeouts_on_time);
	RUN(t_pi_value_protocol);
	RUN(t_pi_handoff);
	RUN(t_pi_mutex_musl);
	RUN(t_requeue_pi);
	RUN(t_futex_waitv);
	RUN(t_robust_list_calls);
	RUN(t_robust_mutex_thread_exits);
	RUN(t_robust_pi_mutex_thread_exits);
	RUN(t_robust_mutex_process_killed);
	RUN(t_robust_pi_mutex_process_killed);
	RUN(t_robust_list_bad);
}

int main(void)
{
	printf("TAP version 13\n");
	leak_checked_twice(all, NULL);
	return tap_done();
}
