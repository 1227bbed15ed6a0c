/*
 * tests/unit/test_format.c - the kernel's printf-style formatter
 * (lib/format.c), checked by hand and against the host's snprintf where
 * the two should agree.
 */
#include "host.h"
#include <vmos/format.h>

#include <limits.h>

#define BUF 256

/* ksnprintf into a large buffer must give want, and return its length. */
#define CHECK(want, ...)                                                      \
	do {                                                                  \
		char buf_[BUF];                                               \
		int n_ = ksnprintf(buf_, sizeof(buf_), __VA_ARGS__);          \
		assert_string_equal(buf_, want);                              \
		assert_int_equal(n_, strlen(want));                           \
	} while (0)

/* kfmt - ksnprintf without the format check: for formats the kernel
 * formatter handles on purpose although C would not accept them. */
static int kfmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

#define CHECK_RAW(want, ...)                                                  \
	do {                                                                  \
		char buf_[BUF];                                               \
		int n_ = kfmt(buf_, sizeof(buf_), __VA_ARGS__);               \
		assert_string_equal(buf_, want);                              \
		assert_int_equal(n_, strlen(want));                           \
	} while (0)

/*
 * Both formatters, into a large and into small buffers: same text, same
 * return value (the untruncated length), same truncation.
 */
#define SAME_AS_LIBC(fmt, ...)                                                \
	do {                                                                  \
		static const size_t sizes_[] = { BUF, 6, 2, 1 };             \
		for (unsigned s_ = 0; s_ < ARRAY_SIZE(sizes_); s_++) {       \
			char want_[BUF], got_[BUF];                           \
			int wn_ = snprintf(want_, sizes_[s_], fmt,            \
					   __VA_ARGS__);                      \
			int gn_ = ksnprintf(got_, sizes_[s_], fmt,            \
					    __VA_ARGS__);                     \
			if (wn_ != gn_ || strcmp(want_, got_))                \
				fail_msg("\"%s\" (size %zu): libc \"%s\" "    \
					 "(%d), kernel \"%s\" (%d)",          \
					 fmt, sizes_[s_], want_, wn_, got_,   \
					 gn_);                                \
		}                                                             \
	} while (0)

static void test_each_conversion(void **state)
{
	CHECK("42", "%d", 42);
	CHECK("42", "%i", 42);
	CHECK("42", "%u", 42u);
	CHECK("ff", "%x", 255u);
	CHECK("FF", "%X", 255u);
	CHECK("777", "%o", 511u);
	CHECK("z", "%c", 'z');
	CHECK("text", "%s", "text");
	CHECK("%", "%%");
	CHECK("0", "%d", 0);
	CHECK("0", "%x", 0u);
	CHECK("0", "%o", 0u);
	CHECK("a1b2c", "a%db%dc", 1, 2);
	CHECK("plain text", "plain text");
	CHECK_RAW("", "");
}

static void test_width_and_flags(void **state)
{
	CHECK("   42", "%5d", 42);
	CHECK("42   |", "%-5d|", 42);
	CHECK("00042", "%05d", 42);
	CHECK_RAW("42   |", "%-05d|", 42); /* '-' beats '0' */
	CHECK("42", "%1d", 42);
	CHECK("0000beef", "%08x", 0xbeefu);
	CHECK("  ab", "%4s", "ab");
	CHECK("ab  |", "%-4s|", "ab");
	CHECK("   x", "%4c", 'x');
	CHECK("x   |", "%-4c|", 'x');
	CHECK("    42", "%*d", 6, 42);
	CHECK("42    |", "%*d|", -6, 42); /* a negative '*' width: left */
	CHECK("  ", "%2s", "");
}

static void test_string_precision(void **state)
{
	CHECK("hel", "%.3s", "hello");
	CHECK("hello", "%.10s", "hello");
	CHECK("", "%.0s", "hello");
	CHECK("  hel", "%5.3s", "hello");
	CHECK("hel  |", "%-5.3s|", "hello");
	CHECK("he", "%.*s", 2, "hello");
	CHECK("hello", "%.*s", -1, "hello"); /* negative: no precision */
	CHECK("   he", "%*.*s", 5, 2, "hello");
	/* Precision stops the read: the array need not be terminated. */
	{
		const char abc[3] = { 'a', 'b', 'c' };

		CHECK("abc", "%.3s", abc);
	}
}

static void test_null_string(void **state)
{
	CHECK_RAW("(null)", "%s", (char *)NULL);
	CHECK_RAW("  (null)", "%8s", (char *)NULL);
	CHECK_RAW("(nu", "%.3s", (char *)NULL);
}

