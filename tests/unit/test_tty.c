/*
 * tests/unit/test_tty.c - the terminal line discipline (fs/tty_ldisc.c):
 * what typed bytes become, what is echoed, when a read may return.
 */
#include "host.h"
#include "fs/tty_ldisc.h"
#include "kernel/signal.h"

#define ECHO_MAX 65536

static struct ldisc ld; /* 8 KiB: kept off the stack */
static char echoed[ECHO_MAX];
static size_t echoed_len;
static int last_signal;
static unsigned wakes;

static void capture_echo(void *arg, const char *s, size_t n)
{
	assert_true(echoed_len + n < ECHO_MAX);
	memcpy(echoed + echoed_len, s, n);
	echoed_len += n;
	echoed[echoed_len] = '\0';
}

static int setup(void **state)
{
	ldisc_init(&ld, capture_echo, NULL);
	echoed_len = 0;
	echoed[0] = '\0';
	last_signal = 0;
	wakes = 0;
	return 0;
}

/* type - feed the bytes of s (n of them) as if typed. */
static void type_n(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct ldisc_result r;

		ldisc_receive(&ld, (u8)s[i], &r);
		if (r.signal)
			last_signal = r.signal;
		if (r.wake)
			wakes++;
	}
}

static void type(const char *s)
{
	type_n(s, strlen(s));
}

/* read_str - one read of at most n bytes, as a string. */
static const char *read_str(size_t n)
{
	static char buf[LDISC_BUF_SIZE + 1];
	size_t got;

	assert_true(n <= LDISC_BUF_SIZE);
	got = ldisc_read(&ld, (u8 *)buf, n);
	buf[got] = '\0';
	return buf;
}

static void set_lflag(u32 clear, u32 set)
{
	struct ktermios t = ld.termios;

	t.c_lflag = (t.c_lflag & ~clear) | set;
	ldisc_set_termios(&ld, &t);
}

static void test_line_is_readable_after_enter(void **state)
{
	type("abc");
	assert_false(ldisc_read_ready(&ld, 100));
	assert_false(ldisc_has_input(&ld));
	assert_int_equal(wakes, 0);
	type("\r"); /* a serial terminal's Enter: ICRNL makes it '\n' */
	assert_true(ldisc_read_ready(&ld, 100));
	assert_int_equal(wakes, 1);
	assert_string_equal(read_str(100), "abc\n");
	assert_false(ldisc_read_ready(&ld, 100));
	assert_string_equal(echoed, "abc\n");
}

static void test_erase(void **state)
{
	type("ab\x7f" "c\bd\n");
	assert_string_equal(read_str(100), "ad\n");
	assert_string_equal(echoed, "ab\b \bc\b \bd\n");
	type("\x7f\x7fx\n"); /* erasing an empty line does nothing */
	assert_string_equal(read_str(100), "x\n");
}

static void test_kill_and_word_erase(void **state)
{
	type("junk\x15ok\n");
	assert_string_equal(read_str(100), "ok\n");
	assert_non_null(strstr(echoed, "junk\b \b\b \b\b \b\b \bok"));
	type("foo bar  \x17" "baz\n");
	assert_string_equal(read_str(100), "foo baz\n");
}

static void test_control_chars_echo_as_caret(void **state)
{
	type("\x01");
	assert_string_equal(echoed, "^A");
	type("\x7f"); /* ^A took two columns: two erasures */
	assert_string_equal(echoed, "^A\b \b\b \b");
	type("\t\n");
	assert_string_equal(read_str(100), "\t\n");
}

static void test_eof(void **state)
{
	type("\x04"); /* ^D on an empty line: end of file */
	assert_true(ldisc_read_ready(&ld, 10));
	assert_string_equal(read_str(10), "");
	assert_false(ldisc_read_ready(&ld, 10));
	type("part\x04"); /* mid-line: the line goes without a newline */
	assert_string_equal(read_str(10), "part");
	assert_false(ldisc_read_ready(&ld, 10));
	type("\x04" "next\n");
	assert_string_equal(read_str(10), "");
	assert_string_equal(read_str(10), "next\n");
}

static void test_one_line_per_read(void **state)
{
	type("one\ntwo\n");
	assert_string_equal(read_str(100), "one\n");
	assert_string_equal(read_str(100), "two\n");
	type("hello\n");
	assert_string_equal(read_str(2), "he");
	assert_true(ldisc_read_ready(&ld, 2));
	assert_string_equal(read_str(2), "ll");
	assert_string_equal(read_str(2), "o\n");
	assert_false(ldisc_read_ready(&ld, 2));
	assert_int_equal(ldisc_input_bytes(&ld), 0);
}

