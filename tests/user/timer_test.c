/*
 * tests/user/timer_test.c - timers and sleeping: alarm, setitimer and
 * getitimer, POSIX timers (signal, overrun, SIGEV_NONE, musl's
 * SIGEV_THREAD, CPU-time clocks), RLIMIT_CPU, clock_nanosleep with
 * TIMER_ABSTIME, and how closely nanosleep and futex timeouts keep time.
 * Run by the harness as init (init=/tests/timer_test); TAP on the console.
 * Times are guest times (CLOCK_MONOTONIC); the harness's qemu/clock-under-load
 * test checks the guest clock against the host's.  A time must never come
 * early; how late it may come is generous (hundreds of ms), because a busy
 * host deschedules QEMU for that long now and then: precision is checked
 * by the median in t_sleep_accuracy.
 */
#define _GNU_SOURCE
#include "tap.h"
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

#define MS 1000000ll /* ns */
#define FUTEX_WAIT_PRIVATE 128

static char *self_path = "/tests/timer_test";

static long long now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static long long mono(void)
{
	return now_ns(CLOCK_MONOTONIC);
}

static long long cputime(void)
{
	return now_ns(CLOCK_PROCESS_CPUTIME_ID);
}

static long long tv_ns(struct timeval tv)
{
	return tv.tv_sec * 1000000000ll + tv.tv_usec * 1000ll;
}

static long long ts_ns(struct timespec ts)
{
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* Spin in user mode (the clock is read only every 100000 rounds, so
 * nearly all the time is user time) until the process has used cpu_ns. */
static void spin_cpu_until(long long cpu_ns)
{
	while (cputime() < cpu_ns)
		for (int i = 0; i < 100000; i++)
			__asm__ volatile("");
}

static volatile sig_atomic_t hits;
static siginfo_t last_info;

static void count_hit(int sig, siginfo_t *si, void *uc)
{
	hits++;
	last_info = *si;
}

static void catch(int sig)
{
	struct sigaction sa = { .sa_sigaction = count_hit, .sa_flags = SA_SIGINFO };

	sigaction(sig, &sa, NULL);
}

/* The raw timer calls: kernel timer IDs, not musl's timer_t. */
static long k_timer_create(clockid_t clock, struct sigevent *ev, int *id)
{
	return syscall(SYS_timer_create, clock, ev, id);
}

static long k_timer_settime(int id, int flags, long long value, long long interval,
			    struct itimerspec *old)
{
	struct itimerspec its = { { interval / 1000000000, interval % 1000000000 },
				  { value / 1000000000, value % 1000000000 } };

	return syscall(SYS_timer_settime, id, flags, &its, old);
}

static long k_timer_gettime(int id, struct itimerspec *cur)
{
	return syscall(SYS_timer_gettime, id, cur);
}

/* ---- alarm and the interval timers ---- */

/* alarm(1) in a process looping in user mode kills it after ~1 s. */
static void t_alarm_kills_looping_process(void)
{
	long long t0 = mono(), dt;
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		alarm(1);
		for (;;)
			__asm__ volatile("");
	}
	CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
	dt = mono() - t0;
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM,
	      "status %#x: not killed by SIGALRM", status);
	CHECK(dt >= 1000 * MS && dt < 2000 * MS, "killed after %lld ms", dt / MS);
}

static void t_alarm_returns_what_was_left(void)
{
	struct itimerval v;

	CHECK(alarm(10) == 0, "no alarm before");
	CHECK(alarm(5) == 10, "10 s left, rounded");
	getitimer(ITIMER_REAL, &v);
	CHECK(v.it_value.tv_sec == 4 && v.it_interval.tv_sec == 0 &&
	      v.it_interval.tv_usec == 0, "ITIMER_REAL after alarm(5): %ld.%06ld",
	      (long)v.it_value.tv_sec, (long)v.it_value.tv_usec);
	CHECK(alarm(0) == 5, "5 s left");
	getitimer(ITIMER_REAL, &v);
	CHECK(v.it_value.tv_sec == 0 && v.it_value.tv_usec == 0, "alarm(0) cancels");
	CHECK(alarm(0) == 0, "nothing left");
}

