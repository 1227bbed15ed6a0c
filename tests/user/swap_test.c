/*
 * tests/user/swap_test.c - page replacement and swap as user space sees
 * them (issue 8), on a machine with less memory than the programs use.
 * Run as init by the harness (run.py's user-swap) with -m 64M and one
 * fresh 256 MiB disk: busybox's mkswap prepares /dev/vda and this program
 * turns it on.  The Pintos workloads sized beyond RAM (page-linear,
 * page-parallel, page-merge, page-shuffle), then copy-on-write and shared
 * pages that go out and come back (also after the child moved them with
 * mremap), mlock, swapoff with pages in use and
 * without room for them, vmtrace's lines.  After each case every swap
 * slot must be free again and the kernel's memory as it was.  TAP on the
 * console; "# " lines carry the measurements.
 */
#define _GNU_SOURCE
#define _GNU_SOURCE
#include "tap.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/swap.h>
#include <time.h>

#define PAGE 4096UL
#define MiB (1UL << 20)
#define WORDS (PAGE / sizeof(uint64_t))
#define RAM_KB (64L * 1024)
/* What pressure() writes: more than RAM, so idle pages go out (--quick:
 * less, with cow_len smaller too: still more than the RAM left). */
static size_t pressure_len = 96 * MiB;
#define PR_VMOS_VMTRACE 0x564d5452 /* kernel/sys.c */

#define PM_PRESENT (1ULL << 63)
#define PM_SWAPPED (1ULL << 62)
#define PM_SWAP_TYPE(w) ((w) & 0x1f)
#define PM_SWAP_OFFSET(w) (((w) >> 5) & ((1ULL << 50) - 1))

/* ---- reading /proc ---- */

/* field - the number after "name" (which includes its ':' or ' ') in
 * path; -1 if missing. */
static long field(const char *path, const char *name)
{
	return text_field(slurp(path), name);
}

static long vmstat(const char *name) { return field("/proc/vmstat", name); }

/* status_kb - "name:" of /proc/PID/status (0: self), in kB. */
static long status_kb(pid_t pid, const char *name)
{
	char path[64], key[32];

	snprintf(path, sizeof(path), pid ? "/proc/%d/status" : "/proc/self/status", pid);
	snprintf(key, sizeof(key), "%s:", name);
	return field(path, key);
}

/* smaps_kb - "name:" of the smaps entry of the region starting at addr. */
static long smaps_kb(const void *addr, const char *name)
{
	char head[32], key[32];
	const char *text = slurp("/proc/self/smaps"), *p, *end;
	size_t n;

	snprintf(head, sizeof(head), "%lx-", (unsigned long)addr);
	snprintf(key, sizeof(key), "\n%s:", name);
	p = strstr(text, head);
	if (!p)
		return -1;
	end = strstr(p + 1, "VmFlags:");
	n = strlen(key);
	p = strstr(p, key);
	return p && (!end || p < end) ? strtol(p + n, NULL, 10) : -1;
}

/* pagemap - the pagemap word of each of n pages from addr, into words. */
static int pagemap(const void *addr, size_t n, uint64_t *words)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	off_t off = (off_t)((uintptr_t)addr / PAGE) * 8;
	ssize_t got = fd < 0 ? -1 : pread(fd, words, n * 8, off);

	if (fd >= 0)
		close(fd);
	return got == (ssize_t)(n * 8) ? 0 : -1;
}

static long majflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_majflt;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* ---- memory with a pattern ---- */

static char *map_anon(size_t len, int flags)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* page_key - the first word of page i under seed; word k is key + k. */
static uint64_t page_key(uint64_t seed, size_t i)
{
	uint64_t x = (seed + 1) * 0x9e3779b97f4a7c15ULL ^ (i * 0xbf58476d1ce4e5b9ULL);

	return x ^ (x >> 31);
}

static void fill_page(char *p, uint64_t seed, size_t i)
{
	uint64_t *w = (uint64_t *)p, key = page_key(seed, i);

	for (size_t k = 0; k < WORDS; k++)
		w[k] = key + k;
}

static int page_ok(const char *p, uint64_t seed, size_t i)
{
	const uint64_t *w = (const uint64_t *)p;
	uint64_t key = page_key(seed, i);

	for (size_t k = 0; k < WORDS; k++)
		if (w[k] != key + k)
			return 0;
	return 1;
}

static void fill(char *p, size_t len, uint64_t seed)
{
	for (size_t i = 0; i < len / PAGE; i++)
		fill_page(p + i * PAGE, seed, i);
}

/* verify - how many pages of [p, p + len) do not hold seed's pattern. */
static size_t verify(const char *p, size_t len, uint64_t seed)
{
	size_t bad = 0;

	for (size_t i = 0; i < len / PAGE; i++)
		bad += !page_ok(p + i * PAGE, seed, i);
	return bad;
}

/* ---- processes ---- */

/* pressure - a process that writes len bytes of its own and exits: the
 * idle pages of everyone else go to swap.  Returns its exit status. */
