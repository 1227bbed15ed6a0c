/*
 * tests/user/procmem_test.c - the /proc memory files on our kernel: maps,
 * smaps, smaps_rollup, status, statm, pagemap and meminfo, for a process
 * of known shape (mmaps of known sizes, touched pages, a fork sharing
 * pages, a file mapping, mlock); and the pfstat contract: waitid with
 * WNOWAIT, a zombie's memory lines, ru_maxrss.
 * Run by the harness as init (init=/tests/procmem_test); TAP on the console.
 */
#define _GNU_SOURCE
#include "tap.h"
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define PAGE 4096ul
#define TEXT_MAX (256 * 1024)
#define FILE_PATH "/tmp/procmem_file"
#define NAME_COLUMN 73 /* where a maps line's name starts, as on Linux */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static char text[TEXT_MAX];

/* load - the whole of path into text; its length, or -1. */
static long load(const char *path)
{
	return read_text(path, text, TEXT_MAX);
}

/* find_region - the line of text (maps or smaps) starting with the region
 * at addr, or NULL. */
static char *find_region(const void *addr)
{
	char key[32];
	char *p;

	snprintf(key, sizeof(key), "%08lx-", (unsigned long)addr);
	for (p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, strlen(key)))
			return p;
	return NULL;
}

/* smaps_block - the smaps block of the region at addr, copied into out
 * (up to and including its VmFlags line); false if there is none. */
static bool smaps_block(const void *addr, char *out, size_t size)
{
	char *start, *end;

	if (load("/proc/self/smaps") < 0 || !(start = find_region(addr)) ||
	    !(end = strstr(start, "VmFlags:")) || !(end = strchr(end, '\n')))
		return false;
	snprintf(out, size, "%.*s", (int)(end + 1 - start), start);
	return true;
}

/* field_kb - the value of "name:" at the start of a line of block other
 * than the first (kB), or -1. */
static long field_kb(const char *block, const char *name)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "\n%s:", name);
	p = strstr(block, key);
	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* status_kb - "name:" of /proc/PID/status (0: self), or -1. */
static long status_kb(int pid, const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), pid ? "/proc/%d/status" : "/proc/self/status", pid);
	if (load(path) < 0)
		return -1;
	return field_kb(text, name);
}

/* map_anon - a private read-write anonymous region of its own: between
 * two PROT_NONE pages, so that it never merges with a neighbour. */
static char *map_anon(size_t pages)
{
	char *p = mmap(NULL, (pages + 2) * PAGE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || mprotect(p + PAGE, pages * PAGE, PROT_READ | PROT_WRITE))
		return NULL;
	return p + PAGE;
}

/* make_file - FILE_PATH with pages pages of data; an open descriptor. */
static int make_file(size_t pages)
{
	static char page[PAGE];
	int fd = open(FILE_PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);

	memset(page, 'f', sizeof(page));
	for (size_t i = 0; fd >= 0 && i < pages; i++)
		if (write(fd, page, PAGE) != (ssize_t)PAGE)
			return -1;
	return fd;
}

/* The exact text of an smaps block whose counts are these (kB). */
static void expected_block(char *out, size_t size, const char *header,
			   long size_kb, long rss, long pss, long pss_dirty,
			   long shared_clean, long shared_dirty, long private_clean,
			   long private_dirty, long referenced, long anonymous,
			   long locked, const char *flags)
{
	snprintf(out, size,
		 "%s\n"
		 "Size:           %8ld kB\nKernelPageSize:        4 kB\n"
		 "MMUPageSize:           4 kB\nRss:            %8ld kB\n"
		 "Pss:            %8ld kB\nPss_Dirty:      %8ld kB\n"
		 "Shared_Clean:   %8ld kB\nShared_Dirty:   %8ld kB\n"
		 "Private_Clean:  %8ld kB\nPrivate_Dirty:  %8ld kB\n"
		 "Referenced:     %8ld kB\nAnonymous:      %8ld kB\n"
		 "LazyFree:              0 kB\n"
		 "AnonHugePages:         0 kB\nShmemPmdMapped:        0 kB\n"
		 "FilePmdMapped:         0 kB\nShared_Hugetlb:        0 kB\n"
		 "Private_Hugetlb:       0 kB\nSwap:                  0 kB\n"
		 "SwapPss:               0 kB\nLocked:         %8ld kB\n"
		 "THPeligible:    0\nVmFlags: %s\n",
		 header, size_kb, rss, pss, pss_dirty, shared_clean, shared_dirty,
		 private_clean, private_dirty, referenced, anonymous, locked, flags);
}

