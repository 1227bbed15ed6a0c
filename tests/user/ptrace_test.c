/*
 * tests/user/ptrace_test.c - ptrace(2) as a debugger and strace use it
 * (issue 14): PTRACE_TRACEME and exec's SIGTRAP, ATTACH and DETACH,
 * PEEK/POKE of data and of read-only text (a breakpoint), GETREGS/SETREGS,
 * PEEKUSER, GETFPREGS, syscall stops (TRACESYSGOOD; changing and skipping
 * a call), signal-delivery stops (suppressing and injecting a signal,
 * GETSIGINFO), SINGLESTEP, KILL, EXITKILL, and the permission checks.
 * Run by the harness as init (init=/tests/ptrace_test); TAP on the console.
 */
#define _GNU_SOURCE
#include "tap.h"
#include <stdbool.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <time.h>

#define PTRACE_O_EXITKILL_ 0x100000

static void sleep_ms(long ms)
{
	struct timespec d = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&d, NULL);
}

/* traced_child - fork a child that asks to be traced and stops itself
 * with SIGSTOP, then runs fn; the parent returns once the stop is seen. */
static pid_t traced_child(void (*fn)(void))
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0)
			_exit(90);
		raise(SIGSTOP);
		fn();
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFSTOPPED(status) &&
	      WSTOPSIG(status) == SIGSTOP, "the child stopped (0x%x)", status);
	return pid;
}

/* exit_code - resume a traced child and wait for it to end: its exit
 * code, or -1. */
static int exit_code(pid_t pid)
{
	int status = 0;

	ptrace(PTRACE_CONT, pid, 0, 0);
	while (waitpid(pid, &status, 0) == pid) {
		if (WIFEXITED(status))
			return WEXITSTATUS(status);
		if (WIFSIGNALED(status))
			return -1;
		ptrace(PTRACE_CONT, pid, 0, 0); /* another stop: go on */
	}
	return -1;
}

static char proc_status_field(pid_t pid, const char *field, char *out, size_t n)
{
	char path[64], text[1024], *p;
	int fd, len;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	len = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (len <= 0)
		return 0;
	text[len] = '\0';
	p = strstr(text, field);
	if (!p)
		return 0;
	p += strlen(field);
	while (*p == '\t' || *p == ' ')
		p++;
	snprintf(out, n, "%.*s", (int)strcspn(p, "\n"), p);
	return 1;
}

static void t_traceme_exec_sigtrap(void)
{
	int status = 0;
	char field[32];
	pid_t pid = fork();

	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		execl("/tests/hello", "hello", "5", (char *)NULL);
		_exit(99);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFSTOPPED(status) &&
	      WSTOPSIG(status) == SIGTRAP, "exec stops with SIGTRAP (0x%x)", status);
	CHECK(proc_status_field(pid, "TracerPid:", field, sizeof(field)) &&
	      atoi(field) == getpid(), "TracerPid %s", field);
	CHECK(proc_status_field(pid, "State:", field, sizeof(field)) &&
	      !strcmp(field, "t (tracing stop)"), "State %s", field);
	CHECK(exit_code(pid) == 5, "the program ran on");
}

static volatile long poked = 1;

static void check_poked(void)
{
	_exit(poked == 0x1234 ? 0 : 1);
}

static void t_peek_poke_data(void)
{
	pid_t pid = traced_child(check_poked);
	long word;

	errno = 0;
	word = ptrace(PTRACE_PEEKDATA, pid, (void *)&poked, 0);
	CHECK(word == 1 && errno == 0, "PEEKDATA read %ld", word);
	CHECK(ptrace(PTRACE_POKEDATA, pid, (void *)&poked, (void *)0x1234) == 0,
	      "POKEDATA");
	CHECK(poked == 1, "the tracer's own copy is unchanged");
	errno = 0;
	CHECK(ptrace(PTRACE_PEEKDATA, pid, (void *)8, 0) == -1 && errno == EIO,
	      "PEEKDATA of an unmapped address is EIO");
	CHECK(exit_code(pid) == 0, "the child saw the poked value");
}

/* A breakpoint: int3 poked into the child's read-only text. */
static __attribute__((noinline)) int target(int x)
{
	asm volatile("" ::: "memory");
	return x * 3;
}

