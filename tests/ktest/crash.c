/*
 * tests/ktest/crash.c - self-tests that end in a panic on purpose, to show
 * what a student sees when the kernel has a bug.  They are not in
 * ktest=all; the harness checks the panic text and exit code 255.
 *
 *   ktest=stack_overflow  unbounded recursion runs into the guard page
 *                         below the stack: #PF, then #DF on its IST stack
 *   ktest=null_deref      a write through a NULL pointer
 *   ktest=smep            the kernel calls code in a user page
 *   ktest=smap            the kernel reads a user page without
 *                         copy_from_user (which opens the window with stac)
 *   ktest=stack_smash     a local buffer overflows over the stack canary
 */
#include "kernel/ktest.h"
#include <vmos/printk.h>
#include "tests/ktest/ktest_util.h"
#include <asm/arch.h>

/* Each level keeps 512 bytes live, so the recursion cannot be optimised
 * into a loop and the stack really grows. */
static volatile u64 recursion_limit = ~0ull; /* never reached */

static __attribute__((noinline)) u64 recurse(u64 depth)
{
	volatile u8 frame[512];

	frame[depth % sizeof(frame)] = (u8)depth;
	if (depth == recursion_limit)
		return 0;
	return recurse(depth + 1) + frame[(depth * 7) % sizeof(frame)];
}

static void ktest_stack_overflow(void)
{
	ktest_diag("recursing until the stack hits its guard page...");
	recurse(0);
}

KTEST(ktest_stack_overflow, "stack_overflow",
      "overflow the kernel stack: expect a double-fault panic", false);

struct list_node {
	struct list_node *next;
	u64 value;
};

static void ktest_null_deref(void)
{
	struct list_node *volatile head = NULL;

	ktest_diag("writing through a NULL list pointer...");
	head->value = 1;
}

KTEST(ktest_null_deref, "null_deref",
      "write through NULL: expect a page-fault panic", false);

/* With SMEP the kernel may not run user code: a bug (a corrupted function
 * pointer) or an exploit that jumps into user memory stops here.  Without
 * SMEP (-cpu qemu64) the call returns, and the test says so and fails. */
static void ktest_smep(void)
{
	if (!cpu_features.smep)
		ktest_diag("this CPU has no SMEP: the call will succeed");
	user_space_enter();
	ktest_diag("calling code in a user page from the kernel...");
	((void (*)(void))USER_TEST_VA)();
	ktest_check(false, "the kernel ran a user page and nothing stopped it");
}

KTEST(ktest_smep, "smep",
      "the kernel calls a user page: expect an SMEP panic", false);

/* With SMAP the kernel may touch user memory only inside the user-copy
 * functions: a plain dereference of a user pointer faults. */
static void ktest_smap(void)
{
	if (!cpu_features.smap)
		ktest_diag("this CPU has no SMAP: the read will succeed");
	user_space_enter();
	ktest_diag("reading a user page without copy_from_user...");
	ktest_diag("read 0x%x", *(volatile u8 *)USER_TEST_VA);
	ktest_check(false, "the kernel read a user page and nothing stopped it");
}

KTEST(ktest_smap, "smap",
      "the kernel reads a user page: expect an SMAP panic", false);

/* Writes n bytes into a 16-byte local array: past its end lies the canary
 * (the compiler puts arrays next to it), then the saved rbp and the
 * return address.  The canary check before `ret` must catch it. */
static __attribute__((noinline)) void overflow_local(size_t n)
{
	char buf[16];
	volatile char *p = buf; /* hides the overflow from the compiler */

	for (size_t i = 0; i < n; i++)
		p[i] = 'A';
}

static volatile size_t smash_bytes = 64; /* 48 bytes too many */

static void ktest_stack_smash(void)
{
	ktest_diag("writing %zu bytes into a 16-byte stack buffer...",
		   smash_bytes);
	overflow_local(smash_bytes);
	ktest_check(false, "the overflow went unnoticed");
}

KTEST(ktest_stack_smash, "stack_smash",
      "overflow a stack buffer: expect a stack-protector panic", false);