static int pressure(size_t len)
{
	int status = -1;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *p = map_anon(len, MAP_PRIVATE);

		if (!p)
			_exit(2);
		for (size_t off = 0; off < len; off += PAGE)
			p[off] = 1;
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

/* A one-byte signal between two processes. */
struct chan {
	int to_child[2], to_parent[2];
};

static void say(int fd) { (void)!write(fd, "x", 1); }
static int heard(int fd)
{
	char c;

	return read(fd, &c, 1) == 1;
}

/* wait_ok - reap pid: 1 if it exited 0. */
static int wait_ok(pid_t pid)
{
	int status;

	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

/* swapped_pages - how many of n pages from p pagemap shows in swap; the
 * first such word in *first (0 if none). */
static size_t swapped_pages(const void *p, size_t n, uint64_t *first)
{
	static uint64_t words[8192];
	size_t count = 0;

	*first = 0;
	if (n > 8192 || pagemap(p, n, words))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (words[i] & PM_SWAPPED) {
			count++;
			if (!*first)
				*first = words[i];
		}
	return count;
}

/* ---- the cases ---- */

/* Pintos page-linear: 160 MiB, written then read back in order. */
static void t_page_linear(void)
{
	const size_t len = 160 * MiB;
	char *p = map_anon(len, MAP_PRIVATE);
	long max_rss = 0, swap_kb, faults, outs, ins;
	long kswapd_steal, kswapd_scan, direct_steal;
	double t0, t_write, t_verify;

	CHECK(p, "mmap 160 MiB");
	if (!p)
		return;
	outs = vmstat("pswpout ");
	kswapd_steal = vmstat("pgsteal_kswapd ");
	kswapd_scan = vmstat("pgscan_kswapd ");
	direct_steal = vmstat("pgsteal_direct ");
	t0 = now();
	for (size_t i = 0; i < len / PAGE; i++) {
		fill_page(p + i * PAGE, 1, i);
		if (i % 4096 == 4095) {
			long rss = status_kb(0, "VmRSS");
			max_rss = rss > max_rss ? rss : max_rss;
		}
	}
	t_write = now() - t0;
	outs = vmstat("pswpout ") - outs;
	/* kswapd0 reclaims between the faults (issue 14): it must have done
	 * some of the eviction, the faults' own (direct) reclaim the rest. */
	kswapd_steal = vmstat("pgsteal_kswapd ") - kswapd_steal;
	kswapd_scan = vmstat("pgscan_kswapd ") - kswapd_scan;
	direct_steal = vmstat("pgsteal_direct ") - direct_steal;
	CHECK(kswapd_scan > 0 && kswapd_steal > 0, "kswapd0 looked at %ld pages and "
	      "evicted %ld while 160 MiB were written", kswapd_scan, kswapd_steal);
	printf("# page-linear: evicted by kswapd0 %ld pages (%ld looked at), "
	       "by the faults themselves %ld\n", kswapd_steal, kswapd_scan, direct_steal);
	swap_kb = status_kb(0, "VmSwap");
	CHECK(swap_kb > RAM_KB, "VmSwap %ld kB after writing 160 MiB", swap_kb);
	CHECK(max_rss > 0 && max_rss < RAM_KB, "VmRSS up to %ld kB while written", max_rss);
	faults = majflt();
	ins = vmstat("pswpin ");
	t0 = now();
	CHECK(verify(p, len, 1) == 0, "160 MiB read back");
	t_verify = now() - t0;
	faults = majflt() - faults;
	ins = vmstat("pswpin ") - ins;
	CHECK(faults > 0, "%ld major faults in the verify", faults);
	printf("# page-linear: wrote 160 MiB in %.2f s, %ld pages out: swap-out %.1f MiB/s\n",
	       t_write, outs, outs * 4.0 / 1024 / t_write);
	printf("# page-linear: verified in %.2f s, %ld pages in, %ld major faults: "
	       "swap-in %.1f MiB/s, %.0f us per major fault\n", t_verify, ins, faults,
	       ins * 4.0 / 1024 / t_verify, faults ? t_verify * 1e6 / faults : 0.0);
	printf("# page-linear: peak VmRSS %ld kB, VmSwap %ld kB after the write\n",
	       max_rss, swap_kb);
	munmap(p, len);
}

/* page-parallel's worker: 48 MiB of its own, written, then (when all
 * have written) verified. */
static void parallel_worker(int n, int start_fd)
{
	const size_t len = 48 * MiB;
	char *p = map_anon(len, MAP_PRIVATE);

	if (!p)
		_exit(2);
	fill(p, len, 100 + n);
	heard(start_fd);
	_exit(verify(p, len, 100 + n) ? 1 : 0);
}

/* Pintos page-parallel: 4 processes of 48 MiB each at once. */
static void t_page_parallel(void)
{
	pid_t pids[4];
	int go[2], ok = 0;

	CHECK(pipe(go) == 0, "pipe");
	fflush(stdout);
	for (int n = 0; n < 4; n++) {
		pids[n] = fork();
		if (pids[n] == 0) {
			close(go[1]);
			parallel_worker(n, go[0]);
		}
	}
	close(go[0]);
	/* Each worker reads one byte once it has written its memory. */
	for (int n = 0; n < 4; n++)
		say(go[1]);
	close(go[1]);
	for (int n = 0; n < 4; n++)
		ok += pids[n] > 0 && wait_ok(pids[n]);
	CHECK(ok == 4, "%d of 4 processes verified their 48 MiB", ok);
}

/* xorshift64: page-merge's and page-shuffle's pseudo-random numbers. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

#define MERGE_LEN (96 * MiB)
#define MERGE_PART (MERGE_LEN / 4)

/* merge_child - counting-sort its quarter in place (copy-on-write makes
 * it private), check it is sorted, send the byte counts up the pipe. */
static void merge_child(unsigned char *q, int fd)
{
	uint64_t count[256] = { 0 };
	size_t at = 0;

	for (size_t i = 0; i < MERGE_PART; i++)
		count[q[i]]++;
	for (int b = 0; b < 256; b++) {
		memset(q + at, b, count[b]);
		at += count[b];
	}
	for (size_t i = 1; i < MERGE_PART; i++)
		if (q[i - 1] > q[i])
			_exit(1);
	_exit(write(fd, count, sizeof(count)) == sizeof(count) ? 0 : 3);
}

/* Pintos page-merge-par: 96 MiB of random bytes, 4 children each sort a
 * quarter through copy-on-write; the parent's data stays as it was and
 * each child's counts match the parent's quarter. */
static void t_page_merge(void)
{
	static uint64_t want[4][256], got[4][256];
	unsigned char *p = (unsigned char *)map_anon(MERGE_LEN, MAP_PRIVATE);
	uint64_t s = 12345, bad = 0;
	int fds[4][2], ok = 0;
	pid_t pids[4];

	CHECK(p, "mmap 96 MiB");
	if (!p)
		return;
	for (size_t i = 0; i < MERGE_LEN / 8; i++)
		((uint64_t *)p)[i] = next_random(&s);
	fflush(stdout);
	for (int n = 0; n < 4; n++) {
		CHECK(pipe(fds[n]) == 0, "pipe");
		pids[n] = fork();
		if (pids[n] == 0)
			merge_child(p + n * MERGE_PART, fds[n][1]);
		close(fds[n][1]);
	}
	for (int n = 0; n < 4; n++) {
		ok += read(fds[n][0], got[n], sizeof(got[n])) == sizeof(got[n]) &&
		      wait_ok(pids[n]);
		close(fds[n][0]);
	}
	CHECK(ok == 4, "%d of 4 children sorted their quarter", ok);
	s = 12345;
	for (size_t i = 0; i < MERGE_LEN / 8; i++)
		bad += ((uint64_t *)p)[i] != next_random(&s);
	CHECK(bad == 0, "the parent's 96 MiB changed in %lu words", (unsigned long)bad);
	for (size_t i = 0; i < MERGE_LEN; i++)
		want[i / MERGE_PART][p[i]]++;
	CHECK(!memcmp(want, got, sizeof(want)), "the children's counts match the parent's data");
	munmap(p, MERGE_LEN);
}

/* Pintos page-shuffle: 96 MiB of 32-bit numbers 0..n-1, then the last
 * SHUFFLE_STEPS steps of a Fisher-Yates shuffle (each swaps with a random
 * element: random pages); still a permutation afterwards. */
#define SHUFFLE_STEPS 5000
static void t_page_shuffle(void)
{
	const size_t len = 96 * MiB, n = len / 4;
	uint32_t *a = (uint32_t *)map_anon(len, MAP_PRIVATE);
	uint8_t *seen = (uint8_t *)map_anon(n / 8, MAP_PRIVATE);
	size_t moved = 0, dup = 0;
	uint64_t s = 777;
	double t0;
	long faults;

	CHECK(a && seen, "mmap");
	if (!a || !seen)
		return;
	for (size_t i = 0; i < n; i++)
		a[i] = i;
	faults = majflt();
	t0 = now();
	for (size_t i = n - 1; i > n - 1 - SHUFFLE_STEPS; i--) {
		size_t j = next_random(&s) % (i + 1);
		uint32_t t = a[i];

		a[i] = a[j];
		a[j] = t;
	}
	printf("# page-shuffle: %d random swaps in %.2f s, %ld major faults\n",
	       SHUFFLE_STEPS, now() - t0, majflt() - faults);
	for (size_t i = 0; i < n; i++) {
		moved += a[i] != i;
		dup += a[i] >= n || (seen[a[i] / 8] & (1 << a[i] % 8));
		if (a[i] < n)
			seen[a[i] / 8] |= 1 << a[i] % 8;
	}
	CHECK(dup == 0, "%zu numbers out of range or seen twice", dup);
	CHECK(moved > 0 && moved <= 2 * SHUFFLE_STEPS, "%zu numbers moved", moved);
	munmap(a, len);
	munmap(seen, n / 8);
}

static size_t cow_len = 32 * MiB; /* --quick: 8 MiB */
#define SHARED_LEN (2 * MiB) /* t_swapoff_in_use's shared memory */
#define SYSV_LEN (1 * MiB)   /* and each of its two segments */

/* map_filled - len bytes of anonymous memory (flags: MAP_PRIVATE or
 * MAP_SHARED) filled with seed's pattern, and c's pipes, ready to fork;
 * NULL (a failed check) if either cannot be made. */
static char *map_filled(size_t len, int flags, int seed, struct chan *c)
{
	char *p = map_anon(len, flags);

	CHECK(p && !pipe(c->to_child) && !pipe(c->to_parent), "mmap, pipes");
	if (p) {
		fill(p, len, seed);
		fflush(stdout);
	}
	return p;
}

/* cow_child - the child's side of cow-swapped; steps come through c. */
static void cow_child(char *p, struct chan *c)
{
	int r = 0;

	r |= verify(p, cow_len, 7) != 0;          /* 1: read while shared */
	say(c->to_parent[1]);
	heard(c->to_child[0]);                     /* 2: after pressure */
	r |= verify(p, cow_len, 7) != 0;
	say(c->to_parent[1]);
	heard(c->to_child[0]);                     /* 3: after pressure again */
	fill(p, cow_len, 8);                       /* writes to swapped pages */
	say(c->to_parent[1]);
	heard(c->to_child[0]);                     /* 4: the parent wrote */
	r |= verify(p, cow_len, 8) != 0;
	_exit(r);
}

/* cow_swapped_state - after pressure: the parent's shared pages are in
 * swap (VmSwap, pagemap bit 62, area 0), and shared by two (SwapPss). */
static void cow_swapped_state(char *p)
{
	uint64_t first;
	size_t n = swapped_pages(p, cow_len / PAGE, &first);
	long swap = smaps_kb(p, "Swap"), pss = smaps_kb(p, "SwapPss");

	CHECK(status_kb(0, "VmSwap") > 0, "VmSwap %ld kB", status_kb(0, "VmSwap"));
	CHECK(n > 0, "pagemap shows %zu of the shared pages in swap", n);
	CHECK(n == 0 || (PM_SWAP_TYPE(first) == 0 && PM_SWAP_OFFSET(first) > 0 &&
			 !(first & PM_PRESENT)),
	      "pagemap word %llx: type %llu, offset %llu", (unsigned long long)first,
	      (unsigned long long)PM_SWAP_TYPE(first),
	      (unsigned long long)PM_SWAP_OFFSET(first));
	CHECK(swap == (long)n * 4, "smaps Swap %ld kB for %zu pages", swap, n);
	CHECK(swap > 0 && pss * 2 >= swap - 4 && pss * 2 <= swap + 4,
	      "SwapPss %ld kB is not half of Swap %ld kB", pss, swap);
	printf("# cow-swapped: %zu shared pages in swap, Swap %ld kB, SwapPss %ld kB\n",
	       n, swap, pss);
}

/* A private page shared after fork, swapped out, comes back shared:
 * both read it, and copy-on-write still separates their writes. */
static void t_cow_swapped(void)
{
	char *p;
	struct chan c;
	pid_t pid;

	p = map_filled(cow_len, MAP_PRIVATE, 7, &c);
	if (!p)
		return;
	pid = fork();
	if (pid == 0)
		cow_child(p, &c);
	heard(c.to_parent[0]);
	CHECK(verify(p, cow_len, 7) == 0, "parent reads its data while shared");
	CHECK(pressure(pressure_len) == 0, "pressure");
	cow_swapped_state(p);
	CHECK(verify(p, cow_len, 7) == 0, "parent reads it back from swap");
	say(c.to_child[1]);
	heard(c.to_parent[0]);
	CHECK(pressure(pressure_len) == 0, "pressure");
	say(c.to_child[1]);
	heard(c.to_parent[0]);
	CHECK(verify(p, cow_len, 7) == 0, "parent still sees its data after the child wrote");
	fill(p, cow_len, 9);
	say(c.to_child[1]);
	CHECK(wait_ok(pid), "child read its data back and kept its own writes");
	CHECK(verify(p, cow_len, 9) == 0, "parent sees its own writes");
	munmap(p, cow_len);
}

/* A private page shared after fork whose mapping the child moves with
 * mremap: the parent maps it at the old address, the child at the new
 * one (the reverse map keeps an item for that: the family's address is
 * the old one).  Eviction finds both, both read it back from swap, and
 * copy-on-write still separates their writes. */
static void t_cow_mremap_swapped(void)
{
	size_t len = 4 * MiB;
	char *p;
	struct chan c;
	uint64_t first;
	pid_t pid;

	p = map_filled(len, MAP_PRIVATE, 30, &c);
	if (!p)
		return;
	pid = fork();
	if (pid == 0) {
		/* a new place: reserve it, then move over it */
		char *to = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		char *q = to == MAP_FAILED ? MAP_FAILED :
			  mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, to);
		int r = q == MAP_FAILED || q == p;

		say(c.to_parent[1]);
		heard(c.to_child[0]);
		if (!r)
			r |= (swapped_pages(q, len / PAGE, &first) == 0) << 1;
		if (!r)
			r |= (verify(q, len, 30) != 0) << 2;
		if (!r) {
			fill(q, len, 31);
			r |= (verify(q, len, 31) != 0) << 3;
		}
		_exit(r);
	}
	heard(c.to_parent[0]);
	CHECK(pressure(pressure_len) == 0, "pressure");
	CHECK(swapped_pages(p, len / PAGE, &first) > 0, "the parent's pages in swap");
	say(c.to_child[1]);
	CHECK(wait_ok(pid), "the child found its moved pages in swap, read and wrote them");
	CHECK(verify(p, len, 30) == 0, "the parent reads its data back from swap");
	munmap(p, len);
}

/* A MAP_SHARED | MAP_ANONYMOUS page swapped out is one page for both:
 * the child's writes after swap-in show in the parent, and back. */
static void t_shared_swapped(void)
{
	char *p;
	struct chan c;
	uint64_t first;
	pid_t pid;

	p = map_filled(cow_len, MAP_SHARED, 20, &c);
	if (!p)
		return;
	pid = fork();
	if (pid == 0) {
		heard(c.to_child[0]);
		fill(p, cow_len, 21);
		say(c.to_parent[1]);
		heard(c.to_child[0]);
		_exit(verify(p, cow_len, 22) != 0);
	}
	CHECK(pressure(pressure_len) == 0, "pressure");
	CHECK(swapped_pages(p, cow_len / PAGE, &first) > 0, "shared pages in swap");
	say(c.to_child[1]);
	heard(c.to_parent[0]);
	CHECK(verify(p, cow_len, 21) == 0, "parent sees the child's writes");
	CHECK(pressure(pressure_len) == 0, "pressure");
	fill(p, cow_len, 22);
	say(c.to_child[1]);
	CHECK(wait_ok(pid), "child sees the parent's writes");
	munmap(p, cow_len);
}

/* mlock'ed pages stay resident under pressure; the process's other
 * memory goes to swap. */
static void t_mlock(void)
{
	static uint64_t words[4 * MiB / PAGE];
	const size_t locked_len = 4 * MiB, free_len = 16 * MiB;
	char *locked = map_anon(locked_len, MAP_PRIVATE);
	char *other = map_anon(free_len, MAP_PRIVATE);
	size_t absent = 0;
	uint64_t first;

	CHECK(locked && other, "mmap");
	if (!locked || !other)
		return;
	fill(locked, locked_len, 30);
	fill(other, free_len, 31);
	CHECK(mlock(locked, locked_len) == 0, "mlock 4 MiB");
	CHECK(pressure(pressure_len) == 0, "pressure");
	CHECK(pagemap(locked, locked_len / PAGE, words) == 0, "read pagemap");
	for (size_t i = 0; i < locked_len / PAGE; i++)
		absent += (words[i] & (PM_PRESENT | PM_SWAPPED)) != PM_PRESENT;
	CHECK(absent == 0, "%zu locked pages not present", absent);
	CHECK(smaps_kb(locked, "Swap") == 0 && smaps_kb(locked, "Locked") == 4096,
	      "locked region: Swap %ld kB, Locked %ld kB", smaps_kb(locked, "Swap"),
	      smaps_kb(locked, "Locked"));
	CHECK(swapped_pages(other, free_len / PAGE, &first) > 0 &&
	      smaps_kb(other, "Swap") > 0, "the unlocked 16 MiB went to swap (Swap %ld kB)",
	      smaps_kb(other, "Swap"));
	CHECK(verify(locked, locked_len, 30) == 0 && verify(other, free_len, 31) == 0,
	      "both read back");
	munmap(locked, locked_len);
	munmap(other, free_len);
}

/* Linux: "Memory locks are not inherited by a child created via fork". */
static void t_mlock_not_inherited(void)
{
	char *locked = map_anon(PAGE, MAP_PRIVATE);
	pid_t pid;

	CHECK(locked && mlock(locked, PAGE) == 0, "mlock a page");
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(status_kb(0, "VmLck") != 0);
	CHECK(wait_ok(pid), "the child of an mlock'ing process has VmLck 0");
	munmap(locked, PAGE);
}

/* hold - a child that writes len bytes with seed's pattern, says so,
 * and verifies them when told to: exit 0 if they were intact. */
static pid_t hold(size_t len, uint64_t seed, struct chan *c)
{
	pid_t pid;

	if (pipe(c->to_child) || pipe(c->to_parent))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *p = map_anon(len, MAP_PRIVATE);

		if (!p)
			_exit(2);
		fill(p, len, seed);
		say(c->to_parent[1]);
		heard(c->to_child[0]);
		_exit(verify(p, len, seed) != 0);
	}
	heard(c->to_parent[0]);
	return pid;
}

