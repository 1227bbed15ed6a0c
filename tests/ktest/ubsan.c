/*
 * tests/ktest/ubsan.c - ktest=ubsan: undefined behaviour on purpose, and
 * the checked kernel's reports of it (kernel/ubsan.c).  Not in ktest=all:
 * its reports would fail every log they appear in.  The harness runs it
 * on the checked kernel (check/ktest-ubsan) and also reads the reports.
 *
 * Each case does one undefined thing whose hardware result is harmless
 * (x86 wraps the overflow, masks the shift count, reads the misaligned
 * word), on volatile operands so that the compiler cannot fold or drop it,
 * and checks that a report of the right kind and line came.
 */
#include "kernel/ktest.h"
#include <vmos/string.h>
#ifdef CONFIG_UBSAN
#include "kernel/ubsan.h"
#include <limits.h>

static volatile int int_max = INT_MAX, int_min = INT_MIN, forty = 40;
static volatile int index_four = 4, one = 1;
static volatile u8 raw_two = 2;

/* expect - did the undefined thing at line give a report of kind?
 * (An index past an array is also an access past the object: two.) */
static void expect(unsigned before, const char *kind, u32 line)
{
	bool ok = ubsan_report_count() > before &&
		  ubsan_was_reported(kind, __FILE__, line);

	if (!ktest_check(ok, "%s at line %u is reported", kind, line))
		ktest_diag("  %u report(s) since", ubsan_report_count() - before);
}

static __attribute__((noinline)) void signed_overflow(void)
{
	unsigned n = ubsan_report_count();
	volatile int r;

	r = int_max + 1; expect(n, "signed-integer-overflow", __LINE__);
	n = ubsan_report_count();
	r = -int_min; expect(n, "signed-integer-overflow", __LINE__);
	(void)r;
}

static __attribute__((noinline)) void shift_too_far(void)
{
	unsigned n = ubsan_report_count();
	volatile u32 r;

	r = 1u << forty; expect(n, "shift-out-of-bounds", __LINE__);
	(void)r;
}

static __attribute__((noinline)) void index_out_of_bounds(void)
{
	unsigned n = ubsan_report_count();
	int a[4] = { 1, 2, 3, 4 };
	volatile int r;

	r = a[index_four]; expect(n, "array-index-out-of-bounds", __LINE__);
	(void)r;
}

static __attribute__((noinline)) void misaligned_load(void)
{
	unsigned n = ubsan_report_count();
	u64 words[2] = { 0, 0 };
	u32 *volatile p = (u32 *)((char *)words + 1);
	volatile u32 r;

	r = *p; expect(n, "misaligned-access", __LINE__);
	(void)r;
}

static __attribute__((noinline)) void invalid_bool(void)
{
	unsigned n = ubsan_report_count();
	u8 raw = raw_two;
	bool b;
	volatile bool r;

	memcpy(&b, &raw, 1); /* a bool holding 2: neither true nor false */
	r = *(volatile bool *)&b; expect(n, "invalid-load", __LINE__);
	(void)r;
}

/* One report per source location: the loop's overflow is reported once. */
static __attribute__((noinline)) void reported_once(void)
{
	unsigned n = ubsan_report_count();
	volatile int r;

	for (int i = 0; i < 3; i++)
		r = int_max + one;
	(void)r;
	ktest_check(ubsan_report_count() == n + 1,
		    "an overflow repeated 3 times at one place is reported once "
		    "(%u reports)", ubsan_report_count() - n);
}

static void ktest_ubsan(void)
{
	signed_overflow();
	shift_too_far();
	index_out_of_bounds();
	misaligned_load();
	invalid_bool();
	reported_once();
}
#else
static void ktest_ubsan(void)
{
	ktest_skip("this kernel is not built with -fsanitize=undefined "
		   "(the checked kernel, build/kernel-check.elf, is)");
}
#endif

KTEST(ktest_ubsan, "ubsan",
      "undefined behaviour on purpose: the checked kernel reports it", false);