/* ITIMER_REAL with an interval: first after the value, then each interval. */
static void t_setitimer_real_interval(void)
{
	struct itimerval set = { { 0, 20000 }, { 0, 50000 } }, cur;
	long long t0, dt;

	catch(SIGALRM);
	t0 = mono();
	CHECK(setitimer(ITIMER_REAL, &set, NULL) == 0, "setitimer");
	while (hits < 5 && mono() - t0 < 2000 * MS)
		pause();
	dt = mono() - t0;
	CHECK(hits == 5, "%d SIGALRMs", (int)hits);
	CHECK(dt >= 130 * MS && dt < 500 * MS, "5 SIGALRMs took %lld ms, expected 130",
	      dt / MS);
	getitimer(ITIMER_REAL, &cur);
	CHECK(cur.it_interval.tv_sec == 0 && cur.it_interval.tv_usec == 20000,
	      "interval reads back %ld us", (long)cur.it_interval.tv_usec);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0 &&
	      cur.it_value.tv_usec <= 20000, "value %ld us", (long)cur.it_value.tv_usec);
	CHECK(setitimer(ITIMER_REAL, NULL, NULL) == 0, "NULL disarms, as on Linux");
	getitimer(ITIMER_REAL, &cur);
	CHECK(tv_ns(cur.it_value) == 0 && tv_ns(cur.it_interval) == 0, "disarmed");
}

static void t_getitimer_readback(void)
{
	struct itimerval set = { { 1, 0 }, { 2, 0 } }, old, cur;
	struct itimerval bad = { { 0, 0 }, { 0, 1000000 } };
	long long v;

	CHECK(setitimer(ITIMER_REAL, &set, NULL) == 0, "setitimer");
	CHECK(setitimer(ITIMER_REAL, &set, &old) == 0, "setitimer again");
	v = tv_ns(old.it_value);
	CHECK(v > 1900 * MS && v <= 2000 * MS, "old value %lld us", v / 1000);
	CHECK(tv_ns(old.it_interval) == 1000 * MS, "old interval");
	getitimer(ITIMER_REAL, &cur);
	CHECK(tv_ns(cur.it_value) > 1900 * MS, "value");
	setitimer(ITIMER_REAL, NULL, NULL);

	/* a CPU timer is armed a tick late, as on Linux */
	set = (struct itimerval){ { 0, 300000 }, { 5, 0 } };
	CHECK(setitimer(ITIMER_VIRTUAL, &set, NULL) == 0, "ITIMER_VIRTUAL");
	getitimer(ITIMER_VIRTUAL, &cur);
	v = tv_ns(cur.it_value);
	CHECK(v > 4900 * MS && v <= 5000 * MS + 1 * MS, "virtual value %lld us", v / 1000);
	CHECK(tv_ns(cur.it_interval) == 300 * MS, "virtual interval");
	set = (struct itimerval){ { 0, 0 }, { 0, 0 } };
	CHECK(setitimer(ITIMER_VIRTUAL, &set, &old) == 0, "disarm");
	CHECK(tv_ns(old.it_value) > 4900 * MS, "old virtual value");
	getitimer(ITIMER_PROF, &cur);
	CHECK(tv_ns(cur.it_value) == 0, "ITIMER_PROF never set");

	CHECK_ERR(setitimer(ITIMER_REAL, &bad, NULL), EINVAL);
	CHECK_ERR(setitimer(3, &set, NULL), EINVAL);
	CHECK_ERR(getitimer(-1, &cur), EINVAL);
	CHECK_ERR(getitimer(ITIMER_REAL, (void *)8), EFAULT);
	CHECK_ERR(setitimer(ITIMER_REAL, (void *)8, NULL), EFAULT);
}

/* ITIMER_VIRTUAL and ITIMER_PROF count CPU time, and reload. */
static void cpu_itimer(int which, int sig)
{
	struct itimerval set = { { 0, 10000 }, { 0, 10000 } };
	long long start = cputime();

	catch(sig);
	CHECK(setitimer(which, &set, NULL) == 0, "setitimer");
	spin_cpu_until(start + 205 * MS);
	set = (struct itimerval){ { 0, 0 }, { 0, 0 } };
	setitimer(which, &set, NULL);
	CHECK(hits >= 17 && hits <= 21, "%d signals in 205 ms of CPU, every 10 ms",
	      (int)hits);
}