static long swaps_used_kb(void)
{
	const char *line = strstr(slurp("/proc/swaps"), "/dev/vda");
	long size = -1, used = -1;

	if (line && sscanf(line, "/dev/vda %*s %ld %ld", &size, &used) != 2)
		used = -1;
	return used;
}

/* sysvipc_swap - the swap column (bytes) of segment id in
 * /proc/sysvipc/shm, or -1. */
static long sysvipc_swap(int id)
{
	const char *text = slurp("/proc/sysvipc/shm");

	for (const char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		unsigned long rss, swap;
		int key, shmid;

		if (sscanf(line, "%d %d %*o %*u %*d %*d %*u %*u %*u %*u %*u %*d %*d %*d %lu %lu",
			   &key, &shmid, &rss, &swap) == 4 && shmid == id)
			return (long)swap;
	}
	return -1;
}

/* swapoff with pages in use brings them all back first: also those that
 * only the object behind shared anonymous memory holds (MADV_DONTNEED
 * drops the entries, as on Linux, and the object keeps the pages).  A
 * System V segment's pages go to swap too, unless it is SHM_LOCKed. */
static void t_swapoff_in_use(void)
{
	char *shared = map_anon(SHARED_LEN, MAP_SHARED);
	int seg = shmget(IPC_PRIVATE, SYSV_LEN, 0600);
	int locked_seg = shmget(IPC_PRIVATE, SYSV_LEN, 0600);
	char *sysv = shmat(seg, NULL, 0), *locked = shmat(locked_seg, NULL, 0);
	struct chan c;
	pid_t pid;
	uint64_t first;

	CHECK(shared != NULL && sysv != (void *)-1 && locked != (void *)-1,
	      "mmap shared, shmat two segments");
	if (!shared || sysv == (void *)-1 || locked == (void *)-1)
		return;
	CHECK(shmctl(locked_seg, SHM_LOCK, NULL) == 0, "SHM_LOCK one");
	fill(shared, SHARED_LEN, 41);
	fill(sysv, SYSV_LEN, 42);
	fill(locked, SYSV_LEN, 43);
	/* 36 MiB in all: swapoff must fit every page back into RAM (53 MB on
	 * the checked kernel at -m 64M, whose image is the larger) beside the
	 * kernel's own, the shell and kswapd's high watermark. */
	pid = hold(36 * MiB - SHARED_LEN - 2 * SYSV_LEN, 40, &c);
	CHECK(pid > 0, "a child holding 32 MiB");
	CHECK(pressure(pressure_len) == 0, "pressure");
	CHECK(swaps_used_kb() > 0, "/proc/swaps Used %ld kB", swaps_used_kb());
	CHECK(status_kb(pid, "VmSwap") > 0, "the child's VmSwap %ld kB",
	      status_kb(pid, "VmSwap"));
	CHECK(swapped_pages(shared, SHARED_LEN / PAGE, &first) > 0, "shared pages in swap");
	CHECK(swapped_pages(sysv, SYSV_LEN / PAGE, &first) > 0 && sysvipc_swap(seg) > 0,
	      "System V pages in swap (/proc/sysvipc/shm: %ld bytes)", sysvipc_swap(seg));
	CHECK(swapped_pages(locked, SYSV_LEN / PAGE, &first) == 0,
	      "none of the SHM_LOCKed segment's");
	CHECK(madvise(shared, SHARED_LEN, MADV_DONTNEED) == 0 &&
	      swapped_pages(shared, SHARED_LEN / PAGE, &first) == 0,
	      "MADV_DONTNEED: no entry holds their slots, the object does");
	CHECK(swapoff("/dev/vda") == 0, "swapoff /dev/vda with pages in use");
	CHECK(status_kb(pid, "VmSwap") == 0 && meminfo_kb("SwapTotal:") == 0,
	      "after swapoff: the child's VmSwap %ld kB, SwapTotal %ld kB",
	      status_kb(pid, "VmSwap"), meminfo_kb("SwapTotal:"));
	CHECK(verify(shared, SHARED_LEN, 41) == 0 && verify(sysv, SYSV_LEN, 42) == 0 &&
	      verify(locked, SYSV_LEN, 43) == 0, "the shared pages are all there");
	munmap(shared, SHARED_LEN);
	shmdt(sysv);
	shmdt(locked);
	shmctl(seg, IPC_RMID, NULL);
	shmctl(locked_seg, IPC_RMID, NULL);
	say(c.to_child[1]);
	CHECK(wait_ok(pid), "the child's 32 MiB read back intact");
	CHECK(swapon("/dev/vda", 0) == 0, "swapon again");
}

