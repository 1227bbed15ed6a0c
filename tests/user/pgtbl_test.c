/*
 * tests/user/pgtbl_test.c - the grader of lab pgtbl (docs/labs/pgtbl.md):
 * /proc/PID/pagetable, the page table as xv6's vmprint shows it.  The
 * program maps pages at an address whose four table indices it knows,
 * touches some, and checks the printed tree: the path of entries down to
 * each page, the indices taken from the address bits, the leaf's frame
 * against /proc/self/pagemap's, the permission bits.  tests/labs/pgtbl.py
 * gives each case its points.
 */
#include <stdint.h>
#include <sys/mman.h>
#include "tap.h"

#define PAGE 4096ul
/* PML4 index 0x0a5, PDPT 0x1c3, PD 0x087, PT 0x1f0: each level's 9 bits */
#define IDX4 0x0a5ul
#define IDX3 0x1c3ul
#define IDX2 0x087ul
#define IDX1 0x1f0ul
#define A (IDX4 << 39 | IDX3 << 30 | IDX2 << 21 | IDX1 << 12)
#define NPAGES 4

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_U (1ull << 2)
#define PTE_NX (1ull << 63)

/* One line of the file: an entry at level (4 = PML4 ... 1 = PT). */
struct entry {
	int level;
	unsigned index;
	uint64_t raw, pa;
	uint64_t va;      /* the address its path of indices gives */
	uint64_t shown;   /* the "va" the line printed (pages), or -1 */
	int page;         /* a level-1 entry, or a large page */
};

#define MAX_ENTRIES 4096
static struct entry entries[MAX_ENTRIES];
static int nentries;
static char text[1 << 18];

/* level_of - 4 for "PML4" ... 1 for "PT", or 0. */
static int level_of(const char *name)
{
	static const char *const names[] = { "", "PT", "PD", "PDPT", "PML4" };

	for (int l = 1; l <= 4; l++)
		if (!strcmp(name, names[l]))
			return l;
	return 0;
}

/* load - read and parse /proc/PID/pagetable (pid 0: self); the number
 * of entries, or -1 if the file cannot be read.  Each entry's va comes
 * from the indices of the lines above it, as a walk would compute it. */
static int load(int pid)
{
	char path[64], *line, *save;
	unsigned path_idx[5] = { 0 };
	int fd, have[5] = { 0 };
	long n, len = 0;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/pagetable", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/pagetable");
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	while ((n = read(fd, text + len, sizeof(text) - 1 - len)) > 0)
		len += n;
	close(fd);
	text[len] = 0;
	nentries = 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct entry e = { .shown = (uint64_t)-1 };
		char name[8];
		unsigned long long raw, pa, va;
		char *v;

		if (sscanf(line, " %7[A-Z0-9] [%u] = 0x%llx -> 0x%llx", name, &e.index,
			   &raw, &pa) != 4 || !(e.level = level_of(name)) || e.index > 511)
			continue;
		e.raw = raw;
		e.pa = pa;
		path_idx[e.level] = e.index;
		have[e.level] = 1;
		for (int l = e.level - 1; l >= 1; l--)
			have[l] = 0;
		e.va = 0;
		for (int l = 4; l >= e.level; l--)
			e.va |= (uint64_t)path_idx[l] << (12 + 9 * (l - 1));
		for (int l = 4; l > e.level; l--)
			if (!have[l])
				e.va = (uint64_t)-1; /* no parent line above it */
		v = strstr(line, " va 0x");
		if (v && sscanf(v, " va 0x%llx", &va) == 1)
			e.shown = va;
		e.page = e.level == 1 || (e.raw >> 7 & 1);
		if (nentries < MAX_ENTRIES)
			entries[nentries++] = e;
	}
	return nentries;
}

/* find - the entry at level whose range holds va, or NULL. */
static struct entry *find(int level, uint64_t va)
{
	uint64_t size = 1ull << (12 + 9 * (level - 1));

	for (int i = 0; i < nentries; i++)
		if (entries[i].level == level && entries[i].va != (uint64_t)-1 &&
		    entries[i].va <= va && va - entries[i].va < size)
			return &entries[i];
	return NULL;
}

