/*
 * tests/user/mem_test.c - the address space: copy-on-write, shared and
 * private mappings of memory and files, demand paging, stack growth and
 * its limit, NX and W^X, region splitting, brk, and Pintos-style memory
 * workloads.  Run as init (init=/tests/mem_test); TAP on the console.
 */
#define _GNU_SOURCE
#include "tap.h"
#include <fcntl.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#define PAGE 4096ul

static int wait_status(pid_t pid)
{
	int st = -1;

	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* Resident pages of this process (second field of /proc/self/statm). */
static long resident_pages(void)
{
	long size = 0, rss = -1;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%ld %ld", &size, &rss) != 2)
			rss = -1;
		fclose(f);
	}
	return rss;
}

/* The number of lines of /proc/self/maps that contain word. */
static int maps_lines_with(const char *word)
{
	char line[256];
	int n = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, word) != NULL;
	if (f)
		fclose(f);
	return n;
}

/* ---- copy-on-write ---- */

static void t_cow_both_ways(void)
{
	char *p = malloc(64 * PAGE);
	int pipefd[2];
	pid_t pid;
	char c;

	memset(p, 'p', 64 * PAGE);
	pipe(pipefd);
	pid = fork();
	if (pid == 0) {
		long before = minflt();

		CHECK(p[0] == 'p' && p[63 * PAGE] == 'p', "the child sees the parent's data");
		p[0] = 'c'; /* copy-on-write: a fault, a private copy */
		CHECK(minflt() > before, "the first write faulted (%ld -> %ld)", before, minflt());
		read(pipefd[0], &c, 1); /* the parent has written meanwhile */
		CHECK(p[PAGE] == 'p', "the parent's later write is invisible here");
		_exit(case_failed);
	}
	p[PAGE] = 'P';
	write(pipefd[1], "x", 1);
	CHECK(WEXITSTATUS(wait_status(pid)) == 0, "child checks");
	CHECK(p[0] == 'p', "the child's write is invisible in the parent");
	free(p);
}

static void t_shared_anonymous(void)
{
	int *shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int *private = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid_t pid;

	*shared = 1;
	*private = 1;
	pid = fork();
	if (pid == 0) {
		*shared = 2;
		*private = 2;
		_exit(0);
	}
	wait_status(pid);
	CHECK(*shared == 2, "MAP_SHARED: the child's write is seen (%d)", *shared);
	CHECK(*private == 1, "MAP_PRIVATE: it is not (%d)", *private);
}

/* ---- file mappings ---- */

static int make_file(const char *path, const char *text, size_t n)
{
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);

	write(fd, text, n);
	return fd;
}

static void t_file_private_and_shared(void)
{
	int fd = make_file("/tmp/m", "hello, file", 11);
	char buf[16] = { 0 };
	char *priv = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char *shr = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	CHECK(priv != MAP_FAILED && shr != MAP_FAILED, "map both ways");
	CHECK(!memcmp(priv, "hello, file", 11) && !memcmp(shr, "hello, file", 11), "contents");
	priv[0] = 'J';
	pread(fd, buf, 11, 0);
	CHECK(buf[0] == 'h' && shr[0] == 'h', "a private write leaves the file alone");
	shr[0] = 'Y';
	CHECK(msync(shr, PAGE, MS_SYNC) == 0, "msync");
	pread(fd, buf, 11, 0);
	CHECK(buf[0] == 'Y', "a shared write is in the file (read() sees it)");
	CHECK(priv[0] == 'J', "the private copy stays private");
	pwrite(fd, "W", 1, 1);
	CHECK(shr[1] == 'W', "a write() shows in the shared mapping");
	pid_t pid = fork();
	if (pid == 0) {
		int fd2 = open("/tmp/m", O_RDWR);
		char *other = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0);

		other[2] = 'Z'; /* a second process, its own mapping */
		_exit(0);
	}
	wait_status(pid);
	CHECK(shr[2] == 'Z', "another process's shared mapping writes the same page");
	CHECK(maps_lines_with("/tmp/m") == 2, "/proc/self/maps names the file twice");
	munmap(priv, PAGE);
	munmap(shr, PAGE);
	close(fd);
	unlink("/tmp/m");
}

