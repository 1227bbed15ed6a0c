/*
 * tests/user/tap.h - TAP output for the user-level tests, run by the
 * harness in QEMU.  Each test case runs in its own child process, so a
 * crash fails one case and the run goes on:
 *
 *	static void t_fork(void) { ... CHECK(cond, "what"); ... }
 *	int main(void) { RUN(t_fork); ...; return tap_done(); }
 *
 * A case passes when its checks all pass and it exits normally; the
 * harness reads "ok N - name" / "not ok N - name" lines.
 */
#ifndef TESTS_USER_TAP_H
#define TESTS_USER_TAP_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int tap_number, tap_failed;
static int case_failed; /* inside the child running one case */

/* CHECK - one condition inside a case; prints a diagnostic when false. */
#define CHECK(cond, ...)                                                   \
	do {                                                               \
		if (!(cond)) {                                             \
			case_failed = 1;                                   \
			printf("# %s:%d: check failed: %s: ", __FILE__,    \
			       __LINE__, #cond);                           \
			printf(__VA_ARGS__);                               \
			printf(" (errno %d %s)\n", errno, strerror(errno)); \
		}                                                          \
	} while (0)

/* CHECK_ERR - a call that must fail with -1 and this errno. */
#define CHECK_ERR(call, err)                                               \
	do {                                                               \
		errno = 0;                                                 \
		long _r = (long)(call);                                    \
		CHECK(_r == -1 && errno == (err), "%s gave %ld, errno %d, " \
		      "expected errno %d", #call, _r, errno, (err));       \
	} while (0)

static void tap_result(int ok, const char *name, const char *why)
{
	tap_number++;
	if (!ok)
		tap_failed++;
	printf("%s %d - %s%s%s\n", ok ? "ok" : "not ok", tap_number, name,
	       why ? ": " : "", why ? why : "");
	fflush(stdout);
}

/* run_quiet - the program prog with one argument, its output thrown away:
 * its exit status, or -1 (busybox mkswap in the swap tests). */
static __attribute__((unused)) int run_quiet(const char *prog, const char *arg)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execl(prog, prog, arg, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* run_case - run fn in a child; it passes if it exits 0. */
/* run_child - fn in a child process, which exits 1 if a CHECK failed, else
 * 0: its wait status, or -1 if fork or waitpid failed. */
static __attribute__((unused)) int run_child(void (*fn)(void))
{
	int status = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		fn();
		fflush(stdout);
		_exit(case_failed ? 1 : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static __attribute__((unused)) void run_case(void (*fn)(void), const char *name)
{
	int status = run_child(fn);
	char why[64];

	if (status == -1) {
		tap_result(0, name, "fork or waitpid failed");
	} else if (WIFSIGNALED(status)) {
		snprintf(why, sizeof(why), "killed by signal %d", WTERMSIG(status));
		tap_result(0, name, why);
	} else {
		tap_result(WEXITSTATUS(status) == 0, name, NULL);
	}
}

#define RUN(fn) run_case(fn, #fn)

/* kmem_field - the number after "name " in text, or -1. */
static __attribute__((unused)) long kmem_field(const char *text, const char *name)
{
	const char *p = strstr(text, name);

	if (!p || p[strlen(name)] != ' ')
		return -1;
	return strtol(p + strlen(name) + 1, NULL, 10);
}

/*
 * kmem_usage - what a leak check compares: frames in use outside kmalloc's
 * slabs (less the kernel-stack area's page tables, a high-water mark) plus
 * live kmalloc objects, from /proc/kmem (free memory alone moves with slab
 * fragmentation).  -1 if /proc/kmem cannot be read.  It reads with
 * open and read into the stack, not stdio: fopen's malloc can map a new
 * heap region (a page and a region object) whenever the allocator decides
 * to, and the reader's own memory is not the kernel's leak.
 */
static __attribute__((unused)) long kmem_usage(void)
{
	char text[512];
	long frames, objects, n;
	int fd = open("/proc/kmem", O_RDONLY);

	if (fd < 0)
		return -1;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	text[n] = '\0';
	/* The reverse map's frames (items for mappings outside a fork
	 * family) come and go with the program's own mappings, which the
	 * frames already count; rmap_mismatch() checks the counts. */
	frames = kmem_field(text, "frames_used_outside_slabs") -
		 kmem_field(text, "frames_kstack_tables") -
		 kmem_field(text, "frames_rmap");
	objects = kmem_field(text, "kmalloc_objects");
	return frames < 0 || objects < 0 ? -1 : frames * 100000 + objects;
}

/* rmap_mismatch - 0 if the reverse map records exactly the mapped entries
 * (/proc/kmem: the sum of every frame's map count, rmap_mapcount, equals
 * the sum of every address space's resident pages, mapped_entries), else
 * writes both numbers to why and returns 1. */
static __attribute__((unused)) int rmap_mismatch(char *why, size_t size)
{
	char text[1024];
	long items, entries, n;
	int fd = open("/proc/kmem", O_RDONLY);

	if (fd < 0)
		return 0;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	items = kmem_field(text, "rmap_mapcount");
	entries = kmem_field(text, "mapped_entries");
	if (items == entries)
		return 0;
	snprintf(why, size, "reverse map: %ld mappings for %ld mapped entries",
		 items, entries);
	return 1;
}

/* kmem_baseline - kmem_usage() for a "before" figure, after touching the
 * next 32 KiB of stack: the program's own stack growing by a page later
 * would look like a leak of one frame (and whether it grows depends on
 * where the linker put things). */
static __attribute__((unused, noinline)) long kmem_baseline(void)
{
	volatile char reserve[32768];

	for (size_t i = 0; i < sizeof(reserve); i += 4096)
		reserve[i] = 0;
	return kmem_usage();
}

/* leak_check - the TAP line for a leak check between two kmem_usage(). */
static __attribute__((unused)) void leak_check(const char *what, long before, long after)
{
	char why[120];

	snprintf(why, sizeof(why), "frames outside slabs %ld -> %ld, kmalloc "
		 "objects %ld -> %ld", before / 100000, after / 100000,
		 before % 100000, after % 100000);
	if (after == before && rmap_mismatch(why, sizeof(why)))
		after = -1;
	tap_result(before >= 0 && after == before, what, after == before ? NULL : why);
}

/*
 * leak_checked_twice - run all() twice, the second time between two
 * readings of /proc/kmem, and add the leak check's TAP line.  What the
 * first pass makes the kernel allocate once and keep (a first-use table)
 * is not a leak; what the second pass leaves behind is.  cleanup() (or
 * NULL) runs after each pass.
 */
static __attribute__((unused)) void leak_checked_twice(void (*all)(void),
						       void (*cleanup)(void))
{
	long before = 0;

	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1)
			before = kmem_baseline();
		all();
		if (cleanup)
			cleanup();
	}
	leak_check("no memory lost by the second pass", before, kmem_usage());
}

/* read_text - up to size - 1 bytes of path into buf, NUL-terminated; the
 * length read, or -1 if path cannot be opened. */
static __attribute__((unused)) long read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	long n = 0, r;

	if (fd < 0) {
		buf[0] = '\0';
		return -1;
	}
	while (n < (long)size - 1 && (r = read(fd, buf + n, size - 1 - n)) > 0)
		n += r;
	close(fd);
	buf[n] = '\0';
	return n;
}

/* slurp - the text of path in a static buffer ("" if it cannot be read);
 * the next call overwrites it. */
static __attribute__((unused)) const char *slurp(const char *path)
{
	static char text[16384];

	read_text(path, text, sizeof(text));
	return text;
}

/* text_field - the number after name at the start of a line of text
 * ("MemFree:"), or -1. */
static __attribute__((unused)) long text_field(const char *text, const char *name)
{
	const char *p = text;
	size_t n = strlen(name);

	for (; (p = strstr(p, name)); p += n)
		if (p == text || p[-1] == '\n')
			return strtol(p + n, NULL, 10);
	return -1;
}

/* meminfo_kb - a line of /proc/meminfo ("SwapFree:"), in kB, or -1. */
static __attribute__((unused)) long meminfo_kb(const char *name)
{
	return text_field(slurp("/proc/meminfo"), name);
}

/* swap_all_free - the TAP line that every swap slot is free again. */
static __attribute__((unused)) void swap_all_free(const char *name)
{
	char what[96];
	long total = meminfo_kb("SwapTotal:"), free_kb = meminfo_kb("SwapFree:");

	snprintf(what, sizeof(what), "%s: every swap slot free again", name);
	tap_result(total > 0 && free_kb == total, what, NULL);
	if (total <= 0 || free_kb != total)
		printf("# SwapTotal %ld kB, SwapFree %ld kB\n", total, free_kb);
}

/* proc_state - the state letter in /proc/PID/stat (R, S, T, t, Z...), or
 * '?' if it cannot be read. */
static __attribute__((unused)) char proc_state(pid_t pid)
{
	char path[64], text[256], *p;
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return '?';
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	text[n] = '\0';
	p = strrchr(text, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

/* tap_done - the plan line; the exit status for init: 0 if all passed. */
static int tap_done(void)
{
	printf("1..%d\n# %d of %d failed\n", tap_number, tap_failed, tap_number);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

#endif