/* pagemap_pfn - the frame of the page at addr (pagemap bits 0-54), or 0. */
static uint64_t pagemap_pfn(const void *addr)
{
	uint64_t word = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd >= 0) {
		pread(fd, &word, sizeof(word), (uintptr_t)addr / PAGE * sizeof(word));
		close(fd);
	}
	return word >> 63 ? word & ((1ull << 55) - 1) : 0;
}

/* map_known - NPAGES pages at A; pages 0 and 2 written, page 1 not, page
 * 3 written and then made read-only.  NULL on failure. */
static volatile char *map_known(void)
{
	volatile char *p = mmap((void *)A, NPAGES * PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p != (void *)A)
		return NULL;
	p[0] = 1;
	p[2 * PAGE] = 2;
	p[3 * PAGE] = 3;
	mprotect((void *)(p + 3 * PAGE), PAGE, PROT_READ);
	return p;
}

static void t_path(void)
{
	CHECK(map_known(), "mmap at 0x%lx", A);
	CHECK(load(0) > 0, "/proc/self/pagetable lists entries");
	for (int level = 4; level >= 1; level--) {
		struct entry *e = find(level, A);
		unsigned want = (unsigned)(A >> (12 + 9 * (level - 1)) & 511);

		CHECK(e, "no level %d entry above 0x%lx", level, A);
		if (e)
			CHECK(e->index == want, "level %d: index %u, not %u", level,
			      e->index, want);
	}
}

static void t_tables_linked(void)
{
	struct entry *e4, *e3, *e2, *e1;

	CHECK(map_known(), "mmap");
	CHECK(load(0) > 0, "entries");
	e4 = find(4, A), e3 = find(3, A), e2 = find(2, A), e1 = find(1, A);
	CHECK(e4 && e3 && e2 && e1, "the four entries of A's path");
	if (!(e4 && e3 && e2 && e1))
		return;
	CHECK(e4 < e3 && e3 < e2 && e2 < e1, "each entry is followed by the table it points to");
	for (struct entry *e = e4; e < e1; e++)
		CHECK(e->pa == (e->raw & 0x000ffffffffff000ull) && (e->raw & PTE_P),
		      "level %d: pa 0x%llx is not the raw entry's address bits (0x%llx)",
		      e->level, (unsigned long long)e->pa, (unsigned long long)e->raw);
	CHECK(e3->pa != e4->pa && e2->pa != e3->pa && e1->pa != e2->pa,
	      "each level is its own table");
}

static void t_frames(void)
{
	volatile char *p = map_known();
	int checked = 0;

	CHECK(p, "mmap");
	CHECK(load(0) > 0, "entries");
	for (int i = 0; p && i < NPAGES; i++) {
		struct entry *e = find(1, A + i * PAGE);
		uint64_t pfn = pagemap_pfn((char *)p + i * PAGE);

		if (i == 1)
			continue;
		CHECK(e && e->va == A + i * PAGE, "page %d of A has its own PT entry", i);
		if (!e)
			continue;
		CHECK(pfn && e->pa == pfn << 12, "page %d: the file says 0x%llx, pagemap "
		      "frame 0x%llx", i, (unsigned long long)e->pa, (unsigned long long)pfn);
		CHECK(e->shown == e->va, "page %d: the line's va 0x%llx, its indices 0x%llx", i,
		      (unsigned long long)e->shown, (unsigned long long)e->va);
		checked++;
	}
	CHECK(checked == 3, "three pages checked");
}

static void t_untouched(void)
{
	CHECK(map_known(), "mmap");
	CHECK(load(0) > 0, "entries");
	CHECK(find(1, A) && find(1, A + 2 * PAGE), "the touched pages 0 and 2 are listed");
	CHECK(!find(1, A + PAGE), "the untouched page 1 has no entry");
	CHECK(!find(1, A + NPAGES * PAGE), "the page after the mapping has no entry");
}