static void call_target(void)
{
	_exit(target(7) == 21 ? 0 : 1);
}

static void t_breakpoint_in_text(void)
{
	pid_t pid = traced_child(call_target);
	long orig, patched;
	struct user_regs_struct regs;
	int status = 0;

	orig = ptrace(PTRACE_PEEKTEXT, pid, (void *)target, 0);
	patched = (orig & ~0xffl) | 0xcc;
	CHECK(ptrace(PTRACE_POKETEXT, pid, (void *)target, (void *)patched) == 0,
	      "POKETEXT into read-only text");
	CHECK(*(volatile unsigned char *)target != 0xcc,
	      "the tracer's text is not changed (copy-on-write)");
	ptrace(PTRACE_CONT, pid, 0, 0);
	CHECK(waitpid(pid, &status, 0) == pid && WIFSTOPPED(status) &&
	      WSTOPSIG(status) == SIGTRAP, "the breakpoint stops it (0x%x)", status);
	CHECK(ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0, "GETREGS");
	CHECK(regs.rip == (unsigned long)target + 1, "rip just past the int3");
	errno = 0;
	long rip = ptrace(PTRACE_PEEKUSER, pid,
			  (void *)offsetof(struct user_regs_struct, rip), 0);
	CHECK(rip == (long)regs.rip && errno == 0, "PEEKUSER rip");
	ptrace(PTRACE_POKETEXT, pid, (void *)target, (void *)orig);
	regs.rip--;
	CHECK(ptrace(PTRACE_SETREGS, pid, 0, &regs) == 0, "SETREGS");
	/* the SIGTRAP was the stop: suppress it */
	CHECK(exit_code(pid) == 0, "the child went on and got 21");
}

static void call_getpid_getpid(void)
{
	pid_t a = (pid_t)syscall(SYS_getpid);
	long b = syscall(SYS_getpid);
	long c = syscall(SYS_getpid);

	_exit(a == getpid() && b == getppid() && c == -1 && errno == ENOSYS ? 0 : 1);
}

/* Run pid to its next syscall stop: true if it stopped there. */
static bool to_syscall_stop(pid_t pid)
{
	int status = 0;

	ptrace(PTRACE_SYSCALL, pid, 0, 0);
	return waitpid(pid, &status, 0) == pid && WIFSTOPPED(status) &&
	       WSTOPSIG(status) == (SIGTRAP | 0x80);
}

static void t_syscall_stops(void)
{
	pid_t pid = traced_child(call_getpid_getpid);
	struct user_regs_struct regs;
	int calls = 0;

	CHECK(ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD) == 0,
	      "TRACESYSGOOD");
	while (calls < 3 && to_syscall_stop(pid)) { /* entry */
		ptrace(PTRACE_GETREGS, pid, 0, &regs);
		if (regs.orig_rax != SYS_getpid) {
			to_syscall_stop(pid);
			continue;
		}
		CHECK((long)regs.rax == -ENOSYS, "rax is -ENOSYS at entry");
		if (calls == 1)
			regs.orig_rax = SYS_getppid; /* a different call */
		if (calls == 2)
			regs.orig_rax = -1; /* skip it: rax stays -ENOSYS */
		ptrace(PTRACE_SETREGS, pid, 0, &regs);
		CHECK(to_syscall_stop(pid), "the exit stop");
		ptrace(PTRACE_GETREGS, pid, 0, &regs);
		if (calls == 0)
			CHECK((long)regs.rax == pid, "getpid returns %ld", (long)regs.rax);
		calls++;
	}
	CHECK(calls == 3, "three getpid calls seen, %d", calls);
	CHECK(exit_code(pid) == 0, "changed and skipped calls worked");
}

/* A number with high bits set in rax is its low 32 bits (Linux >= 5.12),
 * also when the call stops for a tracer; a number out of range that the
 * tracer leaves returns what the tracer left in rax. */
static void call_high_bits(void)
{
	long r;

	asm volatile("syscall" : "=a"(r) : "a"((1ul << 32) | SYS_getpid)
		     : "rcx", "r11", "memory");
	_exit(r == getpid() ? 0 : 1);
}

/* An out-of-range number (an x32 one: bit 30) is ENOSYS even if the
 * tracer wrote rax at the entry stop; only orig_rax -1 keeps its rax. */