/* touch_new_page - one page fault on a fresh page (which reclaims when
 * memory is low), then give the page back. */
static void touch_new_page(void)
{
	char *p = map_anon(PAGE, MAP_PRIVATE);

	if (p) {
		p[0] = 1;
		munmap(p, PAGE);
	}
}

/* swapoff without room for what is in swap: ENOMEM, the area stays on,
 * nothing is lost. */
static void t_swapoff_no_room(void)
{
	struct chan c;
	pid_t pid = hold(96 * MiB, 41, &c);
	long used = swaps_used_kb(), total, outs;

	CHECK(pid > 0, "a child holding 96 MiB");
	CHECK(used > 32 * 1024, "/proc/swaps Used %ld kB", used);
	CHECK_ERR(swapoff("/dev/vda"), ENOMEM);
	/* swap_unuse() stopped when memory ran out: free memory is gone,
	 * and only a page fault reclaims.  A system call must still work. */
	used = swaps_used_kb();
	CHECK(used > 0, "right after the failed swapoff, /proc/swaps gives Used %ld kB", used);
	touch_new_page();
	used = swaps_used_kb();
	total = meminfo_kb("SwapTotal:");
	CHECK(used > 0 && total > 0, "the area is still on: Used %ld kB, SwapTotal %ld kB",
	      used, total);
	outs = vmstat("pswpout ");
	CHECK(pressure(pressure_len) == 0 && vmstat("pswpout ") > outs,
	      "the area still takes pages: pswpout %ld -> %ld", outs, vmstat("pswpout "));
	say(c.to_child[1]);
	CHECK(wait_ok(pid), "the child's 96 MiB read back intact");
	if (meminfo_kb("SwapTotal:") == 0)
		swapon("/dev/vda", 0);
}

