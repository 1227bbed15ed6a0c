/*
 * user/demos/segv.c - a menu of memory faults.
 *
 *   segv            run the first case (null), then list the others
 *   segv all        run every case
 *   segv NAME...    run these cases
 *
 * Each case runs in a forked child.  The child's handler (SA_RESETHAND,
 * on an alternate stack) prints the signal, si_code and si_addr it was
 * given, and returns: the instruction runs again, faults again, and now
 * the default action kills the child, so the kernel also prints its own
 * explanation of the fault on the console.  The parent reports how the
 * child died and whether that was the expected signal.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include "demo.h"

#define KERNEL_ADDR 0xffff888000000000UL /* the direct map (vmos, Linux) */

struct fault_case {
	const char *name;
	int sig;                /* the signal it must end in */
	void (*provoke)(void);
	const char *what;
};

static const char *case_name; /* the case the child runs, for the handler */

/* code_name - si_code in words for the two fault signals. */
static const char *code_name(int sig, int code)
{
	if (code == SI_KERNEL)
		return "SI_KERNEL";
	if (sig == SIGSEGV)
		return code == SEGV_MAPERR ? "SEGV_MAPERR (no region)"
		       : code == SEGV_ACCERR ? "SEGV_ACCERR (region forbids it)"
					     : "other";
	if (sig == SIGBUS)
		return code == BUS_ADRERR ? "BUS_ADRERR (no such address in the file)"
					  : "other";
	return "other";
}

/* on_fault - report what the signal says, then let it happen again. */
static void on_fault(int sig, siginfo_t *si, void *uc)
{
	char line[200];
	int n = snprintf(line, sizeof(line), "segv: %s: handler got %s, si_code "
			 "%s, si_addr %p\n", case_name,
			 sig == SIGSEGV ? "SIGSEGV" : "SIGBUS",
			 code_name(sig, si->si_code), si->si_addr);

	write(STDOUT_FILENO, line, (size_t)n);
}

static void read_null(void)
{
	printf("segv: null: reading address 0\n");
	fflush(stdout);
	(void)*(volatile int *)0;
}

static void write_text(void)
{
	volatile char *code = (volatile char *)(uintptr_t)write_text;

	printf("segv: write-text: writing to our own code at %p\n", (void *)code);
	fflush(stdout);
	code[0] = (char)0xc3;
}

static void exec_stack(void)
{
	unsigned char ret[16] = { 0xc3 }; /* x86 "ret" */
	void (*fn)(void) = (void (*)(void))(uintptr_t)ret;

	printf("segv: exec-stack: calling code on the stack at %p\n", (void *)ret);
	fflush(stdout);
	fn();
}

static void read_kernel(void)
{
	printf("segv: kernel: reading kernel address %#lx\n", KERNEL_ADDR);
	fflush(stdout);
	(void)*(volatile long *)KERNEL_ADDR;
}

/* guard_thread - touch the byte right below this thread's stack region. */
static void *guard_thread(void *unused)
{
	unsigned long start = 0;
	char line[512];
	int local;

	if (maps_line(&local, line, sizeof(line)) == 0)
		sscanf(line, "%lx-", &start);
	printf("segv: guard: thread stack starts at %#lx; writing the byte below\n",
	       start);
	fflush(stdout);
	*(volatile char *)(start - 1) = 1;
	return NULL;
}

static void touch_guard(void)
{
	pthread_t t;

	pthread_create(&t, NULL, guard_thread, NULL);
	pthread_join(t, NULL);
}

static volatile int forever = 1; /* keeps the compiler from objecting */

static int recurse(int depth)
{
	volatile char frame[4096];

	frame[0] = (char)depth;
	if (!forever)
		return 0;
	return recurse(depth + 1) + frame[0];
}

static void overflow_stack(void)
{
	printf("segv: overflow: recursing forever, 4 KiB a frame\n");
	fflush(stdout);
	recurse(0);
}

static void beyond_eof(void)
{
	const char *path = "/tmp/segv-demo.txt";
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	char *p;

	write(fd, "one short line\n", 15);
	p = mmap(NULL, 2 * PAGE_SIZE_4K, PROT_READ, MAP_SHARED, fd, 0);
	unlink(path);
	printf("segv: sigbus: a 15-byte file mapped as 2 pages; reading page 2\n");
	fflush(stdout);
	(void)*(volatile char *)(p + PAGE_SIZE_4K);
}

static void read_prot_none(void)
{
	char *p = mmap(NULL, PAGE_SIZE_4K, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	printf("segv: protnone: reading a PROT_NONE page at %p\n", (void *)p);
	fflush(stdout);
	(void)*(volatile char *)p;
}

static const struct fault_case cases[] = {
	{ "null", SIGSEGV, read_null, "read address 0 (a NULL pointer)" },
	{ "write-text", SIGSEGV, write_text, "write to the program's code" },
	{ "exec-stack", SIGSEGV, exec_stack, "execute code on the stack (NX)" },
	{ "kernel", SIGSEGV, read_kernel, "read the kernel's half" },
	{ "guard", SIGSEGV, touch_guard, "touch a thread stack's guard page" },
	{ "overflow", SIGSEGV, overflow_stack, "overflow the stack into its guard gap" },
	{ "sigbus", SIGBUS, beyond_eof, "read a file mapping beyond the end of the file" },
	{ "protnone", SIGSEGV, read_prot_none, "read a PROT_NONE page" },
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* child - the handler on an alternate stack, then the fault. */
static void child(const struct fault_case *c)
{
	static char altstack[64 * 1024];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa = { .sa_sigaction = on_fault,
				.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND };

	case_name = c->name;
	sigaltstack(&ss, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	c->provoke();
	printf("segv: %s: no fault!\n", c->name);
	exit(0);
}

/* run_case - fork, run c, report how the child ended; 0 if as expected. */
static int run_case(const struct fault_case *c)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		child(c);
	waitpid(pid, &status, 0);
	if (WIFSIGNALED(status) && WTERMSIG(status) == c->sig) {
		printf("segv: %s: child killed by %s, as expected\n", c->name,
		       strsignal(WTERMSIG(status)));
		return 0;
	}
	printf("segv: %s: UNEXPECTED: child status %#x, expected signal %d\n",
	       c->name, status, c->sig);
	return 1;
}

static void list(void)
{
	printf("usage: segv all | segv NAME...   (each case runs in a child)\n");
	for (size_t i = 0; i < NCASES; i++)
		printf("  %-11s %s\n", cases[i].name, cases[i].what);
}

int main(int argc, char **argv)
{
	int failed = 0, all = argc == 2 && !strcmp(argv[1], "all");

	printf("segv: look at the kernel's explanation of each fault and at the "
	       "si_code and si_addr the handler was given.\n");
	if (argc < 2) { /* a demo of the first case, then the menu */
		failed = run_case(&cases[0]);
		printf("segv: that was `segv %s`; the other cases:\n", cases[0].name);
		list();
		return failed ? 1 : 0;
	}
	for (size_t i = 0; i < NCASES; i++) {
		int wanted = all;

		for (int a = 1; a < argc; a++)
			wanted |= !strcmp(argv[a], cases[i].name);
		if (wanted)
			failed += run_case(&cases[i]);
	}
	return failed ? 1 : 0;
}
