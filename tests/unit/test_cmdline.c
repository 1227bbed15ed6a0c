/*
 * tests/unit/test_cmdline.c - splitting the kernel command line
 * (kernel/cmdline.c).
 */
#include "host.h"
#include "kernel/cmdline.h"

static struct cmdline cl; /* 2 KiB: kept off the stack */

/* The nopts options must be exactly the key, value pairs of want. */
static void check_opts(const char *const *want, unsigned n)
{
	assert_int_equal(cl.nopts, n);
	for (unsigned i = 0; i < n; i++) {
		assert_string_equal(cl.opts[i].key, want[2 * i]);
		assert_string_equal(cl.opts[i].value, want[2 * i + 1]);
	}
}

#define CHECK_OPTS(...)                                                       \
	do {                                                                  \
		const char *const want[] = { __VA_ARGS__ };                   \
		check_opts(want, ARRAY_SIZE(want) / 2);                       \
	} while (0)

/* init's argv must be exactly want, NULL-terminated. */
static void check_argv(const char *const *want, unsigned n)
{
	assert_int_equal(cl.init_argc, n);
	for (unsigned i = 0; i < n; i++)
		assert_string_equal(cl.init_argv[i], want[i]);
	assert_null(cl.init_argv[n]);
	if (n)
		assert_ptr_equal(cl.init, cl.init_argv[0]);
}

#define CHECK_ARGV(...)                                                       \
	do {                                                                  \
		const char *const want[] = { __VA_ARGS__ };                   \
		check_argv(want, ARRAY_SIZE(want));                           \
	} while (0)

static void check_empty(void)
{
	assert_int_equal(cl.nopts, 0);
	assert_null(cl.init);
	assert_int_equal(cl.init_argc, 0);
	assert_null(cl.init_argv[0]);
	assert_int_equal(cl.dropped, 0);
	assert_null(cmdline_get(&cl, "quiet"));
}

static void test_empty_and_null(void **state)
{
	cmdline_parse(&cl, NULL);
	check_empty();
	cmdline_parse(&cl, "");
	check_empty();
	cmdline_parse(&cl, "  \t \n\r ");
	check_empty();
}

static void test_flags_and_values(void **state)
{
	cmdline_parse(&cl, "quiet loglevel=4 ktest=frames,nx");
	CHECK_OPTS("quiet", "", "loglevel", "4", "ktest", "frames,nx");
	assert_string_equal(cmdline_get(&cl, "quiet"), "");
	assert_string_equal(cmdline_get(&cl, "loglevel"), "4");
	assert_string_equal(cmdline_get(&cl, "ktest"), "frames,nx");
	assert_null(cmdline_get(&cl, "missing"));
	assert_null(cmdline_get(&cl, "log")); /* no prefix matches */
	assert_null(cmdline_get(&cl, "loglevel=4"));
	assert_null(cl.init);
}

static void test_separators(void **state)
{
	cmdline_parse(&cl, "\t a=1\n\nb  \r c=3 ");
	CHECK_OPTS("a", "1", "b", "", "c", "3");
}

static void test_odd_values(void **state)
{
	cmdline_parse(&cl, "empty= eq=a=b =x");
	CHECK_OPTS("empty", "", "eq", "a=b", "", "x");
}

static void test_last_occurrence_wins(void **state)
{
	cmdline_parse(&cl, "a=1 b=1 a=2 b=2 b");
	assert_string_equal(cmdline_get(&cl, "a"), "2");
	assert_string_equal(cmdline_get(&cl, "b"), ""); /* last: a flag */
	cmdline_parse(&cl, "loglevel=7 loglevel=3");
	assert_int_equal(cmdline_get_uint(&cl, "loglevel", 0), 3);
}

static void test_quotes(void **state)
{
	cmdline_parse(&cl, "msg=\"hello world\" \"odd key\"=v x\"y z\"w");
	CHECK_OPTS("msg", "hello world", "odd key", "v", "xy zw", "");
	cmdline_parse(&cl, "a=\"\" b=\"=\"");
	CHECK_OPTS("a", "", "b", "=");
	/* An unterminated quote runs to the end of the line. */
	cmdline_parse(&cl, "a=1 msg=\"one two   three");
	CHECK_OPTS("a", "1", "msg", "one two   three");
}