/* An anonymous region: its maps line, exactly; its smaps block, exactly. */
static void t_anon_maps_and_smaps(void)
{
	char *p = map_anon(8), header[128], want[2048], got[2048], *line;

	CHECK(p != NULL, "mmap");
	for (int i = 0; i < 5; i++)
		p[i * PAGE] = 1; /* 5 of 8 pages written */
	snprintf(header, sizeof(header), "%08lx-%08lx rw-p 00000000 00:00 0 ",
		 (unsigned long)p, (unsigned long)(p + 8 * PAGE));
	CHECK(load("/proc/self/maps") > 0 && (line = find_region(p)) &&
	      !strncmp(line, header, strlen(header)) && line[strlen(header)] == '\n',
	      "maps line of an anonymous region: '%s' with one trailing space", header);
	expected_block(want, sizeof(want), header, 32, 20, 20, 20, 0, 0, 0, 20,
		       20, 20, 0, "rd wr mr mw me ");
	CHECK(smaps_block(p, got, sizeof(got)) && !strcmp(got, want),
	      "smaps block, byte for byte:\n%s\nwanted:\n%s", got, want);
}

/* A file mapping: offset in bytes, the file's device and inode as stat()
 * and busybox stat give them, the name at column 73. */
static void t_file_maps_and_stat(void)
{
	int fd = make_file(4), pfd[2], status;
	pid_t pid = -1;
	char want[256], *line, bb[64] = "";
	struct stat st;
	char *p;
	ssize_t n;

	CHECK(fd >= 0 && fstat(fd, &st) == 0, "file made");
	p = mmap(NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE, fd, PAGE);
	CHECK(p != MAP_FAILED, "mmap at offset 4096");
	n = snprintf(want, sizeof(want), "%08lx-%08lx r--p 00001000 %02x:%02x %lu ",
		     (unsigned long)p, (unsigned long)(p + 2 * PAGE),
		     major(st.st_dev), minor(st.st_dev), (unsigned long)st.st_ino);
	snprintf(want + n, sizeof(want) - n, "%*s%s\n", (int)(NAME_COLUMN - n), "",
		 FILE_PATH);
	CHECK(load("/proc/self/maps") > 0 && (line = find_region(p)) &&
	      !strncmp(line, want, strlen(want)), "maps line: %s", want);
	/* busybox stat's %D (device, hex) and %i (inode) name the same file */
	CHECK(pipe(pfd) == 0 && (pid = fork()) >= 0, "fork");
	if (pid == 0) {
		dup2(pfd[1], 1);
		execl("/bin/busybox", "stat", "-c", "%D %i", FILE_PATH, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	n = read(pfd[0], bb, sizeof(bb) - 1);
	bb[n > 0 ? n : 0] = '\0';
	waitpid(pid, &status, 0);
	snprintf(want, sizeof(want), "%lx %lu\n", (unsigned long)st.st_dev,
		 (unsigned long)st.st_ino);
	CHECK(!strcmp(bb, want), "busybox stat says '%s', stat() '%s'", bb, want);
	CHECK(st.st_dev == makedev(0, 1) && st.st_ino > 1, "ramfs: device 00:01");
	unlink(FILE_PATH);
}

/* [heap] is the region holding the break, [stack] the initial stack's. */
static void t_heap_and_stack_names(void)
{
	char *brk0 = (char *)syscall(SYS_brk, 0), *line;
	int local;

	/* musl's sbrk() only reports the break; brk(2) moves it */
	CHECK(syscall(SYS_brk, brk0 + 3 * PAGE) == (long)(brk0 + 3 * PAGE), "brk");
	brk0[0] = 1;
	CHECK(load("/proc/self/maps") > 0, "maps");
	for (line = text; line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		unsigned long s, e;

		if (sscanf(line, "%lx-%lx", &s, &e) != 2)
			continue;
		if (s <= (unsigned long)brk0 && (unsigned long)brk0 < e)
			CHECK(!strncmp(line + NAME_COLUMN, "[heap]\n", 7), "heap: %.90s", line);
		if (s <= (unsigned long)&local && (unsigned long)&local < e)
			CHECK(!strncmp(line + NAME_COLUMN, "[stack]\n", 8), "stack: %.90s", line);
	}
}

/* Pages written before fork: two mappers, so Pss is half of Rss, and the
 * pages are dirty in both (Shared_Dirty); a page the child then writes is
 * its own again. */
static void t_fork_shares_pss(void)
{
	char *p = map_anon(4), block[2048], header[128], want[2048];
	int go[2], done[2], status;
	pid_t pid;
	char c;

	CHECK(p != NULL && pipe(go) == 0 && pipe(done) == 0, "setup");
	memset(p, 7, 4 * PAGE);
	pid = fork();
	if (pid == 0) {
		read(go[0], &c, 1);
		p[0] = 8; /* copy-on-write: one page becomes the child's own */
		write(done[1], "x", 1);
		read(go[0], &c, 1);
		_exit(0);
	}
	snprintf(header, sizeof(header), "%08lx-%08lx rw-p 00000000 00:00 0 ",
		 (unsigned long)p, (unsigned long)(p + 4 * PAGE));
	expected_block(want, sizeof(want), header, 16, 16, 8, 8, 0, 16, 0, 0, 16,
		       16, 0, "rd wr mr mw me ");
	CHECK(smaps_block(p, block, sizeof(block)) && !strcmp(block, want),
	      "shared by fork: Pss = Rss / 2, Shared_Dirty:\n%s", block);
	write(go[1], "x", 1);
	read(done[0], &c, 1);
	CHECK(smaps_block(p, block, sizeof(block)), "smaps");
	CHECK(field_kb(block, "Pss") == 4 + 6 && field_kb(block, "Private_Dirty") == 4 &&
	      field_kb(block, "Shared_Dirty") == 12,
	      "after the child's write: one page private, Pss 10 kB:\n%s", block);
	write(go[1], "x", 1);
	waitpid(pid, &status, 0);
	CHECK(smaps_block(p, block, sizeof(block)) && field_kb(block, "Pss") == 16 &&
	      field_kb(block, "Private_Dirty") == 16, "child gone: all private again");
}

/* pagemap_word - the pagemap entry of addr, through fd. */
static uint64_t pagemap_word(int fd, const void *addr)
{
	uint64_t w = 0;

	if (pread(fd, &w, 8, (off_t)((uintptr_t)addr / PAGE * 8)) != 8)
		return ~0ull;
	return w;
}

#define PM_PRESENT (1ull << 63)
#define PM_FILE (1ull << 61)
#define PM_EXCLUSIVE (1ull << 56)
#define PM_PFN ((1ull << 55) - 1)

/* A file page mapped by one process: the file also holds it, yet it has
 * one mapping, so it is private in smaps and exclusive in pagemap; a
 * private copy of a file page is anonymous. */
static void t_file_pages(void)
{
	int fd = make_file(3), pm = open("/proc/self/pagemap", O_RDONLY);
	char *s, *p, block[2048];
	volatile char sink;
	uint64_t w;

	CHECK(fd >= 0 && pm >= 0, "setup");
	s = mmap(NULL, 3 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(s != MAP_FAILED && p != MAP_FAILED, "mmap");
	sink = s[0];
	sink = s[PAGE];
	(void)sink;
	p[0] = 'x'; /* a private copy */
	CHECK(smaps_block(s, block, sizeof(block)) && field_kb(block, "Rss") == 8 &&
	      field_kb(block, "Pss") == 8 && field_kb(block, "Private_Clean") == 8 &&
	      field_kb(block, "Anonymous") == 0 && field_kb(block, "Referenced") == 8 &&
	      strstr(block, "VmFlags: rd sh mr mw me ms \n"),
	      "shared file mapping, two pages read:\n%s", block);
	w = pagemap_word(pm, s);
	CHECK((w & PM_PRESENT) && (w & PM_FILE) && (w & PM_EXCLUSIVE) && (w & PM_PFN),
	      "file page: present, file, exclusive, frame (%llx)", (unsigned long long)w);
	CHECK(smaps_block(p, block, sizeof(block)) && field_kb(block, "Rss") == 4 &&
	      field_kb(block, "Anonymous") == 4 && field_kb(block, "Private_Dirty") == 4,
	      "private copy of a file page is anonymous:\n%s", block);
	w = pagemap_word(pm, p);
	CHECK((w & PM_PRESENT) && !(w & PM_FILE) && (w & PM_EXCLUSIVE),
	      "private copy: not a file page (%llx)", (unsigned long long)w);
	CHECK(pagemap_word(pm, p + PAGE) == 0, "untouched: 0");
	unlink(FILE_PATH);
}

/* mlock: Locked (Pss of the locked pages), VmFlags "lo", VmLck. */
static void t_mlock(void)
{
	char *p = map_anon(3), block[2048];
	long lck = status_kb(0, "VmLck");

	CHECK(p != NULL && mlock(p, 3 * PAGE) == 0, "mlock");
	p[0] = p[PAGE] = 1; /* mlock made all three resident anyway */
	CHECK(smaps_block(p, block, sizeof(block)) && field_kb(block, "Locked") == 12 &&
	      strstr(block, "VmFlags: rd wr mr mw me lo \n"), "locked:\n%s", block);
	CHECK(status_kb(0, "VmLck") == lck + 12, "VmLck grows by 12 kB");
}

/* sum_smaps - the sum of field over every smaps block. */
static long sum_smaps(const char *field)
{
	char key[64];
	long sum = 0;

	snprintf(key, sizeof(key), "\n%s:", field);
	for (const char *p = strstr(text, key); p; p = strstr(p + 1, key))
		sum += strtol(p + strlen(key), NULL, 10);
	return sum;
}

/* The rollup is the sum of the blocks (Pss within rounding). */
static void t_rollup_sums(void)
{
	static const char *const exact[] = {
		"Rss", "Shared_Clean", "Shared_Dirty", "Private_Clean",
		"Private_Dirty", "Referenced", "Anonymous", "Swap",
	};
	static char roll[4096];
	long regions = 0, pss;
	char *p = map_anon(5), want[128];
	unsigned long first, last;

	CHECK(p != NULL, "mmap");
	memset(p, 1, 5 * PAGE);
	/* a first round, so that the second touches no page the first did
	 * not: the numbers then hold still between its reads */
	for (int round = 0; round < 2; round++) {
		CHECK(load("/proc/self/maps") > 0, "maps");
		sscanf(text, "%lx", &first);
		regions = 0;
		for (char *l = text; *l; l = strchr(l, '\n') + 1) {
			sscanf(l, "%*[0-9a-f]-%lx", &last);
			regions++;
		}
		CHECK(load("/proc/self/smaps_rollup") > 0, "smaps_rollup");
		strcpy(roll, text);
		CHECK(load("/proc/self/smaps") > 0, "smaps");
	}
	snprintf(want, sizeof(want), "%08lx-%08lx ---p 00000000 00:00 0 ", first, last);
	CHECK(!strncmp(roll, want, strlen(want)) &&
	      !strncmp(roll + NAME_COLUMN, "[rollup]\n", 9), "header: %.90s", roll);
	for (unsigned i = 0; i < ARRAY_SIZE(exact); i++)
		CHECK(field_kb(roll, exact[i]) == sum_smaps(exact[i]),
		      "%s: rollup %ld, sum %ld", exact[i], field_kb(roll, exact[i]),
		      sum_smaps(exact[i]));
	pss = sum_smaps("Pss");
	CHECK(field_kb(roll, "Pss") >= pss && field_kb(roll, "Pss") <= pss + regions,
	      "Pss: rollup %ld, sum of rounded %ld", field_kb(roll, "Pss"), pss);
	CHECK(field_kb(roll, "Pss_Anon") + field_kb(roll, "Pss_File") +
	      field_kb(roll, "Pss_Shmem") <= field_kb(roll, "Pss") &&
	      field_kb(roll, "Pss_Anon") >= 20, "Pss split");
}

/* status: the memory lines in Linux's order; statm agrees with them. */
static void t_status_and_statm(void)
{
	static const char *const order[] = {
		"VmPeak", "VmSize", "VmLck", "VmPin", "VmHWM", "VmRSS", "RssAnon",
		"RssFile", "RssShmem", "VmData", "VmStk", "VmExe", "VmLib",
		"VmPTE", "VmSwap", "HugetlbPages",
	};
	unsigned long size, res, shared, textp, lib, data, dirty;
	static char status[8192];
	char *p = map_anon(16), *prev, *at;
	long rss, anon, file, shmem;

	CHECK(p != NULL, "mmap");
	memset(p, 1, 16 * PAGE);
	/* status then statm, twice: the second round touches no new page,
	 * so both describe the same moment */
	for (int round = 0; round < 2; round++) {
		CHECK(load("/proc/self/status") > 0, "status");
		strcpy(status, text);
		CHECK(load("/proc/self/statm") > 0 &&
		      sscanf(text, "%lu %lu %lu %lu %lu %lu %lu", &size, &res,
			     &shared, &textp, &lib, &data, &dirty) == 7, "statm");
	}
	strcpy(text, status);
	prev = strstr(text, "\nKthread:\t0\n");
	CHECK(prev != NULL, "Kthread line");
	for (unsigned i = 0; i < ARRAY_SIZE(order); i++) {
		char key[32];

		snprintf(key, sizeof(key), "\n%s:\t", order[i]);
		at = strstr(text, key);
		CHECK(at && at > prev && at[strlen(key) + 8] == ' ' &&
		      !strncmp(at + strlen(key) + 9, "kB\n", 3),
		      "%s in order, as '%s:\\t%%8lu kB'", order[i], order[i]);
		prev = at ? at : prev;
	}
	CHECK(strstr(text, "\nCoreDumping:\t0\n") > prev, "CoreDumping after them");
	rss = field_kb(text, "VmRSS");
	anon = field_kb(text, "RssAnon");
	file = field_kb(text, "RssFile");
	shmem = field_kb(text, "RssShmem");
	CHECK(rss == anon + file + shmem && anon >= 64, "VmRSS = RssAnon + RssFile + RssShmem");
	CHECK(field_kb(text, "VmPTE") >= 12 && field_kb(text, "VmExe") > 0 &&
	      field_kb(text, "VmStk") >= 128 && field_kb(text, "VmData") >= 64,
	      "VmPTE, VmExe, VmStk, VmData");
	{
		long data_kb = field_kb(text, "VmData") + field_kb(text, "VmStk");
		long exe = field_kb(text, "VmExe"), vsize = field_kb(text, "VmSize");

		CHECK((long)size * 4 == vsize && (long)res * 4 == rss &&
		      (long)shared * 4 == file + shmem && (long)textp * 4 == exe &&
		      lib == 0 && (long)data * 4 == data_kb && dirty == 0,
		      "statm %s agrees with status: size %ld rss %ld shared %ld "
		      "text %ld data %ld kB", "", vsize, rss, file + shmem, exe, data_kb);
	}
}

/* pagemap: root reads frame numbers; after setuid(1000) they read 0 but
 * the other bits; reads not in whole 8-byte entries fail. */
static void t_pagemap_privilege(void)
{
	char *p = map_anon(1);
	int fd = open("/proc/self/pagemap", O_RDONLY);
	uint64_t w, buf[2];

	CHECK(p != NULL && fd >= 0, "setup");
	p[0] = 1;
	w = pagemap_word(fd, p);
	CHECK((w & PM_PRESENT) && (w & PM_EXCLUSIVE) && (w & PM_PFN) && !(w & PM_FILE),
	      "root: frame shown (%llx)", (unsigned long long)w);
	errno = 0;
	CHECK(pread(fd, buf, 8, 4) == -1 && errno == EINVAL, "offset 4: EINVAL");
	errno = 0;
	CHECK(pread(fd, buf, 12, 8) == -1 && errno == EINVAL, "length 12: EINVAL");
	close(fd);
	CHECK(setuid(1000) == 0 && getuid() == 1000 && geteuid() == 1000, "setuid(1000)");
	CHECK(setuid(0) == -1 && errno == EPERM, "no way back to root");
	fd = open("/proc/self/pagemap", O_RDONLY);
	w = pagemap_word(fd, p);
	CHECK((w & PM_PRESENT) && (w & PM_EXCLUSIVE) && !(w & PM_PFN),
	      "uid 1000: no frame number, other bits kept (%llx)", (unsigned long long)w);
	CHECK(load("/proc/self/status") > 0 && strstr(text, "\nUid:\t1000\t1000\t1000\t1000\n") &&
	      strstr(text, "\nCapEff:\t0000000000000000\n"), "status Uid and CapEff");
	close(fd);
}

/* setresuid: an unprivileged user may only shuffle its own IDs. */
static void t_setresuid(void)
{
	uid_t r, e, s;

	CHECK(setresuid(1000, 1001, 0) == 0, "root sets any");
	CHECK(getresuid(&r, &e, &s) == 0 && r == 1000 && e == 1001 && s == 0, "got them");
	CHECK(setresuid(-1, 0, -1) == 0 && geteuid() == 0, "back to the saved 0");
	CHECK(setresuid(1002, 1002, 1002) == 0, "drop all");
	CHECK(setresuid(-1, 7, -1) == -1 && errno == EPERM, "7: EPERM");
}

/* The pfstat contract: the child exits; waitid(WNOWAIT) reports it and
 * leaves it a zombie, whose status still has its memory lines; a second
 * waitid reaps it; ru_maxrss covers its peak. */
static void t_waitid_zombie_memory(void)
{
	siginfo_t si;
	struct rusage ru;
	pid_t pid = fork();
	long hwm, pte;
	char path[64];

	if (pid == 0) {
		char *p = map_anon(256); /* 1 MiB */

		memset(p, 1, 256 * PAGE);
		munmap(p, 256 * PAGE); /* VmHWM keeps the peak */
		_exit(3);
	}
	CHECK(pid > 0, "fork");
	memset(&si, 0xff, sizeof(si));
	CHECK(syscall(SYS_waitid, P_PID, pid, &si, WEXITED | WNOWAIT, NULL) == 0,
	      "waitid WNOWAIT");
	CHECK(si.si_signo == SIGCHLD && si.si_code == CLD_EXITED && si.si_pid == pid &&
	      si.si_uid == 0 && si.si_status == 3, "siginfo: code %d pid %d status %d",
	      si.si_code, si.si_pid, si.si_status);
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	CHECK(load(path) > 0 && strstr(text, "\nState:\tZ (zombie)\n"), "still a zombie");
	hwm = status_kb(pid, "VmHWM");
	pte = status_kb(pid, "VmPTE");
	CHECK(hwm >= 1024 && pte >= 12, "zombie's VmHWM %ld kB, VmPTE %ld kB", hwm, pte);
	CHECK(status_kb(pid, "VmRSS") < hwm, "VmRSS at exit below the peak");
	memset(&ru, 0, sizeof(ru));
	CHECK(syscall(SYS_waitid, P_PID, pid, &si, WEXITED, &ru) == 0 && si.si_pid == pid,
	      "waitid reaps");
	CHECK(ru.ru_maxrss == hwm, "its ru_maxrss %ld = VmHWM %ld", ru.ru_maxrss, hwm);
	CHECK(access(path, F_OK) == -1, "gone from /proc");
	CHECK(getrusage(RUSAGE_CHILDREN, &ru) == 0 && ru.ru_maxrss >= hwm,
	      "RUSAGE_CHILDREN ru_maxrss %ld", ru.ru_maxrss);
	CHECK(getrusage(RUSAGE_SELF, &ru) == 0 && ru.ru_maxrss > 0 &&
	      ru.ru_maxrss == status_kb(0, "VmHWM"), "RUSAGE_SELF ru_maxrss = VmHWM");
}

/* waitid's other answers: a killed child, WNOHANG, bad arguments. */
static void t_waitid_cases(void)
{
	siginfo_t si;
	int go[2];
	pid_t pid;

	CHECK(pipe(go) == 0, "pipe");
	pid = fork();
	if (pid == 0) {
		char c;

		read(go[0], &c, 1);
		_exit(0);
	}
	memset(&si, 0xff, sizeof(si));
	CHECK(syscall(SYS_waitid, P_ALL, 0, &si, WEXITED | WNOHANG, NULL) == 0 &&
	      si.si_pid == 0 && si.si_signo == 0, "WNOHANG, none yet: 0, si_pid 0");
	kill(pid, SIGKILL);
	CHECK(syscall(SYS_waitid, P_PGID, 0, &si, WEXITED, NULL) == 0 &&
	      si.si_code == CLD_KILLED && si.si_status == SIGKILL && si.si_pid == pid,
	      "killed: CLD_KILLED, SIGKILL");
	errno = 0;
	CHECK(syscall(SYS_waitid, P_ALL, 0, &si, WEXITED, NULL) == -1 && errno == ECHILD,
	      "no children: ECHILD");
	errno = 0;
	CHECK(syscall(SYS_waitid, P_ALL, 0, &si, WNOHANG, NULL) == -1 && errno == EINVAL,
	      "no WEXITED: EINVAL");
	errno = 0;
	CHECK(syscall(SYS_waitid, 7, 0, &si, WEXITED, NULL) == -1 && errno == EINVAL,
	      "bad idtype: EINVAL");
}

/* meminfo's AnonPages counts each anonymous frame once: pages a fork
 * shares do not count twice. */
static void t_meminfo_anon(void)
{
	long before, after, shared;
	char *p = map_anon(128);
	int go[2];
	pid_t pid;
	char c;

	CHECK(p != NULL && pipe(go) == 0, "setup");
	before = meminfo_kb("AnonPages:");
	memset(p, 1, 128 * PAGE);
	after = meminfo_kb("AnonPages:");
	CHECK(after - before >= 512 && after - before < 512 + 64,
	      "AnonPages %ld -> %ld kB", before, after);
	pid = fork();
	if (pid == 0) {
		read(go[0], &c, 1);
		_exit(0);
	}
	shared = meminfo_kb("AnonPages:");
	CHECK(shared - after < 64, "fork shares them: %ld -> %ld kB", after, shared);
	write(go[1], "x", 1);
	waitpid(pid, NULL, 0);
}

/* A process with no memory at all (it unmapped everything, and its fault
 * then stops it for its tracer): maps and smaps are empty, smaps_rollup is
 * Linux 6.1's exact empty rollup (selftest proc/proc-empty-vm). */
static void t_empty_vm(void)
{
	static const char want[] =
		"00000000-00000000 ---p 00000000 00:00 0"
		"                                  [rollup]\n"
		"Rss:                   0 kB\nPss:                   0 kB\n"
		"Pss_Dirty:             0 kB\nPss_Anon:              0 kB\n"
		"Pss_File:              0 kB\nPss_Shmem:             0 kB\n"
		"Shared_Clean:          0 kB\nShared_Dirty:          0 kB\n"
		"Private_Clean:         0 kB\nPrivate_Dirty:         0 kB\n"
		"Referenced:            0 kB\nAnonymous:             0 kB\n"
		"LazyFree:              0 kB\nAnonHugePages:         0 kB\n"
		"ShmemPmdMapped:        0 kB\nFilePmdMapped:         0 kB\n"
		"Shared_Hugetlb:        0 kB\nPrivate_Hugetlb:       0 kB\n"
		"Swap:                  0 kB\nSwapPss:               0 kB\n"
		"Locked:                0 kB\n";
	char path[64];
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		munmap(NULL, ((size_t)1 << 47) - PAGE);
		_exit(1); /* not reached: the return faults */
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFSTOPPED(status) &&
	      WSTOPSIG(status) == SIGSEGV, "stopped by its fault: %#x", status);
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	CHECK(load(path) == 0, "maps empty: %.80s", text);
	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	CHECK(load(path) == 0, "smaps empty");
	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", pid);
	CHECK(load(path) == sizeof(want) - 1 && !strcmp(text, want),
	      "smaps_rollup: %s", text);
	kill(pid, SIGKILL);
	CHECK(waitpid(pid, &status, 0) == pid, "reaped");
}

int main(void)
{
	long before;

	memset(text, 0, sizeof(text)); /* resident from here on */
	before = kmem_baseline();

	RUN(t_anon_maps_and_smaps);
	RUN(t_file_maps_and_stat);
	RUN(t_heap_and_stack_names);
	RUN(t_fork_shares_pss);
	RUN(t_file_pages);
	RUN(t_mlock);
	RUN(t_rollup_sums);
	RUN(t_status_and_statm);
	RUN(t_pagemap_privilege);
	RUN(t_setresuid);
	RUN(t_waitid_zombie_memory);
	RUN(t_waitid_cases);
	RUN(t_meminfo_anon);
	RUN(t_empty_vm);
	leak_check("no frames or kmalloc objects leaked", before, kmem_usage());
	return tap_done();
}