static void test_negative_numbers(void **state)
{
	CHECK("-1", "%d", -1);
	CHECK("-42", "%i", -42);
	CHECK("  -42", "%5d", -42);
	CHECK("-42  |", "%-5d|", -42);
	CHECK("-0042", "%05d", -42); /* the sign goes before the zeros */
	CHECK("-2147483648", "%d", INT_MIN);
	CHECK("-9223372036854775808", "%ld", INT64_MIN);
	CHECK("-9223372036854775808", "%lld", (long long)INT64_MIN);
	CHECK_RAW("-128", "%hhd", -128);
	CHECK_RAW("-32768", "%hd", -32768);
	CHECK("ffffffff", "%x", -1);
	CHECK("4294967295", "%u", -1);
}

static void test_length_modifiers(void **state)
{
	CHECK_RAW("-56", "%hhd", 200);    /* truncated to a signed char */
	CHECK_RAW("44", "%hhu", 300);     /* to an unsigned char */
	CHECK_RAW("4464", "%hd", 70000);  /* to a short */
	CHECK_RAW("ffff", "%hx", -1);
	CHECK("18446744073709551615", "%lu", UINT64_MAX);
	CHECK("ffffffffffffffff", "%lx", UINT64_MAX);
	CHECK("ffffffffffffffff1", "%llx%x", (unsigned long long)UINT64_MAX,
	      1u);
	CHECK("18446744073709551615", "%zu", SIZE_MAX);
	CHECK("9223372036854775807", "%ld", INT64_MAX);
	CHECK("1777777777777777777777", "%lo", UINT64_MAX);
	/* A 64-bit argument is not mixed up with the next one. */
	CHECK("1 2 3", "%ld %d %lu", 1L, 2, 3UL);
}

static void test_pointer(void **state)
{
	CHECK("0x0000000000001234", "%p", (void *)0x1234);
	CHECK("0x0000000000000000", "%p", NULL);
	CHECK("0xffff888000000000", "%p", (void *)DIRECT_MAP_BASE);
	CHECK("[0xffffffff80100000]", "[%p]", (void *)0xffffffff80100000ul);
}

/* The return value is the untruncated length; the buffer ends in NUL. */
static void test_truncation(void **state)
{
	char buf[16];

	memset(buf, 'X', sizeof(buf));
	assert_int_equal(ksnprintf(buf, 5, "hello world"), 11);
	assert_string_equal(buf, "hell");
	assert_int_equal(buf[5], 'X'); /* nothing beyond size */

	assert_int_equal(ksnprintf(buf, 1, "hello"), 5);
	assert_string_equal(buf, "");

	memset(buf, 'X', sizeof(buf));
	assert_int_equal(ksnprintf(buf, 0, "hello %d", 42), 8);
	assert_int_equal(buf[0], 'X'); /* size 0: not even a NUL */
	assert_int_equal(ksnprintf(NULL, 0, "%s", "abc"), 3);

	assert_int_equal(ksnprintf(buf, 4, "%d", -123456), 7);
	assert_string_equal(buf, "-12");
	assert_int_equal(ksnprintf(buf, 4, "%8s", "x"), 8);
	assert_string_equal(buf, "   ");
	assert_int_equal(ksnprintf(buf, 6, "%p", (void *)1), 18);
	assert_string_equal(buf, "0x000");
	assert_int_equal(ksnprintf(buf, 6, "ab%%cd%%"), 6);
	assert_string_equal(buf, "ab%cd");
}

static void test_exact_fit(void **state)
{
	char buf[6];

	assert_int_equal(ksnprintf(buf, sizeof(buf), "%s", "hello"), 5);
	assert_string_equal(buf, "hello");
	assert_int_equal(ksnprintf(buf, sizeof(buf), "%s", "hello!"), 6);
	assert_string_equal(buf, "hello");
}

/* What the kernel formatter does not support is printed as written. */
static void test_unknown_conversions(void **state)
{
	CHECK_RAW("%y", "%y");
	CHECK_RAW("%y", "%5y");
	CHECK_RAW("a%qb", "a%qb");
	CHECK_RAW("%+d 1", "%+d %d", 1); /* no '+' flag: the argument is unused */
	CHECK_RAW("%#x", "%#x");
	CHECK_RAW("abc", "abc%");  /* a lone '%' at the end */
	CHECK_RAW("abc", "abc%-5");
	CHECK_RAW("abc", "abc%l");
	CHECK_RAW("abc", "abc%hh");
	CHECK_RAW("abc", "abc%.");
	CHECK_RAW("%|1", "%5%|%d", 1); /* a width on %% is ignored */
}