/* vmtrace: a traced process's evictions and swap-ins are logged. */
/*
 * A process whose pages come back from swap sleeps while the disk reads
 * (and while its own reclaim writes): each of its major faults is a
 * voluntary switch, and this runner, on the same one CPU, runs meanwhile
 * and can see it in state D, waiting in the disk driver.  A kernel that
 * kept the CPU for swap's disk requests (vmos until issue 18) made no
 * switch at all (1269 major faults, 0 voluntary switches).
 */
static void t_swap_io_sleeps(void)
{
	const size_t len = 64 * MiB;
	long looks = 0, in_d = 0, blocked = 0, in_driver = 0, ins = vmstat("pswpin ");
	char wchan[64] = "", path[64], buf[64];
	/* the child's own counts, written before it exits */
	struct rusage *ru = (struct rusage *)map_anon(PAGE, MAP_SHARED);
	int status;
	pid_t pid;

	CHECK(ru, "mmap");
	if (!ru)
		return;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *p = map_anon(len, MAP_PRIVATE);

		if (!p)
			_exit(2);
		fill(p, len, 60);
		if (verify(p, len, 60))
			_exit(3);
		getrusage(RUSAGE_SELF, ru);
		_exit(0);
	}
	snprintf(path, sizeof(path), "/proc/%d/wchan", pid);
	while (waitpid(pid, &status, WNOHANG) == 0) {
		looks++;
		if (proc_state(pid) != 'D')
			continue;
		in_d++;
		blocked += text_field(slurp("/proc/stat"), "procs_blocked") > 0;
		/* Where it sleeps: for the disk, or for the reclaim mutex
		 * while kswapd0's writes are out (shrink). */
		if (read_text(path, buf, sizeof(buf)) > 0 && strcmp(buf, "0")) {
			in_driver += strstr(buf, "virtio_blk") != NULL;
			if (!wchan[0] || strstr(buf, "virtio_blk"))
				snprintf(wchan, sizeof(wchan), "%s", buf);
		}
	}
	printf("# swap-io-sleeps: %ld looks, the child in D %ld times (procs_blocked "
	       "%ld), %ld of them in the disk driver (wchan '%s'), %ld pages read "
	       "back\n", looks, in_d, blocked, in_driver, wchan,
	       vmstat("pswpin ") - ins);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "64 MiB written and read back intact (status 0x%x)", status);
	CHECK(vmstat("pswpin ") > ins, "pages came back from swap");
	/* Each major fault sleeps: a voluntary switch (to the runner, or to
	 * idle), unless the disk answered before the switch was made (the
	 * interrupt's work runs at the top of schedule(), and another CPU
	 * may take it meanwhile): nearly every one.  A kernel that kept the
	 * CPU made none. */
	CHECK(ru->ru_majflt > 0 && ru->ru_nvcsw >= ru->ru_majflt * 9 / 10,
	      "%ld major faults, %ld voluntary switches", ru->ru_majflt, ru->ru_nvcsw);
	/* How often the runner caught it in D depends on the host's timing
	 * (6 to 800 times here): shown above, not checked; blk_test checks
	 * D, procs_blocked and the wchan of a disk wait. */
	munmap(ru, PAGE);
}

