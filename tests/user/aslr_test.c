/*
 * tests/user/aslr_test.c - address-space layout randomization: the stack,
 * heap, mmap area and a PIE's code move from run to run;
 * personality(ADDR_NO_RANDOMIZE) pins them, for the process and what it
 * execs.  With "norandmaps" on the kernel command line, pass --fixed:
 * every run must then give the same addresses.
 */
#define _GNU_SOURCE
#include "tap.h"
#include <sys/personality.h>

#define RUNS 6

/* Run prog with the given personality; its one line of addresses in out. */
static int run_addrs(const char *prog, int persona, char *out, size_t size)
{
	int p[2], st;
	pid_t pid;
	ssize_t n;

	pipe(p);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		if (persona >= 0)
			personality((unsigned long)persona);
		execl(prog, prog, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	n = read(p[0], out, size - 1);
	out[n > 0 ? n : 0] = 0;
	close(p[0]);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 && n > 0 ? 0 : -1;
}

/* The value of field (e.g. "stack=") in a line of addrs output. */
static unsigned long field(const char *line, const char *name)
{
	const char *p = strstr(line, name);

	return p ? strtoul(p + strlen(name), NULL, 16) : 0;
}

/* How many distinct values field takes over RUNS runs of prog. */
static int distinct(const char *prog, int persona, const char *name)
{
	unsigned long v[RUNS];
	char line[256];
	int n = 0;

	for (int i = 0; i < RUNS; i++) {
		if (run_addrs(prog, persona, line, sizeof(line)))
			return -1;
		v[i] = field(line, name);
		int seen = 0;
		for (int j = 0; j < i; j++)
			seen |= v[j] == v[i];
		n += !seen;
	}
	return n;
}

static int fixed_mode;

static void t_randomized(void)
{
	static const char *const fields[] = { "stack=", "heap=", "mmap=", "random=" };

	for (unsigned i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		int d = distinct("/tests/addrs", -1, fields[i]);

		if (fixed_mode)
			CHECK(d == 1, "norandmaps: %s is the same in %d runs (%d values)",
			      fields[i], RUNS, d);
		else
			CHECK(d == RUNS, "%s differs in each of %d runs (%d values)",
			      fields[i], RUNS, d);
	}
	int d = distinct("/tests/addrs-pie", -1, "code=");
	CHECK(fixed_mode ? d == 1 : d == RUNS, "a PIE's code: %d values in %d runs", d, RUNS);
	d = distinct("/tests/addrs", -1, "code=");
	CHECK(d == 1, "a non-PIE program's code never moves (%d values)", d);
}

static void t_no_randomize(void)
{
	static const char *const fields[] = { "stack=", "heap=", "mmap=" };

	for (unsigned i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		int d = distinct("/tests/addrs-pie", ADDR_NO_RANDOMIZE, fields[i]);

		CHECK(d == 1, "ADDR_NO_RANDOMIZE: %s the same in %d runs (%d values)",
		      fields[i], RUNS, d);
	}
	char line[256];
	run_addrs("/tests/addrs-pie", ADDR_NO_RANDOMIZE, line, sizeof(line));
	CHECK(field(line, "code=") >= 0x555555554000ul && field(line, "code=") < 0x555555560000ul,
	      "unrandomized PIE base near 0x555555554000: %s", line);
	CHECK(field(line, "stack=") > 0x7ffffff00000ul, "stack at the top: %s", line);
	CHECK(personality(0xffffffff) != -1, "personality query");
}

static void run_all(void)
{
	RUN(t_randomized);
	RUN(t_no_randomize);
}

int main(int argc, char **argv)
{
	fixed_mode = argc > 1 && !strcmp(argv[1], "--fixed");
	printf("TAP version 13\n");
	leak_checked_twice(run_all, NULL);
	return tap_done();
}