static void t_itimer_virtual(void)
{
	cpu_itimer(ITIMER_VIRTUAL, SIGVTALRM);
}

static void t_itimer_prof(void)
{
	cpu_itimer(ITIMER_PROF, SIGPROF);
}

/* fork: the child has no timers (alarm cleared); the parent keeps its. */
static void t_itimers_not_inherited(void)
{
	struct itimerval set = { { 0, 0 }, { 10, 0 } }, cur;
	int status;
	pid_t pid;

	alarm(20);
	setitimer(ITIMER_PROF, &set, NULL);
	pid = fork();
	if (pid == 0) {
		getitimer(ITIMER_REAL, &cur);
		int real = tv_ns(cur.it_value) != 0;
		getitimer(ITIMER_PROF, &cur);
		int prof = tv_ns(cur.it_value) != 0;
		_exit(real || prof || alarm(0) != 0);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, "the child had a timer (status %#x)", status);
	CHECK(alarm(0) >= 19, "the parent's alarm stays");
}

/* execve keeps ITIMER_REAL and deletes the POSIX timers. */
static void t_exec_keeps_itimer_deletes_timers(void)
{
	struct itimerval set = { { 0, 0 }, { 5, 0 } };
	struct sigevent ev = { .sigev_notify = SIGEV_NONE };
	int id, status;
	pid_t pid = fork();

	if (pid == 0) {
		setitimer(ITIMER_REAL, &set, NULL);
		if (k_timer_create(CLOCK_MONOTONIC, &ev, &id) || id != 0)
			_exit(3);
		execl(self_path, self_path, "--after-exec", (char *)NULL);
		_exit(4);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, "after exec: status %#x", status);
}

static int after_exec(void)
{
	struct itimerval cur;
	struct itimerspec its;

	getitimer(ITIMER_REAL, &cur);
	if (cur.it_value.tv_sec != 4)
		return 1; /* ITIMER_REAL lost */
	if (k_timer_gettime(0, &its) != -1 || errno != EINVAL)
		return 2; /* the POSIX timer survived */
	return 0;
}

/* ---- POSIX timers ---- */

static void t_timer_signal(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1,
			       .sigev_value.sival_int = 42 };
	struct itimerspec cur;
	long long t0 = mono(), dt;
	int id, id2;

	catch(SIGUSR1);
	CHECK(k_timer_create(CLOCK_MONOTONIC, &ev, &id) == 0, "timer_create");
	CHECK(id == 0, "the first timer's ID is 0 (%d)", id);
	CHECK(k_timer_create(CLOCK_REALTIME, NULL, &id2) == 0 && id2 == 1,
	      "then 1 (%d)", id2);
	CHECK(k_timer_settime(id, 0, 30 * MS, 0, NULL) == 0, "timer_settime");
	while (!hits && mono() - t0 < 2000 * MS)
		pause();
	dt = mono() - t0;
	CHECK(hits == 1, "%d signals", (int)hits);
	CHECK(dt >= 30 * MS && dt < 400 * MS, "after %lld ms, expected 30", dt / MS);
	CHECK(last_info.si_code == SI_TIMER, "si_code %d", last_info.si_code);
	CHECK(last_info.si_value.sival_int == 42, "si_value %d", last_info.si_value.sival_int);
	CHECK(last_info.si_timerid == id, "si_timerid %d", last_info.si_timerid);
	CHECK(last_info.si_overrun == 0, "si_overrun %d", last_info.si_overrun);
	CHECK(k_timer_gettime(id, &cur) == 0 && ts_ns(cur.it_value) == 0,
	      "a one-shot timer that fired reads 0");
	CHECK(syscall(SYS_timer_delete, id) == 0, "timer_delete");
	CHECK(syscall(SYS_timer_delete, id) == -1 && errno == EINVAL, "deleted twice");
	CHECK(syscall(SYS_timer_delete, id2) == 0, "timer_delete");
}

/* A periodic timer whose signal stays blocked: one signal, the other
 * expirations counted as overruns in it and, once it is delivered, in
 * timer_getoverrun (read in the handler: the timer goes on). */
static int overrun_timer;
static long overrun_read;

