/*
 * tests/user/proc_test.c - processes, exec, signals, bad pointers, limits.
 * Run by the harness as init (init=/tests/proc_test); TAP on the console.
 */
#define _GNU_SOURCE
#include "tap.h"
#include <fcntl.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>

#define KERNEL_ADDR ((void *)0xffffffff80100000ul)
#define NONCANONICAL ((void *)0x0000800000000000ul)
#define LAST_USER_BYTE ((void *)0x00007ffffffffffful)

/* poke - write to an address the compiler cannot see through. */
static void poke(uintptr_t addr)
{
	volatile int *volatile p = (volatile int *)addr;

	*p = 1;
}

static int wait_status(pid_t pid)
{
	int status = -1;

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		; /* a handler without SA_RESTART ran (t_sigchld) */
	return status;
}

/* ---- fork, wait, exit ---- */

static void t_fork_copies_memory(void)
{
	static int global = 1;
	int local = 2;
	pid_t pid = fork();

	if (pid == 0) {
		global = 10;
		local = 20;
		_exit(global + local == 30 ? 0 : 1);
	}
	CHECK(WIFEXITED(wait_status(pid)), "child exit");
	CHECK(global == 1 && local == 2, "the child's writes stay in the child");
}

static void t_exit_status(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(42);
	st = wait_status(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42, "status 0x%x", st);
}

static void t_killed_status(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		kill(getpid(), SIGKILL);
		for (;;)
			;
	}
	st = wait_status(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && !WCOREDUMP(st),
	      "status 0x%x", st);
	pid = fork();
	if (pid == 0)
		poke(0);
	st = wait_status(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV && WCOREDUMP(st),
	      "SIGSEGV gives a core-dump status: 0x%x", st);
}

static void t_wait_errors(void)
{
	int st;
	pid_t pid;

	CHECK_ERR(waitpid(-1, &st, 0), ECHILD);
	CHECK_ERR(waitpid(1, &st, 0), ECHILD); /* not my child */
	pid = fork();
	if (pid == 0) {
		usleep(50000);
		_exit(0);
	}
	CHECK(waitpid(pid, &st, WNOHANG) == 0, "WNOHANG while it runs");
	CHECK(waitpid(pid, &st, 0) == pid, "then it is reaped");
	CHECK_ERR(waitpid(pid, &st, 0), ECHILD); /* twice */
	CHECK_ERR(waitpid(-1, &st, 0x12345678), EINVAL);
	pid = fork();
	if (pid == 0)
		_exit(0);
	CHECK_ERR(waitpid(pid, (int *)KERNEL_ADDR, 0), EFAULT);
	CHECK_ERR(waitpid(pid, &st, 0), ECHILD); /* reaped all the same */
}

static void t_getpid_getppid(void)
{
	pid_t me = getpid(), pid;
	int fds[2];

	pipe(fds); /* may be missing: then only the exit code carries it */
	pid = fork();
	if (pid == 0)
		_exit(getppid() == me && getpid() != me ? 0 : 1);
	CHECK(WEXITSTATUS(wait_status(pid)) == 0, "getppid in the child");
	CHECK(syscall(SYS_gettid) == me, "gettid == getpid for a process");
}

/*
 * 30 nested fork + exec + wait: each level forks, the child execs this
 * program with "--chain N-1", and the parent waits; repeated 10 times.
 */
static int chain(int depth)
{
	pid_t pid;
	int st;

	if (depth == 0)
		return 0;
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		char n[16];

		snprintf(n, sizeof(n), "%d", depth - 1);
		execl("/tests/proc_test", "proc_test", "--chain", n, (char *)NULL);
		_exit(2);
	}
	st = wait_status(pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

static void t_fork_chain_no_leak(void)
{
	long before, after;

	chain(30); /* warm-up */
	before = kmem_baseline();
	for (int i = 0; i < 10; i++)
		CHECK(chain(30) == 0, "chain %d", i);
	after = kmem_usage();
	CHECK(after == before, "frames outside slabs %ld -> %ld, kmalloc objects "
	      "%ld -> %ld", before / 100000, after / 100000, before % 100000,
	      after % 100000);
}

static void t_many_processes(void)
{
	pid_t pids[64];
	int ok = 0;

	for (int i = 0; i < 64; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			usleep(20000);
			_exit(i);
		}
	}
	for (int i = 0; i < 64; i++) {
		int st = wait_status(pids[i]);

		ok += WIFEXITED(st) && WEXITSTATUS(st) == i;
	}
	CHECK(ok == 64, "%d of 64 children exited right", ok);
}

