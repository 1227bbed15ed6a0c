/*
 * user/init.c - PID 1: greet, then keep a shell running on the console.
 *
 * The kernel starts /sbin/init as the first process.  Like every init, it
 * also adopts orphaned processes and must reap them, or they would stay
 * zombies forever: the wait() loop below does both jobs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const shell_argv[] = { "/bin/sh", NULL };

static void welcome(void)
{
	printf("\nWelcome to vmos, a kernel that shows virtual memory for real.\n"
	       "This is busybox's shell running as an ordinary process.\n"
	       "Try: vmmap $$ (this shell's address space as a diagram; vmmap\n"
	       "     alone draws its own), cat /proc/self/maps, ps, free,\n"
	       "     the demos: layout lazy pagemap cow mmap-file mmap-anon\n"
	       "     segv loader stack threads shlib aslr jit tlbdemo swapdemo,\n"
	       "     and pfstat CMD.  docs/tour.md is a guided lab through them\n"
	       "     (make debug and make gdb for its gdb exercises).\n"
	       "Leave the shell with `exit` (init starts a new one); power off\n"
	       "with `poweroff`.\n\n");
	fflush(stdout);
}

/*
 * busybox's halt, poweroff and reboot ask init to do it, with a signal
 * (SIGUSR1, SIGUSR2, SIGTERM), as they would ask busybox's own init.
 */
static void on_shutdown_signal(int sig)
{
	static const char *const what[] = { [SIGUSR1] = "halt",
					    [SIGUSR2] = "power off",
					    [SIGTERM] = "reboot" };

	printf("\ninit: %s requested (signal %d); the system is going down.\n",
	       what[sig], sig);
	fflush(stdout);
	kill(-1, SIGTERM); /* everyone else: time to go */
	sync();
	reboot(RB_POWER_OFF); /* QEMU exits; vmos has no reboot */
	_exit(0);
}

static void catch_shutdown_signals(void)
{
	struct sigaction sa = { .sa_handler = on_shutdown_signal };

	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Start a shell in its own session, with the console as its terminal. */
static pid_t start_shell(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGUSR1, SIG_DFL); /* the shell gets the usual actions */
		signal(SIGUSR2, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		setsid();
		ioctl(0, TIOCSCTTY, 0);
		execv(shell_argv[0], (char *const *)shell_argv);
		fprintf(stderr, "init: cannot run %s: %s\n", shell_argv[0],
			strerror(errno));
		_exit(127);
	}
	if (pid < 0)
		fprintf(stderr, "init: fork: %s\n", strerror(errno));
	return pid;
}

int main(void)
{
	pid_t shell;

	if (getpid() != 1) {
		fprintf(stderr, "init: I must be process 1\n");
		return 1;
	}
	catch_shutdown_signals();
	welcome();
	shell = start_shell();
	for (;;) {
		int status;
		pid_t pid = wait(&status);

		if (pid < 0) {
			if (errno == ECHILD) /* no children at all: a new shell */
				shell = start_shell();
			continue;
		}
		if (pid != shell)
			continue; /* an orphan we adopted: reaped, nothing more */
		if (WIFSIGNALED(status))
			printf("init: the shell was killed by signal %d; starting a "
			       "new one\n", WTERMSIG(status));
		else
			printf("init: the shell exited with status %d; starting a "
			       "new one\n", WEXITSTATUS(status));
		fflush(stdout);
		shell = start_shell();
		if (shell < 0)
			sleep(1);
	}
}
