/*
 * tests/user/dyn_test.c - a dynamically linked program: exec loads musl's
 * dynamic linker (PT_INTERP /lib/ld-musl-x86_64.so.1) at its own base;
 * the linker maps libvmdemo.so.  Checks the library works, its data is
 * private to each process, and /proc/self/maps shows it as separate
 * r--p, r-xp and rw-p regions with its path.
 */
#define _GNU_SOURCE
#include "tap.h"
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

int main(void)
{
	printf("TAP version 13\n");
	RUN(t_library_works);
	RUN(t_library_regions);
	RUN(t_library_data_private);
	return tap_done();
}
