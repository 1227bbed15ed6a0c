/*
 * tests/user/dyn_test.c - a dynamically linked program: exec loads musl's
 * dynamic linker (PT_INTERP /lib/ld-musl-x86_64.so.1) at its own base;
 * the linker maps libvmdemo.so.  Checks the library works, its data is
 * private to each process, and /proc/self/maps shows it as separate
 * r--p, r-xp and rw-p regions with its path.
 */
#define _GNU_SOURCE
#include "tap.h"
#include <fcntl.h>
#include <sys/auxv.h>

extern const char vmdemo_greeting[];
extern int vmdemo_counter;
int vmdemo_add(int n);

static int maps_has(const char *perms, const char *name)
{
	char line[256];
	int n = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, perms) && strstr(line, name);
	if (f)
		fclose(f);
	return n;
}

static void t_library_works(void)
{
	CHECK(!strcmp(vmdemo_greeting, "hello from libvmdemo.so"), "the library's constant");
	CHECK(vmdemo_add(5) == 105 && vmdemo_counter == 105, "the library's code and data");
	CHECK(getauxval(AT_BASE) != 0, "AT_BASE: the dynamic linker's base %lx",
	      getauxval(AT_BASE));
	CHECK(getauxval(AT_ENTRY) == (unsigned long)getauxval(AT_ENTRY), "AT_ENTRY");
}

static void t_library_regions(void)
{
	CHECK(maps_has(" r-xp ", "/lib/libvmdemo.so") == 1, "code region r-xp");
	CHECK(maps_has(" r--p ", "/lib/libvmdemo.so") >= 1, "read-only region r--p");
	CHECK(maps_has(" rw-p ", "/lib/libvmdemo.so") == 1, "data region rw-p");
	CHECK(maps_has(" r-xp ", "/lib/ld-musl-x86_64.so.1") == 1 ||
	      maps_has(" r-xp ", "/lib/x86_64-linux-musl/libc.so") == 1,
	      "the dynamic linker (musl's libc.so) is mapped");
}

/* The frame behind a virtual address, from /proc/self/pagemap (0 if the
 * page is not present). */
static unsigned long pfn_of(const void *addr)
{
	unsigned long long e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	pread(fd, &e, sizeof(e), (off_t)((unsigned long)addr / 4096) * 8);
	close(fd);
	return e >> 63 ? (unsigned long)(e & ((1ull << 55) - 1)) : 0;
}

/* Two processes using the library share its read-only pages: the frame
 * behind vmdemo_add is the same in another process running this program
 * (its addresses differ: ASLR). */
static void t_library_pages_shared(void)
{
	int p[2], st;
	unsigned long mine, theirs = 0;
	pid_t pid;

	vmdemo_add(0); /* the code page is present */
	mine = pfn_of((const void *)vmdemo_add);
	pipe(p);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		execl("/tests/dyn_test", "dyn_test", "--pfn", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	char buf[32] = { 0 };
	read(p[0], buf, sizeof(buf) - 1);
	theirs = strtoul(buf, NULL, 10);
	waitpid(pid, &st, 0);
	CHECK(mine && mine == theirs, "libvmdemo.so's code: frame %lu here, %lu there",
	      mine, theirs);
}

static void t_library_data_private(void)
{
	vmdemo_counter = 1;
	pid_t pid = fork();
	if (pid == 0) {
		vmdemo_add(41);
		_exit(vmdemo_counter == 42 ? 0 : 1);
	}
	int st;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child changes its copy");
	CHECK(vmdemo_counter == 1, "the parent's is untouched (%d)", vmdemo_counter);
}

static void run_all(void)
{
	RUN(t_library_works);
	RUN(t_library_regions);
	RUN(t_library_data_private);
	RUN(t_library_pages_shared);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--pfn")) {
		vmdemo_add(0);
		printf("%lu\n", pfn_of((const void *)vmdemo_add));
		return 0;
	}
	printf("TAP version 13\n");
	leak_checked_twice(run_all, NULL);
	return tap_done();
}