static void call_x32_getpid(void)
{
	long r;

	asm volatile("syscall" : "=a"(r) : "a"(0x40000000ul | SYS_getpid)
		     : "rcx", "r11", "memory");
	_exit(r == -ENOSYS ? 0 : 1);
}

static void t_syscall_out_of_range_traced(void)
{
	pid_t pid = traced_child(call_x32_getpid);
	struct user_regs_struct regs;
	int status = 0;
	bool entered = false;

	for (int stops = 0; stops < 100; stops++) {
		ptrace(PTRACE_SYSCALL, pid, 0, 0);
		if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
			break;
		ptrace(PTRACE_GETREGS, pid, 0, &regs);
		if (regs.orig_rax == (0x40000000ul | SYS_getpid) && !entered) {
			entered = true; /* the entry stop (the next is the exit) */
			regs.rax = (unsigned long)-9999;
			ptrace(PTRACE_SETREGS, pid, 0, &regs);
		}
	}
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "an x32 number is ENOSYS under the tracer too (0x%x)", status);
}

static void t_syscall_high_bits_traced(void)
{
	pid_t pid = traced_child(call_high_bits);
	int status = 0, stops = 0;

	while (stops < 100) {
		ptrace(PTRACE_SYSCALL, pid, 0, 0);
		if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
			break;
		stops++;
	}
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "getpid with bit 32 set under PTRACE_SYSCALL (0x%x, %d stops)", status,
	      stops);
}

static volatile sig_atomic_t usr1_count;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_count++;
}

static void wait_for_signals(void)
{
	signal(SIGUSR1, on_usr1);
	raise(SIGSTOP);
	for (int i = 0; i < 200 && usr1_count < 1; i++)
		sleep_ms(5);
	_exit(usr1_count == 1 ? 0 : 10 + usr1_count);
}

static void t_signal_stops(void)
{
	pid_t pid = traced_child(wait_for_signals);
	siginfo_t si;
	int status = 0;

	ptrace(PTRACE_CONT, pid, 0, 0); /* to its own raise(SIGSTOP) */
	CHECK(waitpid(pid, &status, 0) == pid && WSTOPSIG(status) == SIGSTOP, "stop");
	ptrace(PTRACE_CONT, pid, 0, 0); /* suppress that SIGSTOP */
	kill(pid, SIGUSR1);
	CHECK(waitpid(pid, &status, 0) == pid && WIFSTOPPED(status) &&
	      WSTOPSIG(status) == SIGUSR1, "SIGUSR1 stops it first (0x%x)", status);
	CHECK(ptrace(PTRACE_GETSIGINFO, pid, 0, &si) == 0 && si.si_signo == SIGUSR1 &&
	      si.si_pid == getpid(), "GETSIGINFO");
	ptrace(PTRACE_CONT, pid, 0, 0); /* suppressed: the handler never runs */
	kill(pid, SIGTERM);
	CHECK(waitpid(pid, &status, 0) == pid && WSTOPSIG(status) == SIGTERM,
	      "SIGTERM stops it");
	ptrace(PTRACE_CONT, pid, 0, SIGUSR1); /* ...and becomes SIGUSR1 */
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, "one SIGUSR1 handled, SIGTERM never (0x%x)",
	      status);
}

static void spin(void)
{
	for (volatile long i = 0; i < 100000000; i++)
		;
	_exit(0);
}

static void t_singlestep(void)
{
	pid_t pid = traced_child(spin);
	struct user_regs_struct regs;
	unsigned long last = 0;
	int moved = 0, status = 0;

	for (int i = 0; i < 20; i++) {
		ptrace(PTRACE_SINGLESTEP, pid, 0, 0);
		if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status) ||
		    WSTOPSIG(status) != SIGTRAP)
			break;
		ptrace(PTRACE_GETREGS, pid, 0, &regs);
		moved += regs.rip != last;
		last = regs.rip;
	}
	CHECK(moved == 20, "20 steps, rip moved %d times (status 0x%x)", moved, status);
	CHECK(!(regs.eflags & 0x100), "the tracer's trap flag is not shown: "
	      "eflags 0x%lx", (unsigned long)regs.eflags);
	ptrace(PTRACE_KILL, pid, 0, 0);
	CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
	      WTERMSIG(status) == SIGKILL, "PTRACE_KILL");
}

