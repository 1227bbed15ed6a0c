/*
 * tests/fuzz/fuzz_cmdline.c - libFuzzer target for the kernel command
 * line (kernel/cmdline.c): cmdline_parse on any NUL-terminated string,
 * then cmdline_get, cmdline_get_uint and cmdline_list_has on what it found.
 *
 * Beyond not crashing: the counts stay within the tables, every key,
 * value and argument is a string inside the parsed copy, keys hold no
 * '=', and cmdline_get returns the last value given for a key.
 */
#define FUZZ_NAME "fuzz_cmdline"
#include "tests/fuzz/fuzz.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/cmdline.h"


#define INPUT_MAX (2 * CMDLINE_MAX)

/* in_buf - is s a NUL-terminated string inside c->buf? */
static bool in_buf(const struct cmdline *c, const char *s)
{
	const char *end = c->buf + sizeof(c->buf);

	return s >= c->buf && s < end && memchr(s, '\0', (size_t)(end - s));
}

static void check_opts(const struct cmdline *c)
{
	CHECK(c->nopts <= CMDLINE_MAX_OPTS);
	for (unsigned i = 0; i < c->nopts; i++) {
		const char *key = c->opts[i].key, *last = NULL;

		CHECK(in_buf(c, key) && !strchr(key, '='));
		CHECK(in_buf(c, c->opts[i].value) || !c->opts[i].value[0]);
		for (unsigned j = 0; j < c->nopts; j++)
			if (!strcmp(c->opts[j].key, key))
				last = c->opts[j].value;
		CHECK(cmdline_get(c, key) == last);
		cmdline_get_uint(c, key, 7);
		cmdline_list_has(c->opts[i].value, key);
		cmdline_list_has(key, c->opts[i].value);
	}
}

static void check_init(const struct cmdline *c)
{
	CHECK(c->init_argc <= CMDLINE_MAX_ARGS);
	CHECK(c->init_argv[c->init_argc] == NULL);
	CHECK(!c->init == !c->init_argc);
	if (c->init)
		CHECK(c->init_argv[0] == c->init && c->init[0]);
	for (unsigned i = 0; i < c->init_argc; i++)
		CHECK(in_buf(c, c->init_argv[i]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cmdline c;
	static char s[INPUT_MAX + 1];
	size_t n = size < INPUT_MAX ? size : INPUT_MAX;

	memcpy(s, data, n);
	s[n] = '\0'; /* an inner NUL just ends the line early */
	cmdline_parse(&c, size ? s : NULL);
	check_opts(&c);
	check_init(&c);
	cmdline_get(&c, s);
	cmdline_get_uint(&c, s, 0);
	cmdline_list_has(s, "nx");
	return 0;
}