/* ---- exec ---- */

static void t_exec_errors(void)
{
	char *argv[] = { "x", NULL };

	CHECK_ERR(execve("/no/such/file", argv, NULL), ENOENT);
	CHECK_ERR(execve("/etc/passwd", argv, NULL), EACCES); /* mode 644 */
	CHECK_ERR(execve("/tests", argv, NULL), EACCES);      /* a directory */
	CHECK_ERR(syscall(SYS_execve, NULL, argv, NULL), EFAULT);
	CHECK_ERR(syscall(SYS_execve, KERNEL_ADDR, argv, NULL), EFAULT);
	CHECK_ERR(syscall(SYS_execve, "/tests/hello", KERNEL_ADDR, NULL), EFAULT);
	char *bad_argv[] = { "x", KERNEL_ADDR, NULL };
	CHECK_ERR(execve("/tests/hello", bad_argv, NULL), EFAULT);
}

/* Write n bytes of data to path with mode 0755. */
static void write_file(const char *path, const void *data, size_t n)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0755);

	write(fd, data, n);
	close(fd);
}

/* Copy the first n bytes of a file to path (a truncated program). */
static void copy_prefix(const char *from, const char *path, size_t n)
{
	char *buf = malloc(n);
	int fd = open(from, O_RDONLY);

	read(fd, buf, n);
	close(fd);
	write_file(path, buf, n);
	free(buf);
}

static void t_exec_malformed(void)
{
	char *argv[] = { "x", NULL };
	unsigned char elf[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };

	write_file("/tmp/junk", "this is not a program\n", 22);
	CHECK_ERR(execve("/tmp/junk", argv, NULL), ENOEXEC);
	write_file("/tmp/badelf", elf, sizeof(elf)); /* e_machine 0, no phdrs */
	CHECK_ERR(execve("/tmp/badelf", argv, NULL), ENOEXEC);
	copy_prefix("/tests/hello", "/tmp/trunc", 200); /* headers cut short */
	CHECK_ERR(execve("/tmp/trunc", argv, NULL), ENOEXEC);
	copy_prefix("/tests/hello", "/tmp/trunc2", 3000); /* segments missing */
	CHECK_ERR(execve("/tmp/trunc2", argv, NULL), ENOEXEC);
	write_file("/tmp/empty", "", 0);
	CHECK_ERR(execve("/tmp/empty", argv, NULL), ENOEXEC);
	unlink("/tmp/junk");
	unlink("/tmp/badelf");
	unlink("/tmp/trunc");
	unlink("/tmp/trunc2");
	unlink("/tmp/empty");
}

static void t_exec_script(void)
{
	const char script[] = "#!/bin/sh -e\nexit $(($# + 40))\n";
	pid_t pid;
	int st;

	write_file("/tmp/script.sh", script, sizeof(script) - 1);
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "/tmp/script.sh", "a", "b", NULL };

		execve(argv[0], argv, NULL);
		_exit(99);
	}
	st = wait_status(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42, "the interpreter ran with 2 "
	      "arguments: status 0x%x", st);
	write_file("/tmp/noint.sh", "#!/no/such/shell\n", 17);
	char *argv[] = { "/tmp/noint.sh", NULL };
	CHECK_ERR(execve(argv[0], argv, NULL), ENOENT);
	unlink("/tmp/script.sh");
	unlink("/tmp/noint.sh");
}

static void t_exec_runs_program(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		char *argv[] = { "/tests/hello", "5", NULL };
		char *envp[] = { "PATH=/x", NULL };

		execve(argv[0], argv, envp);
		_exit(99);
	}
	st = wait_status(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5, "exec'd program's status %x", st);
}

static void t_exec_huge_args(void)
{
	size_t n = 3u << 20; /* 3 MiB of arguments: over the 2 MiB limit */
	char *big = malloc(n), *argv[] = { "x", big, NULL };

	memset(big, 'a', n - 1);
	big[n - 1] = 0;
	CHECK_ERR(execve("/tests/hello", argv, NULL), E2BIG);
	free(big);
}

