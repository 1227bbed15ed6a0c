/*
 * tests/user/signal_test.c - signals as Linux sends them (issue 14, 2 and
 * 4): a fault signal the program blocks or ignores kills it instead of
 * faulting forever; int3 is SIGTRAP and int $0x80 SIGSEGV; init ignores
 * signals it has no handler for; job control (SIGSTOP, SIGTSTP, SIGCONT,
 * wait's WUNTRACED / WCONTINUED, waitid's CLD_STOPPED / CLD_CONTINUED,
 * SIGCHLD and SA_NOCLDSTOP, orphaned process groups).
 * Run by the harness as init (init=/tests/signal_test); TAP on the console.
 */
#define _GNU_SOURCE
#include "tap.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

#define UNMAPPED_HANDLER ((void (*)(int))0x1000)

static void sleep_ms(long ms)
{
	struct timespec d = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&d, NULL);
}

/*
 * wait_bounded - wait for child pid for up to ms milliseconds: its wait
 * status, or -1 if it had not ended by then (it is killed: a fault that
 * loops forever must fail the case, not hang the suite).
 */
static int wait_bounded(pid_t pid, long ms)
{
	int status = 0;

	for (long waited = 0; waited < ms; waited += 5) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		sleep_ms(5);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/* dies_of - run fn in a child: does it die of sig within 2 s? */
static bool dies_of(void (*fn)(void), int sig)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		fn();
		_exit(0);
	}
	status = wait_bounded(pid, 2000);
	if (status == -1)
		printf("# still running after 2 s\n");
	else if (!WIFSIGNALED(status) || WTERMSIG(status) != sig)
		printf("# wait status 0x%x, expected death by signal %d\n", status, sig);
	return status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == sig;
}

/* ---- fault signals cannot be blocked, ignored or looped on ---- */

static void write_null(void)
{
	*(volatile int *)0 = 1;
}

static void divide_by_zero(void)
{
	asm volatile("xor %%ecx, %%ecx\n\tmov $1, %%eax\n\tcltd\n\tidiv %%ecx"
		     : : : "eax", "ecx", "edx");
}

static void block(int sig)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, sig);
	sigprocmask(SIG_BLOCK, &s, NULL);
}

static void null_write_segv_ignored(void)
{
	signal(SIGSEGV, SIG_IGN);
	write_null();
}

static void null_write_segv_blocked(void)
{
	block(SIGSEGV);
	write_null();
}

static void div0_fpe_ignored(void)
{
	signal(SIGFPE, SIG_IGN);
	divide_by_zero();
}

static void div0_fpe_blocked(void)
{
	block(SIGFPE);
	divide_by_zero();
}

static void on_segv_fault_again(int sig)
{
	(void)sig;
	write_null(); /* SIGSEGV is blocked while its handler runs */
}

static void handler_faults(void)
{
	signal(SIGSEGV, on_segv_fault_again);
	write_null();
}

static void handler_unmapped(void)
{
	signal(SIGUSR1, UNMAPPED_HANDLER);
	raise(SIGUSR1);
}

static void segv_handler_unmapped(void)
{
	signal(SIGSEGV, UNMAPPED_HANDLER);
	write_null();
}

static void ud2_ill_ignored(void)
{
	signal(SIGILL, SIG_IGN);
	asm volatile("ud2");
}

static void t_fault_signal_ignored_kills(void)
{
	CHECK(dies_of(null_write_segv_ignored, SIGSEGV), "SIGSEGV ignored");
	CHECK(dies_of(div0_fpe_ignored, SIGFPE), "SIGFPE ignored");
	CHECK(dies_of(ud2_ill_ignored, SIGILL), "SIGILL ignored");
}

static void t_fault_signal_blocked_kills(void)
{
	CHECK(dies_of(null_write_segv_blocked, SIGSEGV), "SIGSEGV blocked");
	CHECK(dies_of(div0_fpe_blocked, SIGFPE), "SIGFPE blocked");
}

static void t_handler_that_faults_kills(void)
{
	CHECK(dies_of(handler_faults, SIGSEGV), "a SIGSEGV handler faulting");
	CHECK(dies_of(handler_unmapped, SIGSEGV), "a handler at an unmapped address");
	CHECK(dies_of(segv_handler_unmapped, SIGSEGV),
	      "a SIGSEGV handler at an unmapped address");
}

/* A handled fault still works: the handler runs and may fix the cause. */
static char *fix_page;

static void on_segv_fix(int sig)
{
	(void)sig;
	mprotect(fix_page, 4096, PROT_READ | PROT_WRITE);
}

