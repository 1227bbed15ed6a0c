/*
 * user/demos/stack.c - the stack grows on demand, up to a limit.
 *
 * Recurses with 16 KiB frames and prints the size of the [stack] region
 * of /proc/self/maps every MiB: the kernel extends the region at each
 * fault below it (expand_stack).  At RLIMIT_STACK it stops; the next
 * touch faults in the gap below the stack, and the SIGSEGV is caught by
 * a handler running on an alternate stack (sigaltstack), since the
 * normal one is full.
 */
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include "demo.h"

#define FRAME   (16 * 1024)
#define EVERY   (1024 * 1024 / FRAME) /* frames per MiB */
#define LIMIT   (8UL << 20)

static sigjmp_buf back;
static void *volatile fault_addr;
static volatile int deepest;
static volatile int forever = 1; /* keeps the compiler from objecting */

/* stack_region - the [stack] line's range; 0, or -1 if there is none. */
static int stack_region(unsigned long *start, unsigned long *end)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	int found = -1;

	while (f && found && fgets(line, sizeof(line), f))
		if (strstr(line, "[stack]") &&
		    sscanf(line, "%lx-%lx", start, end) == 2)
			found = 0;
	if (f)
		fclose(f);
	return found;
}

static void report(int depth)
{
	unsigned long start, end;

	if (stack_region(&start, &end) == 0)
		printf("stack: depth %4d (%5d KiB of frames): [stack] %#lx-%#lx, "
		       "%lu KiB\n", depth, depth * FRAME / 1024, start, end,
		       (end - start) >> 10);
}

static int recurse(int depth)
{
	volatile char frame[FRAME];

	frame[0] = (char)depth;
	deepest = depth;
	if (depth % EVERY == 0)
		report(depth);
	if (!forever)
		return 0;
	return recurse(depth + 1) + frame[0];
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	fault_addr = si->si_addr;
	siglongjmp(back, 1);
}

/* catch_overflow - SIGSEGV on an alternate stack, to come back here. */
static void catch_overflow(void)
{
	static char altstack[64 * 1024];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa = { .sa_sigaction = on_segv,
				.sa_flags = SA_SIGINFO | SA_ONSTACK };

	sigaltstack(&ss, NULL);
	sigaction(SIGSEGV, &sa, NULL);
}

int main(void)
{
	struct rlimit rl;
	unsigned long start, end;

	printf("stack: look how the [stack] region grows as the recursion deepens, "
	       "until the limit, where the overflow is caught on an alternate stack.\n");
	getrlimit(RLIMIT_STACK, &rl);
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > LIMIT) {
		rl.rlim_cur = LIMIT;
		setrlimit(RLIMIT_STACK, &rl);
	}
	printf("stack: RLIMIT_STACK is %lu KiB\n", (unsigned long)rl.rlim_cur >> 10);
	catch_overflow();
	if (sigsetjmp(back, 1) == 0)
		return recurse(0);
	if (stack_region(&start, &end) < 0)
		return 1;
	printf("stack: overflow caught on the alternate stack: SIGSEGV at %p, "
	       "%lu KiB below the [stack] region %#lx-%#lx (%lu KiB) at depth %d\n",
	       fault_addr, (start - (unsigned long)fault_addr) >> 10, start, end,
	       (end - start) >> 10, deepest);
	return 0;
}
