/*
 * tests/user/faults.c - every kind of fatal fault, each in its own child
 * with no handler, so the kernel prints its "segfault at" line and the
 * explanation (checked by tests/run.py, user-fault-explanations).  The
 * parent checks each child dies of the right signal.
 *
 *   faults          run every case
 *   faults NAME     run one (in this process: it dies)
 */
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

static const char rodata_text[] = "constant";
static volatile char sink;

static void null_write(void)
{
	*(volatile int *)0 = 1;
}

static void unmapped_gap(void)
{
	char *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	munmap(p, 4096);
	sink = *(volatile char *)p;
}

static volatile int keep_going = 1;

static unsigned recurse(unsigned n)
{
	volatile char frame[1024];

	frame[0] = (char)n;
	return keep_going ? recurse(n + 1) + frame[0] : n;
}

static void stack_overflow(void)
{
	struct rlimit rl = { 256 << 10, 256 << 10 };

	setrlimit(RLIMIT_STACK, &rl); /* a small limit: overflow quickly */
	sink = (char)recurse(0);
}

static void write_text(void)
{
	*(volatile char *)(uintptr_t)null_write = 0;
}

static void write_rodata(void)
{
	*(volatile char *)(uintptr_t)rodata_text = 'x';
}

static void exec_stack(void)
{
	unsigned char code[16] = { 0xc3 }; /* ret */

	((void (*)(void))(uintptr_t)code)();
}

static void exec_heap(void)
{
	/* musl's malloc takes small blocks from mmap'd areas and its sbrk()
	 * refuses to grow; the heap proper ([heap]) is what brk grows */
	unsigned char *code = (unsigned char *)syscall(SYS_brk, 0);

	syscall(SYS_brk, code + 4096);

	code[0] = 0xc3;
	((void (*)(void))(uintptr_t)code)();
}

static void prot_none(void)
{
	char *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	sink = p[100];
}

static void kernel_half(void)
{
	sink = *(volatile char *)0xffffffff80100000ul;
}

static void non_canonical(void)
{
	sink = *(volatile char *)0x0000800000000000ul;
}

static void privileged(void)
{
	__asm__ volatile("hlt");
}

static void beyond_eof(void)
{
	int fd = open("/tmp/faults-short", O_RDWR | O_CREAT | O_TRUNC, 0644);
	char *p;

	if (fd < 0 || write(fd, "short", 5) != 5)
		exit(2);
	p = mmap(NULL, 2 * 4096, PROT_READ, MAP_SHARED, fd, 0);
	sink = p[4096];
}

static const struct fault_case {
	const char *name;
	void (*run)(void);
	int sig;
} cases[] = {
	{ "null", null_write, SIGSEGV },
	{ "unmapped", unmapped_gap, SIGSEGV },
	{ "stack-overflow", stack_overflow, SIGSEGV },
	{ "write-text", write_text, SIGSEGV },
	{ "write-rodata", write_rodata, SIGSEGV },
	{ "exec-stack", exec_stack, SIGSEGV },
	{ "exec-heap", exec_heap, SIGSEGV },
	{ "prot-none", prot_none, SIGSEGV },
	{ "kernel-half", kernel_half, SIGSEGV },
	{ "non-canonical", non_canonical, SIGSEGV },
	{ "privileged", privileged, SIGSEGV },
	{ "beyond-eof", beyond_eof, SIGBUS },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* Run case c in a child; its wait status. */
static int run_fault_case(const struct fault_case *c)
{
	int status = 0;
	pid_t pid;

	printf("# case %s\n", c->name);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		c->run();
		_exit(0); /* survived: the parent reports it */
	}
	waitpid(pid, &status, 0);
	return status;
}

/* One pass over every case: a TAP line each. */
static void run_all(int pass)
{
	char name[80], why[64];

	for (size_t i = 0; i < NCASES; i++) {
		int st = run_fault_case(&cases[i]);

		snprintf(name, sizeof(name), "pass %d: %s: killed by signal %d",
			 pass, cases[i].name, cases[i].sig);
		snprintf(why, sizeof(why), "wait status 0x%x", st);
		bool ok = WIFSIGNALED(st) && WTERMSIG(st) == cases[i].sig;

		tap_result(ok, name, ok ? NULL : why);
	}
	unlink("/tmp/faults-short");
}

int main(int argc, char **argv)
{
	long before;

	for (size_t i = 0; argc > 1 && i < NCASES; i++)
		if (!strcmp(argv[1], cases[i].name))
			cases[i].run();
	if (argc > 1)
		return 2;
	run_all(1);
	before = kmem_baseline();
	run_all(2);
	leak_check("no memory lost by the second pass", before, kmem_usage());
	return tap_done();
}