static sigjmp_buf jump;
static volatile int got_sig, got_code;
static void *volatile got_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_code = si->si_code;
	got_addr = si->si_addr;
	siglongjmp(jump, 1);
}

static void catch_faults(void)
{
	struct sigaction sa = { 0 };

	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

/* Does touching addr (write or read) fault? Which signal and code? */
static int touch(volatile char *addr, int write)
{
	got_sig = 0;
	if (!sigsetjmp(jump, 1)) {
		if (write)
			*addr = 1;
		else
			(void)*addr;
	}
	return got_sig;
}

static void t_file_sigbus(void)
{
	int fd = make_file("/tmp/short", "0123456789", 10);
	char *p = mmap(NULL, 3 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);

	catch_faults();
	CHECK(touch(p + 5, 0) == 0 && p[9] == '9' && p[10] == 0,
	      "the file's page, zero past its end");
	CHECK(touch(p + PAGE, 0) == SIGBUS && got_addr == p + PAGE,
	      "beyond the end of the file: SIGBUS (%d) at %p", got_sig, got_addr);
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGBUS, SIG_DFL);
		(void)*(volatile char *)(p + PAGE); /* no handler: killed */
		_exit(0);
	}
	int st = wait_status(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS, "unhandled: killed by SIGBUS (0x%x)", st);
	/* A shared mapping of a file opened read-only never becomes writable. */
	char *ro = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, open("/tmp/short", O_RDONLY), 0);
	CHECK(ro != MAP_FAILED && mprotect(ro, PAGE, PROT_READ | PROT_WRITE) == -1 &&
	      errno == EACCES, "mprotect(PROT_WRITE) of it: EACCES");
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, open("/tmp/short", O_WRONLY), 0),
		  EACCES);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		       open("/tmp/short", O_RDONLY), 0), EACCES);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, 999, 0), EBADF);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, open("/dev/null", O_RDONLY), 0),
		  ENODEV);
	unlink("/tmp/short");
}

static void t_dev_zero_and_shm(void)
{
	int zfd = open("/dev/zero", O_RDWR);
	int *z = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, zfd, 0);
	pid_t pid;

	CHECK(z != MAP_FAILED && *z == 0, "/dev/zero maps as zeroed memory");
	pid = fork();
	if (pid == 0) {
		*z = 7;
		_exit(0);
	}
	wait_status(pid);
	CHECK(*z == 7, "MAP_SHARED of /dev/zero is shared across fork (%d)", *z);
	/* shm_open: musl opens /dev/shm/NAME, an ordinary file in memory. */
	int fd = shm_open("/vmos-test", O_CREAT | O_RDWR, 0600);
	CHECK(fd >= 0 && ftruncate(fd, PAGE) == 0, "shm_open + ftruncate");
	char *s = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	pid = fork();
	if (pid == 0) {
		/* As an unrelated program would: open it by name. */
		int fd2 = shm_open("/vmos-test", O_RDWR, 0);
		char *t = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0);

		strcpy(t, "written by the other process");
		_exit(0);
	}
	wait_status(pid);
	CHECK(!strcmp(s, "written by the other process"), "seen through shared memory");
	CHECK(shm_unlink("/vmos-test") == 0, "shm_unlink");
}

/* ---- demand paging ---- */