static void t_handled_fault_goes_on(void)
{
	fix_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	signal(SIGSEGV, on_segv_fix);
	fix_page[0] = 7;
	CHECK(fix_page[0] == 7, "the handler made the page writable");
}

/* ---- int3 and int $0x80 ---- */

static volatile sig_atomic_t trap_code, trapped;

static void on_trap(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	trapped = 1;
	trap_code = si->si_code;
}

static void int3(void)
{
	asm volatile("int3");
}

static void int80(void)
{
	asm volatile("int $0x80" : : "a"(20) : "memory"); /* 32-bit getpid */
}

static void t_int3_is_sigtrap(void)
{
	struct sigaction sa = { .sa_sigaction = on_trap, .sa_flags = SA_SIGINFO };

	sigaction(SIGTRAP, &sa, NULL);
	int3(); /* the handler returns after the int3 */
	CHECK(trapped, "the SIGTRAP handler ran");
	CHECK(trap_code == SI_KERNEL, "si_code %d, Linux gives SI_KERNEL", trap_code);
	signal(SIGTRAP, SIG_DFL);
	CHECK(dies_of(int3, SIGTRAP), "int3 without a handler");
}

static void t_int80_is_sigsegv(void)
{
	CHECK(dies_of(int80, SIGSEGV), "int $0x80 (no IA32 emulation)");
}

/* ---- init ignores what it has no handler for ---- */

static void t_init_protected(void)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR2, SIGKILL,
				    SIGSTOP, SIGTSTP, SIGALRM };

	CHECK(getppid() == 1, "this case runs in init's child");
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		CHECK(kill(1, sigs[i]) == 0, "kill(1, %d) succeeds", sigs[i]);
	sleep_ms(20);
	/* init (this program) is still here to print the result */
}

/* ---- job control ---- */

static volatile unsigned long *shared_counters(void)
{
	return mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		    -1, 0);
}

static pid_t spin_counting(volatile unsigned long *count)
{
	pid_t pid = fork();

	if (pid == 0)
		for (;;)
			(*count)++;
	return pid;
}

static void t_stop_and_continue(void)
{
	volatile unsigned long *count = shared_counters();
	pid_t pid = spin_counting(count);
	int status = 0;
	unsigned long frozen;

	sleep_ms(10);
	CHECK(kill(pid, SIGSTOP) == 0, "SIGSTOP");
	CHECK(waitpid(pid, &status, WUNTRACED) == pid, "waitpid WUNTRACED");
	CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP,
	      "stopped by SIGSTOP (status 0x%x)", status);
	CHECK(proc_state(pid) == 'T', "/proc/PID/stat says T, not %c", proc_state(pid));
	frozen = *count;
	sleep_ms(50);
	CHECK(*count == frozen, "a stopped process does not run");
	CHECK(waitpid(pid, &status, WUNTRACED | WNOHANG) == 0,
	      "a stop is reported once");
	CHECK(kill(pid, SIGCONT) == 0, "SIGCONT");
	CHECK(waitpid(pid, &status, WCONTINUED) == pid, "waitpid WCONTINUED");
	CHECK(WIFCONTINUED(status), "continued (status 0x%x)", status);
	sleep_ms(30);
	CHECK(*count != frozen, "it runs again");
	CHECK(proc_state(pid) == 'R', "/proc/PID/stat says R, not %c", proc_state(pid));
	kill(pid, SIGKILL);
	CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
	      WTERMSIG(status) == SIGKILL, "killed");
}

static void t_kill_stopped(void)
{
	volatile unsigned long *count = shared_counters();
	pid_t pid = spin_counting(count);
	int status = 0;

	kill(pid, SIGSTOP);
	CHECK(waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status), "stopped");
	kill(pid, SIGKILL);
	CHECK(wait_bounded(pid, 1000) == SIGKILL, "SIGKILL ends a stopped process");
}

static void t_sigterm_stays_pending_while_stopped(void)
{
	volatile unsigned long *count = shared_counters();
	pid_t pid = spin_counting(count);
	int status = 0;

	kill(pid, SIGSTOP);
	CHECK(waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status), "stopped");
	kill(pid, SIGTERM);
	sleep_ms(20);
	CHECK(waitpid(pid, &status, WNOHANG) == 0, "SIGTERM waits for SIGCONT");
	kill(pid, SIGCONT);
	CHECK(wait_bounded(pid, 1000) == SIGTERM, "then it dies of SIGTERM");
}

