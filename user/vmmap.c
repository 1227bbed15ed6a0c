/*
 * user/vmmap.c - draw a process's address space as the textbook diagram.
 *
 *   vmmap [--color|--no-color] [--pagemap] [PID]
 *
 * Reads /proc/PID/maps (PID defaults to vmmap itself) and draws one box
 * per region, highest address first: the kernel half, the non-canonical
 * hole, the stack and its guard gap, thread stacks and their guard pages,
 * the mmap area (shared libraries by file name, anonymous memory), the
 * heap, the program's bss, data, text and read-only data, and the low
 * memory that is never mapped.  Each border carries the address where the
 * region below it ends and the one above begins (as in maps: start
 * inclusive, end exclusive).  Each box gives the region's size,
 * permissions and resident size: from /proc/PID/smaps (Rss) when the
 * kernel has it, else counted from the present bits of /proc/PID/pagemap
 * (--pagemap forces that).  The unmapped space between boxes is given in
 * words, to scale: "... 41 TiB unmapped ...".
 *
 * Colour (ANSI) when stdout is a terminal and TERM is not "dumb", or with
 * --color.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_REGIONS	512
#define PAGE		4096UL
#define USER_END	0x0000800000000000UL /* first non-canonical address */
#define KERNEL_START	0xffff800000000000UL /* first kernel-half address */
#define STACK_GUARD_GAP (1UL << 20)	     /* Linux's stack_guard_gap */
#define MMAP_MIN_ADDR	0x10000UL	     /* Linux's default mmap_min_addr */
#define BOX_WIDTH	66		     /* characters between the | | */
#define PM_PRESENT	(1ULL << 63)

enum kind {
	K_KERNEL, K_HOLE, K_LOWMEM, K_STACK, K_THREAD_STACK, K_GUARD, K_HEAP,
	K_TEXT, K_RODATA, K_DATA, K_BSS, K_LIB, K_FILE, K_ANON, K_SPECIAL,
};

/* ANSI colour of each kind ("" for none). */
static const char *const kind_colour[] = {
	[K_KERNEL] = "2", [K_HOLE] = "2", [K_LOWMEM] = "2", [K_STACK] = "32",
	[K_THREAD_STACK] = "32", [K_GUARD] = "2", [K_HEAP] = "33",
	[K_TEXT] = "31", [K_RODATA] = "35", [K_DATA] = "34", [K_BSS] = "34",
	[K_LIB] = "35", [K_FILE] = "36", [K_ANON] = "36", [K_SPECIAL] = "2",
};

struct region {
	unsigned long start, end;   /* end exclusive; 0 means 2^64 */
	char perms[5];
	char name[256];             /* path, [name], or "" (anonymous) */
	long rss_kb;                /* -1: unknown */
	enum kind kind;
	const char *label;          /* what the region is, in words */
};

struct space {
	int pid;
	char exe[PATH_MAX];         /* the program's path, from /proc/PID/exe */
	struct region r[MAX_REGIONS];
	int n;
	int dropped;                /* regions beyond MAX_REGIONS */
	const char *rss_from;       /* "smaps", "pagemap" or "nowhere" */
};

static int colour;

/* proc_path - "/proc/PID/NAME" or "/proc/self/NAME" into buf. */
static void proc_path(char *buf, size_t size, int pid, const char *name)
{
	if (pid)
		snprintf(buf, size, "/proc/%d/%s", pid, name);
	else
		snprintf(buf, size, "/proc/self/%s", name);
}

/* human - bytes as "164 KiB", "1.5 MiB", "127 TiB" into buf. */
static const char *human(unsigned long bytes, char *buf, size_t size)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB",
					    "PiB", "EiB" };
	double v = (double)bytes;
	int u = 0;

	while (v >= 1024 && u < 6) {
		v /= 1024;
		u++;
	}
	if (u == 0 || v >= 10 || v == (double)(unsigned long)v)
		snprintf(buf, size, "%.0f %s", v, unit[u]);
	else
		snprintf(buf, size, "%.1f %s", v, unit[u]);
	return buf;
}

/* parse_maps_line - one line of maps into r; returns 0, or -1 if malformed. */
static int parse_maps_line(const char *line, struct region *r)
{
	unsigned long off, inode;
	unsigned dmaj, dmin;
	int name_at = 0;

	memset(r, 0, sizeof(*r));
	if (sscanf(line, "%lx-%lx %4s %lx %x:%x %lu %n", &r->start, &r->end,
		   r->perms, &off, &dmaj, &dmin, &inode, &name_at) < 7)
		return -1;
	if (name_at)
		snprintf(r->name, sizeof(r->name), "%s", line + name_at);
	r->name[strcspn(r->name, "\n")] = '\0';
	r->rss_kb = -1;
	return 0;
}