static void test_signals(void **state)
{
	type("pending\nhalf");
	type("\x03");
	assert_int_equal(last_signal, SIGINT);
	assert_non_null(strstr(echoed, "^C"));
	/* both the typed-ahead line and the edit line are gone */
	assert_false(ldisc_read_ready(&ld, 100));
	type("x\n");
	assert_string_equal(read_str(100), "x\n");
	type("\x1c");
	assert_int_equal(last_signal, SIGQUIT);
	last_signal = 0;
	set_lflag(ISIG, 0);
	type("\x03\n");
	assert_int_equal(last_signal, 0);
	assert_string_equal(read_str(100), "\x03\n");
}

static void test_literal_next(void **state)
{
	type("\x16\x03\x16\x7f\n"); /* ^V ^C and ^V DEL: both kept */
	assert_int_equal(last_signal, 0);
	assert_string_equal(read_str(100), "\x03\x7f\n");
}

static void test_no_echo(void **state)
{
	set_lflag(ECHO, 0);
	type("secret\n");
	assert_string_equal(echoed, "");
	assert_string_equal(read_str(100), "secret\n");
	set_lflag(0, ECHONL); /* ECHONL: the newline still shows */
	type("x\n");
	assert_string_equal(echoed, "\n");
}

static void test_raw_mode(void **state)
{
	set_lflag(ICANON | ECHO, 0);
	assert_false(ldisc_read_ready(&ld, 10)); /* VMIN 1 */
	type("ab\x7f");
	assert_int_equal(wakes, 3);
	assert_true(ldisc_read_ready(&ld, 10));
	assert_string_equal(read_str(10), "ab\x7f"); /* no editing */
	assert_string_equal(echoed, "");

	ld.termios.c_cc[VMIN] = 3;
	type("xy");
	assert_false(ldisc_read_ready(&ld, 10));
	assert_true(ldisc_read_ready(&ld, 2)); /* MIN(VMIN, n) bytes suffice */
	ld.termios.c_cc[VMIN] = 0;
	assert_true(ldisc_read_ready(&ld, 10));
	assert_string_equal(read_str(10), "xy");
	assert_true(ldisc_read_ready(&ld, 10)); /* VMIN 0: returns at once */
	assert_string_equal(read_str(10), "");
}

static void test_mode_switches_keep_input(void **state)
{
	type("typed");
	set_lflag(ICANON, 0); /* the edit line becomes readable */
	assert_true(ldisc_has_input(&ld));
	assert_string_equal(read_str(100), "typed");
	type("raw");
	set_lflag(0, ICANON); /* raw bytes become one line */
	assert_true(ldisc_read_ready(&ld, 100));
	assert_string_equal(read_str(100), "raw");
	assert_false(ldisc_read_ready(&ld, 100));
}

static void test_input_mapping(void **state)
{
	struct ktermios t = ld.termios;

	t.c_iflag = (t.c_iflag & ~ICRNL) | IGNCR;
	ldisc_set_termios(&ld, &t);
	type("a\rb\n");
	assert_string_equal(read_str(100), "ab\n");
	t.c_iflag = INLCR; /* NL becomes CR: nothing ends the line now */
	ldisc_set_termios(&ld, &t);
	type("c\n");
	assert_false(ldisc_read_ready(&ld, 100));
}

static void test_full_buffer(void **state)
{
	char big[2 * LDISC_BUF_SIZE];
	const char *line;

	memset(big, 'z', sizeof(big));
	type_n(big, sizeof(big)); /* more than fits: the rest is dropped */
	type("\n");
	line = read_str(LDISC_BUF_SIZE);
	assert_true(strlen(line) <= LDISC_BUF_SIZE);
	assert_true(strlen(line) > LDISC_BUF_SIZE / 2);
	assert_int_equal(line[strlen(line) - 1], '\n');
	assert_false(ldisc_read_ready(&ld, 10));
	type("ok\n"); /* and it works afterwards */
	assert_string_equal(read_str(10), "ok\n");
}

static void test_flush(void **state)
{
	type("line\nedit");
	ldisc_flush_input(&ld);
	assert_false(ldisc_has_input(&ld));
	type("\n");
	assert_string_equal(read_str(10), "\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_line_is_readable_after_enter, setup),
		cmocka_unit_test_setup(test_erase, setup),
		cmocka_unit_test_setup(test_kill_and_word_erase, setup),
		cmocka_unit_test_setup(test_control_chars_echo_as_caret, setup),
		cmocka_unit_test_setup(test_eof, setup),
		cmocka_unit_test_setup(test_one_line_per_read, setup),
		cmocka_unit_test_setup(test_signals, setup),
		cmocka_unit_test_setup(test_literal_next, setup),
		cmocka_unit_test_setup(test_no_echo, setup),
		cmocka_unit_test_setup(test_raw_mode, setup),
		cmocka_unit_test_setup(test_mode_switches_keep_input, setup),
		cmocka_unit_test_setup(test_input_mapping, setup),
		cmocka_unit_test_setup(test_full_buffer, setup),
		cmocka_unit_test_setup(test_flush, setup),
	};

	return cmocka_run_group_tests_name("tty line discipline", tests,
					   host_group_setup, host_group_teardown);
}
