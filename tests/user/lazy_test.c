/*
 * tests/user/lazy_test.c - the grader of lab lazy (docs/labs/lazy.md):
 * demand-zero pages.  Heap (brk), anonymous mmap, BSS and stack pages get
 * a frame only when first touched, read as zeros, and each first touch is
 * one minor fault and one more resident page.  tests/labs/lazy.py gives
 * each case its points.  Every case runs in a child (tap.h), so one that
 * dies of SIGSEGV (the skeleton's stub) fails alone.
 */
#include <alloca.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include "tap.h"

#define PAGE 4096ul
#define NPAGES 16

static char bss[NPAGES * PAGE] __attribute__((aligned(4096)));

/* Minor faults of this process so far (getrusage). */
static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* Resident pages (the second number of /proc/self/statm), read without
 * stdio so that the reading itself touches no new page. */
static long resident(void)
{
	char buf[128];
	int fd = open("/proc/self/statm", O_RDONLY);
	long n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	char *p;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	p = strchr(buf, ' ');
	return p ? strtol(p + 1, NULL, 10) : -1;
}

/* The /proc/self/pagemap word of the page at addr: bit 63 present,
 * bits 0-54 the frame number. */
static uint64_t pagemap(const void *addr)
{
	uint64_t word = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd >= 0) {
		pread(fd, &word, sizeof(word), (uintptr_t)addr / PAGE * sizeof(word));
		close(fd);
	}
	return word;
}

#define PRESENT(w) ((w) >> 63 & 1)
#define PFN(w) ((w) & ((1ull << 55) - 1))

/* all_zero - do the n bytes at p read as zeros? */
static int all_zero(const volatile char *p, size_t n)
{
	for (size_t i = 0; i < n; i += 512)
		if (p[i])
			return 0;
	return 1;
}

/* more_heap - n more bytes of heap, by brk(2) itself (musl's sbrk() only
 * answers sbrk(0)), or (void *)-1. */
static void *more_heap(size_t n)
{
	char *old = (char *)syscall(SYS_brk, 0);

	return syscall(SYS_brk, old + n) == (long)(old + n) ? old : (void *)-1;
}

static void t_brk_zero(void)
{
	char *p = more_heap(NPAGES * PAGE);

	CHECK(p != (void *)-1, "sbrk");
	if (p == (void *)-1)
		return;
	for (int i = 0; i < NPAGES; i++)
		CHECK(all_zero(p + i * PAGE, PAGE), "heap page %d reads as zero", i);
	for (int i = 0; i < NPAGES; i++)
		p[i * PAGE + 5] = (char)(i + 1);
	for (int i = 0; i < NPAGES; i++)
		CHECK(p[i * PAGE + 5] == (char)(i + 1), "heap page %d keeps what was written", i);
}

static void t_brk_rss(void)
{
	long before = resident();
	volatile char *p = more_heap(NPAGES * PAGE);
	long grown = resident();

	CHECK(p != (void *)-1, "sbrk");
	if (p == (void *)-1)
		return;
	CHECK(grown == before, "brk alone allocates nothing: RSS %ld -> %ld", before, grown);
	for (int i = 0; i < NPAGES / 2; i++)
		p[i * PAGE] = 1;
	CHECK(resident() == before + NPAGES / 2, "RSS %ld -> %ld after touching %d pages",
	      before, resident(), NPAGES / 2);
	for (int i = 0; i < NPAGES / 2; i++)
		p[i * PAGE + 8] = 2; /* the same pages again: no new frame */
	CHECK(resident() == before + NPAGES / 2, "touching them again: RSS %ld", resident());
}

