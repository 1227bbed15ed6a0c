/*
 * tests/user/lab_mmap.c - the grader of the MAP_SHARED lab
 * (docs/labs/mmap.md; tests/labs/mmap.py gives its cases their points).
 *
 * Each case runs in a child process of its own (tap.h's RUN): a kernel
 * whose shared-file fault is not written yet kills the case with SIGBUS,
 * not this runner.  Every case first stores through a MAP_SHARED mapping
 * of a file in /tmp and checks that the file got it, so that no case
 * passes on a kernel without the shared fault.
 */
#include "tap.h"
#include <sys/mman.h>
#include <sys/stat.h>

#define PAGE 4096

/* make_file - a new file at path holding pages pages of byte fill, open
 * read-write: its descriptor. */
static int make_file(const char *path, int pages, char fill)
{
	char buf[PAGE];
	int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);

	memset(buf, fill, sizeof(buf));
	for (int i = 0; i < pages; i++)
		CHECK(write(fd, buf, PAGE) == PAGE, "write page %d of %s", i, path);
	return fd;
}

/* Does the file at offset off hold the string s? */
static int file_has(int fd, off_t off, const char *s)
{
	char buf[64] = "";

	return pread(fd, buf, strlen(s), off) == (ssize_t)strlen(s) &&
	       !memcmp(buf, s, strlen(s));
}

static char *map(int fd, int pages, int flags)
{
	char *p = mmap(NULL, (size_t)pages * PAGE, PROT_READ | PROT_WRITE, flags, fd, 0);

	CHECK(p != MAP_FAILED, "mmap %d pages", pages);
	return p == MAP_FAILED ? NULL : p;
}

static void t_store_reaches_file(void)
{
	int fd = make_file("/tmp/lab_mmap_a", 2, 'a');
	char *p = map(fd, 2, MAP_SHARED);

	strcpy(p, "hello");
	strcpy(p + PAGE + 10, "second page");
	CHECK(file_has(fd, 0, "hello"), "read() sees the store to page 0");
	CHECK(file_has(fd, PAGE + 10, "second page"), "read() sees the store to page 1");
	CHECK(file_has(fd, 6, "aaa"), "the rest of the file unchanged");
	/* and the other way: write() is seen through the mapping */
	CHECK(pwrite(fd, "written", 7, 100) == 7, "pwrite");
	CHECK(!memcmp(p + 100, "written", 7), "the mapping sees write()");
}

static void t_second_process_sees(void)
{
	int fd = make_file("/tmp/lab_mmap_b", 1, 'b'), sync[2], status = -1;
	char *p = map(fd, 1, MAP_SHARED);
	pid_t pid;

	strcpy(p, "from the parent");
	CHECK(pipe(sync) == 0, "pipe");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		/* a mapping of its own, of the same file */
		int fd2 = open("/tmp/lab_mmap_b", O_RDWR);
		char *q = map(fd2, 1, MAP_SHARED);

		CHECK(q && !strcmp(q, "from the parent"), "the other process reads the store");
		if (q)
			strcpy(q + 200, "from the child");
		write(sync[1], "x", 1);
		fflush(stdout);
		_exit(case_failed ? 1 : 0);
	}
	char c;

	CHECK(pid > 0 && read(sync[0], &c, 1) == 1, "the child's store");
	CHECK(!strcmp(p + 200, "from the child"),
	      "the parent's mapping sees the other process's store");
	close(sync[1]);
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child's checks (0x%x)",
	      status);
}

static void t_private_does_not_change_file(void)
{
	int fd = make_file("/tmp/lab_mmap_c", 1, 'c');
	char *shared = map(fd, 1, MAP_SHARED), *priv = map(fd, 1, MAP_PRIVATE);

	strcpy(shared, "shared");
	CHECK(file_has(fd, 0, "shared"), "the MAP_SHARED store reaches the file");
	CHECK(!strcmp(priv, "shared"), "MAP_PRIVATE reads the file before its own store");
	strcpy(priv + 100, "private");
	CHECK(!file_has(fd, 100, "private") && file_has(fd, 100, "ccc"),
	      "the MAP_PRIVATE store does not reach the file");
	CHECK(memcmp(shared + 100, "private", 7), "nor the MAP_SHARED mapping");
}