/*
 * read_exe - the program's path, as maps names it: /proc/PID/exe, with
 * symbolic links resolved (a kernel may give the path exec was called
 * with, /bin/sh, while maps names the file, /bin/busybox).
 */
static void read_exe(struct space *s)
{
	char path[64], link[PATH_MAX];
	ssize_t len;

	proc_path(path, sizeof(path), s->pid, "exe");
	len = readlink(path, link, sizeof(link) - 1);
	link[len > 0 ? len : 0] = '\0';
	if (!realpath(link, s->exe))
		memcpy(s->exe, link, sizeof(link));
}

/* read_maps - fill s->r from /proc/PID/maps; returns 0 or -1 (errno set). */
static int read_maps(struct space *s)
{
	char path[64], line[512];
	FILE *f;

	proc_path(path, sizeof(path), s->pid, "maps");
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (s->n == MAX_REGIONS)
			s->dropped++;
		else if (parse_maps_line(line, &s->r[s->n]) == 0)
			s->n++;
	fclose(f);
	if (s->dropped)
		fprintf(stderr, "vmmap: drawing the first %d regions; %d more left "
			"out\n", MAX_REGIONS, s->dropped);
	read_exe(s);
	return 0;
}

/* find_region - the region of s that starts at start, or NULL. */
static struct region *find_region(struct space *s, unsigned long start)
{
	for (int i = 0; i < s->n; i++)
		if (s->r[i].start == start)
			return &s->r[i];
	return NULL;
}

/* rss_from_smaps - each region's Rss from /proc/PID/smaps; 0, or -1. */
static int rss_from_smaps(struct space *s)
{
	char path[64], line[512];
	struct region *cur = NULL;
	unsigned long start, end;
	long kb;
	FILE *f;

	proc_path(path, sizeof(path), s->pid, "smaps");
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			cur = find_region(s, start);
		else if (cur && sscanf(line, "Rss: %ld kB", &kb) == 1)
			cur->rss_kb = kb;
	}
	fclose(f);
	s->rss_from = "smaps";
	return 0;
}

/* count_present - pages of r with the present bit in pagemap fd. */
static long count_present(int fd, const struct region *r)
{
	uint64_t words[512];
	unsigned long page = r->start / PAGE, last = r->end / PAGE;
	long present = 0;

	while (page < last) {
		size_t want = last - page < 512 ? last - page : 512;
		ssize_t got = pread(fd, words, want * 8, (off_t)page * 8);

		if (got <= 0)
			return -1;
		for (ssize_t i = 0; i < got / 8; i++)
			present += (words[i] & PM_PRESENT) != 0;
		page += (unsigned long)got / 8;
	}
	return present;
}

/* rss_from_pagemap - count each user region's present pages; 0, or -1. */
static int rss_from_pagemap(struct space *s)
{
	char path[64];
	int fd;

	proc_path(path, sizeof(path), s->pid, "pagemap");
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	for (int i = 0; i < s->n; i++) {
		long pages = s->r[i].end <= USER_END ? count_present(fd, &s->r[i]) : -1;

		s->r[i].rss_kb = pages < 0 ? -1 : pages * (long)(PAGE / 1024);
	}
	close(fd);
	s->rss_from = "pagemap";
	return 0;
}

/* base_name - the last component of a path. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* classify_file - kind and label of a region that maps a file. */
static void classify_file(const struct space *s, struct region *r)
{
	int is_exe = s->exe[0] && !strcmp(r->name, s->exe);
	int lib = strstr(base_name(r->name), ".so") != NULL;

	if (!is_exe && !lib) {
		r->kind = K_FILE;
		r->label = "file mapping";
	} else if (r->perms[2] == 'x') {
		r->kind = is_exe ? K_TEXT : K_LIB;
		r->label = is_exe ? "text (code)" : "library code";
	} else if (r->perms[1] == 'w') {
		r->kind = is_exe ? K_DATA : K_LIB;
		r->label = is_exe ? "data" : "library data";
	} else {
		r->kind = is_exe ? K_RODATA : K_LIB;
		r->label = is_exe ? "read-only data" : "library read-only data";
	}
}

/* is_anon - a region without a file or a [name]. */
static int is_anon(const struct region *r)
{
	return r->name[0] == '\0';
}