static void t_vmtrace(void)
{
	const size_t len = 64 * PAGE;
	struct chan c;
	pid_t pid;

	CHECK(!pipe(c.to_child) && !pipe(c.to_parent), "pipes");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *p;

		prctl(PR_SET_NAME, "swaptraced");
		prctl(PR_VMOS_VMTRACE, 1, 0, 0, 0);
		p = map_anon(len, MAP_PRIVATE);
		if (!p)
			_exit(2);
		fill(p, len, 50);
		say(c.to_parent[1]);
		heard(c.to_child[0]);
		_exit(verify(p, len, 50) != 0);
	}
	heard(c.to_parent[0]);
	printf("# vmtrace: traced pid %d\n", pid);
	/* all of it, also with --quick: less may leave the 64 pages in.
	 * The clock takes a page the second time the hand passes it idle;
	 * 96 MiB of pressure moves the hand less than two turns, so a page
	 * may still be there: pressure again, until the 64 are out. */
	for (int i = 0; i < 4 && status_kb(pid, "VmSwap") < (long)(len / 1024); i++)
		CHECK(pressure(96 * MiB) == 0, "pressure");
	CHECK(status_kb(pid, "VmSwap") >= (long)(len / 1024),
	      "the traced process's VmSwap %ld kB", status_kb(pid, "VmSwap"));
	say(c.to_child[1]);
	CHECK(wait_ok(pid), "the traced process read its pages back");
}