static void t_msync(void)
{
	int fd = make_file("/tmp/lab_mmap_d", 1, 'd');
	char *p = map(fd, 1, MAP_SHARED);

	strcpy(p + 1000, "synced");
	CHECK(msync(p, PAGE, MS_SYNC) == 0, "msync(MS_SYNC)");
	CHECK(file_has(fd, 1000, "synced"), "the file holds the store after msync");
}

static void t_after_munmap_and_exit(void)
{
	int fd = make_file("/tmp/lab_mmap_e", 2, 'e'), status = -1;
	char *p = map(fd, 2, MAP_SHARED);
	pid_t pid;

	strcpy(p, "before munmap");
	munmap(p, 2 * PAGE);
	CHECK(file_has(fd, 0, "before munmap"), "the file keeps the store after munmap");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *q = map(open("/tmp/lab_mmap_e", O_RDWR), 2, MAP_SHARED);

		if (q)
			strcpy(q + PAGE, "before exit");
		_exit(0); /* no munmap, no msync */
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child (0x%x)", status);
	CHECK(file_has(fd, PAGE, "before exit"),
	      "the file keeps the store of a process that exited");
}

static void t_beyond_eof_sigbus(void)
{
	int fd = make_file("/tmp/lab_mmap_f", 1, 'f'), sync[2], status = -1;
	char c = 0;
	pid_t pid;

	CHECK(pipe(sync) == 0, "pipe");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *p = map(fd, 3, MAP_SHARED); /* one page of file, then none */

		strcpy(p, "inside");
		if (file_has(fd, 0, "inside"))
			write(sync[1], "y", 1);
		p[2 * PAGE] = 1; /* beyond the end: SIGBUS */
		_exit(0);
	}
	close(sync[1]);
	CHECK(read(sync[0], &c, 1) == 1 && c == 'y',
	      "the store inside the file reaches it");
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS,
	      "a store beyond the end: SIGBUS (wait status 0x%x)", status);
	struct stat st;

	CHECK(fstat(fd, &st) == 0 && st.st_size == PAGE,
	      "the file did not grow (%ld bytes)", (long)st.st_size);
}

static const struct lab_case {
	void (*fn)(void);
	const char *name;
} cases[] = {
	{ t_store_reaches_file, "a store through MAP_SHARED reaches the file" },
	{ t_second_process_sees, "another process mapping the file sees the stores" },
	{ t_private_does_not_change_file, "a MAP_PRIVATE store does not change the file" },
	{ t_msync, "msync(MS_SYNC) returns 0, the file holds the store" },
	{ t_after_munmap_and_exit, "the file keeps the stores after munmap and exit" },
	{ t_beyond_eof_sigbus, "a store beyond the end of the file: SIGBUS" },
};

#define NCASES (int)(sizeof(cases) / sizeof(cases[0]))

/* The cases' files, /tmp/lab_mmap_a to _f. */
static void remove_files(void)
{
	for (char name[] = "/tmp/lab_mmap_a"; name[14] <= 'f'; name[14]++)
		unlink(name);
}

static void (*quiet_fn)(void);

/* quietly - quiet_fn with its output thrown away. */
static void quietly(void)
{
	int null = open("/dev/null", O_WRONLY);

	dup2(null, 1);
	quiet_fn();
}

int main(void)
{
	int failed;
	long before, after;

	printf("# lab_mmap: MAP_SHARED file mappings, files in /tmp\n");
	for (int i = 0; i < NCASES; i++)
		run_case(cases[i].fn, cases[i].name);
	/* Again, quietly, between two readings of /proc/kmem (tap.h's
	 * leak_checked_twice, without a second set of TAP lines). */
	failed = tap_failed;
	remove_files();
	before = kmem_baseline();
	for (int i = 0; i < NCASES; i++) {
		quiet_fn = cases[i].fn;
		failed += run_child(quietly) != 0;
	}
	remove_files();
	after = kmem_usage();
	printf("# lab_mmap: kernel memory before and after the second pass: %ld, %ld "
	       "(frames * 100000 + kmalloc objects)%s\n", before, after,
	       after == before ? "" : ": LEAK");
	/* scored only when every case passed (the skeleton must score 0) */
	leak_check("no kernel memory lost by a second pass of the cases",
		   failed ? -1 : before, after);
	return tap_done();
}