static void on_overrun_signal(int sig, siginfo_t *si, void *uc)
{
	if (!hits++) {
		last_info = *si;
		overrun_read = syscall(SYS_timer_getoverrun, overrun_timer);
	}
}

static void t_timer_overrun(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2 };
	struct sigaction sa = { .sa_sigaction = on_overrun_signal, .sa_flags = SA_SIGINFO };
	struct timespec pause_ts = { 0, 100 * MS };
	long long armed, blocked_until, delivered;
	sigset_t set;
	int over;

	sigaction(SIGUSR2, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	CHECK(k_timer_create(CLOCK_MONOTONIC, &ev, &overrun_timer) == 0, "timer_create");
	armed = mono();
	CHECK(k_timer_settime(overrun_timer, 0, 5 * MS, 5 * MS, NULL) == 0, "settime");
	nanosleep(&pause_ts, NULL);
	CHECK(syscall(SYS_timer_getoverrun, overrun_timer) == 0, "none delivered yet");
	blocked_until = mono();
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	delivered = mono();
	/* One signal for the whole blocked time; the timer goes on, so a
	 * loaded host may deliver the next one (5 ms later) before this
	 * line: the first is the one that must carry the overruns. */
	CHECK(hits >= 1 && hits <= 1 + (mono() - blocked_until) / (5 * MS) + 1,
	      "%d signals", (int)hits);
	over = last_info.si_overrun;
	/* One signal for all the expirations while it was blocked: the others
	 * are its overruns.  Bounded by the clock read around the wait, not by
	 * the 100 ms asked for: on a loaded host the sleep can end late (a
	 * 40-overrun bound failed in CI). */
	CHECK(over >= (blocked_until - armed) / (5 * MS) - 2 &&
	      over <= (delivered - armed) / (5 * MS),
	      "si_overrun %d after %lld ms blocked at 5 ms", over,
	      (blocked_until - armed) / MS);
	CHECK(blocked_until - armed >= 100 * MS, "slept 100 ms");
	CHECK(overrun_read == over, "timer_getoverrun %ld", overrun_read);
	CHECK(syscall(SYS_timer_delete, overrun_timer) == 0, "timer_delete");
	CHECK(syscall(SYS_timer_getoverrun, 999) == -1 && errno == EINVAL, "bad ID");
}

static void t_timer_settime_gettime(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_NONE };
	struct itimerspec cur, old, bad = { { 0, 0 }, { 0, 1000000000 } };
	struct timespec ts;
	int id;

	CHECK(k_timer_create(CLOCK_MONOTONIC, &ev, &id) == 0, "timer_create");
	CHECK(k_timer_settime(id, 0, 1000 * MS, 500 * MS, NULL) == 0, "settime");
	CHECK(k_timer_gettime(id, &cur) == 0, "gettime");
	CHECK(ts_ns(cur.it_value) > 900 * MS && ts_ns(cur.it_value) <= 1000 * MS,
	      "value %lld", ts_ns(cur.it_value));
	CHECK(ts_ns(cur.it_interval) == 500 * MS, "interval");
	CHECK(k_timer_settime(id, 0, 0, 0, &old) == 0, "disarm");
	CHECK(ts_ns(old.it_value) > 900 * MS && ts_ns(old.it_interval) == 500 * MS,
	      "old value");
	k_timer_gettime(id, &cur);
	CHECK(ts_ns(cur.it_value) == 0, "disarmed");

	/* SIGEV_NONE keeps running: after 35 ms of a 10 ms period, 5 are left */
	k_timer_settime(id, 0, 10 * MS, 10 * MS, NULL);
	ts = (struct timespec){ 0, 35 * MS };
	nanosleep(&ts, NULL);
	k_timer_gettime(id, &cur);
	CHECK(ts_ns(cur.it_value) > 0 && ts_ns(cur.it_value) <= 10 * MS,
	      "SIGEV_NONE value %lld", ts_ns(cur.it_value));

	/* an absolute time already past fires at once */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	CHECK(k_timer_settime(id, TIMER_ABSTIME, ts_ns(ts) + 200 * MS, 0, NULL) == 0,
	      "ABSTIME");
	k_timer_gettime(id, &cur);
	CHECK(ts_ns(cur.it_value) > 150 * MS && ts_ns(cur.it_value) <= 200 * MS,
	      "absolute value %lld", ts_ns(cur.it_value));

	CHECK(syscall(SYS_timer_settime, id, 0, &bad, NULL) == -1 && errno == EINVAL,
	      "tv_nsec 10^9");
	CHECK(syscall(SYS_timer_settime, id, 0, NULL, NULL) == -1 && errno == EINVAL,
	      "NULL");
	CHECK(syscall(SYS_timer_settime, id, 0, (void *)8, NULL) == -1 && errno == EFAULT,
	      "bad pointer");
	CHECK(syscall(SYS_timer_settime, 12345, 0, &cur, NULL) == -1 && errno == EINVAL,
	      "no such timer");
	CHECK(k_timer_gettime(id, (void *)8) == -1 && errno == EFAULT, "gettime EFAULT");
}

