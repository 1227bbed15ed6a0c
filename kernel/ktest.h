/*
 * kernel/ktest.h - in-kernel self-tests, selected with ktest=NAME[,NAME...]
 * (or ktest=all) on the command line.
 *
 * Each test prints TAP on the console ("ok 3 - description"), and the run
 * ends with the kernel powering off: status 0 if every check passed, 1 if
 * any failed (QEMU exit codes 1 and 3 under isa-debug-exit).  Tests that
 * must show a crash (ktest=stack_overflow) end in a panic instead, and the
 * harness checks the panic message.
 */
#ifndef KERNEL_KTEST_H
#define KERNEL_KTEST_H

#include <vmos/types.h>

struct ktest {
	const char *name;
	const char *summary;
	void (*run)(void);
	bool in_all; /* part of ktest=all (crash tests are not) */
};

/*
 * KTEST - register run as the self-test ktest=name, from the file that
 * defines it (as KUnit's suites): the entry goes into the linker section
 * .ktests, which linker.ld gathers between __ktests_start and
 * __ktests_end; the runner finds every test there, in link order.  in_all:
 * part of ktest=all (crash tests are not).
 */
#define KTEST(run_, name_, summary_, in_all_)                                 \
	static const struct ktest ktest_entry_##run_                         \
		__attribute__((used, section(".ktests"), aligned(8))) = {     \
			.name = name_, .summary = summary_, .run = run_,     \
			.in_all = in_all_,                                   \
		}

extern const struct ktest __ktests_start[], __ktests_end[];

/* ktest_run - run the listed tests; returns the exit status (0 or 1). */
int ktest_run(const char *list);

/* ktest_check - one TAP line; returns cond. */
__printf(2, 3) bool ktest_check(bool cond, const char *fmt, ...);
/* ktest_diag - a "# ..." TAP comment line. */
__printf(1, 2) void ktest_diag(const char *fmt, ...);

struct catcher;
/*
 * ktest_catch - run fn(arg) with a catcher armed: returns true if it
 * trapped or panicked (details in *c), false if it returned normally.
 */
bool ktest_catch(struct catcher *c, void (*fn)(void *), void *arg);

/* ktest_skip - a TAP "ok N # SKIP reason" line. */
__printf(1, 2) void ktest_skip(const char *fmt, ...);

#define KTEST_EXPECT(cond, ...) ktest_check((cond), __VA_ARGS__)
#define KTEST_EQ(a, b, what)                                                \
	do {                                                                \
		u64 _a = (u64)(a), _b = (u64)(b);                           \
		if (!ktest_check(_a == _b, "%s", what))                     \
			ktest_diag("  got 0x%lx, expected 0x%lx", _a, _b);  \
	} while (0)

#endif