static void t_bits(void)
{
	struct entry *rw, *ro;

	CHECK(map_known(), "mmap");
	CHECK(load(0) > 0, "entries");
	rw = find(1, A);
	ro = find(1, A + 3 * PAGE);
	CHECK(rw && ro, "pages 0 and 3 listed");
	if (!(rw && ro))
		return;
	CHECK((rw->raw & (PTE_P | PTE_W | PTE_U)) == (PTE_P | PTE_W | PTE_U),
	      "page 0: raw 0x%llx is present, writable, user", (unsigned long long)rw->raw);
	CHECK(rw->raw & PTE_NX, "page 0 (data) is no-execute");
	CHECK(!(ro->raw & PTE_W) && (ro->raw & PTE_P), "page 3 after mprotect(PROT_READ): "
	      "raw 0x%llx", (unsigned long long)ro->raw);
	rw = find(1, (uintptr_t)&t_bits);
	CHECK(rw && !(rw->raw & PTE_NX), "the code's page is executable");
}

static volatile int data_word = 42;

static void t_whole(void)
{
	volatile int on_stack = 7;
	int leaves = 0, bad = 0;
	const void *addrs[] = { (void *)&t_whole, (void *)&data_word, (void *)&on_stack };

	data_word++; /* this process's own copy of the data page, mapped */
	CHECK(load(0) > 0, "entries");
	for (int i = 0; i < nentries; i++) {
		if (!entries[i].page)
			continue;
		leaves++;
		if (entries[i].va == (uint64_t)-1 || entries[i].shown != entries[i].va)
			bad++;
	}
	CHECK(leaves >= 8 && !bad, "%d pages, %d whose va is not their indices' address",
	      leaves, bad);
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		struct entry *e = find(1, (uintptr_t)addrs[i]);

		CHECK(e && e->pa == pagemap_pfn(addrs[i]) << 12,
		      "address %p (code, data, stack) has its frame listed", addrs[i]);
	}
	for (int i = 1; i < nentries; i++)
		if (entries[i].level == entries[i - 1].level &&
		    entries[i].index <= entries[i - 1].index &&
		    entries[i].va != (uint64_t)-1 && entries[i].va <= entries[i - 1].va)
			bad++;
	CHECK(!bad, "entries in address order");
}

static void t_other_process(void)
{
	int fds[2];
	pid_t pid;
	uint64_t self_code, child_code;
	struct entry *e;
	char c;

	CHECK(load(0) > 0 && (e = find(1, (uintptr_t)&t_other_process)), "own code page");
	if (nentries <= 0 || !(e = find(1, (uintptr_t)&t_other_process)))
		return;
	self_code = e->pa;
	CHECK(pipe(fds) == 0, "pipe");
	pid = fork();
	if (pid == 0) {
		close(fds[1]);
		read(fds[0], &c, 1); /* until the parent has looked */
		_exit(0);
	}
	CHECK(load(pid) > 0, "/proc/%d/pagetable lists entries", pid);
	e = find(1, (uintptr_t)&t_other_process);
	child_code = e ? e->pa : 0;
	close(fds[1]);
	waitpid(pid, NULL, 0);
	CHECK(child_code == self_code, "the child shares the code's frame 0x%llx (got 0x%llx)",
	      (unsigned long long)self_code, (unsigned long long)child_code);
}

int main(void)
{
	printf("# pgtbl_test: /proc/PID/pagetable (docs/labs/pgtbl.md)\n");
	run_case(t_path, "path: a PML4, PDPT, PD and PT entry lead to a known address, "
		 "indices from its bits");
	run_case(t_tables_linked, "tables: each entry's pa is its raw entry's address, "
		 "the table listed below it");
	run_case(t_frames, "frames: each page's pa is the frame pagemap gives, its va its address");
	run_case(t_untouched, "untouched: a page never touched has no entry");
	run_case(t_bits, "bits: present, writable, user, NX; read-only after mprotect");
	run_case(t_whole, "whole: every page's va matches its indices; code, data, stack listed");
	run_case(t_other_process, "other process: /proc/PID/pagetable of a child");
	return tap_done();
}