/* ---- signals ---- */

static volatile int got_sig, got_code, got_pid;
static void *volatile got_addr;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_code = si->si_code;
	got_pid = si->si_pid;
	got_addr = si->si_addr;
}

static void t_signal_handler(void)
{
	struct sigaction sa = { 0 };

	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction");
	kill(getpid(), SIGUSR1);
	CHECK(got_sig == SIGUSR1 && got_code == SI_USER && got_pid == getpid(),
	      "sig %d code %d pid %d", got_sig, got_code, got_pid);
	got_sig = 0;
	raise(SIGUSR1); /* musl: tkill */
	CHECK(got_sig == SIGUSR1 && got_code == SI_TKILL, "code %d", got_code);
}

static void t_signal_mask(void)
{
	struct sigaction sa = { 0 };
	sigset_t set, pending;

	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR2, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	got_sig = 0;
	kill(getpid(), SIGUSR2);
	CHECK(got_sig == 0, "blocked: not delivered");
	sigpending(&pending);
	CHECK(sigismember(&pending, SIGUSR2), "but pending");
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	CHECK(got_sig == SIGUSR2, "delivered when unblocked");
	CHECK_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
	CHECK_ERR(kill(999999, SIGUSR1), ESRCH);
	CHECK_ERR(kill(getpid(), 99), EINVAL);
}

static void t_sigchld(void)
{
	struct sigaction sa = { 0 };
	pid_t pid;

	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGCHLD, &sa, NULL);
	got_sig = 0;
	pid = fork();
	if (pid == 0)
		_exit(3);
	wait_status(pid);
	CHECK(got_sig == SIGCHLD && got_code == CLD_EXITED && got_pid == pid,
	      "sig %d code %d pid %d", got_sig, got_code, got_pid);
}

static sigjmp_buf jump;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	on_signal(sig, si, uc);
	siglongjmp(jump, 1);
}

static void t_sigsegv_info(void)
{
	struct sigaction sa = { 0 };
	extern char __executable_start[];

	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	if (!sigsetjmp(jump, 1))
		poke(16);
	CHECK(got_sig == SIGSEGV && got_code == SEGV_MAPERR && got_addr == (void *)16,
	      "NULL+16: code %d addr %p", got_code, got_addr);
	if (!sigsetjmp(jump, 1))
		poke((uintptr_t)__executable_start);
	CHECK(got_code == SEGV_ACCERR && got_addr == (void *)__executable_start,
	      "write to text: code %d addr %p", got_code, got_addr);
	if (!sigsetjmp(jump, 1))
		poke((uintptr_t)KERNEL_ADDR);
	CHECK(got_sig == SIGSEGV, "the kernel half");
}

/* The handler clobbers registers; the interrupted code must not notice. */
static void clobber(int sig)
{
	(void)sig;
	__asm__ volatile("xor %%rbx, %%rbx; xor %%r12, %%r12; xor %%r13, %%r13"
			 ::: "rbx", "r12", "r13");
}

static void t_sigreturn_restores(void)
{
	long a = 1234567, b = 7654321;
	double d = 3.25;

	signal(SIGUSR1, clobber);
	__asm__ volatile("" : "+r"(a), "+r"(b));
	kill(getpid(), SIGUSR1);
	__asm__ volatile("" : "+r"(a), "+r"(b));
	CHECK(a == 1234567 && b == 7654321 && d * 2 == 6.5, "registers kept");
}

static void on_usr1(int sig)
{
	got_sig = sig;
}

static void t_sigsuspend(void)
{
	sigset_t block, wait_mask, now;
	pid_t parent = getpid(), pid;

	signal(SIGUSR1, on_usr1);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	pid = fork();
	if (pid == 0) {
		kill(parent, SIGUSR1);
		_exit(0);
	}
	sigemptyset(&wait_mask);
	got_sig = 0;
	CHECK(sigsuspend(&wait_mask) == -1 && errno == EINTR, "sigsuspend");
	CHECK(got_sig == SIGUSR1, "the handler ran during the wait");
	sigprocmask(SIG_BLOCK, NULL, &now);
	CHECK(sigismember(&now, SIGUSR1), "the old mask is back afterwards");
	wait_status(pid);
}