/*
 * classify_anon - kind and label of anonymous region i.  A ---p region
 * right below an rw-p one is the guard page of a thread stack (musl maps
 * both at once and makes the lowest page(s) PROT_NONE); an rw-p region
 * right after the program's (or a library's) data is its bss.
 */
static void classify_anon(struct space *s, int i)
{
	struct region *r = &s->r[i], *next = i + 1 < s->n ? r + 1 : NULL;
	struct region *prev = i > 0 ? r - 1 : NULL;

	if (!strcmp(r->perms, "---p") && next && is_anon(next) &&
	    next->start == r->end && !strcmp(next->perms, "rw-p")) {
		r->kind = K_GUARD;
		r->label = "guard page (PROT_NONE)";
		next->kind = K_THREAD_STACK;
		next->label = "thread stack";
	} else if (r->label) {
		return; /* already named as a thread stack */
	} else if (prev && prev->end == r->start && prev->name[0] == '/' &&
		   prev->perms[1] == 'w') {
		r->kind = prev->kind == K_DATA ? K_BSS : K_LIB;
		r->label = prev->kind == K_DATA ? "bss (zero-filled data)"
						: "library bss";
	} else {
		r->kind = K_ANON;
		r->label = r->perms[0] == '-' && r->perms[1] == '-'
				   ? "anonymous, PROT_NONE"
				   : "anonymous mmap";
	}
}

/* classify - give every region of s its kind and label. */
static void classify(struct space *s)
{
	for (int i = 0; i < s->n; i++) {
		struct region *r = &s->r[i];

		if (!strcmp(r->name, "[stack]")) {
			r->kind = K_STACK;
			r->label = "stack (grows down)";
		} else if (!strcmp(r->name, "[heap]")) {
			r->kind = K_HEAP;
			r->label = "heap (brk)";
		} else if (r->name[0] == '[') {
			r->kind = K_SPECIAL;
			r->label = "kernel-provided";
		} else if (r->name[0] == '/') {
			classify_file(s, r);
		} else {
			classify_anon(s, i);
		}
	}
}

/* paint - start (on) or end (!on) the colour of kind k. */
static void paint(enum kind k, int on)
{
	if (colour)
		printf(on ? "\033[%sm" : "\033[0m", kind_colour[k]);
}

/* border - a box edge at address addr (top: whether 2^64). */
static void border(unsigned long addr, int top)
{
	char dashes[BOX_WIDTH + 1];

	memset(dashes, '-', BOX_WIDTH);
	dashes[BOX_WIDTH] = '\0';
	if (top && addr == 0)
		printf("0xffffffffffffffff +%s+\n", dashes);
	else
		printf("0x%016lx +%s+\n", addr, dashes);
}

/* box_line - one line of text inside a box, in the colour of k. */
static void box_line(enum kind k, const char *text)
{
	printf("%18s |", "");
	paint(k, 1);
	printf(" %-*.*s", BOX_WIDTH - 1, BOX_WIDTH - 1, text);
	paint(k, 0);
	printf("|\n");
}

/* gap_line - the unmapped space between two boxes, in words. */
static void gap_line(unsigned long bytes, const char *what)
{
	char h[32];

	printf("%18s    ... %s %s ...\n", "", human(bytes, h, sizeof(h)), what);
}

/* draw_region - the inside of one region's box (its borders apart). */
static void draw_region(const struct region *r)
{
	char line[160], size[32], rss[32];

	human(r->end - r->start, size, sizeof(size));
	if (r->rss_kb < 0)
		snprintf(rss, sizeof(rss), "?");
	else
		human((unsigned long)r->rss_kb * 1024, rss, sizeof(rss));
	snprintf(line, sizeof(line), "%-24s %s %10s  resident %s", r->label,
		 r->perms, size, rss);
	box_line(r->kind, line);
	if (r->name[0])
		box_line(r->kind, r->name[0] == '[' ? r->name : base_name(r->name));
}

/* draw_fixed - a box that is part of every x86-64 address space. */
static void draw_fixed(enum kind k, unsigned long start, unsigned long end,
		       const char *title, const char *why)
{
	char line[160], size[32];

	snprintf(line, sizeof(line), "%-24s      %10s", title,
		 human(end - start, size, sizeof(size)));
	box_line(k, line);
	box_line(k, why);
}