static volatile unsigned long *counter;

static void t_attach_detach(void)
{
	int status = 0;
	unsigned long frozen;
	pid_t pid;

	counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		       -1, 0);
	pid = fork();
	if (pid == 0)
		for (;;)
			(*counter)++;
	sleep_ms(10);
	CHECK(ptrace(PTRACE_ATTACH, pid, 0, 0) == 0, "ATTACH");
	CHECK(waitpid(pid, &status, 0) == pid && WIFSTOPPED(status) &&
	      WSTOPSIG(status) == SIGSTOP, "stopped by the attach (0x%x)", status);
	frozen = *counter;
	sleep_ms(30);
	CHECK(*counter == frozen, "it does not run while stopped");
	CHECK(ptrace(PTRACE_ATTACH, pid, 0, 0) == -1 && errno == EPERM,
	      "a second attach is EPERM");
	CHECK(ptrace(PTRACE_DETACH, pid, 0, 0) == 0, "DETACH");
	sleep_ms(30);
	CHECK(*counter != frozen, "it runs again");
	CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == -1 && errno == ESRCH,
	      "no longer traced: ESRCH");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void t_permissions(void)
{
	pid_t root_child = fork();

	if (root_child == 0)
		for (;;)
			pause();
	CHECK(ptrace(PTRACE_ATTACH, getpid(), 0, 0) == -1 && errno == EPERM,
	      "attaching to one's own process is EPERM");
	CHECK(ptrace(PTRACE_GETREGS, root_child, 0, 0) == -1 && errno == ESRCH,
	      "a request on a task one does not trace is ESRCH");
	pid_t user = fork();
	if (user == 0) {
		setuid(1000);
		_exit(ptrace(PTRACE_ATTACH, root_child, 0, 0) == -1 && errno == EPERM
			      ? 0 : 1);
	}
	int status = 0;
	CHECK(waitpid(user, &status, 0) == user && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, "uid 1000 may not attach to root's process");
	kill(root_child, SIGKILL);
	waitpid(root_child, NULL, 0);
}

static void t_exitkill(void)
{
	pid_t victim = fork(), tracer;
	int status = 0;

	if (victim == 0)
		for (;;)
			pause();
	tracer = fork();
	if (tracer == 0) {
		int st;

		ptrace(PTRACE_ATTACH, victim, 0, 0);
		waitpid(victim, &st, 0);
		ptrace(PTRACE_SETOPTIONS, victim, 0, PTRACE_O_EXITKILL_);
		ptrace(PTRACE_CONT, victim, 0, 0);
		_exit(0); /* the tracee dies with its tracer */
	}
	waitpid(tracer, NULL, 0);
	for (int i = 0; i < 200 && waitpid(victim, &status, WNOHANG) == 0; i++)
		sleep_ms(5);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	      "EXITKILL killed the tracee (0x%x)", status);
}

static void t_fpregs(void)
{
	pid_t pid = traced_child(spin);
	struct user_fpregs_struct fp;

	CHECK(ptrace(PTRACE_GETFPREGS, pid, 0, &fp) == 0, "GETFPREGS");
	CHECK(fp.mxcsr == 0x1f80, "MXCSR 0x%x is the default", fp.mxcsr);
	fp.mxcsr = 0xffffffff; /* reserved bits: must not reach fxrstor */
	CHECK(ptrace(PTRACE_SETFPREGS, pid, 0, &fp) == 0, "SETFPREGS");
	ptrace(PTRACE_KILL, pid, 0, 0);
	waitpid(pid, NULL, 0);
}

static void all_cases(void)
{
	RUN(t_traceme_exec_sigtrap);
	RUN(t_peek_poke_data);
	RUN(t_breakpoint_in_text);
	RUN(t_syscall_stops);
	RUN(t_syscall_high_bits_traced);
	RUN(t_syscall_out_of_range_traced);
	RUN(t_signal_stops);
	RUN(t_singlestep);
	RUN(t_attach_detach);
	RUN(t_permissions);
	RUN(t_exitkill);
	RUN(t_fpregs);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("TAP version 13\n");
	leak_checked_twice(all_cases, NULL);
	return tap_done();
}