/* A process stopped in a blocking system call finishes it once resumed. */
static void t_stop_in_read(void)
{
	int fds[2], status = 0;
	pid_t pid;
	char c;

	CHECK(pipe(fds) == 0, "pipe");
	pid = fork();
	if (pid == 0) {
		close(fds[1]);
		_exit(read(fds[0], &c, 1) == 1 && c == 'k' ? 0 : 1);
	}
	close(fds[0]);
	sleep_ms(10);
	kill(pid, SIGSTOP);
	CHECK(waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status) &&
	      WSTOPSIG(status) == SIGSTOP, "stopped in read by SIGSTOP (0x%x)", status);
	kill(pid, SIGCONT);
	sleep_ms(10);
	CHECK(write(fds[1], "k", 1) == 1, "write");
	CHECK(wait_bounded(pid, 1000) == 0, "the read was restarted and got the byte");
	close(fds[1]);
}

/* Every thread of a stopped process stops. */
static atomic_ulong thread_count;

static void *count_forever(void *arg)
{
	(void)arg;
	for (;;)
		thread_count++;
	return NULL;
}

static void t_stop_threads(void)
{
	int fds[2], status = 0;
	volatile unsigned long *count = shared_counters();
	pid_t pid;

	CHECK(pipe(fds) == 0, "pipe");
	pid = fork();
	if (pid == 0) {
		pthread_t th;

		pthread_create(&th, NULL, count_forever, NULL);
		for (;;)
			count[0] = thread_count;
	}
	sleep_ms(30);
	kill(pid, SIGSTOP);
	CHECK(waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status), "stopped");
	sleep_ms(10);
	unsigned long frozen = count[0];
	sleep_ms(50);
	CHECK(count[0] == frozen, "neither thread runs");
	kill(pid, SIGCONT);
	sleep_ms(50);
	CHECK(count[0] != frozen, "both run again");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void on_tstp(int sig)
{
	(void)sig;
	_exit(33);
}

static void t_tstp_handler_runs(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGTSTP, on_tstp);
		for (;;)
			pause();
	}
	sleep_ms(10);
	kill(pid, SIGTSTP);
	int status = wait_bounded(pid, 1000);
	CHECK(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 33,
	      "a SIGTSTP handler runs instead of a stop (0x%x)", status);
}

static volatile sig_atomic_t chld_code, chld_status, chld_count;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	chld_count++;
	chld_code = si->si_code;
	chld_status = si->si_status;
}

