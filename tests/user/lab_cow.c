/*
 * tests/user/lab_cow.c - the grader of the copy-on-write lab
 * (docs/labs/cow.md; tests/labs/cow.py gives its cases their points).
 *
 * Each case runs in a process of its own, started by posix_spawn (which
 * shares memory until exec, as vfork: no copy-on-write), so that a kernel
 * whose fork or write fault is not written yet fails the case, not this
 * runner.  A case touches NPAGES pages of a private anonymous region,
 * forks, and looks at the frames through /proc/self/pagemap, at the
 * sharing through /proc/self/smaps and at the faults through getrusage.
 */
#include "tap.h"
#include <spawn.h>
#include <sys/mman.h>
#include <sys/resource.h>

#define NPAGES 16
#define PAGE 4096

extern char **environ;
static char *region; /* NPAGES pages, a region of its own */
static unsigned long pfns[NPAGES]; /* the frames before the fork */

/* The frame behind addr, from /proc/self/pagemap (0: not present). */
static unsigned long pfn_of(const void *addr)
{
	unsigned long long e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (pread(fd, &e, sizeof(e), (off_t)((unsigned long)addr / PAGE) * 8) != 8)
		e = 0;
	close(fd);
	return e >> 63 ? (unsigned long)(e & ((1ull << 55) - 1)) : 0;
}

/* The region, between two PROT_NONE guard pages (so that its smaps entry
 * is its own), every page written with tag + its number; pfns[] records
 * the frames. */