static void test_init_and_its_arguments(void **state)
{
	cmdline_parse(&cl, "quiet init=/bin/prog -v file x=1 loglevel=3");
	CHECK_OPTS("quiet", "");
	assert_string_equal(cl.init, "/bin/prog");
	CHECK_ARGV("/bin/prog", "-v", "file", "x=1", "loglevel=3");
	/* Words after init= are init's, even ones that look like options. */
	assert_null(cmdline_get(&cl, "loglevel"));
	assert_null(cmdline_get(&cl, "x"));
	assert_int_equal(cl.dropped, 0);
}

static void test_init_edge_cases(void **state)
{
	cmdline_parse(&cl, "init=/bin/sh");
	CHECK_ARGV("/bin/sh");
	assert_int_equal(cl.nopts, 0);

	cmdline_parse(&cl, "init=/a init=/b"); /* the second is an argument */
	CHECK_ARGV("/a", "init=/b");

	cmdline_parse(&cl, "init=/bin/echo \"hello world\" 'x'");
	CHECK_ARGV("/bin/echo", "hello world", "'x'");

	/* Without a path, init is an ordinary option. */
	cmdline_parse(&cl, "init= a=1");
	assert_null(cl.init);
	assert_int_equal(cl.init_argc, 0);
	CHECK_OPTS("init", "", "a", "1");
	cmdline_parse(&cl, "init a=1");
	assert_null(cl.init);
	CHECK_OPTS("init", "", "a", "1");
	cmdline_parse(&cl, "initrd=/x init2=/y");
	assert_null(cl.init);
	CHECK_OPTS("initrd", "/x", "init2", "/y");
}

static void test_too_many_options(void **state)
{
	char line[CMDLINE_MAX];
	size_t len = 0;

	for (int i = 0; i < CMDLINE_MAX_OPTS + 8; i++)
		len += snprintf(line + len, sizeof(line) - len, "o%d=%d ", i, i);
	cmdline_parse(&cl, line);
	assert_int_equal(cl.nopts, CMDLINE_MAX_OPTS);
	assert_int_equal(cl.dropped, 8);
	assert_string_equal(cl.opts[0].key, "o0");
	assert_string_equal(cl.opts[CMDLINE_MAX_OPTS - 1].key, "o31");
	assert_null(cmdline_get(&cl, "o32"));
}

static void test_too_many_init_args(void **state)
{
	char line[CMDLINE_MAX];
	size_t len = snprintf(line, sizeof(line), "a init=/x");

	for (int i = 1; i < CMDLINE_MAX_ARGS + 9; i++)
		len += snprintf(line + len, sizeof(line) - len, " %d", i);
	cmdline_parse(&cl, line);
	assert_int_equal(cl.init_argc, CMDLINE_MAX_ARGS);
	assert_int_equal(cl.dropped, 9);
	assert_string_equal(cl.init_argv[0], "/x");
	assert_string_equal(cl.init_argv[CMDLINE_MAX_ARGS - 1], "31");
	assert_null(cl.init_argv[CMDLINE_MAX_ARGS]);
	CHECK_OPTS("a", "");
}

/* A line longer than CMDLINE_MAX is cut, never overflowing. */
static void test_over_long_line(void **state)
{
	char *line = malloc(3 * CMDLINE_MAX);

	assert_non_null(line);
	memset(line, 'v', 3 * CMDLINE_MAX - 1);
	line[3 * CMDLINE_MAX - 1] = '\0';
	memcpy(line, "a=1 k=", 6);
	cmdline_parse(&cl, line);
	CHECK_OPTS("a", "1", "k", cmdline_get(&cl, "k"));
	assert_int_equal(strlen(cmdline_get(&cl, "k")), CMDLINE_MAX - 1 - 6);

	/* Many short words: the cut and the dropped words both stay safe. */
	for (size_t i = 0; i < 3 * CMDLINE_MAX - 1; i++)
		line[i] = i % 2 ? ' ' : 'x';
	cmdline_parse(&cl, line);
	assert_int_equal(cl.nopts, CMDLINE_MAX_OPTS);
	assert_int_equal(cl.dropped, CMDLINE_MAX / 2 - CMDLINE_MAX_OPTS);
	free(line);
}