/* An absolute CLOCK_REALTIME timer. */
static void t_timer_realtime_abstime(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	long long t0 = mono(), dt;
	int id;

	catch(SIGUSR1);
	CHECK(k_timer_create(CLOCK_REALTIME, &ev, &id) == 0, "timer_create");
	CHECK(k_timer_settime(id, TIMER_ABSTIME, now_ns(CLOCK_REALTIME) + 50 * MS, 0,
			      NULL) == 0, "settime");
	while (!hits && mono() - t0 < 2000 * MS)
		pause();
	dt = mono() - t0;
	CHECK(hits == 1 && dt >= 48 * MS && dt < 400 * MS, "fired after %lld ms", dt / MS);
}

static void t_timer_create_errors(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = 65 };
	int id, n = 0;

	CHECK(k_timer_create(CLOCK_MONOTONIC, &ev, &id) == -1 && errno == EINVAL,
	      "signal 65");
	ev = (struct sigevent){ .sigev_notify = 99, .sigev_signo = SIGUSR1 };
	CHECK(k_timer_create(CLOCK_MONOTONIC, &ev, &id) == -1 && errno == EINVAL,
	      "sigev_notify 99");
	ev = (struct sigevent){ .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGUSR1 };
	ev.sigev_notify_thread_id = 1; /* init: another process */
	CHECK(k_timer_create(CLOCK_MONOTONIC, &ev, &id) == -1 && errno == EINVAL,
	      "SIGEV_THREAD_ID of another process");
	CHECK(k_timer_create(-1, NULL, &id) == -1 && errno == EINVAL, "clock -1");
	CHECK(k_timer_create(100, NULL, &id) == -1 && errno == EINVAL, "clock 100");
	CHECK(k_timer_create(CLOCK_MONOTONIC_RAW, NULL, &id) == -1 &&
	      errno == EOPNOTSUPP, "CLOCK_MONOTONIC_RAW");
	CHECK(k_timer_create(CLOCK_MONOTONIC, (void *)8, &id) == -1 && errno == EFAULT,
	      "bad sigevent");
	CHECK(k_timer_create(CLOCK_MONOTONIC, NULL, (void *)8) == -1 && errno == EFAULT,
	      "bad ID pointer");
	while (k_timer_create(CLOCK_MONOTONIC, NULL, &id) == 0 && n < 5000)
		n++;
	CHECK(n == 1024 && errno == EAGAIN, "%d timers, then errno %d", n, errno);
}

/* Timers left armed by processes that exit are freed with them. */
static void make_timers_and_exit(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	struct itimerval set = { { 0, 1000 }, { 0, 1000 } };
	int id;

	signal(SIGUSR1, SIG_IGN);
	signal(SIGALRM, SIG_IGN);
	setitimer(ITIMER_REAL, &set, NULL);
	for (int i = 0; i < 50; i++)
		if (!k_timer_create(i % 2 ? CLOCK_MONOTONIC : CLOCK_PROCESS_CPUTIME_ID, &ev, &id))
			k_timer_settime(id, 0, 1 * MS, 1 * MS, NULL);
}

static void timers_of_exiting_processes(void)
{
	for (int i = 0; i < 20; i++)
		run_child(make_timers_and_exit);
}