/* draw_kernel_half - the kernel half, the hole, and the top of user space. */
static void draw_kernel_half(const struct space *s)
{
	char line[160];

	border(0, 1);
	draw_fixed(K_KERNEL, KERNEL_START, 0, "kernel space",
		   "the kernel half: not accessible from user mode");
	for (int i = 0; i < s->n; i++)
		if (s->r[i].start >= KERNEL_START) {
			snprintf(line, sizeof(line), "  (user-visible inside: %s %s)",
				 s->r[i].name, s->r[i].perms);
			box_line(K_KERNEL, line);
		}
	border(KERNEL_START, 0);
	draw_fixed(K_HOLE, USER_END, KERNEL_START, "non-canonical hole",
		   "no such addresses: bits 63..47 must all be equal");
	border(USER_END, 0);
}

/* draw_gap_below_stack - the guard gap under the stack, then the rest. */
static void draw_gap_below_stack(unsigned long stack_start, unsigned long gap)
{
	char line[160];

	if (gap < STACK_GUARD_GAP) {
		gap_line(gap, "unmapped");
		return;
	}
	snprintf(line, sizeof(line), "... 1 MiB guard gap (stack_guard_gap): no "
		 "mapping may come closer ...");
	printf("%18s    %s\n", "", line);
	printf("0x%016lx    (the stack may grow down to its limit, RLIMIT_STACK)\n",
	       stack_start - STACK_GUARD_GAP);
	if (gap > STACK_GUARD_GAP)
		gap_line(gap - STACK_GUARD_GAP, "unmapped");
}

/* draw_user_half - every user region, highest first, with the gaps. */
static void draw_user_half(const struct space *s)
{
	unsigned long above = USER_END; /* start of what was drawn last */

	for (int i = s->n - 1; i >= 0; i--) {
		const struct region *r = &s->r[i];

		if (r->start >= USER_END)
			continue;
		if (r->end < above) {
			if (i + 1 < s->n && s->r[i + 1].kind == K_STACK)
				draw_gap_below_stack(above, above - r->end);
			else
				gap_line(above - r->end, "unmapped");
		}
		if (r->end < above)
			border(r->end, 0);
		draw_region(r);
		border(r->start, 0);
		above = r->start;
	}
	if (above > MMAP_MIN_ADDR) {
		gap_line(above - MMAP_MIN_ADDR, "unmapped");
		border(MMAP_MIN_ADDR, 0);
	}
	draw_fixed(K_LOWMEM, 0, MMAP_MIN_ADDR, "low memory",
		   "mmap_min_addr: never mapped, catches NULL");
	border(0, 0);
}

/* print_totals - the mapped and resident bytes of the user regions. */
static void print_totals(const struct space *s)
{
	unsigned long mapped = 0, rss = 0;
	char a[32], b[32];

	for (int i = 0; i < s->n; i++)
		if (s->r[i].start < USER_END) {
			mapped += s->r[i].end - s->r[i].start;
			rss += s->r[i].rss_kb > 0 ? (unsigned long)s->r[i].rss_kb * 1024 : 0;
		}
	printf("%d regions, %s mapped, %s resident (from %s)\n", s->n,
	       human(mapped, a, sizeof(a)), human(rss, b, sizeof(b)), s->rss_from);
}

/* use_colour - the default: a terminal whose TERM is not "dumb". */
static int use_colour(void)
{
	const char *term = getenv("TERM");

	return isatty(STDOUT_FILENO) && term && strcmp(term, "dumb");
}

static void usage(void)
{
	fprintf(stderr, "usage: vmmap [--color|--no-color] [--pagemap] [PID]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static struct space s;
	int force_pagemap = 0;

	colour = use_colour();
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--color"))
			colour = 1;
		else if (!strcmp(argv[i], "--no-color"))
			colour = 0;
		else if (!strcmp(argv[i], "--pagemap"))
			force_pagemap = 1;
		else if (argv[i][0] >= '1' && argv[i][0] <= '9' && !s.pid)
			s.pid = atoi(argv[i]);
		else
			usage();
	}
	if (read_maps(&s) < 0) {
		fprintf(stderr, "vmmap: /proc/%d/maps: %s\n", s.pid, strerror(errno));
		return 1;
	}
	s.rss_from = "nowhere";
	if (force_pagemap || rss_from_smaps(&s) < 0)
		rss_from_pagemap(&s);
	classify(&s);
	printf("Address space of %s (PID %d), highest address first:\n",
	       s.exe[0] ? s.exe : "?", s.pid ? s.pid : (int)getpid());
	draw_kernel_half(&s);
	draw_user_half(&s);
	print_totals(&s);
	return 0;
}