static void t_signal_children(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		pause();
		_exit(0);
	}
	usleep(10000);
	CHECK(kill(pid, SIGTERM) == 0, "kill a child");
	st = wait_status(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "status 0x%x", st);
	pid = fork();
	if (pid == 0) {
		signal(SIGUSR1, SIG_IGN);
		kill(getppid(), SIGUSR2); /* ready */
		sleep(1);
		_exit(7);
	}
	signal(SIGUSR2, SIG_IGN);
	kill(pid, SIGUSR1); /* ignored by the child (or still default: dies) */
	st = wait_status(pid);
	CHECK(WIFEXITED(st) || (WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1),
	      "status 0x%x", st);
}

/* ---- bad pointers: -EFAULT, never a crash ---- */

static void t_bad_pointers(void)
{
	char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct timespec ts;
	extern char __executable_start[];

	munmap(page + 4096, 4096);
	CHECK_ERR(write(1, NULL, 10), EFAULT);
	CHECK_ERR(write(1, KERNEL_ADDR, 10), EFAULT);
	CHECK_ERR(write(1, NONCANONICAL, 10), EFAULT);
	CHECK_ERR(write(1, LAST_USER_BYTE, 2), EFAULT); /* wraps past the top */
	CHECK_ERR(write(1, page + 4090, 10), EFAULT);   /* straddles a hole */
	CHECK_ERR(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, NULL), EFAULT);
	CHECK_ERR(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, __executable_start), EFAULT);
	CHECK_ERR(syscall(SYS_uname, KERNEL_ADDR), EFAULT);
	CHECK_ERR(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)-1l), EFAULT);
	CHECK(clock_gettime(CLOCK_MONOTONIC, &ts) == 0, "a good pointer still works");
	CHECK(write(1, page + 4090, 0) == 0, "zero bytes are fine anywhere");
}

/* ---- time, identity, limits ---- */

static void t_time(void)
{
	struct timespec a, b, req = { 0, 30 * 1000 * 1000 };
	struct timeval tv;

	clock_gettime(CLOCK_MONOTONIC, &a);
	CHECK(nanosleep(&req, NULL) == 0, "nanosleep");
	clock_gettime(CLOCK_MONOTONIC, &b);
	long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	CHECK(ms >= 30 && ms < 2000, "slept %ld ms", ms);
	CHECK(gettimeofday(&tv, NULL) == 0 && tv.tv_sec > 1700000000, "wall clock");
	req.tv_nsec = 2000000000;
	CHECK_ERR(nanosleep(&req, NULL), EINVAL);
}

static void t_identity(void)
{
	struct utsname u;
	struct rlimit rl;
	unsigned char rnd[64] = { 0 };
	int nonzero = 0;

	CHECK(uname(&u) == 0 && !strcmp(u.sysname, "Linux") &&
	      !strcmp(u.machine, "x86_64"), "uname");
	CHECK(getuid() == 0 && geteuid() == 0 && getgid() == 0, "root");
	CHECK(getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur == 8u << 20,
	      "stack limit %lu", (unsigned long)rl.rlim_cur);
	CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 1024, "nofile");
	CHECK_ERR(getrlimit(999, &rl), EINVAL);
	CHECK(syscall(SYS_getrandom, rnd, sizeof(rnd), 0) == sizeof(rnd), "getrandom");
	for (unsigned i = 0; i < sizeof(rnd); i++)
		nonzero += rnd[i] != 0;
	CHECK(nonzero > 40, "random bytes look random (%d nonzero)", nonzero);
	/* Each is logged once; the harness counts the lines. */
	for (int i = 0; i < 3; i++) {
		CHECK_ERR(syscall(1000), ENOSYS);
		CHECK_ERR(syscall(SYS_afs_syscall), ENOSYS); /* Linux's is ENOSYS too */
	}
	for (long nr = 1001; nr < 1040; nr++)
		CHECK_ERR(syscall(nr), ENOSYS);
}

/* setpgid follows POSIX: only oneself or a child, only within the session,
 * only into an existing group of it (found by sysfuzz: any pgid went). */
