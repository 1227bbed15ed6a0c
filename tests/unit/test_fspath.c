/*
 * tests/unit/test_fspath.c - naming files as text (fs/path.c): the
 * absolute names open() records for /proc/PID/fd and maps.
 */
#include "host.h"
#include "fs/path.h"

static char out[64];

#define JOIN(base, rel, want)                                               \
	do {                                                                \
		assert_true(path_join_lexical(base, rel, out, sizeof(out)));\
		assert_string_equal(out, want);                             \
	} while (0)

static void test_absolute(void **state)
{
	JOIN("/ignored", "/etc/passwd", "/etc/passwd");
	JOIN("/", "/", "/");
	JOIN("/", "//usr///bin//", "/usr/bin");
}

static void test_relative(void **state)
{
	JOIN("/", "etc", "/etc");
	JOIN("/home/user", "file", "/home/user/file");
	JOIN("/home/user/", "./a/./b", "/home/user/a/b");
	JOIN("/tmp", "", "/tmp");
	JOIN("/tmp", ".", "/tmp");
}

static void test_dotdot(void **state)
{
	JOIN("/a/b/c", "..", "/a/b");
	JOIN("/a/b/c", "../../x", "/a/x");
	JOIN("/a", "../../../x", "/x"); /* never above the root */
	JOIN("/", "..", "/");
	JOIN("/a/b", "c/../../d/..", "/a");
	JOIN("/", "..a/.b/...", "/..a/.b/...");
}

static void test_too_long(void **state)
{
	char small[8];

	assert_false(path_join_lexical("/", "/abc/defgh", small, sizeof(small)));
	assert_string_equal(small, "/abc");
	assert_true(path_join_lexical("/", "/abc/de", small, sizeof(small)));
	assert_string_equal(small, "/abc/de");
	assert_false(path_join_lexical("/", "/a", small, 1));
	assert_string_equal(small, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absolute),
		cmocka_unit_test(test_relative),
		cmocka_unit_test(test_dotdot),
		cmocka_unit_test(test_too_long),
	};

	return cmocka_run_group_tests_name("path names", tests,
					   host_group_setup, host_group_teardown);
}