static void t_mmap_pages(void)
{
	volatile char *p = mmap(NULL, NPAGES * PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t pfn[NPAGES];

	CHECK(p != MAP_FAILED, "mmap");
	if (p == MAP_FAILED)
		return;
	for (int i = 0; i < NPAGES; i++) {
		CHECK(all_zero(p + i * PAGE, PAGE), "mmap page %d reads as zero", i);
		p[i * PAGE + 100] = (char)(0x40 + i);
	}
	for (int i = 0; i < NPAGES; i++) {
		CHECK(p[i * PAGE + 100] == (char)(0x40 + i), "mmap page %d keeps its byte", i);
		pfn[i] = PFN(pagemap((char *)p + i * PAGE));
		CHECK(pfn[i] != 0, "mmap page %d has a frame", i);
		for (int j = 0; j < i; j++)
			CHECK(pfn[i] != pfn[j], "pages %d and %d share frame 0x%llx", j, i,
			      (unsigned long long)pfn[i]);
	}
}

static void t_minflt(void)
{
	volatile char *p = mmap(NULL, NPAGES * PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long before, after;

	CHECK(p != MAP_FAILED, "mmap");
	if (p == MAP_FAILED)
		return;
	minflt(); /* getrusage's own pages are touched before counting */
	before = minflt();
	for (int i = 0; i < NPAGES; i++)
		p[i * PAGE] = 1;
	after = minflt();
	CHECK(after - before == NPAGES, "%d first touches gave %ld minor faults",
	      NPAGES, after - before);
	before = minflt();
	for (int i = 0; i < NPAGES; i++)
		p[i * PAGE + 1] = 2;
	after = minflt();
	CHECK(after == before, "touching them again faulted %ld times", after - before);
}

static void t_pagemap(void)
{
	volatile char *p = mmap(NULL, NPAGES * PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED, "mmap");
	if (p == MAP_FAILED)
		return;
	for (int i = 0; i < NPAGES; i++)
		CHECK(!PRESENT(pagemap((char *)p + i * PAGE)), "page %d present before a touch", i);
	for (int i = 0; i < NPAGES; i += 3)
		p[i * PAGE] = 1;
	for (int i = 0; i < NPAGES; i++)
		CHECK(PRESENT(pagemap((char *)p + i * PAGE)) == (i % 3 == 0),
		      "page %d: present %d, touched %d", i,
		      (int)PRESENT(pagemap((char *)p + i * PAGE)), i % 3 == 0);
}

static void t_read_first(void)
{
	volatile char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long before = resident();

	CHECK(p != MAP_FAILED, "mmap");
	if (p == MAP_FAILED)
		return;
	CHECK(p[3 * PAGE + 17] == 0, "a read of a new page gives 0");
	p[3 * PAGE + 17] = 9; /* then a write to the page the read mapped */
	CHECK(p[3 * PAGE + 17] == 9, "the write after the read sticks");
	CHECK(resident() == before + 1, "one page resident: RSS %ld -> %ld", before,
	      resident());
}

static void t_bss(void)
{
	for (int i = 0; i < NPAGES; i++)
		CHECK(!PRESENT(pagemap(bss + i * PAGE)), "BSS page %d present before a touch", i);
	for (int i = 0; i < NPAGES; i++)
		CHECK(all_zero(bss + i * PAGE, PAGE), "BSS page %d reads as zero", i);
	for (int i = 0; i < NPAGES; i++)
		CHECK(PRESENT(pagemap(bss + i * PAGE)), "BSS page %d present after a read", i);
}

/* 64 pages of new stack (below anything this program used so far): each
 * reads as zero and becomes resident when first reached. */
static void t_stack(void)
{
	long before = resident();
	volatile char *deep = alloca(64 * PAGE);

	/* the top of the area may hold what earlier calls left there */
	CHECK(all_zero(deep, 48 * PAGE), "the new stack pages read as zero");
	deep[0] = 1;
	CHECK(deep[0] == 1, "the deepest page keeps what was written");
	CHECK(resident() >= before + 48, "RSS %ld -> %ld: the 48 new stack pages "
	      "are resident", before, resident());
}

/* A child that touches NPAGES pages of heap and of an anonymous mapping,
 * then exits: every frame its faults took comes back. */
static void touch_and_exit(void)
{
	char *heap = (char *)syscall(SYS_brk, 0);
	volatile char *p = mmap(NULL, NPAGES * PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || syscall(SYS_brk, heap + NPAGES * PAGE) != (long)(heap + NPAGES * PAGE))
		_exit(1);
	for (int i = 0; i < NPAGES; i++)
		p[i * PAGE] = heap[i * PAGE] = 1;
	munmap((void *)p, NPAGES * PAGE);
	_exit(0);
}

static void t_no_leak(void)
{
	long before, after;
	int status = run_child(touch_and_exit); /* once first: this process's
						   own copy-on-write copies */

	before = kmem_usage();
	status |= run_child(touch_and_exit);
	after = kmem_usage();
	CHECK(status == 0, "the child touching pages exited with status 0x%x", status);
	CHECK(after / 100000 == before / 100000, "frames in use %ld -> %ld after a child "
	      "touched %d pages", before / 100000, after / 100000, 2 * NPAGES);
}

/* A child fills 4 MiB with 0xaa and exits: the frames it frees hold
 * garbage, and the faults below get them again (a fault that forgets to
 * zero its frame shows 0xaa, not the zeros of a never-used frame). */
static void dirty(void)
{
	size_t n = 4ul << 20;
	char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p != MAP_FAILED)
		memset(p, 0xaa, n);
}

int main(void)
{
	printf("# lazy_test: demand-zero pages (docs/labs/lazy.md)\n");
	run_child(dirty);
	run_case(t_brk_zero, "heap: brk pages read as zero and keep what is written");
	run_case(t_brk_rss, "heap: RSS grows by one page per page touched, not at brk");
	run_case(t_mmap_pages, "mmap: anonymous pages read as zero, each its own frame");
	run_case(t_minflt, "minflt: one minor fault per first touch, none after");
	run_case(t_pagemap, "pagemap: only the touched pages are present");
	run_case(t_read_first, "read first: a read maps a zeroed page a write then uses");
	run_case(t_bss, "bss: a zeroed array gets its pages on touch");
	run_case(t_stack, "stack: new stack pages are zero and resident once reached");
	run_case(t_no_leak, "no leak: munmap frees the pages the faults allocated");
	return tap_done();
}