static void t_sigchld_for_stop_and_continue(void)
{
	struct sigaction sa = { .sa_sigaction = on_chld, .sa_flags = SA_SIGINFO };
	volatile unsigned long *count = shared_counters();
	pid_t pid;

	sigaction(SIGCHLD, &sa, NULL);
	pid = spin_counting(count);
	kill(pid, SIGSTOP);
	for (int i = 0; i < 100 && !chld_count; i++)
		sleep_ms(5);
	CHECK(chld_count == 1 && chld_code == CLD_STOPPED && chld_status == SIGSTOP,
	      "SIGCHLD with CLD_STOPPED (count %d code %d status %d)",
	      (int)chld_count, (int)chld_code, (int)chld_status);
	kill(pid, SIGCONT);
	for (int i = 0; i < 100 && chld_count < 2; i++)
		sleep_ms(5);
	CHECK(chld_count == 2 && chld_code == CLD_CONTINUED && chld_status == SIGCONT,
	      "SIGCHLD with CLD_CONTINUED (count %d code %d status %d)",
	      (int)chld_count, (int)chld_code, (int)chld_status);
	/* SA_NOCLDSTOP: no SIGCHLD for stops and continues */
	sa.sa_flags |= SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	kill(pid, SIGSTOP);
	sleep_ms(30);
	kill(pid, SIGCONT);
	sleep_ms(30);
	CHECK(chld_count == 2, "SA_NOCLDSTOP: no SIGCHLD (count %d)", (int)chld_count);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void t_waitid_stopped_continued(void)
{
	volatile unsigned long *count = shared_counters();
	pid_t pid = spin_counting(count);
	siginfo_t si;

	kill(pid, SIGSTOP);
	memset(&si, 0, sizeof(si));
	CHECK(waitid(P_PID, pid, &si, WSTOPPED | WNOWAIT) == 0, "waitid WNOWAIT");
	CHECK(si.si_code == CLD_STOPPED && si.si_status == SIGSTOP && si.si_pid == pid,
	      "CLD_STOPPED, SIGSTOP (code %d status %d)", si.si_code, si.si_status);
	memset(&si, 0, sizeof(si));
	CHECK(waitid(P_PID, pid, &si, WSTOPPED | WNOHANG) == 0 && si.si_pid == pid,
	      "WNOWAIT left it to report again");
	memset(&si, 0, sizeof(si));
	CHECK(waitid(P_PID, pid, &si, WSTOPPED | WNOHANG) == 0 && si.si_pid == 0,
	      "reported once without WNOWAIT");
	kill(pid, SIGCONT);
	memset(&si, 0, sizeof(si));
	CHECK(waitid(P_PID, pid, &si, WCONTINUED) == 0, "waitid WCONTINUED");
	CHECK(si.si_code == CLD_CONTINUED && si.si_status == SIGCONT,
	      "CLD_CONTINUED, SIGCONT (code %d status %d)", si.si_code, si.si_status);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* SIGCONT discards pending stop signals, and a stop signal a pending
 * SIGCONT (Linux's prepare_signal). */
static void t_cont_discards_pending_stop(void)
{
	sigset_t s, pending;

	sigemptyset(&s);
	sigaddset(&s, SIGTSTP);
	sigaddset(&s, SIGCONT);
	sigprocmask(SIG_BLOCK, &s, NULL);
	raise(SIGTSTP);
	sigpending(&pending);
	CHECK(sigismember(&pending, SIGTSTP), "SIGTSTP pending");
	raise(SIGCONT);
	sigpending(&pending);
	CHECK(!sigismember(&pending, SIGTSTP), "SIGCONT discarded SIGTSTP");
	CHECK(sigismember(&pending, SIGCONT), "SIGCONT pending");
	raise(SIGTSTP);
	sigpending(&pending);
	CHECK(!sigismember(&pending, SIGCONT), "SIGTSTP discarded SIGCONT");
}

/* A job (a process group of its own whose parent is in another group of
 * the session, as a shell starts it) is stopped by SIGTSTP. */
static void t_tstp_stops_a_job(void)
{
	pid_t job = fork();
	int status = 0;

	if (job == 0) {
		setpgid(0, 0);
		for (;;)
			pause();
	}
	setpgid(job, job);
	sleep_ms(10);
	kill(job, SIGTSTP);
	CHECK(waitpid(job, &status, WUNTRACED) == job && WIFSTOPPED(status) &&
	      WSTOPSIG(status) == SIGTSTP, "stopped by SIGTSTP (0x%x)", status);
	kill(job, SIGKILL);
	waitpid(job, NULL, 0);
}

/* In an orphaned process group (no member has a parent other than init in
 * another group of the same session: nobody would resume it), SIGTSTP does
 * not stop; SIGSTOP still does.  init's own children in init's group are
 * such a group, as on Linux, and so is a new session. */
static void t_orphaned_group(void)
{
	int fds[2];
	pid_t pid;
	char r[2] = { 0, 0 };

	CHECK(pipe(fds) == 0, "pipe");
	pid = fork();
	if (pid == 0) {
		pid_t grandchild;
		int status = 0;

		setsid();
		grandchild = fork();
		if (grandchild == 0) {
			for (;;)
				pause();
		}
		sleep_ms(10);
		kill(grandchild, SIGTSTP);
		sleep_ms(20);
		r[0] = waitpid(grandchild, &status, WUNTRACED | WNOHANG) == 0 ? 'y' : 'n';
		kill(grandchild, SIGSTOP);
		r[1] = waitpid(grandchild, &status, WUNTRACED) == grandchild &&
		       WIFSTOPPED(status) ? 'y' : 'n';
		kill(grandchild, SIGKILL);
		waitpid(grandchild, NULL, 0);
		write(fds[1], r, 2);
		_exit(0);
	}
	CHECK(read(fds[0], r, 2) == 2, "read");
	CHECK(r[0] == 'y', "SIGTSTP ignored in an orphaned group");
	CHECK(r[1] == 'y', "SIGSTOP stops it anyway");
	waitpid(pid, NULL, 0);
	close(fds[0]);
	close(fds[1]);
}

static void all_cases(void)
{
	RUN(t_fault_signal_ignored_kills);
	RUN(t_fault_signal_blocked_kills);
	RUN(t_handler_that_faults_kills);
	RUN(t_handled_fault_goes_on);
	RUN(t_int3_is_sigtrap);
	RUN(t_int80_is_sigsegv);
	RUN(t_init_protected);
	RUN(t_stop_and_continue);
	RUN(t_kill_stopped);
	RUN(t_sigterm_stays_pending_while_stopped);
	RUN(t_stop_in_read);
	RUN(t_stop_threads);
	RUN(t_tstp_handler_runs);
	RUN(t_tstp_stops_a_job);
	RUN(t_sigchld_for_stop_and_continue);
	RUN(t_waitid_stopped_continued);
	RUN(t_cont_discards_pending_stop);
	RUN(t_orphaned_group);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("TAP version 13\n");
	leak_checked_twice(all_cases, NULL);
	return tap_done();
}