/* CLOCK_PROCESS_CPUTIME_ID: fires after that much CPU time. */
static void t_timer_cputime(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	long long start, at = 0;
	int id;

	catch(SIGUSR1);
	CHECK(k_timer_create(CLOCK_PROCESS_CPUTIME_ID, &ev, &id) == 0, "timer_create");
	start = cputime();
	CHECK(k_timer_settime(id, 0, 100 * MS, 0, NULL) == 0, "settime");
	while (!hits && cputime() - start < 1000 * MS)
		at = cputime();
	at -= start;
	CHECK(hits == 1, "no signal");
	/* at is the loop's last reading before the handler ran: on several
	 * CPUs the timer is checked by CPU 0's tick and the signal comes by
	 * IPI, so on a loaded host that reading may be a few ticks old. */
	CHECK(at >= 95 * MS && at < 120 * MS, "fired after %lld ms of CPU", at / MS);
}

/* musl's SIGEV_THREAD: a helper thread waits for the timer's signal
 * (SIGEV_THREAD_ID, sigwaitinfo) and calls the function. */
static atomic_int thread_calls;
static int thread_value;

static void on_timer(union sigval v)
{
	thread_value = v.sival_int;
	atomic_fetch_add(&thread_calls, 1);
}

static void t_sigev_thread(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_THREAD,
			       .sigev_notify_function = on_timer,
			       .sigev_value.sival_int = 7 };
	struct itimerspec its = { { 0, 10 * MS }, { 0, 10 * MS } };
	struct timespec ts = { 0, 5 * MS };
	long long t0 = mono();
	timer_t tm;

	CHECK(timer_create(CLOCK_MONOTONIC, &ev, &tm) == 0, "timer_create");
	CHECK(timer_settime(tm, 0, &its, NULL) == 0, "timer_settime");
	while (atomic_load(&thread_calls) < 5 && mono() - t0 < 2000 * MS)
		nanosleep(&ts, NULL);
	CHECK(atomic_load(&thread_calls) >= 5, "%d calls", atomic_load(&thread_calls));
	CHECK(thread_value == 7, "sival_int %d", thread_value);
	CHECK(mono() - t0 < 500 * MS, "5 calls took %lld ms", (mono() - t0) / MS);
	CHECK(timer_delete(tm) == 0, "timer_delete");
}

/* RLIMIT_CPU: SIGXCPU at the soft limit and each second after, SIGKILL at
 * the hard one.  The child reports each SIGXCPU on a pipe. */
static int xcpu_pipe[2];

static void on_xcpu(int sig)
{
	long long cpu = cputime() / MS;

	write(xcpu_pipe[1], &cpu, sizeof(cpu));
}

static void t_rlimit_cpu(void)
{
	struct rlimit lim = { 0, 2 };
	long long at[4];
	int status, n;
	pid_t pid;

	CHECK(pipe(xcpu_pipe) == 0, "pipe");
	pid = fork();
	if (pid == 0) {
		signal(SIGXCPU, on_xcpu);
		setrlimit(RLIMIT_CPU, &lim);
		for (;;)
			__asm__ volatile("");
	}
	close(xcpu_pipe[1]);
	CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %#x", status);
	n = read(xcpu_pipe[0], at, sizeof(at)) / (int)sizeof(at[0]);
	CHECK(n == 2, "%d SIGXCPUs", n);
	CHECK(n >= 2 && at[0] < 50 && at[1] >= 1000 && at[1] < 1100,
	      "SIGXCPU at %lld and %lld ms of CPU", at[0], n >= 2 ? at[1] : -1);
}

/* ---- sleeping ---- */

static void t_clock_nanosleep_abstime(void)
{
	struct timespec ts;
	long long t0, dt;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	t0 = ts_ns(ts);
	ts.tv_nsec += 200 * MS;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == 0, "sleep");
	dt = mono() - t0;
	CHECK(dt >= 200 * MS && dt < 500 * MS, "CLOCK_MONOTONIC: slept %lld ms of 200",
	      dt / MS);

	t0 = mono();
	long long real = now_ns(CLOCK_REALTIME) + 100 * MS;
	ts = (struct timespec){ real / 1000000000, real % 1000000000 };
	CHECK(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL) == 0, "sleep");
	dt = mono() - t0;
	CHECK(dt >= 99 * MS && dt < 400 * MS, "CLOCK_REALTIME: slept %lld ms of 100",
	      dt / MS);

	ts = (struct timespec){ 1, 0 }; /* long past */
	t0 = mono();
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == 0, "past");
	CHECK(mono() - t0 < 100 * MS, "a past time returns at once");
	CHECK(clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID + 100, 0, &ts, NULL) == EINVAL,
	      "bad clock");
}