static void t_setpgid_rules(void)
{
	int fds[2], ready[2], status;
	pid_t child;
	char c;

	CHECK(pipe(fds) == 0, "pipe");
	child = fork();
	if (child == 0) {
		read(fds[0], &c, 1);
		_exit(0);
	}
	CHECK_ERR(setpgid(1, 0), ESRCH);              /* not my child */
	CHECK_ERR(setpgid(child, 424242), EPERM);     /* no such group */
	CHECK_ERR(setpgid(child, -1), EINVAL);
	CHECK(setpgid(child, child) == 0 && getpgid(child) == child,
	      "a child leads a new group");
	CHECK(setpgid(0, child) == 0 && getpgrp() == child,
	      "join the child's group");
	CHECK(setpgid(0, 0) == 0 && getpgrp() == getpid(), "a group of my own");
	CHECK_ERR(setsid(), EPERM);                   /* a group leader */
	write(fds[1], "x", 1);
	waitpid(child, &status, 0);
	/* a child that made its own session is out of reach */
	CHECK(pipe(ready) == 0, "pipe");
	child = fork();
	if (child == 0) {
		int leader = setsid() == getpid();
		int refused = setpgid(0, 0) == -1 && errno == EPERM;

		write(ready[1], "x", 1);
		read(fds[0], &c, 1);
		_exit(leader && refused ? 0 : 1);
	}
	read(ready[0], &c, 1);
	CHECK_ERR(setpgid(child, child), EPERM);
	write(fds[1], "x", 1);
	CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, "setsid, then setpgid refused (EPERM)");
}

/* ---- memory basics (the full suite is the address-space milestone's) ---- */

static void t_brk_and_mmap(void)
{
	/* musl's sbrk() only reports the break: use the system call. */
	char *b0 = (char *)syscall(SYS_brk, 0), *p;

	CHECK((char *)syscall(SYS_brk, b0 + 3 * 4096) == b0 + 3 * 4096, "brk grows");
	memset(b0, 0x5a, 3 * 4096);
	CHECK((char *)syscall(SYS_brk, b0 + 4096) == b0 + 4096, "brk shrinks");
	CHECK((char *)syscall(SYS_brk, b0 + 3 * 4096) == b0 + 3 * 4096, "and grows again");
	CHECK(b0[0] == 0x5a && b0[4096] == 0 && b0[8191] == 0,
	      "kept memory kept, regrown memory reads zero");
	CHECK((char *)syscall(SYS_brk, (char *)0x7fffffff0000) == b0 + 3 * 4096,
	      "a break into the stack is refused (the old break is returned)");
	p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED, "mmap 1 MiB");
	p[0] = 1;
	p[(1 << 20) - 1] = 2;
	CHECK(p[0] == 1 && p[(1 << 20) - 1] == 2 && p[4096] == 0, "touch");
	CHECK(munmap(p, 1 << 20) == 0, "munmap");
	CHECK_ERR(munmap(p + 1, 4096), EINVAL);
	CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
	      errno == EINVAL, "length 0");
}

static void run_all(void)
{
	RUN(t_fork_copies_memory);
	RUN(t_exit_status);
	RUN(t_killed_status);
	RUN(t_wait_errors);
	RUN(t_getpid_getppid);
	RUN(t_many_processes);
	RUN(t_fork_chain_no_leak);
	RUN(t_exec_errors);
	RUN(t_exec_runs_program);
	RUN(t_exec_malformed);
	RUN(t_exec_script);
	RUN(t_signal_children);
	RUN(t_sigsuspend);
	RUN(t_exec_huge_args);
	RUN(t_signal_handler);
	RUN(t_signal_mask);
	RUN(t_sigchld);
	RUN(t_sigsegv_info);
	RUN(t_sigreturn_restores);
	RUN(t_bad_pointers);
	RUN(t_time);
	RUN(t_identity);
	RUN(t_setpgid_rules);
	RUN(t_brk_and_mmap);
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "--chain"))
		return chain(atoi(argv[2]));
	int passes = argc > 1 ? atoi(argv[1]) : 2;
	long free_before = 0;

	printf("TAP version 13\n");
	/* The first pass also warms the kernel's caches (slabs of each size);
	 * the last must give back exactly what it took. */
	for (int i = 0; i < passes; i++) {
		if (i == passes - 1)
			free_before = kmem_baseline();
		run_all();
	}
	/* Every child is reaped: every frame they used must be free again. */
	leak_check("no memory lost by the whole suite", free_before, kmem_usage());
	return tap_done();
}
