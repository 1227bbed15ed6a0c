/*
 * user/demos/shlib.c - one copy of a shared library's code for everyone.
 *
 * Dynamically linked against /lib/libvmdemo.so.  Prints the library's
 * regions from /proc/self/maps (code r-x, constants r--, data rw-), then
 * forks: while both processes map the library, the code page holding
 * vmdemo_add() is one physical frame (pagemap), and smaps charges each
 * process half of it (Pss is Rss / 2 with two mappers).  The library's
 * data is private: each process's counter is its own.  Last, vmmap
 * draws the process: the program, the dynamic linker (musl's libc.so)
 * and the library, each split into its code, read-only data and data.
 */
#include "demo.h"

int vmdemo_add(int n);
extern int vmdemo_counter;

/* show_regions - the maps lines naming libvmdemo.so. */
static void show_regions(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "libvmdemo.so"))
			printf("shlib:   %s", line);
	if (f)
		fclose(f);
}

/* smaps_field - field (e.g. "Pss") of the region holding addr, in kB. */
static long smaps_field(const void *addr, const char *field)
{
	unsigned long start, end, a = (unsigned long)addr;
	char line[512], want[32];
	int inside = 0;
	long kb = -1;
	FILE *f = fopen("/proc/self/smaps", "r");

	snprintf(want, sizeof(want), "%s: %%ld kB", field);
	while (f && kb < 0 && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			inside = a >= start && a < end;
		else if (inside)
			sscanf(line, want, &kb);
	}
	if (f)
		fclose(f);
	return kb;
}

/* show_sharing - the code page's frame in both, and Rss/Pss here. */
static void show_sharing(pid_t child)
{
	const void *code = (const void *)vmdemo_add;
	uint64_t mine = pfn_of(0, code), theirs = pfn_of(child, code);
	long rss = smaps_field(code, "Rss"), pss = smaps_field(code, "Pss");

	printf("shlib: vmdemo_add's page: frame 0x%llx here, 0x%llx in the child: "
	       "%s\n", (unsigned long long)mine, (unsigned long long)theirs,
	       !mine || !theirs ? "frames hidden (root only)"
	       : mine == theirs ? "one frame, shared" : "different frames");
	if (rss < 0 || pss < 0)
		printf("shlib: library code Rss/Pss: n/a (no /proc/self/smaps)\n");
	else
		printf("shlib: library code Rss %ld kB, Pss %ld kB (two processes "
		       "map it: each is charged half): %s\n", rss, pss,
		       pss * 2 == rss ? "Pss is half of Rss" : "Pss is NOT half of Rss");
}

int main(void)
{
	int to_child[2], from_child[2];
	pid_t child;
	char c;

	printf("shlib: look for libvmdemo.so's regions, and for its code being one "
	       "frame that two processes share (Pss half of Rss).\n");
	printf("shlib: vmdemo_add(1) = %d; the library's regions:\n", vmdemo_add(1));
	show_regions();
	if (pipe(to_child) < 0 || pipe(from_child) < 0)
		return 1;
	fflush(stdout);
	child = fork();
	if (child == 0) {
		close(to_child[1]);
		close(from_child[0]);
		printf("shlib: child: vmdemo_add(10) = %d (its own copy of the data)\n",
		       vmdemo_add(10));
		fflush(stdout);
		close(from_child[1]);  /* tell the parent: the code is touched */
		read(to_child[0], &c, 1); /* stay mapped until the parent is done */
		_exit(0);
	}
	close(from_child[1]);
	close(to_child[0]);
	read(from_child[0], &c, 1);
	show_sharing(child);
	printf("shlib: parent: vmdemo_counter is still %d\n", vmdemo_counter);
	close(to_child[1]);
	waitpid(child, NULL, 0);
	return run_vmmap() ? 1 : 0;
}