static void setup(int tag)
{
	char *p = mmap(NULL, (NPAGES + 2) * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		_exit(2);
	mprotect(p, PAGE, PROT_NONE);
	mprotect(p + (NPAGES + 1) * PAGE, PAGE, PROT_NONE);
	region = p + PAGE;
	for (int i = 0; i < NPAGES; i++) {
		memset(region + i * PAGE, tag + i, PAGE);
		pfns[i] = pfn_of(region + i * PAGE);
	}
}

/* Does every page still hold tag + its number (first and last byte)? */
static int holds(int tag)
{
	for (int i = 0; i < NPAGES; i++)
		if (region[i * PAGE] != (char)(tag + i) ||
		    region[i * PAGE + PAGE - 1] != (char)(tag + i))
			return 0;
	return 1;
}

static void write_all(int tag)
{
	for (int i = 0; i < NPAGES; i++)
		region[i * PAGE] = region[i * PAGE + PAGE - 1] = (char)(tag + i);
}

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* fork_and - fork; the child runs fn and exits 0 if its checks passed;
 * the parent waits and checks that it did. */
static void fork_and(void (*fn)(void))
{
	int status = -1;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		fn();
		fflush(stdout);
		_exit(case_failed ? 1 : 0);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	CHECK(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "the child's checks (wait status 0x%x)", status);
}

/* smaps_kb - field (e.g. "Pss:") of the smaps entry of the region, kB. */
static long smaps_kb(const char *field)
{
	static char buf[65536];
	char start[32];
	int fd = open("/proc/self/smaps", O_RDONLY);
	long n = 0, r, kb = -1;

	while (fd >= 0 && (r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += r;
	close(fd);
	buf[n] = 0;
	snprintf(start, sizeof(start), "\n%lx-", (unsigned long)region);
	char *entry = strstr(buf, start), *f = entry ? strstr(entry, field) : NULL;

	if (f)
		sscanf(f + strlen(field), "%ld", &kb);
	return kb;
}

/* -- the cases -- */

static void child_sees_same_frames(void)
{
	for (int i = 0; i < NPAGES; i++)
		CHECK(pfn_of(region + i * PAGE) == pfns[i] && pfns[i],
		      "page %d: the child's frame %lx, the parent's %lx", i,
		      pfn_of(region + i * PAGE), pfns[i]);
	CHECK(holds(1), "the child reads the parent's data");
}

static void c_fork_shares(void)
{
	setup(1);
	fork_and(child_sees_same_frames);
}

static void child_writes(void)
{
	write_all(50);
	CHECK(holds(50), "the child reads back its own writes");
}

static void c_child_writes_private(void)
{
	setup(1);
	fork_and(child_writes);
	CHECK(holds(1), "the parent's pages unchanged by the child's writes");
}

static int sync_pipe[2];

static void child_waits_then_reads(void)
{
	char c;

	CHECK(read(sync_pipe[0], &c, 1) == 1, "the parent's signal");
	CHECK(holds(1), "the child's pages unchanged by the parent's writes");
}

static void c_parent_writes_private(void)
{
	int status = -1;
	pid_t pid;

	setup(1);
	CHECK(pipe(sync_pipe) == 0, "pipe");
	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		child_waits_then_reads();
		fflush(stdout);
		_exit(case_failed ? 1 : 0);
	}
	write_all(80);
	CHECK(holds(80), "the parent reads back its own writes");
	write(sync_pipe[1], "x", 1);
	if (pid > 0)
		waitpid(pid, &status, 0);
	CHECK(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "the child's checks (wait status 0x%x)", status);
}

static void child_write_gets_new_frame(void)
{
	region[0] = 99;
	CHECK(pfn_of(region) != pfns[0] && pfn_of(region),
	      "the written page has a frame of its own (%lx, shared %lx)",
	      pfn_of(region), pfns[0]);
	for (int i = 1; i < NPAGES; i++)
		CHECK(pfn_of(region + i * PAGE) == pfns[i],
		      "page %d, not written, is still shared", i);
}

static void c_write_copies(void)
{
	setup(1);
	fork_and(child_write_gets_new_frame);
	CHECK(region[0] == 1, "the parent's page keeps its data");
}

static void child_counts_faults(void)
{
	long before = minflt(), after;

	write_all(60);
	after = minflt();
	CHECK(after - before >= NPAGES && after - before <= NPAGES + 2,
	      "%ld minor faults for writes to %d shared pages (one each)",
	      after - before, NPAGES);
	before = after;
	write_all(70);
	after = minflt();
	CHECK(after - before <= 2, "%ld minor faults for writing them again (none)",
	      after - before);
}

static void c_one_fault_per_page(void)
{
	setup(1);
	fork_and(child_counts_faults);
}

static void child_reads_smaps(void)
{
	long rss = smaps_kb("Rss:"), pss = smaps_kb("Pss:");

	CHECK(rss == NPAGES * 4, "Rss %ld kB while shared", rss);
	CHECK(pss == NPAGES * 2, "Pss %ld kB while shared with the parent (half)", pss);
	write_all(30);
	rss = smaps_kb("Rss:");
	pss = smaps_kb("Pss:");
	CHECK(rss == NPAGES * 4, "Rss %ld kB after the writes", rss);
	CHECK(pss == NPAGES * 4, "Pss %ld kB after the writes (all private)", pss);
	CHECK(smaps_kb("Private_Dirty:") == NPAGES * 4, "Private_Dirty %ld kB",
	      smaps_kb("Private_Dirty:"));
}

static void c_smaps_sharing(void)
{
	setup(1);
	fork_and(child_reads_smaps);
}

static void child_nothing(void)
{
}

static void child_writes_first(void)
{
	write_all(40);
}

static void c_last_user_reuses(void)
{
	long before;

	setup(1);
	fork_and(child_nothing); /* gone: the parent is the last user */
	before = minflt();
	write_all(20);
	CHECK(minflt() - before >= NPAGES, "a fault on each write (%ld)",
	      minflt() - before);
	for (int i = 0; i < NPAGES; i++)
		CHECK(pfn_of(region + i * PAGE) == pfns[i],
		      "page %d: reused, not copied (%lx, was %lx)", i,
		      pfn_of(region + i * PAGE), pfns[i]);
	CHECK(holds(20), "the writes");
	/* the child copies, then the parent is the only one left on the
	 * original frames */
	setup(1);
	fork_and(child_writes_first);
	write_all(21);
	for (int i = 0; i < NPAGES; i++)
		CHECK(pfn_of(region + i * PAGE) == pfns[i],
		      "page %d after the child's copy: reused (%lx, was %lx)", i,
		      pfn_of(region + i * PAGE), pfns[i]);
}

static const struct lab_case {
	void (*fn)(void);
	const char *name;
} cases[] = {
	{ c_fork_shares, "fork shares the frames (equal pagemap PFNs)" },
	{ c_child_writes_private, "the child's writes are not seen by the parent" },
	{ c_parent_writes_private, "the parent's writes are not seen by the child" },
	{ c_write_copies, "a write copies only the page written (new PFN)" },
	{ c_one_fault_per_page, "one fault per page written (minflt)" },
	{ c_smaps_sharing, "smaps: Pss half of Rss while shared, all private after" },
	{ c_last_user_reuses, "the last user's write reuses the frame (same PFN)" },
};

#define NCASES (int)(sizeof(cases) / sizeof(cases[0]))

/* What the quiet runs do with their output: set up once, at the start,
 * since it allocates (the runner's heap would look like a kernel leak). */
static posix_spawn_file_actions_t quiet_actions;

/* run_spawned - case i in a process of its own (this program, "case i"),
 * its output thrown away if quiet: its wait status, or -1. */
static int run_spawned(const char *self, int i, int quiet)
{
	char num[16], *args[] = { (char *)self, "case", num, NULL };
	int status = -1;
	pid_t pid;

	snprintf(num, sizeof(num), "%d", i);
	fflush(stdout);
	if (posix_spawn(&pid, self, quiet ? &quiet_actions : NULL, NULL, args, environ) ||
	    waitpid(pid, &status, 0) != pid)
		return -1;
	/* A case that died before waiting for its fork's child leaves it to
	 * this process (init): reaped here, not counted as kernel memory. */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	return status;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "case")) {
		int i = atoi(argv[2]);

		if (i >= 0 && i < NCASES)
			cases[i].fn();
		fflush(stdout);
		return case_failed ? 1 : 0;
	}
	printf("# lab_cow: copy-on-write fork, %d pages per case\n", NPAGES);
	posix_spawn_file_actions_init(&quiet_actions);
	posix_spawn_file_actions_addopen(&quiet_actions, 1, "/dev/null", O_WRONLY, 0);
	int failed = 0;
	long before, after;

	for (int i = 0; i < NCASES; i++) {
		int status = run_spawned(argv[0], i, 0);

		if (status == -1)
			tap_result(0, cases[i].name, "posix_spawn or waitpid failed");
		else if (WIFSIGNALED(status))
			tap_result(0, cases[i].name, strsignal(WTERMSIG(status)));
		else
			tap_result(WEXITSTATUS(status) == 0, cases[i].name, NULL);
	}
	/* Again, quietly, between two readings of /proc/kmem: what the
	 * first pass made the kernel keep (a first-use table) is not a
	 * leak; what the second leaves is. */
	failed = tap_failed;
	before = kmem_baseline();
	for (int i = 0; i < NCASES; i++)
		failed += run_spawned(argv[0], i, 1) != 0;
	after = kmem_usage();
	printf("# lab_cow: kernel memory before and after the second pass: %ld, %ld "
	       "(frames * 100000 + kmalloc objects)%s\n", before, after,
	       after == before ? "" : ": LEAK");
	/* scored only when every case passed: the skeleton leaks nothing
	 * either, and must score 0 */
	leak_check("no kernel memory lost by a second pass of the cases",
		   failed ? -1 : before, after);
	return tap_done();
}
