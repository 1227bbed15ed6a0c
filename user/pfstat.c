/*
 * user/pfstat.c - run a command and report its page faults and memory.
 *
 *   pfstat COMMAND [ARG...]
 *
 * When the command exits, one line goes to stderr, always in this form:
 *
 *   pfstat: minor faults M, major faults J, peak RSS R kB, page tables P kB, exit status S
 *
 * M and J are ru_minflt and ru_majflt of wait4's rusage (the command and
 * the children it waited for), R is ru_maxrss, and P is VmPTE from the
 * command's /proc/PID/status, read while it is a zombie: waitid(WEXITED |
 * WNOWAIT) waits for the exit without reaping, then wait4 reaps.  (vmos
 * keeps a zombie's memory lines; Linux prints none, so there P is "n/a".)
 * R and P are "n/a" when the kernel does not give them.  S is the exit
 * status, or "signal N (NAME)" if a signal killed the command.  pfstat
 * exits with the command's status (128 + N after a signal).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* vmpte - VmPTE of the zombie pid, as "16 kB" or "n/a", into buf. */
static void vmpte(pid_t pid, char *buf, size_t size)
{
	char path[64], line[256];
	FILE *f;

	snprintf(buf, size, "n/a");
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		long kb;

		if (sscanf(line, "VmPTE: %ld kB", &kb) == 1) {
			snprintf(buf, size, "%ld kB", kb);
			break;
		}
	}
	fclose(f);
}

/* run - fork and exec argv; returns the child's pid, or -1. */
static pid_t run(char **argv)
{
	pid_t pid = fork();

	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "pfstat: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

/* describe - the exit status in words; returns pfstat's own status. */
static int describe(int status, char *buf, size_t size)
{
	if (WIFSIGNALED(status)) {
		snprintf(buf, size, "signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
		return 128 + WTERMSIG(status);
	}
	snprintf(buf, size, "%d", WEXITSTATUS(status));
	return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	char pte[32], rss[32], how[64];
	struct rusage ru;
	siginfo_t si;
	int status, ret;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: pfstat COMMAND [ARG...]\n");
		return 2;
	}
	pid = run(argv + 1);
	if (pid < 0) {
		perror("pfstat: fork");
		return 1;
	}
	snprintf(pte, sizeof(pte), "n/a");
	if (waitid(P_PID, pid, &si, WEXITED | WNOWAIT) == 0)
		vmpte(pid, pte, sizeof(pte));
	if (wait4(pid, &status, 0, &ru) != pid) {
		perror("pfstat: wait4");
		return 1;
	}
	if (ru.ru_maxrss > 0)
		snprintf(rss, sizeof(rss), "%ld kB", ru.ru_maxrss);
	else
		snprintf(rss, sizeof(rss), "n/a");
	ret = describe(status, how, sizeof(how));
	fprintf(stderr, "pfstat: minor faults %ld, major faults %ld, peak RSS %s, "
		"page tables %s, exit status %s\n", ru.ru_minflt, ru.ru_majflt,
		rss, pte, how);
	return ret;
}