static void t_lazy(void)
{
	long r0 = resident_pages(), r1, r2;
	char *p = mmap(NULL, 32u << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	r1 = resident_pages();
	CHECK(r1 - r0 < 16, "mapping 32 MiB made %ld pages resident", r1 - r0);
	for (size_t i = 0; i < (32u << 20); i += PAGE)
		p[i] = 1;
	r2 = resident_pages();
	CHECK(r2 - r1 >= 8192, "touching it: %ld more resident pages", r2 - r1);
	munmap(p, 32u << 20);
	CHECK(resident_pages() - r0 < 16, "unmapping gives them back");
}

/* ---- the stack ---- */

static long depth_reached;

static long recurse(long depth, long max)
{
	volatile char pad[1024];

	pad[0] = (char)depth;
	depth_reached = depth;
	if (depth == max)
		return 0;
	return recurse(depth + 1, max) + pad[0];
}

static void t_stack_growth(void)
{
	recurse(0, 4000); /* about 4 MiB: grows the stack region */
	CHECK(depth_reached == 4000, "4 MiB of recursion");
	pid_t pid = fork();
	if (pid == 0) {
		recurse(0, 1 << 30); /* past RLIMIT_STACK (8 MiB): SIGSEGV */
		_exit(0);
	}
	int st = wait_status(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "overflow: status 0x%x", st);
	/* The overflow caught on an alternate stack. */
	pid = fork();
	if (pid == 0) {
		static char alt[64 * 1024];
		stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) };
		struct sigaction sa = { 0 };

		sigaltstack(&ss, NULL);
		sa.sa_sigaction = on_fault;
		sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
		sigaction(SIGSEGV, &sa, NULL);
		if (!sigsetjmp(jump, 1))
			recurse(0, 1 << 30);
		_exit(got_sig == SIGSEGV ? 42 : 1);
	}
	st = wait_status(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42,
	      "the overflow's SIGSEGV ran on the sigaltstack: 0x%x", st);
	struct rlimit rl = { 256 * 1024, 256 * 1024 };
	pid = fork();
	if (pid == 0) {
		setrlimit(RLIMIT_STACK, &rl);
		recurse(0, 6000); /* past the 4 MiB the stack already has */
		_exit(0);
	}
	st = wait_status(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "a smaller RLIMIT_STACK: 0x%x", st);
}

static void t_stack_guard_gap(void)
{
	char line[256];
	unsigned long lo = 0, hi = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "[stack]"))
			sscanf(line, "%lx-%lx", &lo, &hi);
	fclose(f);
	CHECK(lo && hi, "found [stack] %lx-%lx", lo, hi);
	/* A mapping 64 KiB below the stack: inside the 1 MiB guard gap. */
	char *below = mmap((void *)(lo - 64 * 1024 - PAGE), PAGE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(below != MAP_FAILED, "map below the stack");
	catch_faults();
	CHECK(touch((char *)lo - 8 * PAGE, 1) == SIGSEGV, "the stack may not grow into the gap");
}

/* ---- NX and W^X ---- */

static void t_nx_and_jit(void)
{
	/* mov eax, 42; ret */
	static const unsigned char code[] = { 0xb8, 0x2a, 0, 0, 0, 0xc3 };
	unsigned char stack_code[8];
	unsigned char *heap_code = malloc(64);
	unsigned char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	extern char __executable_start[];

	catch_faults();
	memcpy(p, code, sizeof(code));
	memcpy(stack_code, code, sizeof(code));
	memcpy(heap_code, code, sizeof(code));
	got_sig = 0;
	if (!sigsetjmp(jump, 1))
		((int (*)(void))p)();
	CHECK(got_sig == SIGSEGV && got_code == SEGV_ACCERR && got_addr == p,
	      "running a RW page: SIGSEGV ACCERR at %p (%d %d)", got_addr, got_sig, got_code);
	got_sig = 0;
	if (!sigsetjmp(jump, 1))
		((int (*)(void))stack_code)();
	CHECK(got_sig == SIGSEGV, "the stack is not executable");
	got_sig = 0;
	if (!sigsetjmp(jump, 1))
		((int (*)(void))heap_code)();
	CHECK(got_sig == SIGSEGV, "the heap is not executable");
	CHECK(mprotect(p, PAGE, PROT_READ | PROT_EXEC) == 0, "mprotect to r-x");
	CHECK(((int (*)(void))p)() == 42, "then it runs (the JIT pattern)");
	CHECK(touch((char *)p, 1) == SIGSEGV && got_code == SEGV_ACCERR, "and is no longer writable");
	CHECK(touch(__executable_start, 1) == SIGSEGV, "text is never writable");
}

