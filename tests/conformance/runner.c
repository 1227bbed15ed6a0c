/*
 * tests/conformance/runner.c - /init of the conformance archive.
 *
 * Runs Linux's selftests one at a time, each in its own process group,
 * with a timeout, and prints one machine-readable line per test, so that
 * tools/conformance.py can put the results of two kernels side by side.
 * The same static program runs as init on vmos and on Linux.
 *
 *   /init [--from N] [--tap]
 *
 * /conformance/list holds one test a line: "NAME TIMEOUT PROGRAM ARGS...",
 * PROGRAM relative to /conformance (its directory becomes the working
 * directory, as when a selftest runs from its build directory).  --from N
 * starts at test N (counted from 0): the harness resumes there after a
 * test that panicked or hung the kernel.
 *
 * Lines printed (each test's own output comes between the two):
 *   @@conf start N NAME
 *   @@conf end N NAME exit=S | signal=S | timeout | noexec=ERRNO
 *   @@conf done
 * With --tap (make test) it also prints a TAP line per test, "ok N -
 * NAME", and exits with status 0 only if every test exited with status 0;
 * each test's output then goes to a file first and is shown after it as
 * TAP comments ("# ..."), since many selftests print TAP of their own.
 *
 * The timeout is a parent polling waitpid(WNOHANG) with nanosleep: it
 * needs neither alarm() nor setitimer(), which a kernel under test may
 * lack.  When it runs out, the whole process group gets SIGKILL.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LIST "/conformance/list"
#define MAXARGS 16
#define POLL_NS 20000000L /* 20 ms */
#define OUTPUT "/tmp/conformance.out"

static int tap;

struct test {
	char *name;
	int timeout; /* seconds */
	char *argv[MAXARGS + 1];
};

static struct test tests[512];
static int ntests;

/* Split one list line into a test; returns 0 on a malformed line. */
static int parse_line(char *line, struct test *t)
{
	char *save, *tok;
	int argc = 0;

	t->name = strtok_r(line, " \t\n", &save);
	tok = strtok_r(NULL, " \t\n", &save);
	if (!t->name || !tok || t->name[0] == '#')
		return 0;
	t->timeout = atoi(tok);
	while (argc < MAXARGS && (tok = strtok_r(NULL, " \t\n", &save)))
		t->argv[argc++] = tok;
	t->argv[argc] = NULL;
	return argc > 0;
}

static void read_list(void)
{
	static char buf[1 << 16];
	FILE *f = fopen(LIST, "r");
	char *line;

	if (!f) {
		perror("runner: " LIST);
		return;
	}
	while ((line = fgets(buf, sizeof(buf), f)) && ntests < 512) {
		line = strdup(line);
		if (line && parse_line(line, &tests[ntests]))
			ntests++;
	}
	fclose(f);
}

/* What Linux's initramfs lacks and the tests read; vmos has its own /proc
 * and /dev, so every failure here is ignored. */
static void mount_filesystems(void)
{
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mkdir("/dev/shm", 01777);
	mount("tmpfs", "/dev/shm", "tmpfs", 0, NULL);
	mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
	/* What udev would add: scripts run through /dev/fd/N (execveat). */
	symlink("/proc/self/fd", "/dev/fd");
	symlink("/proc/self/fd/0", "/dev/stdin");
	symlink("/proc/self/fd/1", "/dev/stdout");
	symlink("/proc/self/fd/2", "/dev/stderr");
}

/* The child: its own process group, the test's directory, exec as
 * "./PROGRAM" (as kselftest's runner does: tests exec argv[0] again). */
static void run_child(struct test *t)
{
	char path[512], dir[512], self[512], *slash;

	setpgid(0, 0);
	snprintf(path, sizeof(path), "/conformance/%s", t->argv[0]);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	snprintf(self, sizeof(self), "./%s", slash + 1);
	if (chdir(dir) < 0)
		perror("runner: chdir");
	if (tap) {
		int fd = open(OUTPUT, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
	}
	t->argv[0] = self;
	execv(path, t->argv);
	printf("\n@@conf noexec %d\n", errno);
	fflush(stdout);
	_exit(127);
}

/* Reap whatever else has died (orphans are init's). */
static void reap_orphans(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* Run test i; returns its end text ("exit=0", ...) in buf. */
static void run_test(struct test *t, char *buf, size_t len)
{
	struct timespec poll = { 0, POLL_NS };
	long waited_ns = 0, limit = (long)t->timeout * 1000000000L;
	int status;
	pid_t pid, r;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		snprintf(buf, len, "nofork=%d", errno);
		return;
	}
	if (pid == 0)
		run_child(t);
	setpgid(pid, pid);
	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			snprintf(buf, len, "waiterr=%d", errno);
			return;
		}
		if (waited_ns >= limit) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			snprintf(buf, len, "timeout");
			goto out;
		}
		nanosleep(&poll, NULL);
		waited_ns += POLL_NS;
	}
	if (WIFEXITED(status))
		snprintf(buf, len, "exit=%d", WEXITSTATUS(status));
	else
		snprintf(buf, len, "signal=%d", WTERMSIG(status));
out:
	kill(-pid, SIGKILL); /* what the test left running */
	reap_orphans();
}

/* --tap: a test's output, as TAP comments. */
static void show_output(void)
{
	static char line[4096];
	FILE *f = fopen(OUTPUT, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		printf("# %s%s", line, strchr(line, '\n') ? "" : "\n");
	fclose(f);
	unlink(OUTPUT);
}

int main(int argc, char **argv)
{
	int from = 0, failed = 0;
	char end[64];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--from") && i + 1 < argc)
			from = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--tap"))
			tap = 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getpid() == 1)
		mount_filesystems();
	read_list();
	if (tap)
		printf("1..%d\n", ntests - from);
	for (int i = from; i < ntests; i++) {
		printf("@@conf start %d %s\n", i, tests[i].name);
		run_test(&tests[i], end, sizeof(end));
		if (tap)
			show_output();
		printf("\n@@conf end %d %s %s\n", i, tests[i].name, end);
		if (tap)
			printf("%sok %d - conformance/%s (%s)\n",
			       strcmp(end, "exit=0") ? "not " : "", i - from + 1,
			       tests[i].name, end);
		failed |= strcmp(end, "exit=0") != 0;
	}
	printf("@@conf done\n");
	fflush(stdout);
	if (getpid() == 1 && !tap) {
		sync();
		reboot(RB_POWER_OFF);
	}
	return tap ? failed : 0;
}