/* Widths too large for an int must not overflow (UBSan watches). */
static void test_absurd_widths(void **state)
{
	char buf[8];
	const char *huge = "%99999999999d|";
	const char *huge_prec = "%.99999999999s|";
	int n;

	n = kfmt(buf, sizeof(buf), "%*d|", INT_MIN, 1);
	assert_true(n > 2);
	assert_string_equal(buf, "1      ");
	n = kfmt(buf, sizeof(buf), huge, 1);
	assert_true(n > 2);
	assert_string_equal(buf, "       ");
	n = kfmt(buf, sizeof(buf), huge_prec, "abc");
	assert_int_equal(n, 4);
	assert_string_equal(buf, "abc|");
}

static void test_same_as_libc_int(void **state)
{
	static const char *const fmts[] = {
		"%d", "%i", "%5d", "%-5d|", "%05d", "%-05d|", "%1d", "%12d",
		"%u", "%x", "%X", "%o", "%08x", "%-8X|", "%010o", "%hhd",
		"%hhu", "%hd", "%hu", "%hx", "%hhx", "<%3d>", "%d%%",
	};
	static const int vals[] = { 0,	  1,	 -1,	   42,	     -42,
				    255,  256,	 65535,	   -32768,   123456789,
				    INT_MAX, INT_MIN, 0x7f, -0x80 };

	for (unsigned f = 0; f < ARRAY_SIZE(fmts); f++)
		for (unsigned v = 0; v < ARRAY_SIZE(vals); v++)
			SAME_AS_LIBC(fmts[f], vals[v]);
}

static void test_same_as_libc_long(void **state)
{
	static const char *const fmts[] = {
		"%ld",	"%lu",	 "%lx",	    "%lX",     "%lo",	   "%lld",
		"%llu", "%llx",	 "%zu",	    "%zx",     "%zd",	   "%20ld",
		"%-20ld|", "%020ld", "%-24lu|", "%024lx",
	};
	static const long vals[] = { 0,		 1,	    -1,
				     INT64_MIN,	 INT64_MAX, 1L << 40,
				     -(1L << 40), 0xdeadbeefL, 1000000007 };

	for (unsigned f = 0; f < ARRAY_SIZE(fmts); f++)
		for (unsigned v = 0; v < ARRAY_SIZE(vals); v++)
			SAME_AS_LIBC(fmts[f], vals[v]);
}

static void test_same_as_libc_string(void **state)
{
	static const char *const fmts[] = {
		"%s", "%10s", "%-10s|", "%.3s", "%10.3s", "%-10.3s|", "%.0s",
		"%.10s", "[%s]", "%1s",
	};
	static const char *const vals[] = { "", "a", "hello",
					    "a rather longer string" };

	for (unsigned f = 0; f < ARRAY_SIZE(fmts); f++)
		for (unsigned v = 0; v < ARRAY_SIZE(vals); v++)
			SAME_AS_LIBC(fmts[f], vals[v]);
}

static void test_same_as_libc_misc(void **state)
{
	static const int chars[] = { 'a', 'Z', ' ', '~' };

	for (unsigned c = 0; c < ARRAY_SIZE(chars); c++) {
		SAME_AS_LIBC("%c", chars[c]);
		SAME_AS_LIBC("%3c|", chars[c]);
		SAME_AS_LIBC("%-3c|", chars[c]);
	}
	for (int w = -8; w <= 8; w++) {
		SAME_AS_LIBC("%*d|", w, 42);
		SAME_AS_LIBC("%*s|", w, "ab");
		SAME_AS_LIBC("%.*s|", w, "abcdef");
		SAME_AS_LIBC("%*.*s|", w, 3, "abcdef");
	}
	SAME_AS_LIBC("%s %d %x %c %lu", "mix", -7, 0xabcu, 'q', 99UL);
	SAME_AS_LIBC("100%% %s", "done");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_conversion),
		cmocka_unit_test(test_width_and_flags),
		cmocka_unit_test(test_string_precision),
		cmocka_unit_test(test_null_string),
		cmocka_unit_test(test_negative_numbers),
		cmocka_unit_test(test_length_modifiers),
		cmocka_unit_test(test_pointer),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_exact_fit),
		cmocka_unit_test(test_unknown_conversions),
		cmocka_unit_test(test_absurd_widths),
		cmocka_unit_test(test_same_as_libc_int),
		cmocka_unit_test(test_same_as_libc_long),
		cmocka_unit_test(test_same_as_libc_string),
		cmocka_unit_test(test_same_as_libc_misc),
	};

	return cmocka_run_group_tests_name("lib/format", tests,
					   host_group_setup,
					   host_group_teardown);
}