/* ---- after each case ---- */

/* run_swap_case - the case, then its slot check and its leak check. */
static void run_swap_case(void (*fn)(void), const char *name)
{
	char what[96];
	long before = kmem_baseline();
	double t0 = now();

	run_case(fn, name);
	printf("# %s: %.2f s\n", name, now() - t0);
	swap_all_free(name);
	snprintf(what, sizeof(what), "%s: no kernel memory lost", name);
	leak_check(what, before, kmem_usage());
}

#define RUN_SWAP(fn) run_swap_case(fn, #fn)

/*
 * Swap-out of pages another CPU is writing (issue 18): a thread pinned
 * to the last CPU adds one to a count on every page of 16 MiB, round
 * after round, and keeps the same counts in an array of its own, while
 * pressure on this CPU swaps the pages out and in.  At the end every
 * page's count equals the thread's: a write through the other CPU's TLB
 * between the eviction's look at the dirty bit and its unmap would be
 * lost (vmscan.c unmaps atomically, then writes what was dirty).
 */
#define BUSY_LEN (16 * MiB)
static uint64_t *busy;
static uint32_t busy_count[BUSY_LEN / PAGE];
static atomic_int busy_stop;
static atomic_long busy_rounds;

static void *busy_writer(void *arg)
{
	cpu_set_t set;

	(void)arg;
	CPU_ZERO(&set);
	CPU_SET((int)sysconf(_SC_NPROCESSORS_ONLN) - 1, &set);
	sched_setaffinity(0, sizeof(set), &set);
	while (!atomic_load(&busy_stop)) {
		for (size_t i = 0; i < BUSY_LEN / PAGE; i++) {
			busy[i * (PAGE / 8)]++;
			busy_count[i]++;
		}
		atomic_fetch_add(&busy_rounds, 1);
		usleep(2000); /* let the pages cool: the clock takes old ones */
	}
	return NULL;
}

