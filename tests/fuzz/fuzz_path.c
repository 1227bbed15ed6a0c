/*
 * tests/fuzz/fuzz_path.c - libFuzzer target for path_join_lexical
 * (fs/path.c), the code that turns a user's path and a directory
 * into the name /proc/PID/maps, /proc/PID/cwd and exe show.
 *
 * Input: one byte giving the output size (0..255, or 4096 when it is 255),
 * then the base directory, a NUL, and the path the user passed.
 *
 * Beyond not crashing or writing past out[size - 1] (out is a heap block of
 * exactly size bytes, so AddressSanitizer sees any overrun):
 *  - the result is NUL-terminated, absolute, has no empty, "." or ".."
 *    component and no trailing slash (but "/");
 *  - when it says it fit, it equals a model that resolves the components
 *    with a stack, and joining it again to "/" changes nothing.
 */
#define _GNU_SOURCE /* memrchr */
#define FUZZ_NAME "fuzz_path"
#include "tests/fuzz/fuzz.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/path.h"


#define MODEL_MAX 8192

/* model_append - the components of path onto the model result m. */
static void model_append(const char *path, char *m, size_t *len)
{
	char name[MODEL_MAX];

	while (*path) {
		size_t n = strcspn(path, "/");

		memcpy(name, path, n);
		name[n] = '\0';
		path += n;
		path += strspn(path, "/");
		if (n == 0 || !strcmp(name, "."))
			continue;
		if (!strcmp(name, "..")) {
			char *slash = memrchr(m, '/', *len);

			*len = slash ? (size_t)(slash - m) : 0;
			continue;
		}
		m[(*len)++] = '/';
		memcpy(m + *len, name, n);
		*len += n;
	}
}

/* tidy - is p an absolute path with no empty, ".", ".." component? */
static bool tidy(const char *p)
{
	if (p[0] != '/')
		return false;
	if (!strcmp(p, "/"))
		return true;
	for (const char *c = p + 1;; ) {
		size_t n = strcspn(c, "/");

		if (n == 0 || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (!c[n])
			return true;
		c += n + 1;
	}
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *input, *base, *rel, *out, *again, model[2 * MODEL_MAX];
	size_t out_size, mlen = 0;
	bool fit;

	if (size < 1 || size > MODEL_MAX / 2)
		return 0;
	out_size = data[0] == 255 ? 4096 : data[0];
	input = calloc(1, size + 1); /* what follows the size, NUL-ended */
	memcpy(input, data + 1, size - 1);
	base = input;
	rel = input + strlen(input) + (strlen(input) < size - 1 ? 1 : 0);
	out = malloc(out_size ? out_size : 1);

	fit = path_join_lexical(base, rel, out, out_size);
	if (out_size == 0) {
		CHECK(!fit);
		goto done;
	}
	CHECK(memchr(out, '\0', out_size) != NULL);
	if (out_size < 2) {
		CHECK(!fit && out[0] == '\0');
		goto done;
	}
	CHECK(tidy(out));
	if (rel[0] != '/')
		model_append(base, model, &mlen);
	model_append(rel, model, &mlen);
	if (mlen == 0)
		model[mlen++] = '/';
	model[mlen] = '\0';
	if (fit) {
		CHECK(!strcmp(out, model));
		again = malloc(out_size);
		CHECK(path_join_lexical("/", out, again, out_size));
		CHECK(!strcmp(again, out));
		free(again);
	} else {
		CHECK(strlen(out) < out_size);
	}
done:
	free(out);
	free(input);
	return 0;
}
