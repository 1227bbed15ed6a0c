/*
 * tests/user/adv.h - what the adversarial programs (tests/user/adv_*.c)
 * share: a raw system call that libc cannot intercept or "fix", the
 * addresses no user pointer may reach, and a child runner that expects a
 * given death.
 */
#ifndef TESTS_USER_ADV_H
#define TESTS_USER_ADV_H

#include <stdint.h>
#include "tap.h"

/* Addresses a user pointer must never reach, or that are not there. */
#define KERNEL_TEXT 0xffffffff80000000ul   /* the kernel image */
#define KERNEL_DIRECT 0xffff888000000000ul /* the kernel's map of all RAM */
#define NONCANON_LOW 0x0000800000000000ul  /* the first non-canonical address */
#define NONCANON_HIGH 0x8000000000000000ul
#define LAST_USER_BYTE 0x00007ffffffffffful

/* sc - the `syscall` instruction itself: the kernel's raw answer, -errno
 * on failure (no errno, no libc wrapper). */
static inline long sc(long nr, long a1, long a2, long a3, long a4, long a5,
		      long a6)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8),
			   "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}
#define SC0(n) sc(n, 0, 0, 0, 0, 0, 0)
#define SC1(n, a) sc(n, (long)(a), 0, 0, 0, 0, 0)
#define SC2(n, a, b) sc(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define SC3(n, a, b, c) sc(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define SC4(n, a, b, c, d) sc(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define SC5(n, a, b, c, d, e) \
	sc(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)
#define SC6(n, a, b, c, d, e, f) \
	sc(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

/* CHECK_RAW - a raw call must give exactly want (a result, or -errno). */
#define CHECK_RAW(call, want)                                              \
	do {                                                               \
		long _r = (call), _w = (long)(want);                       \
		CHECK(_r == _w, "%s gave %ld, expected %ld", #call, _r, _w); \
	} while (0)

/*
 * expect_death - run fn in a child that must die of signal sig (or, if
 * sig is 0, exit 0): one TAP line named name.
 */
static __attribute__((unused)) void expect_death(const char *name,
						 void (*fn)(void), int sig)
{
	char why[80];
	int status = run_child(fn);

	if (status == -1) {
		tap_result(0, name, "fork or waitpid failed");
		return;
	}
	if (sig ? WIFSIGNALED(status) && WTERMSIG(status) == sig
		: WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		tap_result(1, name, NULL);
		return;
	}
	if (WIFSIGNALED(status))
		snprintf(why, sizeof(why), "killed by signal %d, expected %d",
			 WTERMSIG(status), sig);
	else
		snprintf(why, sizeof(why), "exit status %d, expected %s %d",
			 WEXITSTATUS(status), sig ? "signal" : "status", sig);
	tap_result(0, name, why);
}

#endif