static void test_reparse_forgets(void **state)
{
	cmdline_parse(&cl, "a=1 init=/x y");
	cmdline_parse(&cl, "b=2");
	CHECK_OPTS("b", "2");
	assert_null(cl.init);
	assert_int_equal(cl.init_argc, 0);
	assert_null(cl.init_argv[0]);
	assert_null(cmdline_get(&cl, "a"));
}

static void test_get_uint(void **state)
{
	cmdline_parse(&cl, "zero=0 n=42 lead=007 flag empty= neg=-1 plus=+1 "
			   "hex=0x10 junk=12a space=\"1 2\" "
			   "big=1844674407370955161 max=18446744073709551615 "
			   "over=18446744073709551616 huge=99999999999999999999");
	assert_int_equal(cmdline_get_uint(&cl, "zero", 9), 0);
	assert_int_equal(cmdline_get_uint(&cl, "n", 9), 42);
	assert_int_equal(cmdline_get_uint(&cl, "lead", 9), 7);
	assert_int_equal(cmdline_get_uint(&cl, "missing", 9), 9);
	assert_int_equal(cmdline_get_uint(&cl, "flag", 9), 9);
	assert_int_equal(cmdline_get_uint(&cl, "empty", 9), 9);
	assert_int_equal(cmdline_get_uint(&cl, "neg", 9), 9);
	assert_int_equal(cmdline_get_uint(&cl, "plus", 9), 9);
	assert_int_equal(cmdline_get_uint(&cl, "hex", 9), 9);
	assert_int_equal(cmdline_get_uint(&cl, "junk", 9), 9);
	assert_int_equal(cmdline_get_uint(&cl, "space", 9), 9);
	assert_int_equal(cmdline_get_uint(&cl, "big", 9),
			 1844674407370955161ull);
	assert_int_equal(cmdline_get_uint(&cl, "max", 9), UINT64_MAX);
	assert_int_equal(cmdline_get_uint(&cl, "over", 9), 9);
	assert_int_equal(cmdline_get_uint(&cl, "huge", 9), 9);
}

static void test_list_has(void **state)
{
	assert_true(cmdline_list_has("frames,nx", "frames"));
	assert_true(cmdline_list_has("frames,nx", "nx"));
	assert_true(cmdline_list_has("all", "all"));
	assert_true(cmdline_list_has("a,b,c", "b"));
	assert_true(cmdline_list_has(",a,", "a"));
	assert_true(cmdline_list_has("nx,", "nx"));
	/* Prefixes and extensions are different words. */
	assert_false(cmdline_list_has("frames", "frame"));
	assert_false(cmdline_list_has("frame", "frames"));
	assert_false(cmdline_list_has("frames,nx", "n"));
	assert_false(cmdline_list_has("frames,nx", "nxx"));
	assert_false(cmdline_list_has("frames,nx", "frames,nx"));
	assert_false(cmdline_list_has("", "a"));
	assert_false(cmdline_list_has(NULL, "a"));
	assert_false(cmdline_list_has("a,b", "A"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_and_null),
		cmocka_unit_test(test_flags_and_values),
		cmocka_unit_test(test_separators),
		cmocka_unit_test(test_odd_values),
		cmocka_unit_test(test_last_occurrence_wins),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_init_and_its_arguments),
		cmocka_unit_test(test_init_edge_cases),
		cmocka_unit_test(test_too_many_options),
		cmocka_unit_test(test_too_many_init_args),
		cmocka_unit_test(test_over_long_line),
		cmocka_unit_test(test_reparse_forgets),
		cmocka_unit_test(test_get_uint),
		cmocka_unit_test(test_list_has),
	};

	return cmocka_run_group_tests_name("kernel/cmdline", tests,
					   host_group_setup,
					   host_group_teardown);
}
