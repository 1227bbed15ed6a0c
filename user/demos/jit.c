/*
 * user/demos/jit.c - code written at run time, and the NX bit.
 *
 * Writes x86-64 machine code for "return a * b + 1" into an anonymous
 * read-write page.  Calling it there fails: the page is not executable
 * (NX), and the SIGSEGV is caught.  After mprotect(PROT_READ | PROT_EXEC)
 * the same bytes run and return the result.
 */
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include "demo.h"

/* int f(int a, int b) { return a * b + 1; } in the System V ABI */
static const unsigned char code[] = {
	0x89, 0xf8,       /* mov  eax, edi */
	0x0f, 0xaf, 0xc6, /* imul eax, esi */
	0x83, 0xc0, 0x01, /* add  eax, 1   */
	0xc3,             /* ret           */
};

static sigjmp_buf back;
static void *fault_addr;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	fault_addr = si->si_addr;
	siglongjmp(back, 1);
}

/* try_call - call fn(6, 7); returns 0 and *result, or -1 on SIGSEGV. */
static int try_call(int (*fn)(int, int), int *result)
{
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };

	sigaction(SIGSEGV, &sa, NULL);
	if (sigsetjmp(back, 1))
		return -1;
	*result = fn(6, 7);
	return 0;
}

int main(void)
{
	unsigned char *page = mmap(NULL, PAGE_SIZE_4K, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int (*fn)(int, int) = (int (*)(int, int))(uintptr_t)page;
	int result = 0;

	printf("jit: look how the same bytes fault while the page is rw- and run "
	       "once it is r-x.\n");
	if (page == MAP_FAILED)
		return 1;
	memcpy(page, code, sizeof(code));
	printf("jit: wrote %zu bytes of code at %p (rw-)\n", sizeof(code),
	       (void *)page);
	if (try_call(fn, &result) < 0)
		printf("jit: calling it: SIGSEGV at %p: the page is not executable\n",
		       fault_addr);
	else
		printf("jit: calling it ran (no NX?): %d\n", result);
	if (mprotect(page, PAGE_SIZE_4K, PROT_READ | PROT_EXEC) < 0)
		return 1;
	if (try_call(fn, &result) < 0) {
		printf("jit: after mprotect(r-x): still SIGSEGV at %p\n", fault_addr);
		return 1;
	}
	printf("jit: after mprotect(PROT_READ | PROT_EXEC): f(6, 7) = 6 * 7 + 1 = %d\n",
	       result);
	return 0;
}