/* ---- regions: mprotect and munmap split them ---- */

static void t_split_and_merge(void)
{
	char *p = mmap(NULL, 5 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char key[64];

	snprintf(key, sizeof(key), "%lx-", (unsigned long)p);
	CHECK(maps_lines_with(key) == 1, "one region");
	CHECK(mprotect(p + PAGE, PAGE, PROT_READ) == 0, "mprotect a middle page");
	snprintf(key, sizeof(key), "%lx-%lx r--p", (unsigned long)(p + PAGE),
		 (unsigned long)(p + 2 * PAGE));
	CHECK(maps_lines_with(key) == 1, "three regions: %s", key);
	CHECK(mprotect(p + PAGE, PAGE, PROT_READ | PROT_WRITE) == 0 &&
	      maps_lines_with(key) == 0, "protected back: merged again");
	CHECK(munmap(p + 2 * PAGE, PAGE) == 0, "unmap a hole");
	catch_faults();
	CHECK(touch(p + 2 * PAGE, 0) == SIGSEGV && got_code == SEGV_MAPERR, "the hole is unmapped");
	CHECK(touch(p + 3 * PAGE, 1) == 0, "its neighbours are not");
	CHECK(munmap(p, 5 * PAGE) == 0, "unmap across the hole and both pieces");
	CHECK(touch(p, 0) == SIGSEGV && touch(p + 4 * PAGE, 0) == SIGSEGV, "all gone");
	CHECK_ERR(mprotect(p, PAGE, PROT_READ), ENOMEM);
	/* MAP_FIXED_NOREPLACE and hints. */
	char *q = mmap(NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(mmap(q, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) ==
	      MAP_FAILED && errno == EEXIST, "MAP_FIXED_NOREPLACE on a mapping");
	char *r = mmap(q, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(r == q && touch(q, 1) == 0, "MAP_FIXED replaces");
	char *hint = (char *)0x200000000ul;
	CHECK(mmap(hint, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == hint,
	      "a free hint is taken");
	CHECK(mmap((void *)PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
	      MAP_FAILED && errno == EPERM, "nothing below 64 KiB");
	CHECK(mmap((void *)0x7ffffffff000ul, 2 * PAGE, PROT_READ,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED,
	      "nothing past the top of user space");
}

/* ---- mremap, madvise, mincore, mlock ---- */

static void t_mremap_madvise(void)
{
	char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char vec[8] = { 0 };

	for (int i = 0; i < 4; i++)
		p[i * PAGE] = (char)('a' + i);
	char *q = mremap(p, 4 * PAGE, 2 * PAGE, 0);
	CHECK(q == p && p[PAGE] == 'b', "shrink in place");
	catch_faults();
	CHECK(touch(p + 3 * PAGE, 0) == SIGSEGV, "the tail is gone");
	/* A neighbour right after: growing must move. */
	mmap(p + 2 * PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(mremap(p, 2 * PAGE, 8 * PAGE, 0) == MAP_FAILED && errno == ENOMEM,
	      "no room and no MREMAP_MAYMOVE: ENOMEM");
	q = mremap(p, 2 * PAGE, 8 * PAGE, MREMAP_MAYMOVE);
	CHECK(q != MAP_FAILED && q != p && q[0] == 'a' && q[PAGE] == 'b' && q[5 * PAGE] == 0,
	      "moved and grown, contents kept");
	CHECK(touch(p, 0) == SIGSEGV, "the old place is unmapped");
	CHECK_ERR(mremap(p, PAGE, 2 * PAGE, MREMAP_MAYMOVE), EFAULT);
	CHECK(mincore(q, 8 * PAGE, vec) == 0 && vec[0] && vec[1] && !vec[4],
	      "mincore: %d %d %d", vec[0], vec[1], vec[4]);
	CHECK(madvise(q, 2 * PAGE, MADV_DONTNEED) == 0 && q[0] == 0 && q[PAGE] == 0,
	      "MADV_DONTNEED: private pages read back as zero");
	CHECK(mlock(q, 8 * PAGE) == 0 && mincore(q, 8 * PAGE, vec) == 0 && vec[7],
	      "mlock makes pages resident");
	long lck = -1;
	char line[64];
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		sscanf(line, "VmLck: %ld", &lck);
	if (f)
		fclose(f);
	CHECK(lck == 32, "counted as locked: VmLck %ld kB", lck);
	CHECK(munlock(q, 8 * PAGE) == 0, "munlock");
	/* Locking part of a region locks that part only. */
	CHECK(mlock(q + 2 * PAGE, PAGE) == 0, "mlock one page");
	lck = -1;
	f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		sscanf(line, "VmLck: %ld", &lck);
	if (f)
		fclose(f);
	CHECK(lck == 4, "VmLck %ld kB for one page", lck);
	CHECK(madvise(q, PAGE, MADV_DONTNEED) == 0, "the rest is not locked");
	/* mlockall locks region after region, and locking one merges it
	 * with a locked neighbour (q + 2 * PAGE here): the walk must not go
	 * on from a region the merge freed.  In a child: it locks every page. */
	pid_t pid = fork();
	if (pid == 0)
		_exit(mlockall(MCL_CURRENT) == 0 && munlockall() == 0 ? 0 : 1);
	CHECK(wait_status(pid) == 0, "mlockall across a locked page, munlockall");
	CHECK_ERR(madvise(q, PAGE, 12345), EINVAL);
	CHECK_ERR(mincore((void *)0x100000000ul, PAGE, vec), ENOMEM);
}

/* ---- brk edges (xv6's sbrk tests) ---- */

static void t_brk_edges(void)
{
	char *b = (char *)syscall(SYS_brk, 0);

	CHECK((char *)syscall(SYS_brk, 1) == b, "below the start: unchanged");
	CHECK((char *)syscall(SYS_brk, (void *)-1l) == b, "a huge break: unchanged");
	CHECK((char *)syscall(SYS_brk, b + (1 << 20)) == b + (1 << 20), "grow 1 MiB");
	/* read(), not stdio: malloc would move the break under the test. */
	char status[2048] = { 0 };
	int sfd = open("/proc/self/status", O_RDONLY);
	read(sfd, status, sizeof(status) - 1);
	close(sfd);
	char *pk = strstr(status, "VmPeak:"), *sz = strstr(status, "VmSize:");
	long peak = pk ? strtol(pk + 7, NULL, 10) : 0, size = sz ? strtol(sz + 7, NULL, 10) : 0;
	CHECK(size > 0 && peak >= size, "VmPeak %ld >= VmSize %ld kB", peak, size);
	int fd = open("/tests/hello", O_RDONLY);
	CHECK(read(fd, b + 4096, 100) == 100, "a syscall buffer in fresh heap memory");
	close(fd);
	catch_faults();
	CHECK(touch(b + (1 << 20) - 1, 1) == 0, "the last byte is there");
	CHECK(touch(b + (1 << 20) + PAGE, 0) == SIGSEGV, "past the break is not");
	syscall(SYS_brk, b);
	CHECK(touch(b + 4096, 0) == SIGSEGV, "shrunk: gone");
}

static void t_limits_and_counters(void)
{
	struct rlimit rl = { 64u << 20, 64u << 20 };
	char line[64];
	long pgfault = -1;
	FILE *f;

	CHECK(setrlimit(RLIMIT_AS, &rl) == 0, "RLIMIT_AS 64 MiB");
	CHECK(mmap(NULL, 128u << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
	      errno == ENOMEM, "a 128 MiB mapping is refused");
	char *b = (char *)syscall(SYS_brk, 0);
	CHECK((char *)syscall(SYS_brk, b + (128u << 20)) == b, "so is a 128 MiB heap");
	f = fopen("/proc/vmstat", "r");
	while (f && fgets(line, sizeof(line), f))
		sscanf(line, "pgfault %ld", &pgfault);
	if (f)
		fclose(f);
	CHECK(pgfault > 100, "/proc/vmstat counts page faults: %ld", pgfault);
}

/* The value of counter name in /proc/vmstat, or -1 if it is not there. */
static long vmstat(const char *name)
{
	char line[96], key[64];
	long v, found = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld", key, &v) == 2 && !strcmp(key, name))
			found = v;
	if (f)
		fclose(f);
	return found;
}

/* nr_tlb_*: an mprotect of a page in use flushes that page's translation
 * (invlpg: nr_tlb_local_flush_one); with one CPU no other CPU is asked. */
static void t_tlb_counters(void)
{
	long one0 = vmstat("nr_tlb_local_flush_one"), one1;
	char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(vmstat("nr_tlb_remote_flush") >= 0 &&
	      vmstat("nr_tlb_remote_flush_received") >= 0 &&
	      vmstat("nr_tlb_local_flush_all") >= 0 && one0 >= 0,
	      "/proc/vmstat has Linux's four nr_tlb_* counters");
	p[0] = 1;
	CHECK(mprotect(p, PAGE, PROT_READ) == 0, "mprotect a page in use");
	one1 = vmstat("nr_tlb_local_flush_one");
	CHECK(one1 > one0, "its translation was flushed: nr_tlb_local_flush_one %ld -> %ld",
	      one0, one1);
	munmap(p, PAGE);
}

/* One /proc/self/pagemap entry. */
static unsigned long long pagemap(const void *addr)
{
	unsigned long long e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	pread(fd, &e, sizeof(e), (off_t)((unsigned long)addr / PAGE) * 8);
	close(fd);
	return e;
}

static void t_pagemap(void)
{
	char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long long e;
	char buf[12];
	int fd;

	CHECK(pagemap(p) == 0, "untouched: not present");
	p[0] = 1;
	e = pagemap(p);
	CHECK((e >> 63) && (e & ((1ull << 55) - 1)) && (e >> 56 & 1) && !(e >> 61 & 1),
	      "touched: present, a frame number, exclusive, anonymous (%llx)", e);
	int pfd[2];
	unsigned long long child_e = 0;

	pipe(pfd);
	pid_t pid = fork();
	if (pid == 0) {
		unsigned long long c = pagemap(p);

		write(pfd[1], &c, sizeof(c));
		_exit(0);
	}
	read(pfd[0], &child_e, sizeof(child_e));
	wait_status(pid);
	CHECK((child_e & ((1ull << 55) - 1)) == (e & ((1ull << 55) - 1)) && !(child_e >> 56 & 1),
	      "after fork the child maps the same frame, no longer exclusive (%llx)", child_e);
	p[0] = 2; /* the parent's write: copy-on-write */
	CHECK((pagemap(p) & ((1ull << 55) - 1)) != (e & ((1ull << 55) - 1)) ||
	      (pagemap(p) >> 56 & 1), "after a write the parent's page is its own");
	fd = open("/proc/self/pagemap", O_RDONLY);
	CHECK(pread(fd, buf, 12, 0) == -1 && errno == EINVAL, "12 bytes: EINVAL");
	CHECK(pread(fd, buf, 8, 4) == -1 && errno == EINVAL, "offset 4: EINVAL");
	close(fd);
}

/* ---- Pintos-style workloads ---- */

static unsigned checksum(const unsigned char *p, size_t n)
{
	unsigned s = 0;

	for (size_t i = 0; i < n; i++)
		s = s * 31 + p[i];
	return s;
}

static void t_page_linear(void)
{
	size_t n = 2u << 20;
	unsigned char *p = malloc(n);

	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 7);
	int ok = 1;
	for (size_t i = 0; i < n; i++)
		ok &= p[i] == (unsigned char)(i * 7);
	CHECK(ok, "2 MiB written and read back linearly");
	free(p);
}

static void t_page_parallel(void)
{
	pid_t pids[4];
	int ok = 0;

	for (int k = 0; k < 4; k++) {
		pids[k] = fork();
		if (pids[k] == 0) {
			size_t n = 8u << 20;
			unsigned char *p = malloc(n);

			for (size_t i = 0; i < n; i++)
				p[i] = (unsigned char)(i ^ (unsigned)k);
			unsigned a = checksum(p, n), b = checksum(p, n);
			_exit(a == b && p[n - 1] == (unsigned char)((n - 1) ^ (unsigned)k) ? 0 : 1);
		}
	}
	for (int k = 0; k < 4; k++)
		ok += WEXITSTATUS(wait_status(pids[k])) == 0;
	CHECK(ok == 4, "4 processes each touching 8 MiB at once: %d ok", ok);
}

static void merge(int *a, int *tmp, int n)
{
	int m = n / 2, i = 0, j = m, k = 0;

	while (i < m && j < n)
		tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
	while (i < m)
		tmp[k++] = a[i++];
	while (j < n)
		tmp[k++] = a[j++];
	memcpy(a, tmp, (size_t)n * sizeof(int));
}

static void t_page_merge(void)
{
	int n = 1 << 18, *a = mmap(NULL, (size_t)n * sizeof(int), PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int *tmp = malloc((size_t)n * sizeof(int));
	unsigned seed = 1;

	for (int i = 0; i < n; i++)
		a[i] = (int)((seed = seed * 1103515245 + 12345) >> 8);
	/* Four children sort a quarter each (in the shared mapping)... */
	pid_t pids[4];
	for (int k = 0; k < 4; k++) {
		pids[k] = fork();
		if (pids[k] == 0) {
			int *part = a + k * (n / 4), cnt = n / 4;

			for (int w = 1; w < cnt; w *= 2)
				for (int s = 0; s + w < cnt; s += 2 * w)
					merge(part + s, tmp, 2 * w < cnt - s ? 2 * w : cnt - s);
			_exit(0);
		}
	}
	for (int k = 0; k < 4; k++)
		wait_status(pids[k]);
	/* ...and the parent merges the quarters. */
	merge(a, tmp, n / 2);
	merge(a + n / 2, tmp, n / 2);
	merge(a, tmp, n);
	int sorted = 1;
	for (int i = 1; i < n; i++)
		sorted &= a[i - 1] <= a[i];
	CHECK(sorted, "merge sort of 256 Ki numbers in 4 child processes");
	free(tmp);
}

static void t_page_shuffle(void)
{
	size_t n = 4u << 20;
	unsigned char *p = malloc(n);
	unsigned seed = 7, before, after;

	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)i;
	before = 0;
	for (size_t i = 0; i < n; i++)
		before += p[i];
	for (size_t i = 0; i < n; i++) {
		size_t j = (seed = seed * 1103515245 + 12345) % n;
		unsigned char t = p[i];

		p[i] = p[j];
		p[j] = t;
	}
	after = 0;
	for (size_t i = 0; i < n; i++)
		after += p[i];
	CHECK(before == after, "4 MiB shuffled at random keeps its sum");
	free(p);
}

static void run_all(void)
{
	RUN(t_cow_both_ways);
	RUN(t_tlb_counters);
	RUN(t_shared_anonymous);
	RUN(t_file_private_and_shared);
	RUN(t_file_sigbus);
	RUN(t_dev_zero_and_shm);
	RUN(t_lazy);
	RUN(t_stack_growth);
	RUN(t_stack_guard_gap);
	RUN(t_nx_and_jit);
	RUN(t_split_and_merge);
	RUN(t_brk_edges);
	RUN(t_mremap_madvise);
	RUN(t_limits_and_counters);
	RUN(t_pagemap);
	RUN(t_page_linear);
	RUN(t_page_parallel);
	RUN(t_page_merge);
	RUN(t_page_shuffle);
}

int main(void)
{
	printf("TAP version 13\n");
	leak_checked_twice(run_all, NULL);
	return tap_done();
}