static void t_swap_busy_pages(void)
{
	pthread_t th;
	size_t bad = 0;
	struct rusage before, after;

	busy = (uint64_t *)map_anon(BUSY_LEN, MAP_PRIVATE);
	getrusage(RUSAGE_SELF, &before);
	if (!busy)
		return;
	atomic_store(&busy_stop, 0);
	CHECK(pthread_create(&th, NULL, busy_writer, NULL) == 0, "the writer thread");
	for (int i = 0; i < 3; i++)
		CHECK(pressure(pressure_len) == 0, "pressure %d", i);
	atomic_store(&busy_stop, 1);
	pthread_join(th, NULL);
	getrusage(RUSAGE_SELF, &after);
	for (size_t i = 0; i < BUSY_LEN / PAGE; i++)
		bad += busy[i * (PAGE / 8)] != busy_count[i];
	printf("# swap-busy-pages: %ld rounds over 4096 pages, %ld of them read "
	       "back from swap meanwhile (major faults), %zu pages wrong\n",
	       atomic_load(&busy_rounds), after.ru_majflt - before.ru_majflt, bad);
	CHECK(after.ru_majflt > before.ru_majflt, "the pages went to swap and back");
	CHECK(atomic_load(&busy_rounds) > 0 && bad == 0, "%zu of %zu pages lost writes",
	      bad, (size_t)(BUSY_LEN / PAGE));
	munmap(busy, BUSY_LEN);
}


/* --quick: without the three longest pressure cases, and with smaller
 * sizes (make test runs it so; make fuzz's swap-full runs it all). */
int main(int argc, char **argv)
{
	double t0 = now();
	int quick = argc > 1 && !strcmp(argv[1], "--quick");

	if (quick) {
		cow_len = 8 * MiB;
		pressure_len = 72 * MiB;
	}

	printf("# swap_test: -m 64M, /dev/vda 256 MiB\n");
	/* This process's own pages must not go to swap: they would count
	 * as slots in use and as frames freed between the checks. */
	tap_result(mlockall(MCL_CURRENT) == 0, "mlockall: the test runner stays resident", NULL);
	tap_result(run_quiet("/bin/mkswap", "/dev/vda") == 0 && swapon("/dev/vda", 0) == 0,
		   "mkswap and swapon /dev/vda", NULL);
	RUN_SWAP(t_page_linear);
	if (!quick) {
		RUN_SWAP(t_page_parallel);
		RUN_SWAP(t_page_shuffle);
	}
	RUN_SWAP(t_cow_swapped);
	RUN_SWAP(t_cow_mremap_swapped);
	RUN_SWAP(t_shared_swapped);
	RUN_SWAP(t_mlock);
	RUN_SWAP(t_mlock_not_inherited);
	RUN_SWAP(t_swapoff_in_use);
	RUN_SWAP(t_swapoff_no_room);
	RUN_SWAP(t_vmtrace);
	RUN_SWAP(t_swap_io_sleeps);
	RUN_SWAP(t_swap_busy_pages);
	if (!quick)
		RUN_SWAP(t_page_merge);
	/* A slot nobody holds makes swapoff panic (sys_swapoff: "slots still
	 * in use after swap_unuse"): the failure is already reported. */
	if (meminfo_kb("SwapFree:") == meminfo_kb("SwapTotal:"))
		tap_result(swapoff("/dev/vda") == 0 && meminfo_kb("SwapTotal:") == 0,
			   "swapoff /dev/vda at the end", NULL);
	else
		tap_result(0, "swapoff /dev/vda at the end", "slots were lost: not tried");
	printf("# swap_test: %.1f s in all\n", now() - t0);
	return tap_done();
}