/* nanosleep and a futex timeout end within a few ms of their time: a
 * sleep ends at the first tick (1 ms) after its deadline, never before.
 * The median is checked, so a host that deschedules QEMU now and then
 * does not fail it. */
static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static void t_sleep_accuracy(void)
{
	struct timespec ts = { 0, 5 * MS };
	long long late[21], dt, t0;
	int word = 0;

	for (int i = 0; i < 21; i++) {
		t0 = mono();
		nanosleep(&ts, NULL);
		late[i] = mono() - t0 - 5 * MS;
		CHECK(late[i] >= 0, "nanosleep(5 ms) woke %lld us early", -late[i] / 1000);
	}
	qsort(late, 21, sizeof(late[0]), cmp_ll);
	printf("# nanosleep(5 ms) late by: %lld us (median), %lld us (worst)\n",
	       late[10] / 1000, late[20] / 1000);
	/* A tick or two on an idle host (about 1 ms); the bound leaves room
	 * for a loaded one, where QEMU itself is late: it catches sleeps that
	 * are far too long, not a slow host (make bench measures). */
	CHECK(late[10] < 20 * MS, "%lld us late (median)", late[10] / 1000);

	ts = (struct timespec){ 0, 20 * MS };
	t0 = mono();
	CHECK(syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0) == -1 &&
	      errno == ETIMEDOUT, "futex timeout");
	dt = mono() - t0;
	CHECK(dt >= 20 * MS && dt < 300 * MS, "futex 20 ms timeout took %lld us", dt / 1000);
}

/* A sleeper still wakes on time while another process spins: it waits at
 * most for the spinner's time slice (10 ms).  Each sleep is longer than a
 * slice, so the spinner's slice runs out while it is alone: this needs the
 * scheduler to switch away from it all the same (issue 14, section 1). */
static void t_sleep_beside_cpu_hog(void)
{
	struct timespec ts = { 0, 25 * MS };
	long long late[9], t0;
	int status;
	pid_t hog = fork();

	if (hog == 0)
		for (;;)
			__asm__ volatile("");
	for (int i = 0; i < 9; i++) {
		t0 = mono();
		nanosleep(&ts, NULL);
		late[i] = mono() - t0 - 25 * MS;
	}
	kill(hog, SIGKILL);
	CHECK(waitpid(hog, &status, 0) == hog, "waitpid");
	qsort(late, 9, sizeof(late[0]), cmp_ll);
	printf("# nanosleep(25 ms) beside a CPU hog late by: %lld us (median), "
	       "%lld us (worst)\n", late[4] / 1000, late[8] / 1000);
	CHECK(late[0] >= 0, "woke early");
	CHECK(late[4] < 15 * MS, "%lld us late (median)", late[4] / 1000);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--after-exec"))
		return after_exec();
	if (argc > 0 && argv[0][0] == '/')
		self_path = argv[0];
	RUN(t_alarm_kills_looping_process);
	RUN(t_alarm_returns_what_was_left);
	RUN(t_setitimer_real_interval);
	RUN(t_getitimer_readback);
	RUN(t_itimer_virtual);
	RUN(t_itimer_prof);
	RUN(t_itimers_not_inherited);
	RUN(t_exec_keeps_itimer_deletes_timers);
	RUN(t_timer_signal);
	RUN(t_timer_overrun);
	RUN(t_timer_settime_gettime);
	RUN(t_timer_realtime_abstime);
	RUN(t_timer_create_errors);
	leak_checked_twice(timers_of_exiting_processes, NULL);
	RUN(t_timer_cputime);
	RUN(t_sigev_thread);
	RUN(t_rlimit_cpu);
	RUN(t_clock_nanosleep_abstime);
	RUN(t_sleep_accuracy);
	RUN(t_sleep_beside_cpu_hog);
	return tap_done();
}
